"""The results folder of ``escalate sweep``: ``cells.csv``, ``manifest.json`` and
``figures/sweep.pdf|png``, written atomically once every cell is done.

While the sweep runs, its finished cells live in the sibling folder ``<out>.partial``
(a :class:`~sim.report.sweep_store.CellStore`); the command removes it once the results
folder is written.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.report.files import (
    FLOAT,
    command_manifest,
    dump_json,
    scenario_document,
    write_atomically,
)
from sim.stats.streams import STREAM_UNIT

if TYPE_CHECKING:
    import pandas as pd

    from sim.analysis.sweep import SweepPlan

#: Most swept parameters a figure shows (a heat map of two, lines for one).
FIGURE_AXES = 2


def partial_folder(out: Path) -> Path:
    """Where the finished cells of the sweep bound for ``out`` are kept until it is done."""
    return out.with_name(out.name + ".partial")


def manifest(
    plan: SweepPlan,
    cells: pd.DataFrame,
    command: list[str],
    started: dt.datetime,
    files: list[str],
) -> dict[str, Any]:
    """The manifest of a sweep's folder: the scenario (resolved), the sweep's definition
    (grid, metrics, matches, seed and how cell seeds derive from it), how it ran, the
    versions and the times."""
    import importlib.metadata

    dask = {}
    for name in ("dask", "distributed"):
        try:
            dask[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            dask[name] = "not installed"
    fields = {
        "scenario": scenario_document(plan.scenario),
        "seed": plan.seed,
        "sweep": plan.definition(),
        "metric_aliases": dict(plan.aliases),
        "run": cells.attrs.get("run", {}),
        "stream_unit": STREAM_UNIT,
    }
    return command_manifest(command, started, files, fields, extra_versions=dask)


def fill_sweep(tmp: Path, plan: SweepPlan, cells: pd.DataFrame, *, figures: bool) -> list[str]:
    """Write the tables and figures of a sweep into ``tmp``; return the file names."""
    cells.to_csv(tmp / "cells.csv", index=False, float_format=FLOAT)
    files = ["cells.csv"]
    if figures and len(plan.grid.axes) <= FIGURE_AXES:
        files += sweep_figures(tmp, plan, cells)
    return files


def sweep_figures(folder: Path, plan: SweepPlan, cells: pd.DataFrame) -> list[str]:
    """Draw ``figures/sweep.pdf|png`` from a sweep's cells."""
    from sim.report.figures import save_figure
    from sim.report.sweep_plot import sweep_figure

    (folder / "figures").mkdir(exist_ok=True)
    fig = sweep_figure(
        cells, list(plan.grid.paths), list(plan.metrics), players=plan.scenario.players
    )
    return save_figure(fig, folder / "figures" / "sweep", plan)


def write_sweep(
    out: Path,
    plan: SweepPlan,
    cells: pd.DataFrame,
    *,
    command: list[str],
    started: dt.datetime,
    figures: bool = True,
    force: bool = False,
) -> list[str]:
    """Write the results folder ``out`` atomically, then remove the partial folder.
    Returns the files written (``manifest.json`` last)."""
    written: list[str] = []

    def fill(tmp: Path) -> None:
        files = fill_sweep(tmp, plan, cells, figures=figures)
        (tmp / "manifest.json").write_text(
            dump_json(manifest(plan, cells, command, started, [*files, "manifest.json"]))
        )
        written.extend([*files, "manifest.json"])

    write_atomically(out, fill, force=force)
    shutil.rmtree(partial_folder(Path(out)), ignore_errors=True)
    return written
