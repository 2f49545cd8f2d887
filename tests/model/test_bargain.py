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
    """Outcomes on ``x + y = total``, evenly spaced."""
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


@pytest.mark.parametrize("w", [0.0, 0.1, 0.3, 0.5, 0.8, 1.0])
def test_weighted_nash_splits_in_proportion_to_the_weights(w: float) -> None:
    # on x + y = S the generalised Nash solution is (w S, (1 - w) S) (Kalai 1977)
    pts = np.array([[0.0, 10.0], [10.0, 0.0]])  # the frontier is their lottery
    assert_allclose(nash(pts, w).surplus, (10 * w, 10 * (1 - w)), atol=1e-12)


def test_symmetric_nash_of_a_symmetric_set_is_on_the_diagonal() -> None:
    rng = np.random.default_rng(7)
    pts = rng.uniform(0, 10, (200, 2))
    pts = np.vstack([pts, pts[:, ::-1]])
    x, y = nash(pts, 0.5).surplus
    assert x == pytest.approx(y, rel=1e-9)


@pytest.mark.parametrize("delta", [0.1, 0.5, 0.9, 0.99])
def test_rubinstein_share_with_equal_discount_factors(delta: float) -> None:
    pts = np.array([[0.0, 1.0], [1.0, 0.0]])
    first = rubinstein(pts, (delta, delta), first=0).surplus
    assert_allclose(first, (1 / (1 + delta), delta / (1 + delta)), rtol=1e-10)
    second = rubinstein(pts, (delta, delta), first=1).surplus
    assert_allclose(second, (delta / (1 + delta), 1 / (1 + delta)), rtol=1e-10)


@pytest.mark.parametrize(("d0", "d1"), [(0.9, 0.5), (0.5, 0.9), (0.95, 0.99)])
def test_rubinstein_share_with_unequal_discount_factors(d0: float, d1: float) -> None:
    pts = np.array([[0.0, 1.0], [1.0, 0.0]])
    x = (1 - d1) / (1 - d0 * d1)  # Rubinstein (1982)
    assert_allclose(rubinstein(pts, (d0, d1)).surplus, (x, 1 - x), rtol=1e-10)


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
            [0.0, 4.0],  # 0 on the hull
            [1.0, 1.0],  # 1 dominated
            [2.0, 3.0],  # 2 on the hull
            [3.0, 1.0],  # 3 under the chord from 2 to 4
            [4.0, 0.0],  # 4 on the hull
            [-1.0, 9.0],  # 5 not individually rational
            [2.0, 3.0],  # 6 equal to 2: the first is kept
            [1.0, 3.5],  # 7 on the segment from 0 to 2: kept
        ]
    )
    f = frontier(pts)
    assert f.outcome.tolist() == [0, 7, 2, 4]
    assert np.all(np.diff(f.x) > 0) and np.all(np.diff(f.y) < 0)


def test_no_deal_without_a_point_good_for_both() -> None:
    assert not nash(np.array([[5.0, 0.0], [0.0, -1.0]])).deal
    assert not rubinstein(np.array([[-1.0, 3.0]]), (0.9, 0.9)).deal
    assert not nash(np.zeros((3, 2))).deal
    assert nash(np.array([[5.0, 0.0], [0.0, 5.0]])).deal  # their lottery is good for both


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
).map(lambda p: np.array(p, dtype=float))


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
    for sol in (nash(pts, w), rubinstein(pts, (d0, d1), first)):
        assert sol.deal == (not f.empty)
        if not sol.deal:
            continue
        x, y = sol.surplus
        tol = 1e-9 * max(1.0, float(np.abs(pts).max()))
        assert x >= -tol and y >= -tol
        assert y == pytest.approx(f(x), abs=1e-7 * max(1.0, float(np.abs(pts).max())))
        implemented = pts[sol.outcome]
        assert implemented.min() >= -tol  # individually rational
        # no outcome is better for both than the implemented one
        assert not np.any((pts[:, 0] > implemented[0] + tol) & (pts[:, 1] > implemented[1] + tol))
    sol = nash(pts, w)
    if sol.deal:
        x, y = sol.surplus
        ok = (pts[:, 0] > 0) & (pts[:, 1] > 0)
        best = w * np.log(x) + (1 - w) * np.log(y) if x > 0 and y > 0 else -np.inf
        others = w * np.log(pts[ok, 0]) + (1 - w) * np.log(pts[ok, 1])
        assert np.all(others <= best + 1e-9)
