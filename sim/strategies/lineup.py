"""Different strategies on different matches of one batch: a tournament's lineup.

A round-robin tournament plays every ordered pair of strategies in one batched run. Each
seat's strategy is a :class:`Lineup` that plays, on match ``g`` of the run, the strategy
``(g // divisor) % modulus`` of its list. It keeps one instance of each listed strategy,
built for the matches that play it, so every strategy still decides for many matches at
once: the cost of a round grows with the number of strategies, not of pairs. Strategies
that have automata in a two-move game (:mod:`sim.strategies.automaton`) are played
together, as one table lookup.

Random numbers: the listed strategies draw from their seat's stream. A round takes as
many rows of uniforms for the whole batch as the strategy that asks for most, and match
``g``'s draws are column ``g`` of those rows, whichever strategy plays it (the columns
are disjoint, so different matches' draws stay independent). The draws a match sees
therefore depend on the strategies in its batch, which a tournament fixes from its
seed, strategies and size alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.errors import SimError
from sim.stats.streams import CHUNK_ROUNDS, BatchRandom, BernoulliStream, UniformStream
from sim.strategies.automaton_play import AutomatonPlay, automaton_of
from sim.strategies.base import Facts, LevelArray, Observation, Seat, Strategy, TruceView
from sim.strategies.registry import StrategySpec


@dataclass(frozen=True)
class LineupParams:
    """Which strategy plays which match: match ``g`` plays ``specs[(g // divisor) % modulus]``."""

    specs: tuple[StrategySpec, ...]
    divisor: int
    modulus: int
    automata: bool = True  # run the strategies that have automata as one table lookup

    def labels(self, start: int, stop: int) -> NDArray[np.intp]:
        """Index into :attr:`specs` of matches ``start..stop-1``, shape ``(stop - start,)``."""
        g = np.arange(start, stop, dtype=np.intp)
        out: NDArray[np.intp] = (g // self.divisor) % self.modulus
        return out


class _Draws:
    """The uniforms a seat's strategies draw, shared by the strategies of a lineup (see the
    module doc). Rows come from the seat's stream in order, fetched many rounds' worth at
    a time; each round takes as many rows as the strategy that asks for most."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.pool = np.empty((0, n))
        self.base = 0  # the first row of this round in the pool
        self.used = 0  # rows taken this round
        self.parent: BatchRandom | None = None

    def reset(self, parent: BatchRandom) -> None:
        """Start a round."""
        self.parent, self.base, self.used = parent, self.base + self.used, 0

    def rows_for(self, first: int, count: int) -> NDArray[np.float64]:
        """Rows ``first..first+count-1`` of this round, shape ``(count, n)``."""
        need = first + count
        if self.base + need > self.pool.shape[0]:
            assert self.parent is not None
            fetch = max(need, min(CHUNK_ROUNDS * need, (1 << 21) // max(self.n, 1)))
            self.pool = np.concatenate([self.pool[self.base :], self.parent.random(fetch)])
            self.base = 0
        self.used = max(self.used, need)
        return self.pool[self.base + first : self.base + need]


class _Columns(BatchRandom):
    """What one listed strategy sees of the shared draws: the columns of its matches
    (a slice, or their indices in the batch)."""

    def __init__(self, draws: _Draws, cols: slice | NDArray[np.intp]) -> None:
        self._draws, self._cols = draws, cols  # no generators of its own
        self.n = len(range(draws.n)[cols]) if isinstance(cols, slice) else len(cols)
        self.used = 0

    def random(self, rows: int, dtype: type[np.floating] = np.float64) -> NDArray[np.floating]:
        block = self._draws.rows_for(self.used, rows)[:, self._cols]
        self.used += rows
        return block if dtype is np.float64 else block.astype(dtype)

    def _only_random(self, what: str) -> SimError:
        return SimError(
            f"a strategy in a tournament called rng.{what}; in a lineup strategies draw "
            "their random numbers with rng.random(rows) only"
        )

    @property
    def unit_starts(self) -> NDArray[np.intp]:
        raise self._only_random("unit_starts")

    def uniform_stream(self) -> UniformStream:
        raise self._only_random("uniform_stream()")

    def bernoulli(
        self, p: Sequence[float] | NDArray[np.float64], directions: bool = False
    ) -> BernoulliStream:
        raise self._only_random("bernoulli()")


@dataclass
class _Part:
    strategy: Strategy | AutomatonPlay
    a: int
    b: int
    rng: _Columns
    clip: bool  # not a bundled strategy: clip its targets to the ladder


class Lineup(Strategy):
    """Several strategies in one seat, each on its own matches of the batch (see the
    module doc). Built by :class:`LineupSpec`; not in the registry."""

    name = "lineup"
    summary = "Different strategies on different matches of a batch (tournaments)."
    Params = LineupParams

    def __init__(self, params: LineupParams, seat: Seat, n: int, start: int = 0) -> None:
        super().__init__(params, seat, n)
        labels = params.labels(start, start + n)
        machines = [automaton_of(s, seat) if params.automata else None for s in params.specs]
        self._draws = _Draws(n)
        self._parts: list[_Part] = []
        self._order: NDArray[np.intp] | None = None
        self._inverse: NDArray[np.intp] | None = None
        self._out = np.empty((len(seat.own), n), dtype=np.int8)
        if all(machines[label] is not None for label in np.unique(labels)):
            # One table lookup for every match, in the batch's own order.
            self._play: AutomatonPlay | None = AutomatonPlay(machines, labels)
            self._play_rng = _Columns(self._draws, slice(0, n))
            return
        self._play = None
        # Matches of strategies with automata first, then the others by label.
        slow = np.array([m is None for m in machines])[labels]
        order = np.lexsort((labels, slow))
        if np.any(order != np.arange(n)):
            self._order, self._inverse = order, np.argsort(order)
        ordered = labels[order]
        cuts = [0, *(np.flatnonzero(np.diff(ordered)) + 1).tolist(), n]
        runs = [(int(ordered[a]), a, b) for a, b in itertools.pairwise(cuts) if b > a]
        fast = [r for r in runs if machines[r[0]] is not None]
        if fast:
            a, b = fast[0][1], fast[-1][2]
            play = AutomatonPlay(machines, ordered[a:b])
            self._parts.append(_Part(play, a, b, self._columns(a, b), False))
        for label, a, b in runs[len(fast) :]:
            spec = params.specs[label]
            bundled = spec.cls.__module__.startswith("sim.strategies.")
            built = spec.build(seat, b - a)
            self._parts.append(_Part(built, a, b, self._columns(a, b), not bundled))

    @classmethod
    def all_automata(cls, params: LineupParams, seat: Seat) -> bool:
        """Whether every listed strategy plays as an automaton in ``seat``."""
        return params.automata and all(automaton_of(s, seat) is not None for s in params.specs)

    def step(self, own: LevelArray, seen: LevelArray, rng: BatchRandom) -> NDArray[np.int8]:
        """:meth:`decide` of a lineup of automata in a two-move game, on the own and the
        seen opponent's levels ``(n_matches,)``: the levels played, ``(n_matches,)``."""
        if self._play is None:
            raise ValueError("only a lineup of automata steps without observations")
        self._draws.reset(rng)
        self._play_rng.used = 0
        return self._play.play(own, seen, self._play_rng)

    def _columns(self, a: int, b: int) -> _Columns:
        """The draws of the matches at sorted positions ``a..b-1``: match ``i``'s uniforms
        are always column ``i`` of the shared draws, whatever the order."""
        cols = slice(a, b) if self._order is None else self._order[a:b]
        return _Columns(self._draws, cols)

    @classmethod
    def facts(cls, params: Any) -> Facts:
        every = [s.facts for s in params.specs]
        return Facts(
            nice=all(f.nice for f in every),
            retaliatory=all(f.retaliatory for f in every),
            forgiving=all(f.forgiving for f in every),
            stochastic=any(f.stochastic for f in every),
            memory_depth=max(f.memory_depth for f in every),
        )

    @classmethod
    def validate(cls, params: Any, seat: Seat) -> list[str]:
        return [p for s in params.specs for p in s.cls.validate(s.params, seat)]

    def take_over(self, obs: Observation) -> None:
        if self._play is not None:  # automata: only for games that start at baseline
            return
        obs = _permuted(obs, self._order)
        for part in self._parts:
            if isinstance(part.strategy, Strategy):
                part.strategy.take_over(_columns_of(obs, part.a, part.b))

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        self._draws.reset(rng)
        if self._play is not None:
            self._play_rng.used = 0
            return self._play.decide(obs, self._play_rng)
        obs = _permuted(obs, self._order)
        out = self._out
        top = self.seat.own_top
        for part in self._parts:
            part.rng.used = 0
            a, b = part.a, part.b
            target = part.strategy.decide(_columns_of(obs, a, b), part.rng)
            out[:, a:b] = np.clip(target, 0, top) if part.clip else target
        if self._inverse is not None:
            return out[:, self._inverse]
        return out


def _columns_of(obs: Observation, a: int, b: int) -> Observation:
    """The observation of the matches at (sorted) positions ``a..b-1``."""
    return Observation(
        obs.t,
        obs.own[:, a:b],
        obs.opp[:, a:b],
        obs.exposure,
        None if obs.own_intended is None else obs.own_intended[:, a:b],
        None if obs.truce is None else _truce_slice(obs.truce, a, b),
    )


def _permuted(obs: Observation, order: NDArray[np.intp] | None) -> Observation:
    if order is None:
        return obs
    tv = obs.truce
    truce = None
    if tv is not None:
        truce = TruceView(
            tv.active[order], tv.own_caps[:, order], tv.opp_caps[:, order], tv.rapport[order]
        )
    intended = None if obs.own_intended is None else obs.own_intended[:, order]
    return Observation(obs.t, obs.own[:, order], obs.opp[:, order], obs.exposure, intended, truce)


def _truce_slice(tv: TruceView, a: int, b: int) -> TruceView:
    return TruceView(tv.active[a:b], tv.own_caps[:, a:b], tv.opp_caps[:, a:b], tv.rapport[a:b])


@dataclass(frozen=True)
class LineupSpec(StrategySpec):
    """The spec of a :class:`Lineup` (``name`` is ``"lineup"``, ``params`` a
    :class:`LineupParams`)."""

    @property
    def cls(self) -> type[Strategy]:
        return Lineup

    @property
    def parts(self) -> tuple[StrategySpec, ...]:
        specs: tuple[StrategySpec, ...] = self.params.specs
        return specs

    def build(self, seat: Seat, n: int, *, start: int = 0) -> Strategy:
        return Lineup(self.params, seat, n, start)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "strategies": [s.as_dict() for s in self.params.specs]}


def lineup(specs: tuple[StrategySpec, ...], *, divisor: int, automata: bool = True) -> LineupSpec:
    """A lineup playing ``specs[(g // divisor) % len(specs)]`` on match ``g``; ``automata``
    runs the strategies that have automata by table lookup (the same play)."""
    if not specs:
        raise ValueError("a lineup needs at least one strategy")
    if divisor < 1:
        raise ValueError(f"divisor must be at least 1, got {divisor}")
    return LineupSpec("lineup", LineupParams(tuple(specs), divisor, len(specs), automata))
