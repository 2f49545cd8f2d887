"""The figure of a parameter sweep: one panel per metric over one or two swept parameters.

:func:`sweep_panels` prepares the data (tested on its own); :func:`sweep_figure` draws it
in the paper style (:mod:`sim.report.style`), laid out for one journal column or two, and
never simulates. Both take a sweep's cells, one row per cell in grid order: a ``cell``
index, one column per swept parameter (its dotted path), ``seed``, and for each metric
``M`` the columns ``M``, ``M.ci_low`` and ``M.ci_high`` (NaN where undefined).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from sim.report.layout import (
    NARROW,
    TICK_FONT,
    axes_inches,
    given_axes,
    grid_xticks,
    grid_yticks,
    number_ticks,
    text_inches,
    tick_plan,
    unique_short,
    wrap_name,
)
from sim.report.style import inches, new_figure, paper_style, player_colour, series_colour

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["SweepPanel", "metric_player", "sweep_figure", "sweep_panels"]

FloatArray = NDArray[np.float64]

#: Largest grid side (both axes) whose values are written in the heat map's cells (when
#: they fit).
ANNOTATE = 8
#: Most panels side by side at one column's width and at two, for lines and heat maps (at one
#: column, one or two heat maps go one per row);
#: more metrics wrap into further rows.
COLUMNS = {"line": (2, 3), "heat": (2, 3)}
CELL_FONT = 6.0


@dataclass(frozen=True)
class SweepPanel:
    """What one panel of :func:`sweep_figure` shows.

    Attributes
    ----------
    metric : str
        The metric's column name, e.g. ``peace_share``.
    axes : tuple of one or two str
        The swept parameters' dotted paths: x, then y for a heat map.
    values, labels : tuples (one per axis) of tuples
        Each axis's values in grid order (first appearance, not sorted), and their tick
        labels (numbers in the shortest ``:g`` form that keeps them apart).
    numeric : tuple of bool
        Whether each axis's values are numbers (else categories, e.g. strategy names).
    estimate, low, high : float arrays ``(n_x,)``, or ``(n_y, n_x)`` for two axes
        The metric and its 95% interval; row ``j``, column ``i`` of a matrix is the cell
        with the second axis's ``j``-th value and the first axis's ``i``-th.
    """

    metric: str
    axes: tuple[str, ...]
    values: tuple[tuple[Any, ...], ...]
    labels: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    estimate: FloatArray
    low: FloatArray
    high: FloatArray


def _number_labels(values: Sequence[float]) -> tuple[str, ...]:
    """The values in ``:.{p}g`` form with the fewest digits ``p >= 3`` that keeps them
    distinct and adds no exponent the full ``:g`` form does not have."""
    full = [f"{v:g}" for v in values]
    for p in range(3, 7):
        short = [f"{v:.{p}g}" for v in values]
        exponent = any("e" in s and "e" not in f for s, f in zip(short, full, strict=True))
        if len(set(short)) == len(set(full)) and not exponent:
            return tuple(short)
    return tuple(full)


def sweep_panels(
    cells: pd.DataFrame, axes: Sequence[str], metrics: Sequence[str]
) -> list[SweepPanel]:
    """The data of :func:`sweep_figure`, one :class:`SweepPanel` per metric.

    Raises ``ValueError`` for no axis or more than two, an unknown column, or a grid
    that misses a combination of values or repeats one.

    >>> import pandas as pd
    >>> cells = pd.DataFrame({"cell": [0, 1, 2, 3], "a": [0.2, 0.2, 0.1, 0.1],
    ...                       "b": ["x", "y", "x", "y"], "m": [1.0, 2.0, 3.0, 4.0]})
    >>> (p,) = sweep_panels(cells, ["a", "b"], ["m"])
    >>> p.labels, p.estimate.tolist()
    ((('0.2', '0.1'), ('x', 'y')), [[1.0, 3.0], [2.0, 4.0]])
    """
    import pandas as pd

    axes = [axes] if isinstance(axes, str) else list(axes)
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    if not axes:
        raise ValueError("name one or two swept parameters to show")
    if len(axes) > 2:
        raise ValueError(
            f"{len(axes)} parameters given ({', '.join(axes)}): figures show one or two "
            "swept parameters; cells.csv has every cell"
        )
    if len(set(axes)) != len(axes):
        raise ValueError(f"the two axes must be different parameters, not {axes[0]!r} twice")
    if not metrics:
        raise ValueError("name at least one metric to show")
    unknown = [c for c in (*axes, *metrics) if c not in cells.columns]
    if unknown:
        raise ValueError(f"no column {', '.join(map(repr, unknown))} in the sweep's cells")
    if cells.empty:
        raise ValueError("the sweep has no cells")
    if "cell" in cells.columns:
        cells = cells.sort_values("cell", kind="stable")
    listed = [a for a in axes if cells[a].map(lambda v: isinstance(v, list | dict)).any()]
    if listed:  # values that are lists (a ladder's pain, say) are shown as their text
        cells = cells.assign(**{a: cells[a].map(str) for a in listed})
    values = [tuple(pd.unique(cells[a]).tolist()) for a in axes]
    numeric = [
        pd.api.types.is_numeric_dtype(cells[a]) and not pd.api.types.is_bool_dtype(cells[a])
        for a in axes
    ]
    labels = [
        _number_labels(v) if num else tuple(unique_short([str(x) for x in v], 16))
        for v, num in zip(values, numeric, strict=True)
    ]
    index = [pd.Index(v).get_indexer(cells[a]) for v, a in zip(values, axes, strict=True)]
    shape = tuple(len(v) for v in reversed(values))  # (n_x,) or (n_y, n_x)
    where = tuple(reversed(index))
    counts = np.zeros(shape, dtype=np.intp)
    np.add.at(counts, where, 1)
    for bad, problem in (
        (counts > 1, "{} appears in {} cells: the sweep varies other parameters too"),
        (counts == 0, "the grid is not complete: no cell has {}"),
    ):
        if bad.any():
            at = tuple(int(k[0]) for k in np.nonzero(bad))  # the first, (y, x) or (x,)
            combo = ", ".join(f"{a} = {values[d][at[-1 - d]]!r}" for d, a in enumerate(axes))
            raise ValueError(problem.format(combo, counts[at]))

    def column(name: str) -> FloatArray:
        out = np.full(shape, np.nan)
        if name in cells.columns:
            out[where] = cells[name].to_numpy(dtype=float)
        return out

    return [
        SweepPanel(
            metric=m,
            axes=tuple(axes),
            values=tuple(values),
            labels=tuple(labels),
            numeric=tuple(numeric),
            estimate=column(m),
            low=column(f"{m}.ci_low"),
            high=column(f"{m}.ci_high"),
        )
        for m in metrics
    ]


def metric_player(metric: str, players: Sequence[str] = ("US", "CN")) -> int | None:
    """The player a metric belongs to: the first of ``players`` (player 0's name, then
    player 1's) that is a dotted part of its name, else ``None``.

    >>> metric_player("payoff.CN.mean"), metric_player("truce.Busan.breached_by.US")
    (1, 0)
    >>> metric_player("peace_share") is None
    True
    """
    parts = metric.split(".")
    return next((p for p, who in enumerate(players[:2]) if who in parts), None)


def _colour(name: str, players: Sequence[str], default: str = "black") -> str:
    """A player's colour for a name that belongs to it, else ``default``."""
    p = metric_player(name, players)
    return default if p is None else player_colour(p)


def _line(axis: Axes, p: SweepPanel, colour: str, size: tuple[float, float]) -> None:
    """One swept parameter: the estimate over it, with its interval; ``size`` is the
    plot's width and height in inches."""
    from matplotlib.ticker import MaxNLocator

    have = np.isfinite(p.low) & np.isfinite(p.high)
    if p.numeric[0]:
        x = np.asarray(p.values[0], dtype=float)
        order = np.argsort(x, kind="stable")
        x, est, low, high = x[order], p.estimate[order], p.low[order], p.high[order]
        axis.fill_between(x, low, high, color=colour, alpha=0.25, linewidth=0)
        axis.plot(x, est, color=colour, marker="o", markersize=3)
        axis.set_xticks(*number_ticks(float(x.min()), float(x.max()), size[0]))
    else:
        x = np.arange(len(p.values[0]), dtype=float)
        below, above = p.estimate[have] - p.low[have], p.high[have] - p.estimate[have]
        yerr = np.clip(np.vstack([below, above]), 0, None)
        axis.errorbar(x[have], p.estimate[have], yerr=yerr, fmt="none", ecolor=colour, capsize=2)
        axis.plot(x, p.estimate, color=colour, marker="o", markersize=4, linestyle="none")
        axis.set_xlim(-0.5, len(x) - 0.5)
        grid_xticks(axis, p.labels[0], size[0], categories=True)
    nbins = max(3, min(5, int(size[1] / 0.25)))
    axis.yaxis.set_major_locator(MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10]))
    axis.grid(axis="y")


def cell_texts(values: FloatArray) -> list[list[str]]:
    """The values of a heat map's cells as text, all with the same number of decimals:
    enough for about three significant digits of the largest, none for whole numbers
    (``n/a`` where undefined).

    >>> cell_texts(np.array([[0.0, 0.6666], [1.0, np.nan]]))
    [['0.00', '0.67'], ['1.00', 'n/a']]
    >>> cell_texts(np.array([[-351.2, 12.0, -0.2]]))
    [['-351', '12', '0']]
    """
    finite = values[np.isfinite(values)]
    top = float(np.abs(finite).max()) if finite.size else 0.0
    if 0 < top < 1e-3:  # too small for fixed decimals
        return [[f"{v:.2g}" if np.isfinite(v) else "n/a" for v in row] for row in values]
    whole = bool(np.all(finite == np.round(finite)))
    decimals = 0 if whole or top == 0 else int(np.clip(2 - np.floor(np.log10(top)), 0, 4))

    def text(v: float) -> str:
        t = f"{v + 0.0:.{decimals}f}"
        return "n/a" if not np.isfinite(v) else t[1:] if float(t) == 0 and t[0] == "-" else t

    return [[text(v) for v in row] for row in values]


def _heat(fig: Figure, axis: Axes, p: SweepPanel, colour: str, size: tuple[float, float]) -> None:
    """Two swept parameters: a heat map of the estimate, x the first, y the second, its
    colour bar on top labelled with the metric; ``size`` as :func:`_line`'s."""
    import matplotlib as mpl
    from matplotlib.ticker import MaxNLocator

    cmap = mpl.colormaps["cividis"].with_extremes(bad="0.85")
    finite = np.isfinite(p.estimate)
    shown = np.ma.masked_invalid(p.estimate)
    image = axis.imshow(shown, cmap=cmap, origin="lower", aspect="auto", interpolation="nearest")
    if not finite.any():
        image.set_clim(0.0, 1.0)
    n_y, n_x = p.estimate.shape
    across, up = size
    grid_xticks(axis, p.labels[0], across, categories=not p.numeric[0])
    grid_yticks(axis, p.labels[1], up)
    axis.spines[:].set_visible(False)
    texts = cell_texts(p.estimate)
    longest = max(len(t) for row in texts for t in row)
    fits = across / n_x >= text_inches(longest, CELL_FONT) + 0.06
    if n_x <= ANNOTATE and n_y <= ANNOTATE and fits and up / n_y >= 1.6 * CELL_FONT / 72:
        middle = sum(image.get_clim()) / 2  # cividis is light at the top
        for (j, i), value in np.ndenumerate(p.estimate):
            ink = "black" if not finite[j, i] or value > middle else "white"
            axis.text(i, j, texts[j][i], ha="center", va="center", color=ink, fontsize=CELL_FONT)
    bar = fig.colorbar(image, ax=axis, location="top", shrink=0.85, aspect=25, pad=0.03)
    bar.set_label(wrap_name(p.metric, across), color=colour)
    bar.locator = MaxNLocator(nbins=max(2, int(across / 0.45)), steps=[1, 2, 2.5, 5, 10])
    bar.update_ticks()


def sweep_figure(
    cells: pd.DataFrame,
    axes: Sequence[str],
    metrics: Sequence[str],
    *,
    ax: Axes | Sequence[Axes] | None = None,
    width: str | float = "two",
    players: Sequence[str] = ("US", "CN"),
) -> Figure:
    """Each metric over one or two swept parameters, one panel per metric.

    Parameters
    ----------
    cells : DataFrame
        The sweep's cells, as the module docstring describes.
    axes : sequence of one or two str
        The swept parameters. One: the estimate as a line with markers and its 95%
        interval as a band (error bars for categories), the metric as the panel's title.
        Two: a heat map, the first along x and the second up y, cells without a value in
        light grey, values written in grids up to 8 x 8 when they fit, and the colour bar
        above it labelled with the metric.
    metrics : sequence of str
        One panel each.
    ax : Axes or sequence of Axes, optional
        Draw the panels (one per metric) into these and return their figure.
    width : "one", "two" or float
        Width of a new figure: one journal column (3.5 in: two panels a row; one a row for
        one or two heat maps and for lines over categories), two (7 in: up to three a row)
        or inches. The height follows from the rows. Panels share their x axis (heat maps
        their y axis too), labelled once. No figure title: the scenario, seed and version
        go into the saved file's metadata (:func:`sim.report.figures.save_figure`).
    players : (str, str)
        Player 0's and player 1's names: a metric or parameter whose dotted name has one as
        a part (``payoff.US.mean``, ``players.CN.strategy``) is drawn in that player's
        colour; other lines take the series colours in turn.

    Returns
    -------
    Figure
    """
    from matplotlib.axes import Axes
    from matplotlib.layout_engine import ConstrainedLayoutEngine
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    panels = sweep_panels(cells, axes, metrics)
    n, two = len(panels), len(panels[0].axes) == 2
    first = panels[0]
    with paper_style():
        if ax is None:
            w = inches(width)
            most = COLUMNS["heat" if two else "line"][w >= NARROW]
            if w < NARROW and (n <= 2 if two else not first.numeric[0]):
                most = 1  # one per row: wide enough for values in cells, or categories
            rows = math.ceil(n / most)
            cols = math.ceil(n / rows)
            if two:  # the colour bars go on top: y tick labels and label at the left only
                left_side = 0.3 + text_inches(max(map(len, first.labels[1])), TICK_FONT)
                panel_w = (w - left_side) / cols - 0.1
                plot_h = min(2.2, 0.75 * panel_w)
                top = 0.45 + 0.15 * wrap_name(first.metric, panel_w).count("\n")
            else:  # each panel has its own y tick labels, a title on top
                panel_w = w / cols - 0.4
                plot_h = min(1.8 if cols > 1 else 1.2, 0.62 * panel_w + 0.2)
                top = 0.2 + 0.15 * max(wrap_name(p.metric, panel_w).count("\n") for p in panels)
            reach = tick_plan(first.labels[0], panel_w, categories=not first.numeric[0])[2]
            if not two and first.numeric[0]:
                reach = 1.3 * TICK_FONT / 72
            labelled = 2 if rows > 1 and n % cols else 1  # a panel above an empty slot
            height = rows * (plot_h + top + 0.12) + labelled * (reach + 0.25)
            height += 0.0 if two else 0.25  # the legend
            fig = new_figure(w, height)
            grid = fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=two)
            for extra in grid.ravel()[n:]:
                extra.remove()
            drawn = list(grid.ravel()[:n])
            bottom = set(drawn[-cols:])  # no panel below them
            left = set(drawn[::cols])
            sizes = [(panel_w, plot_h)] * n
        else:
            given = [ax] if isinstance(ax, Axes) else list(ax)
            fig, drawn = given_axes(given, n)
            bottom = left = set(drawn)
            sizes = [axes_inches(axis) for axis in drawn]
        others = 0
        for axis, p, size in zip(drawn, panels, sizes, strict=True):
            owner = metric_player(p.metric, players)
            if owner is None:
                colour, others = series_colour(others), others + 1
            else:
                colour = player_colour(owner)
            if two:
                _heat(fig, axis, p, _colour(p.metric, players), size)
                if axis in left:
                    label = wrap_name(p.axes[1], size[1])
                    axis.set_ylabel(label, color=_colour(p.axes[1], players))
                axis.tick_params(axis="y", labelleft=axis in left, left=axis in left)
            else:
                _line(axis, p, colour, size)
                title_colour = _colour(p.metric, players)
                axis.set_title(wrap_name(p.metric, size[0]), color=title_colour)
            if axis in bottom:
                label = wrap_name(p.axes[0], size[0])
                axis.set_xlabel(label, color=_colour(p.axes[0], players))
            marks = axis in bottom or not two  # heat maps: no tick marks between panels
            axis.tick_params(axis="x", labelbottom=axis in bottom, bottom=marks)
        if not two:
            grey = "0.35"
            ls = "-" if first.numeric[0] else "none"
            estimate = Line2D([], [], color=grey, marker="o", ms=3, ls=ls, label="estimate")
            handles: list[Any] = [estimate]
            if any((np.isfinite(p.low) & np.isfinite(p.high)).any() for p in panels):
                interval = "95% interval"
                if first.numeric[0]:
                    handles.append(Patch(color=grey, alpha=0.25, lw=0, label=interval))
                else:
                    mark = Line2D([], [], color=grey, marker="|", ms=8, ls="none", label=interval)
                    handles.append(mark)
            if isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
                fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
            else:
                drawn[0].legend(handles=handles, loc="best")
    return fig
