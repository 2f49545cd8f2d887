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

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sim.analysis.stage import StageGame
    from sim.result import Result
    from sim.scenario import Scenario

#: Okabe-Ito colour-blind-safe palette (instruments cycle through it).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")

STYLE: dict[str, Any] = {
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "legend.fontsize": 7,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "pdf.fonttype": 42,
    "savefig.bbox": "tight",
}


def timeline_data(result: Result) -> pd.DataFrame:
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


def truce_periods(result: Result, share: float = 0.5) -> list[tuple[Any, Any]]:
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
    labels: Sequence[str], values: Sequence[float] | None, unit: str
) -> tuple[list[str], str]:
    """Tick labels of a ladder and the unit to name in the panel title: the values when
    they rise strictly (``%`` for percent), else the level labels (shortened)."""
    numeric = (
        values is not None and unit != "rung" and all(b > a for a, b in itertools.pairwise(values))
    )
    if values is not None and numeric:
        pct = unit in ("pct", "%")
        return [f"{v:g}%" if pct else f"{v:g}" for v in values], "" if pct else unit
    return [label if len(label) <= 14 else label[:13] + "…" for label in labels], ""


def timeline_figure(result: Result, ax: Sequence[Axes] | None = None) -> Figure:
    """Levels of every instrument over rounds, one panel per instrument (a row per
    player): the mean across matches (line), the interquartile band (dark) and the
    5-95% band (light). Pass one axis per instrument as ``ax`` (player 0's first)."""
    import matplotlib as mpl
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    data = timeline_data(result)
    game = result.scenario.game
    k = game.n_instruments
    with mpl.rc_context(STYLE):  # type: ignore[arg-type]
        cols = max(len(game.of(0)), len(game.of(1)))
        if ax is None:
            width = max(7.0, 1.75 * cols)  # panels stay readable with many instruments
            fig = Figure(figsize=(width, 1.2 + 1.9 * 2), layout="constrained")
            grid = fig.subplots(2, cols, sharex=True, squeeze=False)
            axes = [grid[p][c] for p in (0, 1) for c in range(len(game.of(p)))]
            labelled = set(grid[1])  # x labels on the bottom row only
            for p in (0, 1):
                for c in range(len(game.of(p)), cols):
                    grid[p][c].set_visible(False)
        else:
            axes = list(ax)
            if len(axes) != k:
                raise ValueError(f"timeline_figure draws {k} panels: pass {k} axes")
            fig = axes[0].figure
            labelled = set(axes)
        periods = truce_periods(result)
        until = result.scenario.data.simulation.replay_until
        for axis, inst in zip(axes, game.instruments, strict=True):
            player = game.players[inst.owner]
            d = data[(data["player"] == player) & (data["instrument"] == inst.name)]
            colour = PALETTE[inst.owner]
            for a, b in periods:
                shade = {"color": "0.5", "alpha": 0.15, "linewidth": 0}
                axis.axvspan(a, b, **shade, label="truce (most matches)")
            if until is not None and "date" in str(d["x"].dtype):
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
            axis.plot(d["x"], d["mean"], color=colour, linewidth=1.2, label="mean")
            top = inst.n_levels - 1
            axis.set_ylim(-0.2, top + 0.2)
            ticks, unit = ladder_ticks(inst.labels, inst.values, inst.unit)
            step = max(1, -(-len(ticks) // 6))  # at most about six tick labels
            axis.set_yticks(range(0, top + 1, step), ticks[::step])
            axis.set_title(f"{player} {inst.name}", loc="left")
            if unit:
                axis.set_ylabel(unit)
            axis.grid(axis="y", linewidth=0.3, alpha=0.5)
            if "date" in str(d["x"].dtype):
                most = 7 if cols <= 3 else 4  # narrow panels: fewer dates, so they never collide
                locator = mdates.AutoDateLocator(minticks=2, maxticks=most)  # type: ignore[no-untyped-call]
                axis.xaxis.set_major_locator(locator)
                axis.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
            elif axis in labelled:
                axis.set_xlabel("round")
        handles, labels = axes[0].get_legend_handles_labels()
        unique = dict(zip(labels, handles, strict=True))  # one entry per truce period is enough
        fig.legend(
            unique.values(), unique.keys(), loc="outside lower center", ncols=5, frameon=False
        )
        fig.suptitle(
            f"{result.scenario.name}: level across {result.matches_count:,} "
            f"matches, seed {result.seed}",
            fontsize=9,
        )
    return fig


def figure_metadata(source: Any) -> dict[str, str]:
    """PDF/PNG metadata naming the scenario, its SHA-256, the seed and the package version.
    ``source`` is a scenario, a stage game (no seed: none is used), the result of a
    run, a tournament or an evolution, or a sweep's plan (the sweep seed)."""
    from sim.analysis.evolution import EvolutionResult
    from sim.analysis.stage import StageGame
    from sim.analysis.sweep import SweepPlan
    from sim.analysis.tournament import TournamentResult
    from sim.result import Result

    seed: str = "none"
    if isinstance(source, StageGame):
        name, sha = source.name, source.scenario_sha256 or "none"
    elif isinstance(source, Result | TournamentResult | EvolutionResult | SweepPlan):
        name, sha, seed = source.scenario.name, source.scenario.sha256, str(source.seed)
    else:
        name, sha = source.name, source.sha256
    return {
        "Title": name,
        "Subject": f"scenario {name}; sha256 {sha}; seed {seed}",
        "Keywords": f"escalation-sim {__version__}",
        "Creator": f"escalation-sim {__version__}",
    }


def save_figure(
    fig: Figure,
    stem: Path,
    source: Result | Scenario | StageGame | Any,
    formats: Sequence[str] = ("pdf", "png"),
) -> list[str]:
    """Save ``fig`` as ``stem.<format>`` for each format, with provenance metadata (scenario
    name, SHA-256, seed, package version; see :func:`figure_metadata`). Returns the written
    file names relative to the results folder (``figures/<name>``)."""
    import matplotlib as mpl

    meta = figure_metadata(source)
    written = []
    for fmt in formats:
        path = stem.with_suffix(f".{fmt}")
        md: dict[str, Any]
        if fmt == "pdf":
            md = dict(meta)
        elif fmt == "png":
            md = {
                "Title": meta["Title"],
                "Description": meta["Subject"],
                "Software": meta["Creator"],
            }
        else:
            md = {}
        with mpl.rc_context(STYLE):  # type: ignore[arg-type]  # fonts embedded, tight box
            fig.savefig(path, format=fmt, dpi=200, metadata=md)
        written.append(f"{stem.parent.name}/{path.name}")
    return written
