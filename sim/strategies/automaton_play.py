"""Playing automata (:mod:`sim.strategies.automaton`): the table lookup a :class:`Lineup`
of two-move strategies runs for every match of a batch, and which strategies have one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.stats.streams import BatchRandom
from sim.strategies.automaton import Automaton
from sim.strategies.base import LevelArray, Observation, Seat


def two_move(seat: Seat) -> bool:
    """Whether each player has one instrument with two levels (where automata apply)."""
    game = seat.game
    return all(len(game.of(p)) == 1 and game.n_levels[game.of(p)[0]] == 2 for p in (0, 1))


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
