"""``sim.sweep``: a grid of scenario variants, many matches per cell, metrics per cell.

(The module is ``sim.sweeping`` so that importing it never hides the function
``sim.sweep``.)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.analysis.grid import Grid, check_grid
from sim.analysis.sweep import (
    BaseScenario,
    SweepIncomplete,
    SweepPlan,
    cells_frame,
    default_metrics,
    resolve_metrics,
    run_cell,
)
from sim.analysis.workers import run_tasks
from sim.engine.run import default_workers

if TYPE_CHECKING:
    import pandas as pd

    from sim.scenario import Scenario


def sweep_plan(
    scenario: Scenario,
    grid: Grid | Mapping[str, Any],
    metrics: Iterable[str] | None = None,
    *,
    matches: int | None = None,
    seed: int | None = None,
    source: str = "grid",
) -> SweepPlan:
    """Check a sweep and return its plan: every axis value is applied to the scenario
    and every metric name looked up, so that bad input fails before anything runs.
    ``source`` names where the grid was given, for error messages."""
    if not isinstance(grid, Grid):
        grid = Grid.from_mapping(grid, source=source)
    check_grid(grid, scenario, source=source)
    aliases: dict[str, str] = {}
    if metrics is None:
        names = default_metrics(scenario)
    else:
        names, aliases = resolve_metrics(scenario, metrics)
    if not names:
        raise ValueError("metrics: give at least one metric name (or None for the defaults)")
    matches = scenario.matches if matches is None else matches
    seed = scenario.seed if seed is None else seed
    if matches < 1 or seed < 0:
        raise ValueError(
            f"matches must be at least 1 and seed non-negative, got {matches}, {seed}"
        )
    return SweepPlan(scenario, grid, names, matches, seed, aliases)


def sweep(
    scenario: Scenario,
    grid: Grid | Mapping[str, Any],
    metrics: Iterable[str] | None = None,
    *,
    matches: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    client: Any = None,
    store: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run ``scenario`` in every cell of ``grid`` and return one row of metrics per cell.

    Parameters
    ----------
    scenario : the scenario each cell changes (:func:`sim.load_scenario`)
    grid : ``{path: values}``: dotted scenario paths (as ``escalate run --set``), each with
        a list of values or a string ``"V1,V2,..."`` or ``"START:STOP:COUNT"``; or a
        :class:`sim.analysis.grid.Grid`. Cells are every combination, the first path
        varying slowest.
    metrics : names from :meth:`sim.Result.metrics` (``truce.<suffix>`` means the
        scenario's first truce). Default: peace share, mean payoffs and, with truces,
        P(the first truce survives its term).
    matches, seed : per cell, and the sweep seed (default: the scenario's). Cell ``i``
        runs with a seed derived from ``SeedSequence(seed, spawn_key=(i,))``.
    workers : local processes (default: all cores; 1 runs in this process). A strategy
        defined in ``__main__`` (a notebook) runs in this process.
    client : a ``dask.distributed.Client``: run the cells on its cluster instead
    store : a folder that keeps every finished cell as it finishes; a sweep given the
        same store again runs only the missing cells
    progress : called as ``progress(cells_done, cells)``

    Returns
    -------
    pandas.DataFrame with ``cell``, one column per swept path, ``seed``, and per metric
    ``<metric>``, ``<metric>.ci_low`` and ``<metric>.ci_high`` (95%). ``.attrs["sweep"]``
    holds the definition, ``.attrs["run"]`` how it ran. The same plan gives the same
    table whatever the backend and the number of workers.

    Examples
    --------
    >>> import sim
    >>> sc = sim.load_scenario("scenarios/ipd.toml").replace(simulation={"rounds": 20})
    >>> cells = sim.sweep(sc, {"noise.execution": [0.0, 0.1]}, ["peace_share"],
    ...                   matches=200, seed=1, workers=1)
    >>> cells[["noise.execution", "peace_share"]].round(3).values.tolist()
    [[0.0, 1.0], [0.1, 0.53]]
    """
    plan = sweep_plan(scenario, grid, metrics, matches=matches, seed=seed)
    return run_sweep(plan, workers=workers, client=client, store=store, progress=progress)


def run_sweep(
    plan: SweepPlan,
    *,
    workers: int | None = None,
    client: Any = None,
    store: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run a checked plan (:func:`sweep_plan`); the arguments are those of :func:`sweep`."""
    from sim.report.sweep_store import CellStore

    scenario = plan.scenario
    t0 = time.perf_counter()
    kept = CellStore(store, plan.definition()) if store is not None else None
    records = kept.records() if kept is not None else {}
    resumed = len(records)

    def keep(record: dict[str, Any]) -> None:
        if kept is not None:
            kept.put(record)
        records[int(record["cell"])] = record

    def tick(done: int) -> None:
        if progress is not None:
            progress(resumed + done, plan.cells)

    workers = default_workers() if workers is None else workers
    if any(p.cls.__module__ == "__main__" for s in scenario.plan.strategies for p in s.parts):
        workers = 1  # worker processes cannot import it
    tasks = [plan.task(i) for i in range(plan.cells) if i not in records]
    if progress is not None:
        progress(resumed, plan.cells)
    failed = run_tasks(
        run_cell,
        BaseScenario.of(scenario),
        tasks,
        on_record=keep,
        workers=workers,
        client=client,
        progress=tick,
    )
    if failed:
        raise SweepIncomplete(failed, plan.cells, None if store is None else str(store))
    frame = cells_frame(plan, list(records.values()))
    frame.attrs["run"] = {
        "backend": "dask" if client is not None else "processes" if workers > 1 else "serial",
        "workers": _dask_workers(client) if client is not None else workers,
        "scheduler": getattr(getattr(client, "scheduler", None), "address", None),
        "resumed_cells": resumed,
        "seconds": time.perf_counter() - t0,
        "cell_seconds": sum(float(r.get("seconds", 0.0)) for r in records.values()),
    }
    return frame


def _dask_workers(client: Any) -> int:
    return len(client.scheduler_info().get("workers", {}))
