"""Figures of a fit (``escalate fit``): the record against the fitted model's posterior
predictive bands, and the profile likelihoods of the estimated parameters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from sim.report.layout import given_axes
from sim.report.style import inches, new_figure, paper_style, player_colour

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from numpy.typing import NDArray

    from sim.analysis.fit import FitResult

#: The cut of a 95% profile-likelihood interval below the maximum: chi2(1).ppf(0.95) / 2.
CUT = 1.920729410347062


def _grid(fig: Figure, k: int, w: float) -> list[Axes]:
    cols = min(k, 2 if w < 5 else 3)
    rows = -(-k // cols)
    grid = fig.subplots(rows, cols, squeeze=False)
    axes = list(grid.ravel()[:k])
    for extra in grid.ravel()[k:]:
        extra.remove()
    return axes


def predictive_figure(
    res: FitResult,
    records: NDArray[np.int8] | None = None,
    ax: Sequence[Axes] | None = None,
    *,
    width: str | float = "two",
) -> Figure:
    """The record (black steps) against the posterior predictive bands of the fitted model
    (each player's own hypothesis at posterior draws, simulated from round 0 over the
    record's rounds): the 5-95% band (light) and the interquartile band (dark) of each
    instrument's rung, and the mean (line). ``records`` are the simulated records
    (:func:`sim.analysis.fit.posterior.predictive_records`; default: 200 of them). One
    axis per instrument as ``ax``, or a ``width`` (``"one"``, ``"two"`` or inches)."""
    from sim.analysis.fit.posterior import predictive_records

    sims = predictive_records(res) if records is None else records
    plan = res.scenario.plan
    game = plan.game
    rounds = res.config.rounds
    record = plan.schedule.script[:rounds]
    cal = plan.calendar
    x = np.array(cal.dates(rounds)) if cal is not None else np.arange(rounds)
    k = game.n_instruments
    with paper_style():
        if ax is None:
            w = inches(width)
            fig = new_figure(w, 0.5 + 1.35 * -(-k // (2 if w < 5 else 3)))
            axes = _grid(fig, k, w)
        else:
            fig, axes = given_axes(ax, k)
        for j, (axis, ins) in enumerate(zip(axes, game.instruments, strict=True)):
            colour = player_colour(ins.owner)
            lv = sims[:, j, :].astype(float)
            q05, q25, q75, q95 = np.quantile(lv, [0.05, 0.25, 0.75, 0.95], axis=1)
            axis.fill_between(x, q05, q95, color=colour, alpha=0.18, linewidth=0, step="post")
            axis.fill_between(x, q25, q75, color=colour, alpha=0.35, linewidth=0, step="post")
            axis.plot(x, lv.mean(axis=1), color=colour, linewidth=0.9)
            axis.step(x, record[:, j], where="post", color="black", linewidth=0.9)
            axis.set_title(f"{game.players[ins.owner]} {ins.name}", fontsize=8)
            axis.set_ylim(-0.2, len(ins.labels) - 0.8)
            axis.set_yticks(range(len(ins.labels)))
            axis.tick_params(axis="x", labelrotation=30, labelsize=6)
        fig.suptitle(
            f"{res.scenario.name}: the record (black) and the fitted model's posterior "
            f"predictive bands ({sims.shape[2]} draws)",
            fontsize=8,
        )
    return fig


def profile_figure(
    res: FitResult, ax: Sequence[Axes] | None = None, *, width: str | float = "two"
) -> Figure:
    """The profile log-likelihood (relative to its maximum) of every estimated parameter of
    each player's own hypothesis, with the 95% cut (dashed) and interval (shaded)."""
    panels = [(pf, e) for pf in res.players for e in pf.own.estimates]
    with paper_style():
        if ax is None:
            w = inches(width)
            fig = new_figure(w, 0.5 + 1.5 * -(-len(panels) // (2 if w < 5 else 3)))
            axes = _grid(fig, len(panels), w)
        else:
            fig, axes = given_axes(ax, len(panels))
        for axis, (pf, e) in zip(axes, panels, strict=True):
            colour = player_colour(res.scenario.players.index(pf.player))
            v = np.array(e.values)
            p = np.array(e.profile) - max(e.profile)
            ok = np.isfinite(p)
            axis.plot(v[ok], p[ok], color=colour, linewidth=1.0, marker="." if len(v) < 70 else "")
            axis.axhline(-CUT, color="grey", linestyle="--", linewidth=0.7)
            axis.axvspan(e.low, e.high, color=colour, alpha=0.15, linewidth=0)
            axis.axvline(e.estimate, color=colour, linewidth=0.7)
            axis.set_ylim(max(-12.0, float(np.min(p[ok])) - 0.5) if ok.any() else -12.0, 0.5)
            axis.set_title(f"{pf.player} {e.name}", fontsize=8)
            axis.text(
                0.02,
                0.04,
                f"{e.estimate:.4g} [{e.low:.4g}, {e.high:.4g}]\n{e.identified}",
                transform=axis.transAxes,
                fontsize=5.5,
                va="bottom",
            )
            axis.set_ylabel("profile log-lik. - max", fontsize=7)
        fig.suptitle(f"{res.scenario.name}: profile likelihoods", fontsize=8)
    return fig
