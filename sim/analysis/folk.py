"""What the repeated game can sustain: the class of the restrain-versus-escalate
reduction, critical discount factors, minmax values and the feasible payoff region.

Sources (``../shared/data/literature.md``): section 2 for the critical discount factors
and the folk theorem (Friedman 1971; Fudenberg & Maskin 1986), section 8 for the
prisoner's dilemma / chicken / deadlock typology of trade wars (Conybeare 1987).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: The standard ordinal classes of a symmetric 2x2 game in R, S, T, P (strict orders).
CLASSES = {
    "prisoners_dilemma": "T > R > P > S",
    "chicken": "T > R > S > P",
    "stag_hunt": "R > T > P > S",
    "deadlock": "T > P > R > S",
    "harmony": "R > T and S > P (and R > P)",
}


@dataclass(frozen=True)
class Reduction:
    """One player's payoffs in the restrain-versus-escalate reduction: ``R`` both at
    baseline, ``S`` it restrains while the other escalates every instrument to the top,
    ``T`` the reverse, ``P`` both at the top."""

    R: float
    S: float
    T: float
    P: float

    def as_dict(self) -> dict[str, float]:
        return {"R": self.R, "S": self.S, "T": self.T, "P": self.P}


def reductions(a: FloatArray, b: FloatArray) -> tuple[Reduction, Reduction]:
    """Both players' reductions from the payoff matrices over level profiles: profile 0 is
    everything at baseline, the last profile everything at the top (C order)."""
    return (
        Reduction(R=float(a[0, 0]), S=float(a[0, -1]), T=float(a[-1, 0]), P=float(a[-1, -1])),
        Reduction(R=float(b[0, 0]), S=float(b[-1, 0]), T=float(b[0, -1]), P=float(b[-1, -1])),
    )


def ordinal_class(r: Reduction) -> str:
    """The class of one side's ordering (:data:`CLASSES`), or ``other`` (ties included)."""
    R, S, T, P = r.R, r.S, r.T, r.P
    if T > R > P > S:
        return "prisoners_dilemma"
    if T > R > S > P:
        return "chicken"
    if R > T > P > S:
        return "stag_hunt"
    if T > P > R > S:
        return "deadlock"
    if R > T and S > P and R > P:
        return "harmony"
    return "other"


def classify(a: FloatArray, b: FloatArray) -> tuple[str, tuple[str, str]]:
    """The game's class and each side's. The game has a named class when both sides do
    and they agree; otherwise it is ``other``."""
    sides = tuple(ordinal_class(r) for r in reductions(a, b))
    return (sides[0] if sides[0] == sides[1] else "other"), (sides[0], sides[1])


def _min_delta(gain: float, slope: float) -> float | None:
    """The least ``delta`` in [0, 1] from which ``delta * slope >= gain`` holds for every larger
    ``delta`` up to 1; ``None`` when it fails for ``delta`` close to 1."""
    if slope > 0:
        threshold = max(0.0, gain / slope)
        return threshold if threshold <= 1.0 else None
    if slope == 0:
        return 0.0 if gain <= 0 else None
    return 0.0 if gain <= slope else None  # holds for delta <= gain/slope, which must reach 1


def grim_trigger_threshold(r: Reduction) -> float | None:
    """Smallest discount factor from which grim trigger sustains mutual restraint against
    this player's best deviation (a Nash threshold).

    A deviator gets ``T`` once, and then, facing escalation for ever, the better of
    escalating too (``P``) and restraining (``S``): restraint holds when
    ``R >= (1 - delta) T + delta max(P, S)``, i.e. ``delta >= (T - R) / (T - max(P, S))``;
    with ``P >= S`` this is the textbook ``(T - R) / (T - P)`` (literature.md section 2).
    0 when no deviation pays; ``None`` when one pays for every discount factor close to 1.
    The threat is subgame perfect only when escalating for ever is itself an equilibrium of
    the reduction (``P >= S`` for both players; :attr:`CriticalDiscount`).
    """
    worst = max(r.P, r.S)
    return _min_delta(r.T - r.R, r.T - worst)


def tit_for_tat_threshold(r: Reduction) -> float | None:
    """Smallest discount factor from which tit-for-tat against tit-for-tat is a Nash
    equilibrium for this player (literature.md section 2).

    Against tit-for-tat a deviator's best plan is escalating for ever (``T`` then ``P``:
    ``delta >= (T - R) / (T - P)``) or escalating once and then restraining, which
    tit-for-tat answers one round later (``T`` then ``S``, as in alternating:
    ``delta >= (T - R) / (R - S)``); the threshold is the larger. 2/3 with Axelrod's
    payoffs. 0 when neither pays; ``None`` when one pays for every discount factor close
    to 1 (``P >= R`` with temptation, or a threshold above 1).
    """
    forever = _min_delta(r.T - r.R, r.T - r.P)
    once = _min_delta(r.T - r.R, r.R - r.S)
    if forever is None or once is None:
        return None
    return max(forever, once)


@dataclass(frozen=True)
class Minmax:
    """Each player's minmax value: the least the other can hold it to.

    Attributes
    ----------
    pure : (float, float)
        With the punisher restricted to pure profiles: ``min_j max_i a[i, j]`` and
        ``min_i max_j b[i, j]``.
    mixed : (float, float)
        With mixed punishment, from a linear program.
    punisher : (float array ``(n1,)``, float array ``(n0,)``)
        The mixed strategy that holds player 0 (by player 1) and player 1 (by player 0)
        to its mixed minmax.
    """

    pure: tuple[float, float]
    mixed: tuple[float, float]
    punisher: tuple[FloatArray, FloatArray]


def _mixed_minmax(u: FloatArray) -> tuple[float, FloatArray]:
    """``min_y max_i (u @ y)_i`` for the player whose payoffs are the rows of ``u``
    ``(n_own, n_other)``: minimise ``v`` subject to ``u @ y <= v``, ``sum(y) = 1``, ``y >= 0``."""
    from scipy.optimize import linprog

    n_own, n_other = u.shape
    c = np.zeros(n_other + 1)
    c[-1] = 1.0
    a_ub = np.hstack([u, -np.ones((n_own, 1))])
    a_eq = np.zeros((1, n_other + 1))
    a_eq[0, :n_other] = 1.0
    bounds = [(0.0, None)] * n_other + [(None, None)]
    res = linprog(c, A_ub=a_ub, b_ub=np.zeros(n_own), A_eq=a_eq, b_eq=[1.0], bounds=bounds)
    if not res.success:  # pragma: no cover - a bounded feasible LP always solves
        raise RuntimeError(f"minmax linear program failed: {res.message}")
    y = np.clip(res.x[:n_other], 0.0, None)
    y /= y.sum()
    return float((u @ y).max()), y


def minmax(a: FloatArray, b: FloatArray) -> Minmax:
    """Pure and mixed minmax values of both players (scipy.optimize.linprog, HiGHS)."""
    v0, y = _mixed_minmax(a)
    v1, x = _mixed_minmax(b.T)
    return Minmax(
        pure=(float(a.max(axis=0).min()), float(b.max(axis=1).min())),
        mixed=(v0, v1),
        punisher=(y, x),
    )


@dataclass(frozen=True)
class FeasibleRegion:
    """The feasible payoff region: the convex hull of the pure payoff pairs.

    Attributes
    ----------
    vertices : float array ``(k, 2)``
        Hull vertices counter-clockwise (a segment or a point when the payoff pairs are
        collinear or equal).
    individually_rational : float array ``(m, 2)``
        The part where both players get at least their mixed minmax value (empty when
        none). By the folk theorem, every point strictly inside it is an equilibrium
        payoff of the repeated game for discount factors close enough to 1.
    minmax : (float, float)
        The mixed minmax point.
    cooperative : (float, float)
        Both players at baseline.
    """

    vertices: FloatArray
    individually_rational: FloatArray
    minmax: tuple[float, float]
    cooperative: tuple[float, float]


def hull(points: FloatArray) -> FloatArray:
    """Counter-clockwise vertices of the convex hull of ``points`` ``(n, 2)``
    (scipy.spatial.ConvexHull); for collinear points the two ends, for one point itself."""
    from scipy.spatial import ConvexHull, QhullError

    pts = np.unique(points, axis=0)
    if len(pts) <= 2:
        return pts
    try:
        h = ConvexHull(pts)
    except QhullError:  # all on one line: keep its two ends
        direction = pts[-1] - pts[0]
        t = pts @ direction
        return pts[[int(np.argmin(t)), int(np.argmax(t))]]
    out: FloatArray = pts[h.vertices]  # counter-clockwise for 2-D input
    return out


def clip(polygon: FloatArray, floor: tuple[float, float]) -> FloatArray:
    """The part of a convex polygon (or segment, or point) ``(k, 2)`` where
    ``x >= floor[0]`` and ``y >= floor[1]`` (Sutherland–Hodgman, one half-plane at a time)."""
    pts = [tuple(p) for p in polygon]
    for axis in (0, 1):
        lo = floor[axis]
        if len(pts) <= 1:
            pts = [p for p in pts if p[axis] >= lo]
            continue
        out: list[tuple[float, float]] = []
        for k, p in enumerate(pts):  # a segment is a ring of two edges
            q = pts[(k + 1) % len(pts)]
            p_in, q_in = p[axis] >= lo, q[axis] >= lo
            if p_in:
                out.append(p)
            if p_in != q_in:
                s = (lo - p[axis]) / (q[axis] - p[axis])
                out.append((p[0] + s * (q[0] - p[0]), p[1] + s * (q[1] - p[1])))
        pts = list(dict.fromkeys(out))  # drop repeated points, keep order
    return np.array(pts, dtype=float).reshape(-1, 2)


def feasible_region(a: FloatArray, b: FloatArray, mm: Minmax | None = None) -> FeasibleRegion:
    """The feasible region of the bimatrix game and its individually rational part."""
    mm = minmax(a, b) if mm is None else mm
    vertices = hull(np.column_stack([a.ravel(), b.ravel()]))
    return FeasibleRegion(
        vertices=vertices,
        individually_rational=clip(vertices, mm.mixed),
        minmax=mm.mixed,
        cooperative=(float(a[0, 0]), float(b[0, 0])),
    )
