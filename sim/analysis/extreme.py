"""Every extreme Nash equilibrium of a bimatrix game, and the maximal Nash subsets they
span, from the vertices of the best-response polytopes (:mod:`sim.analysis.polytope`).

In floating point the polytope of lower dimension is searched first: for each of its
vertices with exactly as many labels as its dimension, the partner vertex of the other
polytope is the solution of one linear system (the missing labels made tight). When a
vertex has more labels, or a system is singular (the game is degenerate), the other
search is run to its end too and the vertex pairs are matched by their labels, which is
complete for degenerate games. In exact arithmetic both searches run to the end and are
matched. A maximal Nash subset is a maximal set ``X x Y`` of row and column vertices
every pair of which is an equilibrium: its convex hull is a set of equilibria (Winkels
1979; Avis et al. 2010, section 4), and the connected components of
the equilibrium set are unions of such subsets.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.analysis.polytope import TOL, Search, Vertices, fractions

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Extreme:
    """What :func:`extreme_equilibria` found.

    Attributes
    ----------
    profiles : tuple of (row, col)
        The extreme equilibria, normalised.
    exact : tuple of (row, col) of ``Fraction`` tuples, or None
        The same in exact rationals (exact arithmetic only).
    subsets : tuple of tuple of int
        The maximal Nash subsets, each as the indices (into ``profiles``) of its extreme
        equilibria; only those with more than one.
    complete : bool
        Both searches needed ran to their end: every extreme equilibrium is listed.
    degenerate : bool
        A vertex with more labels than its dimension was seen.
    bases : int
        Lexicographic bases visited, both polytopes together.
    out_of_memory : bool
        A search stopped at its memory budget (:data:`sim.analysis.polytope.MEMORY`).
    subsets_complete : bool
        Every maximal Nash subset is listed (false when the deadline stopped the search
        for them; the equilibria are all there all the same).
    """

    profiles: tuple[tuple[FloatArray, FloatArray], ...]
    exact: tuple[tuple[tuple[Fraction, ...], tuple[Fraction, ...]], ...] | None
    subsets: tuple[tuple[int, ...], ...]
    complete: bool
    degenerate: bool
    bases: int
    out_of_memory: bool = False
    subsets_complete: bool = True


def _positive(u: NDArray[Any], exact: bool) -> NDArray[Any]:
    """``u`` shifted so that its smallest entry is 1 (equilibria do not change)."""
    out: NDArray[Any]
    if exact:
        f = fractions(u)
        out = f - f.min() + 1
    else:
        u = np.asarray(u, dtype=float)
        out = u - u.min() + 1.0
    return out


def _labels(v: Vertices, row_side: bool) -> NDArray[np.bool_]:
    """The labels ``(V, m + n)`` of vertices of P (``row_side``: zero coordinates are the
    row labels) or of Q (tight constraints are the row labels)."""
    return np.hstack([v.zero, v.tight]) if row_side else np.hstack([v.tight, v.zero])


def extreme_equilibria(
    a: FloatArray, b: FloatArray, *, exact: bool = False, deadline: float | None = None
) -> Extreme:
    """Every extreme Nash equilibrium of ``(a, b)``, each ``(m, n)``.

    Past ``deadline`` (a ``time.perf_counter()`` value) the equilibria found so far are
    returned with ``complete`` false.
    """
    m, n = a.shape
    pa, pb = _positive(a, exact), _positive(b, exact)
    sp = Search(pb.T, exact=exact)  # P: x >= 0, B^T x <= 1 (dimension m)
    sq = Search(pa, exact=exact)  # Q: A y <= 1, y >= 0 (dimension n)

    def late() -> bool:
        if sp.out_of_memory or sq.out_of_memory:
            return True
        return deadline is not None and time.perf_counter() > deadline

    if not exact:
        # The polytope of lower dimension (P on a tie) first: with the same number of
        # facets it has fewer vertices, as a rule.
        first, row_side = (sp, True) if m <= n else (sq, False)
        found_vertices = first.run(deadline)
        found = _partners(found_vertices, row_side, pa, pb)
        if found is not None:
            # complete when the search finished; otherwise the partners of the vertices
            # found so far (each a true extreme equilibrium)
            profiles, degenerate = found
            return Extreme(
                profiles,
                None,
                (),
                first.done,
                degenerate,
                sp.bases + sq.bases,
                first.out_of_memory,
            )
    for s in (sp, sq):
        while not s.done and not late():
            s.step()
    vp, vq = sp.vertices(), sq.vertices()
    complete = vp.complete and vq.complete
    matched = _match(vp, vq, m, n, exact, complete, sp.bases + sq.bases, deadline)
    if sp.out_of_memory or sq.out_of_memory:
        return dataclasses.replace(matched, out_of_memory=True)
    return matched


def _partners(
    v: Vertices, row_side: bool, pa: FloatArray, pb: FloatArray
) -> tuple[tuple[tuple[FloatArray, FloatArray], ...], bool] | None:
    """The partner of each vertex of one polytope, or None if the game shows degeneracy
    there (a vertex or a partner with extra labels, a singular system).

    A vertex of P with exactly ``m`` labels, support ``I`` and tight columns ``S``
    (``|I| = |S|``) has at most one partner: ``y`` on ``S`` with ``A[I, S] y_S = 1``,
    kept when it lies in Q. The same holds with the players' roles swapped.
    """
    labels = _labels(v, row_side)
    dim = v.zero.shape[1]
    if (labels.sum(axis=1) != dim).any():
        return None
    nonzero = v.points.sum(axis=1) > 0
    pts, own_support, partner_support = v.points[nonzero], ~v.zero[nonzero], v.tight[nonzero]
    mp = pa if row_side else pb.T  # the partner's constraints: rows are our coordinates
    other = mp.shape[1]
    top = 1 + TOL * max(1.0, float(mp.max()))
    out: list[tuple[FloatArray, FloatArray]] = []
    sizes = own_support.sum(axis=1)
    for size in np.unique(sizes):
        sel = np.flatnonzero(sizes == size)
        rows = np.nonzero(own_support[sel])[1].reshape(len(sel), size)
        cols = np.nonzero(partner_support[sel])[1].reshape(len(sel), size)
        systems = mp[rows[:, :, None], cols[:, None, :]]  # (V, s, s)
        try:
            sol = np.linalg.solve(systems, np.ones((len(sel), size, 1)))[..., 0]
        except np.linalg.LinAlgError:
            return None  # singular: the partners form a face; match both polytopes
        resid = np.abs(np.einsum("vij,vj->vi", systems, sol) - 1).max(axis=1)
        if not np.isfinite(sol).all() or (resid > 1e-7).any():
            return None
        part = np.zeros((len(sel), other))
        np.put_along_axis(part, cols, sol, axis=1)
        load = part @ mp.T  # (V, dim): the constraint of each of our coordinates
        feasible = (sol.min(axis=1) >= -TOL) & (load <= top).all(axis=1)
        n_labels = (np.abs(part) <= TOL).sum(axis=1) + (load >= 2 - top).sum(axis=1)
        if (n_labels[feasible] > other).any():
            return None  # a partner with extra labels: degenerate; match both polytopes
        for own, p in zip(pts[sel[feasible]], part[feasible], strict=True):
            p = np.clip(p, 0.0, None)
            x, y = (own, p) if row_side else (p, own)
            out.append((x / x.sum(), y / y.sum()))
    return tuple(out), False


def _match(
    vp: Vertices,
    vq: Vertices,
    m: int,
    n: int,
    exact: bool,
    complete: bool,
    bases: int,
    deadline: float | None = None,
) -> Extreme:
    """Pairs of vertices of P and Q, both nonzero, whose labels cover all ``m + n``."""
    lp, lq = _labels(vp, True), _labels(vq, False)
    degenerate = bool((lp.sum(axis=1) > m).any() or (lq.sum(axis=1) > n).any())
    ip = np.flatnonzero(vp.points.sum(axis=1) > 0)
    iq = np.flatnonzero(vq.points.sum(axis=1) > 0)
    miss_p = (~lp[ip]).astype(np.float32)
    miss_q = (~lq[iq]).astype(np.float32)
    pairs: list[tuple[int, int]] = []
    for lo in range(0, len(ip), 512):
        both = miss_p[lo : lo + 512] @ miss_q.T  # labels missing from both: none allowed
        for r, c in zip(*np.nonzero(both == 0), strict=True):
            pairs.append((int(ip[lo + r]), int(iq[c])))
    profiles = []
    exact_out = []
    for i, j in pairs:
        x, y = vp.points[i], vq.points[j]
        profiles.append((x / x.sum(), y / y.sum()))
        if exact:
            assert vp.exact is not None and vq.exact is not None
            ex, ey = vp.exact[i], vq.exact[j]
            sx, sy = sum(ex, Fraction(0)), sum(ey, Fraction(0))
            exact_out.append((tuple(v / sx for v in ex), tuple(v / sy for v in ey)))
    subsets, subsets_complete = _subsets(pairs, deadline) if degenerate else ((), True)
    return Extreme(
        tuple(profiles),
        tuple(exact_out) if exact else None,
        subsets,
        complete,
        degenerate,
        bases,
        subsets_complete=subsets_complete,
    )


def _subsets(
    pairs: list[tuple[int, int]], deadline: float | None = None
) -> tuple[tuple[tuple[int, ...], ...], bool]:
    """Maximal Nash subsets with more than one extreme equilibrium, and whether the list
    is complete.

    They are the maximal bicliques ``X x Y`` of the bipartite graph joining a row vertex
    and a column vertex when they form an equilibrium. Their column sets are exactly the
    nonempty intersections of the row vertices' neighbourhoods (``Y = N(X)`` is the
    intersection over ``X``, and ``X = N(Y)``), so they are found by closing the
    neighbourhoods under pairwise intersection, as bit sets. That costs about the number
    of subsets times the number of row vertices, where clique enumeration on a graph with
    each side made a clique took minutes and gigabytes on a degenerate 10 x 10 game.
    Past ``deadline`` the subsets found so far are returned, marked incomplete.
    """
    index = {p: k for k, p in enumerate(pairs)}
    nbr: dict[int, int] = {}
    for i, j in pairs:
        nbr[i] = nbr.get(i, 0) | (1 << j)
    hoods = list(dict.fromkeys(nbr.values()))
    closed = set(hoods)
    frontier = list(hoods)
    complete = True
    while frontier and complete:
        new: list[int] = []
        for y_set in frontier:
            if deadline is not None and time.perf_counter() > deadline:
                complete = False
                break
            for h in hoods:
                z = y_set & h
                if z and z not in closed:
                    closed.add(z)
                    new.append(z)
        frontier = new
    out = []
    for y_set in closed:
        xs = [i for i, h in nbr.items() if h & y_set == y_set]
        ys = [j for j in range(y_set.bit_length()) if y_set >> j & 1]
        if len(xs) * len(ys) > 1:
            out.append(tuple(sorted(index[(i, j)] for i in xs for j in ys)))
    return tuple(sorted(out)), complete
