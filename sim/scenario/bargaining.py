"""Compile ``[bargaining]``: the bargaining rule of bargained truces and the record's bargain.

Checks that the table fits the file: weights and discount factors per player, a proposer
that is a player, parameters only for the solution that uses them, bargained truces only
with a ``[bargaining]`` table and after the replay, and a negotiation rule that does not
also give a rollback.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sim.errors import Problem
from sim.model import Game
from sim.model.deal import MAX_OUTCOMES, Rule, outcome_count
from sim.scenario.calendar import Calendar
from sim.scenario.levels import caps_of, event_round
from sim.scenario.schedule import FREEZE, Record
from sim.scenario.schema import ScenarioFile

#: Default Rubinstein discount factor per offer.
DEFAULT_DISCOUNT = 0.9


def compile_bargaining(
    data: ScenarioFile,
    game: Game,
    cal: Calendar | None,
    starts: Sequence[tuple[int, int, str, Any, tuple[int, ...]]],
    replay: int,
    problems: list[Problem],
) -> tuple[Rule | None, Record | None]:
    """The bargaining rule and record of ``data`` (problems appended to ``problems``);
    ``starts`` are the scheduled truce starts ``(round, event index, name, event, caps)``."""
    spec = data.bargaining
    bargained = [(t, i) for t, i, _, ev, _ in starts if ev.bargained]
    if spec is None:
        for _, i in bargained:
            problems.append(
                Problem(f"events[{i}].bargained", "a bargained truce needs a [bargaining] table")
            )
        return None, None
    for t, i in bargained:
        if t <= replay:
            problems.append(
                Problem(
                    f"events[{i}].bargained",
                    "a bargained truce cannot start inside the replay (its terms come from "
                    "the model, the replay's from the record); start it after "
                    "simulation.replay_until",
                )
            )
    neg = data.truces.negotiation
    if neg is not None and neg.rollback is not None:
        problems.append(
            Problem(
                "truces.negotiation.rollback",
                "with [bargaining], negotiated truces take their caps from the bargaining "
                "solution; remove rollback (or the [bargaining] table)",
            )
        )
    players = list(game.players)
    weight = 0.5
    if spec.weights is not None:
        if _per_player(spec.weights, "bargaining.weights", players, problems):
            w0, w1 = (spec.weights[p] for p in players)
            if w0 + w1 <= 0:
                problems.append(Problem("bargaining.weights", "the weights must not both be 0"))
            else:
                weight = w0 / (w0 + w1)
        if spec.solution != "nash":
            problems.append(
                Problem("bargaining.weights", "weights are for solution = 'nash'; remove them")
            )
    discount = (DEFAULT_DISCOUNT, DEFAULT_DISCOUNT)
    if spec.discount is not None:
        if _per_player(spec.discount, "bargaining.discount", players, problems):
            discount = (spec.discount[players[0]], spec.discount[players[1]])
        if spec.solution != "rubinstein":
            problems.append(
                Problem(
                    "bargaining.discount",
                    "discount factors per offer are for solution = 'rubinstein'; remove them",
                )
            )
    first = 0
    if spec.first is not None:
        if spec.first not in players:
            problems.append(
                Problem(
                    "bargaining.first", f"unknown player {spec.first!r}; expected one of {players}"
                )
            )
        else:
            first = players.index(spec.first)
        if spec.solution != "rubinstein":
            problems.append(
                Problem("bargaining.first", "first is for solution = 'rubinstein'; remove it")
            )
    terms = tuple(dict.fromkeys(spec.terms))
    top = game.n_levels - 1
    count = outcome_count(top, max(len(terms), 1))
    if count > MAX_OUTCOMES:
        problems.append(
            Problem(
                "bargaining",
                f"a negotiation from the top of every ladder weighs {count:,} outcomes (level "
                f"profiles x terms); at most {MAX_OUTCOMES:,} are supported: shorten ladders "
                "or give fewer terms",
            )
        )
    rule = Rule(spec.solution, weight, discount, first, terms, data.simulation.discount)
    return rule, _record(data, game, cal, problems)


def _per_player(
    values: dict[str, float], where: str, players: list[str], problems: list[Problem]
) -> bool:
    bad = sorted(set(values) ^ set(players))
    if bad:
        problems.append(Problem(where, f"expected one value per player {players}; check {bad}"))
    return not bad


def _record(
    data: ScenarioFile, game: Game, cal: Calendar | None, problems: list[Problem]
) -> Record | None:
    assert data.bargaining is not None
    rec = data.bargaining.record
    if rec is None:
        return None
    where = "bargaining.record"
    t = event_round(rec, where, cal, data.simulation.rounds, problems)
    caps = caps_of(game, rec.caps, FREEZE, f"{where}.caps", problems)
    if t is None or caps is None:
        return None
    return Record(t, caps, rec.term, rec.source)
