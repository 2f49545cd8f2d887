"""Strategies of two-move games as finite automata: the fast path of tournaments.

In a two-move game (one two-level instrument per player, the iterated prisoner's dilemma)
most classic strategies are small automata. A :class:`Lineup` whose strategies all have
one runs them as a single table lookup per round for every match of the batch, instead of
one call per strategy; :meth:`Strategy.automaton` gives a strategy's automaton, and the
test suite checks that each one plays exactly as the strategy's own ``decide`` does, with
the same random numbers.

Each round ``t`` the automaton reads ``x = 2 * own + seen`` (its own level now, as it
really is, and the opponent's as it perceives it), moves to ``state = next[state, x]``, and
then plays ``low[state]`` if ``u < threshold[state]`` and ``high[state]`` otherwise, where
``u`` is the first of the ``draws`` uniforms the strategy's ``decide`` takes per round
(``draws`` is 0 for deterministic strategies: thresholds are then 0 or 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim._rng import BatchRandom
from sim.strategies.base import LevelArray, Observation, Seat


@dataclass(frozen=True, eq=False)
class Automaton:
    """A strategy as an automaton over ``S`` states (see the module doc).

    Attributes
    ----------
    start : the state before round 0
    next : ``(S, 4)`` int, the state after reading ``x = 2 * own + seen``
    threshold : ``(S,)`` float in [0, 1]
    low, high : ``(S,)`` int, the level played when ``u < threshold`` and otherwise
    draws : uniform rows the strategy's ``decide`` draws per round
    """

    start: int
    next: NDArray[np.int64]
    threshold: NDArray[np.float64]
    low: NDArray[np.int8]
    high: NDArray[np.int8]
    draws: int = 0

    @classmethod
    def of(
        cls,
        start: int,
        next: Sequence[Sequence[int]],
        threshold: Sequence[float],
        low: Sequence[int],
        high: Sequence[int],
        draws: int = 0,
    ) -> Automaton:
        return cls(
            start,
            np.asarray(next, dtype=np.int64).reshape(-1, 4),
            np.asarray(threshold, dtype=np.float64),
            np.asarray(low, dtype=np.int8),
            np.asarray(high, dtype=np.int8),
            draws,
        )

    @classmethod
    def deterministic(
        cls, start: int, next: Sequence[Sequence[int]], act: Sequence[int]
    ) -> Automaton:
        """An automaton that plays ``act[state]``."""
        return cls.of(start, next, [1.0] * len(act), act, act)

    @property
    def n_states(self) -> int:
        return int(self.next.shape[0])


def two_move(seat: Seat) -> bool:
    """Whether each player has one instrument with two levels (where automata apply)."""
    game = seat.game
    return all(len(game.of(p)) == 1 and game.n_levels[game.of(p)[0]] == 2 for p in (0, 1))


def fixed(level: int) -> Automaton:
    """Always the same level (Cooperator 0, Defector 1)."""
    return Automaton.deterministic(0, [[0, 0, 0, 0]], [level])


#: State = what it saw of the opponent last; x & 1 is the opponent's perceived level.
MIRROR_NEXT = [[0, 1, 0, 1], [0, 1, 0, 1]]


def memory_one(p0: float, table: Sequence[Sequence[float]], stochastic: bool) -> Automaton:
    """Restrain with probability ``p0`` in round 0 and ``table[own][opp]`` after: states
    0 (before round 0), 1 (round 0) and ``2 + x`` (last round was ``x``)."""
    restrain = [0.0, p0] + [table[x >> 1][x & 1] for x in range(4)]
    if not stochastic:
        restrain = [1.0 if p == 1 else 0.0 for p in restrain]
    nxt = [[1, 1, 1, 1]] + [[2, 3, 4, 5]] * 5
    return Automaton.of(0, nxt, restrain, [0] * 6, [1] * 6, draws=1 if stochastic else 0)


class AutomatonPlay:
    """Plays the automata of a lineup's strategies, each match by its own strategy's, as
    one table lookup per round.

    Parameters
    ----------
    automata : the automaton of each strategy of the lineup (``None`` for one without;
        no match may play it)
    labels : ``(n_matches,)`` the strategy of each match
    """

    def __init__(self, automata: Sequence[Automaton | None], labels: NDArray[np.intp]) -> None:
        used = sorted({int(x) for x in np.unique(labels)})
        machines = {i: a for i in used if (a := automata[i]) is not None}
        if len(machines) != len(used):
            raise ValueError("every strategy played here needs an automaton")
        offset, first = {}, 0
        for i, a in machines.items():
            offset[i], first = first, first + a.n_states
        every = list(machines.values())
        # A state is stored as 4 * index, so that the next lookup is one addition away;
        # the tables are spread likewise (entries 4 * s) so that the state indexes them.
        self.next4 = np.concatenate([4 * (a.next + offset[i]) for i, a in machines.items()])
        self.next4 = self.next4.ravel()
        threshold = np.concatenate([a.threshold for a in every])
        low = np.concatenate([a.low for a in every])
        high = np.concatenate([a.high for a in every])
        self.draws = max(a.draws for a in every)
        # Played: (u < threshold) XOR flip; a deterministic state has threshold 0.
        fixed = (low == high) | (threshold >= 1.0) | (threshold <= 0.0)
        self.threshold4 = np.repeat(np.where(fixed, 0.0, threshold), 4)
        self.flip4 = np.repeat(
            np.where(fixed, np.where(threshold > 0, low, high), high).astype(np.int8), 4
        )
        start = np.zeros(len(automata), dtype=np.int64)
        for i, a in machines.items():
            start[i] = 4 * (a.start + offset[i])
        self.state4: NDArray[np.int64] = start[labels]
        self.x = np.empty(len(labels), dtype=np.int8)

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        out: LevelArray = self.play(obs.own[0], obs.opp[0], rng)[None, :]
        return out

    def play(self, own: LevelArray, seen: LevelArray, rng: BatchRandom) -> NDArray[np.int8]:
        """The levels played, ``(n_matches,)``, given the own and the seen opponent's
        levels, ``(n_matches,)`` each."""
        x = np.left_shift(own, 1, out=self.x)
        x |= seen
        # Indices are in range by construction; "clip" skips the bounds check of "raise".
        self.state4 = state4 = self.next4.take(self.state4 + x, mode="clip")
        played: NDArray[np.int8] = self.flip4.take(state4, mode="clip")
        if self.draws:
            u = rng.random(self.draws)[0]
            played ^= u < self.threshold4.take(state4, mode="clip")
        return played


def automaton_of(spec: Any, seat: Seat) -> Automaton | None:
    """The automaton of a strategy spec in ``seat``, or ``None`` when it has none there.

    Automata start in their initial state, which stands for a history at baseline: a game
    that starts elsewhere is played by the strategies themselves, which take over from
    the levels in force (:meth:`sim.strategies.base.Strategy.take_over`)."""
    if not two_move(seat) or seat.game.initial_levels.any():
        return None
    result: Automaton | None = spec.cls.automaton(spec.params, seat)
    return result
