"""Replicator dynamics, rest points and the Moran process (sim.analysis.replicator, .moran)
against independent computations written here, literature values and nashpy.

Independent references: ``solve_ivp`` of the replicator equation; the project's Gambit
equilibrium solver and nashpy's support enumeration for the symmetric Nash equilibria; the
birth-death chain of the two-strategy Moran process and the full Markov chain on count
vectors, both solved as linear systems; a plain linear solve of the embedded chain; nashpy's
Moran process.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable

import nashpy
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy.integrate import solve_ivp

from sim.analysis.equilibria import solve
from sim.analysis.moran import (
    fixation_matrix,
    fixation_probability,
    payoffs,
    simulate,
    stationary_distribution,
)
from sim.analysis.replicator import (
    DegenerateRestPointWarning,
    degenerate_supports,
    jacobian,
    replicator,
    rest_points,
)

RPS = np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
PD = np.array([[3.0, 0.0], [5.0, 1.0]])  # 0 cooperate, 1 defect
HAWK_DOVE = np.array([[-1.0, 2.0], [0.0, 1.0]])  # V = 2, C = 4: [[(V-C)/2, V], [0, V/2]]
STAG_HUNT = np.array([[4.0, 0.0], [3.0, 2.0]])  # 0 stag, 1 hare


def rps(win: float, lose: float) -> np.ndarray:
    """Rock-paper-scissors: ``win`` against the beaten strategy, ``-lose`` against the other."""
    return np.array([[0.0, -lose, win], [win, 0.0, -lose], [-lose, win, 0.0]])


def field(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    f = a @ x
    return x * (f - x @ f)


def reference_trajectory(a: np.ndarray, y0: np.ndarray, t: np.ndarray) -> np.ndarray:
    sol = solve_ivp(
        lambda _, x: field(a, x), (t[0], t[-1]), y0, t_eval=t, method="DOP853",
        rtol=1e-12, atol=1e-14,
    )  # fmt: skip
    assert sol.success
    return np.asarray(sol.y.T)


# --- replicator trajectories ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "a", "y0"),
    [
        ("random 4x4", np.random.default_rng(7).normal(size=(4, 4)), None),
        ("zero-sum rps", RPS, np.array([0.5, 0.3, 0.2])),
        ("rps win 2 lose 1", rps(2.0, 1.0), np.array([0.6, 0.3, 0.1])),
        ("rps win 1 lose 2", rps(1.0, 2.0), np.array([0.3, 0.35, 0.35])),
    ],
)
def test_trajectory_matches_independent_integration(
    name: str, a: np.ndarray, y0: np.ndarray | None
) -> None:
    if y0 is None:
        y0 = np.random.default_rng(8).dirichlet(np.ones(a.shape[0]))
    t, x = replicator(a, y0, t_max=15.0, points=301)
    assert t.shape == (301,) and x.shape == (301, a.shape[0])
    assert_allclose(t, np.linspace(0, 15, 301))
    ref = reference_trajectory(a, y0, t)
    assert_allclose(x, ref, atol=2e-6)
    # the comparison has power: the transposed game moves somewhere else
    assert np.abs(reference_trajectory(a.T, y0, t) - ref).max() > 0.05
    assert_allclose(x.sum(axis=1), 1.0, atol=1e-7)


def test_rock_paper_scissors_cycles_converges_or_spirals_out() -> None:
    """``x1 x2 x3`` is a constant of motion of zero-sum RPS; it grows towards 1/27 when a win
    pays more than a loss costs and shrinks towards 0 (the heteroclinic cycle) otherwise."""
    y0 = np.array([0.5, 0.3, 0.2])
    _, x = replicator(RPS, y0, t_max=30.0, points=601)
    prod = x.prod(axis=1)
    assert_allclose(prod, 0.03, rtol=1e-5)
    _, x = replicator(rps(2.0, 1.0), y0, t_max=120.0, points=121)
    assert (np.diff(x.prod(axis=1)[:30]) > 1e-8).all()  # later steps are within odeint's error
    assert_allclose(x[-1], 1 / 3, atol=1e-6)
    _, x = replicator(rps(1.0, 2.0), y0, t_max=60.0, points=201)
    assert (np.diff(x.prod(axis=1)[:60]) < 0).all()
    assert x[-1].prod() < 1e-4


def test_orientation_is_nashpys_row_player() -> None:
    """nashpy's replicator fitness is ``A @ x``: ``A[i, j]`` is what ``i`` earns against ``j``,
    our convention, so ``A`` is passed untransposed. In the prisoner's dilemma defection
    takes over; under the transposed matrix cooperation would."""
    y0 = np.array([0.9, 0.1])
    t, x = replicator(PD + 1, y0, t_max=20.0, points=201)  # payoffs >= 1: passed unshifted
    assert_array_equal(x, nashpy.Game(PD + 1).replicator_dynamics(y0=y0, timepoints=t))
    assert x[-1, 1] > 0.999
    transposed = nashpy.Game(PD.T + 1).replicator_dynamics(y0=y0, timepoints=t)
    assert transposed[-1, 0] > 0.999
    _, shifted = replicator(PD, y0, t_max=20.0, points=201)  # a payoff of 0: shifted by 1
    assert_allclose(shifted, x, atol=1e-6)


def test_negative_payoffs_stay_on_the_simplex() -> None:
    """With negative mean payoffs the simplex repels off-simplex errors; the integration
    must still follow the one-dimensional reduction
    ``p' = p (1 - p) ((a - c) p + (b - d) (1 - p))`` of a 2x2 game."""
    a = STAG_HUNT - 5.0  # every payoff negative; the interior point stays at 2/3
    t, x = replicator(a, [0.6, 0.4], t_max=60.0, points=7)
    (aa, b), (c, d) = a
    sol = solve_ivp(
        lambda _, p: p * (1 - p) * ((aa - c) * p + (b - d) * (1 - p)), (0, 60), [0.6],
        t_eval=t, rtol=1e-12, atol=1e-14,
    )  # fmt: skip
    assert_allclose(x[:, 0], sol.y[0], atol=1e-6)
    assert_allclose(x.sum(axis=1), 1.0, atol=1e-7)
    assert x[-1, 1] > 0.999999


def test_default_start_is_uniform() -> None:
    _, x = replicator(rps(2.0, 1.0), points=5)
    assert_array_equal(x[0], np.full(3, 1 / 3))


# --- rest points ---------------------------------------------------------------------


def by_support(points: list) -> dict:
    return {p.support: p for p in points}


def test_hawk_dove() -> None:
    pts = by_support(rest_points(HAWK_DOVE))
    assert set(pts) == {(0,), (1,), (0, 1)}
    mixed = pts[(0, 1)]
    assert_allclose(mixed.shares, [0.5, 0.5], rtol=1e-14)  # V / C hawks
    assert mixed.stable and mixed.nash
    assert_allclose(mixed.eigenvalues, [-0.5])  # d/dx of x(1-x)(1-2x) at 1/2
    assert_allclose(mixed.payoff, 0.5)
    for corner in (0,), (1,):
        assert not pts[corner].stable and not pts[corner].nash
    assert_allclose(pts[(0,)].eigenvalues, [1.0])  # doves earn 0 > -1 among hawks
    assert_allclose(pts[(1,)].eigenvalues, [1.0])  # a hawk earns 2 > 1 among doves


def test_stag_hunt() -> None:
    pts = by_support(rest_points(STAG_HUNT))
    assert pts[(0,)].stable and pts[(1,)].stable
    assert_allclose(pts[(0,)].eigenvalues, [-1.0])  # hare earns 3 < 4
    assert_allclose(pts[(1,)].eigenvalues, [-2.0])  # stag earns 0 < 2
    mixed = pts[(0, 1)]
    assert_allclose(mixed.shares, [2 / 3, 1 / 3], rtol=1e-14)  # 4x = 3x + 2(1 - x)
    assert not mixed.stable and mixed.nash
    assert_allclose(mixed.eigenvalues, [2 / 3])
    assert all(p.nash for p in pts.values())


def test_prisoners_dilemma_only_defection_is_stable() -> None:
    pts = by_support(rest_points(PD))
    assert set(pts) == {(0,), (1,)}  # 3x = 5x + (1 - x) has no solution in (0, 1)
    assert pts[(1,)].stable and pts[(1,)].nash
    assert not pts[(0,)].stable and not pts[(0,)].nash
    assert_allclose(pts[(0,)].eigenvalues, [2.0])


def test_rock_paper_scissors_centre() -> None:
    pts = by_support(rest_points(RPS))
    assert set(pts) == {(0,), (1,), (2,), (0, 1, 2)}  # no rest point on an edge
    centre = pts[(0, 1, 2)]
    assert_allclose(centre.shares, np.full(3, 1 / 3), rtol=1e-14)
    assert centre.nash and not centre.stable  # a centre: Lyapunov but not asymptotically
    assert_allclose(centre.eigenvalues.real, 0.0, atol=1e-12)
    assert_allclose(np.abs(centre.eigenvalues.imag), 1 / np.sqrt(3))
    assert not any(pts[(k,)].stable or pts[(k,)].nash for k in range(3))
    assert by_support(rest_points(rps(2.0, 1.0)))[(0, 1, 2)].stable
    assert not by_support(rest_points(rps(1.0, 2.0)))[(0, 1, 2)].stable


def test_continua_are_skipped_and_reported() -> None:
    same = [[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [2.0, 2.0, 2.0]]  # 0 and 1 identical, 2 best
    assert degenerate_supports(same) == [(0, 1)]
    with pytest.warns(DegenerateRestPointWarning, match=r"\(0, 1\)"):
        pts = by_support(rest_points(same))
    assert set(pts) == {(0,), (1,), (2,)}
    assert pts[(2,)].stable
    assert degenerate_supports(np.ones((3, 3))) == [(0, 1), (0, 2), (1, 2), (0, 1, 2)]
    assert degenerate_supports(RPS) == []  # singular on the edges, but inconsistent


def key(x: np.ndarray) -> tuple[float, ...]:
    return tuple(np.round(x, 7))


def symmetric_nash_from_nashpy(a: np.ndarray) -> set[tuple[float, ...]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # nashpy's degeneracy hint
        eqs = list(nashpy.Game(a, a.T).support_enumeration())
    return {key(x) for x, y in eqs if np.allclose(x, y, atol=1e-9)}


def symmetric_nash_from_gambit(a: np.ndarray) -> set[tuple[float, ...]]:
    found = solve(a, a.T, time_limit=None)
    assert found.complete
    return {key(e.row) for e in found if np.allclose(e.row, e.col, atol=1e-9)}


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 4))
def test_rest_points_on_random_games(seed: int, n: int) -> None:
    """On generic games: each point is a zero of the field; the Nash ones are exactly the
    symmetric equilibria of ``(A, A^T)`` that the project's Gambit solver lists, and
    include every one nashpy's support enumeration lists (nashpy misses some: it rejects a
    solution whose forced-zero entries come out as -1e-17); a stable point is Nash and
    attracts nearby trajectories; the eigenvalues are those of the full Jacobian less
    ``-x.Ax``."""
    a = np.random.default_rng(seed).normal(size=(n, n))
    pts = rest_points(a)
    assert len(pts) >= n
    for p in pts:
        assert_allclose(p.shares.sum(), 1.0)
        assert np.abs(field(a, p.shares)).max() < 1e-10
        assert p.nash or not p.stable
        full = np.linalg.eigvals(jacobian(a, p.shares))
        expected = np.sort_complex(np.append(p.eigenvalues, -p.payoff))
        assert_allclose(np.sort_complex(full), expected, atol=1e-8)
    nash = {key(p.shares) for p in pts if p.nash}
    assert nash == symmetric_nash_from_gambit(a)
    assert symmetric_nash_from_nashpy(a) <= nash
    for p in pts:
        if p.stable:
            start = 0.999 * p.shares + 0.001 * np.full(n, 1 / n)
            rate = -float(p.eigenvalues.real.max())
            _, x = replicator(a, start, t_max=min(5.0 / rate, 1000.0), points=2)
            d0, d1 = (np.abs(s - p.shares).max() for s in (start, x[-1]))
            assert d1 < d0 / 10 or rate < 5e-3


# --- exact fixation probabilities ----------------------------------------------------


def fitness_of(pi: np.ndarray, w: float, kind: str) -> np.ndarray:
    return 1 - w + w * pi if kind == "linear" else np.exp(w * pi)


def birth_death_absorption(
    a: np.ndarray, N: int, w: float, kind: str, mutant: int, resident: int
) -> np.ndarray:
    """``phi[j]``, j = 0..N: probability that ``j`` mutants take over, from the birth-death
    chain ``phi_j = T+_j phi_{j+1} + T-_j phi_{j-1} + (1 - T+_j - T-_j) phi_j``."""
    m, r = mutant, resident
    lhs, rhs = np.zeros((N + 1, N + 1)), np.zeros(N + 1)
    lhs[0, 0] = lhs[N, N] = rhs[N] = 1.0
    for j in range(1, N):
        pm = ((j - 1) * a[m, m] + (N - j) * a[m, r]) / (N - 1)
        pr = (j * a[r, m] + (N - j - 1) * a[r, r]) / (N - 1)
        fm, fr = fitness_of(np.array([pm, pr]), w, kind)
        total = j * fm + (N - j) * fr
        up = j * fm / total * (N - j) / N
        down = (N - j) * fr / total * j / N
        lhs[j, [j - 1, j, j + 1]] = [-down, up + down, -up]
    return np.linalg.solve(lhs, rhs)


@pytest.mark.parametrize("kind", ["linear", "exponential"])
@pytest.mark.parametrize("N", [2, 3, 10, 60])
@pytest.mark.parametrize("a", [PD, HAWK_DOVE + 1.5, STAG_HUNT], ids=["pd", "hd", "sh"])
def test_closed_form_matches_birth_death_chain(a: np.ndarray, N: int, kind: str) -> None:
    w = 0.3
    for m, r in [(0, 1), (1, 0)]:
        phi = birth_death_absorption(a, N, w, kind, m, r)
        rho = fixation_probability(a, N, w, mutant=m, resident=r, fitness=kind)
        assert_allclose(rho, phi[1], rtol=1e-10, atol=1e-14)


def test_constant_selection_literature_value() -> None:
    """A mutant of constant fitness ``r`` against 1: ``(1 - 1/r) / (1 - 1/r**N)`` (Nowak 2006,
    chapter 6)."""
    for r, N in [(1.1, 20), (0.9, 20), (2.0, 5), (1.01, 500)]:
        expected = (1 - 1 / r) / (1 - r**-N)
        a = np.array([[r, r], [1.0, 1.0]])
        assert_allclose(fixation_probability(a, N, 1.0, mutant=0, resident=1), expected)
        log_r = np.array([[np.log(r)] * 2, [0.0, 0.0]])
        got = fixation_probability(log_r, N, 1.0, mutant=0, resident=1, fitness="exponential")
        assert_allclose(got, expected)


def test_neutral_drift_is_exactly_one_over_n() -> None:
    for N in (2, 7, 10, 1000):
        for kind in ("linear", "exponential"):
            assert fixation_probability(np.full((2, 2), 3.0), N, 0.7, mutant=1, resident=0,
                                        fitness=kind) == 1 / N  # fmt: skip
        a = np.random.default_rng(N).normal(size=(3, 3))
        assert fixation_probability(a, N, 0.0, mutant=2, resident=0) == 1 / N


def test_strong_selection_stays_finite() -> None:
    rho = fixation_matrix(PD, 2000, 5.0, fitness="exponential")
    assert np.isfinite(rho).all() and rho[1, 0] == 0.0 and rho[0, 1] > 0.99


def test_fixation_matrix_entries() -> None:
    a = np.random.default_rng(3).normal(size=(4, 4))
    rho = fixation_matrix(a, 12, 0.2, fitness="exponential")
    assert rho.shape == (4, 4)
    assert_allclose(np.diag(rho), 1 / 12)
    for i, j in itertools.permutations(range(4), 2):
        rij = fixation_probability(a, 12, 0.2, mutant=j, resident=i, fitness="exponential")
        assert_allclose(rho[i, j], rij, rtol=1e-14)


# --- stationary distribution ---------------------------------------------------------


def plain_stationary(rho: np.ndarray) -> np.ndarray:
    n = rho.shape[0]
    t = rho / (n - 1)
    np.fill_diagonal(t, 0.0)
    np.fill_diagonal(t, 1.0 - t.sum(axis=1))
    lhs = t.T - np.eye(n)
    lhs[-1] = 1.0
    rhs = np.zeros(n)
    rhs[-1] = 1.0
    return np.linalg.solve(lhs, rhs)


def test_stationary_distribution_solves_the_embedded_chain() -> None:
    a = np.random.default_rng(11).normal(size=(4, 4))
    for kind, w in [("linear", 0.2), ("exponential", 1.5)]:
        p = stationary_distribution(a, 25, w, fitness=kind)
        assert_allclose(p.sum(), 1.0, rtol=1e-15)
        assert (p >= 0).all()
        assert_allclose(p, plain_stationary(fixation_matrix(a, 25, w, fitness=kind)), rtol=1e-9)
    assert_allclose(stationary_distribution(np.full((5, 5), 2.0), 30, 0.9), 0.2, rtol=1e-15)
    assert_array_equal(stationary_distribution([[4.0]], 10, 0.5), [1.0])
    assert_allclose(
        stationary_distribution(PD, 10, 0.5), plain_stationary(fixation_matrix(PD, 10, 0.5))
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_weak_selection_abundance_condition(seed: int) -> None:
    """Antal et al. (2009), low mutation, weak selection, large N: strategy k is more abundant
    than 1/n iff ``L_k = (1/n) sum_i (a_kk + a_ki - a_ik - a_ii) > 0``. To first order
    ``x_k = 1/n + N w L_k / (2n)``: with ``rho_ij = (1 + N w s_ij / 6) / N`` (the one-third
    law expansion, ``s_ij = a_jj + 2 a_ji - a_ij - 2 a_ii``) the balance equations of the
    embedded chain give ``delta_k = (N w / 6) (sum_i s_ik - sum_j s_kj) / n**2``, and the
    bracket is ``3 n L_k``."""
    n = 4
    a = np.random.default_rng(seed).normal(size=(n, n))
    L = (np.diag(a)[:, None] + a - a.T - np.diag(a)[None, :]).mean(axis=1)
    assert np.abs(L).min() > 0.05  # the signs are not borderline
    for N, w in [(100, 1e-4), (1000, 1e-5)]:
        x = stationary_distribution(a, N, w)
        assert_array_equal(np.sign(x - 1 / n), np.sign(L))
        assert_array_equal(np.argsort(x), np.argsort(L))
        predicted = N * w * L / (2 * n)
        assert_allclose(x - 1 / n, predicted, atol=0.05 * np.abs(predicted).max())


# --- simulation ----------------------------------------------------------------------


def count_chain(a: np.ndarray, N: int, w: float, kind: str) -> tuple[list, np.ndarray, np.ndarray]:
    """Every count vector, the probability that each strategy takes over from it, and the
    mean number of steps to absorption, from the full Markov chain (no birth-death
    shortcut)."""
    n = a.shape[0]
    states = [c for c in itertools.product(range(N + 1), repeat=n) if sum(c) == N]
    index = {c: k for k, c in enumerate(states)}
    size = len(states)
    p = np.zeros((size, size))
    for c in states:
        cv = np.array(c, dtype=float)
        if cv.max() == N:
            p[index[c], index[c]] = 1.0
            continue
        pi = np.array([(cv @ a[i] - a[i, i]) / (N - 1) for i in range(n)])
        weight = cv * fitness_of(pi, w, kind)
        for i, k in itertools.product(range(n), repeat=2):
            prob = weight[i] / weight.sum() * cv[k] / N
            if prob:
                nxt = list(c)
                nxt[i] += 1
                nxt[k] -= 1
                p[index[c], index[tuple(nxt)]] += prob
    absorbing = [index[tuple(N * np.eye(n, dtype=int)[i])] for i in range(n)]
    transient = [k for k in range(size) if k not in absorbing]
    q = p[np.ix_(transient, transient)]
    fundamental = np.linalg.inv(np.eye(len(transient)) - q)
    win = np.zeros((size, n))
    win[absorbing] = np.eye(n)
    win[transient] = fundamental @ p[np.ix_(transient, absorbing)]
    steps = np.zeros(size)
    steps[transient] = fundamental.sum(axis=1)
    return states, win, steps


def test_neutral_simulation() -> None:
    N = 10
    runs = simulate(np.ones((2, 2)), N, 0.5, initial=[9, 1], runs=4000, rng=2024)
    est = runs.fixation_probabilities()
    assert est.finished == 4000 and est.unfinished == 0 and runs.unfinished == 0
    assert est.low[1] <= 1 / N <= est.high[1]
    assert_allclose(est.probability.sum(), 1.0)
    states, _, steps = count_chain(np.ones((2, 2)), N, 0.5, "linear")
    mean = steps[states.index((9, 1))]
    assert abs(runs.steps.mean() - mean) < 4 * runs.steps.std() / np.sqrt(4000)
    assert_allclose(mean, N * sum(1 / j for j in range(1, N)))  # N H_{N-1}


@pytest.mark.parametrize("kind", ["linear", "exponential"])
def test_simulation_matches_exact_fixation(kind: str) -> None:
    N, w = 10, 0.5
    exact = fixation_probability(PD, N, w, mutant=1, resident=0, fitness=kind)
    runs = simulate(PD, N, w, initial=[9, 1], runs=4000, rng=7, fitness=kind)
    est = runs.fixation_probabilities()
    assert est.low[1] <= exact <= est.high[1]
    assert not est.low[1] <= 1 / N <= est.high[1]  # the interval tells neutral apart


def test_three_strategies_against_full_chain_and_nashpy() -> None:
    """nashpy's Moran process picks the parent in proportion to its summed payoff against
    everyone else, ``(N - 1) pi``: the same process as linear fitness with ``w = 1`` on a
    positive matrix. Both simulations must contain the exact value in their 99% intervals."""
    a = np.array([[3.0, 1.0, 2.0], [2.0, 2.0, 1.0], [4.0, 0.5, 1.0]])
    N, initial = 5, (2, 2, 1)
    states, win, _ = count_chain(a, N, 1.0, "linear")
    exact = win[states.index(initial)]
    ours = simulate(a, N, 1.0, initial=initial, runs=4000, rng=5).fixation_probabilities(
        confidence=0.99
    )
    assert ((ours.low <= exact) & (exact <= ours.high)).all()

    reps = 2000
    state = np.random.get_state()  # noqa: NPY002 - nashpy draws from the global generator
    np.random.seed(12345)  # noqa: NPY002
    try:
        theirs = nashpy.Game(a).fixation_probabilities(np.array([0, 0, 1, 1, 2]), reps)
    finally:
        np.random.set_state(state)  # noqa: NPY002
    p = np.zeros(3)
    for final, share in theirs.items():
        assert len(set(final)) == 1
        p[int(final[0])] = share
    from scipy.stats import binomtest

    for i in range(3):
        ci = binomtest(round(p[i] * reps), reps).proportion_ci(0.99, method="wilson")
        assert ci.low <= exact[i] <= ci.high


def test_seeds() -> None:
    kw = {"initial": [5, 3, 2], "runs": 300, "fitness": "exponential"}
    a = np.random.default_rng(0).normal(size=(3, 3))
    one, two = simulate(a, 10, 1.0, rng=99, **kw), simulate(a, 10, 1.0, rng=99, **kw)
    assert_array_equal(one.fixed, two.fixed)
    assert_array_equal(one.steps, two.steps)
    assert one.seed == 99
    seq = simulate(a, 10, 1.0, rng=np.random.SeedSequence(99), **kw)
    gen = simulate(a, 10, 1.0, rng=np.random.default_rng(99), **kw)
    assert_array_equal(seq.steps, one.steps)
    assert_array_equal(gen.steps, one.steps)
    assert gen.seed is None
    other = simulate(a, 10, 1.0, rng=100, **kw)
    assert not np.array_equal(other.steps, one.steps)
    fresh = simulate(a, 10, 1.0, rng=None, **kw)
    assert isinstance(fresh.seed, int)
    assert_array_equal(simulate(a, 10, 1.0, rng=fresh.seed, **kw).steps, fresh.steps)


def test_final_counts_and_unfinished_runs() -> None:
    hd = HAWK_DOVE + 1.5  # stable mixture: fixation takes exponentially long in N
    runs = simulate(hd, 40, 1.0, initial=[20, 20], runs=50, rng=1, max_steps=200)
    assert runs.unfinished == 50 and (runs.fixed == -1).all() and (runs.steps == 200).all()
    assert (runs.counts.sum(axis=1) == 40).all() and (runs.counts.min(axis=1) > 0).all()
    est = runs.fixation_probabilities(method="exact")
    assert est.finished == 0 and np.isnan(est.probability).all()
    done = simulate(PD, 6, 0.5, initial=[3, 3], runs=200, rng=3)
    assert_array_equal(done.counts, 6 * np.eye(2, dtype=int)[done.fixed])
    fixed = simulate(PD, 6, 0.5, initial=[0, 6], runs=3, rng=3)
    assert_array_equal(fixed.fixed, 1) and assert_array_equal(fixed.steps, 0)


def test_payoffs_exclude_self() -> None:
    a = np.arange(9.0).reshape(3, 3)
    c = np.array([2, 1, 1])
    expected = [(c @ a[i] - a[i, i]) / 3 for i in range(3)]
    assert_allclose(payoffs(a, c), expected)
    assert_allclose(payoffs(a, np.stack([c, c])), [expected, expected])


# --- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: replicator([[1, 2, 3], [4, 5, 6]]), "square"),
        (lambda: replicator([1, 2]), "two-dimensional"),
        (lambda: replicator([[1, np.nan], [0, 1]]), "NaN or infinite"),
        (lambda: replicator(PD, [0.5, 0.6]), "sum to 1"),
        (lambda: replicator(PD, [1.5, -0.5]), "nonnegative"),
        (lambda: replicator(PD, [1.0]), "one share per strategy"),
        (lambda: replicator(PD, t_max=0), "t_max"),
        (lambda: replicator(PD, points=1), "points"),
        (lambda: rest_points(np.zeros((13, 13))), "at most 12"),
        (lambda: rest_points(PD, tol=0), "tol"),
        (lambda: fixation_probability([[1, 2]], 5, 0.1, mutant=0, resident=0), "square"),
        (lambda: fixation_probability(PD, 5, 1.5, mutant=1, resident=0), r"w must be in \[0, 1\]"),
        (lambda: fixation_probability(PD, 5, -0.1, mutant=1, resident=0), r"w must be in"),
        (lambda: fixation_matrix(PD, 5, -1.0, fitness="exponential"), ">= 0"),
        (lambda: fixation_matrix(PD, 5, 0.1, fitness="logistic"), "'linear' or"),
        (lambda: fixation_probability(PD, 1, 0.1, mutant=1, resident=0), "N must be"),
        (lambda: fixation_probability(PD, 5, 0.1, mutant=2, resident=0), "mutant must be"),
        (lambda: fixation_probability(PD, 5, 0.1, mutant=0, resident=0.5), "resident must be"),
        (lambda: simulate(PD, 10, 0.1, initial=[5, 4], runs=10, rng=0), "sum to N = 10"),
        (lambda: simulate(PD, 10, 0.1, initial=[5.5, 4.5], runs=10, rng=0), "integers"),
        (lambda: simulate(PD, 10, 0.1, initial=[11, -1], runs=10, rng=0), "nonnegative"),
        (lambda: simulate(PD, 10, 0.1, initial=[5, 5], runs=0, rng=0), "runs must be"),
        (lambda: simulate(PD, 10, 0.1, initial=[5, 5], runs=5, rng=0, max_steps=-1), "max_steps"),
    ],
)
def test_bad_input(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_linear_fitness_must_be_positive() -> None:
    a = np.array([[0.0, -1.0], [-1.0, 0.0]])  # the least payoff is -1 (one against N-1)
    with pytest.raises(ValueError, match=r"w = 0\.5 the smallest payoff, -1\.0"):
        fixation_probability(a, 10, 0.5, mutant=1, resident=0)
    with pytest.raises(ValueError, match="not positive"):
        simulate(a, 10, 0.5, initial=[5, 5], runs=1, rng=0)
    with pytest.raises(ValueError, match="not positive"):
        stationary_distribution(a, 10, 0.5)
    assert 0 < fixation_probability(a, 10, 0.49, mutant=1, resident=0) < 1
    assert fixation_probability(a, 10, 0.5, mutant=1, resident=0, fitness="exponential") > 0
    # a strategy absent from the start never plays: its payoffs are not checked
    b = np.array([[1.0, 1.0, -50.0], [1.0, 1.0, -50.0], [-50.0, -50.0, 1.0]])
    assert simulate(b, 10, 0.5, initial=[5, 5, 0], runs=5, rng=0).unfinished == 0
    # with N = 2 nobody meets its own kind: a bad diagonal is harmless
    c = np.array([[-50.0, 1.0], [1.0, -50.0]])
    assert fixation_probability(c, 2, 0.5, mutant=1, resident=0) == 0.5


def test_far_apart_points_are_integrated_without_excess_work() -> None:
    """Two output times 356 apart on a slow game (hypothesis found it): odeint's 500-step
    limit per interval is not hit, and the end point equals a dense integration's."""
    a = np.random.default_rng(262).normal(size=(4, 4))
    start = np.array([0.1, 0.2, 0.3, 0.4])
    _, sparse = replicator(a, start, t_max=356.0, points=2)
    _, dense = replicator(a, start, t_max=356.0, points=3561)
    assert_allclose(sparse[-1], dense[-1], atol=1e-6)
    assert_allclose(sparse[0], start)
