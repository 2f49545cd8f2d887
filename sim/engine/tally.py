"""A lean reduction for tournaments: per match, each player's payoff and the rounds at peace.

:func:`sim.engine.reduce.reduce_rounds` records everything a run reports (per-round level
counts, first escalations, paths, truce spells). A tournament needs only each match's
payoffs, so it reduces with :func:`tally_rounds` and skips the rest of the work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.engine.rounds import Plan, Step
from sim.model import Game


@dataclass(frozen=True)
class Tally:
    """Matches ``offset..offset+n-1``: ``total`` ``(2, n)`` summed stage payoffs,
    ``discounted`` ``(2, n)`` their discounted sums, ``peace_rounds`` ``(n,)`` rounds with
    every instrument at baseline, ``truce_rounds`` ``(n,)`` rounds under a truce."""

    offset: int
    total: NDArray[np.float64]
    discounted: NDArray[np.float64]
    peace_rounds: NDArray[np.int32]
    truce_rounds: NDArray[np.int32]


#: Largest ``rounds * matches`` for which a block keeps each round's joint profile (one
#: byte per match and round) instead of summing payoffs round by round.
PROFILE_HISTORY = 1 << 25


def tally_rounds(
    plan: Plan,
    steps: Iterable[Step],
    n: int,
    offset: int,
    unit_starts: NDArray[np.intp],
    sample: int,
) -> Tally:
    """Consume ``steps`` of a batch of ``n`` matches (the signature of a
    :class:`sim.engine.run.Reducer`; ``unit_starts`` and ``sample`` are not used).

    Small games without discounting or decoupling keep each round's joint profile and
    count afterwards (fewest operations per round); others sum payoffs as they go.
    """
    game, rules = plan.game, plan.rules
    if (
        game.profile_dtype is np.int8
        and rules.discount == 1.0
        and not game.decouples
        and rules.rounds * n <= PROFILE_HISTORY
    ):
        return _by_profile(plan, steps, n, offset)
    total = np.zeros((2, n))
    discounted = np.zeros((2, n)) if rules.discount != 1.0 else total
    scaled = np.empty((2, n))
    weight, delta = 1.0, rules.discount
    busy = np.zeros(n, dtype=np.int8)
    busy_rounds = np.zeros(n, dtype=np.int32)
    truce_rounds = np.zeros(n, dtype=np.int32)
    zero = np.zeros(n, dtype=np.int8)
    rounds = 0
    for st in steps:
        pay = st.payoffs
        total += pay
        if discounted is not total:
            np.multiply(pay, weight, out=scaled)
            discounted += scaled
            weight *= delta
        np.bitwise_or.reduce(st.levels, axis=0, out=busy)  # levels are never negative
        busy_rounds += np.not_equal(busy, zero)
        if st.truces is not None:
            truce_rounds += st.truces.covered
        rounds += 1
    peace = (rounds - busy_rounds).astype(np.int32)
    return Tally(offset, total, discounted.copy(), peace, truce_rounds)


def _by_profile(plan: Plan, steps: Iterable[Step], n: int, offset: int) -> Tally:
    game = plan.game
    history = np.empty((plan.rules.rounds, n), dtype=np.int8)
    truce_rounds = np.zeros(n, dtype=np.int32)
    rounds = 0
    for st in steps:
        game.profile_index(st.levels, out=history[st.t])
        if st.truces is not None:
            truce_rounds += st.truces.covered
        rounds += 1
    total, peace = profile_totals(game, history[:rounds])
    return Tally(offset, total, total.copy(), peace, truce_rounds)


def profile_totals(
    game: Game, history: NDArray[np.int8]
) -> tuple[NDArray[np.float64], NDArray[np.int32]]:
    """Each match's summed payoffs ``(2, n)`` and rounds at peace ``(n,)`` from its joint
    profile in every round, ``history`` ``(rounds, n)``."""
    table = game.profile_table()
    total = np.zeros((2, history.shape[1]))
    peace = np.zeros(history.shape[1], dtype=np.int32)
    for q in range(game.n_profiles):  # a fixed order of operations: exact per match
        visits = np.count_nonzero(history == q, axis=0)
        total += table[:, q : q + 1] * visits
        if q == 0:  # every instrument at baseline
            peace = visits.astype(np.int32)
    return total, peace


def merge_tallies(parts: Sequence[Tally], plan: Plan) -> Tally:
    """Join the tallies of consecutive blocks, given in match order."""
    return Tally(
        parts[0].offset,
        np.concatenate([p.total for p in parts], axis=1),
        np.concatenate([p.discounted for p in parts], axis=1),
        np.concatenate([p.peace_rounds for p in parts]),
        np.concatenate([p.truce_rounds for p in parts]),
    )
