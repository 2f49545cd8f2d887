"""Replicator dynamics of a symmetric matrix game and its rest points on the simplex.

``A`` is a square payoff matrix ``(n, n)``: ``A[i, j]`` is the payoff of strategy ``i``
against strategy ``j`` (the row player's). A population state is a point ``x`` of the
simplex (shares ``x_i >= 0`` summing to 1), and the replicator dynamics is

    dx_i/dt = x_i ((A x)_i - x . A x)

(Taylor & Jonker 1978, Math. Biosci. 40:145; Hofbauer & Sigmund 1998, "Evolutionary
Games and Population Dynamics"). :func:`replicator` integrates it with nashpy
(Knight & Campbell 2018, J. Open Res. Softw. 6:16), whose ``replicator_dynamics`` uses the
same orientation: the fitness of strategy ``i`` is ``(A @ x)[i]``. :func:`rest_points`
enumerates supports and classifies every isolated rest point by its linearisation.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "MAX_STRATEGIES",
    "DegenerateRestPointWarning",
    "RestPoint",
    "degenerate_supports",
    "jacobian",
    "payoff_matrix",
    "replicator",
    "rest_points",
]

FloatArray = NDArray[np.float64]

#: Largest number of strategies :func:`rest_points` accepts (it enumerates ``2**n - 1``
#: supports).
MAX_STRATEGIES = 12


class DegenerateRestPointWarning(RuntimeWarning):
    """Some supports carry a continuum of rest points, which :func:`rest_points` skips."""


def payoff_matrix(A: ArrayLike) -> FloatArray:
    """``A`` as a float array ``(n, n)``, after checking that it is a finite square matrix.

    Raises
    ------
    ValueError
        If ``A`` is not two-dimensional, not square, empty, or has a NaN or infinite entry.
    """
    a = np.array(A, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"the payoff matrix must be two-dimensional, not {a.ndim}-dimensional")
    if a.shape[0] != a.shape[1]:
        raise ValueError(f"the payoff matrix must be square, not {a.shape[0]} x {a.shape[1]}")
    if a.shape[0] == 0:
        raise ValueError("the payoff matrix is empty")
    if not np.isfinite(a).all():
        raise ValueError("the payoff matrix has a NaN or infinite entry")
    return a


def _shares(y0: ArrayLike, n: int) -> FloatArray:
    y = np.array(y0, dtype=np.float64)
    if y.shape != (n,):
        raise ValueError(f"y0 must have one share per strategy, shape ({n},), not {y.shape}")
    if not np.isfinite(y).all():
        raise ValueError("y0 has a NaN or infinite share")
    if (y < 0).any():
        raise ValueError(f"y0 must be nonnegative; its smallest share is {y.min()}")
    if abs(y.sum() - 1.0) > 1e-9:
        raise ValueError(f"y0 must sum to 1; it sums to {y.sum()!r}")
    return y


#: Largest time step between the output times given to the integrator.
MAX_GAP = 0.5


def replicator(
    A: ArrayLike,
    y0: ArrayLike | None = None,
    *,
    t_max: float = 10.0,
    points: int = 1001,
) -> tuple[FloatArray, FloatArray]:
    """Population shares over time under the replicator dynamics.

    Integrates ``dx_i/dt = x_i ((A x)_i - x . A x)`` with
    ``nashpy.Game(A).replicator_dynamics`` (``scipy.integrate.odeint`` at its default
    tolerances, ``rtol = atol = 1.49e-8``). nashpy's fitness is ``A @ x``, so ``A`` is
    passed untransposed.

    When some payoff is below 1, nashpy gets ``A + (1 - min(A))`` instead. Adding a
    constant to every payoff leaves the dynamics on the simplex unchanged (it depends only
    on payoff differences), but off the simplex the sum of the shares ``s`` obeys
    ``ds/dt = x . A x (1 - s)``: with a negative mean payoff the integrator's rounding in
    ``s`` grows exponentially (a 2x2 game with negative payoffs, integrated as is, left
    the simplex and reached shares of 1.6e4 by ``t = 36``), while with every payoff at
    least 1 it decays.

    Parameters
    ----------
    A : array_like, shape (n, n)
        ``A[i, j]``: payoff of strategy ``i`` against strategy ``j``.
    y0 : array_like, shape (n,), optional
        Initial shares, nonnegative and summing to 1 (within 1e-9). Uniform by default.
    t_max : float
        Time of the last point (> 0).
    points : int
        Number of evenly spaced time points from 0 to ``t_max`` (>= 2).

    Returns
    -------
    t : ndarray, shape (points,)
        The times.
    shares : ndarray, shape (points, n)
        ``shares[k]`` is the state at ``t[k]``; ``shares[0]`` is ``y0``. The values are
        the integrator's, so they may leave the simplex by its error (about 1e-8).

    Raises
    ------
    ValueError
        On an invalid matrix, initial state, ``t_max`` or ``points``.

    Examples
    --------
    In the prisoner's dilemma defection (strategy 1) takes over:

    >>> t, x = replicator([[3, 0], [5, 1]], [0.9, 0.1], t_max=20.0, points=3)
    >>> bool(x[-1, 1] > 0.999)
    True
    """
    import nashpy

    a = payoff_matrix(A)
    n = a.shape[0]
    y = np.full(n, 1.0 / n) if y0 is None else _shares(y0, n)
    if not (np.isfinite(t_max) and t_max > 0):
        raise ValueError(f"t_max must be a positive number, not {t_max!r}")
    if isinstance(points, bool) or not isinstance(points, int | np.integer) or points < 2:
        raise ValueError(f"points must be an integer >= 2, not {points!r}")
    t = np.linspace(0.0, float(t_max), int(points))
    lowest = float(a.min())
    shifted = a + (1.0 - lowest) if lowest < 1.0 else a
    game = nashpy.Game(shifted)
    # odeint takes at most 500 steps between two output times ("excess work done"), so
    # far-apart points are integrated through intermediate times at most MAX_GAP apart
    k = max(1, math.ceil((t[1] - t[0]) / MAX_GAP))
    inner = np.linspace(0.0, float(t_max), k * (int(points) - 1) + 1)
    shares = np.asarray(game.replicator_dynamics(y0=y, timepoints=inner), dtype=np.float64)
    return t, shares[::k]


def jacobian(A: ArrayLike, x: ArrayLike) -> FloatArray:
    """Jacobian ``(n, n)`` of the replicator vector field at ``x`` (as a map on R^n).

    With ``f = A x``, ``phi = x . f`` and ``g = (A + A^T) x``,
    ``J[i, k] = delta_ik (f_i - phi) + x_i (A[i, k] - g_k)``. On the simplex
    ``1^T J = -phi 1^T``, so ``J`` maps the tangent space ``{v : sum(v) = 0}`` into itself.
    """
    a = payoff_matrix(A)
    s = np.asarray(x, dtype=np.float64)
    f = a @ s
    phi = float(s @ f)
    g = (a + a.T) @ s
    out: FloatArray = np.diag(f - phi) + s[:, None] * (a - g[None, :])
    return out


def _tangent_basis(n: int) -> FloatArray:
    """Orthonormal basis ``(n, n - 1)`` of ``{v in R^n : sum(v) = 0}``."""
    spanning = np.vstack([np.eye(n - 1), -np.ones((1, n - 1))])
    q, _ = np.linalg.qr(spanning)
    return q


@dataclass(frozen=True, eq=False)
class RestPoint:
    """An isolated rest point of the replicator dynamics.

    Attributes
    ----------
    shares : ndarray of float, shape (n,)
        The state; exactly 0 outside the support.
    support : tuple of int
        The strategies with a positive share, ascending.
    payoff : float
        The mean payoff ``x . A x``, which every strategy in the support earns.
    stable : bool
        Linearly asymptotically stable: every eigenvalue of the Jacobian restricted to the
        tangent space of the simplex has real part ``< -tol``, and every strategy ``j``
        outside the support earns ``(A x)_j < x . A x - tol`` (cannot invade). The second
        condition is implied by the first, since ``(A x)_j - x . A x`` is itself an
        eigenvalue (the direction of ``e_j``), but is checked on its own. A rest point with
        an eigenvalue of real part within ``tol`` of 0 is reported not stable even if
        nonlinear terms would make it so (e.g. the centre of zero-sum rock-paper-scissors,
        which is Lyapunov stable but not asymptotically stable).
    nash : bool
        A symmetric Nash equilibrium: ``max_j (A x)_j <= x . A x + tol``.
    eigenvalues : ndarray of complex, shape (n - 1,)
        Eigenvalues of the restricted Jacobian, largest real part first.
    """

    shares: FloatArray
    support: tuple[int, ...]
    payoff: float
    stable: bool
    nash: bool
    eigenvalues: NDArray[np.complex128]


def _classify(a: FloatArray, x: FloatArray, support: tuple[int, ...], tol: float) -> RestPoint:
    n = a.shape[0]
    f = a @ x
    phi = float(x @ f)
    if n > 1:
        q = _tangent_basis(n)
        eig = np.linalg.eigvals(q.T @ jacobian(a, x) @ q).astype(np.complex128)
        eig = eig[np.lexsort((eig.imag, -eig.real))]
    else:
        eig = np.zeros(0, dtype=np.complex128)
    outside = np.setdiff1d(np.arange(n), support)
    uninvadable = bool((f[outside] < phi - tol).all())
    return RestPoint(
        shares=x,
        support=support,
        payoff=phi,
        stable=bool((eig.real < -tol).all()) and uninvadable,
        nash=bool(f.max() <= phi + tol),
        eigenvalues=eig,
    )


def _positive_solution_exists(sub: FloatArray, tol: float) -> bool:
    """Whether ``sub x = v 1``, ``sum(x) = 1`` has a solution with every ``x_i > tol``:
    maximise ``min_i x_i`` by linear programming."""
    from scipy.optimize import linprog

    k = sub.shape[0]
    # variables: x (k), v (free), t; maximise t subject to x_i >= t
    c = np.zeros(k + 2)
    c[-1] = -1.0
    a_eq = np.zeros((k + 1, k + 2))
    a_eq[:k, :k] = sub
    a_eq[:k, k] = -1.0
    a_eq[k, :k] = 1.0
    b_eq = np.zeros(k + 1)
    b_eq[k] = 1.0
    a_ub = np.hstack([-np.eye(k), np.zeros((k, 1)), np.ones((k, 1))])
    bounds = [(0.0, None)] * k + [(None, None), (None, 1.0)]
    res = linprog(c, A_ub=a_ub, b_ub=np.zeros(k), A_eq=a_eq, b_eq=b_eq, bounds=bounds)
    return bool(res.status == 0 and -res.fun > tol)


def _enumerate(A: ArrayLike, tol: float) -> tuple[list[RestPoint], list[tuple[int, ...]]]:
    a = payoff_matrix(A)
    n = a.shape[0]
    if n > MAX_STRATEGIES:
        raise ValueError(
            f"rest_points enumerates 2**n - 1 supports and accepts at most {MAX_STRATEGIES} "
            f"strategies, not {n}"
        )
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive number, not {tol!r}")
    scale = max(1.0, float(np.abs(a).max()))
    found: list[RestPoint] = []
    degenerate: list[tuple[int, ...]] = []
    for k in range(1, n + 1):
        for support in itertools.combinations(range(n), k):
            idx = np.array(support)
            sub = a[np.ix_(idx, idx)]
            lhs = np.zeros((k + 1, k + 1))
            lhs[:k, :k] = sub
            lhs[:k, k] = -1.0
            lhs[k, :k] = 1.0
            rhs = np.zeros(k + 1)
            rhs[k] = 1.0
            if np.linalg.matrix_rank(lhs) == k + 1:
                xs = np.linalg.solve(lhs, rhs)[:k]
                if (xs > tol).all():
                    x = np.zeros(n)
                    x[idx] = xs
                    found.append(_classify(a, x, support, tol))
                continue
            # singular: no solution at all, or an affine set of them
            sol = np.linalg.lstsq(lhs, rhs, rcond=None)[0]
            consistent = np.abs(lhs @ sol - rhs).max() <= 1e-9 * scale
            if consistent and _positive_solution_exists(sub, tol):
                degenerate.append(support)
    return found, degenerate


def rest_points(A: ArrayLike, *, tol: float = 1e-9) -> list[RestPoint]:
    """Every isolated rest point of the replicator dynamics on the simplex.

    A state ``x`` is a rest point iff every strategy in its support ``S`` earns the mean
    payoff. For each nonempty ``S`` (all ``2**n - 1`` of them) the linear system
    ``(A x)_i = v`` for ``i`` in ``S``, ``sum(x) = 1``, ``x_j = 0`` off ``S``, in the
    unknowns ``x_S`` and ``v``, is solved; a solution with every ``x_i > tol`` is a rest
    point with support ``S``. When the system is singular it either has no solution (no
    rest point with support ``S``) or an affine set of them; in the second case, when that
    set meets the open face of ``S`` (a linear program decides), the rest points form a
    continuum (for instance two strategies with identical payoffs), which this function
    skips. It then warns with :class:`DegenerateRestPointWarning`, naming the supports;
    :func:`degenerate_supports` returns them. Each point found is classified as described
    in :class:`RestPoint`.

    Parameters
    ----------
    A : array_like, shape (n, n)
        ``A[i, j]``: payoff of strategy ``i`` against strategy ``j``; ``n <= 12``.
    tol : float
        Absolute tolerance (in shares and in payoff units) for positivity, stability,
        invasion and the Nash condition.

    Returns
    -------
    list of RestPoint
        By support size, then lexicographically by support. The ``n`` vertices are
        always rest points, so the list has at least ``n`` entries.

    Raises
    ------
    ValueError
        On an invalid matrix, ``tol <= 0``, or more than :data:`MAX_STRATEGIES` strategies.

    Examples
    --------
    Hawk-dove with value 2 and cost 4: the mixed state with half hawks is the stable one.

    >>> [(p.support, p.shares.tolist(), p.stable) for p in rest_points([[-1, 2], [0, 1]])]
    [((0,), [1.0, 0.0], False), ((1,), [0.0, 1.0], False), ((0, 1), [0.5, 0.5], True)]
    """
    found, degenerate = _enumerate(A, tol)
    if degenerate:
        listed = ", ".join(str(s) for s in degenerate)
        warnings.warn(
            f"continua of rest points on the supports {listed} were skipped "
            "(the equal-payoff system is singular there)",
            DegenerateRestPointWarning,
            stacklevel=2,
        )
    return found


def degenerate_supports(A: ArrayLike, *, tol: float = 1e-9) -> list[tuple[int, ...]]:
    """The supports on which :func:`rest_points` finds a continuum of rest points and
    skips it (same order and tolerance)."""
    return _enumerate(A, tol)[1]
