"""The strategy protocol: declared facts, what a strategy sees, and how it decides.

A strategy decides target levels for its owner's instruments, for every match of a batch
at once. It keeps its memory in arrays it owns (one instance per batch). Arrays are
instrument-major: shape ``(n_instruments_of_a_player, n_matches)``.

On ladders, "cooperate" means the baseline (level 0) on every instrument and "defect"
means escalation. A player counts as *escalated* when any of its instruments is above
baseline.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from sim.model import Game
from sim.scenario.calendar import Calendar
from sim.stats.streams import BatchRandom

if TYPE_CHECKING:
    from sim.strategies.automaton import Automaton

LevelArray = NDArray[np.integer[Any]]


@dataclass(frozen=True)
class Facts:
    """What a strategy declares about itself; the test suite checks each by simulation.

    Attributes
    ----------
    nice : never escalates first (in noiseless play).
    retaliatory : escalates after the opponent escalates.
    forgiving : after a single escalation by the opponent, it ends at baseline for good
        (with probability 1).
    stochastic : uses random numbers for its own decisions (noise aside).
    memory_depth : how many past rounds it looks at (``math.inf`` for unbounded).
    """

    nice: bool
    retaliatory: bool
    forgiving: bool
    stochastic: bool
    memory_depth: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "nice": self.nice,
            "retaliatory": self.retaliatory,
            "forgiving": self.forgiving,
            "stochastic": self.stochastic,
            "memory_depth": "inf" if math.isinf(self.memory_depth) else int(self.memory_depth),
        }


@dataclass(frozen=True, eq=False)
class Seat:
    """A strategy's place in the game: which player it plays and the game's structure."""

    game: Game
    player: int
    calendar: Calendar | None = None

    @cached_property
    def own(self) -> list[int]:
        """Game indices of the player's instruments."""
        return self.game.of(self.player)

    @cached_property
    def opp(self) -> list[int]:
        """Game indices of the opponent's instruments."""
        return self.game.of(1 - self.player)

    @cached_property
    def own_top(self) -> LevelArray:
        """Top level of each own instrument, shape ``(k_own, 1)`` (broadcasts over matches)."""
        return (self.game.n_levels[self.own] - 1)[:, None]

    @cached_property
    def pairs(self) -> list[tuple[int, int]]:
        """``(own position, opponent position)`` for every opponent instrument, pairing each
        with the own instrument that answers it (``answers`` in the scenario, else position)."""
        pos = {g: i for i, g in enumerate(self.own)}
        return [(pos[int(self.game.answer_of[j])], jp) for jp, j in enumerate(self.opp)]

    @cached_property
    def _mirror_is_identity(self) -> bool:
        top = self.game.n_levels
        return len(self.own) == len(self.opp) and all(
            i == jp and top[self.own[i]] == top[self.opp[jp]] for i, jp in self.pairs
        )

    def mirror(self, opp_levels: LevelArray) -> LevelArray:
        """Own levels that copy the opponent's on paired instruments, as a share of each
        ladder rounded up (identical rungs when ladders have the same length). May return
        ``opp_levels`` itself: do not modify the result in place."""
        if self._mirror_is_identity:
            return opp_levels
        n = opp_levels.shape[1]
        target = np.zeros((len(self.own), n), dtype=np.int64)
        top = self.game.n_levels - 1
        for i, jp in self.pairs:
            ti, tj = int(top[self.own[i]]), int(top[self.opp[jp]])
            lv = opp_levels[jp] if ti == tj else -((-opp_levels[jp].astype(np.int64) * ti) // tj)
            np.maximum(target[i], lv, out=target[i])
        return target

    def step_up(self, own_levels: LevelArray) -> LevelArray:
        """One rung up on every own instrument (clipped at the top): the ladder 'defect'."""
        return np.minimum(own_levels + 1, self.own_top)


@dataclass(frozen=True)
class TruceView:
    """What a player knows about truces and rapport (scenarios with truce machinery).

    Attributes
    ----------
    active : ``(n_matches,)`` whether a truce is in force this round
    own_caps : ``(k_own, n_matches)`` the caps on its own instruments (the top level where
        no truce is in force or the truce leaves an instrument free)
    opp_caps : ``(k_opp, n_matches)`` the caps on the opponent's instruments
    rapport : ``(n_matches,)`` rapport in [0, 1]
    """

    active: NDArray[np.bool_]
    own_caps: LevelArray
    opp_caps: LevelArray
    rapport: NDArray[np.float64]

    def breached_by_opponent(self, opp: LevelArray) -> NDArray[np.bool_]:
        """Matches where a truce is in force and ``opp`` (as perceived) exceeds its caps."""
        out: NDArray[np.bool_] = self.active & np.any(opp > self.opp_caps, axis=0)
        return out

    def keep(self, target: LevelArray, opp: LevelArray) -> LevelArray:
        """``target`` held within the own caps while a truce is in force and the opponent
        is not seen breaching it."""
        keeping = self.active & ~self.breached_by_opponent(opp)
        if not keeping.any():
            return target
        out: LevelArray = np.where(keeping, np.minimum(target, self.own_caps), target)
        return out


@dataclass(frozen=True)
class Observation:
    """What a player knows when it decides round ``t``.

    Attributes
    ----------
    t : round index (0 is the first round; ``own`` and ``opp`` then show the initial state)
    own : shape ``(k_own, n_matches)``, its own levels now (as they really are)
    opp : shape ``(k_opp, n_matches)``, the opponent's levels as it perceives them
    exposure : shape ``(n_instruments,)``, each target's exposure this round
    own_intended : shape ``(k_own, n_matches)``, the levels it chose last round (before
        execution noise; where they differ from ``own``, its move went wrong); in round 0
        the initial levels
    truce : truces and rapport (``None`` when the scenario has no truce machinery)
    """

    t: int
    own: LevelArray
    opp: LevelArray
    exposure: NDArray[np.float64] = field(repr=False)
    own_intended: LevelArray | None = field(default=None, repr=False)
    truce: TruceView | None = field(default=None, repr=False)


class Strategy(ABC):
    """One decision method over a batch of matches.

    Subclasses set ``name`` (the registry name), ``Params`` (a frozen dataclass of typed
    parameters with defaults) and ``summary``; they implement :meth:`facts` and
    :meth:`decide`. An instance serves one batch of ``n`` matches for one seat.
    """

    name: ClassVar[str]
    summary: ClassVar[str]
    Params: ClassVar[type[Any]]

    def __init__(self, params: Any, seat: Seat, n: int) -> None:
        self.params = params
        self.seat = seat
        self.n = n

    @classmethod
    @abstractmethod
    def facts(cls, params: Any) -> Facts:
        """The facts of this strategy under ``params``."""

    @classmethod
    def validate(cls, params: Any, seat: Seat) -> list[str]:
        """Problems with playing ``params`` in ``seat`` (e.g. a game it is not defined on);
        the scenario loader reports them, located at the player's strategy."""
        return []

    @classmethod
    def automaton(cls, params: Any, seat: Seat) -> Automaton | None:
        """This strategy as a finite automaton in a two-move game (``seat`` has one
        two-level instrument per player), or ``None`` (the default): tournaments then run
        it by table lookup (:mod:`sim.strategies.automaton`). It must play exactly as
        :meth:`decide` does, drawing the same uniforms; the test suite checks this."""
        return None

    def take_over(self, obs: Observation) -> None:
        """Take over from the state in force, once, before the first :meth:`decide` whose
        choice takes effect: round 0, or the first round after a replay.

        ``obs`` shows the true levels in force (no perception noise), the exposure and the
        truce in force. A strategy whose memory reaches back in time (a lag, a counter, a
        grudge) sets it here to what it would hold had that state stood for as long as the
        memory reaches (after a replay, its memory already holds the replayed record: it
        has observed and decided in every replayed round). The default does nothing, which
        is right for a strategy that reads only the current observation.
        """
        return None

    @abstractmethod
    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        """Target levels for the own instruments, shape ``(k_own, n_matches)``.

        The engine clips them to the ladder and to ``max_step`` before execution noise.
        """


def escalated(levels: LevelArray) -> NDArray[np.bool_]:
    """Shape ``(n_matches,)``: whether any instrument is above baseline."""
    out: NDArray[np.bool_] = np.any(levels > 0, axis=0)
    return out
