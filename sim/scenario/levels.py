"""Rounds, players, instruments and levels named in a scenario file, as engine indices
(dates or rounds; levels by index or label), with located problems."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sim.errors import Problem
from sim.model import Game
from sim.scenario.calendar import Calendar


def event_round(
    event: Any, where: str, cal: Calendar | None, rounds: int, problems: list[Problem]
) -> int | None:
    """The round of an event, or ``None`` (with a problem recorded)."""
    if (event.date is None) == (event.round is None):
        problems.append(Problem(where, "give exactly one of `date` and `round`"))
        return None
    if event.date is not None:
        return date_round(event.date, f"{where}.date", cal, rounds, problems)
    assert event.round is not None
    if event.round >= rounds:
        problems.append(
            Problem(f"{where}.round", f"outside the horizon: expected 0..{rounds - 1}")
        )
        return None
    return int(event.round)


def date_round(
    date: dt.date, where: str, cal: Calendar | None, rounds: int, problems: list[Problem]
) -> int | None:
    if cal is None:
        problems.append(Problem(where, "a date needs scenario.start (or give a round)"))
        return None
    t = cal.round_of(date)
    if not 0 <= t < rounds:
        last = cal.date_of(rounds) - dt.timedelta(days=1)
        problems.append(
            Problem(where, f"{date} is outside the horizon: expected {cal.start} .. {last}")
        )
        return None
    return t


def instrument_of(
    game: Game, player: str, name: str, where: str, problems: list[Problem]
) -> int | None:
    if player not in game.players:
        expected = f"expected one of {list(game.players)}"
        problems.append(Problem(where, f"unknown player {player!r}; {expected}"))
        return None
    owner = game.players.index(player)
    own = {game.instruments[j].name: j for j in game.of(owner)}
    if name not in own:
        problems.append(
            Problem(where, f"unknown instrument {name!r} of {player}; expected one of {list(own)}")
        )
        return None
    return own[name]


def level_of(
    game: Game, j: int, level: int | str, where: str, problems: list[Problem]
) -> int | None:
    inst = game.instruments[j]
    if isinstance(level, int) and 0 <= level < inst.n_levels:
        return level
    if isinstance(level, str) and level in inst.labels:
        return inst.labels.index(level)
    problems.append(
        Problem(
            where,
            f"level {level!r} is off the ladder of {inst.name}: expected 0..{inst.n_levels - 1} "
            f"or one of {list(inst.labels)}",
        )
    )
    return None


def caps_of(
    game: Game,
    table: dict[str, dict[str, int | str]],
    default: int,
    where: str,
    problems: list[Problem],
) -> tuple[int, ...] | None:
    """A cap per instrument from ``{player: {instrument: level}}`` (``default`` for the
    instruments not named), or ``None`` (with problems recorded)."""
    caps = [default] * game.n_instruments
    ok = True
    for player, levels in table.items():
        for name, level in levels.items():
            at = f"{where}.{player}.{name}"
            j = instrument_of(game, player, name, at, problems)
            lvl = None if j is None else level_of(game, j, level, at, problems)
            if j is None or lvl is None:
                ok = False
            else:
                caps[j] = lvl
    return tuple(caps) if ok else None
