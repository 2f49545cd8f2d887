"""Compile a scenario's dated events and truce settings into a :class:`Schedule`.

Dates become rounds through the scenario's calendar; players, instruments and levels
(indices or labels) become engine indices. Every problem is located in the file
(``events[3].caps.US.tariff``) and says what was expected.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.errors import Problem
from sim.model import Game
from sim.scenario.bargaining import compile_bargaining
from sim.scenario.calendar import Calendar
from sim.scenario.levels import caps_of, date_round, event_round, instrument_of, level_of
from sim.scenario.schedule import (
    FREE,
    FREEZE,
    Negotiation,
    Schedule,
    TruceKind,
    TruceStart,
    resolve_caps,
)
from sim.scenario.schema import ScenarioFile, SetEvent, ThreatEvent, TruceEvent

if TYPE_CHECKING:
    import pandas as pd


def calendar_of(data: ScenarioFile) -> Calendar | None:
    meta = data.scenario
    return None if meta.start is None else Calendar(meta.start, meta.period)


def compile_schedule(data: ScenarioFile, game: Game, problems: list[Problem]) -> Schedule:
    """The :class:`Schedule` of ``data`` (problems are appended to ``problems``)."""
    cal, rounds = calendar_of(data), data.simulation.rounds
    sets: dict[int, list[tuple[int, int]]] = {}
    starts: list[tuple[int, int, str, TruceEvent, tuple[int, ...]]] = []  # round, index, ...
    for i, ev in enumerate(data.events):
        where = f"events[{i}]"
        t = event_round(ev, where, cal, rounds, problems)
        if isinstance(ev, SetEvent):
            j = instrument_of(game, ev.player, ev.instrument, f"{where}.instrument", problems)
            lvl = None if j is None else level_of(game, j, ev.level, f"{where}.level", problems)
            if t is not None and j is not None and lvl is not None:
                sets.setdefault(t, []).append((j, lvl))
        elif isinstance(ev, ThreatEvent):
            if ev.instrument is not None:
                instrument_of(game, ev.player, ev.instrument, f"{where}.instrument", problems)
            elif ev.player not in game.players:
                problems.append(
                    Problem(f"{where}.player", f"unknown player; expected one of {game.players}")
                )
        else:
            caps = _caps(game, ev, where, problems)
            if t is not None and caps is not None:
                starts.append((t, i, ev.name, ev, caps))
    kinds, by_name = _kinds(data, starts, problems)
    _check_overlaps(starts, cal, problems)
    replay = -1
    if data.simulation.replay_until is not None:
        r = date_round(
            data.simulation.replay_until, "simulation.replay_until", cal, rounds, problems
        )
        replay = -1 if r is None else r
    start_events: dict[int, list[TruceStart]] = {}
    for t, _, name, ev, caps in sorted(starts, key=lambda s: (s[0], s[1])):
        start_events.setdefault(t, []).append(TruceStart(by_name[name], caps, ev.bargained))
    negotiation = None
    neg = data.truces.negotiation
    if neg is not None:
        bad = sorted(set(neg.threshold) ^ set(game.players))
        if bad:
            problems.append(
                Problem(
                    "truces.negotiation.threshold",
                    f"expected one threshold per player {list(game.players)}; check {bad}",
                )
            )
        if neg.name in by_name:
            problems.append(
                Problem(
                    "truces.negotiation.name",
                    f"{neg.name!r} is the name of a scheduled truce; give negotiated truces "
                    "their own name",
                )
            )
        kinds.append(TruceKind(neg.name, neg.term, data.truces.renewal))
        thr = tuple(neg.threshold.get(p, 0.0) for p in game.players)
        negotiation = Negotiation(
            (thr[0], thr[1]),
            neg.min_rapport,
            neg.p_agree,
            len(kinds) - 1,
            "baseline" if neg.rollback is None else neg.rollback,
        )
    rule, record = compile_bargaining(data, game, cal, starts, replay, problems)
    rap = data.truces.rapport
    return Schedule(
        sets={t: tuple(v) for t, v in sets.items()},
        starts={t: tuple(v) for t, v in start_events.items()},
        kinds=tuple(kinds),
        replay=replay,
        script=_script(game, replay, sets, start_events),
        rapport=(rap.initial, rap.erosion, rap.repair),
        negotiation=negotiation,
        bargaining=rule,
        record=record,
    )


def _caps(
    game: Game, ev: TruceEvent, where: str, problems: list[Problem]
) -> tuple[int, ...] | None:
    if ev.bargained:
        if ev.caps:
            problems.append(
                Problem(
                    f"{where}.caps",
                    "a bargained truce takes its caps from [bargaining]; give no caps",
                )
            )
            return None
        return (FREEZE,) * game.n_instruments
    default = FREEZE if ev.others == "freeze" else FREE
    return caps_of(game, ev.caps, default, f"{where}.caps", problems)


def _kinds(
    data: ScenarioFile,
    starts: Sequence[tuple[int, int, str, TruceEvent, tuple[int, ...]]],
    problems: list[Problem],
) -> tuple[list[TruceKind], dict[str, int]]:
    kinds: list[TruceKind] = []
    by_name: dict[str, int] = {}
    for _, i, name, ev, _ in starts:
        renewal = data.truces.renewal if ev.renewal is None else ev.renewal
        if name in by_name:
            first = kinds[by_name[name]]
            if (first.term, first.renewal) != (ev.term, renewal):
                problems.append(
                    Problem(
                        f"events[{i}]",
                        f"truce {name!r} again with another term or renewal: a truce of the "
                        f"same name renews it (term {first.term}, renewal {first.renewal}); "
                        "give a new truce another name",
                    )
                )
            continue
        by_name[name] = len(kinds)
        kinds.append(TruceKind(name, ev.term, renewal))
    return kinds, by_name


def _check_overlaps(
    starts: Sequence[tuple[int, int, str, TruceEvent, tuple[int, ...]]],
    cal: Calendar | None,
    problems: list[Problem],
) -> None:
    """Scheduled truces may follow each other, and a truce may renew itself, but a truce
    must not start while another is scheduled to be in force."""
    ordered = sorted(starts, key=lambda s: (s[0], s[1]))
    current: tuple[int, int, str, int] | None = None  # start, event index, name, end
    for t1, i1, n1, e1, _ in ordered:
        if current is not None and t1 == current[0]:
            problems.append(
                Problem(
                    f"events[{i1}]",
                    f"a second truce starts in the round of events[{current[1]}]; give one "
                    "truce per round",
                )
            )
            continue
        if current is not None:
            t0, i0, n0, end = current
            if t1 < end and n1 != n0:
                span = (
                    f"{cal.date_of(t0)} .. {cal.date_of(end)}" if cal else f"rounds {t0} .. {end}"
                )
                problems.append(
                    Problem(
                        f"events[{i1}]",
                        f"truce {n1!r} overlaps truce {n0!r} of events[{i0}] ({span}); start "
                        "it when the other ends, or give it the same name to renew it",
                    )
                )
                continue
        current = (t1, i1, n1, t1 + e1.term)


def _script(
    game: Game,
    replay: int,
    sets: dict[int, list[tuple[int, int]]],
    starts: dict[int, list[TruceStart]],
) -> np.ndarray:
    """Levels of every replayed round: the last set level, lowered to the caps of truces
    that start (as the engine lowers them)."""
    k = game.n_instruments
    out = np.zeros((replay + 1, k), dtype=np.int8)
    levels = game.initial_levels.astype(np.int8).copy()
    top = (game.n_levels - 1).astype(np.int8)
    for t in range(replay + 1):
        for start in starts.get(t, []):
            levels = np.minimum(levels, resolve_caps(start.caps, levels, top))
        for j, lvl in sets.get(t, []):
            levels[j] = lvl
        out[t] = levels
    return out


def events_table(scenario: Any) -> pd.DataFrame:
    """One row per scheduled event of ``scenario`` (a :class:`sim.Scenario`), in file order:
    kind, round, date, player, instrument, level (label) and value (the ladder's value, or
    a threat's), truce name and term, note and source."""
    import pandas as pd

    data, game, cal = scenario.data, scenario.game, scenario.plan.calendar
    rows = []
    for i, ev in enumerate(data.events):
        t = ev.round if ev.date is None else cal.round_of(ev.date) if cal else None
        row: dict[str, Any] = {"event": i, "kind": ev.kind, "round": t}
        if cal is not None:
            row["date"] = pd.Timestamp(ev.date if ev.date is not None else cal.date_of(t or 0))
        row.update(player="", instrument="", level="", value=np.nan, truce="", term=np.nan)
        if isinstance(ev, SetEvent):
            j = instrument_of(game, ev.player, ev.instrument, "", [])
            lvl = None if j is None else level_of(game, j, ev.level, "", [])
            row.update(player=ev.player, instrument=ev.instrument)
            if j is not None and lvl is not None:
                inst = game.instruments[j]
                row["level"] = inst.labels[lvl]
                row["value"] = inst.values[lvl] if inst.values is not None else lvl
        elif isinstance(ev, ThreatEvent):
            row.update(player=ev.player, instrument=ev.instrument or "")
            row["value"] = np.nan if ev.value is None else ev.value
        else:
            row.update(truce=ev.name, term=ev.term)
        row.update(note=ev.note, source=ev.source)
        rows.append(row)
    columns = ["event", "kind", "round", *(["date"] if cal else []), "player", "instrument"]
    columns += ["level", "value", "truce", "term", "note", "source"]
    return pd.DataFrame(rows, columns=columns)
