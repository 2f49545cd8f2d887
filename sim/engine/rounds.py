"""The batched round loop: simultaneous moves, max_step, execution and perception noise.

:func:`iter_rounds` is a generator over rounds for a batch of matches; recording is a
separate layer (:mod:`sim.engine.reduce`), so a notebook can also stop early or look at
every step. Arrays are instrument-major: levels have shape ``(n_instruments, n_matches)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from sim._rng import BatchRandom, threshold
from sim.model import Game
from sim.model.game import LEVEL_DTYPE
from sim.strategies.base import Observation, Seat
from sim.strategies.registry import StrategySpec

IntArray = NDArray[np.int64]
LevelArray = NDArray[np.int8]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Rules:
    """How rounds are played.

    Attributes
    ----------
    rounds : number of rounds per match
    discount : per-round discount factor delta for the discounted payoff, in (0, 1]
    max_step : most rungs an instrument may move in one round (``None``: no limit)
    execution : per player, probability per instrument and round that the level taking
        effect is one step off the intended one (a flip on a two-level ladder)
    perception : per player, probability per opponent instrument and round that it sees
        the opponent's level one step off
    """

    rounds: int
    discount: float = 1.0
    max_step: int | None = None
    execution: tuple[float, float] = (0.0, 0.0)
    perception: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True, eq=False)
class Plan:
    """Everything the engine needs: a game, a strategy per player and the rules."""

    game: Game
    strategies: tuple[StrategySpec, StrategySpec]
    rules: Rules


@dataclass(frozen=True)
class Step:
    """One round of a batch.

    Attributes
    ----------
    t : round index
    before : levels entering the round, ``(n_instruments, n_matches)``
    intended : levels the players chose (after clipping), same shape
    levels : levels in effect this round (after execution noise), same shape
    payoffs : stage payoffs, ``(2, n_matches)``
    """

    t: int
    before: LevelArray
    intended: LevelArray
    levels: LevelArray
    payoffs: FloatArray = field(repr=False)


def step_off(
    levels: LevelArray, bits: NDArray[np.uint32], thr: NDArray[np.uint32], top: LevelArray
) -> LevelArray:
    """Move each level one step with probability ``thr / 2**32`` (random ``bits`` decide).

    The direction is random where both exist (``bits < thr/2`` goes down) and forced at
    either end of the ladder, so on a two-level ladder a hit is a flip.

    Parameters
    ----------
    levels : ``(k, n)`` int8; bits : ``(k, n)`` uint32; thr : ``(k, 1)`` uint32;
    top : ``(k, 1)`` int8, the top level of each row.
    """
    hit = bits < thr
    if not hit.any():
        return levels
    if np.all(top == 1):  # two-level ladders: a hit is a flip
        return levels ^ hit.view(np.int8)
    down = (levels == top) | ((bits < thr // 2) & (levels > 0))
    move = hit.view(np.int8) - 2 * (hit & down).view(np.int8)
    return levels + move


def iter_rounds(plan: Plan, n: int, rng: BatchRandom) -> Iterator[Step]:
    """Play ``plan.rules.rounds`` rounds of ``n`` matches at once, yielding each :class:`Step`.

    Per round, in this order (the order of random draws is part of the reproducibility
    contract): each player perceives the opponent's current levels (perception noise), both
    strategies decide at the same time (player 0 first in draw order), targets are clipped
    to the ladder and to ``max_step``, execution noise moves the levels that take effect,
    and stage payoffs are evaluated on the true levels.
    """
    game, rules = plan.game, plan.rules
    k = game.n_instruments
    top = (game.n_levels - 1).astype(LEVEL_DTYPE)[:, None]
    owner = game.owner
    thr_exec = np.array([[threshold(rules.execution[o])] for o in owner], dtype=np.uint32)
    thr_seen = np.array([[threshold(rules.perception[1 - o])] for o in owner], dtype=np.uint32)
    spans = [slice(game.of(p)[0], game.of(p)[-1] + 1) for p in (0, 1)]
    seats = [Seat(game, p) for p in (0, 1)]
    players = [plan.strategies[p].build(seats[p], n) for p in (0, 1)]
    exposure = np.ones(k)
    levels = np.repeat(game.initial_levels.astype(LEVEL_DTYPE)[:, None], n, axis=1)
    step = rules.max_step if rules.max_step is not None and rules.max_step < top.max() else None
    for t in range(rules.rounds):
        seen = levels
        if thr_seen.any():
            seen = step_off(levels, rng.bits(k), thr_seen, top)
        intended = np.empty_like(levels)
        for p in (0, 1):
            own, opp = spans[p], spans[1 - p]
            obs = Observation(t, levels[own], seen[opp], exposure)
            intended[own] = players[p].decide(obs, rng)
        if step is not None:
            np.clip(intended, levels - step, levels + step, out=intended)
        np.clip(intended, 0, top, out=intended)
        now = intended
        if thr_exec.any():
            now = step_off(intended, rng.bits(k), thr_exec, top)
        payoffs = game.payoffs_by_instrument(now, exposure)
        yield Step(t, levels, intended, now, payoffs)
        levels = now
