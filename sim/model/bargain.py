"""Bargaining solutions over a finite set of outcomes (no I/O).

The outcomes are points in *surplus* coordinates: each player's payoff minus its payoff at
the disagreement point, which is therefore the origin. The bargaining set is the
comprehensive convex hull of the outcomes good for both (both surpluses positive) and the
origin: lotteries over them, with free disposal. (The standard problem takes the hull of
every outcome cut to the rational region; leaving out outcomes bad for a side is a
modelling choice: a truce's terms must give each side something.) Its Pareto frontier is a
concave, weakly decreasing, piecewise-linear function ``y = f(x)`` on ``[0, x_max]``.

* :func:`nash` maximises the generalised Nash product ``x**w * f(x)**(1 - w)``
  (Nash 1950, "The bargaining problem", Econometrica 18: 155-162; asymmetric weights:
  Kalai 1977, "Nonsymmetric Nash solutions and replications of 2-person bargaining",
  International Journal of Game Theory 6: 129-133).
* :func:`rubinstein` is the subgame-perfect equilibrium of alternating offers with
  per-offer discount factors ``delta_0, delta_1`` (Rubinstein 1982, "Perfect equilibrium
  in a bargaining model", Econometrica 50: 97-109): the proposer's share ``x*`` solves
  ``f(x*) = delta_1 * f(delta_0 * x*)``; with ``x + y = 1`` and equal factors it is
  ``1 / (1 + delta)``. As the time between offers shrinks (``delta_i = exp(-r_i dt)``,
  ``dt -> 0``) it tends to the Nash solution with ``w_0 = r_1 / (r_0 + r_1)`` (Binmore,
  Rubinstein and Wolinsky 1986, "The Nash bargaining solution in economic modelling", RAND
  Journal of Economics 17: 176-188).

A solution is a point of the frontier, in general a lottery between two neighbouring
outcomes. What can be *implemented* is an outcome: :attr:`Solution.outcome` is the
Pareto-optimal outcome nearest the solution (Euclidean distance in surplus; a tie goes to
the outcome listed first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

#: Surpluses within this (relative to the largest) of 0 count as 0.
TOLERANCE = 1e-12


@dataclass(frozen=True, eq=False)
class Frontier:
    """The Pareto frontier of a bargaining set: vertices ``(x[i], y[i])`` with ``x``
    increasing and ``y`` decreasing, and the outcome each vertex is (``outcome[i]``, an
    index into the points the frontier was built from). Empty when no outcome gives both
    players a positive surplus."""

    x: FloatArray
    y: FloatArray
    outcome: IntArray

    @property
    def empty(self) -> bool:
        return self.x.size == 0

    def __call__(self, x: float) -> float:
        """``f(x)``: the most player 1 can get when player 0 gets ``x`` (free disposal
        below the first vertex; ``x`` must be at most the last vertex's)."""
        if x <= self.x[0]:
            return float(self.y[0])
        return float(np.interp(x, self.x, self.y))


@dataclass(frozen=True)
class Solution:
    """A bargaining solution: its surplus ``(x, y)`` and the outcome that implements it
    (the nearest Pareto-optimal outcome, ``-1`` when there is no deal)."""

    surplus: tuple[float, float]
    outcome: int

    @property
    def deal(self) -> bool:
        return self.outcome >= 0


NO_DEAL = Solution((0.0, 0.0), -1)


def frontier(surplus: FloatArray) -> Frontier:
    """The Pareto frontier of the bargaining set of outcomes ``surplus`` ``(m, 2)``.

    Only outcomes that leave both players strictly better off than disagreement are in
    the set (a modelling choice: a truce must give each side something; lotteries with
    outcomes that leave a side worse off are not on the table). Of equal points the first
    is kept. The frontier holds the outcomes on the upper concave hull of the set (those
    on a segment of it included): the Pareto-optimal outcomes that no lottery of others
    dominates. It is empty when no outcome is good for both.
    """
    pts = np.asarray(surplus, dtype=np.float64).reshape(-1, 2)
    rational = pts[(pts[:, 0] >= 0) & (pts[:, 1] >= 0)]
    tol = TOLERANCE * max(float(rational.max()) if rational.size else 0.0, 1.0)
    ok = np.flatnonzero((pts[:, 0] > tol) & (pts[:, 1] > tol))
    if ok.size == 0:
        return Frontier(np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.intp))
    p = pts[ok]
    # x descending, then y descending, then index ascending (so the first of equal points
    # is met first); keep each point whose y beats every point to its right.
    order = np.lexsort((ok, -p[:, 1], -p[:, 0]))
    ys = p[order, 1]
    before = np.concatenate([[-np.inf], np.maximum.accumulate(ys)[:-1]])
    pareto = [int(i) for i in order[ys > before + tol]]
    pareto.reverse()  # x ascending, y descending
    hull: list[int] = []
    for i in pareto:
        while len(hull) >= 2 and _below(p[hull[-2]], p[hull[-1]], p[i]):
            hull.pop()
        hull.append(i)
    return Frontier(p[hull, 0].copy(), p[hull, 1].copy(), ok[hull].astype(np.intp))


def _below(a: FloatArray, b: FloatArray, c: FloatArray) -> bool:
    """Whether ``b`` lies below the chord from ``a`` to ``c`` (so it is not on the upper
    concave hull). Points on the chord, to rounding, are kept: they are outcomes on the
    frontier."""
    cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return bool(cross > TOLERANCE * abs(c[0] - a[0]) * abs(c[1] - a[1]))


def nash(surplus: FloatArray, weight: float = 0.5) -> Solution:
    """The (generalised) Nash bargaining solution with player 0's weight ``weight``.

    Maximises ``x**w * y**(1 - w)`` over the frontier. On a segment from ``a`` to ``b``
    with slope ``s < 0`` the first-order condition gives ``x = w (a_x - a_y / s)``, clipped
    to the segment; the product is unimodal along a concave frontier, so the best segment
    optimum is the solution. ``weight`` 0 or 1 gives the other player's best point.
    """
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"a Nash weight is in [0, 1], got {weight}")
    f = frontier(surplus)
    if f.empty:
        return NO_DEAL
    candidates = [(float(x), float(y)) for x, y in zip(f.x, f.y, strict=True)]
    for i in range(f.x.size - 1):
        ax, ay, bx, by = f.x[i], f.y[i], f.x[i + 1], f.y[i + 1]
        slope = (by - ay) / (bx - ax)
        if slope < 0:
            x = min(max(weight * (ax - ay / slope), ax), bx)
            candidates.append((float(x), float(ay + slope * (x - ax))))
    point = max(candidates, key=lambda c: _log_product(c, weight))
    return _implemented(f, surplus, point)


def _log_product(point: tuple[float, float], weight: float) -> float:
    x, y = point
    terms = []
    for value, power in ((x, weight), (y, 1.0 - weight)):
        if power > 0:
            terms.append(power * np.log(value) if value > 0 else -np.inf)
    # ties (a weight of 0 or 1) go to the point better for the other player
    return float(sum(terms)) + 1e-15 * (x + y)


def rubinstein(surplus: FloatArray, discount: tuple[float, float], first: int = 0) -> Solution:
    """The subgame-perfect equilibrium agreement of Rubinstein's alternating offers.

    ``discount`` holds each player's discount factor per offer, in (0, 1); ``first`` is the
    player who proposes first. The agreement is immediate: the first proposer offers the
    responder exactly what the responder would get by proposing next round, discounted.
    With ``x*`` the largest ``x`` in ``[0, x_max]`` with ``f(x) >= delta_1 f(delta_0 x)``,
    the agreement is ``(x*, f(x*))`` when player 0 proposes first and
    ``(delta_0 x*, f(delta_0 x*))`` when player 1 does (or the first vertex, when that
    gives player 0 more at no cost to player 1).
    """
    d0, d1 = discount
    if not (0 < d0 < 1 and 0 < d1 < 1):
        raise ValueError(f"discount factors per offer are in (0, 1), got {discount}")
    if first not in (0, 1):
        raise ValueError(f"first is the player who proposes first, 0 or 1, got {first}")
    f = frontier(surplus)
    if f.empty:
        return NO_DEAL
    from scipy.optimize import brentq  # scipy.optimize takes 0.3 s to import

    def gap(x: float) -> float:
        return f(x) - d1 * f(d0 * x)

    top = float(f.x[-1])
    if gap(top) >= 0:
        x = top
    else:
        x = float(brentq(gap, 0.0, top, xtol=1e-13 * max(top, 1.0), rtol=1e-15))
    # player 1 proposing offers delta_0 x*, or more where that costs it nothing (below the
    # first vertex the frontier is flat: an offer there would dispose of player 0's surplus)
    offer = max(d0 * x, float(f.x[0]))
    point = (x, f(x)) if first == 0 else (offer, f(offer))
    return _implemented(f, surplus, point)


def _implemented(f: Frontier, surplus: FloatArray, point: tuple[float, float]) -> Solution:
    pts = np.asarray(surplus, dtype=np.float64).reshape(-1, 2)[f.outcome]
    dist = np.hypot(pts[:, 0] - point[0], pts[:, 1] - point[1])
    near = dist <= dist.min() * (1 + 1e-9) + TOLERANCE
    best = int(f.outcome[near].min())  # a tie goes to the first outcome
    return Solution((float(point[0]), float(point[1])), best)
