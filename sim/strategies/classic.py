"""The classic repeated-game strategies, generalised from two moves to instrument ladders.

Throughout: *cooperate* = every own instrument at baseline (level 0); *defect* = one rung up
on every own instrument from where it now stands (so repeated defection climbs the ladder,
and on a two-level ladder it is exactly D); a player is *escalated* when any of its
instruments is above baseline. Each docstring states how the classic generalises. With one
two-level instrument per player, every strategy here is the textbook one and agrees with
the Axelrod library move for move (tests/strategies/test_axelrod_golden.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Annotated, Any

import numpy as np
from annotated_types import Ge, Le

from sim.stats.streams import BatchRandom
from sim.strategies import automaton as fsm
from sim.strategies.automaton import Automaton
from sim.strategies.base import Facts, LevelArray, Observation, Seat, Strategy, escalated
from sim.strategies.registry import register

Probability = Annotated[float, Ge(0), Le(1)]


@dataclass(frozen=True)
class NoParams:
    """This strategy takes no parameters."""


@register
class TitForTat(Strategy):
    """Tit-for-tat (Rapoport; Axelrod 1984).

    Ladders: each own instrument copies the level the opponent held last round on the
    paired instrument (``answers`` in the scenario, else by position), as the same share of
    the ladder rounded up. Starts by copying the initial state (baseline in the IPD: C).
    """

    name = "tit_for_tat"
    summary = "Copy the opponent's last level on the paired instrument."
    Params = NoParams

    @classmethod
    def facts(cls, params: Any) -> Facts:
        return Facts(nice=True, retaliatory=True, forgiving=True, stochastic=False, memory_depth=1)

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        return self.seat.mirror(obs.opp)

    @classmethod
    def automaton(cls, params: Any, seat: Seat) -> Automaton:
        return Automaton.deterministic(0, fsm.MIRROR_NEXT, [0, 1])


@dataclass(frozen=True)
class GenerousParams:
    g: Probability | None = field(
        default=None,
        metadata={
            "doc": "probability of forgiving an escalated opponent each round; default from the "
            "game: min(1-(T-R)/(R-S), (R-P)/(T-P)) (Nowak & Sigmund 1992; 1/3 for 5,3,1,0)"
        },
    )


@register
class GenerousTitForTat(Strategy):
    """Generous tit-for-tat (Nowak & Sigmund 1992; Molander 1985).

    Ladders: as tit-for-tat, but when the opponent is escalated it restrains completely
    (all own instruments at baseline) with probability ``g``, one draw per match and round.
    The default ``g`` comes from the game's restrain-versus-escalate reduction (R, S, T, P)
    seen from the own side, ``min(1 - (T-R)/(R-S), (R-P)/(T-P))`` clipped to [0, 1]; 1/3
    with Axelrod's payoffs.
    """

    name = "generous_tit_for_tat"
    summary = "Tit-for-tat that forgives an escalation with probability g."
    Params = GenerousParams

    def __init__(self, params: GenerousParams, seat: Seat, n: int) -> None:
        super().__init__(params, seat, n)
        self.g = params.g if params.g is not None else generosity(seat)

    @classmethod
    def facts(cls, params: Any) -> Facts:
        # With g = None the generosity comes from the game; facts assume 0 < g < 1 then.
        g = params.g
        return Facts(
            nice=True,
            retaliatory=g is None or g < 1,
            forgiving=True,
            stochastic=g is None or 0 < g < 1,
            memory_depth=1,
        )

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        forgive = rng.random(1)[0] < self.g
        return np.where(forgive & escalated(obs.opp), 0, self.seat.mirror(obs.opp))

    @classmethod
    def automaton(cls, params: Any, seat: Seat) -> Automaton:
        g = params.g if params.g is not None else generosity(seat)
        return Automaton.of(0, fsm.MIRROR_NEXT, [1.0, g], [0, 0], [0, 1], draws=1)


def generosity(seat: Seat) -> float:
    """Generous tit-for-tat's g from the seat's restrain-versus-escalate reduction."""
    r = seat.game.reduction(seat.player)
    R, S, T, P = r["R"], r["S"], r["T"], r["P"]
    if R == S or T == P:
        return 1.0 / 3.0
    return float(np.clip(min(1 - (T - R) / (R - S), (R - P) / (T - P)), 0.0, 1.0))


@register
class TitForTwoTats(Strategy):
    """Tit-for-two-tats (Axelrod 1984).

    Ladders: mirrors the *lower* of the opponent's last two levels on each paired
    instrument, so it escalates only against an escalation held for two rounds.
    """

    name = "tit_for_two_tats"
    summary = "Mirror the opponent only when it escalated two rounds running."
    Params = NoParams

    def __init__(self, params: Any, seat: Seat, n: int) -> None:
        super().__init__(params, seat, n)
        self.before: LevelArray = np.zeros((len(seat.opp), n), dtype=np.int64)

    @classmethod
    def facts(cls, params: Any) -> Facts:
        return Facts(nice=True, retaliatory=True, forgiving=True, stochastic=False, memory_depth=2)

    def take_over(self, obs: Observation) -> None:
        self.before = obs.opp.astype(np.int64)  # the opponent held its levels in force

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        target = self.seat.mirror(np.minimum(obs.opp, self.before))
        self.before = obs.opp.copy()
        return target

    @classmethod
    def automaton(cls, params: Any, seat: Seat) -> Automaton:
        # state = 2 * (level seen the round before) + (level seen last)
        nxt = [[2 * (s & 1) + (x & 1) for x in range(4)] for s in range(4)]
        return Automaton.deterministic(0, nxt, [(s >> 1) & s & 1 for s in range(4)])


@register
class GrimTrigger(Strategy):
    """Grim trigger (Friedman 1971), Axelrod's Grudger.

    Ladders: restrains until it first sees the opponent escalated on any instrument, then
    escalates every instrument to the top of its ladder for the rest of the match.
    """

    name = "grim_trigger"
    summary = "Restrain until the opponent first escalates, then escalate fully forever."
    Params = NoParams

    def __init__(self, params: Any, seat: Seat, n: int) -> None:
        super().__init__(params, seat, n)
        self.triggered = np.zeros(n, dtype=bool)

    @classmethod
    def facts(cls, params: Any) -> Facts:
        return Facts(
            nice=True, retaliatory=True, forgiving=False, stochastic=False, memory_depth=math.inf
        )

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        self.triggered |= escalated(obs.opp)
        return self.seat.own_top * self.triggered

    @classmethod
    def automaton(cls, params: Any, seat: Seat) -> Automaton:
        return Automaton.deterministic(0, [[0, 1, 0, 1], [1, 1, 1, 1]], [0, 1])


@register
class WinStayLoseShift(Strategy):
    """Win-stay, lose-shift, also called Pavlov (Nowak & Sigmund 1993).

    A round is a *win* when the opponent was not escalated (payoff R or T in the IPD) and a
    *loss* when it was (S or P). Ladders: after a win it keeps its own levels; after a loss
    it shifts: from baseline it defects (one rung up everywhere), from an escalated state it
    returns to baseline.
    """

    name = "win_stay_lose_shift"
    summary = "Keep your levels after a round the opponent restrained; otherwise switch."
    Params = NoParams

    @classmethod
    def facts(cls, params: Any) -> Facts:
        # Not forgiving in the sense of Facts: once it has escalated against an opponent
        # that then restrains, it "wins" and stays escalated (it exploits a cooperator).
        return Facts(
            nice=True, retaliatory=True, forgiving=False, stochastic=False, memory_depth=1
        )

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        lose = escalated(obs.opp)
        me_up = escalated(obs.own)
        shifted = np.where(me_up, 0, self.seat.step_up(obs.own))
        return np.where(lose, shifted, obs.own)

    @classmethod
    def automaton(cls, params: Any, seat: Seat) -> Automaton:
        # state = last round's x = 2 * own + seen; it plays own XOR seen
        return Automaton.deterministic(
            0, [[0, 1, 2, 3]] * 4, [(x >> 1) ^ (x & 1) for x in range(4)]
        )


@dataclass(frozen=True)
class MemoryOneParams:
    p_cc: Probability = field(default=1.0, metadata={"doc": "P(restrain) after both restrained"})
    p_cd: Probability = field(
        default=0.0, metadata={"doc": "P(restrain) after it restrained and the opponent escalated"}
    )
    p_dc: Probability = field(
        default=1.0, metadata={"doc": "P(restrain) after it escalated and the opponent restrained"}
    )
    p_dd: Probability = field(default=0.0, metadata={"doc": "P(restrain) after both escalated"})
    p0: Probability = field(default=1.0, metadata={"doc": "P(restrain) in the first round"})


@register
class MemoryOne(Strategy):
    """Memory-one strategy (Nowak & Sigmund; Press & Dyson 2012 notation).

    Restrains with probability ``p_cc``, ``p_cd``, ``p_dc`` or ``p_dd`` according to last
    round's state (own escalated?, opponent escalated?), and with ``p0`` in round 0;
    otherwise defects (one rung up everywhere). With the defaults it plays tit-for-tat on
    two-level ladders that start at baseline, except that in round 0 it restrains whatever
    it perceives (tit-for-tat copies the initial state as perceived).
    """

    name = "memory_one"
    summary = "Restrain with a probability set by last round's (own, opponent) state."
    Params = MemoryOneParams

    def __init__(self, params: MemoryOneParams, seat: Seat, n: int) -> None:
        super().__init__(params, seat, n)
        self.stochastic = self.facts(params).stochastic
        self.table = np.array([[params.p_cc, params.p_cd], [params.p_dc, params.p_dd]])

    @classmethod
    def facts(cls, params: Any) -> Facts:
        p = params
        probs = (p.p_cc, p.p_cd, p.p_dc, p.p_dd, p.p0)
        return Facts(
            nice=p.p0 == 1 and p.p_cc == 1,
            retaliatory=p.p_cd < 1,
            forgiving=p.p_dc > 0,
            stochastic=any(0 < x < 1 for x in probs),
            memory_depth=1,
        )

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        p = self.params
        if obs.t == 0:
            prob = np.full(self.n, p.p0)
        else:
            prob = self.table[escalated(obs.own).astype(int), escalated(obs.opp).astype(int)]
        if self.stochastic:
            restrain = rng.random(1)[0] < prob
        else:
            restrain = prob == 1
        return np.where(restrain, 0, self.seat.step_up(obs.own))

    @classmethod
    def automaton(cls, params: Any, seat: Seat) -> Automaton:
        p = params
        stochastic: bool = cls.facts(p).stochastic
        return fsm.memory_one(p.p0, [[p.p_cc, p.p_cd], [p.p_dc, p.p_dd]], stochastic)


@register
class AlwaysEscalate(Strategy):
    """Always escalate (Axelrod's Defector). Ladders: targets the top of every ladder every
    round, so with ``max_step`` it climbs as fast as allowed."""

    name = "always_escalate"
    summary = "Target the top of every ladder, every round."
    Params = NoParams

    @classmethod
    def facts(cls, params: Any) -> Facts:
        return Facts(
            nice=False, retaliatory=False, forgiving=False, stochastic=False, memory_depth=0
        )

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        return np.broadcast_to(self.seat.own_top, obs.own.shape).copy()

    @classmethod
    def automaton(cls, params: Any, seat: Seat) -> Automaton:
        return fsm.fixed(1)


@register
class Appease(Strategy):
    """Appease, never escalate (Axelrod's Cooperator). Ladders: baseline everywhere."""

    name = "appease"
    summary = "Stay at baseline on every instrument, whatever happens."
    Params = NoParams

    @classmethod
    def facts(cls, params: Any) -> Facts:
        return Facts(
            nice=True, retaliatory=False, forgiving=True, stochastic=False, memory_depth=0
        )

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        return np.zeros_like(obs.own)

    @classmethod
    def automaton(cls, params: Any, seat: Seat) -> Automaton:
        return fsm.fixed(0)


@dataclass(frozen=True)
class RandomParams:
    p: Probability = field(default=0.5, metadata={"doc": "probability of escalating in a round"})


@register
class Random(Strategy):
    """Random play (Axelrod's Random). Ladders: each round, with probability ``p`` it
    escalates to a level drawn uniformly from 1..top on every instrument (independently);
    otherwise it restrains. On two-level ladders it draws one uniform per round."""

    name = "random"
    summary = "Escalate at random with probability p each round."
    Params = RandomParams

    @classmethod
    def facts(cls, params: Any) -> Facts:
        return Facts(
            nice=params.p == 0,
            retaliatory=False,
            forgiving=params.p < 1,
            stochastic=params.p > 0,
            memory_depth=0,
        )

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        top = self.seat.own_top
        if np.all(top == 1):  # two-level ladders: one uniform per round decides
            escalate = (rng.random(1) < self.params.p).astype(np.int8)
            return np.repeat(escalate, len(top), axis=0)
        u = rng.random(1 + obs.own.shape[0])
        level = 1 + (u[1:] * top).astype(np.int64)
        return np.where(u[0] < self.params.p, level, 0)

    @classmethod
    def automaton(cls, params: Any, seat: Seat) -> Automaton:
        return Automaton.of(0, [[0, 0, 0, 0]], [params.p], [1], [0], draws=1)


@register
class ContriteTitForTat(Strategy):
    """Contrite tit-for-tat (Boyd 1989; Wu & Axelrod 1995): tit-for-tat that owns up to
    its own mistakes.

    When execution noise raised one of its levels above what it chose while the opponent
    was not escalated, it becomes *contrite*: it does not answer the retaliation that its
    error provokes. Ladders: as tit-for-tat (mirroring paired instruments), except that
    while contrite and back at baseline it restrains, and then leaves the contrite state.
    Without noise it is tit-for-tat.
    """

    name = "contrite_tit_for_tat"
    summary = "Tit-for-tat that does not retaliate against retaliation for its own errors."
    Params = NoParams

    def __init__(self, params: Any, seat: Seat, n: int) -> None:
        super().__init__(params, seat, n)
        self.contrite = np.zeros(n, dtype=bool)

    @classmethod
    def facts(cls, params: Any) -> Facts:
        return Facts(nice=True, retaliatory=True, forgiving=True, stochastic=False, memory_depth=2)

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        target = self.seat.mirror(obs.opp)
        apologise = self.contrite & ~escalated(obs.own)
        self.contrite &= ~apologise
        if obs.own_intended is not None:
            slipped = np.any(obs.own > obs.own_intended, axis=0) & ~escalated(obs.opp)
            self.contrite |= slipped
        return np.where(apologise, 0, target)


@register
class Gradual(Strategy):
    """Gradual (Beaufils, Delahaye & Mathieu 1996; the version of the Axelrod library's
    ``Gradual``, after the CRISTAL-SMAC implementation).

    Restrains in round 0. Afterwards, when the opponent was escalated last round and it is
    neither punishing nor calming down, it punishes: it defects for as many rounds as the
    opponent has been escalated so far (this round included), then restrains for two rounds
    whatever happens. Ladders: *defect* is one rung up on every instrument, *restrain* the
    baseline; the opponent counts as escalated when any of its instruments is above
    baseline as perceived.
    """

    name = "gradual"
    summary = "Punish the n-th escalation with n escalating rounds, then restrain twice."
    Params = NoParams

    def __init__(self, params: Any, seat: Seat, n: int) -> None:
        super().__init__(params, seat, n)
        self.escalations = np.zeros(n, dtype=np.int64)  # rounds the opponent was escalated
        self.punish = np.zeros(n, dtype=np.int64)
        self.calm = np.zeros(n, dtype=np.int64)

    @classmethod
    def facts(cls, params: Any) -> Facts:
        return Facts(
            nice=True,
            retaliatory=True,
            forgiving=True,
            stochastic=False,
            memory_depth=math.inf,
        )

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        if obs.t == 0:
            return np.zeros_like(obs.own)
        hit = escalated(obs.opp)
        self.escalations += hit
        punishing = self.punish > 0
        self.punish -= punishing
        calming = ~punishing & (self.calm > 0)
        self.calm -= calming
        trigger = ~punishing & ~calming & hit
        self.punish[trigger] = self.escalations[trigger] - 1
        self.calm[trigger] = 2
        return np.where(punishing | trigger, self.seat.step_up(obs.own), 0)
