"""Contrite tit-for-tat (Boyd 1989; Wu & Axelrod 1995)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import sim
from sim.stats.streams import BatchRandom
from sim.strategies import Observation, Seat, spec

ROOT = Path(__file__).resolve().parents[2]
IPD = sim.load_scenario(ROOT / "scenarios" / "ipd.toml")


def lv(*values: int) -> np.ndarray:
    return np.array([values], dtype=np.int8)


def test_it_does_not_answer_retaliation_for_its_own_error() -> None:
    """Two matches, decided side by side: in match 0 its own C slipped to D (noise), in
    match 1 it chose D. The opponent retaliates next round in both: contrite TFT answers
    only in match 1."""
    seat = Seat(IPD.game, 0)
    me = spec("contrite_tit_for_tat").build(seat, 2)
    rng = BatchRandom.for_matches(0, 0, 2)
    e = np.ones(2)
    # round t+1: it sees its own D in both matches; it had intended C in match 0 only.
    first = me.decide(Observation(1, lv(1, 1), lv(0, 0), e, lv(0, 1)), rng)
    np.testing.assert_array_equal(first, lv(0, 0))  # the opponent was at C: mirror C
    # round t+2: the opponent retaliated (D) in both; it is back at C in both.
    second = me.decide(Observation(2, lv(0, 0), lv(1, 1), e, lv(0, 0)), rng)
    np.testing.assert_array_equal(second, lv(0, 1))  # apologises in match 0 only
    third = me.decide(Observation(3, lv(0, 1), lv(1, 1), e, lv(0, 1)), rng)
    np.testing.assert_array_equal(third, lv(1, 1))  # contrition is spent: tit-for-tat again


def test_noiseless_it_is_tit_for_tat() -> None:
    for opponent in ("random", "always_escalate", "win_stay_lose_shift", "extortion"):
        runs = [
            sim.simulate(
                IPD.replace(
                    {
                        "players.US.strategy": me,
                        "players.CN.strategy": opponent,
                        "noise.execution": 0.0,
                    }
                ),
                matches=1024,
                rounds=60,
                seed=4,
                workers=1,
                trajectories=1024,
            ).data.traj_levels
            for me in ("tit_for_tat", "contrite_tit_for_tat")
        ]
        np.testing.assert_array_equal(runs[0], runs[1])


def test_under_noise_it_keeps_cooperation_that_tit_for_tat_loses() -> None:
    """Self-play with 5% execution noise over 200 rounds: tit-for-tat's echoes pull it
    towards (R+S+T+P)/4 = 2.25 (literature.md section 3); contrite TFT ends each echo after
    one exchange and stays well above, close to win-stay-lose-shift, which also corrects an
    error in two rounds."""
    means = {}
    for s in ("tit_for_tat", "contrite_tit_for_tat", "win_stay_lose_shift"):
        sc = IPD.replace({"players.US.strategy": s, "players.CN.strategy": s})
        m = sim.simulate(sc, matches=20480, seed=2, workers=1).matches()["payoff_US"]
        means[s] = (m.mean(), m.std(ddof=1) / np.sqrt(m.size))
    tft, ctft, wsls = (
        means[s] for s in ("tit_for_tat", "contrite_tit_for_tat", "win_stay_lose_shift")
    )
    assert tft[0] < 2.35
    assert ctft[0] > tft[0] + 0.3
    assert abs(ctft[0] - wsls[0]) < 0.1
