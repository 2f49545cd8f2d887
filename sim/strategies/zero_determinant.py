"""Zero-determinant extortion (Press & Dyson 2012) on two-level games.

A memory-one player X whose probabilities of restraining (cooperating) after the states
CC, CD, DC, DD of the last round (X's move first) are

    p1 = 1 - phi (chi - 1) (R - P) / (P - S)
    p2 = 1 - phi (1 + chi (T - P) / (P - S))
    p3 = phi (chi + (T - P) / (P - S))
    p4 = 0

enforces ``s_X - P = chi (s_Y - P)`` on the long-run mean payoffs, whatever the other
player does (``../shared/data/literature.md`` section 5; with Axelrod's payoffs, chi = 3 and
phi = 1/26 give p = (11/13, 1/2, 7/26, 0)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from annotated_types import Ge, Gt

from sim.stats.streams import BatchRandom
from sim.strategies import automaton as fsm
from sim.strategies.automaton import Automaton
from sim.strategies.base import Facts, LevelArray, Observation, Seat, Strategy
from sim.strategies.classic import MemoryOne, MemoryOneParams
from sim.strategies.registry import register


@dataclass(frozen=True)
class ExtortionParams:
    chi: Annotated[float, Ge(1)] = field(
        default=3.0, metadata={"doc": "extortion factor: s_X - P = chi (s_Y - P)"}
    )
    phi: Annotated[float, Gt(0)] | None = field(
        default=None,
        metadata={
            "doc": "scale of the strategy; default half the largest value that keeps every "
            "probability in [0, 1] (1/26 with Axelrod's payoffs and chi = 3)"
        },
    )


def extortion_vector(
    payoffs: dict[str, float], chi: float, phi: float | None = None
) -> tuple[float, float, float, float]:
    """Press & Dyson's extortion probabilities ``(p1, p2, p3, p4)`` for payoffs R, S, T, P.

    Raises ``ValueError`` when the game is not a dilemma the formula covers
    (``T > R > P > S``) or when ``phi`` makes a probability leave [0, 1].

    >>> from fractions import Fraction
    >>> [Fraction(p).limit_denominator(100) for p in extortion_vector(
    ...     {"R": 3, "S": 0, "T": 5, "P": 1}, chi=3)]
    [Fraction(11, 13), Fraction(1, 2), Fraction(7, 26), Fraction(0, 1)]
    """
    R, S, T, P = payoffs["R"], payoffs["S"], payoffs["T"], payoffs["P"]
    if not T > R > P > S:
        raise ValueError(f"extortion needs T > R > P > S, got R={R}, S={S}, T={T}, P={P}")
    a = (T - P) / (P - S)
    limits = [1 / (1 + chi * a), 1 / (chi + a)]
    if chi > 1:
        limits.append((P - S) / ((chi - 1) * (R - P)))
    largest = min(limits)
    if phi is None:
        phi = largest / 2
    elif phi > largest:
        raise ValueError(f"phi = {phi} is too large; at most {largest:.6g} for this game")
    p1 = 1 - phi * (chi - 1) * (R - P) / (P - S)
    p2 = 1 - phi * (1 + chi * a)
    p3 = phi * (chi + a)
    return (p1, p2, p3, 0.0)


@register
class Extortion(Strategy):
    """Zero-determinant extortion on a two-level game (one C/D instrument per player).

    Plays the memory-one strategy :func:`extortion_vector` computes from its own side's
    restrain-versus-escalate payoffs; in round 0 it restrains with probability p1 (as if the
    last round had been mutual restraint).
    """

    name = "extortion"
    summary = "Zero-determinant extortioner: enforce s_X - P = chi (s_Y - P) (two-level games)."
    Params = ExtortionParams

    def __init__(self, params: ExtortionParams, seat: Seat, n: int) -> None:
        super().__init__(params, seat, n)
        p1, p2, p3, p4 = extortion_vector(seat.game.reduction(seat.player), params.chi, params.phi)
        inner = MemoryOneParams(p_cc=p1, p_cd=p2, p_dc=p3, p_dd=p4, p0=p1)
        self.inner = MemoryOne(inner, seat, n)

    @classmethod
    def facts(cls, params: Any) -> Facts:
        return Facts(nice=False, retaliatory=True, forgiving=True, stochastic=True, memory_depth=1)

    @classmethod
    def validate(cls, params: Any, seat: Seat) -> list[str]:
        game = seat.game
        if any(len(game.of(p)) != 1 or game.n_levels[game.of(p)[0]] != 2 for p in (0, 1)):
            return ["extortion needs a two-level game: one instrument with two levels per player"]
        try:
            extortion_vector(game.reduction(seat.player), params.chi, params.phi)
        except ValueError as exc:
            return [str(exc)]
        return []

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        return self.inner.decide(obs, rng)

    @classmethod
    def automaton(cls, params: Any, seat: Seat) -> Automaton:
        p1, p2, p3, p4 = extortion_vector(seat.game.reduction(seat.player), params.chi, params.phi)
        inner = MemoryOneParams(p_cc=p1, p_cd=p2, p_dc=p3, p_dd=p4, p0=p1)
        return fsm.memory_one(p1, [[p1, p2], [p3, p4]], MemoryOne.facts(inner).stochastic)
