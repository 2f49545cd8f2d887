"""``scripted``: a fixed dated sequence of moves, whatever the opponent does."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from sim.stats.streams import BatchRandom
from sim.strategies.base import Facts, LevelArray, Observation, Seat, Strategy
from sim.strategies.registry import register


class Move(TypedDict, total=False):
    """One move: from ``round`` (or ``date``), ``instrument`` is at ``level`` (index or
    label)."""

    round: int
    date: dt.date
    instrument: str
    level: int | str


@dataclass(frozen=True)
class ScriptedParams:
    moves: list[Move] = field(
        default_factory=list,
        metadata={
            "doc": "moves as { round = R or date = D, instrument = NAME, level = L }; each "
            "level holds until the instrument's next move (before the first: the initial)"
        },
    )


@register
class Scripted(Strategy):
    """Plays a fixed sequence: each move sets one own instrument to a level from its round
    (or date, with the scenario's calendar) on, until that instrument's next move. Like any
    strategy's choice it is limited by ``max_step`` and subject to execution noise; a
    scenario's ``set`` events jump past both."""

    name = "scripted"
    summary = "Play a fixed dated sequence of levels, whatever the opponent does."
    Params = ScriptedParams

    def __init__(self, params: ScriptedParams, seat: Seat, n: int) -> None:
        super().__init__(params, seat, n)
        self.table = script_table(params.moves, seat)

    @classmethod
    def facts(cls, params: Any) -> Facts:
        quiet = all(m.get("level") in (0,) for m in params.moves)
        return Facts(
            nice=quiet, retaliatory=False, forgiving=quiet, stochastic=False, memory_depth=0
        )

    @classmethod
    def validate(cls, params: Any, seat: Seat) -> list[str]:
        problems: list[str] = []
        script_table(params.moves, seat, problems)
        return problems

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        row = self.table[min(obs.t, len(self.table) - 1)]
        return np.repeat(row[:, None], self.n, axis=1)


def script_table(
    moves: list[Move], seat: Seat, problems: list[str] | None = None
) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Own levels per round up to the last move, ``(last + 1, k_own)``; problems (unknown
    instrument, level off the ladder, a date without a calendar, no round) are appended
    to ``problems`` when given, else raised as ValueError."""
    found: list[str] = []
    game, own = seat.game, seat.own
    names = {game.instruments[j].name: i for i, j in enumerate(own)}
    timed: list[tuple[int, int, int]] = []
    for q, m in enumerate(moves):
        where = f"moves[{q}]"
        t = m.get("round")
        if "date" in m:
            if seat.calendar is None:
                found.append(f"{where}.date: a date needs scenario.start (or give a round)")
                continue
            t = seat.calendar.round_of(m["date"])
        if t is None or t < 0 or ("date" in m and "round" in m):
            found.append(f"{where}: give exactly one of round (>= 0) and date (from the start)")
            continue
        name = m.get("instrument", "")
        if name not in names:
            found.append(f"{where}.instrument: unknown {name!r}; expected one of {list(names)}")
            continue
        inst = game.instruments[own[names[name]]]
        level = m.get("level")
        if isinstance(level, str) and level in inst.labels:
            level = inst.labels.index(level)
        if not isinstance(level, int) or not 0 <= level < inst.n_levels:
            found.append(
                f"{where}.level: {level!r} is off the ladder of {name}: expected "
                f"0..{inst.n_levels - 1} or one of {list(inst.labels)}"
            )
            continue
        timed.append((t, names[name], level))
    if found:
        if problems is None:
            raise ValueError("; ".join(found))
        problems += found
    last = max((t for t, _, _ in timed), default=0)
    table = np.empty((last + 1, len(own)), dtype=np.int64)
    table[:] = game.initial_levels[own]
    for t, i, level in sorted(timed, key=lambda x: x[0]):  # stable: file order within a round
        table[t:, i] = level
    return table
