"""Property tests of the equilibrium solvers on random games (hypothesis), against a brute
force for pure equilibria, an independent support enumeration written here for mixed
ones, and nashpy's support enumeration."""

from __future__ import annotations

import itertools
import warnings

import nashpy
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.analysis.equilibria import CHECK_TOL, iterated_dominance, pure_equilibria, solve

sizes = st.tuples(st.integers(1, 5), st.integers(1, 5))


@st.composite
def integer_games(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Small games with integer payoffs: ties and degenerate games are common."""
    n0, n1 = draw(sizes)
    cells = arrays(np.float64, (n0, n1), elements=st.integers(-4, 4).map(float))
    return draw(cells), draw(cells)


def brute_force_pure(a: np.ndarray, b: np.ndarray) -> list[tuple[int, int]]:
    n0, n1 = a.shape
    return [
        (i, j)
        for i in range(n0)
        for j in range(n1)
        if a[i, j] >= a[:, j].max() and b[i, j] >= b[i, :].max()
    ]


def support_enumeration(a: np.ndarray, b: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """All equilibria of a nondegenerate game: for each pair of supports of equal size, the
    strategies that make the other player indifferent on its support, kept when they are
    probabilities and no strategy outside the support does better."""
    n0, n1 = a.shape
    out = []
    for k in range(1, min(n0, n1) + 1):
        for rows in itertools.combinations(range(n0), k):
            for cols in itertools.combinations(range(n1), k):
                y = _indifferent(a[np.ix_(rows, cols)])  # column mix that equalises rows
                x = _indifferent(b[np.ix_(rows, cols)].T)
                if x is None or y is None:
                    continue
                fx, fy = np.zeros(n0), np.zeros(n1)
                fx[list(rows)], fy[list(cols)] = x, y
                ay, xb = a @ fy, fx @ b
                if (
                    ay.max() <= ay[list(rows)].max() + 1e-9
                    and xb.max() <= xb[list(cols)].max() + 1e-9
                ):
                    out.append((fx, fy))
    return out


def _indifferent(m: np.ndarray) -> np.ndarray | None:
    """``p`` with ``m @ p`` constant and ``sum(p) = 1``, ``p > 0``; None if none."""
    k = m.shape[0]
    lhs = np.zeros((k + 1, k + 1))
    lhs[:k, :k] = m
    lhs[:k, k] = -1.0
    lhs[k, :k] = 1.0
    rhs = np.zeros(k + 1)
    rhs[k] = 1.0
    try:
        sol = np.linalg.solve(lhs, rhs)
    except np.linalg.LinAlgError:
        return None
    p = sol[:k]
    return p if (p > 1e-12).all() else None


def nashpy_support_enumeration(
    a: np.ndarray, b: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]]:
    """nashpy's support enumeration; its warning that an even number of equilibria means
    a degenerate game is expected where it misses some."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return list(nashpy.Game(a, b).support_enumeration())


def keys(profiles: list[tuple[np.ndarray, np.ndarray]]) -> set[tuple[float, ...]]:
    return {tuple(np.round(np.concatenate([x, y]), 7)) for x, y in profiles}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(integer_games())
def test_every_equilibrium_is_a_mutual_best_response(game: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = game
    eqs = solve(a, b)
    scale = max(1.0, np.ptp(a), np.ptp(b))
    assert len(eqs) >= 1  # Nash: every finite game has one
    for e in eqs:
        assert (e.row >= 0).all() and (e.col >= 0).all()
        assert e.row.sum() == np.float64(1.0) or abs(e.row.sum() - 1) < 1e-12
        assert abs(e.col.sum() - 1) < 1e-12
        ay, xb = a @ e.col, e.row @ b
        assert ay.max() - e.row @ ay <= CHECK_TOL * scale
        assert xb.max() - xb @ e.col <= CHECK_TOL * scale
        assert e.payoffs == (float(e.row @ a @ e.col), float(e.row @ b @ e.col))


@settings(max_examples=200, deadline=None)
@given(integer_games())
def test_pure_equilibria_equal_brute_force(game: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = game
    assert pure_equilibria(a, b) == brute_force_pure(a, b)
    listed = [(int(e.support(0)[0]), int(e.support(1)[0])) for e in solve(a, b).pure]
    assert sorted(listed) == brute_force_pure(a, b)


@settings(max_examples=100, deadline=None)
@given(integer_games())
def test_dominance_keeps_every_pure_equilibrium(game: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = game
    rows, cols = iterated_dominance(a, b)
    for i, j in brute_force_pure(a, b):
        assert i in rows and j in cols


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 5), st.integers(2, 5))
def test_complete_set_agrees_with_independent_enumeration_and_nashpy(
    seed: int, n0: int, n1: int
) -> None:
    """Random continuous payoffs are nondegenerate with probability 1; there the complete
    set of equilibria is finite and both enumerations must find the same set."""
    rng = np.random.default_rng(seed)
    a, b = rng.random((n0, n1)), rng.random((n0, n1))
    ours = solve(a, b, method="enummixed-float", time_limit=None)
    assert ours.complete
    assert keys([(e.row, e.col) for e in ours]) == keys(support_enumeration(a, b))
    exact = solve(a, b, exact=True)  # exact rationals, after dominance
    assert keys([(e.row, e.col) for e in exact]) == keys([(e.row, e.col) for e in ours])
    theirs = nashpy_support_enumeration(a, b)
    assert keys(theirs) <= keys([(e.row, e.col) for e in ours])


def test_an_equilibrium_nashpy_misses_is_found() -> None:
    """Hypothesis found this nondegenerate 4x3 game: it has three equilibria (an odd number,
    as a nondegenerate game must), nashpy's support enumeration returns two of them, and
    ours returns all three, as the enumeration written above does."""
    rng = np.random.default_rng(5331548)
    a, b = rng.random((4, 3)), rng.random((4, 3))
    ours = keys([(e.row, e.col) for e in solve(a, b)])
    theirs = keys(nashpy_support_enumeration(a, b))
    assert len(ours) == 3 and ours == keys(support_enumeration(a, b))
    assert len(theirs) == 2 and theirs < ours


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(integer_games())
def test_floating_point_and_exact_enumeration_agree_on_degenerate_games(
    game: tuple[np.ndarray, np.ndarray],
) -> None:
    """Integer payoffs make ties common: the floating-point search (partners by linear
    systems, or label matching when degenerate) and the exact one find the same extreme
    equilibria and the same maximal Nash subsets, and every mix inside a subset is an
    equilibrium."""
    a, b = game
    flt = solve(a, b, method="vertex", time_limit=None)
    ext = solve(a, b, method="vertex", exact=True, time_limit=None)
    assert flt.complete and ext.complete and ext.exact
    assert keys([(e.row, e.col) for e in flt]) == keys([(e.row, e.col) for e in ext])
    assert len(flt.subsets) == len(ext.subsets)
    rng = np.random.default_rng(0)
    for sub in ext.subsets:
        rows = np.array([ext[k].row for k in sub])
        cols = np.array([ext[k].col for k in sub])
        x = rng.dirichlet(np.ones(len(sub))) @ rows
        y = rng.dirichlet(np.ones(len(sub))) @ cols
        assert max((a @ y).max() - x @ a @ y, (x @ b).max() - x @ b @ y) <= 1e-9


@settings(max_examples=100, deadline=None)
@given(integer_games())
def test_dominance_finds_exactly_the_strictly_dominated_rows(
    game: tuple[np.ndarray, np.ndarray],
) -> None:
    """The pre-filtered check (a dominator must beat the row on its best column) marks
    the same rows as comparing every pair."""
    from sim.analysis.equilibria import dominated_rows

    for u in game:
        brute = np.array(
            [any(np.all(u[k] > u[i]) for k in range(len(u)) if k != i) for i in range(len(u))]
        )
        assert np.array_equal(dominated_rows(u), brute)


def test_the_number_of_threads_does_not_change_the_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sim.analysis import polytope

    rng = np.random.default_rng(11)
    a, b = rng.random((12, 12)), rng.random((12, 12))
    answers = []
    for threads in (1, 2):
        monkeypatch.setattr(polytope, "THREADS", threads)
        eqs = solve(a, b, method="vertex", time_limit=None)
        answers.append(np.array([np.r_[e.row, e.col] for e in eqs]))
    assert answers[0].shape[0] > 1
    assert np.array_equal(answers[0], answers[1])  # bit for bit, in the same order
