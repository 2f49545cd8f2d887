"""The engine against the Axelrod library (peer): noiseless IPD, move for move and score."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from tests.conftest import DATA, ipd_with, play_with_payoffs

GOLDEN: dict[str, Any] = json.loads((DATA / "axelrod_ipd_moves.json").read_text())
NAMES: dict[str, str] = GOLDEN["registry_names"]
MATCHES: list[dict[str, Any]] = GOLDEN["matches"]


def _moves(levels: np.ndarray) -> str:
    return "".join("CD"[int(x)] for x in levels)


def test_golden_metadata() -> None:
    """The golden file is Axelrod 4.14.0, noiseless, 200 turns, Axelrod payoffs, 49 pairs."""
    meta = GOLDEN["metadata"]
    assert meta["axelrod_version"] == "4.14.0"
    assert meta["turns"] == 200
    assert meta["noise"] == 0
    assert meta["game"] == {"R": 3, "S": 0, "T": 5, "P": 1}
    assert NAMES == {
        "Cooperator": "appease",
        "Defector": "always_escalate",
        "TitForTat": "tit_for_tat",
        "Grudger": "grim_trigger",
        "WinStayLoseShift": "win_stay_lose_shift",
        "TitFor2Tats": "tit_for_two_tats",
        "Gradual": "gradual",
    }
    pairs = {(m["row"], m["col"]) for m in MATCHES}
    assert pairs == {(a, b) for a in NAMES for b in NAMES}
    assert len(MATCHES) == 49
    for m in MATCHES:
        assert len(m["row_moves"]) == len(m["col_moves"]) == 200
        assert set(m["row_moves"] + m["col_moves"]) <= {"C", "D"}


def test_ipd_scenario_is_axelrods_game() -> None:
    """The IPD scenario's stage game has Axelrod's R, S, T, P for both players."""
    game = ipd_with("tit_for_tat", "tit_for_tat").game
    for player in (0, 1):
        assert game.reduction(player) == {"R": 3.0, "S": 0.0, "T": 5.0, "P": 1.0}


@pytest.mark.parametrize("match", MATCHES, ids=[f"{m['row']}-vs-{m['col']}" for m in MATCHES])
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
