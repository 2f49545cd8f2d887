"""The strategy library against the Axelrod library (peer): noiseless IPD, move for move
and score, for every ordered pair of the 34 deterministic strategies both have (the
built-in classics and the shipped strategy files of sim/strategies/classics.toml)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import numpy as np
import pytest

from sim import strategies
from sim.strategies import spec
from sim.strategies.lineup import lineup
from tests.conftest import DATA, ipd_with, play_with_payoffs

GOLDEN: dict[str, Any] = json.loads((DATA / "axelrod_ipd_moves.json").read_text())
NAMES: dict[str, str] = GOLDEN["registry_names"]
MATCHES: list[dict[str, Any]] = GOLDEN["matches"]


def _moves(levels: np.ndarray) -> str:
    return "".join("CD"[int(x)] for x in levels)


def test_golden_metadata() -> None:
    """The golden file is Axelrod 4.14.0, noiseless, 200 turns, Axelrod payoffs, every
    ordered pair of the 34 deterministic strategies mapped to this library (the classics
    of tournament 1 and the basic and memory-one sets: benchmarks/axelrod_golden.py)."""
    meta = GOLDEN["metadata"]
    assert meta["axelrod_version"] == "4.14.0"
    assert meta["turns"] == 200
    assert meta["noise"] == 0
    assert meta["game"] == {"R": 3, "S": 0, "T": 5, "P": 1}
    assert len(NAMES) == 34
    assert {"Cooperator", "TitForTat", "Grudger", "FirstByDavis", "FirstByNydegger"} <= set(NAMES)
    assert set(NAMES.values()) <= set(strategies.names())
    pairs = {(m["row"], m["col"]) for m in MATCHES}
    assert pairs == {(a, b) for a in NAMES for b in NAMES}
    assert len(MATCHES) == 34 * 34
    for m in MATCHES:
        assert len(m["row_moves"]) == len(m["col_moves"]) == 200
        assert set(m["row_moves"] + m["col_moves"]) <= {"C", "D"}


def test_golden_strategies_are_deterministic_here_too() -> None:
    """Axelrod classifies each recorded strategy as deterministic; so do its facts here."""
    for name, registry_name in NAMES.items():
        assert GOLDEN["classifier"][name]["stochastic"] is False
        assert spec(registry_name).facts.stochastic is False, registry_name


@pytest.fixture(scope="module", params=[True, False], ids=["automata", "own-code"])
def all_pairs(request: pytest.FixtureRequest) -> dict[tuple[str, str], tuple[str, str, int, int]]:
    """Every ordered pair played in one batch of lineups, noiseless, 200 rounds: moves and
    total scores by (row, column) Axelrod names; once by table lookup and once through
    each strategy's own ``decide``."""
    names = list(NAMES)
    specs = tuple(spec(NAMES[a]) for a in names)
    k = len(specs)
    sc = ipd_with("tit_for_tat", "tit_for_tat", noise=0.0, rounds=200)
    seats = (
        lineup(specs, divisor=k, automata=request.param),
        lineup(specs, divisor=1, automata=request.param),
    )
    plan = dataclasses.replace(sc.plan, strategies=seats)
    levels, payoffs = play_with_payoffs(plan, n=k * k, seed=0)
    out = {}
    for g in range(k * k):
        a, b = names[g // k], names[g % k]
        out[(a, b)] = (
            _moves(levels[:, 0, g]),
            _moves(levels[:, 1, g]),
            int(payoffs[:, 0, g].sum()),
            int(payoffs[:, 1, g].sum()),
        )
    return out


def test_every_pair_moves_and_scores_match_axelrod(
    all_pairs: dict[tuple[str, str], tuple[str, str, int, int]],
) -> None:
    """Noiseless, 200 rounds, all 1,156 ordered pairs: identical move sequences and total
    scores to Axelrod's."""
    wrong = []
    for m in MATCHES:
        mine = all_pairs[(m["row"], m["col"])]
        theirs = (m["row_moves"], m["col_moves"], m["row_score"], m["col_score"])
        if mine != theirs:
            first = (
                next(
                    t
                    for t in range(200)
                    if (mine[0][t], mine[1][t]) != (theirs[0][t], theirs[1][t])
                )
                if mine[:2] != theirs[:2]
                else None
            )
            wrong.append(f"{m['row']} v {m['col']} (first difference at round {first})")
    assert not wrong, f"{len(wrong)} pairs differ: {wrong[:10]}"


def test_ipd_scenario_is_axelrods_game() -> None:
    """The IPD scenario's stage game has Axelrod's R, S, T, P for both players."""
    game = ipd_with("tit_for_tat", "tit_for_tat").game
    for player in (0, 1):
        assert game.reduction(player) == {"R": 3.0, "S": 0.0, "T": 5.0, "P": 1.0}


@pytest.mark.parametrize(
    "match",
    [m for m in MATCHES if m["row"] in ("TitForTat", "FirstByNydegger", "Prober")],
    ids=lambda m: f"{m['row']}-vs-{m['col']}",
)
def test_moves_and_scores_match_axelrod(match: dict[str, Any]) -> None:
    """Noiseless, 200 rounds: identical move sequences and total scores to Axelrod's."""
    sc = ipd_with(NAMES[match["row"]], NAMES[match["col"]], noise=0.0, rounds=200)
    levels, payoffs = play_with_payoffs(sc.plan, n=1, seed=0)
    assert levels.shape == (200, 2, 1)
    assert _moves(levels[:, 0, 0]) == match["row_moves"]
    assert _moves(levels[:, 1, 0]) == match["col_moves"]
    assert payoffs[:, 0, 0].sum() == match["row_score"]
    assert payoffs[:, 1, 0].sum() == match["col_score"]


@pytest.mark.parametrize(
    "match",
    [m for m in MATCHES if m["row"] in ("TitForTat", "WinStayLoseShift", "Defector")],
    ids=lambda m: f"{m['row']}-vs-{m['col']}",
)
def test_simulate_totals_match_axelrod(match: dict[str, Any]) -> None:
    """Through the public run path (``sim.simulate``) every match scores Axelrod's totals."""
    import sim

    sc = ipd_with(NAMES[match["row"]], NAMES[match["col"]], noise=0.0, rounds=200)
    res = sim.simulate(sc, matches=3, seed=5, workers=1)
    np.testing.assert_array_equal(res.data.total[0], match["row_score"])
    np.testing.assert_array_equal(res.data.total[1], match["col_score"])
