"""The exact likelihood of a record's moves under a strategy with execution noise.

An *observation* is one instrument in one round: the direction the record moved it
(down, none, up) against the level entering the round. The strategy's choice ``d`` for the
round is known from the record before it (:func:`sim.engine.forced.forced_decisions`). The
engine's noise acts on the choice in two steps (:mod:`sim.engine.rounds`): a *tremble*
(probability ``tau``) replaces it by a random move from the level in force, then
*execution* noise (probability ``eps``) puts the level taking effect one rung off (down at
the top, up at the bottom, a fair coin between). The probability of the observed direction
is linear in each of the two: with one free and the other fixed, ``P = a + c * x``
(:func:`terms`). Stochastic strategies average ``a`` and ``c`` over copies of themselves
(Monte Carlo over their own draws).

The log-likelihood of a column (one parameter point, or one record) is
``sum(count_u * log(a_u + c_u * eps))`` over the distinct ``(a, c)`` pairs ``u``; it is
concave in the free noise ``x``, so its maximum is found by bisection on the derivative.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IMPOSSIBLE = -np.inf


@dataclass(frozen=True)
class Terms:
    """``P(observed direction) = a + c * eps`` per observation, shape ``(rounds, k, n)``;
    ``moved`` marks observations where the record moved the instrument."""

    a: FloatArray
    c: FloatArray
    moved: NDArray[np.bool_]

    def rounds(self, sl: slice) -> Terms:
        return Terms(self.a[sl], self.c[sl], self.moved[sl])

    def mean_over_copies(self, copies: int) -> Terms:
        """Average groups of ``copies`` consecutive columns (copies of a stochastic
        strategy): the columns become parameter points."""
        if copies == 1:
            return self
        r, k, n = self.a.shape

        def avg(x: FloatArray) -> FloatArray:
            out: FloatArray = x.reshape(r, k, n // copies, copies).mean(axis=3)
            return out

        return Terms(avg(self.a), avg(self.c), self.moved[:, :, ::copies])


def _executed(
    b: NDArray[np.int16], x: NDArray[np.int16], o: NDArray[np.int16], tp: NDArray[np.int16]
) -> tuple[FloatArray, FloatArray]:
    """``P(direction o | level in force b, level x going into execution noise) = a + c eps``."""
    a = (np.sign(x - b) == o).astype(np.float64)
    down_ok = np.sign(x - 1 - b) == o
    up_ok = np.sign(x + 1 - b) == o
    off = np.where(x >= tp, down_ok, np.where(x <= 0, up_ok, 0.5 * down_ok + 0.5 * up_ok))
    return a, off.astype(np.float64) - a


def terms(
    before: NDArray[np.integer],
    decided: NDArray[np.integer],
    after: NDArray[np.integer],
    top: NDArray[np.integer],
    *,
    free: str = "tremble",
    execution: float = 0.0,
    tremble: float = 0.0,
    shared: bool = False,
) -> Terms:
    """The ``(a, c)`` of every observation of a player's instruments, linear in the free
    noise (``"tremble"`` or ``"execution"``), the other held at its given value.

    ``before``, ``decided``, ``after`` : ``(rounds, k, n)`` levels entering the round, chosen,
    and recorded; ``top`` : ``(k,)`` the top level of each ladder.

    With tremble ``tau`` the level going into execution noise is the choice ``d`` with
    probability ``1 - tau`` and otherwise a move from the level in force ``b`` (down, hold,
    up, equally likely among those the ladder allows)::

        P = (1 - tau) * E(d) + tau * mean(E(b - 1), E(b), E(b + 1) where allowed)

    where ``E(x) = a(x) + c(x) * eps`` is the execution noise's part (:func:`_executed`).
    ``shared``: every column has the same ``before`` and ``after`` (one record), so the
    tremble's part, which does not depend on the choice, is computed once.
    """
    b = before.astype(np.int16)
    d = decided.astype(np.int16)
    o = np.sign(after.astype(np.int16) - b)
    tp = np.asarray(top, dtype=np.int16)[None, :, None]
    a_d, c_d = _executed(b, d, o, tp)
    bm, om = (b[:, :, :1], o[:, :, :1]) if shared else (b, o)
    a_m = np.zeros(bm.shape)
    c_m = np.zeros(bm.shape)
    options = np.zeros(bm.shape)
    for step in (-1, 0, 1):
        x = bm + step
        ok = (x >= 0) & (x <= tp)
        a_x, c_x = _executed(bm, x, om, tp)
        a_m += np.where(ok, a_x, 0.0)
        c_m += np.where(ok, c_x, 0.0)
        options += ok
    a_m /= options
    c_m /= options
    if free == "tremble":
        e_d = a_d + c_d * execution
        e_m = a_m + c_m * execution
        return Terms(e_d, e_m - e_d, o != 0)
    if free == "execution":
        return Terms(
            (1 - tremble) * a_d + tremble * a_m, (1 - tremble) * c_d + tremble * c_m, o != 0
        )
    raise ValueError(f"free noise must be 'tremble' or 'execution', got {free!r}")


@dataclass(frozen=True)
class Compressed:
    """Observations of ``n`` columns as counts of distinct ``(a, c)`` pairs."""

    a: FloatArray  # (U,)
    c: FloatArray  # (U,)
    counts: FloatArray  # (n, U)

    @classmethod
    def of(cls, t: Terms, weights: FloatArray | None = None) -> Compressed:
        """Compress ``t`` (optionally with a weight per round, ``(rounds,)``)."""
        r, k, n = t.a.shape
        # Both lie in [-1, 1]: one integer key per pair (to 1e-9), then one 1-D unique.
        ka = np.rint(t.a.transpose(2, 0, 1).reshape(n, -1) * 1e9).astype(np.int64)
        kc = np.rint(t.c.transpose(2, 0, 1).reshape(n, -1) * 1e9).astype(np.int64)
        keys, inverse = np.unique(ka * 4_000_000_001 + kc, return_inverse=True)
        inverse = inverse.reshape(n, -1)
        ua = np.floor_divide(keys + 2_000_000_000, 4_000_000_001)
        uniq = np.stack([ua / 1e9, (keys - ua * 4_000_000_001) / 1e9], axis=1)
        w = np.ones((r, k)) if weights is None else np.repeat(weights[:, None], k, axis=1)
        counts = np.zeros((n, len(uniq)))
        rows = np.repeat(np.arange(n), r * k)
        np.add.at(counts, (rows, inverse.ravel()), np.tile(w.ravel(), n))
        return cls(uniq[:, 0], uniq[:, 1], counts)

    def loglik(self, eps: FloatArray | float) -> FloatArray:
        """Log-likelihood of each column at ``eps`` (a scalar, or one per column)."""
        e = np.broadcast_to(np.asarray(eps, dtype=np.float64), (self.counts.shape[0],))
        p = self.a[None, :] + self.c[None, :] * e[:, None]
        used = self.counts > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.where(used, np.log(np.where(used, p, 1.0)), 0.0)
        logs = np.where(used & (p <= 0), IMPOSSIBLE, logs)
        out: FloatArray = np.sum(self.counts * logs, axis=1)
        return out

    def loglik_grid(self, eps: FloatArray) -> FloatArray:
        """Log-likelihood of each column at each value of ``eps``, ``(n, len(eps))``."""
        return np.stack([self.loglik(float(e)) for e in eps], axis=1)

    def best_eps(
        self, lo: float, hi: float, iterations: int = 60
    ) -> tuple[FloatArray, FloatArray]:
        """Maximum-likelihood ``eps`` in ``[lo, hi]`` of each column and its log-likelihood."""
        n = self.counts.shape[0]
        left, right = np.full(n, lo), np.full(n, hi)

        used = self.counts > 0

        def slope(e: FloatArray) -> FloatArray:
            p = self.a[None, :] + self.c[None, :] * e[:, None]
            c = np.broadcast_to(self.c[None, :], p.shape)
            safe = used & (p > 0)
            g = np.divide(c, p, out=np.zeros(p.shape), where=safe)
            # Where an observation has probability 0 its side of the bracket is unbounded.
            g = np.where(used & (p <= 0), np.sign(c) * 1e300, g)
            out: FloatArray = np.clip(np.sum(self.counts * g, axis=1), -1e300, 1e300)
            return out

        rising_at_hi = slope(right) > 0
        falling_at_lo = slope(left) < 0
        for _ in range(iterations):
            mid = 0.5 * (left + right)
            up = slope(mid) > 0
            left = np.where(up, mid, left)
            right = np.where(up, right, mid)
        eps = 0.5 * (left + right)
        eps = np.where(rising_at_hi, hi, np.where(falling_at_lo, lo, eps))
        return eps, self.loglik(eps)

    @property
    def observations(self) -> FloatArray:
        out: FloatArray = self.counts.sum(axis=1)
        return out
