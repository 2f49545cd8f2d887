"""Evolution on a tournament's payoff matrix: replicator dynamics and the Moran process.

:func:`evolve` plays a tournament (:func:`sim.analysis.tournament.tournament`), or takes
one, and lets its strategies compete in a population whose payoffs are the tournament's
scores: ``A[i, j]`` is strategy ``i``'s mean payoff per round against ``j``. The maths is
in :mod:`sim.analysis.replicator` and :mod:`sim.analysis.moran`.

* ``replicator``: population shares over time from an even start (Taylor & Jonker 1978;
  integrated by nashpy) and every rest point with its stability.
* ``moran``: a population of ``N`` (Moran 1958; Nowak 2006): the share of runs each
  strategy takes over from an even start, with intervals, from many runs batched; the
  exact probability that one mutant takes over each resident population; and the
  long-run abundance of each strategy when mutations are rare (Fudenberg & Imhof 2006).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.analysis import moran as mp
from sim.analysis import replicator as rd
from sim.analysis.tournament import Entry, TournamentResult, lineup_of, tournament
from sim.engine.run import Progress
from sim.errors import SimError
from sim.strategies.registry import StrategySpec

if TYPE_CHECKING:
    from sim.run.scenario import Scenario


class EvolutionError(SimError, ValueError):
    """Parameters of an evolution that do not fit its strategies or payoffs."""


Method = Literal["replicator", "moran"]
METHODS: tuple[Method, ...] = ("replicator", "moran")

#: The Moran runs' stream: ``SeedSequence(seed, spawn_key=(MORAN_STREAM,))``, apart from
#: the tournament's streams (keyed by stream unit and purpose).
MORAN_STREAM = 7

DEFAULT_POPULATION = 50
DEFAULT_RUNS = 2000


@dataclass(frozen=True, eq=False)
class EvolutionResult:
    """An evolution on a tournament's payoff matrix (see the module doc).

    Attributes
    ----------
    tournament : the tournament that gave the payoffs
    method : ``"replicator"`` or ``"moran"``
    matrix : ``(n, n)`` the payoffs ``A[i, j]``
    params : the method's parameters (``t_max``; or ``population``, ``intensity``,
        ``fitness``, ``runs``, ``initial``)
    times, shares : replicator: ``(points,)`` and ``(points, n)``
    points : replicator: the rest points (none above
        :data:`sim.analysis.replicator.MAX_STRATEGIES` strategies)
    runs : moran: the simulated runs
    fixation : moran: ``(n, n)`` exact probability that one ``j`` takes over ``i``
    abundance : moran: ``(n,)`` long-run shares when mutations are rare
    notes : what the reader should know (skipped rest points, unfinished runs)
    """

    tournament: TournamentResult
    method: Method
    matrix: NDArray[np.float64]
    params: dict[str, Any]
    times: NDArray[np.float64] | None = field(default=None, repr=False)
    shares: NDArray[np.float64] | None = field(default=None, repr=False)
    points: list[rd.RestPoint] = field(default_factory=list, repr=False)
    runs: mp.MoranRuns | None = field(default=None, repr=False)
    fixation: NDArray[np.float64] | None = field(default=None, repr=False)
    abundance: NDArray[np.float64] | None = field(default=None, repr=False)
    notes: list[str] = field(default_factory=list)

    @property
    def scenario(self) -> Scenario:
        return self.tournament.scenario

    @property
    def seed(self) -> int:
        return self.tournament.seed

    @property
    def labels(self) -> tuple[str, ...]:
        return self.tournament.labels

    @property
    def specs(self) -> tuple[StrategySpec, ...]:
        return self.tournament.specs

    def trajectory(self) -> pd.DataFrame:
        """Replicator: one row per time point, one column of shares per strategy."""
        if self.shares is None or self.times is None:
            raise ValueError("a replicator evolution has a trajectory; this is a Moran process")
        table = pd.DataFrame(self.shares, columns=list(self.labels))
        table.insert(0, "t", self.times)
        return table

    def rest_points(self) -> pd.DataFrame:
        """Replicator: one row per rest point: its shares, mean payoff, whether it is
        asymptotically stable and a symmetric Nash equilibrium, its support, and its
        ``invasion_margin``: its mean payoff minus the best payoff of a strategy outside
        the support (positive: none can invade). The matrix is estimated, so a margin
        within a few standard errors of the scores (``tournament.scores()``) does not
        decide stability."""
        rows = []
        for p in self.points:
            row: dict[str, Any] = dict(zip(self.labels, p.shares.tolist(), strict=True))
            outside = [j for j in range(len(self.labels)) if j not in p.support]
            earn = self.matrix @ p.shares
            row |= {
                "payoff": p.payoff,
                "stable": p.stable,
                "nash": p.nash,
                "invasion_margin": p.payoff - earn[outside].max() if outside else math.nan,
                "support": " + ".join(self.labels[i] for i in p.support),
            }
            rows.append(row)
        columns = [*self.labels, "payoff", "stable", "nash", "invasion_margin", "support"]
        return pd.DataFrame(rows, columns=columns)

    def takeover(self) -> pd.DataFrame:
        """Moran: per strategy, its count at the start, the runs it took over, and that
        share of the finished runs with its 95% interval (Wilson)."""
        if self.runs is None:
            raise ValueError("a Moran evolution has takeovers; this is a replicator run")
        est = self.runs.fixation_probabilities()
        done = self.runs.fixed[self.runs.fixed >= 0]
        return pd.DataFrame(
            {
                "strategy": list(self.labels),
                "initial": self.runs.initial,
                "runs_won": np.bincount(done, minlength=len(self.labels)),
                "probability": est.probability,
                "ci_low": est.low,
                "ci_high": est.high,
            }
        )

    def fixation_table(self) -> pd.DataFrame:
        """Moran: one row per resident and mutant strategy: the exact probability that one
        mutant takes over, and that times ``N`` (above 1: selection favours the mutant)."""
        if self.fixation is None:
            raise ValueError("a Moran evolution has fixation probabilities")
        size = self.params["population"]
        rows = [
            {
                "resident": r,
                "mutant": m,
                "probability": float(self.fixation[i, j]),
                "relative_to_neutral": float(self.fixation[i, j]) * size,
            }
            for i, r in enumerate(self.labels)
            for j, m in enumerate(self.labels)
            if i != j
        ]
        return pd.DataFrame(rows)

    def abundance_table(self) -> pd.DataFrame:
        """Moran: each strategy's long-run share of time when mutations are rare."""
        if self.abundance is None:
            raise ValueError("a Moran evolution has abundances")
        return pd.DataFrame({"strategy": list(self.labels), "abundance": self.abundance})


def evolve(
    scenario: Scenario | None = None,
    strategies: Sequence[Entry] | Mapping[str, str | StrategySpec] | str | None = None,
    *,
    method: Method = "replicator",
    tournament_result: TournamentResult | None = None,
    matches: int | None = None,
    seed: int | None = None,
    population: int = DEFAULT_POPULATION,
    intensity: float | None = None,
    fitness: mp.Fitness = "exponential",
    runs: int = DEFAULT_RUNS,
    t_max: float | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> EvolutionResult:
    """Replicator dynamics or a Moran process on the payoffs of a tournament.

    Parameters
    ----------
    scenario, strategies, matches, seed, workers, progress : the tournament to play (see
        :func:`sim.analysis.tournament.tournament`); or pass ``tournament_result``
    method : ``"replicator"`` or ``"moran"``
    population : Moran: the population size ``N``
    intensity : Moran: the intensity of selection ``w``; by default ``1 / (max A - min A)``
        for exponential fitness (payoff differences of at most one unit of ``w``) and
        ``0.1`` for linear fitness
    fitness : Moran: ``"exponential"`` (``exp(w pi)``, any payoffs) or ``"linear"``
        (``1 - w + w pi``, which must stay positive)
    runs : Moran: runs to fixation from an even start (``N`` split as evenly as possible,
        the first strategies taking the remainder)
    t_max : replicator: the time span (default ``300 / (max A - min A)``: time is
        measured in units of the payoffs' spread)

    Examples
    --------
    >>> import sim
    >>> sc = sim.load_scenario("scenarios/ipd.toml")
    >>> evo = sim.evolve(sc, ["tit_for_tat", "always_escalate"], matches=20, seed=1)
    >>> evo.trajectory().shape[1]
    3
    """
    if method not in METHODS:
        raise EvolutionError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if tournament_result is None:
        if scenario is None:
            raise EvolutionError("give a scenario (and strategies) or a tournament_result")
        labels, specs = lineup_of(strategies, scenario)
        check_population(method, population, labels)  # before playing, not after
        tournament_result = tournament(
            scenario,
            list(zip(labels, specs, strict=True)),
            matches=matches,
            seed=seed,
            workers=workers,
            progress=progress,
        )
    else:
        given = {"scenario": scenario, "strategies": strategies, "matches": matches, "seed": seed}
        extra = [k for k, v in given.items() if v is not None]
        if extra:
            raise EvolutionError(
                f"{', '.join(extra)} cannot be given with tournament_result (it was played "
                "already)"
            )
        check_population(method, population, tournament_result.labels)
    a = tournament_result.payoff_matrix
    spread = float(a.max() - a.min()) or 1.0
    if method == "replicator":
        return _replicator(tournament_result, a, 300.0 / spread if t_max is None else t_max)
    if intensity is None:
        intensity = 1.0 / spread if fitness == "exponential" else 0.1
    return _moran(tournament_result, a, population, intensity, fitness, runs)


def check_population(method: str, size: int, labels: Sequence[str]) -> None:
    """A Moran population must hold every strategy (checked before the tournament)."""
    if method == "moran" and size < len(labels):
        raise EvolutionError(
            f"population {size} cannot hold all {len(labels)} strategies; "
            f"give at least {len(labels)}"
        )


def _replicator(res: TournamentResult, a: NDArray[np.float64], t_max: float) -> EvolutionResult:
    times, shares = rd.replicator(a, t_max=t_max)
    notes: list[str] = []
    points: list[rd.RestPoint] = []
    if len(res.labels) <= rd.MAX_STRATEGIES:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", rd.DegenerateRestPointWarning)
            points = rd.rest_points(a)
        notes += [str(w.message) for w in caught]
    else:
        notes.append(f"rest points are enumerated up to {rd.MAX_STRATEGIES} strategies")
    return EvolutionResult(
        res, "replicator", a, {"t_max": t_max}, times, shares, points, notes=notes
    )


def _moran(
    res: TournamentResult,
    a: NDArray[np.float64],
    size: int,
    w: float,
    fitness: mp.Fitness,
    runs: int,
) -> EvolutionResult:
    n = len(res.labels)
    initial = np.full(n, size // n)
    initial[: size % n] += 1
    stream = np.random.SeedSequence(res.seed, spawn_key=(MORAN_STREAM,))
    try:
        sim_runs = mp.simulate(a, size, w, initial=initial, runs=runs, rng=stream, fitness=fitness)
    except ValueError as exc:  # intensity, fitness or runs that do not fit these payoffs
        order = ", ".join(f"{i} = {label}" for i, label in enumerate(res.labels))
        raise EvolutionError(f"{exc} (strategies: {order})") from None
    notes = []
    if sim_runs.unfinished:
        notes.append(
            f"{sim_runs.unfinished} of {runs} runs did not fix within {sim_runs.max_steps} "
            "steps (a stable mixture?); the takeover shares are of the finished runs"
        )
    fixation = mp.fixation_matrix(a, size, w, fitness)
    try:
        abundance = mp.stationary_distribution(a, size, w, fitness)
    except ValueError as exc:  # fixation probabilities underflow: selection too strong
        abundance = np.full(n, math.nan)
        notes.append(str(exc))
    params = {
        "population": size,
        "intensity": w,
        "fitness": fitness,
        "runs": runs,
        "initial": initial.tolist(),
    }
    return EvolutionResult(
        res,
        "moran",
        a,
        params,
        runs=sim_runs,
        fixation=fixation,
        abundance=abundance,
        notes=notes,
    )
