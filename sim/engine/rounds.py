"""The batched round loop: simultaneous moves, max_step, execution and perception noise.

:func:`iter_rounds` is a generator over rounds for a batch of matches; recording is a
separate layer (:mod:`sim.engine.reduce`), so a notebook can also stop early or look at
every step. Arrays are instrument-major: levels have shape ``(n_instruments, n_matches)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.engine.truces import TruceState
from sim.model import Game
from sim.model.game import LEVEL_DTYPE
from sim.scenario.calendar import Calendar
from sim.scenario.rules import Draws, Rules
from sim.scenario.schedule import Schedule
from sim.stats.streams import EXECUTION, PERCEPTION, STRATEGY, TREMBLE, TRUCE, BatchRandom
from sim.strategies.base import Observation, Seat
from sim.strategies.registry import StrategySpec

LevelArray = NDArray[np.int8]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Plan:
    """Everything the engine needs: a game, a strategy per player, the rules, and
    optionally scheduled events and truces, the calendar of rounds, and parameter draws
    (:class:`Draws`; their noise overrides the rules' per match)."""

    game: Game
    strategies: tuple[StrategySpec, StrategySpec]
    rules: Rules
    schedule: Schedule = field(default_factory=Schedule)
    calendar: Calendar | None = None
    draws: Draws | None = None


@dataclass(frozen=True, eq=False)
class Step:
    """One round of a batch.

    Attributes
    ----------
    t : round index
    before : levels entering the round, ``(n_instruments, n_matches)``
    intended : levels the players chose (after clipping), same shape
    levels : levels in effect this round (after execution noise), same shape
    exposure : each target's exposure this round, ``(n_instruments,)``
    payoffs : stage payoffs, ``(2, n_matches)``, evaluated when first asked for
    truces : the batch's live truce state (``None`` without truce machinery): read it while
        iterating, it changes with every round
    """

    t: int
    before: LevelArray
    intended: LevelArray
    levels: LevelArray
    exposure: FloatArray = field(repr=False)
    game: Game = field(repr=False)
    truces: TruceState | None = field(default=None, repr=False)

    @cached_property
    def payoffs(self) -> FloatArray:
        return self.game.payoffs_by_instrument(self.levels, self.exposure)


def step_off(
    levels: LevelArray,
    hit: NDArray[np.bool_],
    down: NDArray[np.bool_] | None,
    top: LevelArray,
) -> LevelArray:
    """Move each level where ``hit`` one step: down where ``down`` (a fair coin) and up
    otherwise, except that the step is forced at either end of the ladder, so on a
    two-level ladder a hit is a flip.

    Parameters
    ----------
    levels : ``(k, n)`` int8; hit, down : ``(k, n)`` bool (``down`` may be ``None`` when
    every ladder has two levels); top : ``(k, 1)`` int8, the top level of each row.
    """
    if not hit.any():
        return levels
    if down is None:  # two-level ladders: a hit is a flip
        return levels ^ hit.view(np.int8)
    go_down = (levels == top) | (down & (levels > 0))
    move = hit.view(np.int8) - 2 * (hit & go_down).view(np.int8)
    moved: LevelArray = levels + move
    return moved


def tremble(
    intended: LevelArray,
    levels: LevelArray,
    u: NDArray[np.floating],
    p: FloatArray,
    top: LevelArray,
) -> LevelArray:
    """Replace each choice where ``u < p`` by a random move from ``levels`` (the level in
    force): down, hold or up one rung, equally likely among those within ``0..top``. The
    same uniform picks the move (``u / p`` is uniform on [0, 1) given a hit).

    Parameters
    ----------
    intended, levels : ``(k, n)`` int8; u : ``(k, n)`` uniforms; p : ``(k, 1)`` the
    probabilities; top : ``(k, 1)`` int8.
    """
    hit = u < p
    if not hit.any():
        return intended
    lv = levels.astype(np.int16)
    can_down, can_up = lv > 0, lv < top
    options = 1 + can_down.astype(np.int16) + can_up
    pick = np.minimum((u / np.where(p > 0, p, 1.0) * options).astype(np.int16), options - 1)
    move = np.where(can_down, pick - 1, pick)  # options in order: down (if any), hold, up
    out: LevelArray = np.where(hit, lv + move, intended).astype(intended.dtype)
    return out


@dataclass(frozen=True)
class Streams:
    """The random streams of a batch: execution noise, perception noise, and one stream per
    player's strategy (so changing one player's strategy leaves the other's draws alone:
    common random numbers across variants)."""

    execution: BatchRandom
    perception: BatchRandom
    strategy: tuple[BatchRandom, BatchRandom]
    truce: BatchRandom
    tremble: BatchRandom | None = None

    @classmethod
    def for_matches(cls, seed: int, start: int, stop: int) -> Streams:
        def stream(purpose: int) -> BatchRandom:
            return BatchRandom.for_matches(seed, start, stop, purpose)

        return cls(
            stream(EXECUTION),
            stream(PERCEPTION),
            (stream(STRATEGY), stream(STRATEGY + 1)),
            stream(TRUCE),
            stream(TREMBLE),
        )


def iter_rounds(plan: Plan, n: int, streams: Streams, start: int = 0) -> Iterator[Step]:
    """Play ``plan.rules.rounds`` rounds of ``n`` matches at once, yielding each :class:`Step`.

    ``start`` is the global index of the batch's first match (a tournament's lineup plays
    different strategies on different matches, see :mod:`sim.strategies.lineup`).

    Per round, in this order (execution noise, perception noise and strategies each draw
    from their own streams, see :mod:`sim.stats.streams`): each player perceives the opponent's
    current levels (perception noise), both strategies decide at the same time, targets
    are clipped to the ladder and to ``max_step``, execution noise moves the levels that
    take effect, and stage payoffs are evaluated on the true levels (lazily, see
    :class:`Step`).

    With a schedule (:class:`~sim.scenario.schedule.Schedule`): truces start, renew, expire
    and form before the players decide, and breaches are detected after execution noise
    (:mod:`sim.engine.truces`); a ``set`` event forces its level in its round (past
    ``max_step`` and noise); in replayed rounds every level follows the script, and
    neither kind of noise applies (the strategies still observe and decide, so their
    memory holds the replayed record when they take over).

    In the first round whose choices take effect (round 0, or the round after the replay),
    each strategy's :meth:`~sim.strategies.base.Strategy.take_over` sees the true state in
    force (after the round's truce starts) before it decides.
    """
    game, rules, sched = plan.game, plan.rules, plan.schedule
    k = game.n_instruments
    top = (game.n_levels - 1).astype(LEVEL_DTYPE)[:, None]
    two_level = bool(np.all(top == 1))
    owner = game.owner
    p_exec: Any = [rules.execution[o] for o in owner]
    p_seen: Any = [rules.perception[1 - o] for o in owner]
    p_tremble = np.array([[rules.tremble[o]] for o in owner], dtype=np.float64)
    if plan.draws is not None:  # per-match noise of the parameter draws
        rows = np.asarray(owner, dtype=np.intp)
        p_exec = plan.draws.per_match("execution", rows, start, n)
        p_seen = plan.draws.per_match("perception", 1 - rows, start, n)
        p_tremble = plan.draws.per_match("tremble", rows, start, n)
    spans = game.spans
    seats = [Seat(game, p, plan.calendar) for p in (0, 1)]
    players = [plan.strategies[p].build(seats[p], n, start=start) for p in (0, 1)]
    # The bundled strategies return levels on the ladder; others are clipped before the
    # narrowing to int8, so that a target off the ladder cannot wrap around.
    bundled = [type(s).__module__.startswith("sim.strategies.") for s in players]
    exposure = game.exposure(0)
    levels = np.repeat(game.initial_levels.astype(LEVEL_DTYPE)[:, None], n, axis=1)
    limited = rules.max_step is not None and rules.max_step < top.max()
    step = rules.max_step if limited else None
    floor = np.zeros((k, n), dtype=LEVEL_DTYPE)
    ceiling = np.repeat(top, n, axis=1)
    step_arr = np.full((k, n), step or 0, dtype=LEVEL_DTYPE)
    below_top = ceiling - step_arr  # may be negative where a ladder is shorter than a step
    exec_noise = streams.execution.bernoulli(p_exec, not two_level) if np.any(p_exec) else None
    trembling = streams.tremble if p_tremble.any() and streams.tremble is not None else None
    seen_noise = streams.perception.bernoulli(p_seen, not two_level) if np.any(p_seen) else None
    chosen = levels  # what each player intended last round (round 0: the initial levels)
    truces = None
    if sched.active:
        truces = TruceState(game, sched, n, streams.truce if sched.random else None)
    taken_over = sched.replay + 1  # the first round the strategies' choices take effect
    for t in range(rules.rounds):
        if game.decouples:
            exposure = game.exposure(t)
        scripted = t <= sched.replay
        if truces is not None:
            levels = truces.open_round(t, levels)
        seen = levels
        if seen_noise is not None:
            off = seen_noise.draw()
            if not scripted:
                seen = step_off(levels, *off, top)
        if t == taken_over:  # the strategies take over from the state in force
            for p in (0, 1):
                own, opp = spans[p], spans[1 - p]
                view = truces.view(p) if truces is not None else None
                players[p].take_over(
                    Observation(t, levels[own], levels[opp], exposure, chosen[own], view)
                )
        intended = np.empty_like(levels)
        for p in (0, 1):
            own, opp = spans[p], spans[1 - p]
            view = truces.view(p) if truces is not None else None
            obs = Observation(t, levels[own], seen[opp], exposure, chosen[own], view)
            decision = players[p].decide(obs, streams.strategy[p])
            if not bundled[p]:
                decision = np.clip(decision, 0, top[own])
            intended[own] = decision
        if step is not None:  # bounds formed without leaving int8 (levels + step could wrap)
            hi = np.minimum(levels, below_top)
            hi += step_arr
            lo = np.maximum(levels, step_arr)
            lo -= step_arr
            np.clip(intended, lo, hi, out=intended)
        np.maximum(intended, floor, out=intended)  # full arrays: scalar bounds are slow
        np.minimum(intended, ceiling, out=intended)
        forced = sched.sets.get(t, ()) if not scripted else ()
        if scripted:
            intended[:] = sched.script[t][:, None]
        for j, lvl in forced:
            intended[j] = lvl
        now = intended
        if trembling is not None:  # a tremble is noise: the choice stays what it was
            u = trembling.random(k)
            if not scripted:
                now = tremble(intended, levels, u, p_tremble, top)
                for j, lvl in forced:
                    now[j] = lvl
        if exec_noise is not None:
            hits = exec_noise.draw()
            if not scripted:
                now = step_off(now, *hits, top)
                for j, lvl in forced:
                    now[j] = lvl
        if truces is not None:
            truces.close_round(t, levels, intended, now)
        yield Step(t, levels, intended, now, exposure, game, truces)
        levels, chosen = now, intended
