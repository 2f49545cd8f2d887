"""``escalate_to_negotiate``: climb to build leverage, then deal and keep the deal.

The US pattern of 2025 (``../shared/data/literature.md`` section 10 and its observed
pattern table): every escalation round began with a US step; the climb stopped at a level
that hurt enough (145% by 2025-04-10) and turned into truces (Geneva 2025-05-12, Busan
2025-10-30) that it kept while they held.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

import numpy as np
from annotated_types import Ge

from sim.stats.streams import BatchRandom
from sim.strategies.base import Facts, LevelArray, Observation, Seat, Strategy
from sim.strategies.registry import register


@dataclass(frozen=True)
class EscalateToNegotiateParams:
    threshold: Annotated[float, Ge(0)] | None = field(
        default=None,
        metadata={
            "doc": "pain per round it wants to inflict on the opponent (payoff units) before "
            "it stops climbing; none: climb to the top"
        },
    )
    interval: Annotated[int, Ge(1)] = field(
        default=1, metadata={"doc": "rounds between two steps up (1: a step every round)"}
    )


@register
class EscalateToNegotiate(Strategy):
    """Escalates one rung at a time until the pain it inflicts passes ``threshold`` or a
    truce forms; keeps a truce until the opponent is seen breaching it; climbs again when
    no truce is in force and the pain is below the threshold.

    Each step goes up the own instrument whose next rung adds the most pain on the
    opponent per unit of added own cost (its marginal leverage; ties: declaration order),
    at most one step every ``interval`` rounds. It never steps down by itself: only a truce
    lowers its levels. It ignores what the opponent does, except for truce breaches.
    """

    name = "escalate_to_negotiate"
    summary = "Climb one rung at a time until the opponent hurts enough, then keep truces."
    Params = EscalateToNegotiateParams

    def __init__(self, params: EscalateToNegotiateParams, seat: Seat, n: int) -> None:
        super().__init__(params, seat, n)
        game, own = seat.game, seat.own
        self.pain = np.maximum(game.pain[own], 0.0)  # (k_own, L)
        self.cost = game.cost[own]
        self.top = seat.own_top[:, 0].astype(np.int64)
        self.last = np.full(n, -(10**9), dtype=np.int64)  # round of the last step up

    @classmethod
    def facts(cls, params: Any) -> Facts:
        return Facts(
            nice=False, retaliatory=True, forgiving=False, stochastic=False, memory_depth=0
        )

    def take_over(self, obs: Observation) -> None:
        # Steps it "took" in replayed rounds were the record's, not its own: its interval
        # counts from its first step after it takes over.
        self.last[:] = -(10**9)

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        truce = obs.truce
        due = obs.t - self.last >= self.params.interval
        if truce is not None:
            due &= ~truce.active
        cols = np.flatnonzero(due)
        target = obs.own
        if cols.size:
            own = obs.own[:, cols].astype(np.int64)
            e = obs.exposure[self.seat.own][:, None]
            rows = np.arange(len(self.seat.own))[:, None]
            pain_now = e * self.pain[rows, own]
            if self.params.threshold is not None:
                below = pain_now.sum(axis=0) < self.params.threshold
                cols, own, pain_now = cols[below], own[:, below], pain_now[:, below]
            nxt = np.minimum(own + 1, self.top[:, None])
            more_pain = e * self.pain[rows, nxt] - pain_now
            more_cost = np.maximum(self.cost[rows, nxt] - self.cost[rows, own], 1e-9)
            score = np.where(own < self.top[:, None], more_pain / more_cost, -np.inf)
            climbing = np.isfinite(score.max(axis=0))
            if climbing.any():
                best = np.argmax(score[:, climbing], axis=0)  # first of equals: declared order
                cols = cols[climbing]
                target = obs.own.copy()
                target[best, cols] += 1
                self.last[cols] = obs.t
        if truce is not None:
            return truce.keep(target, obs.opp)
        return target
