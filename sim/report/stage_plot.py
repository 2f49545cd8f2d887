"""Stage-game figures: both players' payoffs over level profiles as heat maps with the Nash
equilibria marked, and the feasible payoff region with what the repeated game can sustain.

Built on :class:`matplotlib.figure.Figure` directly (no pyplot), in the paper style
(:mod:`sim.report.style`), laid out for one journal column (3.5 in) or two (7 in). Drawing
never solves: the data preparation functions (:func:`payoff_heatmap_data`,
:func:`feasible_data`) do, and are tested on their own. They use only what a stage game
read back from a results folder also has: ``name``, ``round``, ``players``, ``shape``,
``labels(p)``, ``instruments(p)``, ``matrices()``, ``feasible_region()`` and
``equilibria()``; of each equilibrium ``pure``, ``support(p)`` and ``payoffs``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from sim.analysis.stage import SEP
from sim.report.layout import (
    NARROW,
    given_axes,
    index_ticks,
    text_inches,
    text_width,
    wrap,
)
from sim.report.style import inches, new_figure, paper_style, player_colour, series_colour

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sim.analysis.equilibria import Equilibrium
    from sim.analysis.folk import FeasibleRegion
    from sim.analysis.stage import StageGame

__all__ = [
    "FeasibleData",
    "HeatmapData",
    "feasible_data",
    "feasible_figure",
    "payoff_heatmap_data",
    "payoffs_figure",
    "shorten",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

#: Up to this many profiles per player the ticks carry the profile labels.
LABELLED = 16
#: Up to this many cells the payoff values are written in the cells (when they fit).
ANNOTATED = 64
#: Longest tick label before it is shortened with an ellipsis.
LABEL_CHARS = 28


@dataclass(frozen=True)
class HeatmapData:
    """What :func:`payoffs_figure` draws.

    Attributes
    ----------
    payoffs : (float array ``(n0, n1)``, float array ``(n0, n1)``)
        Row and column player's payoffs.
    ticks, tick_labels, axis_labels : pairs of int arrays, lists of str, str
        Ticks of the y axis (row player's profiles) and of the x axis: profile labels
        (shortened) up to :data:`LABELLED` profiles per player, else a few indices.
    pure, mixed : int arrays ``(k, 2)``, ``(m, 2)``
        ``(row, col)`` cell of each pure equilibrium; the cells in the support of some
        mixed equilibrium, without repeats.
    offset, annotate : float, bool
        Marker shift up from the cell centre (cell units), leaving room for the payoff
        values, and whether they are written in the cells.
    note : str
        Why the equilibrium list may be incomplete (empty when it is complete).
    """

    payoffs: tuple[FloatArray, FloatArray]
    ticks: tuple[IntArray, IntArray]
    tick_labels: tuple[list[str], list[str]]
    axis_labels: tuple[str, str]
    pure: IntArray
    mixed: IntArray
    offset: float
    annotate: bool
    note: str


@dataclass(frozen=True)
class FeasibleData:
    """What :func:`feasible_figure` draws; points are ``(player 0, player 1)`` payoffs.

    Attributes
    ----------
    points : float array ``(p, 2)``
        The distinct payoff pairs of pure profiles.
    region : FeasibleRegion
        Hull (two vertices for a segment, one for a point), its individually rational part
        (may be empty), the mixed minmax point and the cooperative point (both at baseline).
    nash, nash_pure : float array ``(e, 2)``, bool array ``(e,)``
        Equilibrium payoffs and which equilibria are pure.
    axis_labels, note : (str, str), str
        Labels of the x and the y axis; as :attr:`HeatmapData.note`.
    """

    points: FloatArray
    region: FeasibleRegion
    nash: FloatArray
    nash_pure: NDArray[np.bool_]
    axis_labels: tuple[str, str]
    note: str


def _note(equilibria: Sequence[Equilibrium]) -> str:
    complete = getattr(equilibria, "complete", True)
    method = getattr(equilibria, "method", "")
    return "" if complete else f"mixed equilibria may be missing ({method})"


def shorten(label: str, most: int = LABEL_CHARS) -> str:
    """``label`` in at most ``most`` characters: the longest instrument levels of a profile
    label are cut first (with an ellipsis), so every instrument stays visible."""
    parts = label.split(SEP)
    limit = max(map(len, parts))
    while limit > 4 and sum(min(len(q), limit) for q in parts) + 3 * (len(parts) - 1) > most:
        limit -= 1
    return SEP.join(q if len(q) <= limit else q[: limit - 1] + "…" for q in parts)


def payoff_heatmap_data(
    stage: StageGame, equilibria: Sequence[Equilibrium] | None = None
) -> HeatmapData:
    """Tick positions and labels, equilibrium cells and marker offset of the payoff heat map.

    >>> import sim
    >>> d = payoff_heatmap_data(sim.stage_game(sim.load_scenario("scenarios/ipd.toml")))
    >>> d.pure.tolist(), d.tick_labels, d.annotate
    ([[1, 1]], (['C', 'D'], ['C', 'D']), True)
    """
    eqs = stage.equilibria() if equilibria is None else equilibria
    n0, n1 = stage.shape
    small = max(n0, n1) <= LABELLED
    ticks = [np.arange(n, dtype=np.intp) if small else index_ticks(n) for n in (n0, n1)]
    if small:
        labels = [[shorten(s) for s in stage.labels(p)] for p in (0, 1)]
        names = [f"{who}: {SEP.join(stage.instruments(p))}" for p, who in enumerate(stage.players)]
    else:
        labels = [[str(i) for i in t] for t in ticks]
        names = [f"{who} profile index, see payoffs.csv" for who in stage.players]
    pure = [(int(e.support(0)[0]), int(e.support(1)[0])) for e in eqs if e.pure]
    mixed = {
        (int(i), int(j)) for e in eqs if not e.pure for i in e.support(0) for j in e.support(1)
    }
    annotate = n0 * n1 <= ANNOTATED
    return HeatmapData(
        payoffs=stage.matrices(),
        ticks=(ticks[0], ticks[1]),
        tick_labels=(labels[0], labels[1]),
        axis_labels=(names[0], names[1]),
        pure=np.array(pure, dtype=np.intp).reshape(-1, 2),
        mixed=np.array(sorted(mixed), dtype=np.intp).reshape(-1, 2),
        offset=0.22 if annotate else 0.0,
        annotate=annotate,
        note=_note(eqs),
    )


def _payoff_layout(
    d: HeatmapData, width: float, font: float, stacked: bool
) -> tuple[float, float, bool]:
    """A heat map panel's width and height in inches and whether the x tick labels stand
    upright (rotated), for a new figure ``width`` inches wide."""
    y_ticks = max(text_width(t, font) for t in d.tick_labels[0])
    panel_w = (width - 0.35 - y_ticks - (1 if stacked else 2) * 0.75) / (1 if stacked else 2)
    n0 = len(d.payoffs[0])
    if len(d.tick_labels[0]) == n0 and n0 <= LABELLED:  # a row per label
        panel_h = min(2.6, max(1.2, n0 * 1.7 * font / 72))
    else:
        panel_h = 2.0 if stacked else 2.5
    x_ticks = sum(text_width(t, font) + 0.1 for t in d.tick_labels[1])
    return panel_w, panel_h, x_ticks > panel_w


def _annotation(values: FloatArray, cell: tuple[float, float], font: float) -> float | None:
    """The font size to write ``values`` in cells ``cell`` = (width, height) inches with, or
    ``None`` when they do not fit (under the marker, two lines of text per cell)."""
    longest = max(len(f"{v:.3g}") for v in values.ravel())
    for size in (font, 6.0):
        if cell[0] >= text_inches(longest, size) + 0.04 and cell[1] >= 2.2 * size / 72:
            return size
    return None


def payoffs_figure(
    stage: StageGame,
    equilibria: Sequence[Equilibrium] | None = None,
    ax: Sequence[Axes] | None = None,
    *,
    width: str | float = "two",
) -> Figure:
    """Both players' payoffs over level profiles as heat maps, with the equilibria marked.

    Parameters
    ----------
    stage : StageGame
        The game; the row player's profiles run down the y axis, the column player's along x.
    equilibria : sequence of Equilibrium, optional
        Equilibria to mark (default ``stage.equilibria()``): a filled dot in the cell of a
        pure one, hollow squares on the cells of a mixed one's support.
    ax : sequence of two Axes, optional
        Draw the row and the column player's panel into these and return their figure.
    width : "one", "two" or float
        Width of a new figure: one journal column (3.5 in, the two panels one above the
        other), two (7 in, side by side) or inches. The height follows from the game.

    Returns
    -------
    Figure
    """
    from matplotlib.layout_engine import ConstrainedLayoutEngine
    from matplotlib.lines import Line2D

    d = payoff_heatmap_data(stage, equilibria)
    n0, n1 = stage.shape
    font = 6.0 if LABELLED >= max(n0, n1) > 8 else 7.0  # many labelled profiles: smaller
    with paper_style():
        if ax is None:
            w = inches(width)
            stacked = w < NARROW
            panel_w, panel_h, upright = _payoff_layout(d, w, font, stacked)
            x_ticks = max(text_width(t, font) for t in d.tick_labels[1]) if upright else 0.1
            below = x_ticks + 0.45 + 0.45  # tick labels, label, legend
            height = (2 if stacked else 1) * (panel_h + 0.3) + below + (0.15 if d.note else 0)
            fig = new_figure(w, height)
            shape = (2, 1) if stacked else (1, 2)
            axes = list(fig.subplots(*shape, sharex=True, sharey=True).ravel())
        else:
            fig, axes = given_axes(ax, 2)
            stacked = False
            size = fig.get_size_inches()
            box = axes[0].get_position()
            panel_w, panel_h = 0.8 * box.width * size[0], 0.8 * box.height * size[1]
            upright = sum(text_width(t, font) + 0.1 for t in d.tick_labels[1]) > panel_w
        cell = (panel_w / n1, panel_h / n0)
        text_size = _annotation(d.payoffs[0], cell, font) if d.annotate else None
        offset = d.offset if text_size else 0.0
        common = {"ls": "none", "mew": 1.5, "clip_on": False}
        ring = series_colour(1)
        box_size = min(10.0, max(6.0, 0.5 * 72 * min(cell)))
        hollow = {"marker": "s", "ms": box_size, "mfc": "none", "mec": ring}
        dot = {"marker": "o", "ms": 6, "mfc": "w", "mec": "k"}
        marks: list[tuple[IntArray, str, dict[str, Any]]] = [  # the larger hollow squares first
            (d.mixed, "in the support of a mixed equilibrium", common | hollow),
            (d.pure, "pure equilibrium", common | dot),
        ]
        labels = [
            wrap(d.axis_labels[0], panel_h + 0.3),
            wrap(d.axis_labels[1], panel_w),
        ]
        handles: list[Any] = []
        for p, axis in enumerate(axes):
            values = d.payoffs[p]
            im = axis.imshow(values, cmap="cividis", aspect="auto", interpolation="nearest")
            fig.colorbar(im, ax=axis, label="payoff", shrink=0.95, aspect=15)
            role = "row" if p == 0 else "column"
            axis.set_title(f"{stage.players[p]} payoff ({role} player)", color=player_colour(p))
            axis.set_yticks(d.ticks[0], d.tick_labels[0], fontsize=font)
            axis.set_xticks(d.ticks[1], d.tick_labels[1], fontsize=font)
            if upright:
                axis.tick_params(axis="x", labelrotation=90)
            bottom = p == 1 or not stacked or ax is not None  # shared x: labels at the bottom
            left = p == 0 or stacked or ax is not None
            if bottom:
                axis.set_xlabel(labels[1], color=player_colour(1))
            axis.tick_params(axis="x", labelbottom=bottom)
            if left:
                axis.set_ylabel(labels[0], color=player_colour(0))
            axis.tick_params(axis="y", labelleft=left)
            axis.spines[["top", "right"]].set_visible(True)
            if text_size:
                mid = float(values.min() + values.max()) / 2
                text: dict[str, Any] = {"ha": "center", "va": "center", "fontsize": text_size}
                for (i, j), v in np.ndenumerate(values):
                    axis.text(j, i + 0.15, f"{v:.3g}", color="w" if v < mid else "k", **text)
            for cells, label, style in marks:
                if len(cells):  # an empty unclipped line breaks the layout
                    lines = axis.plot(cells[:, 1], cells[:, 0] - offset, label=label, **style)
                    handles += lines if p == 0 else []
        handles = handles[::-1] or [Line2D([], [], ls="none", label="no equilibrium found")]
        one_row = sum(text_inches(len(h.get_label()), 7) + 0.4 for h in handles)
        ncols = len(handles) if one_row < fig.get_figwidth() - 0.2 else 1
        if isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):  # below the panels
            fig.legend(
                handles=handles, loc="outside lower center", ncols=ncols, title=d.note or None
            )
        else:  # no room made for it outside: over the cells where it hides least
            axes[1].legend(handles=handles, loc="best", title=d.note or None, framealpha=0.8)
    return fig


def feasible_data(
    stage: StageGame, equilibria: Sequence[Equilibrium] | None = None
) -> FeasibleData:
    """The feasible region, its individually rational part, the minmax and cooperative
    points and the equilibrium payoffs, for :func:`feasible_figure`.

    >>> import sim
    >>> d = feasible_data(sim.stage_game(sim.load_scenario("scenarios/ipd.toml")))
    >>> d.region.minmax, d.region.cooperative, d.nash.tolist()
    ((1.0, 1.0), (3.0, 3.0), [[1.0, 1.0]])
    """
    eqs = stage.equilibria() if equilibria is None else equilibria
    a, b = stage.matrices()
    return FeasibleData(
        points=np.unique(np.column_stack([a.ravel(), b.ravel()]), axis=0),
        region=stage.feasible_region(),
        nash=np.array([e.payoffs for e in eqs], dtype=float).reshape(-1, 2),
        nash_pure=np.array([e.pure for e in eqs], dtype=bool),
        axis_labels=(f"{stage.players[0]} payoff", f"{stage.players[1]} payoff"),
        note=_note(eqs),
    )


def _region(axis: Axes, vertices: FloatArray, alpha: float, label: str) -> None:
    """A filled polygon, or a thick segment, or a dot when the region is that thin."""
    style: dict[str, Any] = {"color": series_colour(0), "alpha": alpha, "label": label}
    if len(vertices) >= 3:
        axis.fill(vertices[:, 0], vertices[:, 1], lw=0, **style)
    elif len(vertices):
        point = len(vertices) == 1
        line = {"marker": "o", "ms": 12, "ls": "none"} if point else {"lw": 6}
        axis.plot(vertices[:, 0], vertices[:, 1], **line, **style)


def feasible_figure(
    stage: StageGame,
    equilibria: Sequence[Equilibrium] | None = None,
    ax: Axes | None = None,
    *,
    width: str | float = "two",
) -> Figure:
    """The feasible payoff region of the stage game and what the repeated game can sustain.

    Light: the convex hull of the pure profiles' payoff pairs (grey dots); dark: its
    individually rational part, where both players get at least their mixed minmax value
    (by the folk theorem, sustainable in the repeated game for discount factors close to 1;
    Fudenberg & Maskin 1986). Marked: the minmax point, the Nash equilibrium payoffs and the
    cooperative point (both at baseline).

    Parameters
    ----------
    stage : StageGame
        The game.
    equilibria : sequence of Equilibrium, optional
        Equilibria whose payoffs to mark (default ``stage.equilibria()``).
    ax : Axes, optional
        Draw into these axes and return their figure.
    width : "one", "two" or float
        Width of a new figure: one journal column (3.5 in, the legend below the plot), two
        (7 in, the legend beside it) or inches.

    Returns
    -------
    Figure
    """
    from matplotlib.ticker import MaxNLocator

    d = feasible_data(stage, equilibria)
    r = d.region
    with paper_style():
        if ax is None:
            w = inches(width)
            narrow = w < NARROW
            fig = new_figure(w, 3.6 if narrow else 3.8)
            axis = fig.subplots()
        else:
            fig, (axis,) = given_axes([ax], 1)
            narrow = False
        n = len(d.points)  # dots smaller and lighter the more there are, under the regions
        dots: dict[str, Any] = {"s": 10 if n <= 64 else 4 if n <= 2000 else 1, "zorder": 1}
        dots |= {"alpha": 0.3 if n > 2000 else 0.6, "rasterized": n > 2000, "c": "0.3", "lw": 0}
        axis.scatter(d.points[:, 0], d.points[:, 1], label="pure profiles", **dots)
        _region(axis, r.vertices, 0.18, "feasible")
        _region(axis, r.individually_rational, 0.45, "individually rational")
        axis.axvline(r.minmax[0], color="0.3", lw=0.6, ls=":")
        axis.axhline(r.minmax[1], color="0.3", lw=0.6, ls=":")
        axis.plot(*r.minmax, "P", color="black", ms=7, label="mixed minmax")
        star: dict[str, Any] = {"color": "white", "mec": "black", "mew": 0.8, "ms": 10}
        axis.plot(*r.cooperative, "*", **star, label="both at baseline")
        for pure, marker, name in ((True, "o", "pure"), (False, "D", "mixed")):
            nash = d.nash[d.nash_pure == pure]
            if len(nash):
                ring: dict[str, Any] = {"ms": 11 if len(nash) < 5 else 7, "mfc": "none"}
                label = f"Nash equilibrium, {name}"
                ring["mec"] = series_colour(1)
                axis.plot(*nash.T, marker, ls="none", mew=1.5, label=label, **ring)
        span = np.ptp(d.points, axis=0)
        pad = 0.06 * np.maximum(span, 0.1 * np.maximum(np.abs(d.points).max(axis=0), 1.0))
        lo, hi = d.points.min(axis=0) - pad, d.points.max(axis=0) + pad
        axis.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]))
        axis.set_xlabel(d.axis_labels[0], color=player_colour(0))
        axis.set_ylabel(d.axis_labels[1], color=player_colour(1))
        across = axis.get_position().width * fig.get_figwidth() * (1 if narrow else 0.75)
        steps = [1, 2, 2.5, 5, 10]
        axis.xaxis.set_major_locator(MaxNLocator(nbins=max(3, int(across / 0.5)), steps=steps))
        axis.grid()
        if ax is None:
            if narrow:  # below the plot
                legend = fig.legend(loc="outside lower center", ncols=2, title=d.note or None)
            else:
                legend = fig.legend(loc="outside right upper", title=d.note or None)
        else:
            legend = axis.legend(  # right of the axes
                loc="upper left", bbox_to_anchor=(1.02, 1.0), title=d.note or None
            )
        dots_handle: Any = legend.legend_handles[0]
        dots_handle.set_sizes([10])
        dots_handle.set_alpha(0.8)
    return fig
