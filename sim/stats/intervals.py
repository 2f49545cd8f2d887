"""Confidence intervals, computed one way, here: every interval that a summary, a sweep
cell, a tournament ranking or a fixation estimate reports comes from this module.

* A **share** (k of n) has a Wilson score interval, or Clopper–Pearson ("exact") on
  request, from :meth:`scipy.stats.binomtest`; it always lies in [0, 1].
* A **mean** over matches has a Student-t interval. A mean of a bounded quantity (a
  share of rounds, a level on a ladder, rapport) whose t interval would leave the range
  the quantity can take (a skewed sample near a bound) has a percentile bootstrap interval
  instead, which lies within the sample's range and so within the bounds.
* A **point** (a count, a median without a band) has no interval.
* A fitted **parameter** has a profile-likelihood interval (:func:`likelihood_interval`).

An interval that is not defined is NaN here, NaN in the tables, ``null`` in JSON files and
"—" in printed tables (:func:`text`). The level is 95% throughout (:data:`LEVEL`).
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: The confidence level of every reported interval.
LEVEL = 0.95
#: Resamples of a bootstrap interval.
RESAMPLES = 9999
#: The bootstrap's own seed: an interval depends on the sample only, not on a run's seed.
BOOTSTRAP_SEED = 20250412

Metric = dict[str, Any]
ShareMethod = Literal["wilson", "exact"]


def share_interval(
    k: int, n: int, *, confidence: float = LEVEL, method: ShareMethod = "wilson"
) -> tuple[float, float]:
    """The interval of the share ``k / n``: Wilson score (or Clopper–Pearson with
    ``method="exact"``), within [0, 1]; NaN for ``n = 0``.

    >>> [round(x, 4) for x in share_interval(0, 20)]
    [0.0, 0.1611]
    """
    if n == 0:
        return math.nan, math.nan
    from scipy import stats

    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=confidence, method=method)
    return float(ci.low), float(ci.high)


def mean_interval(
    x: ArrayLike,
    *,
    bounds: tuple[float, float] | None = None,
    confidence: float = LEVEL,
) -> tuple[float, float, float]:
    """``(mean, low, high)`` of a sample: Student-t, or, when ``bounds`` are given and the
    t interval leaves them, the percentile bootstrap (:data:`RESAMPLES` resamples). NaN
    interval for fewer than two values; a sample without spread has the interval
    ``[mean, mean]``.

    >>> mean_interval([0.0] * 99 + [1.0], bounds=(0.0, 1.0))[1] >= 0
    True
    """
    a = np.asarray(x, dtype=np.float64).ravel()
    n = a.size
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(a.mean())
    if n < 2:
        return mean, math.nan, math.nan
    from scipy import stats

    se = float(a.std(ddof=1)) / math.sqrt(n)
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * se
    low, high = mean - half, mean + half
    if bounds is not None and (low < bounds[0] or high > bounds[1]):
        low, high = _bootstrap(a, confidence)
    return mean, low, high


def normal_interval(
    estimate: NDArray[np.float64], se: NDArray[np.float64], *, confidence: float = LEVEL
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``estimate -/+ z se`` (elementwise): the interval of a mean of many independent
    means (a tournament score), whose standard error ``se`` is known."""
    from scipy import stats

    z = float(stats.norm.ppf(0.5 + confidence / 2))
    return estimate - z * se, estimate + z * se


def likelihood_interval(
    values: ArrayLike, profile: ArrayLike, *, confidence: float = LEVEL, interpolate: bool = True
) -> tuple[float, float]:
    """The profile-likelihood interval: the values whose profile log-likelihood lies within
    ``chi2(1).ppf(confidence) / 2`` of its maximum (Wilks), from a profile on a sorted grid.

    With ``interpolate`` the ends are placed where the profile, linear between grid points,
    crosses the cut (for a smooth profile); without, they are the outermost accepted grid
    values (for a parameter whose likelihood is a step function, or an integer). The
    interval always lies within the grid.

    >>> import numpy as np
    >>> x = np.linspace(-4, 4, 801)
    >>> [round(v, 2) for v in likelihood_interval(x, -x**2 / 2)]  # a normal mean: +-1.96
    [-1.96, 1.96]
    """
    from scipy import stats

    x = np.asarray(values, dtype=np.float64)
    prof = np.asarray(profile, dtype=np.float64)
    if x.size == 0 or not np.isfinite(prof).any():
        return math.nan, math.nan
    cut = float(np.max(prof[np.isfinite(prof)])) - float(stats.chi2.ppf(confidence, 1)) / 2
    inside = np.flatnonzero(np.isfinite(prof) & (prof >= cut))
    i, j = int(inside[0]), int(inside[-1])
    low, high = float(x[i]), float(x[j])
    if interpolate:
        if i > 0 and np.isfinite(prof[i - 1]):
            f = (cut - prof[i - 1]) / (prof[i] - prof[i - 1])
            low = float(x[i - 1] + f * (x[i] - x[i - 1]))
        if j < x.size - 1 and np.isfinite(prof[j + 1]):
            f = (cut - prof[j + 1]) / (prof[j] - prof[j + 1])
            high = float(x[j + 1] - f * (x[j + 1] - x[j]))
    return low, high


def _bootstrap(a: NDArray[np.float64], confidence: float) -> tuple[float, float]:
    """Percentile bootstrap of the mean. Resampling ``n`` values with replacement is a
    multinomial draw of counts over the distinct values, so the work grows with the
    number of distinct values, not with ``n`` (a share of rounds or a level takes few)."""
    values, counts = np.unique(a, return_counts=True)
    rng = np.random.default_rng(np.random.SeedSequence(BOOTSTRAP_SEED))
    if values.size == 1:
        return float(values[0]), float(values[0])
    if values.size <= 4096:
        draws = rng.multinomial(a.size, counts / a.size, size=RESAMPLES)
        means = draws @ values / a.size
    else:
        from scipy import stats

        res = stats.bootstrap(
            (a,),
            np.mean,
            n_resamples=RESAMPLES,
            method="percentile",
            confidence_level=confidence,
            random_state=rng,
            batch=max(1, 2**24 // a.size),
        )
        return float(res.confidence_interval.low), float(res.confidence_interval.high)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return float(low), float(high)


# ------------------------------------------------------------------ metric rows
def point(estimate: float, description: str) -> Metric:
    """A metric without an interval."""
    return {
        "estimate": estimate,
        "ci_low": math.nan,
        "ci_high": math.nan,
        "description": description,
    }


def interval(estimate: float, low: float, high: float, description: str) -> Metric:
    """A metric with a given interval (a Kaplan–Meier band from
    :mod:`sim.stats.survival`, or one computed above)."""
    return {"estimate": estimate, "ci_low": low, "ci_high": high, "description": description}


def share(k: int, n: int, description: str) -> Metric:
    """``k`` of ``n`` with its Wilson interval; NaN when ``n`` is 0 (a share of nothing)."""
    low, high = share_interval(k, n)
    return interval(k / n if n else math.nan, low, high, description)


def mean(x: ArrayLike, description: str, *, bounds: tuple[float, float] | None = None) -> Metric:
    """The mean of ``x`` with its interval (:func:`mean_interval`)."""
    return interval(*mean_interval(x, bounds=bounds), description)


def text(value: float, digits: int = 4) -> str:
    """A number as printed in tables (``digits`` significant): "—" when it is not defined
    (NaN)."""
    return "—" if value != value else f"{value:.{digits}g}"


def span(low: float, high: float, digits: int = 4) -> str:
    """An interval as printed in tables: ``[low, high]``, "—" for a missing end, and "—"
    alone when neither end is defined."""
    if low != low and high != high:
        return "—"
    return f"[{text(low, digits)}, {text(high, digits)}]"


def count_quantile(counts: NDArray[np.int64], q: float) -> NDArray[np.int64]:
    """Per row of ``counts`` (``(n_rows, n_levels)``), the smallest level whose cumulative
    share reaches ``q`` (the lower empirical quantile of a discrete distribution)."""
    cum = np.cumsum(counts, axis=1)
    need = q * cum[:, -1:]
    reached = (cum >= need - 1e-9 * cum[:, -1:]) & (cum > 0)
    level: NDArray[np.int64] = np.argmax(reached, axis=1)
    return level
