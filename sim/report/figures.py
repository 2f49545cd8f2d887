"""Figures. Data preparation is a separate function from drawing; drawing never simulates.

Figures are built on :class:`matplotlib.figure.Figure` directly (no pyplot), so nothing
process-wide changes: no backend switch, no global style.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim._version import __version__
from sim.report.layout import given_axes
from sim.report.style import inches, new_figure, paper_style, player_colour

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sim.analysis.stage import StageGame
    from sim.report.folder import RunTables
    from sim.run.result import Result
    from sim.run.scenario import Scenario


def timeline_data(result: Result | RunTables) -> pd.DataFrame:
    """Tidy table behind the timeline figure: one row per round and instrument with
    ``x`` (date or round), ``player``, ``instrument``, ``mean`` level across matches and
    the ``q05``, ``q25``, ``q50``, ``q75`` and ``q95`` quantiles (rungs)."""
    import pandas as pd

    rounds = result.rounds()
    game = result.scenario.game
    x = rounds["date"] if "date" in rounds else rounds["round"]
    frames = []
    for inst in game.instruments:
        key = f"{game.players[inst.owner]}.{inst.name}"
        frame = pd.DataFrame(
            {
                "x": x,
                "player": game.players[inst.owner],
                "instrument": inst.name,
                "mean": rounds[f"{key}.mean"],
            }
        )
        for q in ("q05", "q25", "q50", "q75", "q95"):
            frame[q] = rounds[f"{key}.{q}"]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def truce_periods(result: Result | RunTables, share: float = 0.5) -> list[tuple[Any, Any]]:
    """``(first, end)`` of each run of rounds in which at least ``share`` of the matches
    had a truce in force, as dates (or rounds); ``end`` is the start of the round after
    the run. Empty without truces."""
    if not result.has_truces:
        return []
    rounds = result.rounds()
    on = (rounds["truce_share"] >= share).to_numpy()
    x = list(rounds["date"] if "date" in rounds else rounds["round"])
    cal = result.scenario.plan.calendar
    x.append(cal.date_of(len(x)) if cal is not None else len(x))
    periods = []
    t = 0
    while t < len(on):
        if on[t]:
            u = t
            while u < len(on) and on[u]:
                u += 1
            periods.append((x[t], x[u]))
            t = u
        else:
            t += 1
    return periods


def ladder_ticks(
    labels: Sequence[str], values: Sequence[float] | None, unit: str, most: int = 14
) -> tuple[list[str], str]:
    """Tick labels of a ladder and the unit to name in the panel title: the values when
    they rise strictly (``%`` for percent), else the level labels (cut to ``most``
    characters)."""
    numeric = (
        values is not None and unit != "rung" and all(b > a for a, b in itertools.pairwise(values))
    )
    if values is not None and numeric:
        pct = unit in ("pct", "%")
        return [f"{v:g}%" if pct else f"{v:g}" for v in values], "" if pct else unit
    return [label if len(label) <= most else label[: most - 1] + "…" for label in labels], ""


def timeline_figure(
    result: Result | RunTables, ax: Sequence[Axes] | None = None, *, width: str | float = "two"
) -> Figure:
    """Levels of every instrument over rounds (dates when the scenario has a calendar), one
    panel per instrument in its player's colour: the mean across matches (line), the
    interquartile band (dark) and the 5-95% band (light); grey spans mark the rounds in
    which most matches had a truce in force.

    ``result`` is a :class:`~sim.run.result.Result` or the tables of a results folder
    (:class:`sim.report.folder.RunTables`). Pass one axis per instrument as ``ax`` (player
    0's first), or a ``width``: ``"one"`` column (3.5 in, two panels a row), ``"two"``
    (7 in, three a row) or inches.
    """
    import matplotlib.dates as mdates
    from matplotlib.legend_handler import HandlerTuple

    data = timeline_data(result)
    game = result.scenario.game
    k = game.n_instruments
    with paper_style():
        if ax is None:
            w = inches(width)
            cols = min(k, 2 if w < 5 else 3)
            rows = -(-k // cols)
            fig = new_figure(w, 0.5 + (1.25 if w < 5 else 1.45) * rows)
            grid = fig.subplots(rows, cols, sharex=True, squeeze=False)
            axes = list(grid.ravel()[:k])
            for extra in grid.ravel()[k:]:
                extra.remove()
            labelled = set(axes[-cols:])  # no panel below them
        else:
            fig, axes = given_axes(ax, k)
            labelled = set(axes)
        narrow = fig.get_figwidth() < 5
        periods = truce_periods(result)
        until = result.scenario.data.simulation.replay_until
        for axis, inst in zip(axes, game.instruments, strict=True):
            player = game.players[inst.owner]
            d = data[(data["player"] == player) & (data["instrument"] == inst.name)]
            colour = player_colour(inst.owner)
            dated = "date" in str(d["x"].dtype)
            for a, b in periods:
                shade = {"color": "0.5", "alpha": 0.15, "linewidth": 0}
                axis.axvspan(a, b, **shade, label="truce (most matches)")
            if until is not None and dated:
                axis.axvline(until, color="0.3", linewidth=0.6, linestyle=":", label="replay ends")
            bands = (("q05", "q95", 0.15, "5-95%"), ("q25", "q75", 0.35, "25-75%"))
            for low, high, alpha, label in bands:
                axis.fill_between(
                    d["x"],
                    d[low],
                    d[high],
                    color=colour,
                    alpha=alpha,
                    linewidth=0,
                    step="mid",
                    label=label,
                )
            axis.plot(d["x"], d["mean"], color=colour, label="mean")
            top = inst.n_levels - 1
            axis.set_ylim(-0.2, top + 0.2)
            ticks, unit = ladder_ticks(inst.labels, inst.values, inst.unit, 12 if narrow else 14)
            step = max(1, -(-len(ticks) // 5))  # at most about five tick labels
            axis.set_yticks(range(0, top + 1, step), ticks[::step])
            title = f"{player} {inst.name}"
            if unit and len(title) + len(unit) <= (20 if narrow else 40):
                title += f" ({unit})"
            elif unit:  # it would overflow the panel's title
                axis.set_ylabel(unit, fontsize=7)
            axis.set_title(title, color=colour)
            axis.grid(axis="y")
            if dated:
                inches_wide = axis.get_position().width * fig.get_figwidth()
                most = max(4, int(inches_wide * 2.5))  # about one date label per 0.4 in
                locator = mdates.AutoDateLocator(minticks=2, maxticks=most)  # type: ignore[no-untyped-call]
                axis.xaxis.set_major_locator(locator)
                axis.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
            elif axis in labelled:
                axis.set_xlabel("round")
            if axis in labelled:  # shared x: the panel above an empty slot keeps its labels
                axis.xaxis.set_tick_params(labelbottom=True)
        handles, labels = axes[0].get_legend_handles_labels()
        unique = dict(zip(labels, handles, strict=True))  # one entry per truce period is enough
        owners = sorted({inst.owner for inst in game.instruments})
        for key in ("5-95%", "25-75%", "mean"):  # one swatch per player colour on the panels
            unique[key] = tuple(_recoloured(unique[key], player_colour(p)) for p in owners)
        fig.legend(
            unique.values(),
            unique.keys(),
            loc="outside lower center",
            ncols=3 if narrow else 5,
            handler_map={tuple: HandlerTuple(ndivide=None)},
        )
    return fig


def _recoloured(handle: Any, colour: str) -> Any:
    """A copy of a legend handle (a band or a line) in ``colour``, for a legend shared by
    panels in both players' colours."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if isinstance(handle, Line2D):
        return Line2D([], [], color=colour, linewidth=handle.get_linewidth())
    return Patch(color=colour, alpha=handle.get_alpha(), linewidth=0)


def figure_metadata(source: Any) -> dict[str, str]:
    """Metadata naming the scenario, its SHA-256, the seed and the package version, as PDF
    keys (``Title``, ``Subject``, ``Keywords``, ``Creator``). ``source`` is a scenario, a
    stage game (no seed: none is used), or anything with a ``scenario`` and a ``seed``: the
    result of a run, a tournament or an evolution, a sweep's plan, or the tables of a
    results folder (:mod:`sim.report.folder`).

    >>> import sim
    >>> meta = figure_metadata(sim.load_scenario("scenarios/ipd.toml"))
    >>> meta["Title"], meta["Subject"].split(";")[2]
    ('ipd', ' seed none')
    """
    seed: str = "none"
    if hasattr(source, "scenario") and hasattr(source, "seed"):
        name, sha, seed = source.scenario.name, source.scenario.sha256, str(source.seed)
    elif hasattr(source, "scenario_sha256"):  # a stage game
        name, sha = source.name, source.scenario_sha256 or "none"
    else:
        name, sha = source.name, source.sha256
    return {
        "Title": name,
        "Subject": f"scenario {name}; sha256 {sha}; seed {seed}",
        "Keywords": f"escalation-sim {__version__}",
        "Creator": f"escalation-sim {__version__}",
    }


#: The formats figures are saved in.
FORMATS = ("pdf", "png", "svg")


def save_figure(
    fig: Figure,
    stem: Path,
    source: Result | Scenario | StageGame | Any,
    formats: Sequence[str] = ("pdf", "png"),
) -> list[str]:
    """Save ``fig`` as ``stem.<format>`` for each format (``pdf``, ``png``, ``svg``) in the
    paper style, at the figure's size, with provenance metadata (the scenario's name and
    SHA-256, the seed and the package version; see :func:`figure_metadata`); PDF and SVG
    carry no creation date. Each file is written atomically.
    Returns the written file names relative to the results folder (``figures/<name>``)."""
    from sim.report.files import write_file_atomically

    meta = figure_metadata(source)
    by_format: dict[str, dict[str, Any]] = {
        "pdf": {**meta, "CreationDate": None},
        "png": {
            "Title": meta["Title"],
            "Description": meta["Subject"],
            "Software": meta["Creator"],
        },
        "svg": {
            "Title": meta["Title"],
            "Description": meta["Subject"],
            "Keywords": [meta["Keywords"]],
            "Creator": meta["Creator"],
            "Date": None,
        },
    }
    unknown = [f for f in formats if f not in by_format]
    if unknown:
        raise ValueError(f"format {unknown[0]!r}: expected one of {', '.join(FORMATS)}")
    written = []
    for fmt in formats:
        path = stem.with_suffix(f".{fmt}")
        with paper_style():  # fonts embedded, saved at the figure's size

            def save(tmp: Path, fmt: str = fmt) -> None:
                fig.savefig(tmp, format=fmt, metadata=by_format[fmt])

            write_file_atomically(path, save)
        written.append(f"{stem.parent.name}/{path.name}")
    return written
