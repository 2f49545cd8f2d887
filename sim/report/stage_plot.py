"""Stage-game figures: both players' payoffs over level profiles as heat maps with the Nash
equilibria marked, and the feasible payoff region with what the repeated game can sustain.

Built on :class:`matplotlib.figure.Figure` directly (no pyplot), in the paper style of
:mod:`sim.report.figures`. Drawing never solves: the data preparation functions
(:func:`payoff_heatmap_data`, :func:`feasible_data`) do, and are tested on their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from sim.analysis.stage import SEP
from sim.report.style import paper_style, series_colour

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
    "index_ticks",
    "payoff_heatmap_data",
    "payoffs_figure",
    "shorten",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

#: Up to this many profiles per player the ticks carry the profile labels.
LABELLED = 16
#: Up to this many cells the payoff values are written in the cells.
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


def index_ticks(n: int, most: int = 8) -> IntArray:
    """At most about ``most`` evenly spaced profile indices in ``0..n-1``, on a round step
    (1, 2, 2.5 or 5 times a power of ten, an integer)."""
    raw = max(1.0, (n - 1) / most)
    steps = [m * 10.0 ** np.floor(np.log10(raw)) for m in (1, 2, 2.5, 5, 10)]
    step = int(next(s for s in steps if s >= raw and s.is_integer()))
    return np.arange(0, n, step, dtype=np.intp)


def shorten(label: str, most: int = LABEL_CHARS) -> str:
    """``label`` in at most ``most`` characters: the longest instrument levels of a profile
    label are cut first (with an ellipsis), so every instrument stays visible."""
    parts = label.split(SEP)
    limit = max(map(len, parts))
    while limit > 4 and sum(min(len(q), limit) for q in parts) + 3 * (len(parts) - 1) > most:
        limit -= 1
    return SEP.join(q if len(q) <= limit else q[: limit - 1] + "…" for q in parts)


def unique_short(labels: Sequence[str], most: int) -> list[str]:
    """``labels`` cut to ``most`` characters (with an ellipsis), keeping them distinct: a
    label that would collide with another keeps its end instead of its start."""
    short = [x if len(x) <= most else x[: most - 1] + "…" for x in labels]
    for i, x in enumerate(short):
        if short.count(x) > 1:
            short[i] = labels[i] if len(labels[i]) <= most else "…" + labels[i][-(most - 1) :]
    return short


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


def figure_and_axes(
    ax: Sequence[Axes] | None, n: int, size: tuple[float, float]
) -> tuple[Figure, list[Axes]]:
    """A new constrained-layout figure with ``n`` panels side by side, or the given axes'."""
    from matplotlib.figure import Figure

    if ax is None:
        fig = Figure(figsize=size, layout="constrained")
        return fig, list(np.atleast_1d(fig.subplots(1, n)))
    if len(ax) != n:
        raise ValueError(f"this figure draws {n} panel(s): pass {n} axes")
    root = ax[0].get_figure(root=True)
    if not isinstance(root, Figure):
        raise ValueError("ax must belong to a figure")
    return root, list(ax)


def payoffs_figure(
    stage: StageGame,
    equilibria: Sequence[Equilibrium] | None = None,
    ax: Sequence[Axes] | None = None,
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

    Returns
    -------
    Figure
    """
    from matplotlib.layout_engine import ConstrainedLayoutEngine
    from matplotlib.lines import Line2D

    d = payoff_heatmap_data(stage, equilibria)
    n0, n1 = stage.shape
    labelled = max(n0, n1) <= LABELLED
    longest = [max(map(len, t)) if labelled else 3 for t in d.tick_labels]
    font = 8 if n0 * n1 <= 4 else 7 if max(n0, n1) <= 8 else 6
    size = (6.6 + 0.07 * longest[0], 3.0 + (0.06 * longest[1] + 0.1 * n0 if labelled else 0.5))
    common = {"ls": "none", "mew": 1.5, "clip_on": False}
    ring = series_colour(1)
    hollow = {"marker": "s", "ms": 10 if n0 * n1 <= 256 else 6, "mfc": "none", "mec": ring}
    marks: list[tuple[IntArray, str, dict[str, Any]]] = [  # the larger hollow squares first
        (d.mixed, "in the support of a mixed equilibrium", common | hollow),
        (d.pure, "pure equilibrium", common | {"marker": "o", "ms": 6, "mfc": "w", "mec": "k"}),
    ]
    with paper_style():
        fig, axes = figure_and_axes(ax, 2, size)
        handles = []
        for p, axis in enumerate(axes):
            values = d.payoffs[p]
            im = axis.imshow(values, cmap="cividis", aspect="auto", interpolation="nearest")
            fig.colorbar(im, ax=axis, label="payoff", shrink=0.9)
            role = "row" if p == 0 else "column"
            axis.set_title(f"{stage.players[p]} payoff ({role} player)", loc="left", pad=8)
            axis.set_yticks(d.ticks[0], d.tick_labels[0], fontsize=font)
            axis.set_xticks(d.ticks[1], d.tick_labels[1], fontsize=font)
            if labelled and (n1 > 4 or longest[1] > 8):
                axis.tick_params(axis="x", labelrotation=90)
            axis.set_xlabel(d.axis_labels[1])
            if p == 0 or ax is not None:  # panels built here share the rows' labels
                axis.set_ylabel(d.axis_labels[0])
            else:
                axis.tick_params(axis="y", labelleft=False)
            axis.spines[["top", "right"]].set_visible(True)
            if d.annotate:
                mid = float(values.min() + values.max()) / 2
                text: dict[str, Any] = {"ha": "center", "va": "center", "fontsize": font}
                for (i, j), v in np.ndenumerate(values):
                    axis.text(j, i + 0.15, f"{v:.3g}", color="w" if v < mid else "k", **text)
            for cells, label, style in marks:
                if len(cells):  # an empty unclipped line breaks the layout
                    lines = axis.plot(cells[:, 1], cells[:, 0] - d.offset, label=label, **style)
                    handles += lines if p == 0 else []
        handles = handles[::-1] or [Line2D([], [], ls="none", label="no equilibrium found")]
        if ax is None:
            title = f"{stage.name}, round {stage.round}: stage-game payoffs, {n0} x {n1} profiles"
            fig.suptitle(title, fontsize=9)
        if isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):  # below the panels
            fig.legend(
                handles=handles,
                loc="outside lower center",
                ncols=len(handles),
                title=d.note or None,
                frameon=False,
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
    style: dict[str, Any] = {"color": series_colour(3), "alpha": alpha, "label": label}
    if len(vertices) >= 3:
        axis.fill(vertices[:, 0], vertices[:, 1], lw=0, **style)
    elif len(vertices):
        point = len(vertices) == 1
        line = {"marker": "o", "ms": 12, "ls": "none"} if point else {"lw": 6}
        axis.plot(vertices[:, 0], vertices[:, 1], **line, **style)


def feasible_figure(
    stage: StageGame, equilibria: Sequence[Equilibrium] | None = None, ax: Axes | None = None
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

    Returns
    -------
    Figure
    """

    d = feasible_data(stage, equilibria)
    r = d.region
    with paper_style():
        fig, (axis,) = figure_and_axes(None if ax is None else [ax], 1, (5.2, 3.4))
        n = len(d.points)  # dots smaller and lighter the more there are, under the regions
        dots: dict[str, Any] = {"s": 10 if n <= 64 else 4 if n <= 2000 else 1, "zorder": 1}
        dots |= {"alpha": 0.3 if n > 2000 else 0.6, "rasterized": n > 2000, "c": "0.3", "lw": 0}
        axis.scatter(d.points[:, 0], d.points[:, 1], label="pure profiles", **dots)
        _region(axis, r.vertices, 0.18, "feasible")
        _region(axis, r.individually_rational, 0.45, "individually rational")
        axis.axvline(r.minmax[0], color="0.3", lw=0.6, ls=":")
        axis.axhline(r.minmax[1], color="0.3", lw=0.6, ls=":")
        axis.plot(*r.minmax, "P", color="black", ms=7, label="mixed minmax")
        axis.plot(*r.cooperative, "*", color=series_colour(0), ms=9, label="both at baseline")
        for pure, marker, name in ((True, "o", "pure"), (False, "D", "mixed")):
            nash = d.nash[d.nash_pure == pure]
            if len(nash):
                ring: dict[str, Any] = {"ms": 10 if len(nash) < 5 else 7, "mfc": "none"}
                label = f"Nash equilibrium, {name}"
                ring["mec"] = series_colour(1)
                axis.plot(*nash.T, marker, ls="none", mew=1.5, label=label, **ring)
        span = np.ptp(d.points, axis=0)
        pad = 0.06 * np.maximum(span, 0.1 * np.maximum(np.abs(d.points).max(axis=0), 1.0))
        lo, hi = d.points.min(axis=0) - pad, d.points.max(axis=0) + pad
        axis.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), xlabel=d.axis_labels[0])
        axis.set_ylabel(d.axis_labels[1])
        axis.grid(linewidth=0.3, alpha=0.5)
        if ax is None:
            axis.set_title(f"{stage.name}, round {stage.round}: feasible payoffs", loc="left")
            legend = fig.legend(loc="outside right upper", title=d.note or None, frameon=False)
        else:
            legend = axis.legend(  # right of the axes
                loc="upper left", bbox_to_anchor=(1.02, 1.0), title=d.note or None, frameon=False
            )
        legend.legend_handles[0].set_sizes([10])  # type: ignore[union-attr]  # the dots
        legend.legend_handles[0].set_alpha(0.8)  # type: ignore[union-attr]
    return fig
