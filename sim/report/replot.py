"""Redraw the figures of a results folder from its tables (``escalate plot``), without
simulating again: the figures each command writes, in any width and format."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.report.folder import (
    EvolutionTables,
    FolderError,
    RunTables,
    StageTables,
    SweepTables,
    TournamentTables,
    read_folder,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["folder_figures", "plot_folder"]

#: A figure of a folder: draws it at a width, and the source of its metadata.
Drawing = tuple[Callable[[str | float], "Figure"], Any]


def _run(tables: RunTables) -> dict[str, Drawing]:
    from sim.report.figures import timeline_figure
    from sim.report.survival_plot import truce_survival_figure

    wanted = tables.scenario.data.report.figures
    drawings: dict[str, Drawing] = {}
    if "timeline" in wanted:
        drawings["timeline"] = (lambda w: timeline_figure(tables, width=w), tables)
    has_spells = tables.has_truces and len(tables.truces()) > 0  # truces.csv is written then
    if "survival" in wanted and has_spells:
        drawings["survival"] = (lambda w: truce_survival_figure(tables, width=w), tables)
    if (tables.folder / "stage_game.json").exists():
        stage = _stage(StageTables(tables.folder))
        drawings |= {name: stage[name] for name in ("payoffs", "feasible") if name in wanted}
    return drawings


def _stage(stage: StageTables) -> dict[str, Drawing]:
    from sim.report.stage_plot import feasible_figure, payoffs_figure

    eqs = stage.equilibria()
    return {
        "payoffs": (lambda w: payoffs_figure(stage, eqs, width=w), stage),  # type: ignore[arg-type]
        "feasible": (lambda w: feasible_figure(stage, eqs, width=w), stage),  # type: ignore[arg-type]
    }


def _sweep(tables: SweepTables) -> dict[str, Drawing]:
    from sim.report.sweep_out import FIGURE_AXES
    from sim.report.sweep_plot import sweep_figure

    if len(tables.axes) > FIGURE_AXES:
        return {}
    cells = tables.cells()
    axes, metrics = list(tables.axes), list(tables.metrics)
    players = tables.scenario.players

    def draw(w: str | float) -> Figure:
        return sweep_figure(cells, axes, metrics, width=w, players=players)

    return {"sweep": (draw, tables)}


def folder_figures(folder: Path | str) -> dict[str, Drawing]:
    """The figures of a results folder, by name (the file stem in ``figures/``): the ones
    the command that wrote it draws. Raises :class:`~sim.report.folder.FolderError` for a
    folder that is not a results folder or misses a table."""
    _, tables = read_folder(folder)
    if isinstance(tables, RunTables):
        return _run(tables)
    if isinstance(tables, TournamentTables):
        from sim.report.tournament_plot import tournament_figure

        return {"tournament": (lambda w: tournament_figure(tables, width=w), tables)}
    if isinstance(tables, EvolutionTables):
        from sim.report.evolution_plot import evolution_figure

        return {"evolution": (lambda w: evolution_figure(tables, width=w), tables)}
    if isinstance(tables, SweepTables):
        return _sweep(tables)
    return _stage(tables)


def plot_folder(
    folder: Path | str,
    only: Sequence[str] | None = None,
    formats: Sequence[str] = ("pdf", "png"),
    width: str | float = "two",
    *,
    progress: Callable[[str], None] | None = None,
) -> list[str]:
    """Redraw the figures of a results folder from its tables into its ``figures/``,
    replacing the files there one by one (each written atomically).

    Parameters
    ----------
    folder : path
        A folder written by ``escalate run``, ``tournament``, ``evolve``, ``sweep`` or
        ``equilibria`` (or their Python equivalents).
    only : sequence of str, optional
        The figures to draw (default all): names as in ``figures/``, e.g. ``timeline``.
    formats : sequence of str
        Any of ``pdf``, ``png`` and ``svg``.
    width : "one", "two" or float
        One column (3.5 in), two columns (7 in) or inches.
    progress : callable, optional
        Called with each figure's name before it is drawn.

    Returns
    -------
    list of str
        The files written, relative to the folder (``figures/timeline.pdf``, ...).
    """
    from sim.report.figures import FORMATS, save_figure
    from sim.report.style import inches

    folder = Path(folder)
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise FolderError(f"format {bad[0] if bad else ''!r}: expected {', '.join(FORMATS)}")
    try:
        inches(width)
    except ValueError as exc:
        raise FolderError(str(exc)) from None
    drawings = folder_figures(folder)
    names = list(drawings) if only is None else list(dict.fromkeys(only))
    unknown = [name for name in names if name not in drawings]
    if unknown:
        has = ", ".join(drawings) or "none"
        raise FolderError(f"{folder}: no figure {unknown[0]!r}; this folder's figures: {has}")
    written = []
    for name in names:
        if progress is not None:
            progress(name)
        draw, source = drawings[name]
        fig = draw(width)
        written += save_figure(fig, folder / "figures" / name, source, formats)
    return written
