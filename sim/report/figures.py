"""Figures. Data preparation is a separate function from drawing; drawing never simulates.

Figures are built on :class:`matplotlib.figure.Figure` directly (no pyplot), so nothing
process-wide changes: no backend switch, no global style.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim._version import __version__

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sim.result import Result

#: Okabe-Ito colour-blind-safe palette (instruments cycle through it).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
           "#000000")

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
    ``x`` (date or round), ``player``, ``instrument``, ``mean``, ``low`` (5%) and ``high``
    (95%) level across matches, and ``top`` (the ladder's top rung)."""
    import pandas as pd

    rounds = result.rounds()
    game = result.scenario.game
    x = rounds["date"] if "date" in rounds else rounds["round"]
    frames = []
    for inst in game.instruments:
        key = f"{game.players[inst.owner]}.{inst.name}"
        frames.append(pd.DataFrame({
            "x": x,
            "player": game.players[inst.owner],
            "instrument": inst.name,
            "mean": rounds[f"{key}.mean"],
            "low": rounds[f"{key}.q05"],
            "high": rounds[f"{key}.q95"],
            "top": inst.n_levels - 1,
        }))
    return pd.concat(frames, ignore_index=True)


def timeline_figure(result: Result, ax: Sequence[Axes] | None = None) -> Figure:
    """Levels of every instrument over rounds, one panel per player: the mean across
    matches (line) and the 5-95% band. Pass two axes as ``ax`` to draw into them."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    data = timeline_data(result)
    game = result.scenario.game
    with mpl.rc_context(STYLE):  # type: ignore[arg-type]
        if ax is None:
            fig = Figure(figsize=(7.0, 4.2), layout="constrained")
            axes = list(fig.subplots(2, 1, sharex=True))
        else:
            axes = list(ax)
            if len(axes) != 2:
                raise ValueError("timeline_figure draws two panels: pass two axes")
            fig = axes[0].figure
        for axis, player in zip(axes, game.players, strict=True):
            own = data[data["player"] == player]
            for i, (name, d) in enumerate(own.groupby("instrument", sort=False)):
                colour = PALETTE[i % len(PALETTE)]
                axis.fill_between(d["x"], d["low"], d["high"], color=colour, alpha=0.18,
                                  linewidth=0, step="mid")
                axis.plot(d["x"], d["mean"], color=colour, linewidth=1.2, label=str(name))
            top = int(own["top"].max())
            axis.set_ylim(-0.15, top + 0.15)
            axis.set_yticks(range(top + 1))
            axis.set_ylabel("level (rung)")
            axis.set_title(f"{player}: mean level, band = 5-95% of matches", loc="left")
            axis.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
            axis.grid(axis="y", linewidth=0.3, alpha=0.5)
        axes[-1].set_xlabel("date" if "date" in result.rounds() else "round")
        fig.suptitle(f"{result.scenario.name}: {result.matches_count:,} matches, "
                     f"seed {result.seed}", fontsize=9)
    return fig


def figure_metadata(result: Result) -> dict[str, str]:
    sc = result.scenario
    return {
        "Title": f"{sc.name}",
        "Subject": f"scenario {sc.name}; sha256 {sc.sha256}; seed {result.seed}",
        "Keywords": f"escalation-sim {__version__}",
        "Creator": f"escalation-sim {__version__}",
    }


def save_figure(fig: Figure, stem: Path, result: Result,
                formats: Sequence[str] = ("pdf", "png")) -> list[str]:
    """Save ``fig`` as ``stem.<format>`` for each format, with provenance metadata (scenario
    name, SHA-256, seed, package version). Returns the written file names relative to the
    results folder (``figures/<name>``)."""
    meta = figure_metadata(result)
    written = []
    for fmt in formats:
        path = stem.with_suffix(f".{fmt}")
        md: dict[str, Any]
        if fmt == "pdf":
            md = dict(meta)
        elif fmt == "png":
            md = {"Title": meta["Title"], "Description": meta["Subject"],
                  "Software": meta["Creator"]}
        else:
            md = {}
        fig.savefig(path, format=fmt, dpi=200, metadata=md)
        written.append(f"{stem.parent.name}/{path.name}")
    return written
