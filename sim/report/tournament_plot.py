"""The tournament figure: the score matrix as a heat map and each strategy's scores.

:func:`tournament_data` prepares the data (tested on its own); :func:`tournament_figure`
draws it and never simulates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.report.layout import given_axes, unique_short
from sim.report.style import inches, new_figure, paper_style, series_colour

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sim.analysis.tournament import TournamentResult
    from sim.report.folder import TournamentTables

#: Largest number of strategies whose scores are written in the heat map's cells.
ANNOTATE = 10


@dataclass(frozen=True)
class TournamentPlotData:
    """What the tournament figure shows, strategies in rank order (best first).

    Attributes
    ----------
    labels : ``(n,)`` the strategies' labels, shortened for the axes
    matrix : ``(n, n)`` score of the row strategy against the column strategy
    against : ``(n, n - 1)`` each strategy's score against each of the others
    scores, low, high : ``(n,)`` the ranking scores and their 95% intervals
    """

    labels: list[str]
    matrix: NDArray[np.float64]
    against: NDArray[np.float64]
    scores: NDArray[np.float64]
    low: NDArray[np.float64]
    high: NDArray[np.float64]


def tournament_data(result: TournamentResult | TournamentTables) -> TournamentPlotData:
    """The data of :func:`tournament_figure`, from the ``ranking()`` and ``scores()``
    tables of a tournament (or of its results folder)."""
    ranking = result.ranking()
    order = [str(label) for label in ranking["label"]]
    scores = result.scores()
    matrix = (
        scores.pivot(index="row", columns="column", values="score")
        .reindex(index=order, columns=order)
        .to_numpy(dtype=float)
    )
    n = len(order)
    against = matrix[~np.eye(n, dtype=bool)].reshape(n, n - 1)
    return TournamentPlotData(
        unique_short(order, 28),
        matrix,
        against,
        ranking["score"].to_numpy(dtype=float),
        ranking["ci_low"].to_numpy(dtype=float),
        ranking["ci_high"].to_numpy(dtype=float),
    )


def tournament_figure(
    result: TournamentResult | TournamentTables,
    ax: Sequence[Axes] | None = None,
    *,
    width: str | float = "two",
) -> Figure:
    """Heat map of the score matrix (row against column, in rank order) and each
    strategy's score against every other strategy (dots) with its overall score and 95%
    interval (diamond), best at the top. The panels sit side by side at two columns' width
    and one above the other at one column's. Pass two axes as ``ax`` to draw into an
    existing figure."""
    d = tournament_data(result)
    n = len(d.labels)
    with paper_style():
        w = inches(width)
        narrow = w < 5
        labels = unique_short(d.labels, 18) if narrow else d.labels
        font = 6 if narrow or n > 12 else 7
        if ax is not None:
            fig, (heat, dots) = given_axes(ax, 2)
        else:
            side = 0.5 + max(1.6, 0.13 * n)
            fig = new_figure(w, 2 * side + 1.4 if narrow else side + 1.0)
            heat, dots = fig.subplots(2, 1) if narrow else fig.subplots(1, 2)
        image = heat.imshow(d.matrix, cmap="cividis", aspect="auto")
        heat.set_xticks(range(n), labels, rotation=90, fontsize=font)
        heat.set_yticks(range(n), labels, fontsize=font)
        heat.set_xlabel("against")
        heat.set_title("mean payoff per round")
        heat.spines[:].set_visible(False)
        heat.tick_params(length=0)
        if n <= ANNOTATE and not narrow:
            middle = float(np.nanmean(d.matrix))
            for i in range(n):
                for j in range(n):
                    value = d.matrix[i, j]
                    colour = "black" if value > middle else "white"
                    heat.text(
                        j, i, f"{value:.2f}", ha="center", va="center", fontsize=6, color=colour
                    )
        fig.colorbar(image, ax=heat, shrink=0.8)
        positions = np.arange(n)[::-1]  # best at the top
        for k, (pos, row) in enumerate(zip(positions, d.against, strict=True)):
            label = "against one opponent" if k == 0 else None
            y = np.full(len(row), pos)
            dots.scatter(row, y, s=6, color="0.55", linewidth=0, zorder=2, label=label)
        dots.errorbar(
            d.scores,
            positions,
            xerr=[d.scores - d.low, d.high - d.scores],
            fmt="D",
            markersize=3.5,
            color=series_colour(1),
            zorder=3,
            label="overall, 95% interval",
        )
        dots.set_yticks(positions, labels, fontsize=font)
        dots.set_xlabel("mean payoff per round")
        dots.set_title("against the other strategies")
        dots.grid(axis="x")
        if ax is None:  # below the panels, where constrained layout makes room
            fig.legend(*dots.get_legend_handles_labels(), loc="outside lower center", ncols=2)
        else:
            dots.legend(loc="upper left", bbox_to_anchor=(0.0, -0.15), ncols=2)
    return fig
