"""Kaplan–Meier figure of truce survival: one step curve with its band per named truce.

Built on :class:`matplotlib.figure.Figure` directly (no pyplot), in the paper style of
:mod:`sim.report.figures`. Drawing never estimates: pass curves from
:func:`sim.analysis.survival_curves`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from sim.report.style import inches, new_figure, paper_style, series_colour

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sim.report.folder import RunTables
    from sim.run.result import Result
    from sim.stats.survival import Survival

__all__ = ["survival_figure", "survival_steps", "term_lines", "truce_survival_figure"]


def survival_steps(curve: Survival) -> pd.DataFrame:
    """Vertices of the step curve, for ``step(..., where="post")``: columns ``x``,
    ``survival``, ``low`` and ``high``, starting at ``x = 0`` with ``S = 1`` and ending at
    the longest observed duration. Empty for a curve of zero spells."""
    import pandas as pd

    if curve.n == 0:
        return pd.DataFrame({c: np.empty(0) for c in ("x", "survival", "low", "high")})
    one = np.ones(1)
    return pd.DataFrame(
        {
            "x": np.concatenate([np.zeros(1), curve.times]),
            "survival": np.concatenate([one, curve.survival]),
            "low": np.concatenate([one, curve.low]),
            "high": np.concatenate([one, curve.high]),
        }
    )


def term_lines(
    names: list[str], term: Mapping[str, int] | int | None, unit: str = "rounds"
) -> list[tuple[float, str, int | None]]:
    """The vertical term markers to draw: ``(x, label, index of the curve or None)``.

    One shared, neutral line for an integer ``term``; one line per named truce, in its
    curve's colour, for a mapping. Raises ``ValueError`` for a name without a curve.
    """
    if term is None:
        return []
    if not isinstance(term, Mapping):
        return [(float(term), f"term, {term} {unit}", None)]
    unknown = sorted(set(term) - set(names))
    if unknown:
        raise ValueError(f"term given for {unknown}, which have no survival curve")
    return [
        (float(term[name]), f"{name} term, {term[name]} {unit}", i)
        for i, name in enumerate(names)
        if name in term
    ]


def survival_figure(
    curves: Mapping[str, Survival],
    *,
    term: Mapping[str, int] | int | None = None,
    dates_per_round: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    width: str | float = "two",
) -> Figure:
    """Kaplan–Meier curves of truce spells with their pointwise log-log bands.

    Parameters
    ----------
    curves : mapping of str to Survival
        One curve per named truce, drawn in order in the palette's colours.
    term : int or mapping of str to int, optional
        The truce term, marked by a dashed vertical line: one for all curves, or one per
        named truce. ``S`` at the line is the share of truces that survive their term.
    dates_per_round : str, optional
        What a round is in calendar time, plural (``"days"``, ``"weeks"``, ``"months"``):
        names the x axis unit. Default: rounds.
    ax : Axes, optional
        Draw into these axes and return their figure.
    title : str, optional
        Axes title.
    width : "one", "two" or float
        Width of a new figure: one column (3.5 in), two (7 in) or inches.

    Returns
    -------
    Figure
    """
    from matplotlib.figure import Figure

    unit = dates_per_round or "rounds"
    names = list(curves)
    lines = term_lines(names, term, unit)
    with paper_style():
        if ax is None:
            w = inches(width)
            fig = new_figure(w, 2.6 if w < 5 else 3.0)
            ax = fig.subplots()
        else:
            root = ax.get_figure(root=True)
            if not isinstance(root, Figure):
                raise ValueError("ax must belong to a figure")
            fig = root
        right = 1.0
        for i, name in enumerate(names):
            curve = curves[name]
            colour = series_colour(i)
            steps = survival_steps(curve)
            ax.fill_between(
                steps["x"],
                steps["low"],
                steps["high"],
                step="post",
                color=colour,
                alpha=0.2,
                linewidth=0,
            )
            ax.step(
                steps["x"],
                steps["survival"],
                where="post",
                color=colour,
                label=f"{name} (n={curve.n:,}, {curve.events:,} breaches)",
                gid="survival",
            )
            if curve.n:
                right = max(right, float(curve.times[-1]))
        for x, label, index in lines:
            colour = "0.35" if index is None else series_colour(index)
            ax.axvline(x, color=colour, linestyle="--", linewidth=0.9, label=label, gid="term")
            right = max(right, x)
        ax.set_xlim(0, right * 1.04)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel(f"{unit} since the truce began")
        ax.set_ylabel("share of truces unbroken")
        ax.grid(axis="y")
        if ax.get_figure(root=True) is fig and len(fig.axes) == 1:
            fig.legend(loc="outside lower center", ncols=1 if fig.get_figwidth() < 5 else 2)
        else:
            ax.legend(loc="lower left")
        if title:
            ax.set_title(title, loc="left")
    return fig


def truce_survival_figure(
    result: Result | RunTables, ax: Axes | None = None, *, width: str | float = "two"
) -> Figure:
    """The survival figure of a run (or of its results folder): a Kaplan–Meier curve per
    truce name, terms marked. See :func:`survival_figure`."""
    kinds = result.scenario.plan.schedule.kinds
    curves = {k: v for k, v in result.survival().items() if v.n}
    cal = result.scenario.plan.calendar
    return survival_figure(
        curves,
        term={k.name: k.term for k in kinds if k.name in curves},
        dates_per_round=cal.unit if cal is not None else None,
        ax=ax,
        width=width,
    )
