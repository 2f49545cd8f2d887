"""Evolution on tournament payoffs: the pipeline against nashpy, a constructed hawk-dove
case, neutral drift, the finite-population result of Imhof, Fudenberg & Nowak (2007), and
``escalate evolve``.

The maths alone (replicator, rest points, Moran formulas) is tested in
test_evolution_math.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import nashpy
import numpy as np
import pytest
from typer.testing import CliRunner

import sim
from sim.analysis.evolution import evolve
from sim.analysis.moran import stationary_distribution
from sim.analysis.tournament import tournament
from sim.cli import app
from tests.conftest import SCENARIOS

runner = CliRunner()
IPD = SCENARIOS / "ipd.toml"


def _matrix_game(a: list[list[float]], **changes: object) -> sim.Scenario:
    """The IPD scenario with the symmetric stage game ``a`` (row player's payoffs)."""
    b = np.array(a, dtype=float)
    sc = sim.load_scenario(IPD)
    return sc.replace(payoffs={"US": b.tolist(), "CN": b.T.tolist()}, **changes)


def test_replicator_on_the_tournament_matrix_agrees_with_nashpy() -> None:
    sc = sim.load_scenario(IPD)
    entries = ["tit_for_tat", "always_escalate", "win_stay_lose_shift", "appease"]
    evo = evolve(sc, entries, matches=40, seed=2, t_max=30.0)
    a = evo.tournament.payoff_matrix
    assert np.array_equal(evo.matrix, a)
    assert a.min() >= 0  # so nashpy gets the matrix unchanged
    theirs = nashpy.Game(a).replicator_dynamics(y0=np.full(4, 0.25), timepoints=evo.times)
    assert np.allclose(evo.shares, theirs, atol=1e-7)
    assert list(evo.trajectory().columns) == ["t", *entries]


def test_hawk_dove_rest_points_through_the_pipeline() -> None:
    """Hawk-dove with value V = 2 and cost C = 4 (appease = dove, always_escalate = hawk),
    without noise: the tournament matrix is the stage game, and the only stable rest point
    has a share V / C = 1/2 of hawks."""
    v, c = 2.0, 4.0
    sc = _matrix_game([[v / 2, 0.0], [v, (v - c) / 2]], noise={"execution": 0.0})
    evo = evolve(sc, ["appease", "always_escalate"], matches=3, seed=1)
    assert np.allclose(evo.matrix, [[1.0, 0.0], [2.0, -1.0]])
    table = evo.rest_points()
    stable = table[table["stable"]]
    assert len(stable) == 1
    assert stable["always_escalate"].iloc[0] == pytest.approx(v / c)
    dove = table[table["support"] == "appease"].iloc[0]
    assert not dove["stable"] and dove["invasion_margin"] == pytest.approx(1.0 - 2.0)
    assert evo.trajectory()["always_escalate"].iloc[-1] == pytest.approx(0.5, abs=1e-3)


def test_neutral_drift_fixes_in_proportion_to_the_start() -> None:
    """Every payoff equal: each strategy takes over with probability (its count) / N, and
    one mutant with 1 / N exactly."""
    sc = _matrix_game([[1.0, 1.0], [1.0, 1.0]])
    n_pop = 20
    evo = evolve(
        sc,
        ["tit_for_tat", "always_escalate", "appease", "random"],
        method="moran",
        matches=2,
        seed=4,
        population=n_pop,
        runs=4000,
    )
    takeover = evo.takeover()
    assert list(takeover["initial"]) == [5, 5, 5, 5]
    for row in takeover.itertuples():
        assert row.ci_low <= 5 / n_pop <= row.ci_high
    assert np.allclose(evo.abundance, 0.25)
    assert evo.runs is not None and evo.runs.unfinished == 0


def test_moran_reproducible_and_seeded_apart_from_the_tournament() -> None:
    sc = sim.load_scenario(IPD)
    kw = {"method": "moran", "matches": 5, "population": 12, "runs": 300}
    one = evolve(sc, ["tit_for_tat", "always_escalate"], seed=5, **kw)  # type: ignore[arg-type]
    two = evolve(sc, ["tit_for_tat", "always_escalate"], seed=5, **kw)  # type: ignore[arg-type]
    assert one.runs is not None and two.runs is not None
    assert np.array_equal(one.runs.fixed, two.runs.fixed)
    given = evolve(method="moran", tournament_result=one.tournament, population=12, runs=300)
    assert given.runs is not None and np.array_equal(given.runs.fixed, one.runs.fixed)


# ---------------------------------------------------------------- Imhof, Fudenberg & Nowak

IFN = ["appease", "always_escalate", "tit_for_tat", "win_stay_lose_shift"]  # ALLC ALLD TFT WSLS


def _donation(b: float, c: float) -> list[list[float]]:
    return [[b - c, -c], [b, 0.0]]


@pytest.fixture(scope="module")
def ifn_basis() -> tuple[np.ndarray, np.ndarray]:
    """The four strategies' payoff matrices in the donation game with errors (1% per move,
    4,000 rounds: close to the long-run averages the paper uses), for b = 1, c = 0 and for
    b = 0, c = 1. The strategies never look at payoffs, so every (b, c) matrix is
    b * first + c * second (same seed, same play)."""

    def play(b: float, c: float) -> np.ndarray:
        sc = _matrix_game(_donation(b, c), noise={"execution": 0.01}, simulation={"rounds": 4000})
        return tournament(sc, IFN, matches=40, seed=2007).payoff_matrix

    return play(1.0, 0.0), play(0.0, 1.0)


def _paper_matrix(b: float, c: float) -> np.ndarray:
    """The long-run payoffs of ALLC, ALLD, TFT and WSLS as the error rate goes to 0,
    derived from the four-state Markov chains (R = b - c, S = -c, T = b, P = 0)."""
    return np.array(
        [
            [b - c, -c, b - c, (b - 2 * c) / 2],
            [b, 0.0, 0.0, b / 2],
            [b - c, 0.0, (b - c) / 2, (b - c) / 2],
            [(2 * b - c) / 2, -c / 2, (b - c) / 2, b - c],
        ]
    )


def test_donation_game_payoffs_approach_the_small_error_limit(
    ifn_basis: tuple[np.ndarray, np.ndarray],
) -> None:
    first, second = ifn_basis
    check = tournament(
        _matrix_game(_donation(3.0, 1.0), noise={"execution": 0.01}, simulation={"rounds": 4000}),
        IFN,
        matches=40,
        seed=2007,
    ).payoff_matrix
    assert np.allclose(check, 3 * first + second)  # linear in (b, c): the play is the same
    # 1% errors are not the limit: O(error) away from it (payoffs of order b = 3)
    assert np.abs(check - _paper_matrix(3.0, 1.0)).max() < 0.1


def _winner(a: np.ndarray, labels: list[str]) -> str:
    pi = stationary_distribution(a, 100, 0.01, "linear")
    return labels[int(np.argmax(pi))]


def _threshold(first: np.ndarray, second: np.ndarray, keep: list[int]) -> float:
    """The benefit-to-cost ratio above which WSLS, not ALLD, is the most abundant."""
    lo, hi = 1.2, 8.0
    names = [IFN[i] for i in keep]
    for _ in range(30):
        mid = (lo + hi) / 2
        a = (mid * first + second)[np.ix_(keep, keep)]
        if _winner(a, names) == "win_stay_lose_shift":
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def test_imhof_fudenberg_nowak_2007(ifn_basis: tuple[np.ndarray, np.ndarray]) -> None:
    """ALLC, ALLD, TFT and WSLS in the donation game with errors, a frequency-dependent
    Moran process (N = 100, fitness 1 - w + w * payoff, w = 0.01) in the limit of rare
    mutations: ALLD is the most abundant below a critical b/c, WSLS above it, TFT never;
    and TFT lowers the threshold of WSLS (literature.md, section 4)."""
    first, second = ifn_basis
    ratios = np.round(np.arange(1.2, 6.01, 0.1), 2)
    winners = {r: _winner(r * first + second, IFN) for r in ratios}
    assert "tit_for_tat" not in winners.values() and "appease" not in winners.values()
    with_tft = _threshold(first, second, [0, 1, 2, 3])
    without_tft = _threshold(first, second, [0, 1, 3])
    for r, winner in winners.items():
        assert winner == ("always_escalate" if r < with_tft else "win_stay_lose_shift")
    assert with_tft < without_tft
    # The weak-selection, large-N condition (Antal et al. 2009) applied to the paper's
    # small-error matrix puts the thresholds at 2.2 with TFT and 3 without.
    assert with_tft == pytest.approx(2.2, abs=0.3)
    assert without_tft == pytest.approx(3.0, abs=0.3)


# ---------------------------------------------------------------- the command


@pytest.mark.parametrize(
    ("method", "tables"),
    [
        ("replicator", ["trajectory.csv", "rest_points.csv"]),
        ("moran", ["takeover.csv", "fixation.csv", "abundance.csv"]),
    ],
)
def test_evolve_folder(tmp_path: Path, method: str, tables: list[str]) -> None:
    out = tmp_path / method
    res = runner.invoke(
        app,
        [
            "evolve",
            str(IPD),
            "-s",
            "tit_for_tat,always_escalate,win_stay_lose_shift",
            "--method",
            method,
            "--matches",
            "10",
            "--population",
            "15",
            "--runs",
            "200",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    manifest = json.loads((out / "manifest.json").read_text())
    expected = [
        "manifest.json",
        "summary.json",
        "scores.csv",
        "ranking.csv",
        *tables,
        "figures/evolution.pdf",
        "figures/evolution.png",
    ]
    assert sorted(manifest["files"]) == sorted(expected)
    assert manifest["method"] == method
    summary = json.loads((out / "summary.json").read_text())
    assert summary["evolution"]["method"] == method and len(summary["ranking"]) == 3
    for name in expected:
        assert (out / name).stat().st_size > 0
    assert b"seed 1" in (out / "figures" / "evolution.pdf").read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "nope"], "--method 'nope'"),
        (["--fitness", "cubic"], "--fitness 'cubic'"),
        (["--method", "moran", "--fitness", "linear", "--intensity", "1.5"], "must be in [0, 1]"),
        (
            [
                "--method",
                "moran",
                "--fitness",
                "linear",
                "--intensity",
                "0.9",
                "--set",
                "payoffs.US=[[3.0, -1.0], [5.0, 1.0]]",
                "--set",
                "payoffs.CN=[[3.0, 5.0], [-1.0, 1.0]]",
            ],
            "not positive",
        ),
        (["--method", "moran", "--population", "2"], "give at least 3"),
        (["-s", "nope"], "unknown strategy 'nope'"),
    ],
)
def test_evolve_bad_input(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "bad"
    res = runner.invoke(
        app,
        ["evolve", str(IPD), "-s", "tit_for_tat,always_escalate,appease", *args, "-o", str(out)]
        if "-s" not in args
        else ["evolve", str(IPD), *args, "-o", str(out)],
    )
    assert res.exit_code == 2, res.output
    assert message in res.output and "Traceback" not in res.output
    assert not out.exists()


def test_a_population_too_small_is_rejected_before_playing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sim.analysis.tournament as tour

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the tournament was played")

    monkeypatch.setattr(tour, "tournament", never)
    res = runner.invoke(
        app,
        [
            "evolve",
            str(IPD),
            "-s",
            "tit_for_tat,appease,random",
            "--method",
            "moran",
            "--population",
            "2",
            "-o",
            str(tmp_path / "x"),
        ],
    )
    assert res.exit_code == 2 and "give at least 3" in res.output
    with pytest.raises(sim.SimError, match="at least 3"):
        evolve(
            sim.load_scenario(IPD),
            ["tit_for_tat", "appease", "random"],
            method="moran",
            population=2,
        )


def test_tournament_result_and_its_own_arguments_do_not_mix() -> None:
    res = tournament(sim.load_scenario(IPD), ["tit_for_tat", "appease"], matches=2, seed=1)
    with pytest.raises(sim.SimError, match="seed cannot be given with tournament_result"):
        evolve(tournament_result=res, seed=3)
