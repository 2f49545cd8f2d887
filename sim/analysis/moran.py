"""The frequency-dependent Moran process of a symmetric matrix game in a well-mixed
population of ``N`` individuals (Nowak 2006, "Evolutionary Dynamics", chapters 6 and 7;
Taylor, Fudenberg, Sasaki & Nowak 2004, Bull. Math. Biol. 66:1621).

``A`` is a square payoff matrix ``(n, n)``, ``A[i, j]`` the payoff of strategy ``i``
against strategy ``j``. A state is a vector of counts ``c`` ``(n,)`` summing to ``N``.
Everyone plays everyone else once, so a strategy-``i`` individual earns

    pi_i(c) = (sum_j c_j A[i, j] - A[i, i]) / (N - 1)        (no self-interaction)

and has fitness ``1 - w + w pi_i`` (``fitness="linear"``, ``0 <= w <= 1``) or
``exp(w pi_i)`` (``fitness="exponential"``, ``w >= 0``), ``w`` being the intensity of
selection. In each step (a birth-death event) one individual is chosen to reproduce with
probability proportional to fitness and one, uniformly and independently, to die (possibly
the parent); the offspring takes the dead one's place. A state with one strategy is
absorbing. :func:`simulate` runs the process; :func:`fixation_probability`,
:func:`fixation_matrix` and :func:`stationary_distribution` are exact.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.analysis.replicator import payoff_matrix
from sim.stats.intervals import share_interval

__all__ = [
    "Fitness",
    "FixationEstimate",
    "MoranRuns",
    "fixation_matrix",
    "fixation_probability",
    "payoffs",
    "simulate",
    "stationary_distribution",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Fitness = Literal["linear", "exponential"]


def _count(value: int, name: str, least: int) -> int:
    if not isinstance(value, bool):
        try:
            k = operator.index(value)
        except TypeError:
            pass
        else:
            if k >= least:
                return k
    raise ValueError(f"{name} must be an integer >= {least}, not {value!r}")


def _population(N: int) -> int:
    return _count(N, "the population size N", 2)


def _intensity(w: float, fitness: str) -> float:
    if fitness not in ("linear", "exponential"):
        raise ValueError(f"fitness must be 'linear' or 'exponential', not {fitness!r}")
    w = float(w)
    if fitness == "linear" and not 0.0 <= w <= 1.0:
        raise ValueError(
            f"with linear fitness the selection intensity w must be in [0, 1], not {w}"
        )
    if fitness == "exponential" and not (np.isfinite(w) and w >= 0.0):
        raise ValueError(
            f"with exponential fitness the selection intensity w must be finite and >= 0, not {w}"
        )
    return w


def _check_linear_positive(a: FloatArray, N: int, w: float, present: NDArray[np.intp]) -> None:
    """Raise unless ``1 - w + w pi > 0`` for every payoff ``pi`` an individual can earn in a
    state where the strategies ``present`` (at least two) coexist.

    An ``i``-individual's payoff averages ``A[i, j]`` over the ``N - 1`` others, so its
    least value is ``min(lo_i, ((N - 2) A[i, i] + lo_i) / (N - 1))`` with
    ``lo_i = min_{j != i} A[i, j]``: all others one ``j``, or all but one of them ``i``.
    """
    if w == 0.0 or present.size < 2:
        return
    sub = a[np.ix_(present, present)]
    off = np.where(np.eye(present.size, dtype=bool), np.inf, sub)
    lo = off.min(axis=1)
    least = np.minimum(lo, ((N - 2) * np.diag(sub) + lo) / (N - 1))
    k = int(np.argmin(least))
    smallest = float(least[k])
    if 1.0 - w + w * smallest <= 0.0:
        raise ValueError(
            f"linear fitness 1 - w + w * payoff is not positive: with w = {w} the smallest "
            f"payoff, {smallest} (strategy {int(present[k])}), gives "
            f"{1.0 - w + w * smallest}; lower w, shift the payoffs, or use "
            "fitness='exponential'"
        )


def payoffs(A: ArrayLike, counts: ArrayLike) -> FloatArray:
    """Payoff ``(..., n)`` of an individual of each strategy in the population ``counts``
    ``(..., n)`` (summing to ``N >= 2`` along the last axis), without self-interaction:
    ``pi_i = (sum_j c_j A[i, j] - A[i, i]) / (N - 1)``. Defined for every ``i``, also when
    ``c_i = 0``."""
    a = payoff_matrix(A)
    c = np.asarray(counts, dtype=np.float64)
    n_total = c.sum(axis=-1, keepdims=True)
    out: FloatArray = (c @ a.T - np.diag(a)) / (n_total - 1.0)
    return out


def _log_fitness(pi: FloatArray, w: float, fitness: str) -> FloatArray:
    out: FloatArray = np.log1p(w * (pi - 1.0)) if fitness == "linear" else w * pi
    return out


def _fixation(
    a: FloatArray, N: int, w: float, fitness: str, mutant: ArrayLike, resident: ArrayLike
) -> FloatArray:
    """Fixation probabilities of one ``mutant`` in an all-``resident`` population
    (index arrays of one shape), in log space."""
    m, r = np.asarray(mutant)[..., None], np.asarray(resident)[..., None]
    j = np.arange(1, N, dtype=np.float64)  # number of mutants
    f = ((j - 1) * a[m, m] + (N - j) * a[m, r]) / (N - 1)  # a mutant's payoff
    g = (j * a[r, m] + (N - j - 1) * a[r, r]) / (N - 1)  # a resident's payoff
    log_ratio = _log_fitness(g, w, fitness) - _log_fitness(f, w, fitness)
    terms = np.concatenate([np.zeros_like(log_ratio[..., :1]), np.cumsum(log_ratio, -1)], -1)
    top = terms.max(axis=-1)
    # 1 / sum(exp(terms)) without overflow; exactly 1/N when every term is 0
    out: FloatArray = np.exp(-top) / np.exp(terms - top[..., None]).sum(axis=-1)
    return out


def fixation_probability(
    A: ArrayLike,
    N: int,
    w: float,
    *,
    mutant: int,
    resident: int,
    fitness: Fitness = "linear",
) -> float:
    """Probability that a single ``mutant`` takes over a population of ``N - 1`` ``resident``.

    With ``f_j`` and ``g_j`` the fitness of a mutant and of a resident when there are ``j``
    mutants, ``rho = 1 / (1 + sum_{k=1}^{N-1} prod_{j=1}^{k} g_j / f_j)`` (Nowak 2006,
    chapter 7; Taylor et al. 2004), evaluated in log space. A mutant of the resident's own
    strategy gives the neutral ``1 / N``.

    Parameters
    ----------
    A : array_like, shape (n, n)
        ``A[i, j]``: payoff of strategy ``i`` against strategy ``j``.
    N : int
        Population size (>= 2).
    w : float
        Intensity of selection: in [0, 1] for linear fitness, >= 0 for exponential.
    mutant, resident : int
        Strategy indices.
    fitness : {"linear", "exponential"}
        ``1 - w + w pi`` or ``exp(w pi)``.

    Raises
    ------
    ValueError
        On an invalid matrix, ``N``, ``w`` or index, or a linear fitness that is not
        positive in some state of the two strategies.

    Examples
    --------
    A neutral mutant fixes with probability ``1/N``:

    >>> fixation_probability([[1, 1], [1, 1]], 10, 0.5, mutant=1, resident=0)
    0.1
    """
    a = payoff_matrix(A)
    size, w = _population(N), _intensity(w, fitness)
    n = a.shape[0]
    pair = []
    for name, value in (("mutant", mutant), ("resident", resident)):
        k = _count(value, name, 0)
        if k >= n:
            raise ValueError(f"{name} must be a strategy index in 0..{n - 1}, not {k}")
        pair.append(k)
    if fitness == "linear":
        _check_linear_positive(a, size, w, np.unique(np.array(pair, dtype=np.intp)))
    return float(_fixation(a, size, w, fitness, pair[0], pair[1]))


def fixation_matrix(A: ArrayLike, N: int, w: float, fitness: Fitness = "linear") -> FloatArray:
    """All pairwise fixation probabilities.

    Returns
    -------
    ndarray, shape (n, n)
        ``rho[i, j]``: probability that one ``j``-mutant takes over a population of
        ``N - 1`` ``i``-individuals (:func:`fixation_probability` with ``mutant=j``,
        ``resident=i``). The diagonal holds the neutral value ``1 / N`` that the formula
        gives for a mutant of the resident's own strategy (the chance that one marked
        individual's descendants take over). Raises ``ValueError`` as
        :func:`fixation_probability`, checking every pair.
    """
    a = payoff_matrix(A)
    size, w = _population(N), _intensity(w, fitness)
    n = a.shape[0]
    if fitness == "linear":
        _check_linear_positive(a, size, w, np.arange(n, dtype=np.intp))
    resident, mutant = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    return _fixation(a, size, w, fitness, mutant, resident)


def stationary_distribution(
    A: ArrayLike, N: int, w: float, fitness: Fitness = "linear"
) -> FloatArray:
    """Long-run share of time spent in each homogeneous population when mutations are rare.

    In the limit of small mutation rates the population is almost always homogeneous; a
    mutant of one of the ``n - 1`` other strategies arises and fixes or dies out before the
    next. The embedded chain on the homogeneous states moves from ``i`` to ``j != i`` with
    probability ``rho[i, j] / (n - 1)`` (:func:`fixation_matrix`) (Fudenberg & Imhof 2006,
    J. Econ. Theory 131:251). Its stationary
    distribution solves ``pi T = pi``, ``sum(pi) = 1``, here by the Grassmann–Taksar–Heyman
    elimination (Grassmann, Taksar & Heyman 1985, Oper. Res. 33:1107), a direct solve that
    uses no subtractions and stays accurate when the ``rho`` span many orders of magnitude.

    Returns
    -------
    ndarray, shape (n,)
        Nonnegative, summing to 1; ``[1.0]`` for one strategy.

    Raises
    ------
    ValueError
        As :func:`fixation_matrix`, or when fixation probabilities underflow to 0 so that
        the chain is reducible in floating point (selection too strong for ``N``).
    """
    rho = fixation_matrix(A, N, w, fitness)
    n = rho.shape[0]
    p = rho.copy()  # only the off-diagonal entries are used
    for k in range(n - 1, 0, -1):
        out_k = p[k, :k].sum()
        if not out_k > 0.0:
            raise ValueError(
                "the chain of homogeneous states is reducible in floating point: fixation "
                f"probabilities underflow to 0 with N = {N} and w = {w}; weaken selection"
            )
        p[:k, k] /= out_k
        p[:k, :k] += np.outer(p[:k, k], p[k, :k])
    pi = np.zeros(n)
    pi[0] = 1.0
    for k in range(1, n):
        pi[k] = pi[:k] @ p[:k, k]
    out: FloatArray = pi / pi.sum()
    return out


@dataclass(frozen=True, eq=False)
class FixationEstimate:
    """Simulated fixation probabilities with pointwise confidence intervals.

    Attributes
    ----------
    probability : ndarray of float, shape (n,)
        Share of the finished runs that each strategy took over.
    low, high : ndarray of float, shape (n,)
        The confidence interval of each (``scipy.stats.binomtest(...).proportion_ci``).
    finished, unfinished : int
        Runs that reached fixation, and runs stopped at ``max_steps``, which are left out:
        with unfinished runs the estimate is conditional on fixing within ``max_steps``.
    confidence : float
    method : str
        ``"wilson"`` or ``"exact"`` (Clopper–Pearson).
    """

    probability: FloatArray
    low: FloatArray
    high: FloatArray
    finished: int
    unfinished: int
    confidence: float
    method: str


@dataclass(frozen=True, eq=False)
class MoranRuns:
    """Independent runs of the Moran process to fixation.

    Attributes
    ----------
    fixed : ndarray of int, shape (runs,)
        The strategy that took over, or -1 where ``max_steps`` was reached first.
    steps : ndarray of int, shape (runs,)
        Birth-death events until fixation (every event counts, including those in which
        the offspring replaces an individual of its own strategy); ``max_steps`` for
        unfinished runs, 0 for a homogeneous initial population.
    counts : ndarray of int, shape (runs, n)
        Final counts of each strategy.
    initial, N, w, fitness, max_steps
        The arguments of :func:`simulate` (``initial`` as an int array ``(n,)``).
    seed : int or numpy.random.SeedSequence or None
        What reproduces the runs: the integer or ``SeedSequence`` passed, the entropy drawn
        when ``rng`` was None, None when a ``Generator`` was passed.
    """

    fixed: IntArray
    steps: IntArray
    counts: IntArray
    initial: IntArray
    N: int
    w: float
    fitness: str
    max_steps: int
    seed: int | np.random.SeedSequence | None

    @property
    def unfinished(self) -> int:
        """Number of runs stopped at ``max_steps``."""
        return int((self.fixed < 0).sum())

    def fixation_probabilities(
        self, *, confidence: float = 0.95, method: Literal["wilson", "exact"] = "wilson"
    ) -> FixationEstimate:
        """Share of finished runs won by each strategy, with a binomial confidence interval
        (Wilson score or Clopper–Pearson); NaN when no run finished."""
        n = self.initial.shape[0]
        done = self.fixed[self.fixed >= 0]
        wins = np.bincount(done, minlength=n)
        p, low, high = (np.full(n, np.nan) for _ in range(3))
        if done.size:
            p = wins / done.size
            for i in range(n):
                low[i], high[i] = share_interval(
                    int(wins[i]), done.size, confidence=confidence, method=method
                )
        return FixationEstimate(p, low, high, int(done.size), self.unfinished, confidence, method)


def _generator(
    rng: np.random.Generator | int | np.random.SeedSequence | None,
) -> tuple[np.random.Generator, int | np.random.SeedSequence | None]:
    if isinstance(rng, np.random.Generator):
        return rng, None
    if rng is None:  # record the fresh entropy, so that the run can be repeated
        seq = np.random.SeedSequence()
        return np.random.default_rng(seq), seq.entropy if isinstance(seq.entropy, int) else None
    return np.random.default_rng(rng), rng


def simulate(
    A: ArrayLike,
    N: int,
    w: float,
    *,
    initial: ArrayLike,
    runs: int,
    rng: np.random.Generator | int | np.random.SeedSequence | None,
    fitness: Fitness = "linear",
    max_steps: int | None = None,
) -> MoranRuns:
    """Run the Moran process to fixation ``runs`` times, all runs at once.

    Each step draws, for every unfinished run, the parent's strategy with probability
    proportional to ``c_i f_i`` and the dead individual's with probability ``c_k / N``,
    then moves one count from ``k`` to ``i``.

    Parameters
    ----------
    A, N, w, fitness
        As in :func:`fixation_probability`.
    initial : array_like of int, shape (n,)
        Initial counts, nonnegative, summing to ``N``.
    runs : int
        Number of independent runs (>= 1).
    rng : numpy.random.Generator, int, numpy.random.SeedSequence or None
        Converted once with ``numpy.random.default_rng``; the same seed gives the same runs.
    max_steps : int, optional
        Steps after which unfinished runs stop (``fixed = -1``); ``100 * N**2`` by default,
        ample near neutrality (a neutral single mutant fixes in ``N (N - 1)`` steps on
        average) but not in games with a mixed stable state, where fixation takes
        exponentially long in ``N``.

    Returns
    -------
    MoranRuns

    Raises
    ------
    ValueError
        On invalid parameters, or a linear fitness that is not positive in some state
        reachable from ``initial``.
    """
    a = payoff_matrix(A)
    size, w = _population(N), _intensity(w, fitness)
    n = a.shape[0]
    init = np.asarray(initial)
    if init.shape != (n,):
        raise ValueError(
            f"initial must have one count per strategy, shape ({n},), not {init.shape}"
        )
    if not (np.issubdtype(init.dtype, np.number) and np.isfinite(init).all()) or (
        (init != np.round(init)).any() or (init < 0).any()
    ):
        raise ValueError(f"initial counts must be nonnegative integers, not {init.tolist()}")
    init = init.astype(np.int64)
    if int(init.sum()) != size:
        raise ValueError(f"initial counts must sum to N = {size}; they sum to {int(init.sum())}")
    total = _count(runs, "runs", 1)
    limit = 100 * size * size if max_steps is None else _count(max_steps, "max_steps", 0)
    if fitness == "linear":
        _check_linear_positive(a, size, w, np.flatnonzero(init > 0))
    gen, seed = _generator(rng)

    fixed = np.full(total, -1, dtype=np.int64)
    steps = np.full(total, limit, dtype=np.int64)
    counts = np.tile(init, (total, 1))
    if int(init.max()) == size:
        fixed[:], steps[:] = int(init.argmax()), 0
        return MoranRuns(fixed, steps, counts, init, size, w, fitness, limit, seed)

    diag = np.diag(a)
    active = np.arange(total)
    c = counts.copy()
    step = 0
    while active.size and step < limit:
        step += 1
        r = active.size
        pi = (c @ a.T - diag) / (size - 1)
        if fitness == "linear":
            fit = 1.0 - w + w * pi
        else:
            # relative to the fittest strategy present; absent strategies get weight 0
            top = np.where(c > 0, pi, -np.inf).max(axis=1, keepdims=True)
            fit = np.exp(np.where(c > 0, w * (pi - top), -np.inf))
        cum = np.cumsum(c * fit, axis=1)
        target = gen.random(r) * cum[:, -1]
        birth = (cum <= target[:, None]).sum(axis=1)
        # target can round up to the total: fall back to the last strategy present
        last = n - 1 - np.argmax((c > 0)[:, ::-1], axis=1)
        birth = np.minimum(birth, last)
        death = (np.cumsum(c, axis=1) <= gen.integers(0, size, r)[:, None]).sum(axis=1)
        rows = np.arange(r)
        c[rows, birth] += 1
        c[rows, death] -= 1
        done = c.max(axis=1) == size
        if done.any():
            ended = active[done]
            fixed[ended] = c[done].argmax(axis=1)
            steps[ended] = step
            counts[ended] = c[done]
            active, c = active[~done], c[~done]
    counts[active] = c
    return MoranRuns(fixed, steps, counts, init, size, w, fitness, limit, seed)
