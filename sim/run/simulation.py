"""``sim.simulate``: many matches of a scenario in one batched run.

(The module is ``sim.run.simulation`` so that importing it never hides the function
``sim.simulate`` behind a module of the same name.)
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from sim.engine.run import Progress, default_workers, processes_used, run_plan
from sim.run.result import Result

if TYPE_CHECKING:
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
