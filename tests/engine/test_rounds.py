"""The round loop: what it does with the levels strategies return."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import sim
from sim.engine import Plan, Rules, run_plan
from sim.strategies import spec

ROOT = Path(__file__).resolve().parents[2]


def test_user_strategy_targets_off_the_ladder_are_clipped() -> None:
    """A registered strategy returning a level far above the top plays the top (the engine
    clips before storing levels in 8 bits)."""
    from dataclasses import dataclass
    from typing import Any

    from sim.strategies import Facts, Strategy, register

    @dataclass(frozen=True)
    class NoParams:
        pass

    class Overshoot(Strategy):
        name = "test_overshoot"
        summary = "Test only: target level 1000."
        Params = NoParams

        @classmethod
        def facts(cls, params: Any) -> Facts:
            return Facts(
                nice=False, retaliatory=False, forgiving=False, stochastic=False, memory_depth=0
            )

        def decide(self, obs: Any, rng: Any) -> Any:
            return np.full(obs.own.shape, 1000)

    register(Overshoot)
    game = sim.load_scenario(ROOT / "scenarios" / "us-china-baseline.toml").game
    plan = Plan(game, (spec("test_overshoot"), spec("appease")), Rules(rounds=3))
    d = run_plan(plan, matches=8, seed=0, workers=1, sample=8)
    tops = game.n_levels[game.of(0)] - 1
    assert (d.traj_levels[-1, : len(tops), :] == tops[:, None]).all()
