"""Bargaining figures: the bargaining set of one negotiation with its disagreement point and
solution, and the bargained terms as a parameter varies.

Built on :class:`matplotlib.figure.Figure` directly (no pyplot), in the paper style. Drawing
never solves: the figure functions take a :class:`sim.analysis.bargaining.Negotiation` or
the table of :func:`sim.analysis.bargaining.vary`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.report.layout import given_axes
from sim.report.style import inches, new_figure, paper_style, player_colour, series_colour

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sim.analysis.bargaining import Negotiation

__all__ = ["bargaining_set_figure", "terms_figure"]


def bargaining_set_figure(
    negotiation: Negotiation, ax: Axes | None = None, *, width: str | float = "two"
) -> Figure:
    """The bargaining set of ``negotiation`` in per-round payoffs, for the bargained term
    (the first candidate term without a deal): every outcome on the table (grey dots: a
    profile of levels at or below those in force), the Pareto frontier of the outcomes
    good for both, the disagreement point (the levels in force), the solution and the
    outcome that implements it (the terms).

    Parameters
    ----------
    negotiation : Negotiation
        From :func:`sim.analysis.bargaining.negotiate`.
    ax : Axes, optional
        Draw into these axes and return their figure.
    width : "one", "two" or float
        Width of a new figure.

    Returns
    -------
    Figure
    """
    from sim.model.bargain import frontier

    deal = negotiation.deal
    tab = deal.table
    assert tab is not None
    players = negotiation.game.players
    term = deal.term if deal.caps is not None else int(tab.term[0])
    mine = tab.term == term  # one term: per-round payoffs and totals then agree
    pts, threat = tab.payoff[mine], tab.threat[mine][0]
    f = frontier(tab.surplus[mine])
    with paper_style():
        if ax is None:
            fig = new_figure(inches(width), 3.6)
            axis = fig.subplots()
        else:
            fig, (axis,) = given_axes([ax], 1)
        n = len(pts)
        dots: dict[str, Any] = {"s": 8 if n <= 500 else 2, "c": "0.55", "lw": 0, "zorder": 1}
        dots |= {"alpha": 0.5 if n > 500 else 0.8, "rasterized": n > 2000}
        axis.scatter(pts[:, 0], pts[:, 1], label=f"outcomes on the table ({term} rounds)", **dots)
        if not f.empty:
            fx, fy = pts[f.outcome, 0], pts[f.outcome, 1]
            axis.plot(fx, fy, "-", color=series_colour(2), lw=1.2, label="Pareto frontier")
        axis.plot(*threat, "s", color="black", ms=6, label="disagreement (in force)")
        if deal.caps is not None:
            star: dict[str, Any] = {"color": "white", "mec": "black", "mew": 0.8, "ms": 11}
            axis.plot(*deal.solution, "*", **star, label=f"{negotiation.rule.solution} solution")
            axis.plot(
                *deal.payoff,
                "o",
                mfc="none",
                mec=series_colour(1),
                mew=1.2,
                ms=10,
                label=f"terms ({deal.term} rounds)",
            )
        axis.set_xlabel(f"{players[0]} payoff per round")
        axis.set_ylabel(f"{players[1]} payoff per round")
        axis.set_title(f"{negotiation.scenario.name}: bargaining in round {negotiation.round}")
        axis.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1.0))
    return fig


def terms_figure(
    table: pd.DataFrame,
    negotiation: Negotiation,
    label: str,
    ax: Sequence[Axes] | None = None,
    *,
    width: str | float = "two",
) -> Figure:
    """The bargained terms as a parameter varies: each instrument's bargained rung (one
    panel per player, a line per instrument, dotted where the record has it) and each
    side's gain per round from the deal.

    Parameters
    ----------
    table : DataFrame
        From :func:`sim.analysis.bargaining.vary`: ``value``, ``gain.<player>`` and
        ``level.<player>.<instrument>`` per row.
    negotiation : Negotiation
        One negotiation of the scenario (its game and record).
    label : str
        What the value is, for the x axis.
    ax : three Axes, optional
        Draw into these axes and return their figure.
    """
    game = negotiation.game
    x = table["value"].to_numpy(dtype=float)
    with paper_style():
        if ax is None:
            fig = new_figure(inches(width), 2.8)
            axes = list(fig.subplots(1, 3))
        else:
            fig, axes = given_axes(ax, 3)
        for p in (0, 1):
            axis = axes[p]
            for i, j in enumerate(game.of(p)):
                inst = game.instruments[j]
                col = f"level.{game.players[p]}.{inst.name}"
                colour = series_colour(i)
                axis.step(x, table[col].to_numpy(), where="mid", color=colour, label=inst.name)
                if negotiation.record is not None:
                    axis.axhline(negotiation.record[j], color=colour, lw=0.6, ls=":")
            axis.set_title(f"{game.players[p]}: bargained rung")
            top = int(max(game.instruments[j].n_levels for j in game.of(p))) - 1
            axis.set_yticks(np.arange(top + 1))
            axis.legend(fontsize="x-small", loc="best")
        axis = axes[2]
        for p, name in enumerate(game.players):
            axis.plot(x, table[f"gain.{name}"], color=player_colour(p), label=name)
        axis.axhline(0, color="0.5", lw=0.6)
        axis.set_title("gain per round from the deal")
        fig.supxlabel(label, fontsize="small")
        axis.legend(fontsize="x-small", loc="best")
    return fig
