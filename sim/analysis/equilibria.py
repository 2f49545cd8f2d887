"""Nash equilibria of a bimatrix game: pure ones from best-response masks, mixed ones by
lexicographic vertex enumeration or Lemke–Howson (:mod:`sim.analysis.polytope`), every
one checked as a mutual best response.

Functions work on the payoff matrices ``a`` (row player) and ``b`` (column player), both
``(n0, n1)``. :func:`solve` first removes strictly dominated pure strategies, iterated:
that keeps every Nash equilibrium (a strictly dominated strategy is never played in one)
and often shrinks the scenario games, whose additive payoffs make most level profiles
dominated, to a few profiles. Then (``auto``):

* one strategy left for a player: the other's best responses; done, complete;
* at most :data:`ENUM_CELLS` cells (16 x 16): first one equilibrium by Lemke–Howson
  paths from several labels at once (the first to end; it may use :data:`LH_SHARE` of
  the time limit), then every extreme equilibrium by vertex enumeration
  (:func:`sim.analysis.extreme.extreme_equilibria`) with the rest, in exact rationals
  when asked or when the reduced game has at most :data:`EXACT_CELLS` cells of typed
  decimals (:data:`TYPED_DIGITS`), and the
  maximal Nash subsets they span in degenerate games. Complete when it finishes;
  otherwise what it found and the Lemke–Howson equilibrium, never called complete;
* larger: the Lemke–Howson equilibrium, with a note; never called complete.

The enumeration also stops, not complete, at a memory budget
(:data:`sim.analysis.polytope.MEMORY`). The pure equilibria are always all there.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from sim.analysis import polytope
from sim.analysis.extreme import extreme_equilibria
from sim.analysis.polytope import exact_solve, lemke_howson

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

METHODS = ("auto", "pure", "vertex", "lemke-howson")
#: Earlier names of the methods (Gambit's), still accepted: name -> (method, exact).
ALIASES = {
    "enummixed": ("vertex", True),
    "enummixed-float": ("vertex", False),
    "lcp": ("lemke-howson", False),
}
DESCRIPTION = {
    "pure": "pure equilibria from best-response masks",
    "dominance": "iterated strict dominance leaves one profile for a player",
    "vertex": "vertex enumeration with lexicographic pivoting, every extreme equilibrium",
    "lemke-howson": "Lemke-Howson paths from several labels, one equilibrium",
}
#: ``auto`` enumerates when the reduced game has at most this many cells (16 x 16).
ENUM_CELLS = 256
#: ``auto`` computes in exact rationals when the reduced game has at most this many cells
#: and its payoffs are typed decimals (:data:`TYPED_DIGITS`).
EXACT_CELLS = 36
#: Share of the time limit Lemke–Howson may use under ``auto`` before the enumeration
#: (which then has the rest).
LH_SHARE = 0.2
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
        What ran: a key of :data:`DESCRIPTION`, or ``vertex+lemke-howson`` when the
        enumeration ran out of time and Lemke–Howson added an equilibrium.
    complete : bool
        Whether the list holds every extreme equilibrium (every equilibrium when the game
        is nondegenerate): the enumeration ran to its end. With ``exact`` this is a proof;
        in floating point it holds up to rounding (ratios within ``1e-9`` of the scaled
        tableau count as ties). The pure equilibria are always all there.
    exact : bool
        Whether the mixed equilibria were computed in rational arithmetic (each then has
        its probabilities as fractions, and its regret is exactly 0).
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
    subsets : tuple of tuple of int
        The maximal Nash subsets of a degenerate game with more than one extreme
        equilibrium, each as indices into the list: every convex combination of a
        subset's row strategies with its column strategies is an equilibrium, and the
        connected components of the equilibrium set are unions of such subsets.
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
    subsets: tuple[tuple[int, ...], ...] = field(default=())

    def __len__(self) -> int:
        return len(self.equilibria)

    def __getitem__(self, i: int) -> Equilibrium:  # type: ignore[override]
        return self.equilibria[i]

    def __iter__(self) -> Iterator[Equilibrium]:
        return iter(self.equilibria)

    @property
    def pure(self) -> tuple[Equilibrium, ...]:
        return tuple(e for e in self.equilibria if e.pure)


def _scale(u: FloatArray) -> float:
    """A player's payoff range (1 when its payoffs are all equal): tolerances are relative
    to each player's own range, so a player whose payoffs are a millionth of the other's
    is judged as carefully."""
    r = float(np.ptp(u))
    return r if r > 0 else 1.0


def best_response_masks(
    a: FloatArray, b: FloatArray, exact: bool = False
) -> tuple[NDArray[np.bool_], ...]:
    """``(row_best, col_best)``, each ``(n0, n1)``: whether row ``i`` is a best response to
    column ``j`` (``a[i, j]`` is its column's maximum) and whether ``j`` is one to ``i``.
    Ties within :data:`TIE_TOL` of each player's payoff range count, or only exact ties
    with ``exact`` (floats compare as the decimals they print as)."""
    ta = 0.0 if exact else TIE_TOL * _scale(a)
    tb = 0.0 if exact else TIE_TOL * _scale(b)
    return a >= a.max(axis=0, keepdims=True) - ta, b >= b.max(axis=1, keepdims=True) - tb


def pure_equilibria(a: FloatArray, b: FloatArray) -> list[tuple[int, int]]:
    """Every pure Nash equilibrium ``(i, j)``, in row-major order: the cells where both
    best-response masks hold."""
    row_best, col_best = best_response_masks(a, b)
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(row_best & col_best), strict=True)]


def _gains(a: FloatArray, b: FloatArray, x: FloatArray, y: FloatArray) -> tuple[float, float]:
    """Each player's gain from its best pure deviation from ``(x, y)``."""
    ay, xb = a @ y, x @ b
    return float(ay.max() - x @ ay), float(xb.max() - xb @ y)


def regret(a: FloatArray, b: FloatArray, x: FloatArray, y: FloatArray) -> float:
    """The larger of the two players' gains from their best pure deviation from ``(x, y)``."""
    return max(_gains(a, b, x, y))


def dominated_rows(u: FloatArray) -> NDArray[np.bool_]:
    """Rows of ``u`` strictly dominated by another row (pure strategies only).

    Row ``k`` can dominate row ``i`` only if it beats it on ``i``'s best column, so only
    those pairs are compared in full (in a random game about one per row instead of
    all ``n^2``)."""
    n = u.shape[0]
    out = np.zeros(n, dtype=bool)
    best = u.argmax(axis=1)
    beats_best = u[:, best] > u[np.arange(n), best][None, :]  # [k, i]
    ks, rows = np.nonzero(beats_best)
    step = max(1, DOMINANCE_WORK // max(1, u.shape[1]) // 8)
    for lo in range(0, len(ks), step):
        k, i = ks[lo : lo + step], rows[lo : lo + step]
        full = np.all(u[k] > u[i], axis=1)
        out[i[full]] = True
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
        r = dominated_rows(a[np.ix_(rows, cols)])
        rows = rows[~r]
        c = dominated_rows(b[np.ix_(rows, cols)].T)
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
    ta, tb = CHECK_TOL * _scale(a), CHECK_TOL * _scale(b)
    for e in found:
        n_best_row = np.count_nonzero(a @ e.col >= (a @ e.col).max() - ta)
        n_best_col = np.count_nonzero(e.row @ b >= (e.row @ b).max() - tb)
        if n_best_row > e.support(1).size or n_best_col > e.support(0).size:
            return True
    return False


def solve(
    a: FloatArray,
    b: FloatArray,
    *,
    method: str = "auto",
    exact: bool = False,
    time_limit: float | None = TIME_LIMIT,
) -> EquilibriumSet:
    """Nash equilibria of the bimatrix game ``(a, b)``.

    Parameters
    ----------
    a, b : float arrays, ``(n0, n1)``
        Payoffs of the row and the column player. In exact arithmetic each float is read
        through its shortest decimal string (``0.1`` is ``1/10``).
    method : str
        ``auto`` (see the module docstring), ``pure`` (every pure equilibrium; mixed ones
        are not computed, so ``complete`` is false),
        ``vertex`` (every extreme equilibrium, whatever the size, within the time limit)
        or ``lemke-howson`` (one equilibrium). The earlier names ``enummixed``,
        ``enummixed-float`` and ``lcp`` are accepted (:data:`ALIASES`).
    exact : bool
        Compute in exact rationals: the enumeration, or the equilibrium Lemke–Howson finds
        solved again exactly on its supports.
    time_limit : float or None
        Wall-clock seconds for dominance and the mixed solvers together; ``None`` for no
        limit. When it passes, what was found is returned, ``timed_out`` set, never
        ``complete``.

    Returns
    -------
    EquilibriumSet
        Pure equilibria first (row-major), then mixed ones; each checked as a mutual best
        response within ``1e-7`` times the payoff range. Profiles that fail the check are
        dropped and counted in the notes.
    """
    if method in ALIASES:
        method, alias_exact = ALIASES[method]
        exact = exact or alias_exact
    if method not in METHODS:
        names = ", ".join((*METHODS, *ALIASES))
        raise ValueError(f"unknown method {method!r}; expected one of {names}")
    if time_limit is not None and not np.isfinite(time_limit):
        time_limit = None
    start = time.perf_counter()
    deadline = None if time_limit is None else start + time_limit
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.ndim != 2 or a.shape != b.shape or 0 in a.shape:
        raise ValueError(
            f"payoff matrices must be two non-empty arrays of one shape (n0, n1); "
            f"got {a.shape} and {b.shape}"
        )
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("payoffs must be finite numbers (no NaN or infinity)")
    masks = best_response_masks(a, b, exact=exact)
    pure = _pure(a, b, masks)
    reduced = (a.shape[0], a.shape[1])
    notes: list[str] = []

    def done(
        found: list[Equilibrium],
        how: str,
        complete: bool,
        is_exact: bool,
        late: bool,
        subsets: list[tuple[tuple[float, ...], ...]] | None = None,
    ) -> EquilibriumSet:
        kept = _dedupe(pure + found)
        numbered = _renumber(kept, subsets or [])
        return EquilibriumSet(
            tuple(kept),
            how,
            complete,
            is_exact,
            bool(numbered) or _degenerate(a, b, kept, masks),
            late,
            time.perf_counter() - start,
            reduced,
            tuple(notes),
            numbered,
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
        # are the extreme equilibria, and they are all pure; together they are one
        # maximal Nash subset (the one profile against any mix of the best responses).
        return done([], "dominance", True, True, False, [tuple(e.key() for e in pure)])
    ar, br = a[np.ix_(rows, cols)], b[np.ix_(rows, cols)]
    enumerate_ = method == "vertex" or (method == "auto" and reduced[0] * reduced[1] <= ENUM_CELLS)
    exact_enum = exact or (
        method == "auto" and reduced[0] * reduced[1] <= EXACT_CELLS and _typed(ar) and _typed(br)
    )
    found: list[Equilibrium] = []
    subsets: list[tuple[tuple[float, ...], ...]] = []
    late = False
    one: list[Equilibrium] = []
    if method in ("auto", "lemke-howson"):
        # Lemke–Howson first (milliseconds at the sizes auto enumerates), so that an
        # equilibrium is there whatever the enumeration does with the rest of the time.
        lh_deadline = deadline
        if enumerate_ and time_limit is not None:
            lh_deadline = start + LH_SHARE * time_limit
        one, lh_late = _one(a, b, rows, cols, exact, lh_deadline, time_limit, notes)
        late = late or lh_late
    if enumerate_:
        ext = extreme_equilibria(ar, br, exact=exact_enum, deadline=deadline)
        exact_of = ext.exact or (None,) * len(ext.profiles)
        for (x, y), ex in zip(ext.profiles, exact_of, strict=True):
            found.append(_lifted(a, b, rows, cols, x, y, ex))
        subsets = [tuple(found[i].key() for i in sub) for sub in ext.subsets]
        if not ext.subsets_complete:
            notes.append(
                "the time limit stopped the search for maximal Nash subsets: those listed "
                "are some of them (the extreme equilibria are all listed)"
                if ext.complete
                else "the time limit stopped the search for maximal Nash subsets"
            )
        if ext.complete:
            return done(
                _checked(a, b, found, notes, "vertex"), "vertex", True, exact_enum, False, subsets
            )
        if ext.out_of_memory:
            why = f"stopped at its memory budget of {polytope.MEMORY / 2**20:.4g} MiB"
        else:
            why = f"did not finish within the time limit of {time_limit:.3g} s"
            late = True
        notes.append(
            f"vertex enumeration {why} ({ext.bases:,} bases visited); the list is what it found"
        )
        if method == "vertex":
            return done(
                _checked(a, b, found, notes, "vertex"), "vertex", False, exact_enum, late, subsets
            )
    elif method == "auto":
        notes.append(
            f"the reduced game ({reduced[0]} x {reduced[1]}) has more than {ENUM_CELLS} "
            "cells, too many for complete enumeration here: one equilibrium by "
            "Lemke-Howson (--method vertex with a longer --time-limit tries)"
        )
    how = "vertex+lemke-howson" if enumerate_ else "lemke-howson"
    found = _checked(a, b, found + one, notes, how)
    return done(
        found, how, False, exact and all(e.exact is not None for e in found), late, subsets
    )


def _one(
    a: FloatArray,
    b: FloatArray,
    rows: IntArray,
    cols: IntArray,
    exact: bool,
    deadline: float | None,
    time_limit: float | None,
    notes: list[str],
) -> tuple[list[Equilibrium], bool]:
    """One equilibrium of the reduced game by Lemke–Howson (polished, and solved again
    exactly with ``exact``), and whether the deadline stopped it."""
    ar, br = a[np.ix_(rows, cols)], b[np.ix_(rows, cols)]
    lh, _ = lemke_howson(_positive(ar), _positive(br), deadline=deadline)
    if lh is None:
        notes.append(
            "Lemke-Howson did not end"
            + (" within its share of the time limit" if deadline is not None else "")
        )
        return [], deadline is not None
    x, y = _polish(ar, br, *lh)
    ex = exact_solve(ar, br, x, y) if exact else None
    if exact and ex is None:
        notes.append("the Lemke-Howson equilibrium could not be solved again exactly")
    return [_lifted(a, b, rows, cols, x, y, ex)], False


#: ``auto`` computes exactly only when every payoff prints with at most this many
#: significant digits: decimals as a user types them, not sums computed in floating
#: point (``3 * 0.1`` prints as 0.30000000000000004, whose exact value breaks the tie
#: the arithmetic was meant to make; floating point treats it as a tie).
TYPED_DIGITS = 12


def _typed(u: FloatArray) -> bool:
    """Whether every entry prints with at most :data:`TYPED_DIGITS` significant digits."""
    for v in u.ravel().tolist():
        digits = repr(v).lower().lstrip("-").split("e")[0].replace(".", "").strip("0")
        if len(digits) > TYPED_DIGITS:
            return False
    return True


def _positive(u: FloatArray) -> FloatArray:
    out: FloatArray = u - u.min() + 1.0
    return out


def _lifted(
    a: FloatArray,
    b: FloatArray,
    rows: IntArray,
    cols: IntArray,
    x: FloatArray,
    y: FloatArray,
    ex: tuple[tuple[Fraction, ...], tuple[Fraction, ...]] | None,
) -> Equilibrium:
    """The equilibrium of the reduced game as one of the whole game."""
    fx, fy = np.zeros(a.shape[0]), np.zeros(a.shape[1])
    fx[rows], fy[cols] = x, y
    full = None
    if ex is not None:
        full = (
            _lift(tuple(str(v) for v in ex[0]), rows, a.shape[0]),
            _lift(tuple(str(v) for v in ex[1]), cols, a.shape[1]),
        )
        fx = np.array([float(Fraction(v)) for v in full[0]])
        fy = np.array([float(Fraction(v)) for v in full[1]])
    return _equilibrium(a, b, fx, fy, full)


def _checked(
    a: FloatArray, b: FloatArray, found: list[Equilibrium], notes: list[str], how: str
) -> list[Equilibrium]:
    """The equilibria that pass the best-response check, each player's gain from a pure
    deviation within :data:`CHECK_TOL` of its own payoff range (the rest counted in a
    note)."""
    ta, tb = CHECK_TOL * _scale(a), CHECK_TOL * _scale(b)
    kept = []
    for e in found:
        ga, gb = _gains(a, b, e.row, e.col)
        if ga <= ta and gb <= tb:
            kept.append(e)
    if len(kept) < len(found):
        notes.append(
            f"{len(found) - len(kept)} profile(s) from {how} failed the best-response "
            "check and were dropped"
        )
    return kept


def _polish(
    a: FloatArray, b: FloatArray, x: FloatArray, y: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """``(x, y)`` solved again on its supports (the indifference equations), which undoes
    the rounding a long pivoting path accumulates; kept only if its regret is lower."""
    i, j = np.flatnonzero(x > 1e-12), np.flatnonzero(y > 1e-12)
    if len(i) != len(j):
        return x, y
    try:
        k = len(i)
        my = np.zeros((k + 1, k + 1))
        my[:k, :k], my[:k, k], my[k, :k] = a[np.ix_(i, j)], -1.0, 1.0
        mx = np.zeros((k + 1, k + 1))
        mx[:k, :k], mx[:k, k], mx[k, :k] = b[np.ix_(i, j)].T, -1.0, 1.0
        rhs = np.r_[np.zeros(k), 1.0]
        sy, sx = np.linalg.solve(my, rhs)[:k], np.linalg.solve(mx, rhs)[:k]
    except np.linalg.LinAlgError:
        return x, y
    if sx.min() < 0 or sy.min() < 0:
        return x, y
    px, py = np.zeros_like(x), np.zeros_like(y)
    px[i], py[j] = sx, sy
    if regret(a, b, px, py) <= regret(a, b, x, y):
        return px, py
    return x, y


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


def _renumber(
    kept: list[Equilibrium], subsets: list[tuple[tuple[float, ...], ...]]
) -> tuple[tuple[int, ...], ...]:
    """Subsets given by their equilibria's keys, as indices into ``kept``."""
    at = {e.key(): i for i, e in enumerate(kept)}
    out = {tuple(sorted({at[k] for k in sub if k in at})) for sub in subsets}
    return tuple(sorted(sub for sub in out if len(sub) > 1))
