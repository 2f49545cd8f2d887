"""Zero-determinant extortion (Press & Dyson 2012; literature.md section 5)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.strategies.zero_determinant import extortion_vector

ROOT = Path(__file__).resolve().parents[2]
AXELROD = {"R": 3.0, "S": 0.0, "T": 5.0, "P": 1.0}


def test_literature_vector() -> None:
    """chi = 3, phi = 1/26 with Axelrod's payoffs gives p = (11/13, 1/2, 7/26, 0); phi's
    default is half its largest valid value, 1/13 here."""
    np.testing.assert_allclose(extortion_vector(AXELROD, 3.0, 1 / 26), (11 / 13, 0.5, 7 / 26, 0))
    np.testing.assert_allclose(extortion_vector(AXELROD, 3.0), (11 / 13, 0.5, 7 / 26, 0))
    with pytest.raises(ValueError, match="too large"):
        extortion_vector(AXELROD, 3.0, 0.1)
    with pytest.raises(ValueError, match="T > R > P > S"):
        extortion_vector({"R": 3.0, "S": 0.0, "T": 2.0, "P": 1.0}, 3.0)


@pytest.mark.parametrize(
    "opponent",
    [
        "appease",
        "tit_for_tat",
        "win_stay_lose_shift",
        "generous_tit_for_tat",
        "random",
        "always_escalate",
        {"name": "memory_one", "p_cc": 0.9, "p_cd": 0.2, "p_dc": 0.7, "p_dd": 0.4},
    ],
    ids=lambda o: o if isinstance(o, str) else "memory_one",
)
@pytest.mark.parametrize("seat", ["US", "CN"])
def test_extortion_enforces_its_relation(opponent: str | dict[str, float], seat: str) -> None:
    """Against each opponent, s_X - P = chi (s_Y - P) on mean payoffs, within Monte Carlo
    error plus the finite-horizon bound: by Akin's lemma the time average of
    (p - (1, 1, 0, 0)) . v_t is at most 1/T in size, and that average is
    phi [(s_X - P) - chi (s_Y - P)], so the relation holds to within 1 / (phi T)."""
    other = "CN" if seat == "US" else "US"
    rounds, chi, phi = 2000, 3.0, 1 / 26
    sc = sim.load_scenario(ROOT / "scenarios" / "ipd.toml").replace(
        {
            f"players.{seat}.strategy": {"name": "extortion", "chi": chi},
            f"players.{other}.strategy": opponent,
            "noise.execution": 0.0,
        },
        simulation={"rounds": rounds},
    )
    m = sim.simulate(sc, matches=3072, seed=11, workers=1).matches()
    x, y = m[f"payoff_{seat}"].to_numpy(), m[f"payoff_{other}"].to_numpy()
    gap = (x - 1.0) - chi * (y - 1.0)
    se = gap.std(ddof=1) / np.sqrt(gap.size)
    assert abs(gap.mean()) <= 3 * se + 1 / (phi * rounds), (gap.mean(), se)
    if opponent != "always_escalate":
        assert x.mean() > y.mean()  # the extortioner out-scores everyone it can exploit


def test_extortion_needs_a_two_level_dilemma() -> None:
    with pytest.raises(
        sim.ScenarioError, match=r"players\.US\.strategy: extortion needs a two-level"
    ):
        sim.load_scenario(ROOT / "scenarios" / "us-china-baseline.toml").replace(
            {"players.US.strategy": "extortion"}
        )
