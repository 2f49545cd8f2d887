"""Vertices of best-response polytopes, and Lemke–Howson paths, by lexicographic pivoting.

Both algorithms work on polytopes ``{z >= 0, M z <= 1}`` with ``M > 0`` (von Stengel 2002,
*Computing equilibria for two-person games*, Handbook of Game Theory 3, ch. 45): for the
bimatrix game ``(A, B)`` with positive payoffs, the row player's best-response polytope is
``P = {x >= 0, B^T x <= 1}`` and the column player's ``Q = {y >= 0, A y <= 1}``. A point
of ``P`` has label ``i`` when ``x_i = 0`` and label ``m + j`` when ``(B^T x)_j = 1``; a
point of ``Q`` label ``i`` when ``(A y)_i = 1`` and ``m + j`` when ``y_j = 0``. The
extreme Nash equilibria are the pairs of vertices ``(x, y) != (0, 0)`` whose labels
together are all ``m + n``, normalised to sum 1.

:class:`Search` lists every vertex of such a polytope by a breadth-first search over its
lexicographically feasible bases: the bases of the polytope with its right-hand side
perturbed by ``(e, e^2, ...)``, which is simple. That is the pivoting rule of Avis's
lexicographic reverse search (Avis & Fukuda 1992; Avis, Rosenberg, Savani & von Stengel
2010, *Enumeration of Nash equilibria for two-player games*, Economic Theory 42). Every
vertex of a degenerate polytope is the image of at least one such basis and the graph of
these bases is connected, so the search finds every vertex, degenerate games included.
The frontier is pivoted as one batch of tableaux, in floating point (ties within
:data:`TOL` of the scaled tableau), or in exact rationals (``Fraction``) on request.

:func:`lemke_howson` follows one complementary path (Lemke & Howson 1964) with the same
lexicographic ratio test, so it cannot cycle on degenerate games.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]
#: Tolerance of floating-point ratio ties and zero tests (the polytope's matrix is scaled
#: into (0, 1], so this is relative to its largest entry).
TOL = 1e-9
#: Frontier bases expanded in one step at most, and in exact arithmetic, where a step is
#: slower (how far a step can overrun a deadline).
BATCH = 2048
EXACT_BATCH = 64
#: Bytes of new dictionaries one step may make at most (each basis expanded can make one
#: per nonbasic column): this bounds a step's memory and time on large polytopes.
STEP_BYTES = 32 << 20
#: Bytes the search may hold: the frontier's dictionaries and every basis found (its
#: right-hand side and basic variables). Past it the search stops, not complete.
MEMORY = 1 << 30
#: Threads a floating-point batch is split over (numpy releases the GIL in its kernels;
#: the result is the same for any number).
THREADS = min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
_T = TypeVar("_T")
#: Below this magnitude a pivot row or column entry is rounding noise (set to 0).
_NOISE = 1e-150

_fraction = np.vectorize(Fraction, otypes=[object])


def fractions(values: NDArray[Any]) -> NDArray[Any]:
    """An object array of ``Fraction``: each float through its shortest decimal string, so
    that ``0.1`` is exactly ``1/10`` (as a user who typed it means)."""
    arr = np.asarray(values)
    out: NDArray[Any]
    if arr.dtype == object:
        out = _fraction(arr)
    else:
        out = np.vectorize(lambda v: Fraction(repr(float(v))), otypes=[object])(arr)
    return out


@dataclass(frozen=True)
class Vertices:
    """Vertices of ``{z >= 0, M z <= 1}``.

    Attributes
    ----------
    points : array ``(V, d)``
        Coordinates (floats; the exact values are in ``exact`` when computed exactly).
    zero : bool array ``(V, d)``
        Whether ``z_i = 0``.
    tight : bool array ``(V, k)``
        Whether ``(M z)_j = 1``.
    exact : object array ``(V, d)`` of ``Fraction``, or None
    bases : int
        Lexicographic bases visited.
    complete : bool
        The search ran to its end (otherwise these are the vertices found before it was
        stopped).
    """

    points: FloatArray
    zero: BoolArray
    tight: BoolArray
    exact: NDArray[Any] | None
    bases: int
    complete: bool


def _keys(member: BoolArray) -> NDArray[Any]:
    """One key per row of a basis-membership matrix: a ``uint64`` bit mask when there are
    at most 64 variables, otherwise the packed bytes."""
    if member.shape[1] <= 64:
        bits = member.astype(np.uint64) << np.arange(member.shape[1], dtype=np.uint64)
        keys: NDArray[Any] = np.bitwise_or.reduce(bits, axis=1)
        return keys
    packed = np.packbits(member, axis=1)
    return np.array([row.tobytes() for row in packed], dtype=object)


def _lex_break(
    t: NDArray[Any],
    basis: IntArray,
    nonbasic: IntArray,
    par: IntArray,
    col: IntArray,
    cand: BoolArray,
    d: int,
    exact: bool,
) -> BoolArray:
    """Narrow tied candidate rows by the columns of the basis inverse, in turn.

    Pivot ``p`` enters dictionary column ``col[p]`` of tableau ``par[p]``; ``cand[p]``
    marks its rows tied on the right-hand side ratio. The basis inverse's column of slack
    ``j`` (variable ``d + j``) is its dictionary column when it is nonbasic and a unit
    vector on its row when it is basic. In exact arithmetic one row is left (the rows of
    the inverse are independent).
    """
    k = t.shape[1]
    tp = t[par]
    piv = tp[np.arange(len(par)), :, col]
    safe = np.where(cand, piv, 1)
    for j in range(k):
        var = d + j
        in_col = nonbasic[par] == var  # (P, d)
        vals = np.zeros((len(par), k), dtype=object if exact else float)
        if exact:
            vals[:] = Fraction(0)
        has, where_c = in_col.any(axis=1), in_col.argmax(axis=1)
        vals[has] = tp[has, :, where_c[has]]
        on_row = basis[par] == var  # (P, k)
        vals[on_row] = 1
        vals = vals / safe
        if exact:
            best = np.array(
                [min(v[ok]) for v, ok in zip(vals, cand, strict=True)] or [0], dtype=object
            )[: len(par), None]
            cand = cand & np.array(vals == best, dtype=bool)
        else:
            vals = np.where(cand, vals, np.inf)
            best = vals.min(axis=1, keepdims=True)
            cand = cand & (vals <= best + TOL)
        if (cand.sum(axis=1) <= 1).all():
            break
    return cand


def _pivot(
    t: NDArray[Any],
    b: IntArray,
    nbv: IntArray,
    par: IntArray,
    col: IntArray,
    leave: IntArray,
    leaving: IntArray,
    entering: IntArray,
) -> tuple[NDArray[Any], IntArray, IntArray]:
    """The dictionaries, bases and nonbasic lists after pivoting tableau ``par[p]`` on
    row ``leave[p]`` and column ``col[p]``, for each ``p``."""
    idx = np.arange(len(par))
    pt = t[par]
    pivot = pt[idx, leave, col]
    piv_row = pt[idx, leave, :] / pivot[:, None]
    pcol = pt[idx, :, col]
    pt -= pcol[:, :, None] * piv_row[:, None, :]
    pt[idx, leave, :] = piv_row
    pt[idx, :, col] = -pcol / pivot[:, None]
    pt[idx, leave, col] = 1 / pivot
    nbas = b[par]
    nbas[idx, leave] = entering
    nnon = nbv[par]
    nnon[idx, col] = leaving
    return pt, nbas, nnon


def _split(n: int, parts: int) -> list[slice]:
    """``parts`` contiguous slices of ``range(n)`` (one when ``n`` is small)."""
    if parts <= 1 or n < 512:
        return [slice(0, n)]
    edges = np.linspace(0, n, parts + 1).astype(int)
    return [slice(int(lo), int(hi)) for lo, hi in itertools.pairwise(edges)]


_POOL: ThreadPoolExecutor | None = None


def _map(fn: Callable[[slice], _T], parts: list[slice]) -> list[_T]:
    """``fn`` on each part, in threads when there are several; results in order."""
    global _POOL
    if len(parts) == 1:
        return [fn(parts[0])]
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="sim-polytope")
    return list(_POOL.map(fn, parts))


class Search:
    """The breadth-first search over the lexicographic bases of ``{z >= 0, M z <= 1}``,
    for ``M`` ``(k, d)`` with positive entries, one batch of the frontier per
    :meth:`step` (so that two searches can be interleaved and either stopped).

    Each basis is held as a dictionary ``(k, d + 1)``: row ``r`` reads
    ``z_basis[r] + sum_c t[r, c] z_nonbasic[c] = t[r, d]``. The variables are the ``d``
    coordinates, then the ``k`` slacks. With ``exact``, ``M`` is converted by
    :func:`fractions` and the arithmetic is exact.
    """

    def __init__(self, m: NDArray[Any], *, exact: bool = False) -> None:
        k, d = m.shape
        self.k, self.d, self.exact = k, d, exact
        if exact:
            t0 = np.empty((k, d + 1), dtype=object)
            t0[:, :d] = fractions(m)
            t0[:, -1] = Fraction(1)
            self.scale = 1.0
        else:
            mf = np.asarray(m, dtype=float)
            self.scale = float(mf.max())
            t0 = np.hstack([mf / self.scale, np.ones((k, 1))])
        basis0 = np.arange(d, d + k)[None]
        nonbasic0 = np.arange(d)[None]
        key0 = _keys(self._member(basis0))
        self.seen: set[Any] = set(key0.tolist())
        self.seen_sorted = np.sort(key0)
        # the level being expanded, in the chunks the pivots made (never concatenated:
        # that copy, of fresh memory, took a third of a 16 x 16 game's time)
        self.frontier: list[tuple[NDArray[Any], IntArray, IntArray]] = [
            (t0[None], basis0, nonbasic0)
        ]
        self.at = 0  # the chunk being expanded, and its next basis
        self.found: list[tuple[NDArray[Any], IntArray]] = [(t0[None, :, -1], basis0)]
        self.next: list[tuple[NDArray[Any], IntArray, IntArray]] = []
        self.pos = 0
        self.bases = 1
        self.done = False
        self.out_of_memory = False
        self._cache: Vertices | None = None
        item = 120 if exact else 8  # a Fraction object and its pointer, or a float
        self._tableau_bytes = k * (d + 1) * item + d * 8 + k * 8
        self._found_bytes = k * (item + 8)

    def held(self) -> int:
        """Bytes held now (an estimate): the frontier still to expand, the next level so
        far, and every basis found."""
        frontier = sum(len(c[0]) for c in self.frontier[self.at :]) - self.pos
        frontier += sum(len(n[0]) for n in self.next)
        return int(frontier * self._tableau_bytes + self.bases * self._found_bytes)

    def _member(self, basis: IntArray) -> BoolArray:
        member = np.zeros((len(basis), self.d + self.k), dtype=bool)
        np.put_along_axis(member, basis, True, axis=1)
        return member

    def step(self) -> None:
        """Pivot the next batch of the frontier to its unseen neighbours."""
        if self.done or self.out_of_memory:
            return
        self._cache = None
        lo = self.pos
        per_basis = self.d * self._tableau_bytes
        size = max(1, min(EXACT_BATCH if self.exact else BATCH, STEP_BYTES // per_basis))
        chunk = self.frontier[self.at]
        t, b, nbv = (x[lo : lo + size] for x in chunk)
        self.pos += size
        self._expand(t, b, nbv)
        if self.pos >= len(chunk[0]):
            self.at, self.pos = self.at + 1, 0
        if self.at >= len(self.frontier):
            self.frontier = [c for c in self.next if len(c[0])]
            self.next = []
            self.at = 0
            if not self.frontier:
                self.done = True
                return
            self.bases += sum(len(c[0]) for c in self.frontier)
            # copies: a view of the right-hand sides would keep every tableau alive
            self.found.extend((c[0][:, :, -1].copy(), c[1]) for c in self.frontier)
        if self.held() > MEMORY:
            self.out_of_memory = True

    def _expand(self, t: NDArray[Any], b: IntArray, nbv: IntArray) -> None:
        """Ratio tests of every nonbasic column of the batch, then the pivots to the
        bases not seen before. Both phases are split over :data:`THREADS` threads (numpy
        releases the GIL); the parts are joined in order, so the result does not depend
        on the number of threads."""
        parts = _split(len(t), 1 if self.exact else THREADS)
        found = _map(lambda sl: self._candidates(t[sl], b[sl], nbv[sl]), parts)
        par = np.concatenate([f[0] + sl.start for f, sl in zip(found, parts, strict=True)])
        col, leave, leaving, entering, keys = (
            np.concatenate([f[i] for f in found]) for i in range(1, 6)
        )
        fresh = self._fresh(keys)
        if not len(fresh):
            return
        par, col, leave = par[fresh], col[fresh], leave[fresh]
        leaving, entering = leaving[fresh], entering[fresh]
        pieces = _split(len(fresh), 1 if self.exact else THREADS)
        self.next += _map(
            lambda sl: _pivot(t, b, nbv, par[sl], col[sl], leave[sl], leaving[sl], entering[sl]),
            pieces,
        )

    def _candidates(
        self, t: NDArray[Any], b: IntArray, nbv: IntArray
    ) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray, NDArray[Any]]:
        """For every (tableau, nonbasic column) of a part of the batch: the tableau, the
        column, the leaving row, the leaving and entering variables and the key of the
        neighbouring basis."""
        k, d, exact = self.k, self.d, self.exact
        nb = len(t)
        cols = t[:, :, :d]
        rhs = t[:, :, d:]
        if exact:
            pos = np.array(cols > 0, dtype=bool)
            ratio = np.where(pos, rhs / np.where(pos, cols, 1), np.array(None))
            best = np.array(
                [
                    [min(r[ok]) if ok.any() else 0 for r, ok in zip(rt.T, pt.T, strict=True)]
                    for rt, pt in zip(ratio, pos, strict=True)
                ],
                dtype=object,
            ).reshape(nb, 1, d)
            tied = pos & np.array(ratio == best, dtype=bool)
        elif (rhs > TOL).all():
            # No zero right-hand side (the usual case): compare the reciprocal ratios
            # q = col / rhs, whose maximum is the minimum ratio; one product, no mask.
            pos = cols > TOL
            q = cols * (1.0 / rhs)
            best = q.max(axis=1, keepdims=True)
            tied = pos & (q >= best / (1.0 + TOL * best))
        else:
            pos = cols > TOL
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(pos, rhs / cols, np.inf)
            best = ratio.min(axis=1, keepdims=True)
            tied = pos & (ratio <= best + TOL)
        cand = tied.transpose(0, 2, 1).reshape(nb * d, k)  # (N, k): per (tableau, column)
        par = np.repeat(np.arange(nb), d)
        col = np.tile(np.arange(d), nb)
        count = cand.sum(axis=1)
        many = count > 1
        if many.any():
            cand[many] = _lex_break(t, b, nbv, par[many], col[many], cand[many], d, exact)
        has = count > 0  # a column with no positive entry is an unbounded ray
        par, col, cand = par[has], col[has], cand[has]
        leave = np.argmax(cand, axis=1)
        leaving_var = b[par, leave]
        entering_var = nbv[par, col]
        member = self._member(b)
        keys = _keys(member)[par] if len(par) else np.zeros(0, dtype=np.uint64)
        if keys.dtype == np.uint64:
            one = np.uint64(1)
            keys = (
                keys
                ^ (one << leaving_var.astype(np.uint64))
                ^ (one << entering_var.astype(np.uint64))
            )
        else:
            nm = member[par]
            nm[np.arange(len(par)), leaving_var] = False
            nm[np.arange(len(par)), entering_var] = True
            keys = _keys(nm)
        return par, col, leave, leaving_var, entering_var, keys

    def _fresh(self, keys: NDArray[Any]) -> IntArray:
        """Indices of the first occurrence of each key not seen before (then seen)."""
        if keys.dtype == np.uint64:
            uniq, first = np.unique(keys, return_index=True)
            seen = self.seen_sorted
            pos = np.searchsorted(seen, uniq)
            new = seen[np.minimum(pos, len(seen) - 1)] != uniq
            # both sorted: inserting at the search positions keeps it sorted, in one pass
            self.seen_sorted = np.insert(seen, pos[new], uniq[new])
            return np.sort(first[new])
        out = []
        for i, key in enumerate(keys.tolist()):
            if key not in self.seen:
                self.seen.add(key)
                out.append(i)
        return np.asarray(out, dtype=np.intp)

    def run(self, deadline: float | None = None) -> Vertices:
        """Step to the end, or until ``deadline`` (a ``time.perf_counter()`` value) or the
        memory budget (:data:`MEMORY`)."""
        while (
            not self.done
            and not self.out_of_memory
            and (deadline is None or time.perf_counter() < deadline)
        ):
            self.step()
        return self.vertices()

    def vertices(self) -> Vertices:
        """The distinct vertices of the bases found so far (a degenerate vertex has
        several bases; they are told apart by the set of tight constraints)."""
        if self._cache is None:
            self._cache = self._vertices()
        return self._cache

    def _vertices(self) -> Vertices:
        k, d = self.k, self.d
        rhs = np.concatenate([f[0] for f in self.found])
        b = np.concatenate([f[1] for f in self.found])
        n = len(rhs)
        z = np.zeros((n, d + k), dtype=object if self.exact else float)
        if self.exact:
            z[:] = Fraction(0)
        z[np.arange(n)[:, None], b] = rhs
        if self.exact:
            zero = np.array(z == 0, dtype=bool)
        else:
            zero = np.abs(z) <= TOL
            z = np.where(zero, 0.0, z)
        if (zero.sum(axis=1) == d).all():
            first = np.arange(n)  # a simple polytope: one basis per vertex
        else:
            _, first = np.unique(_keys(zero), return_index=True)
            first = np.sort(first)
        pts = z[first, :d]
        return Vertices(
            pts.astype(float) / self.scale,
            zero[first, :d],
            zero[first, d:],
            pts if self.exact else None,
            self.bases,
            self.done,
        )


def vertices(m: NDArray[Any], *, exact: bool = False, deadline: float | None = None) -> Vertices:
    """Every vertex of ``{z >= 0, M z <= 1}`` for ``M`` ``(k, d)`` with positive entries
    (see :class:`Search`). Past ``deadline`` the vertices found so far, ``complete``
    false."""
    return Search(m, exact=exact).run(deadline)


#: Tableau entries updated, over all Lemke–Howson pivots of one call, before the rank-one
#: updates switch from numpy to BLAS ``dger``: importing ``scipy.linalg`` costs about
#: 0.2 s, which numpy's extra pass (about 0.5 ns an entry) repays only past this much work
#: (a random 256 x 256 game, about 10^8 entries, stays with numpy). The switch depends
#: only on the game, so a game's answer does not depend on what else was imported.
BLAS_WORK = 400_000_000


def _rank_one(
    t: FloatArray, u: FloatArray, v: FloatArray, scratch: FloatArray | None
) -> FloatArray:
    """``t - u v^T``, in place for a Fortran-ordered float64 ``t``: the outer product into
    ``scratch`` (Fortran-ordered, of ``t``'s shape), then one subtraction; without
    ``scratch``, BLAS ``dger`` (one pass over the array, three or four times faster)."""
    if scratch is None:
        from scipy.linalg.blas import dger

        out: FloatArray = dger(-1.0, u, v, a=t, overwrite_a=1)
        return out
    np.multiply(u[:, None], v[None, :], out=scratch)
    t -= scratch
    return t


class LemkeHowson:
    """One Lemke–Howson path (Lemke & Howson 1964; von Stengel 2002, section 3) on the
    game with positive payoffs ``(a, b)``, ``(m, n)``, from the artificial equilibrium
    with label ``label`` dropped, one pivot per :meth:`step`, with the lexicographic
    ratio test (so it cannot cycle on degenerate games).

    Each polytope is held as a dictionary like :class:`Search`'s. A variable is named by
    its label: in P, ``x_i`` is label ``i`` and the slack of column ``j`` label ``m + j``;
    in Q, the slack of row ``i`` is label ``i`` and ``y_j`` label ``m + j``.
    """

    def __init__(self, a: FloatArray, b: FloatArray, label: int) -> None:
        m, n = a.shape
        if not 0 <= label < m + n:
            raise ValueError(f"label {label} is not in 0..{m + n - 1}")
        self.m, self.n, self.label = m, n, label
        # (dictionary, basic labels, nonbasic labels, labels of the slacks in order)
        self.p = (
            np.asfortranarray(np.hstack([b.T / b.max(), np.ones((n, 1))])),
            np.arange(m, m + n),
            np.arange(m),
            np.arange(m, m + n),
        )
        self.q = (
            np.asfortranarray(np.hstack([a / a.max(), np.ones((m, 1))])),
            np.arange(m),
            np.arange(m, m + n),
            np.arange(m),
        )
        self.entering = label
        self.in_p = label < m
        self.pivots = 0
        # per polytope (keyed by in_p), for the rank-one updates by numpy
        self.scratch = {
            side: np.empty(self.p[0].shape if side else self.q[0].shape, order="F")
            for side in (True, False)
        }
        self.done = False
        self.failed = False

    def step(self, blas: bool = False) -> None:
        """One complementary pivot (its rank-one update by BLAS with ``blas``)."""
        if self.done:
            return
        t, basic, nonbasic, slacks = self.p if self.in_p else self.q
        c = int(np.flatnonzero(nonbasic == self.entering)[0])
        col = t[:, c]
        cand = col > TOL
        if not cand.any():  # cannot happen on a bounded polytope; guard against rounding
            self.done = self.failed = True
            return
        with np.errstate(divide="ignore", invalid="ignore"):
            vals = np.where(cand, t[:, -1] / col, np.inf)
        cand &= vals <= vals.min() + TOL
        for var in slacks:
            if cand.sum() <= 1:
                break
            at = np.flatnonzero(nonbasic == var)
            if len(at):
                inv = t[:, at[0]]
            else:
                inv = (basic == var).astype(float)
            with np.errstate(divide="ignore", invalid="ignore"):
                vals = np.where(cand, inv / col, np.inf)
            cand &= vals <= vals.min() + TOL
        r = int(np.argmax(cand))
        leaving = int(basic[r])
        pivot = t[r, c]
        row = t[r] / pivot
        pcol = t[:, c].copy()
        # Entries this small are rounding noise; their products would be subnormal
        # numbers, on which the arithmetic (and so every later pivot) is ~100x slower.
        row[np.abs(row) < _NOISE] = 0.0
        pcol[np.abs(pcol) < _NOISE] = 0.0
        scratch = None if blas else self.scratch[self.in_p]
        t = _rank_one(t, pcol, row, scratch)  # t - pcol row^T, in place
        t[r] = row
        t[:, c] = -pcol / pivot
        t[r, c] = 1.0 / pivot
        basic[r], nonbasic[c] = self.entering, leaving
        if self.in_p:
            self.p = (t, basic, nonbasic, slacks)
        else:
            self.q = (t, basic, nonbasic, slacks)
        self.pivots += 1
        if leaving == self.label:
            self.done = True
            return
        self.entering = leaving  # its complement enters the other polytope
        self.in_p = not self.in_p

    def result(self) -> tuple[FloatArray, FloatArray] | None:
        """The normalised equilibrium ``(x, y)`` at the end of the path, or None."""
        if not self.done or self.failed:
            return None
        m, n = self.m, self.n
        x, y = np.zeros(m), np.zeros(n)
        tp, bp, _, _ = self.p
        tq, bq, _, _ = self.q
        sel = bp < m
        x[bp[sel]] = tp[sel, -1]
        sel = bq >= m
        y[bq[sel] - m] = tq[sel, -1]
        if x.sum() <= 0 or y.sum() <= 0:
            return None
        return x / x.sum(), y / y.sum()


def lemke_howson(
    a: FloatArray,
    b: FloatArray,
    labels: tuple[int, ...] | None = None,
    deadline: float | None = None,
) -> tuple[tuple[FloatArray, FloatArray] | None, int]:
    """One Nash equilibrium of ``(a, b)`` (positive payoffs) by Lemke–Howson paths from
    several dropped labels at once, one pivot each in turn, stopping at the first that
    ends: path lengths from different labels differ by orders of magnitude (on a random
    256 x 256 game, 242 pivots from one label and 52,486 from another), so racing a few
    costs a few times the shortest. ``labels`` defaults to ``0, m, 1, m + 1`` (both
    players' first strategies). Returns the equilibrium (or None past ``deadline``) and
    the pivots made, all paths together.
    """
    m, n = a.shape
    if labels is None:
        labels = tuple(dict.fromkeys(lab for lab in (0, m, 1, m + 1) if lab < m + n))
    paths = [LemkeHowson(a, b, lab) for lab in labels]
    per_pivot = max(m, n) * (min(m, n) + 1)  # entries of the larger tableau
    work = 0
    while True:
        for path in paths:
            path.step(blas=work > BLAS_WORK)
            work += per_pivot
            if path.done and not path.failed:
                return path.result(), sum(p.pivots for p in paths)
        paths = [p for p in paths if not p.failed]
        if not paths or (deadline is not None and time.perf_counter() > deadline):
            return None, 0


def _solve_fractions(mat: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    """The solution of a square system in exact rationals (Gauss–Jordan), or None when it
    is singular."""
    k = len(rhs)
    rows = [[*r, v] for r, v in zip(mat, rhs, strict=True)]
    for c in range(k):
        p = next((r for r in range(c, k) if rows[r][c] != 0), None)
        if p is None:
            return None
        rows[c], rows[p] = rows[p], rows[c]
        piv = rows[c][c]
        rows[c] = [v / piv for v in rows[c]]
        for r in range(k):
            if r != c and rows[r][c] != 0:
                f = rows[r][c]
                rows[r] = [v - f * w for v, w in zip(rows[r], rows[c], strict=True)]
    return [r[k] for r in rows]


def exact_solve(
    a: FloatArray, b: FloatArray, x: FloatArray, y: FloatArray
) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]] | None:
    """The equilibrium on the supports of ``(x, y)`` in exact rationals (the payoffs read
    by :func:`fractions`), if the indifference equations have a unique solution that is
    an exact Nash equilibrium; otherwise None."""
    i, j = np.flatnonzero(x > 1e-12), np.flatnonzero(y > 1e-12)
    if len(i) != len(j):
        return None
    fa, fb = fractions(a), fractions(b)
    k = len(i)
    one, zero = Fraction(1), Fraction(0)
    # y on j with A[i, j] y = v, sum y = 1; x on i with B[i, j]^T x = u, sum x = 1
    my = [[*(fa[r, c] for c in j), -one] for r in i] + [[*([one] * k), zero]]
    mx = [[*(fb[r, c] for r in i), -one] for c in j] + [[*([one] * k), zero]]
    rhs = [zero] * k + [one]
    sy, sx = _solve_fractions(my, rhs), _solve_fractions(mx, rhs)
    if sy is None or sx is None or min(sy[:k]) < 0 or min(sx[:k]) < 0:
        return None
    ex = [zero] * a.shape[0]
    ey = [zero] * a.shape[1]
    for r, v in zip(i, sx[:k], strict=True):
        ex[r] = v
    for c, v in zip(j, sy[:k], strict=True):
        ey[c] = v
    # an exact check: no pure deviation gains anything
    ay = [sum((fa[r, c] * ey[c] for c in j), zero) for r in range(a.shape[0])]
    xb = [sum((fb[r, c] * ex[r] for r in i), zero) for c in range(a.shape[1])]
    if max(ay) > sy[k] or max(xb) > sx[k]:
        return None
    return tuple(ex), tuple(ey)
