"""Bargained deals of a run: the table behind ``deals.csv`` and the ``deal.*`` metrics.

A deal is a truce whose caps (and term) a bargaining solution struck
(:mod:`sim.model.deal`). The metrics describe each match's *first* deal, so their
observations are independent matches: the share of matches that strike one, and over those
that do, the mean term, each side's gain per round from the deal (its payoff under the
terms minus its payoff at the levels in force, both discounted means over the term), and
the level (rung, and value where the ladder has values) each instrument is capped at.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.stats.intervals import mean, share

if TYPE_CHECKING:
    import pandas as pd

    from sim.engine.reduce import RunData
    from sim.run.scenario import Scenario

Metric = dict[str, Any]


def deals_table(data: RunData, scenario: Scenario) -> pd.DataFrame:
    """One row per bargained deal: match, truce, round (and date), term, each side's
    per-round payoff at the levels in force and under the terms and its gain, and each
    instrument's cap (its label)."""
    import pandas as pd

    dl, game = data.deals, scenario.game
    kinds = [k.name for k in scenario.plan.schedule.kinds]
    cols: dict[str, Any] = {
        "match": dl.match,
        "truce": np.array(kinds, dtype=object)[dl.kind] if len(dl) else np.array([], object),
        "round": dl.round,
    }
    cal = scenario.plan.calendar
    if cal is not None:
        cols["date"] = pd.DatetimeIndex(cal.dates(scenario.rounds))[dl.round]
    cols["term"] = dl.term
    gain = dl.gain
    for p, name in enumerate(game.players):
        cols[f"threat_payoff.{name}"] = dl.threat[:, p]
        cols[f"deal_payoff.{name}"] = dl.payoff[:, p]
        cols[f"gain.{name}"] = gain[:, p]
    for j, inst in enumerate(game.instruments):
        labels = np.array(inst.labels, dtype=object)
        cols[f"cap.{game.players[inst.owner]}.{inst.name}"] = labels[dl.caps[:, j]]
    return pd.DataFrame(cols)


def deal_metrics(data: RunData, scenario: Scenario) -> dict[str, Metric]:
    """The ``deal.*`` metrics (every name present; NaN where no match struck a deal)."""
    dl, game = data.deals, scenario.game
    m = data.n_matches
    match = dl.match - data.offset
    first = np.zeros(0, dtype=np.intp)
    if len(dl):
        order = np.lexsort((dl.round, match))
        _, at = np.unique(match[order], return_index=True)
        first = order[at]
    out: dict[str, Metric] = {
        "deal.share": share(first.size, m, "share of matches that strike a bargained deal")
    }
    sched = scenario.plan.schedule
    terms = [k.term for k in sched.kinds]
    if sched.bargaining is not None and sched.bargaining.terms:
        terms = list(sched.bargaining.terms)
    out["deal.term"] = mean(
        dl.term[first].astype(float),
        "term of each match's first deal, in rounds (matches with a deal)",
        bounds=(float(min(terms, default=0)), float(max(terms, default=0))),
    )
    unit = scenario.data.scenario.payoff_unit
    gain = dl.gain[first]
    for p, name in enumerate(game.players):
        out[f"deal.gain.{name}"] = mean(
            gain[:, p],
            f"{name}'s gain per round from its first deal: payoff under the terms minus "
            f"payoff at the levels in force, over the term ({unit}; matches with a deal)",
        )
    for j, inst in enumerate(game.instruments):
        key = f"{game.players[inst.owner]}.{inst.name}"
        caps = dl.caps[first, j]
        out[f"deal.level.{key}"] = mean(
            caps.astype(float),
            f"rung {key} is capped at by each match's first deal (matches with a deal)",
            bounds=(0.0, float(inst.n_levels - 1)),
        )
        if inst.values is not None:
            values = np.asarray(inst.values, dtype=float)
            out[f"deal.value.{key}"] = mean(
                values[caps],
                f"value ({inst.unit or 'ladder value'}) of {key}'s cap in each match's first "
                "deal (matches with a deal)",
                bounds=(float(values.min()), float(values.max())),
            )
    return out
