"""Decoupling: exposure e_k(t) = floor + (1 - floor) 2^(-t / half_life) (DESIGN.md section 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.engine import run_plan

ROOT = Path(__file__).resolve().parents[2]
BASE = sim.load_scenario(ROOT / "scenarios" / "us-china-baseline.toml")
CHIPS = "players.US.instruments.chips.decoupling"
RARE = "players.CN.instruments.rare_earths.decoupling"
DECOUPLED = BASE.replace(
    {CHIPS: {"half_life": 26.0, "floor": 0.4}, RARE: {"half_life": 52.0, "floor": 0.0}}
)


def test_exposure_follows_its_formula() -> None:
    game = DECOUPLED.game
    chips = game.instrument_index("US", "chips")
    rare = game.instrument_index("CN", "rare_earths")
    t = np.arange(0, 400)
    e = game.exposure(t)
    np.testing.assert_allclose(e[:, chips], 0.4 + 0.6 * 2.0 ** (-t / 26.0))
    np.testing.assert_allclose(e[:, rare], 2.0 ** (-t / 52.0))
    assert e[0, chips] == 1.0 and e[26, chips] == pytest.approx(0.7)
    others = [j for j in range(game.n_instruments) if j not in (chips, rare)]
    assert (e[:, others] == 1.0).all()
    assert not BASE.game.decouples and DECOUPLED.game.decouples


def test_payoffs_use_the_exposure_of_each_round() -> None:
    """The US tops every ladder, China never moves: China's payoff in round t is minus the
    exposed pain of the US's top levels, exactly."""
    sc = DECOUPLED.replace(
        {
            "players.US.strategy": "always_escalate",
            "players.CN.strategy": "appease",
            "noise.execution": 0.0,
            "noise.perception": 0.0,
            "simulation.max_step": None,
        }
    )
    rounds = sc.rounds
    res = sim.simulate(sc, matches=1024, seed=0, workers=1)
    game = sc.game
    us = game.of(0)
    top = game.n_levels[us] - 1
    e = game.exposure(np.arange(rounds))
    expected = -(e[:, us] * game.pain[us, top]).sum(axis=1)
    np.testing.assert_allclose(res.rounds()["payoff_CN"], expected)
    trend = game.leverage_trend([0, 52, 103]).query("instrument == 'chips'")
    assert trend["pain_per_cost"].is_monotonic_decreasing


def test_results_do_not_depend_on_blocks_or_workers() -> None:
    plan = DECOUPLED.plan
    a = run_plan(plan, matches=3000, seed=5, workers=1, block_size=1024, sample=5)
    b = run_plan(plan, matches=3000, seed=5, workers=2, block_size=2048, sample=5)
    for name in ("total", "discounted", "pay_sum", "level_counts", "traj_payoffs"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"half_life": 0.0, "floor": 0.5}, "decoupling.half_life"),
        ({"half_life": 10.0, "floor": 1.5}, "decoupling.floor"),
        ({"half_life": 10.0}, "decoupling.floor"),
    ],
)
def test_bad_decoupling_is_located(change: dict[str, float], where: str) -> None:
    with pytest.raises(sim.ScenarioError, match=f"players.US.instruments.chips.{where}"):
        BASE.replace({CHIPS: change})


def test_a_program_read_from_stdin_simulates_in_process() -> None:
    """Worker processes cannot re-import a program read from standard input, so it runs
    in this process instead of failing."""
    code = (
        "import sim\n"
        f"sc = sim.load_scenario({str(ROOT / 'scenarios' / 'ipd.toml')!r})\n"
        "r = sim.simulate(sc, matches=4096, rounds=5, workers=2)\n"
        "print('workers', r.info['workers'])\n"
    )
    p = subprocess.run(
        [sys.executable, "-"], input=code, capture_output=True, text=True, check=False, timeout=120
    )
    assert p.returncode == 0, p.stderr
    assert "workers 1" in p.stdout
