"""The tournament figure: the score matrix as a heat map and the ranked per-match scores.

:func:`tournament_data` prepares the data (tested on its own); :func:`tournament_figure`
draws it and never simulates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.report.stage_plot import figure_and_axes, unique_short
from sim.report.style import paper_style

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sim.analysis.tournament import TournamentResult

#: Largest number of strategies whose scores are written in the heat map's cells.
ANNOTATE = 10


@dataclass(frozen=True)
class TournamentPlotData:
    """What the tournament figure shows, strategies in rank order (best first).

    Attributes
    ----------
    labels : ``(n,)`` the strategies' labels, shortened for the axes
    matrix : ``(n, n)`` score of the row strategy against the column strategy
    samples : per strategy, its mean payoff per round in each match against the others
    scores : ``(n,)`` the ranking scores
    """

    labels: list[str]
    matrix: NDArray[np.float64]
    samples: list[NDArray[np.float64]]
    scores: NDArray[np.float64]


def tournament_data(result: TournamentResult) -> TournamentPlotData:
    """The data of :func:`tournament_figure`."""
    ranking = result.ranking()
    order = [result.labels.index(label) for label in ranking["label"]]
    matrix = result.payoff_matrix[np.ix_(order, order)]
    samples = []
    for i in order:
        parts = [np.concatenate(result.samples(i, j)) for j in range(result.n) if j != i]
        samples.append(np.concatenate(parts))
    return TournamentPlotData(
        unique_short([result.labels[i] for i in order], 28),
        matrix,
        samples,
        ranking["score"].to_numpy(dtype=float),
    )


def tournament_figure(result: TournamentResult, ax: Sequence[Axes] | None = None) -> Figure:
    """Heat map of the score matrix (row against column, rank order) and box plots of each
    strategy's per-match scores against the others, best at the top; a diamond marks the
    mean. Pass two axes as ``ax`` to draw into an existing figure."""

    d = tournament_data(result)
    n = len(d.labels)
    with paper_style():
        width = 7.0 if n <= 12 else 9.0
        fig, (heat, box) = figure_and_axes(ax, 2, (width, 0.6 + max(2.4, 0.22 * n)))
        image = heat.imshow(d.matrix, cmap="viridis", aspect="auto")
        heat.set_xticks(range(n), d.labels, rotation=60, ha="right", rotation_mode="anchor")
        heat.set_yticks(range(n), d.labels)
        heat.set_xlabel("against")
        heat.set_title("mean payoff per round", loc="left")
        heat.spines[:].set_visible(False)
        if n <= ANNOTATE:
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
        box.boxplot(
            d.samples,
            positions=positions,
            orientation="horizontal",
            widths=0.6,
            showfliers=False,
            medianprops={"color": "black", "linewidth": 0.8},
        )
        box.scatter(d.scores, positions, marker="D", s=12, color="#D55E00", zorder=3)
        box.set_yticks(positions, d.labels)
        box.set_xlabel("mean payoff per round in each match (diamond: the mean)")
        box.set_title("against the other strategies", loc="left")
        box.grid(axis="x", linewidth=0.3, alpha=0.5)
        sc = result.scenario
        fig.suptitle(
            f"{sc.name}: round robin of {n} strategies, {result.matches} matches per ordered "
            f"pair, seed {result.seed}",
            fontsize=9,
        )
    return fig
