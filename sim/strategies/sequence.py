"""``sequence``: a repeating sequence of moves, whatever the opponent does (Axelrod's
Cycler players).

``moves = "CCD"`` plays C, C, D, C, C, D, ... from round 0. It follows its cycle whatever
it really played: under execution noise it does not answer its own flipped move (an
alternator that plays the opposite of its last move is a ``memory_n`` table, the shipped
``alternator``). Moves on ladders are those of :mod:`sim.strategies.machine` (D is one
rung up from where it stands, so a run of D's climbs the ladder).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.errors import Problem
from sim.strategies.automaton import Automaton
from sim.strategies.machine import MachineStrategy, fail, moves_of
from sim.strategies.registry import register

MAX_LENGTH = 10_000


@dataclass(frozen=True)
class SequenceParams:
    moves: str = field(
        default="CD", metadata={"doc": "the moves to repeat, C and D letters (spaces ignored)"}
    )

    def __post_init__(self) -> None:
        cycle(self)  # raises StrategyError naming the parameter


def cycle(p: SequenceParams) -> list[int]:
    """The moves, 0 (C) and 1 (D)."""
    problems: list[Problem] = []
    out = moves_of(p.moves, "moves", problems)
    if not problems and not 1 <= len(out) <= MAX_LENGTH:
        problems.append(Problem("moves", f"expected 1 to {MAX_LENGTH} moves, got {len(out)}"))
    fail(problems)
    return out


@register
class Sequence(MachineStrategy):
    """A repeating sequence of moves (module doc)."""

    name = "sequence"
    summary = "Repeat a fixed sequence of C and D moves, whatever the opponent does."
    Params = SequenceParams

    @classmethod
    def machine(cls, params: Any) -> Automaton:
        moves = cycle(params)
        k = len(moves)
        nxt = [[1] * 4] + [[1 + (i + 1) % k] * 4 for i in range(k)]
        return Automaton.deterministic(0, nxt, [0, *moves])
