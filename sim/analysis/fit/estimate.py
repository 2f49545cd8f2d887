"""Maximum likelihood over a hypothesis' grid, profile likelihoods and identifiability.

A hypothesis' strategy parameters take discrete steps in what the strategy chooses (a
threshold changes the likelihood only where it changes a choice), so they are fitted on a
grid: every grid point is played on the record at once (one lineup,
:mod:`sim.strategies.lineup`), and the execution noise is maximised exactly at each point
(:meth:`Compressed.best_eps`). A parameter's profile is the best log-likelihood over the
others at each of its values; its 95% interval is where the profile lies within
``chi2(1).ppf(0.95) / 2`` of the maximum (:func:`sim.stats.intervals.likelihood_interval`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from sim.analysis.fit.config import Hypothesis
from sim.analysis.fit.likelihood import Compressed, Terms, terms
from sim.engine.forced import forced_decisions
from sim.stats.intervals import likelihood_interval
from sim.strategies.lineup import lineup
from sim.strategies.registry import spec, text

if TYPE_CHECKING:
    from sim.engine.rounds import Plan

FloatArray = NDArray[np.float64]
#: Points of the execution-noise profile between its bounds.
EPS_POINTS = 161


@dataclass(frozen=True)
class Estimate:
    """One parameter's point estimate and 95% profile-likelihood interval.

    ``low_open``/``high_open``: the interval reaches that bound of the search (the record
    does not rule out values beyond it); ``flat``: the profile is flat within the interval
    criterion over the whole range (the record does not pin it down).
    """

    name: str
    estimate: float
    low: float
    high: float
    low_open: bool
    high_open: bool
    flat: bool
    values: tuple[float, ...] = field(repr=False)
    profile: tuple[float, ...] = field(repr=False)

    @property
    def identified(self) -> str:
        if self.flat:
            return "not identified (flat profile)"
        if self.low_open and self.high_open:
            return "interval reaches both search bounds"
        if self.low_open:
            return "interval reaches the lower search bound"
        if self.high_open:
            return "interval reaches the upper search bound"
        return "identified"

    def as_dict(self) -> dict[str, Any]:
        return {
            "estimate": self.estimate,
            "ci_low": self.low,
            "ci_high": self.high,
            "low_open": self.low_open,
            "high_open": self.high_open,
            "identified": self.identified,
        }


@dataclass(frozen=True)
class HypothesisFit:
    """A hypothesis fitted to one player's record.

    ``loglik`` at the estimates; ``k`` free parameters (the noise included; a parameter
    whose bounds leave one value is fixed, not counted); ``n``
    observations; ``impossible``: moves the hypothesis cannot produce at any noise level
    (a move against its choice); ``correlation``: likelihood-weighted correlations of the
    free parameters over the grid (the noise last).
    """

    hypothesis: Hypothesis
    loglik: float
    k: int
    n: int
    point: dict[str, float]
    estimates: tuple[Estimate, ...]
    correlation: FloatArray | None
    impossible: int
    strategy: str
    column: int
    loglik_grid: FloatArray = field(repr=False)
    compressed: Compressed = field(repr=False)

    @property
    def aic(self) -> float:
        return 2 * self.k - 2 * self.loglik

    @property
    def bic(self) -> float:
        return self.k * float(np.log(self.n)) - 2 * self.loglik

    @property
    def noise(self) -> Estimate:
        """The estimated noise (always the last estimate)."""
        return self.estimates[-1]


@dataclass(frozen=True)
class Played:
    """A hypothesis' choices on a record: every grid point (times ``copies`` for a
    stochastic strategy), for one player's instruments, ``(rounds, k, points * copies)``."""

    before: NDArray[np.int8]
    decided: NDArray[np.int8]
    after: NDArray[np.int8]
    top: NDArray[np.integer]
    copies: int
    noise: dict[str, Any]
    shared: bool = True

    def terms(self, after: NDArray[np.int8] | None = None) -> Terms:
        """The terms of the record (or of another outcome ``after``), one column per point."""
        got = terms(
            self.before,
            self.decided,
            self.after if after is None else after,
            self.top,
            shared=self.shared,
            **self.noise,
        )
        return got.mean_over_copies(self.copies)


def play(
    plan: Plan,
    player: int,
    hyp: Hypothesis,
    record: NDArray[np.int8],
    copies: int,
    seed: int,
    noise: dict[str, Any],
) -> Played:
    """Every grid point of ``hyp`` played on ``record`` at once (a lineup); stochastic
    strategies in ``copies`` copies each. ``record`` is ``(rounds, n_instruments)``, or
    ``(rounds, n_instruments, r)`` for ``r`` records: the columns are then record-major
    (every point of record 0, then of record 1, ...)."""
    m = copies if hyp.stochastic else 1
    n = len(hyp.specs) * m
    seat = lineup(hyp.specs, divisor=m) if n > 1 else hyp.specs[0]
    other = spec("appease")
    specs = (seat, other) if player == 0 else (other, seat)
    shared = record.ndim == 2
    if not shared:
        record = np.repeat(record, n, axis=2)
    forced = forced_decisions(plan, record, specs, n if shared else record.shape[2], seed=seed)
    own = plan.game.spans[player]
    top = plan.game.n_levels[own] - 1
    return Played(
        forced.before[:, own],
        forced.decided[:, own],
        forced.after[:, own],
        top,
        m,
        noise,
        shared,
    )


def fit_terms(
    hyp: Hypothesis, t: Terms, bounds: tuple[float, float], noise: str = "tremble"
) -> HypothesisFit:
    """Maximum likelihood of ``hyp`` from its grid's terms ``t`` (the rounds to fit), with
    the free noise (named ``noise``) within ``bounds``."""
    comp = Compressed.of(t)
    lo, hi = bounds
    eps, ll = comp.best_eps(lo, hi)
    finite = np.isfinite(ll)
    best = int(_central_argmax(ll, hyp))
    n = int(comp.observations[0])
    estimates: list[Estimate] = []
    points = hyp.points
    grid = np.array([[p[f.name] for f in hyp.free] for p in points]) if hyp.free else None
    for j, f in enumerate(hyp.free):
        assert grid is not None
        values = np.array(f.values)
        prof = np.array([ll[grid[:, j] == v].max() for v in values])
        estimates.append(
            _estimate(f.name, values, prof, float(grid[best, j]), (values[0], values[-1]))
        )
    # The noise's profile: the best over grid points at each value.
    e_vals = eps_values(lo, hi, float(eps[best]))
    top_points = np.argsort(-np.where(finite, ll, -np.inf))[: min(len(ll), 64)]
    sub = Compressed(comp.a, comp.c, comp.counts[top_points])
    prof_e = sub.loglik_grid(e_vals).max(axis=0)
    estimates.append(_estimate(noise, e_vals, prof_e, float(eps[best]), (lo, hi), True))
    corr = _correlation(ll, grid, eps) if grid is not None and finite.any() else None
    impossible = int(_impossible(t, best))
    point = dict(points[best]) if hyp.free else {}
    return HypothesisFit(
        hyp,
        float(ll[best]),
        sum(len(f.values) > 1 for f in hyp.free) + int(hi > lo),
        n,
        point,
        tuple(estimates),
        corr,
        impossible,
        text(hyp.specs[best]),
        best,
        ll,
        comp,
    )


def _central_argmax(ll: FloatArray, hyp: Hypothesis) -> np.intp:
    """The best grid point; among ties (a flat maximum), the one nearest their middle."""
    top = np.max(ll)
    if not np.isfinite(top):
        return np.intp(0)
    tied = np.flatnonzero(ll >= top - 1e-9)
    if len(tied) == 1 or not hyp.free:
        return np.intp(tied[0])
    idx = np.array(
        [[f.values.index(p[f.name]) for f in hyp.free] for p in (hyp.points[i] for i in tied)],
        dtype=float,
    )
    centre = idx.mean(axis=0)
    return np.intp(tied[int(np.argmin(((idx - centre) ** 2).sum(axis=1)))])


def eps_values(lo: float, hi: float, at: float) -> FloatArray:
    """The noise values of a profile in ``[lo, hi]``: an even and a geometric grid of
    :data:`EPS_POINTS` each, and ``at`` (the estimate) itself."""
    if hi <= lo:
        return np.array([lo])
    base = np.linspace(lo, hi, EPS_POINTS)
    if lo > 0:
        base = np.union1d(base, np.geomspace(lo, hi, EPS_POINTS))
    else:
        base = np.union1d(base, np.geomspace(max(hi * 1e-6, 1e-12), hi, EPS_POINTS))
    return np.union1d(base, [at])


def _estimate(
    name: str,
    values: FloatArray,
    prof: FloatArray,
    at: float,
    bounds: tuple[float, float],
    interpolate: bool = False,
) -> Estimate:
    low, high = likelihood_interval(values, prof, interpolate=interpolate)
    ok = np.isfinite(prof)
    flat = bool(ok.all() and np.max(prof) - np.min(prof) <= 1.920729410347062) and len(values) > 1
    return Estimate(
        name,
        at,
        low,
        high,
        bool(len(values) > 1 and low <= bounds[0]),
        bool(len(values) > 1 and high >= bounds[1]),
        flat,
        tuple(float(v) for v in values),
        tuple(float(p) for p in prof),
    )


def _correlation(ll: FloatArray, grid: FloatArray, eps: FloatArray) -> FloatArray | None:
    x = np.column_stack([grid, eps])
    w = np.exp(ll - np.max(ll))
    w = np.where(np.isfinite(w), w, 0.0)
    if w.sum() <= 0:
        return None
    w /= w.sum()
    mean = w @ x
    dev = x - mean
    cov = (dev * w[:, None]).T @ dev
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = cov / np.outer(sd, sd)
    return out


def _impossible(t: Terms, column: int) -> int:
    a, c = t.a[:, :, column], t.c[:, :, column]
    return int(np.sum((a <= 0) & (c <= 0)))
