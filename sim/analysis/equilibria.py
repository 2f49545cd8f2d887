"""Nash equilibria of a bimatrix game: pure ones from best-response masks, mixed ones from
Gambit, every one checked as a mutual best response.

Functions work on the payoff matrices ``a`` (row player) and ``b`` (column player), both
``(n0, n1)``. :func:`solve` first removes strictly dominated pure strategies, iterated:
that keeps every Nash equilibrium (a strictly dominated strategy is never played in one)
and often shrinks the scenario games, whose additive payoffs make most level profiles
dominated, to a few profiles. It then picks a Gambit method by size (``auto``):

* one strategy left for a player: the other's best responses; done, complete;
* at most 36 cells: vertex enumeration in exact rationals, complete (in floating point
  when exact arithmetic runs out of time);
* at most 12 x 12: vertex enumeration in floating point, complete up to rounding;
* larger: one equilibrium by Lemke–Howson, restarted up to three times on the game with
  its strategies in other (fixed) orders, which changes the path Gambit's floating-point
  Lemke–Howson follows (it can stall on one order and finish at once on another).

Each attempt may use a share of the time left: half for exact enumeration, three
quarters for floating-point enumeration before Lemke–Howson, and a fifth of the limit
for each of the four Lemke–Howson runs and for the approximation after them. When one
runs out of time or Gambit fails on the game, the next takes over (iterated polymatrix
approximation after the last Lemke–Howson run), and the result says which answered.

Every method runs under one time limit. When it passes, the pure equilibria (always
complete) are returned with ``timed_out`` set and a note saying which method stopped.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from sim.analysis import _gambit

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

METHODS = ("auto", "pure", *_gambit.METHODS)
#: Default time limit of :func:`solve`, in seconds.
TIME_LIMIT = 30.0
#: Relative tolerance of the best-response check (times the payoff range, at least 1).
CHECK_TOL = 1e-7
#: Relative tolerance for ties when finding pure best responses.
TIE_TOL = 1e-12
#: Iterated dominance compares all pairs of strategies; above this many comparisons per
#: player it is skipped (the game is solved whole).
DOMINANCE_WORK = 1 << 28


@dataclass(frozen=True)
class Equilibrium:
    """One Nash equilibrium.

    Attributes
    ----------
    row, col : float arrays, ``(n0,)`` and ``(n1,)``
        Each player's mixed strategy over its level profiles.
    payoffs : (float, float)
        Expected payoffs.
    regret : float
        The most either player could gain by deviating to a pure strategy (the check; 0
        up to rounding).
    exact : tuple of two tuples of str, optional
        The probabilities as exact fractions ``"p/q"`` when an exact method found it.
    """

    row: FloatArray
    col: FloatArray
    payoffs: tuple[float, float]
    regret: float
    exact: tuple[tuple[str, ...], tuple[str, ...]] | None = None

    @property
    def pure(self) -> bool:
        return bool(np.count_nonzero(self.row) == 1 and np.count_nonzero(self.col) == 1)

    def support(self, player: int) -> IntArray:
        """Indices of the profiles ``player`` plays with positive probability."""
        return np.flatnonzero(self.row if player == 0 else self.col)

    def key(self) -> tuple[float, ...]:
        return tuple(np.round(np.concatenate([self.row, self.col]), 9))


@dataclass(frozen=True)
class EquilibriumSet(Sequence[Equilibrium]):
    """Equilibria with what produced them and what is known about the list.

    Attributes
    ----------
    method : str
        What ran (``pure``, ``dominance``, or a Gambit method of :mod:`sim.analysis._gambit`).
    complete : bool
        Whether the list holds every extreme equilibrium (every equilibrium when the game
        is nondegenerate). The pure equilibria are always all there.
    exact : bool
        Whether the mixed equilibria were computed in rational arithmetic.
    degenerate : bool
        A witness of degeneracy was seen: a pure strategy or an equilibrium with more pure
        best responses than the size of its support. A degenerate game may have infinite
        sets of equilibria; the list then holds the extreme points. ``False`` does not
        prove the game nondegenerate.
    timed_out : bool
        The time limit stopped a solver; the list holds what the next method found, or
        the pure equilibria when none answered.
    reduced : (int, int)
        Each player's number of profiles left after iterated strict dominance.
    """

    equilibria: tuple[Equilibrium, ...]
    method: str
    complete: bool
    exact: bool
    degenerate: bool
    timed_out: bool
    seconds: float
    reduced: tuple[int, int]
    notes: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.equilibria)

    def __getitem__(self, i: int) -> Equilibrium:  # type: ignore[override]
        return self.equilibria[i]

    def __iter__(self) -> Iterator[Equilibrium]:
        return iter(self.equilibria)

    @property
    def pure(self) -> tuple[Equilibrium, ...]:
        return tuple(e for e in self.equilibria if e.pure)


def _scale(a: FloatArray, b: FloatArray) -> float:
    return float(max(1.0, np.ptp(a), np.ptp(b)))


def best_response_masks(a: FloatArray, b: FloatArray) -> tuple[NDArray[np.bool_], ...]:
    """``(row_best, col_best)``, each ``(n0, n1)``: whether row ``i`` is a best response to
    column ``j`` (``a[i, j]`` is its column's maximum) and whether ``j`` is one to ``i``."""
    tol = TIE_TOL * _scale(a, b)
    return a >= a.max(axis=0, keepdims=True) - tol, b >= b.max(axis=1, keepdims=True) - tol


def pure_equilibria(a: FloatArray, b: FloatArray) -> list[tuple[int, int]]:
    """Every pure Nash equilibrium ``(i, j)``, in row-major order: the cells where both
    best-response masks hold."""
    row_best, col_best = best_response_masks(a, b)
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(row_best & col_best), strict=True)]


def regret(a: FloatArray, b: FloatArray, x: FloatArray, y: FloatArray) -> float:
    """The larger of the two players' gains from their best pure deviation from ``(x, y)``."""
    ay, xb = a @ y, x @ b
    return float(max(ay.max() - x @ ay, xb.max() - xb @ y))


def _dominated(u: FloatArray) -> NDArray[np.bool_]:
    """Rows of ``u`` strictly dominated by another row (pure strategies only)."""
    n = u.shape[0]
    out = np.zeros(n, dtype=bool)
    step = max(1, DOMINANCE_WORK // max(1, n * u.shape[1]) // 8)
    for lo in range(0, n, step):
        block = u[lo : lo + step]  # is row lo+r dominated by some row k?
        beats = np.all(u[None, :, :] > block[:, None, :], axis=2)
        out[lo : lo + step] = np.any(beats, axis=1)
    return out


def iterated_dominance(
    a: FloatArray, b: FloatArray, time_limit: float | None = None
) -> tuple[IntArray, IntArray]:
    """Indices of the rows and columns that survive iterated elimination of strictly
    dominated pure strategies. Skipped (everything kept) for games too large to compare
    all pairs (:data:`DOMINANCE_WORK`). With ``time_limit`` (seconds), elimination stops
    after the first pass that ends past it; what is left still holds every equilibrium."""
    rows = np.arange(a.shape[0])
    cols = np.arange(a.shape[1])
    if max(a.shape) ** 2 * min(a.shape) > DOMINANCE_WORK * 8:
        return rows, cols
    stop = None if time_limit is None else time.perf_counter() + time_limit
    while stop is None or time.perf_counter() < stop:
        r = _dominated(a[np.ix_(rows, cols)])
        rows = rows[~r]
        c = _dominated(b[np.ix_(rows, cols)].T)
        cols = cols[~c]
        if not r.any() and not c.any():
            break
    return rows, cols


def _equilibrium(
    a: FloatArray,
    b: FloatArray,
    x: FloatArray,
    y: FloatArray,
    exact: tuple[tuple[str, ...], tuple[str, ...]] | None = None,
) -> Equilibrium:
    x = np.where(np.abs(x) < 1e-12, 0.0, np.clip(x, 0.0, None))
    y = np.where(np.abs(y) < 1e-12, 0.0, np.clip(y, 0.0, None))
    x, y = x / x.sum(), y / y.sum()
    return Equilibrium(x, y, (float(x @ a @ y), float(x @ b @ y)), regret(a, b, x, y), exact)


def _pure(a: FloatArray, b: FloatArray, masks: tuple[NDArray[np.bool_], ...]) -> list[Equilibrium]:
    row_best, col_best = masks
    out = []
    for i, j in zip(*np.nonzero(row_best & col_best), strict=True):
        x, y = np.zeros(a.shape[0]), np.zeros(a.shape[1])
        x[i] = y[j] = 1.0
        out.append(_equilibrium(a, b, x, y, (_unit(len(x), i), _unit(len(y), j))))
    return out


def _unit(n: int, i: int) -> tuple[str, ...]:
    return tuple("1" if k == i else "0" for k in range(n))


def _degenerate(
    a: FloatArray,
    b: FloatArray,
    found: Sequence[Equilibrium],
    masks: tuple[NDArray[np.bool_], ...],
) -> bool:
    row_best, col_best = masks
    if (row_best.sum(axis=0) > 1).any() or (col_best.sum(axis=1) > 1).any():
        return True
    tol = CHECK_TOL * _scale(a, b)
    for e in found:
        n_best_row = np.count_nonzero(a @ e.col >= (a @ e.col).max() - tol)
        n_best_col = np.count_nonzero(e.row @ b >= (e.row @ b).max() - tol)
        if n_best_row > e.support(1).size or n_best_col > e.support(0).size:
            return True
    return False


#: Lemke–Howson restarts ``auto`` makes on large games, each on the game with its
#: strategies in another (fixed, seeded) order, which changes the path Gambit follows.
LCP_RESTARTS = 4


def _auto(n0: int, n1: int) -> list[tuple[str, int, float]]:
    """The attempts ``auto`` makes in turn, each after the one before ran out of time or
    failed: (method, strategy order, share of the time left it may use)."""
    if n0 * n1 <= 36:
        return [("enummixed", 0, 0.5), ("enummixed-float", 0, 0.75), ("lcp", 0, 1.0)]
    if max(n0, n1) <= 12:
        return [("enummixed-float", 0, 0.75), ("lcp", 0, 1.0)]
    return [*_lcp_restarts(last=False), ("ipa", 0, 1.0)]


def _lcp_restarts(last: bool = True) -> list[tuple[str, int, float]]:
    """Lemke–Howson on :data:`LCP_RESTARTS` strategy orders, sharing the time equally (the
    last takes all that is left when nothing follows it)."""
    n = LCP_RESTARTS
    return [("lcp", k, 1.0 if last and k == n - 1 else 1.0 / (n + 1 - k)) for k in range(n)]


def _order(n: int, k: int, player: int) -> IntArray:
    """Strategy order ``k`` of a player with ``n`` strategies: 0 is the game's own order,
    others are fixed permutations (seeded by ``k`` and the player)."""
    if k == 0:
        return np.arange(n)
    return np.random.default_rng(np.random.SeedSequence([k, player])).permutation(n)


def solve(
    a: FloatArray, b: FloatArray, *, method: str = "auto", time_limit: float | None = TIME_LIMIT
) -> EquilibriumSet:
    """Nash equilibria of the bimatrix game ``(a, b)``.

    Parameters
    ----------
    a, b : float arrays, ``(n0, n1)``
        Payoffs of the row and the column player.
    method : str
        ``auto`` (see the module docstring), ``pure`` (pure equilibria only, complete),
        or one of Gambit's: ``enummixed``, ``enummixed-float``, ``lcp`` (restarted on
        reordered strategies as under ``auto``), ``lcp-all``, ``ipa``.
    time_limit : float or None
        Wall-clock seconds for dominance and the mixed solvers together; ``None`` for no
        limit (they then run in this process). The first start of the solver process
        (about 3 s, once per Python process) does not count; restarts after a time-out do.

    Returns
    -------
    EquilibriumSet
        Pure equilibria first (row-major), then mixed ones; each checked as a mutual best
        response within ``1e-7`` times the payoff range. Profiles that fail the check are
        dropped and counted in the notes.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    if time_limit is not None and not np.isfinite(time_limit):
        time_limit = None
    start = time.perf_counter()
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    masks = best_response_masks(a, b)
    pure = _pure(a, b, masks)
    reduced = (a.shape[0], a.shape[1])
    notes: list[str] = []

    def done(
        found: list[Equilibrium], how: str, complete: bool, exact: bool, late: bool
    ) -> EquilibriumSet:
        kept = _dedupe(pure + found)
        return EquilibriumSet(
            tuple(kept),
            how,
            complete,
            exact,
            _degenerate(a, b, kept, masks),
            late,
            time.perf_counter() - start,
            reduced,
            tuple(notes),
        )

    if method == "pure":
        return done([], "pure", False, True, False)
    # dominance may use a quarter of the time limit; its passes are not interruptible
    rows, cols = iterated_dominance(a, b, None if time_limit is None else time_limit / 4)
    if (len(rows), len(cols)) != reduced:
        notes.append(
            f"iterated strict dominance leaves {len(rows)} x {len(cols)} of "
            f"{reduced[0]} x {reduced[1]} profiles"
        )
        reduced = (len(rows), len(cols))

    if min(reduced) == 1:
        # One player has a single undominated profile: the other's best responses to it
        # are the extreme equilibria, and they are all pure. No solver is needed.
        return done([], "dominance", True, True, False)
    if method == "auto":
        plan = _auto(*reduced)
    elif method == "lcp":
        plan = _lcp_restarts()
    else:
        plan = [(method, 0, 1.0)]
    deadline = None
    if time_limit is not None:
        _gambit.start()  # its first start is not taken from the limit; restarts are
        deadline = time.perf_counter() + time_limit
    late = False
    for m, k, share in plan:
        give = None if deadline is None else max(0.0, deadline - time.perf_counter()) * share
        pr, pc = rows[_order(len(rows), k, 0)], cols[_order(len(cols), k, 1)]
        try:
            found = _gambit.call(a[np.ix_(pr, pc)], b[np.ix_(pr, pc)], m, give)
        except _gambit.SolverTimeout as exc:
            notes.append(str(exc) + (f" (strategy order {k})" if k else ""))
            late = True
            continue
        except RuntimeError as exc:  # Gambit failed on this game: say so, try the next
            notes.append(str(exc))
            continue
        mixed, dropped = [], 0
        exact_of = found.exact or (None,) * len(found.profiles)
        for (x, y), ex in zip(found.profiles, exact_of, strict=True):
            fx, fy = np.zeros(a.shape[0]), np.zeros(a.shape[1])
            fx[pr], fy[pc] = x, y
            full_exact = (
                None
                if ex is None
                else (_lift(ex[0], pr, a.shape[0]), _lift(ex[1], pc, a.shape[1]))
            )
            eq = _equilibrium(a, b, fx, fy, full_exact)
            if eq.regret <= CHECK_TOL * _scale(a, b):
                mixed.append(eq)
            else:
                dropped += 1
        if dropped:
            notes.append(
                f"{dropped} profile(s) from {m} failed the best-response check and were dropped"
            )
        return done(mixed, m, m in _gambit.COMPLETE, m == "enummixed", late)
    notes.append(
        "no mixed equilibrium computed"
        + (f" within the time limit of {time_limit:.3g} s" if late else "")
        + "; the pure equilibria listed are all of them"
    )
    return done([], "+".join(dict.fromkeys(m for m, _, _ in plan)), False, False, late)


def _lift(values: tuple[str, ...], keep: IntArray, n: int) -> tuple[str, ...]:
    out = ["0"] * n
    for k, v in zip(keep, values, strict=True):
        out[int(k)] = v
    return tuple(out)


def _dedupe(found: list[Equilibrium]) -> list[Equilibrium]:
    seen: dict[tuple[float, ...], Equilibrium] = {}
    for e in found:
        seen.setdefault(e.key(), e)
    pure = [e for e in seen.values() if e.pure]
    return pure + [e for e in seen.values() if not e.pure]
