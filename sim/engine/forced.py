"""The round loop with the levels forced to a record: what each strategy would have chosen.

Fitting a strategy to a record (:mod:`sim.analysis.fit`) needs, for every round, the level
each player's strategy intends given the record up to the round before: the one-step-ahead
decision. :func:`forced_decisions` plays the rounds as :func:`sim.engine.rounds.iter_rounds`
does (the same observations, truce views, rapport, exposure and ``max_step`` clipping), except
that the levels taking effect are the record's, not the intended ones after noise. Each
strategy observes without perception noise and remembers its own choices (``own_intended``
is what it chose, as in live play), so its memory is exactly what it would hold had it
played the record's moves itself.

Truces follow the schedule only: scheduled starts, breaches detected on the record's levels,
expiry; no renewal and no negotiated truce is drawn (as in replayed rounds).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.engine.rounds import Plan
from sim.engine.truces import TruceState
from sim.model.game import LEVEL_DTYPE
from sim.stats.streams import STRATEGY, BatchRandom
from sim.strategies.base import Observation, Seat
from sim.strategies.registry import StrategySpec

LevelArray = NDArray[np.int8]


@dataclass(frozen=True)
class Forced:
    """Decisions on a forced record.

    Attributes
    ----------
    before : ``(rounds, n_instruments, n)`` levels entering each round (after the caps of a
        truce starting in it)
    decided : the same shape, the levels each owner's strategy chose (clipped to the ladder
        and to ``max_step``, as the engine clips them before execution noise)
    after : the same shape, the record's levels in each round
    """

    before: LevelArray
    decided: LevelArray
    after: LevelArray


def forced_decisions(
    plan: Plan,
    record: LevelArray,
    strategies: tuple[StrategySpec, StrategySpec],
    n: int,
    seed: int = 0,
) -> Forced:
    """Play ``strategies`` on ``n`` matches whose levels follow ``record``.

    Parameters
    ----------
    plan : the scenario's plan (game, rules, schedule, calendar); its own strategies and
        noise are not used
    record : ``(rounds, n_instruments)`` one record for every match, or
        ``(rounds, n_instruments, n)`` one per match
    strategies : the strategy of each seat (a lineup plays different ones on different
        matches, :mod:`sim.strategies.lineup`)
    seed : seeds the strategies' own random draws (stochastic strategies)
    """
    game, rules = plan.game, plan.rules
    rounds = record.shape[0]
    if record.ndim == 2:
        record = np.repeat(record[:, :, None], n, axis=2)
    if record.shape[1:] != (game.n_instruments, n):
        raise ValueError(
            f"record has shape {record.shape}; expected ({rounds}, {game.n_instruments}, {n})"
        )
    record = record.astype(LEVEL_DTYPE, copy=False)
    spans = game.spans
    seats = [Seat(game, p, plan.calendar) for p in (0, 1)]
    players = [strategies[p].build(seats[p], n) for p in (0, 1)]
    rngs = [BatchRandom.for_matches(seed, 0, n, purpose) for purpose in (STRATEGY, STRATEGY + 1)]
    top = (game.n_levels - 1).astype(np.int64)[:, None]
    sched = dataclasses.replace(plan.schedule, replay=rounds - 1, negotiation=None)
    truces = TruceState(game, sched, n, None) if sched.active else None
    levels = np.repeat(game.initial_levels.astype(LEVEL_DTYPE)[:, None], n, axis=1)
    chosen = levels
    before = np.empty_like(record)
    decided = np.empty_like(record)
    step = rules.max_step if rules.max_step is not None and rules.max_step < top.max() else None
    exposure = game.exposure(0)
    for t in range(rounds):
        if game.decouples:
            exposure = game.exposure(t)
        if truces is not None:
            levels = truces.open_round(t, levels)
        views = [truces.view(p) if truces is not None else None for p in (0, 1)]
        if t == 0:
            for p in (0, 1):
                own, opp = spans[p], spans[1 - p]
                players[p].take_over(
                    Observation(t, levels[own], levels[opp], exposure, chosen[own], views[p])
                )
        wanted = np.empty((game.n_instruments, n), dtype=np.int64)
        for p in (0, 1):
            own, opp = spans[p], spans[1 - p]
            obs = Observation(t, levels[own], levels[opp], exposure, chosen[own], views[p])
            wanted[own] = players[p].decide(obs, rngs[p])
        if step is not None:
            wide = levels.astype(np.int64)
            wanted = np.clip(wanted, wide - step, wide + step)
        intended: LevelArray = np.clip(wanted, 0, top).astype(LEVEL_DTYPE)
        now = record[t]
        if truces is not None:
            truces.close_round(t, levels, intended, now)
        before[t], decided[t] = levels, intended
        levels, chosen = now, intended
    return Forced(before, decided, record)
