"""``sim.simulate``: many matches of a scenario in one batched run.

(The module is ``sim.run.simulation`` so that importing it never hides the function
``sim.simulate`` behind a module of the same name.)
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from sim.engine.run import (
    Progress,
    available_memory,
    default_workers,
    memory_estimate,
    processes_used,
    run_plan,
)
from sim.errors import Problem, ScenarioError
from sim.run.result import Result

if TYPE_CHECKING:
    from sim.engine.rounds import Plan
    from sim.run.scenario import Scenario


def simulate(
    scenario: Scenario,
    *,
    matches: int | None = None,
    seed: int | None = None,
    rounds: int | None = None,
    workers: int | None = None,
    block_size: int | None = None,
    trajectories: int | None = None,
    progress: Progress | None = None,
) -> Result:
    """Simulate many independent matches of ``scenario`` (Monte Carlo over noise).

    Parameters
    ----------
    scenario : a :class:`sim.Scenario` (from :func:`sim.load_scenario`)
    matches, seed, rounds, trajectories : override the scenario's ``[simulation]`` values
    workers : processes (default: all cores); the results do not depend on it
    block_size : matches per block (default: automatic); the results do not depend on it
    progress : called as ``progress(matches_done, matches)``

    Returns
    -------
    Result, with ``.summary()``, ``.rounds()``, ``.matches()`` and ``.trajectories()``.

    Examples
    --------
    >>> import sim
    >>> sc = sim.load_scenario("scenarios/ipd.toml")
    >>> res = sim.simulate(sc, matches=2048, seed=1, workers=1)
    >>> res.matches().shape[0]
    2048
    """
    given = {"matches": matches, "seed": seed, "rounds": rounds, "trajectories": trajectories}
    overrides = {k: v for k, v in given.items() if v is not None}
    if overrides:  # so that the result's scenario is exactly what ran
        scenario = scenario.replace(simulation=overrides)
    sim_ = scenario.data.simulation
    workers = default_workers() if workers is None else workers
    check_memory(scenario, workers, block_size)
    t0 = time.perf_counter()
    data = run_plan(
        scenario.plan,
        matches=sim_.matches,
        seed=sim_.seed,
        workers=workers,
        block_size=block_size,
        sample=sim_.trajectories,
        progress=progress,
    )
    processes = processes_used(scenario.plan, sim_.matches, workers, block_size)
    info = {"workers": processes, "block_size": block_size, "seconds": time.perf_counter() - t0}
    return Result(scenario, sim_.seed, data, info)


def check_memory(
    scenario: Scenario,
    workers: int,
    block_size: int | None = None,
    *,
    plan: Plan | None = None,
    matches: int | None = None,
    sample: int | None = None,
) -> None:
    """Refuse, before it starts, a run that needs more memory than the machine has
    (:func:`sim.engine.run.memory_estimate`), naming the sizes to lower. ``plan``,
    ``matches`` and ``sample`` default to the scenario's (a tournament passes its own)."""
    sim_ = scenario.data.simulation
    matches = sim_.matches if matches is None else matches
    sample = sim_.trajectories if sample is None else sample
    need = memory_estimate(
        scenario.plan if plan is None else plan,
        matches,
        workers=workers,
        block_size=block_size,
        sample=sample,
    )
    have = available_memory()
    if have is not None and need > have:
        raise ScenarioError(
            scenario.source,
            [
                Problem(
                    "simulation",
                    f"the run needs about {_size(need)} of memory "
                    f"({sim_.rounds:,} rounds x {matches:,} matches, "
                    f"{sample:,} paths kept), more than the {_size(have)} "
                    "available; expected fewer rounds, matches or trajectories",
                )
            ],
        )


def _size(n: float) -> str:
    return f"{n / 2**30:,.1f} GiB" if n >= 2**30 else f"{n / 2**20:,.0f} MiB"
