"""The figure of a parameter sweep: one panel per metric over one or two swept parameters.

:func:`sweep_panels` prepares the data (tested on its own); :func:`sweep_figure` draws it
and never simulates. Both take a sweep's cells, one row per cell in grid order: a ``cell``
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

from sim.report.stage_plot import figure_and_axes, index_ticks, unique_short
from sim.report.style import paper_style, series_colour

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["SweepPanel", "sweep_figure", "sweep_panels"]

FloatArray = NDArray[np.float64]

#: Largest grid side (both axes) whose values are written in the heat map's cells.
ANNOTATE = 8
#: At most about this many tick labels per heat-map axis.
TICKS = 8
#: Most panels side by side; more metrics wrap into further rows.
COLUMNS = 3


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


def _xticks(axis: Axes, at: Any, labels: Sequence[str], rotate: bool) -> None:
    """Tick labels of the x axis, slanted when long ones would collide."""
    angle = 30 if len(labels) <= 4 else 45  # steeper when many, so neighbours keep apart
    slant: dict[str, Any] = {"rotation": angle, "ha": "right", "rotation_mode": "anchor"}
    axis.set_xticks(at, labels, **(slant if rotate else {}))


def _line(axis: Axes, p: SweepPanel) -> None:
    """One swept parameter: the estimate over it, with its interval."""
    colour = series_colour(0)
    have = np.isfinite(p.low) & np.isfinite(p.high)
    if p.numeric[0]:
        x = np.asarray(p.values[0], dtype=float)
        order = np.argsort(x, kind="stable")
        x, est, low, high = x[order], p.estimate[order], p.low[order], p.high[order]
        axis.fill_between(x, low, high, color=colour, alpha=0.25, linewidth=0)
        axis.plot(x, est, color=colour, marker="o", markersize=3, linewidth=1.2)
        note = "estimate (band: 95% interval)"
    else:
        x = np.arange(len(p.values[0]), dtype=float)
        below, above = p.estimate[have] - p.low[have], p.high[have] - p.estimate[have]
        yerr = np.clip(np.vstack([below, above]), 0, None)
        axis.errorbar(x[have], p.estimate[have], yerr=yerr, fmt="none", ecolor=colour, capsize=2)
        axis.plot(x, p.estimate, color=colour, marker="o", markersize=4, linestyle="none")
        ticks = index_ticks(len(x), 12)  # every category up to 12
        labels = [p.labels[0][i] for i in ticks]
        _xticks(axis, ticks, labels, rotate=len(ticks) > 4 or max(map(len, labels)) > 8)
        note = "estimate (bars: 95% interval)"
    axis.set_ylabel(note if have.any() else "estimate")
    axis.grid(axis="y", linewidth=0.3, alpha=0.5)


def _heat(fig: Figure, axis: Axes, p: SweepPanel) -> None:
    """Two swept parameters: a heat map of the estimate, x the first, y the second."""
    import matplotlib as mpl

    cmap = mpl.colormaps["viridis"].with_extremes(bad="0.85")
    finite = np.isfinite(p.estimate)
    shown = np.ma.masked_invalid(p.estimate)
    image = axis.imshow(shown, cmap=cmap, origin="lower", aspect="auto", interpolation="nearest")
    if not finite.any():
        image.set_clim(0.0, 1.0)
    n_y, n_x = p.estimate.shape
    xt, yt = index_ticks(n_x, TICKS), index_ticks(n_y, TICKS)
    xl, yl = [p.labels[0][i] for i in xt], [p.labels[1][j] for j in yt]
    _xticks(axis, xt, xl, rotate=sum(map(len, xl)) > 24)
    axis.set_yticks(yt, yl)
    axis.spines[:].set_visible(False)
    if n_x <= ANNOTATE and n_y <= ANNOTATE:
        middle = sum(image.get_clim()) / 2  # viridis is light at the top
        for (j, i), value in np.ndenumerate(p.estimate):
            text = f"{value:.3g}" if finite[j, i] else "n/a"
            colour = "black" if not finite[j, i] or value > middle else "white"
            axis.text(i, j, text, ha="center", va="center", fontsize=6, color=colour)
    fig.colorbar(image, ax=axis, shrink=0.9, label=p.metric)


def sweep_figure(
    cells: pd.DataFrame,
    axes: Sequence[str],
    metrics: Sequence[str],
    *,
    title: str | None = None,
    ax: Axes | Sequence[Axes] | None = None,
) -> Figure:
    """Each metric over one or two swept parameters, one panel per metric.

    Parameters
    ----------
    cells : DataFrame
        The sweep's cells, as the module docstring describes.
    axes : sequence of one or two str
        The swept parameters. One: the estimate as a line with markers and its 95%
        interval as a band (error bars for categories). Two: a heat map, the first along
        x and the second up y, cells without a value in light grey, values written in
        grids up to 8 x 8.
    metrics : sequence of str
        One panel each, at most three to a row.
    title : str, optional
        The figure's title.
    ax : Axes or sequence of Axes, optional
        Draw the panels (one per metric) into these and return their figure.

    Returns
    -------
    Figure
    """
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    panels = sweep_panels(cells, axes, metrics)
    n, two = len(panels), len(panels[0].axes) == 2
    with paper_style():
        if ax is None:
            rows = math.ceil(n / COLUMNS)
            cols = math.ceil(n / rows)
            height = (2.9 if two else 2.5) * rows + (0.3 if title else 0.0)
            fig = Figure(figsize=(3.5 * cols, height), layout="constrained")
            grid = list(fig.subplots(rows, cols, squeeze=False).ravel())
            for extra in grid[n:]:
                extra.remove()
            drawn = grid[:n]
        else:
            fig, drawn = figure_and_axes([ax] if isinstance(ax, Axes) else list(ax), n, (0, 0))
        for axis, p in zip(drawn, panels, strict=True):
            if two:
                _heat(fig, axis, p)
                axis.set_ylabel(p.axes[1])
            else:
                _line(axis, p)
            axis.set_title(p.metric, loc="left")
            axis.set_xlabel(p.axes[0])
        if title:
            fig.suptitle(title, fontsize=9)
    return fig
