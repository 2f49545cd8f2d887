"""The fast path of tournaments in two-move games: automata against automata.

When both seats are lineups whose strategies all have automata
(:mod:`sim.strategies.automaton`), the game has one two-level instrument per player, no
truces or events, and payoffs that need neither discounting nor decoupling, a round is a
handful of array operations: each seat's automata read what they see and play, execution
noise flips, and the joint profile is kept. :func:`play_two_move` does exactly what
:func:`sim.engine.rounds.iter_rounds` followed by :func:`sim.engine.tally.tally_rounds`
does in that case (the same noise, the same strategy draws: the test suite compares the
two bit for bit), without the general machinery's per-round work.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.engine.rounds import Plan, Streams
from sim.engine.tally import Tally, profile_totals
from sim.strategies.automaton_play import two_move
from sim.strategies.base import Seat
from sim.strategies.lineup import Lineup


def eligible(plan: Plan) -> bool:
    """Whether :func:`play_two_move` can play ``plan``."""
    game, rules = plan.game, plan.rules
    seats = [Seat(game, p, plan.calendar) for p in (0, 1)]
    return (
        two_move(seats[0])
        and not plan.schedule.active
        and rules.discount == 1.0
        and not any(rules.tremble)
        and plan.draws is None
        and not game.decouples
        and (rules.max_step is None or rules.max_step >= 1)
        and all(
            s.cls is Lineup and Lineup.all_automata(s.params, seat)
            for s, seat in zip(plan.strategies, seats, strict=True)
        )
    )


def play_two_move(
    plan: Plan, n: int, streams: Streams, start: int, tick: Callable[[int], None] | None = None
) -> Tally:
    """Play and tally matches ``start..start+n-1`` of an :func:`eligible` plan."""
    game, rules = plan.game, plan.rules
    seats = [Seat(game, p, plan.calendar) for p in (0, 1)]
    players = [plan.strategies[p].build(seats[p], n, start=start) for p in (0, 1)]
    lineups = [p for p in players if isinstance(p, Lineup)]
    own = [game.of(p)[0] for p in (0, 1)]  # the instrument of each player
    levels = np.repeat(game.initial_levels.astype(np.int8)[:, None], n, axis=1)
    p_exec = [rules.execution[o] for o in game.owner]
    p_seen = [rules.perception[1 - o] for o in game.owner]
    exec_noise = streams.execution.bernoulli(p_exec) if any(p_exec) else None
    seen_noise = streams.perception.bernoulli(p_seen) if any(p_seen) else None
    history = np.empty((rules.rounds, n), dtype=np.int8)
    now = np.empty_like(levels)
    for t in range(rules.rounds):
        seen = levels if seen_noise is None else levels ^ seen_noise.draw()[0].view(np.int8)
        for p, lineup in enumerate(lineups):
            now[own[p]] = lineup.step(levels[own[p]], seen[own[1 - p]], streams.strategy[p])
        if exec_noise is not None:
            now ^= exec_noise.draw()[0].view(np.int8)
        np.multiply(now[0], 2, out=history[t])  # the joint profile (two instruments)
        history[t] += now[1]
        levels, now = now, levels
        if tick is not None:
            tick(t)
    total, peace = profile_totals(game, history)
    return Tally(start, total, total.copy(), peace, np.zeros(n, dtype=np.int32))
