"""The evolution figure: replicator shares over time, or the Moran process's takeovers and
long-run abundances. :func:`evolution_data` prepares the data (tested on its own);
:func:`evolution_figure` draws it and never simulates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.report.layout import given_axes, unique_short
from sim.report.style import SERIES, inches, new_figure, paper_style, series_colour

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sim.analysis.evolution import EvolutionResult
    from sim.report.folder import EvolutionTables

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


def evolution_data(evo: EvolutionResult | EvolutionTables) -> EvolutionPlotData:
    """The data of :func:`evolution_figure`, from an evolution's tables (or its results
    folder's): replicator, ``trajectory()`` and ``rest_points()``; Moran, ``takeover()``
    and ``abundance_table()``."""
    if evo.method == "replicator":
        trajectory = evo.trajectory()
        names = [str(c) for c in trajectory.columns if c != "t"]
        rest = evo.rest_points()
        stable = rest[rest["stable"].astype(bool)][names].to_numpy(dtype=float)
        return EvolutionPlotData(
            "replicator",
            unique_short(names, 28),
            trajectory["t"].to_numpy(dtype=float),
            trajectory[names].to_numpy(dtype=float),
            stable.reshape(-1, len(names)),
            1 / len(names),
        )
    takeover = evo.takeover()
    names = [str(x) for x in takeover["strategy"]]
    y = takeover[["probability", "ci_low", "ci_high"]].to_numpy(dtype=float).T
    abundance = evo.abundance_table().set_index("strategy")["abundance"]
    stable = abundance.reindex(names).to_numpy(dtype=float)[None, :]
    n = len(names)
    return EvolutionPlotData(
        "moran", unique_short(names, 28), np.arange(n, dtype=float), y, stable, 1 / n
    )


def evolution_figure(
    evo: EvolutionResult | EvolutionTables,
    ax: Sequence[Axes] | None = None,
    *,
    width: str | float = "two",
) -> Figure:
    """Replicator: each strategy's share over time (one panel). Moran: the share of runs
    each strategy took over from an even start with 95% intervals, and its long-run
    abundance under rare mutations, against the neutral ``1 / n`` (two panels: side by
    side at two columns' width, one above the other at one column's)."""
    d = evolution_data(evo)
    n = len(d.labels)
    with paper_style():
        w = inches(width)
        narrow = w < 5
        if d.method == "replicator":
            if ax is None:
                legend_rows = -(-n // 2) if narrow else 0
                fig = new_figure(w, 2.4 + 0.13 * legend_rows if narrow else 3.0)
                axis = fig.subplots()
            else:
                fig, (axis,) = given_axes(ax, 1)
            for i, label in enumerate(d.labels):
                axis.plot(
                    d.x,
                    d.y[:, i],
                    color=series_colour(i),
                    linestyle=DASHES[(i // len(SERIES)) % len(DASHES)],
                    label=label,
                )
            axis.set_xlabel("time (units of 1 / payoff spread)")
            axis.set_ylabel("population share")
            axis.set_ylim(-0.02, 1.02)
            axis.set_xlim(d.x[0], d.x[-1])
            axis.grid()
            if ax is not None:
                axis.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=6)
            elif narrow:
                fig.legend(loc="outside lower center", ncols=2, fontsize=6)
            else:
                fig.legend(loc="outside right center", fontsize=6)
        else:
            labels = unique_short(d.labels, 18) if narrow else d.labels
            if ax is None:
                side = 0.6 + max(1.4, 0.16 * n)
                fig = new_figure(w, 2 * side + 0.3 if narrow else side + 0.4)
                take, share = fig.subplots(2, 1) if narrow else fig.subplots(1, 2, sharey=True)
            else:
                fig, (take, share) = given_axes(ax, 2)
            pos = np.arange(n)[::-1]
            p, low, high = d.y
            take.errorbar(
                p, pos, xerr=[p - low, high - p], fmt="o", color=series_colour(0), markersize=3
            )
            share.barh(pos, d.stable[0], color=series_colour(3), height=0.6)
            for axis, name in ((take, "takeover from an even start"), (share, "abundance")):
                axis.axvline(d.reference, color="0.5", linewidth=0.8, linestyle="--")
                axis.set_yticks(pos, labels, fontsize=6 if narrow else 7)
                axis.set_title(name)
                axis.set_xlim(0, max(1e-9, float(np.nanmax(np.r_[high, d.stable[0]]))) * 1.1)
                axis.grid(axis="x")
            take.set_xlabel("share of runs (95% interval)")
            share.set_xlabel("long-run share, rare mutations")
            if not narrow and ax is None:
                share.tick_params(labelleft=False)
    return fig
