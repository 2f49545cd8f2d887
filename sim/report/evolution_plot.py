"""The evolution figure: replicator shares over time, or the Moran process's takeovers and
long-run abundances. :func:`evolution_data` prepares the data (tested on its own);
:func:`evolution_figure` draws it and never simulates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.report.stage_plot import figure_and_axes, unique_short
from sim.report.style import SERIES, paper_style, series_colour

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sim.analysis.evolution import EvolutionResult

#: Line styles that, with the palette, tell up to 32 strategies apart.
DASHES = ("-", "--", ":", "-.")


@dataclass(frozen=True)
class EvolutionPlotData:
    """What the evolution figure shows.

    Replicator: ``x`` the times, ``y`` ``(points, n)`` the shares, ``stable`` the stable
    rest points' shares ``(k, n)``. Moran: ``x`` unused, ``y`` ``(3, n)`` the takeover
    probability and its interval bounds, ``stable`` ``(1, n)`` the rare-mutation
    abundances. ``labels`` are shortened; ``reference`` is ``1 / n``.
    """

    method: str
    labels: list[str]
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    stable: NDArray[np.float64]
    reference: float


def evolution_data(evo: EvolutionResult) -> EvolutionPlotData:
    """The data of :func:`evolution_figure`."""
    labels = unique_short(evo.labels, 28)
    n = len(labels)
    if evo.method == "replicator":
        assert evo.times is not None and evo.shares is not None
        stable = [p.shares for p in evo.points if p.stable]
        rest = np.array(stable) if stable else np.empty((0, n))
        return EvolutionPlotData("replicator", labels, evo.times, evo.shares, rest, 1 / n)
    t = evo.takeover()
    y = t[["probability", "ci_low", "ci_high"]].to_numpy(dtype=float).T
    assert evo.abundance is not None
    return EvolutionPlotData(
        "moran", labels, np.arange(n, dtype=float), y, evo.abundance[None, :], 1 / n
    )


def evolution_figure(evo: EvolutionResult, ax: Sequence[Axes] | None = None) -> Figure:
    """Replicator: each strategy's share over time (one panel). Moran: the share of runs
    each strategy took over from an even start with 95% intervals, and its long-run
    abundance under rare mutations, against the neutral ``1 / n`` (two panels)."""

    d = evolution_data(evo)
    n = len(d.labels)
    sc = evo.scenario
    with paper_style():
        if d.method == "replicator":
            fig, (axis,) = figure_and_axes(ax, 1, (5.2, 3.2))
            for i, label in enumerate(d.labels):
                axis.plot(
                    d.x,
                    d.y[:, i],
                    color=series_colour(i),
                    linestyle=DASHES[(i // len(SERIES)) % len(DASHES)],
                    linewidth=1.2,
                    label=label,
                )
            axis.set_xlabel("time (units of 1 / payoff spread)")
            axis.set_ylabel("population share")
            axis.set_ylim(-0.02, 1.02)
            axis.set_xlim(d.x[0], d.x[-1])
            axis.grid(linewidth=0.3, alpha=0.5)
            fig.legend(loc="outside right center", frameon=False, fontsize=6)
            title = f"{sc.name}: replicator dynamics from an even start, seed {evo.seed}"
        else:
            fig, (take, share) = figure_and_axes(ax, 2, (7.0, 0.8 + max(2.2, 0.22 * n)))
            pos = np.arange(n)[::-1]
            p, low, high = d.y
            take.errorbar(
                p, pos, xerr=[p - low, high - p], fmt="o", color=series_colour(0), markersize=3
            )
            share.barh(pos, d.stable[0], color=series_colour(3), height=0.6)
            for axis, name in ((take, "takeover from an even start"), (share, "abundance")):
                axis.axvline(d.reference, color="grey", linewidth=0.8, linestyle="--")
                axis.set_yticks(pos, d.labels)
                axis.set_title(name, loc="left")
                axis.set_xlim(0, max(1e-9, float(np.nanmax(np.r_[high, d.stable[0]]))) * 1.1)
                axis.grid(axis="x", linewidth=0.3, alpha=0.5)
            take.set_xlabel("share of runs (95% interval)")
            share.set_xlabel("long-run share, rare mutations")
            share.tick_params(labelleft=False)
            params = evo.params
            title = (
                f"{sc.name}: Moran process, N = {params['population']}, "
                f"w = {params['intensity']:.3g} ({params['fitness']}), seed {evo.seed}"
            )
        fig.suptitle(title, fontsize=9)
    return fig
