"""Round-robin tournaments of strategies on a scenario's game (Axelrod 1980a, 1984).

Every ordered pair of strategies (self-play included) plays ``matches`` matches of the
scenario (its game, noise, rounds, truces and events), all in one batched run: each seat
plays a :class:`~sim.strategies.lineup.Lineup`, and pair ``p = i * n + j`` (strategy ``i``
as the first player, ``j`` as the second) holds matches ``p * matches .. (p + 1) *
matches - 1``. The run is split into blocks of a fixed size, so the results depend on the
seed alone, not on the number of worker processes.

A strategy's *score* against another is its mean payoff per round (undiscounted, as in
Axelrod's tournaments), over the matches it plays in either seat: in a game that is not
symmetric, it plays each role equally often.
Its ranking score is the mean of its scores against the other strategies (self-play
excluded, as in the Axelrod library's normalised scores).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.engine.run import Progress, default_workers, processes_used, run_blocks
from sim.engine.tally import merge_tallies, tally_rounds
from sim.engine.two_move import eligible, play_two_move
from sim.errors import Problem
from sim.run.simulation import check_memory
from sim.stats.intervals import normal_interval
from sim.stats.streams import STREAM_UNIT
from sim.strategies.base import Seat
from sim.strategies.lineup import lineup
from sim.strategies.registry import (
    Definition,
    StrategyError,
    StrategySpec,
    names,
    parse,
    resolve,
    text,
)

if TYPE_CHECKING:
    from sim.run.scenario import Scenario

#: Matches per ordered pair when none is given.
DEFAULT_MATCHES = 100

#: Matches per block of a tournament's run: fixed, so that the results do not depend on
#: the number of workers (a lineup's draws depend on the strategies in its block).
BLOCK = 4 * STREAM_UNIT

#: Registry strategies left out of ``strategies="all"``: ``scripted`` replays a record,
#: and the kinds that strategy files use play a classic at their defaults (memory_n and
#: fsm tit-for-tat, sequence cycler_cd).
NOT_IN_ALL = ("scripted", "memory_n", "fsm", "sequence")

Entry = str | StrategySpec | tuple[str, StrategySpec]


def lineup_of(
    strategies: Sequence[Entry] | Mapping[str, str | StrategySpec] | str | None,
    scenario: Scenario,
) -> tuple[tuple[str, ...], tuple[StrategySpec, ...]]:
    """Labels and specs of a tournament's strategies, checked against the scenario's game.

    ``strategies`` is ``"all"`` or ``None`` (every registered strategy that can play both
    seats, with its default parameters, except those in :data:`NOT_IN_ALL`, and then the
    scenario's own ``[strategies]``), a mapping from label to spec or text, or a sequence
    of texts ``[LABEL=]NAME[:KEY=VALUE]...`` (``NAME`` may be one of the scenario's
    strategies), specs and ``(label, spec)`` pairs. Raises
    :class:`~sim.strategies.registry.StrategyError`.
    """
    seats = [Seat(scenario.game, p) for p in (0, 1)]
    local = scenario.defined
    if strategies is None or strategies == "all":
        entries: list[tuple[str, StrategySpec]] = []
        for name in [n for n in names() if n not in NOT_IN_ALL] + list(local):
            s = resolve(name, {}, local)
            if not any(s.cls.validate(s.params, seat) for seat in seats):
                entries.append((name, s))
    else:
        if isinstance(strategies, str):
            strategies = [strategies]
        items = strategies.items() if isinstance(strategies, Mapping) else strategies
        entries = [_entry(item, local) for item in items]
    problems: list[Problem] = []
    seen: set[str] = set()
    for label, s in entries:
        if label in seen:
            problems.append(Problem(f"strategy {label!r}", "two strategies share this label"))
        seen.add(label)
        for seat, player in zip(seats, scenario.players, strict=True):
            for message in s.cls.validate(s.params, seat):
                problems.append(Problem(f"strategy {label!r} as {player}", message))
    if len(entries) < 2:
        problems.append(Problem("strategies", "a tournament needs at least two strategies"))
    if problems:
        raise StrategyError(problems)
    return tuple(label for label, _ in entries), tuple(s for _, s in entries)


def _entry(item: Any, local: Mapping[str, Definition]) -> tuple[str, StrategySpec]:
    if isinstance(item, str):
        return parse(item, local)
    if isinstance(item, StrategySpec):
        return text(item), item
    label, value = item
    return str(label), parse(value, local)[1] if isinstance(value, str) else value


@dataclass(frozen=True, eq=False)
class TournamentResult:
    """The matches of a round-robin tournament and their tables.

    Attributes
    ----------
    scenario : the scenario played
    labels : ``(n,)`` the strategies' labels; specs likewise
    matches : matches per ordered pair
    seed : the seed of the run
    payoff : ``(2, n * n * matches)`` each player's mean payoff per round in each match
    peace : ``(n * n * matches,)`` share of rounds with every instrument at baseline
    truce : share of rounds under a truce (zeros without truce machinery)
    info : ``seconds`` and ``workers`` of the run
    """

    scenario: Scenario
    labels: tuple[str, ...]
    specs: tuple[StrategySpec, ...]
    matches: int
    seed: int
    payoff: NDArray[np.float64] = field(repr=False)
    peace: NDArray[np.float64] = field(repr=False)
    truce: NDArray[np.float64] = field(repr=False)
    info: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return len(self.labels)

    def _pair(self, i: int, j: int) -> slice:
        p = i * self.n + j
        return slice(p * self.matches, (p + 1) * self.matches)

    def samples(self, i: int, j: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Strategy ``i``'s mean payoff per round in each match against ``j``: as the first
        player, and as the second (the same matches twice when ``i == j``)."""
        return self.payoff[0, self._pair(i, j)], self.payoff[1, self._pair(j, i)]

    @cached_property
    def _stats(self) -> _PairStats:
        return _PairStats.of(self.payoff, self.peace, self.truce, self.n, self.matches)

    @property
    def _truces(self) -> bool:
        """Whether the scenario has truces (the tables then give the share under one)."""
        return bool(self.scenario.plan.schedule.active)

    @property
    def payoff_matrix(self) -> NDArray[np.float64]:
        """``(n, n)``: ``[i, j]`` is strategy ``i``'s score against ``j``."""
        return self._stats.score.copy()

    def matrix(self) -> pd.DataFrame:
        """The payoff matrix with the labels (rows: the strategy scored)."""
        return pd.DataFrame(self.payoff_matrix, index=list(self.labels), columns=list(self.labels))

    def scores(self) -> pd.DataFrame:
        """One row per ordered pair: ``row``'s score against ``column`` with its standard
        error, its score in each seat, and the peace share of their matches."""
        p0, p1 = self.scenario.players
        st, n = self._stats, self.n
        return pd.DataFrame(
            {
                "row": np.repeat(self.labels, n),
                "column": np.tile(self.labels, n),
                "score": st.score.ravel(),
                "se": st.se.ravel(),
                f"score_as_{p0}": st.first.ravel(),
                f"score_as_{p1}": st.second.ravel(),
                "matches": np.where(np.eye(n, dtype=bool), 1, 2).ravel() * self.matches,
                "peace_share": st.peace.ravel(),
                **({"truce_share": st.truce.ravel()} if self._truces else {}),
            }
        )

    def ranking(self, confidence: float = 0.95) -> pd.DataFrame:
        """One row per strategy, best first: its mean score against the others with its
        standard error and ``confidence`` interval (normal), the matches it won (more
        payoff than its opponent) and played against them, and their peace share."""
        if self.n < 2:
            raise ValueError("a ranking needs at least two strategies")
        st, n = self._stats, self.n
        off = ~np.eye(n, dtype=bool)
        score = np.where(off, st.score, 0.0).sum(axis=1) / (n - 1)
        se = np.sqrt(np.where(off, st.se**2, 0.0).sum(axis=1)) / (n - 1)
        low, high = normal_interval(score, se, confidence=confidence)
        table = pd.DataFrame(
            {
                "label": list(self.labels),
                "strategy": [text(s, self.scenario.defined) for s in self.specs],
                "score": score,
                "se": se,
                "ci_low": low,
                "ci_high": high,
                "wins": np.where(off, st.wins, 0).sum(axis=1),
                "matches": np.full(n, 2 * (n - 1) * self.matches),
                "peace_share": np.where(off, st.peace, 0.0).sum(axis=1) / (n - 1),
                **(
                    {"truce_share": np.where(off, st.truce, 0.0).sum(axis=1) / (n - 1)}
                    if self._truces
                    else {}
                ),
            }
        )
        table = table.sort_values("score", ascending=False, kind="stable")
        table.insert(0, "rank", range(1, n + 1))
        return table.reset_index(drop=True)


@dataclass(frozen=True)
class _PairStats:
    """Per ordered pair ``(i, j)``, all ``(n, n)``: ``i``'s score against ``j``, its
    standard error, its mean payoff as the first and as the second player, its wins, and
    the peace and truce shares of the two pairings' matches."""

    score: NDArray[np.float64]
    se: NDArray[np.float64]
    first: NDArray[np.float64]
    second: NDArray[np.float64]
    wins: NDArray[np.int64]
    peace: NDArray[np.float64]
    truce: NDArray[np.float64]

    @classmethod
    def of(
        cls,
        payoff: NDArray[np.float64],
        peace: NDArray[np.float64],
        truce: NDArray[np.float64],
        n: int,
        m: int,
    ) -> _PairStats:
        # [i, j, k]: match k of pair (i as the first player, j as the second)
        p0, p1 = payoff[0].reshape(n, n, m), payoff[1].reshape(n, n, m)
        a, b = p0, p1.transpose(1, 0, 2)  # i's payoffs against j: as first, as second
        first, second = a.mean(axis=2), b.mean(axis=2)
        score, se = (first + second) / 2, np.full((n, n), np.nan)
        # self-play: one match gives both samples; their mean is one observation
        both = (np.diagonal(p0).T + np.diagonal(p1).T) / 2  # (n, m)
        d = np.arange(n)
        score[d, d] = both.mean(axis=1)
        if m > 1:
            se[:] = 0.5 * np.sqrt((a.var(axis=2, ddof=1) + b.var(axis=2, ddof=1)) / m)
            se[d, d] = both.std(axis=1, ddof=1) / np.sqrt(m)
        wins = (p0 > p1).sum(axis=2) + (p1 > p0).sum(axis=2).T
        rest = peace.reshape(n, n, m).mean(axis=2)
        kept = truce.reshape(n, n, m).mean(axis=2)
        return cls(score, se, first, second, wins, (rest + rest.T) / 2, (kept + kept.T) / 2)


def tournament(
    scenario: Scenario,
    strategies: Sequence[Entry] | Mapping[str, str | StrategySpec] | str | None = None,
    *,
    matches: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    automata: bool = True,
    progress: Progress | None = None,
) -> TournamentResult:
    """Play every ordered pair of ``strategies`` (self-play included) on ``scenario``.

    Parameters
    ----------
    scenario : a :class:`sim.Scenario`; its game, rounds, noise, truces and events apply,
        its players' strategies do not
    strategies : see :func:`lineup_of` (default: every strategy that can play the game)
    matches : matches per ordered pair (default :data:`DEFAULT_MATCHES`)
    seed : default: the scenario's seed
    workers : processes (default: all cores); the results do not depend on it
    automata : run strategies that have automata in two-move games by table lookup, and
        a tournament of such strategies alone in :mod:`sim.engine.two_move` (the same
        play, see :mod:`sim.strategies.automaton`); ``False`` runs their own code
    progress : called as ``progress(matches_done, matches)``

    Examples
    --------
    >>> import sim
    >>> sc = sim.load_scenario("scenarios/ipd.toml")
    >>> res = sim.tournament(sc, ["tit_for_tat", "always_escalate"], matches=10, seed=1)
    >>> res.ranking()[["rank", "label"]].to_dict("list")
    {'rank': [1, 2], 'label': ['always_escalate', 'tit_for_tat']}
    """
    labels, specs = lineup_of(strategies, scenario)
    m = DEFAULT_MATCHES if matches is None else matches
    if m < 1:
        raise ValueError(f"matches must be at least 1, got {m}")
    seed = scenario.seed if seed is None else seed
    n = len(specs)
    seat0 = lineup(specs, divisor=m * n, automata=automata)
    seat1 = lineup(specs, divisor=m, automata=automata)
    plan = dataclasses.replace(scenario.plan, strategies=(seat0, seat1))
    total = n * n * m
    check_memory(
        scenario,
        default_workers() if workers is None else workers,
        BLOCK,
        plan=plan,
        matches=total,
        sample=0,
    )
    t0 = time.perf_counter()
    tally = run_blocks(
        plan,
        matches=total,
        seed=seed,
        workers=workers,
        block_size=BLOCK,
        sample=0,
        progress=progress,
        reduce=tally_rounds,
        combine=merge_tallies,
        kernel=play_two_move if eligible(plan) else None,
    )
    rounds = scenario.rounds
    info = {
        "seconds": time.perf_counter() - t0,
        "workers": processes_used(
            plan, total, default_workers() if workers is None else workers, BLOCK
        ),
    }
    return TournamentResult(
        scenario,
        labels,
        specs,
        m,
        seed,
        tally.total / rounds,
        tally.peace_rounds / rounds,
        tally.truce_rounds / rounds,
        info,
    )
