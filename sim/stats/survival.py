"""Kaplan–Meier survival of truce spells, estimated with :func:`scipy.stats.ecdf`.

A spell is a truce from the round it began: its duration ``D`` counts the rounds the
truce was in force, including the round in which it was breached, so ``D >= 1``. A spell
that was not breached (it expired, was superseded or reached the horizon) is
right-censored at ``D``: the truce lasted more than ``D`` rounds. The survival function
is ``S(t) = P(D > t)``, so the probability that a truce survives its term is ``S(term)``.

The product-limit estimate and its pointwise "exponential Greenwood" (log-log) band are
scipy's (Kaplan and Meier 1958; Kalbfleisch and Prentice 2002, section 1.4). Only the
points where Greenwood's formula is undefined are filled in, see :class:`Survival`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Survival", "kaplan_meier", "survival_curves"]


@dataclass(frozen=True, eq=False)
class Survival:
    """A Kaplan–Meier curve: a right-continuous step function of rounds since the start.

    Attributes
    ----------
    times : ndarray of int, shape (k,)
        The distinct durations observed (breached or censored), ascending.
    survival : ndarray of float, shape (k,)
        ``S(t)`` from ``times[i]`` up to (not including) ``times[i + 1]``.
    low, high : ndarray of float, shape (k,)
        The pointwise log-log confidence band. Where no breach has happened yet
        (``S = 1``) Greenwood's variance is 0/0 and the band collapses onto the estimate,
        ``1..1``; this reflects the absence of breaches, not certainty. Where ``S = 0``
        (every spell still at risk was breached) ``low`` is 0 and ``high`` is NaN.
    at_risk : ndarray of int, shape (k,)
        Spells still in force at the start of round ``times[i]`` (duration >= it).
    breaches : ndarray of int, shape (k,)
        Spells breached at ``times[i]``.
    n : int
        Number of spells.
    events : int
        Number of breaches.
    confidence : float
        Confidence level of the band.
    """

    times: NDArray[np.int64]
    survival: NDArray[np.float64]
    low: NDArray[np.float64]
    high: NDArray[np.float64]
    at_risk: NDArray[np.int64]
    breaches: NDArray[np.int64]
    n: int
    events: int
    confidence: float = 0.95

    def at(self, t: float) -> tuple[float, float, float]:
        """``(S(t), low, high)``: 1 before the first observed duration; NaN beyond the
        longest follow-up unless the curve has reached 0 (the curve is not identified
        there); all NaN for zero spells. A spell censored at exactly ``t`` survives ``t``.
        """
        if self.n == 0:
            return math.nan, math.nan, math.nan
        i = int(np.searchsorted(self.times, t, side="right")) - 1
        if i < 0:
            return 1.0, 1.0, 1.0
        if t > self.times[-1] and self.survival[-1] > 0:
            return math.nan, math.nan, math.nan
        return float(self.survival[i]), float(self.low[i]), float(self.high[i])

    def median(self) -> tuple[float, float, float]:
        """Median duration and its confidence interval, read off the curve and its band.

        The estimate is the smallest time with ``S(t) <= 0.5``. The lower limit is the
        first time the lower band falls to 0.5 (``low(t) <= 0.5``), the upper limit the
        first time the upper band does (``high(t) <= 0.5``): the times whose
        pointwise interval contains 0.5 (Brookmeyer and Crowley 1982, with the log-log
        band). Each is NaN when not reached within the data. Unlike R's ``survfit`` no
        midpoint is taken when ``S`` equals 0.5 exactly over an interval.
        """
        return (
            self._first_at_or_below(self.survival),
            self._first_at_or_below(self.low),
            self._first_at_or_below(self.high),
        )

    def _first_at_or_below(self, curve: NDArray[np.float64], level: float = 0.5) -> float:
        hit = np.flatnonzero(curve <= level)  # NaN compares False: not reached
        return float(self.times[hit[0]]) if hit.size else math.nan

    def table(self) -> pd.DataFrame:
        """One row per observed duration: ``time``, ``survival``, ``low``, ``high``,
        ``at_risk`` and ``events`` (breaches at that time)."""
        import pandas as pd

        return pd.DataFrame(
            {
                "time": self.times,
                "survival": self.survival,
                "low": self.low,
                "high": self.high,
                "at_risk": self.at_risk,
                "events": self.breaches,
            }
        )


def _validate(
    durations: ArrayLike, breached: ArrayLike
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    d = np.asarray(durations)
    b = np.asarray(breached)
    if d.ndim != 1 or b.ndim != 1:
        raise ValueError("durations and breached must be one-dimensional")
    if d.shape != b.shape:
        raise ValueError(
            f"durations and breached differ in length ({d.shape[0]} and {b.shape[0]})"
        )
    if d.size and not (np.issubdtype(d.dtype, np.integer) or np.issubdtype(d.dtype, np.floating)):
        raise ValueError(f"durations must be integers, not {d.dtype}")
    if d.size and not (np.all(np.isfinite(d)) and np.all(d == np.round(d)) and d.min() >= 1):
        raise ValueError("durations must be whole numbers of rounds >= 1")
    if b.dtype != np.bool_:
        if b.size and not (np.issubdtype(b.dtype, np.number) and np.isin(b, (0, 1)).all()):
            raise ValueError("breached must be boolean (or 0/1)")
        b = b.astype(bool)
    return d.astype(np.int64), b


def kaplan_meier(
    durations: ArrayLike, breached: ArrayLike, *, confidence: float = 0.95
) -> Survival:
    """Kaplan–Meier estimate of ``S(t) = P(D > t)`` for truce spells.

    Parameters
    ----------
    durations : array_like of int, shape (n_spells,)
        Rounds each truce was in force (>= 1), counting the round of a breach.
    breached : array_like of bool, shape (n_spells,)
        Whether the spell ended in a breach; otherwise it is right-censored at its
        duration (the truce lasted more than that).
    confidence : float
        Level of the pointwise log-log band.

    Returns
    -------
    Survival
        With zero spells every array is empty and every value NaN.

    Raises
    ------
    ValueError
        When the lengths differ or a duration is not a whole number >= 1.

    Examples
    --------
    >>> km = kaplan_meier([1, 2, 2, 3, 4], [True, True, False, True, False])
    >>> km.times.tolist(), km.survival.round(3).tolist()
    ([1, 2, 3, 4], [0.8, 0.6, 0.3, 0.3])
    >>> round(km.at(3.5)[0], 3), km.median()[0]
    (0.3, 3.0)
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    d, b = _validate(durations, breached)
    if d.size == 0:
        empty_f = np.empty(0, dtype=np.float64)
        empty_i = np.empty(0, dtype=np.int64)
        return Survival(empty_i, empty_f, empty_f, empty_f, empty_i, empty_i, 0, 0, confidence)

    from scipy import stats

    data = stats.CensoredData(uncensored=d[b].astype(float), right=d[~b].astype(float))
    sf = stats.ecdf(data).sf
    with warnings.catch_warnings():
        # scipy warns where Greenwood's formula is undefined (S = 0 or 1); filled below
        warnings.filterwarnings(
            "ignore", message="The confidence interval is undefined", category=RuntimeWarning
        )
        ci = sf.confidence_interval(confidence_level=confidence, method="log-log")
    times = np.asarray(sf.quantiles)
    s = np.asarray(sf.probabilities, dtype=np.float64)
    low = np.asarray(ci.low.probabilities, dtype=np.float64).copy()
    high = np.asarray(ci.high.probabilities, dtype=np.float64).copy()
    low[s == 1], high[s == 1] = 1.0, 1.0
    low[s == 0], high[s == 0] = 0.0, math.nan
    at_risk = d.size - np.searchsorted(np.sort(d), times, side="left")
    breaches = np.bincount(np.searchsorted(times, d[b]), minlength=times.size)
    return Survival(
        times=times.astype(np.int64),
        survival=s,
        low=low,
        high=high,
        at_risk=at_risk.astype(np.int64),
        breaches=breaches.astype(np.int64),
        n=int(d.size),
        events=int(b.sum()),
        confidence=confidence,
    )


def survival_curves(
    spells: pd.DataFrame, by: str | None = "truce", *, confidence: float = 0.95
) -> dict[str, Survival]:
    """One Kaplan–Meier curve per group of a truces table.

    Parameters
    ----------
    spells : DataFrame
        One row per spell with columns ``rounds`` (duration) and ``censored`` (True when
        not breached), and the column named by ``by``.
    by : str or None
        Column to group by (``"truce"``: one curve per named truce), in order of first
        appearance; ``None`` pools every spell into one curve named ``"all"``.
    confidence : float
        Level of the pointwise band.
    """
    missing = {"rounds", "censored", *([by] if by else [])} - set(spells.columns)
    if missing:
        raise ValueError(f"spells table lacks column(s) {sorted(missing)}")

    def fit(frame: pd.DataFrame) -> Survival:
        censored = frame["censored"].to_numpy(dtype=bool)
        return kaplan_meier(frame["rounds"].to_numpy(), ~censored, confidence=confidence)

    if by is None:
        return {"all": fit(spells)}
    return {str(name): fit(group) for name, group in spells.groupby(by, sort=False)}
