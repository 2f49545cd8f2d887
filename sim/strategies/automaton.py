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

import numpy as np
from numpy.typing import NDArray


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
