"""Bargaining solutions against their closed forms: the symmetric Nash solution splits the
surplus evenly, the weighted one in proportion to the weights, Rubinstein's proposer gets
1/(1 + delta) with equal discount factors and (1 - delta_1)/(1 - delta_0 delta_1) in
general, and as the time between offers shrinks Rubinstein tends to the Nash solution with
weights from the discount rates (Binmore, Rubinstein and Wolinsky 1986). Properties: the
solution lies on the frontier, is individually rational, and the Nash solution's product
beats every outcome's."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from sim.model.bargain import frontier, nash, rubinstein


def line(total: float = 1.0, n: int = 101) -> np.ndarray:
    """Outcomes on ``x + y = total``, evenly spaced (the two ends give a side nothing, so
    they are not in the bargaining set)."""
    x = np.linspace(0.0, total, n)
    return np.c_[x, total - x]


def curve(n: int = 4001) -> np.ndarray:
    """Outcomes on a strictly concave frontier ``y = 2 sqrt(1 - x**2)``, x in [0, 1]."""
    x = np.linspace(0.0, 1.0, n)
    return np.c_[x, 2.0 * np.sqrt(1.0 - x**2)]


@pytest.mark.parametrize("total", [1.0, 7.5, 300.0])
def test_symmetric_nash_splits_the_surplus_evenly(total: float) -> None:
    sol = nash(line(total), 0.5)
    assert_allclose(sol.surplus, (total / 2, total / 2), rtol=1e-12)
    assert sol.outcome == 50  # the outcome at the even split implements it exactly


@pytest.mark.parametrize("w", [0.1, 0.3, 0.5, 0.8, 0.9])
def test_weighted_nash_splits_in_proportion_to_the_weights(w: float) -> None:
    # on x + y = S the generalised Nash solution is (w S, (1 - w) S) (Kalai 1977)
    pts = np.array([[0.01, 9.99], [9.99, 0.01]])  # the frontier x + y = 10 is their lottery
    assert_allclose(nash(pts, w).surplus, (10 * w, 10 * (1 - w)), atol=1e-12)


def test_a_weight_of_0_or_1_gives_one_side_its_best_point() -> None:
    pts = line(10.0)
    assert_allclose(nash(pts, 1.0).surplus, (9.9, 0.1), atol=1e-12)
    assert_allclose(nash(pts, 0.0).surplus, (0.1, 9.9), atol=1e-12)


def test_symmetric_nash_of_a_symmetric_set_is_on_the_diagonal() -> None:
    rng = np.random.default_rng(7)
    pts = rng.uniform(0, 10, (200, 2))
    pts = np.vstack([pts, pts[:, ::-1]])
    x, y = nash(pts, 0.5).surplus
    assert x == pytest.approx(y, rel=1e-9)


def unit_line() -> np.ndarray:
    """``x + y = 1`` for x in [1e-9, 1 - 1e-9]: the frontier of the textbook pie."""
    return np.array([[1e-9, 1 - 1e-9], [1 - 1e-9, 1e-9]])


@pytest.mark.parametrize("delta", [0.1, 0.5, 0.9, 0.99])
def test_rubinstein_share_with_equal_discount_factors(delta: float) -> None:
    pts = unit_line()
    first = rubinstein(pts, (delta, delta), first=0).surplus
    assert_allclose(first, (1 / (1 + delta), delta / (1 + delta)), rtol=1e-10)
    second = rubinstein(pts, (delta, delta), first=1).surplus
    assert_allclose(second, (delta / (1 + delta), 1 / (1 + delta)), rtol=1e-10)


@pytest.mark.parametrize(("d0", "d1"), [(0.9, 0.5), (0.5, 0.9), (0.95, 0.99)])
def test_rubinstein_share_with_unequal_discount_factors(d0: float, d1: float) -> None:
    x = (1 - d1) / (1 - d0 * d1)  # Rubinstein (1982)
    assert_allclose(rubinstein(unit_line(), (d0, d1)).surplus, (x, 1 - x), rtol=1e-8)


def test_rubinstein_at_the_ends_of_a_short_frontier() -> None:
    """On the segment from (2, 5) to (6, 1): below x = 2 the frontier is flat (free
    disposal), so player 1 proposing offers 2, not delta_0 x*; an impatient responder
    lets the proposer take the whole segment."""
    pts = np.array([[2.0, 5.0], [6.0, 1.0]])
    # f(x) = 7 - x on [2, 6]; x* solves 7 - x = 0.9 (7 - 0.5 x)  ->  x* = 0.7 / 0.55
    # which is below 2, so x* is where the flat part meets: f(x) >= 0.9 f(0.5 x) holds up to
    # 7 - x = 0.9 * 5  ->  x = 2.5
    sol = rubinstein(pts, (0.5, 0.9), first=0)
    assert_allclose(sol.surplus, (2.5, 4.5), rtol=1e-9)
    second = rubinstein(pts, (0.5, 0.9), first=1)
    assert_allclose(second.surplus, (2.0, 5.0), rtol=1e-9)  # max(0.5 x 2.5, 2) = 2
    assert second.outcome == 0
    # delta_1 = 0.1: 1 - 0.1 * f(0.5 * 6) = 1 - 0.4 >= 0 at the end, so x* = 6
    assert_allclose(rubinstein(pts, (0.5, 0.1)).surplus, (6.0, 1.0), rtol=1e-12)


def test_rubinstein_tends_to_nash_as_the_period_shrinks() -> None:
    r0, r1 = 1.0, 3.0  # player 1 is less patient, so player 0 gets the larger share
    target = np.array(nash(curve(), r1 / (r0 + r1)).surplus)
    errors = []
    for dt in (0.1, 0.01, 0.001):
        sol = rubinstein(curve(), (np.exp(-r0 * dt), np.exp(-r1 * dt)))
        errors.append(float(np.abs(np.array(sol.surplus) - target).max()))
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 2e-3
    # and not to the symmetric solution, which differs by far more
    assert np.abs(np.array(nash(curve(), 0.5).surplus) - target).max() > 0.1


def test_the_proposer_advantage_vanishes_as_the_period_shrinks() -> None:
    gaps = []
    for dt in (0.1, 0.001):
        d = (np.exp(-dt), np.exp(-dt))
        a, b = rubinstein(curve(), d, 0).surplus[0], rubinstein(curve(), d, 1).surplus[0]
        gaps.append(a - b)
    assert gaps[0] > gaps[1] > 0
    assert gaps[1] < 1e-3


def test_frontier_keeps_the_pareto_optimal_outcomes_on_the_upper_hull() -> None:
    pts = np.array(
        [
            [0.5, 4.0],  # 0 on the hull
            [1.0, 1.0],  # 1 dominated
            [2.0, 3.0],  # 2 on the hull
            [3.0, 1.0],  # 3 under the chord from 2 to 4
            [4.0, 0.5],  # 4 on the hull
            [-1.0, 9.0],  # 5 bad for player 0: not in the set
            [2.0, 3.0],  # 6 equal to 2: the first is kept
            [1.25, 3.5],  # 7 on the segment from 0 to 2: kept
            [9.0, 0.0],  # 8 gives player 1 nothing: not in the set
        ]
    )
    f = frontier(pts)
    assert f.outcome.tolist() == [0, 7, 2, 4]
    assert np.all(np.diff(f.x) > 0) and np.all(np.diff(f.y) < 0)


def test_no_deal_without_an_outcome_good_for_both() -> None:
    assert not nash(np.array([[5.0, 0.0], [0.0, -1.0]])).deal
    assert not rubinstein(np.array([[-1.0, 3.0]]), (0.9, 0.9)).deal
    assert not nash(np.zeros((3, 2))).deal
    # a lottery of (5, 0) and (0, 5) would be good for both, but it cannot be implemented
    assert not nash(np.array([[5.0, 0.0], [0.0, 5.0]])).deal
    assert nash(np.array([[5.0, 0.0], [0.0, 5.0], [0.1, 0.1]])).outcome == 2


def test_one_outcome_good_for_both_is_the_deal_of_every_solution() -> None:
    pts = np.array([[3.0, 3.0], [-1.0, 5.0]])
    for sol in (nash(pts, 0.2), rubinstein(pts, (0.5, 0.9)), rubinstein(pts, (0.9, 0.5), 1)):
        assert sol.outcome == 0
        assert_allclose(sol.surplus, (3.0, 3.0))


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="weight"):
        nash(line(), 1.5)
    with pytest.raises(ValueError, match="discount"):
        rubinstein(line(), (1.0, 0.5))
    with pytest.raises(ValueError, match="first"):
        rubinstein(line(), (0.5, 0.5), first=2)


points = st.lists(
    st.tuples(
        st.floats(-50, 100, allow_nan=False, allow_subnormal=False),
        st.floats(-50, 100, allow_nan=False, allow_subnormal=False),
    ),
    min_size=1,
    max_size=40,
).map(lambda p: np.where(np.abs(np.array(p, dtype=float)) < 1e-6, 0.0, np.array(p, dtype=float)))


@settings(max_examples=200, deadline=None)
@given(
    pts=points,
    w=st.floats(0.05, 0.95),
    d0=st.floats(0.05, 0.95),
    d1=st.floats(0.05, 0.95),
    first=st.integers(0, 1),
)
def test_solutions_are_rational_efficient_and_implemented(
    pts: np.ndarray, w: float, d0: float, d1: float, first: int
) -> None:
    f = frontier(pts)
    good = bool(np.any((pts[:, 0] > 0) & (pts[:, 1] > 0)))  # no value in (0, 1e-6)
    scale = max(1.0, float(np.abs(pts).max()))
    for sol in (nash(pts, w), rubinstein(pts, (d0, d1), first)):
        assert sol.deal == good
        if not sol.deal:
            continue
        x, y = sol.surplus
        assert x > 0 and y > 0
        assert y == pytest.approx(f(x), abs=1e-7 * scale)
        implemented = pts[sol.outcome]
        assert implemented.min() > 0  # good for both
        # no outcome is better for both than the implemented one
        tol = 1e-9 * scale
        assert not np.any((pts[:, 0] > implemented[0] + tol) & (pts[:, 1] > implemented[1] + tol))
    sol = nash(pts, w)
    if sol.deal:
        # the Nash product at the solution beats it at every point of the frontier
        x, y = sol.surplus
        best = w * np.log(x) + (1 - w) * np.log(y)
        xs = np.linspace(f.x[0], f.x[-1], 201)
        ys = np.array([f(v) for v in xs])
        ok = ys > 0
        assert np.all(w * np.log(xs[ok]) + (1 - w) * np.log(ys[ok]) <= best + 1e-9)
