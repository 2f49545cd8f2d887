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


#: Why a figure a command can draw is not in a folder, by figure name.
Missing = dict[str, str]


def _run(tables: RunTables) -> tuple[dict[str, Drawing], Missing]:
    from sim.report.figures import timeline_figure
    from sim.report.survival_plot import truce_survival_figure

    wanted = tables.scenario.data.report.figures
    drawings: dict[str, Drawing] = {}
    missing = {
        name: "the scenario's [report] figures leaves it out"
        for name in ("timeline", "survival", "payoffs", "feasible")
        if name not in wanted
    }
    if "timeline" in wanted:
        drawings["timeline"] = (lambda w: timeline_figure(tables, width=w), tables)
    if "survival" in wanted:
        if tables.has_truces and len(tables.truces()) > 0:  # truces.csv is written then
            drawings["survival"] = (lambda w: truce_survival_figure(tables, width=w), tables)
        else:
            missing["survival"] = "the run has no truce spells"
    stage_wanted = [name for name in ("payoffs", "feasible") if name in wanted]
    if stage_wanted and (tables.folder / "stage_game.json").exists():
        stage, _ = _stage(StageTables(tables.folder))
        drawings |= {name: stage[name] for name in stage_wanted}
    else:
        missing |= {
            name: "the run was written without figures (--no-figures), so the folder has no "
            "stage game; escalate equilibria SCENARIO --out DIR writes one"
            for name in stage_wanted
        }
    return drawings, missing


def _stage(stage: StageTables) -> tuple[dict[str, Drawing], Missing]:
    from sim.report.stage_plot import feasible_figure, payoffs_figure

    def payoffs(w: str | float) -> Figure:
        return payoffs_figure(stage, stage.equilibria(), width=w)  # type: ignore[arg-type]

    def feasible(w: str | float) -> Figure:
        return feasible_figure(stage, stage.equilibria(), width=w)  # type: ignore[arg-type]

    return {"payoffs": (payoffs, stage), "feasible": (feasible, stage)}, {}


def _sweep(tables: SweepTables) -> tuple[dict[str, Drawing], Missing]:
    from sim.report.sweep_out import FIGURE_AXES
    from sim.report.sweep_plot import sweep_figure

    if len(tables.axes) > FIGURE_AXES:
        why = (
            f"figures show one or two swept parameters and this sweep has {len(tables.axes)}; "
            "cells.csv has every cell"
        )
        return {}, {"sweep": why}
    cells = tables.cells()
    axes, metrics = list(tables.axes), list(tables.metrics)
    players = tables.scenario.players

    def draw(w: str | float) -> Figure:
        return sweep_figure(cells, axes, metrics, width=w, players=players)

    return {"sweep": (draw, tables)}, {}


def folder_figures(folder: Path | str) -> tuple[dict[str, Drawing], Missing]:
    """The figures of a results folder, by name (the file stem in ``figures/``): the ones
    the command that wrote it draws, and why any other it can draw is not there. Raises
    :class:`~sim.report.folder.FolderError` for a folder that is not a results folder or
    misses a table."""
    _, tables = read_folder(folder)
    if isinstance(tables, RunTables):
        return _run(tables)
    if isinstance(tables, TournamentTables):
        from sim.report.tournament_plot import tournament_figure

        return {"tournament": (lambda w: tournament_figure(tables, width=w), tables)}, {}
    if isinstance(tables, EvolutionTables):
        from sim.report.evolution_plot import evolution_figure

        return {"evolution": (lambda w: evolution_figure(tables, width=w), tables)}, {}
    if isinstance(tables, SweepTables):
        return _sweep(tables)
    return _stage(tables)


def plot_folder(
    folder: Path | str,
    only: str | Sequence[str] | None = None,
    formats: str | Sequence[str] = ("pdf", "png"),
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
    only : str or sequence of str, optional
        The figures to draw (default all): names as in ``figures/``, e.g. ``timeline``.
    formats : str or sequence of str
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
    formats = list(dict.fromkeys([formats] if isinstance(formats, str) else formats))
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise FolderError(f"format {bad[0] if bad else ''!r}: expected {', '.join(FORMATS)}")
    try:
        inches(width)
    except ValueError as exc:
        raise FolderError(str(exc)) from None
    drawings, missing = folder_figures(folder)
    target = folder / "figures"
    if target.is_symlink():
        raise FolderError(
            f"{target} is a symbolic link; figures are written only inside the results folder"
        )
    only = [only] if isinstance(only, str) else only
    names = list(drawings) if only is None else list(dict.fromkeys(only))
    unknown = [name for name in names if name not in drawings]
    if unknown:
        name = unknown[0]
        has = ", ".join(drawings) or "none"
        why = f" ({missing[name]})" if name in missing else ""
        raise FolderError(f"{folder}: no figure {name!r}{why}; this folder's figures: {has}")
    written = []
    for name in names:
        if progress is not None:
            progress(name)
        draw, source = drawings[name]
        try:
            fig = draw(width)
        except FolderError:
            raise
        except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError) as exc:
            raise FolderError(
                f"{folder}: figure {name}: its tables do not hold what it needs "
                f"({type(exc).__name__}: {exc}); were they edited?"
            ) from None
        written += save_figure(fig, folder / "figures" / name, source, formats)
    return written
