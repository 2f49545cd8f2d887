"""Truce spells and their headline metrics: the table behind ``truces.csv`` and the
``truce.*`` and ``outlook.*`` metrics of the summary.

A spell's ``rounds`` counts the rounds the truce was in force, the round of a breach
included; spells that did not end in a breach are right-censored (the truce lasted longer
than ``rounds``), so ``P(survives its term) = S(term)`` of the Kaplan–Meier curve.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.engine.truces import BREACH, ENDINGS, NOISE
from sim.stats.intervals import count_quantile, interval, mean, point, share

if TYPE_CHECKING:
    import pandas as pd

    from sim.engine.reduce import RunData
    from sim.run.scenario import Scenario

Metric = dict[str, Any]


def spells_table(data: RunData, scenario: Scenario, rounds: int) -> pd.DataFrame:
    """One row per truce spell: match, truce, start and end (round and date), rounds in
    force, renewals, censored, how it ended (breach, expired, superseded, horizon), who
    breached (a player, ``both`` or empty) and how (``chosen`` or ``noise``)."""
    import pandas as pd

    sp, game = data.spells, scenario.game
    kinds = [k.name for k in scenario.plan.schedule.kinds]
    who = np.array([*game.players, "both", ""], dtype=object)
    how = np.array(["chosen", "noise", ""], dtype=object)
    cols: dict[str, Any] = {
        "match": sp.match,
        "truce": np.array(kinds, dtype=object)[sp.kind] if len(sp) else np.array([], object),
        "start_round": sp.start,
    }
    cal = scenario.plan.calendar
    # a spell may end at the horizon, the round after the last
    dates = pd.DatetimeIndex(cal.dates(rounds + 1)) if cal is not None else None
    if dates is not None:
        cols["start_date"] = dates[sp.start]
    cols["end_round"] = sp.end
    if dates is not None:
        cols["end_date"] = dates[sp.end]
    cols["rounds"] = sp.rounds
    cols["renewals"] = sp.renewals
    cols["censored"] = sp.ended != BREACH
    cols["ended"] = np.array(ENDINGS, dtype=object)[sp.ended] if len(sp) else []
    cols["breached_by"] = who[np.where(sp.who < 0, 3, sp.who)]
    cols["breach"] = how[np.where(sp.breach < 0, 2, sp.breach)]
    return pd.DataFrame(cols)


def truce_metrics(data: RunData, scenario: Scenario) -> dict[str, Metric]:
    """Per truce name: spells, P(survives its term) and the median survival (Kaplan–Meier
    with 95% log-log band), the share of spells breached (by each player, by both at
    once, by noise) and renewed at least once. Every name is present for every truce the
    scenario can have; a truce with no spell has 0 spells and NaN for the rest."""
    from sim.stats.survival import kaplan_meier

    sp, game = data.spells, scenario.game
    plan = scenario.plan
    unit = plan.calendar.unit if plan.calendar is not None else "rounds"
    out: dict[str, Metric] = {}
    for code, kind in enumerate(plan.schedule.kinds):
        mine = sp.kind == code
        n = int(np.count_nonzero(mine))
        key = f"truce.{kind.name}"
        breached = sp.ended[mine] == BREACH
        out[f"{key}.spells"] = point(float(n), f"spells of the {kind.name} truce (all matches)")
        km = kaplan_meier(sp.rounds[mine], breached)  # all NaN without spells
        est, lo, hi = km.at(kind.term)
        out[f"{key}.p_survive_term"] = interval(
            est,
            lo,
            hi,
            f"P(a {kind.name} truce is not breached within its term of {kind.term} {unit}) "
            "(Kaplan-Meier, 95% log-log band)",
        )
        out[f"{key}.median"] = interval(
            *km.median(),
            f"median survival of a {kind.name} truce, in {unit} (Kaplan-Meier; renewals "
            "continue a spell; NaN when more than half survive)",
        )
        out[f"{key}.breached"] = share(
            int(breached.sum()), n, f"share of {kind.name} spells ended by a breach"
        )
        who = sp.who[mine]
        for p, label in [(0, game.players[0]), (1, game.players[1]), (2, "both")]:
            text = (
                f"share of {kind.name} spells that {label} breached first"
                if p < 2
                else f"share of {kind.name} spells that both breached in the same round"
            )
            out[f"{key}.breached_by.{label}"] = share(int(np.count_nonzero(who == p)), n, text)
        out[f"{key}.breach_by_noise"] = share(
            int(np.count_nonzero(sp.breach[mine] == NOISE)),
            int(breached.sum()),
            f"share of {kind.name} breaches caused by execution noise (not chosen; NaN "
            "when none was breached)",
        )
        out[f"{key}.renewed"] = share(
            int(np.count_nonzero(sp.renewals[mine] > 0)),
            n,
            f"share of {kind.name} spells renewed at least once",
        )
    return out


def outlook_metrics(data: RunData, scenario: Scenario, rounds: int) -> dict[str, Metric]:
    """With ``replay_until``: each instrument's level one and two years after it (when in
    the horizon): the mean value with a 95% interval, and the 5, 50 and 95% quantiles."""

    sc = scenario
    game, d = sc.game, data
    out: dict[str, Metric] = {}
    for years, when, t in outlook_rounds(sc):
        if t >= rounds:
            continue
        for j, inst in enumerate(game.instruments):
            key = f"outlook.{years}y.{game.players[inst.owner]}.{inst.name}"
            counts = d.level_counts[t, j, : inst.n_levels]
            values = np.asarray(
                inst.values if inst.values is not None else range(inst.n_levels), float
            )
            what = inst.unit or "rung"
            label = f"{game.players[inst.owner]} {inst.name} on {when} ({what})"
            out[f"{key}.mean"] = mean(
                np.repeat(values, counts),
                f"mean {label}, {years} year(s) after replay",
                bounds=(float(values.min()), float(values.max())),
            )
            for q in (0.05, 0.5, 0.95):
                level = int(count_quantile(counts[None, :], q)[0])
                out[f"{key}.q{round(q * 100):02d}"] = point(
                    float(values[level]), f"{round(q * 100)}% quantile of {label}"
                )
    return out


def outlook_rounds(scenario: Scenario) -> list[tuple[int, dt.date, int]]:
    """``(years, date, round)`` of the outlook dates, one and two years after
    ``replay_until`` (none without a calendar and a replay)."""
    cal, until = scenario.plan.calendar, scenario.data.simulation.replay_until
    if cal is None or until is None:
        return []
    out = []
    for years in (1, 2):
        when = _add_years(until, years)
        out.append((years, when, cal.round_of(when)))
    return out


def _add_years(date: dt.date, years: int) -> dt.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)
