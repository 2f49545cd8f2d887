"""``sim.sweep``: a grid of scenario variants, many matches per cell, metrics per cell.

(The module is ``sim.report.sweeping`` so that importing it never hides the function
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
from sim.engine.run import default_workers, spawnable

if TYPE_CHECKING:
    import datetime as dt

    import pandas as pd

    from sim.report.sweep_store import CellStore
    from sim.run.scenario import Scenario


def sweep_plan(
    scenario: Scenario,
    grid: Grid | Mapping[str, Any],
    metrics: Iterable[str] | None = None,
    *,
    matches: int | None = None,
    seed: int | None = None,
    source: str = "grid",
    metrics_source: str = "--metric",
) -> SweepPlan:
    """Check a sweep and return its plan: every axis value is applied to the scenario
    and every metric name looked up, so that bad input fails before anything runs.
    ``source`` and ``metrics_source`` name where the grid and the metrics were given, for
    error messages."""
    if not isinstance(grid, Grid):
        grid = Grid.from_mapping(grid, source=source)
    check_grid(grid, scenario, source=source)
    aliases: dict[str, str] = {}
    if metrics is None:
        names = default_metrics(scenario)
    else:
        names, aliases = resolve_metrics(scenario, metrics, source=metrics_source)
    if not names:
        raise ValueError("metrics: give at least one metric name (or None for the defaults)")
    matches = scenario.matches if matches is None else matches
    seed = scenario.seed if seed is None else seed
    if matches < 1 or seed < 0:
        raise ValueError(
            f"matches must be at least 1 and seed non-negative, got {matches}, {seed}"
        )
    _check_cell_memory(scenario, grid, matches)
    return SweepPlan(scenario, grid, names, matches, seed, aliases)


def _check_cell_memory(scenario: Scenario, grid: Grid, matches: int) -> None:
    """Refuse a sweep whose largest cell the machine cannot hold, before any cell runs:
    the scenario at the sweep's matches, with each swept ``simulation.*`` value at its
    largest."""
    from sim.run.simulation import check_memory

    biggest: dict[str, Any] = {}
    for axis in grid.axes:
        if axis.path.startswith("simulation.") and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in axis.values
        ):
            biggest[axis.path] = max(axis.values)
    cell = scenario.replace(biggest) if biggest else scenario
    check_memory(cell, 1, matches=matches)


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
        defined in ``__main__`` (a notebook) runs in this process; one registered by a
        module is imported by the workers.
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
    store: str | Path | CellStore | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run a checked plan (:func:`sweep_plan`); the arguments are those of :func:`sweep`
    (``store`` may also be an open :class:`~sim.report.sweep_store.CellStore`)."""
    from sim.report.sweep_store import CellStore

    scenario = plan.scenario
    t0 = time.perf_counter()
    if store is None or isinstance(store, CellStore):
        kept = store
    else:
        kept = CellStore(store, plan.definition())
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
    classes = plan.strategy_classes()
    if not spawnable(classes):
        workers = 1  # worker processes could not import a strategy, or the main program
    tasks = [plan.task(i) for i in range(plan.cells) if i not in records]
    if progress is not None:
        progress(resumed, plan.cells)
    failed = run_tasks(
        run_cell,
        BaseScenario.of(scenario, classes),
        tasks,
        on_record=keep,
        workers=workers,
        client=client,
        progress=tick,
    )
    if failed:
        raise SweepIncomplete(failed, plan.cells, None if kept is None else str(kept.folder))
    frame = cells_frame(plan, list(records.values()))
    if client is not None:
        backend, used = "dask", _dask_workers(client)
    elif workers > 1 and len(tasks) > 1:
        backend, used = "processes", min(workers, len(tasks))
    else:
        backend, used = "serial", 1
    frame.attrs["run"] = {
        "backend": backend,
        "workers": used,
        "scheduler": getattr(getattr(client, "scheduler", None), "address", None),
        "resumed_cells": resumed,
        "seconds": time.perf_counter() - t0,
        "cell_seconds": sum(float(r.get("seconds", 0.0)) for r in records.values()),
    }
    return frame


def _dask_workers(client: Any) -> int:
    return len(client.scheduler_info().get("workers", {}))


def sweep_folder(
    plan: SweepPlan,
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    figures: bool = True,
    command: list[str] | None = None,
    started: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run a plan into the results folder ``out`` (what ``escalate sweep`` does), keeping
    finished cells in ``<out>.partial`` so that the same call resumes after an
    interruption, and writing ``out`` in one piece when every cell is done.

    ``scheduler`` is a Dask scheduler's address, or ``"local"`` for a ``LocalCluster`` of
    ``workers`` processes. ``out`` is refused when it exists, unless ``force``;
    ``<out>.partial`` of another sweep is refused, unless ``force`` (which deletes it).
    """
    import contextlib
    import datetime as dt
    import shutil

    from sim.analysis.workers import dask_client
    from sim.report.files import check_output
    from sim.report.sweep_out import partial_folder, write_sweep
    from sim.report.sweep_store import CellStore, StoreMismatch

    started = started or dt.datetime.now(dt.UTC)
    target = check_output(out, force=force)  # before running, not after
    partial = partial_folder(target)
    workers = default_workers() if workers is None else workers
    clients: Any = contextlib.nullcontext(None)
    if scheduler is not None:
        clients = dask_client(scheduler, workers)
    with clients as client:  # before the store: a scheduler that fails leaves nothing
        try:
            store = CellStore(partial, plan.definition())
        except StoreMismatch:
            if not force or not CellStore.is_store(partial):
                raise
            shutil.rmtree(partial)
            store = CellStore(partial, plan.definition())
        cells = run_sweep(plan, workers=workers, client=client, store=store, progress=progress)
    write_sweep(
        target,
        plan,
        cells,
        command=command or ["sim.report.sweeping.sweep_folder"],
        started=started,
        figures=figures,
        force=force,
    )
    return cells
