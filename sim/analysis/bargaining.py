"""Bargained terms of a scenario: one negotiation, its comparison with the record, how the
terms move with a parameter, and the two-stage game (choose levels, then bargain).

>>> import sim
>>> from sim.analysis.bargaining import two_stage_game
>>> sc = sim.load_scenario("scenarios/ipd.toml").replace({"bargaining": {"terms": [1]}})
>>> g = two_stage_game(sc)
>>> [(e.support(0).tolist(), e.support(1).tolist()) for e in g.pure_equilibria()]
[([1], [1])]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from sim.errors import ModelError, Problem, ScenarioError
from sim.model import Game
from sim.model.bargain import Frontier, frontier
from sim.model.deal import Deal, Rule, bargain
from sim.scenario.schedule import FREEZE

if TYPE_CHECKING:
    import pandas as pd

    from sim.analysis.stage import StageGame
    from sim.run.scenario import Scenario

#: The two-stage game is solved for at most this many threat-profile pairs.
MAX_TWO_STAGE_CELLS = 4096


@dataclass(frozen=True)
class Negotiation:
    """One negotiation of a scenario: the levels in force in ``round``, the deal struck
    from them, the bargaining set's frontier (surplus over the term), and the record's
    terms when ``[bargaining.record]`` gives them (caps per instrument, its term)."""

    scenario: Scenario
    round: int
    deal: Deal
    frontier: Frontier
    record: tuple[int, ...] | None
    record_term: int | None

    @property
    def game(self) -> Game:
        return self.scenario.game

    def terms(self) -> pd.DataFrame:
        """One row per instrument: its level in force, the bargained cap and, with a
        record, the record's cap and how many rungs the model is off (labels and values)."""
        import pandas as pd

        game, deal = self.game, self.deal
        rows = []
        for j, inst in enumerate(game.instruments):
            row: dict[str, Any] = {
                "player": game.players[inst.owner],
                "instrument": inst.name,
                "in_force": inst.labels[deal.threat[j]],
                "bargained": inst.labels[deal.caps[j]] if deal.caps is not None else "no deal",
            }
            if inst.values is not None:
                row["in_force_value"] = inst.values[deal.threat[j]]
                row["bargained_value"] = (
                    inst.values[deal.caps[j]] if deal.caps is not None else None
                )
            if self.record is not None:
                rec = self.record[j]
                row["record"] = inst.labels[rec]
                if inst.values is not None:
                    row["record_value"] = inst.values[rec]
                row["rungs_off"] = abs((deal.caps or deal.threat)[j] - rec)
            rows.append(row)
        return pd.DataFrame(rows)

    @property
    def rungs_off(self) -> int | None:
        """Total rungs between the bargained caps and the record's (``None``: no record)."""
        if self.record is None:
            return None
        caps = self.deal.caps or self.deal.threat
        return int(sum(abs(a - b) for a, b in zip(caps, self.record, strict=True)))

    def summary(self) -> dict[str, Any]:
        """Headline facts as a dictionary (the JSON of ``escalate bargain``)."""
        d, players = self.deal, self.game.players
        out: dict[str, Any] = {
            "scenario": self.scenario.name,
            "round": self.round,
            "date": _date(self.scenario, self.round),
            "solution": self.rule.solution,
            "deal": d.caps is not None,
            "term": d.term if d.caps is not None else None,
            "threat_payoff": dict(zip(players, d.threat_payoff, strict=True)),
            "deal_payoff": dict(zip(players, d.payoff, strict=True)),
            "solution_payoff": dict(zip(players, d.solution, strict=True)),
            "gain": dict(zip(players, d.gain, strict=True)),
            "frontier_outcomes": int(self.frontier.x.size),
            "terms": self.terms().to_dict(orient="records"),
        }
        if self.record is not None:
            out["record_term"] = self.record_term
            out["rungs_off"] = self.rungs_off
        return out

    @property
    def rule(self) -> Rule:
        return _rule(self.scenario)


def _rule(scenario: Scenario) -> Rule:
    rule = scenario.plan.schedule.bargaining
    if rule is None:
        raise ScenarioError(
            scenario.source,
            [Problem("bargaining", "this scenario has no [bargaining] table")],
        )
    return rule


def default_term(scenario: Scenario) -> int:
    """The term a negotiation weighs when ``[bargaining].terms`` gives none: the first
    bargained truce's, else the negotiated truces', else the record's (else 1). (In a run
    each truce weighs its own term; give ``terms`` to make them all weigh the same.)"""
    sched = scenario.plan.schedule
    for starts in sched.starts.values():
        for s in starts:
            if s.bargained:
                return sched.kinds[s.kind].term
    if sched.negotiation is not None:
        return sched.kinds[sched.negotiation.kind].term
    if sched.record is not None and sched.record.term is not None:
        return sched.record.term
    return 1


def levels_in_force(scenario: Scenario, round: int) -> NDArray[np.int64]:
    """The levels entering ``round``, as the engine bargains from them, when nobody moves
    but the record: the initial levels in round 0, the replayed record's levels at the end
    of the round before (``script[round - 1]``) up to the round after the replay, and the
    record's last levels (held) after it."""
    sched = scenario.plan.schedule
    if round == 0 or sched.replay < 0:
        levels = scenario.game.initial_levels
    else:
        levels = sched.script[min(round - 1, sched.replay)]
    out: NDArray[np.int64] = np.asarray(levels, dtype=np.int64)
    return out


def negotiate(
    scenario: Scenario, *, round: int | None = None, levels: Sequence[int] | None = None
) -> Negotiation:
    """The negotiation of ``scenario`` in ``round`` (default: the record's round, else 0)
    from ``levels`` (default: :func:`levels_in_force`)."""
    rule = _rule(scenario)
    rec = scenario.plan.schedule.record
    t = round if round is not None else (rec.round if rec is not None else 0)
    if not 0 <= t < scenario.rounds:
        raise ModelError(
            [Problem("round", f"expected a round in 0..{scenario.rounds - 1}, got {t}")]
        )
    threat = levels_in_force(scenario, t) if levels is None else np.asarray(levels, np.int64)
    deal = bargain(scenario.game, threat, t, rule, default_term(scenario), keep_table=True)
    assert deal.table is not None
    record = None
    if rec is not None:
        record = tuple(int(threat[j]) if c == FREEZE else c for j, c in enumerate(rec.caps))
    return Negotiation(
        scenario, t, deal, frontier(deal.table.surplus), record, rec.term if rec else None
    )


def vary(
    scenario: Scenario,
    path: str,
    values: Sequence[float],
    *,
    scale: bool = False,
    round: int | None = None,
) -> pd.DataFrame:
    """The bargained terms as the scenario value at ``path`` takes each of ``values`` (or,
    with ``scale``, is multiplied by each: a list is scaled element by element). One row
    per value: the term, each side's gain per round, each instrument's bargained rung and,
    with a record, the rungs off it."""
    import pandas as pd

    from sim.scenario.files import get_path

    base: Any = None
    if scale:
        base = get_path(scenario.data.model_dump(mode="python"), path, source=scenario.source)
        numbers = base if isinstance(base, list) else [base]
        if not numbers or not all(
            isinstance(x, int | float) and not isinstance(x, bool) for x in numbers
        ):
            raise ScenarioError(
                scenario.source,
                [Problem(path, f"only a number or a list of numbers scales, got {base!r}")],
            )
    rows = []
    for v in values:
        if scale:
            new: Any = [float(x) * v for x in base] if isinstance(base, list) else float(base) * v
        else:
            new = v
        n = negotiate(scenario.replace({path: new}), round=round)
        row: dict[str, Any] = {"value": v, "deal": n.deal.caps is not None, "term": n.deal.term}
        rule = n.rule
        for p, name in enumerate(n.game.players):
            if rule.solution == "nash":
                row[f"weight.{name}"] = rule.weight if p == 0 else 1.0 - rule.weight
            else:
                row[f"discount.{name}"] = rule.discount[p]
        for p, name in enumerate(n.game.players):
            row[f"gain.{name}"] = n.deal.gain[p]
        caps = n.deal.caps or n.deal.threat
        for j, inst in enumerate(n.game.instruments):
            row[f"level.{n.game.players[inst.owner]}.{inst.name}"] = caps[j]
        if n.record is not None:
            row["rungs_off"] = n.rungs_off
        rows.append(row)
    return pd.DataFrame(rows)


def two_stage_game(scenario: Scenario, round: int = 0) -> StageGame:
    """The two-stage game: both sides choose levels (the threat), then bargain from them
    under ``[bargaining]``. A cell's payoff is each side's per-round payoff under the terms
    bargained from that cell's levels (the outcome the engine plays, which implements the
    solution), or at those levels when no deal forms. The stage-2 outcome is unique, so
    the Nash equilibria of this game are the subgame-perfect equilibria of the two-stage
    game."""
    from sim.analysis.stage import StageGame

    rule = _rule(scenario)
    game = scenario.game
    n0, n1 = game.profile_counts
    if n0 * n1 > MAX_TWO_STAGE_CELLS:
        raise ModelError(
            [
                Problem(
                    "players",
                    f"the two-stage game has {n0:,} x {n1:,} level profiles; it is solved "
                    f"for at most {MAX_TWO_STAGE_CELLS:,} (small ladders)",
                )
            ]
        )
    if not 0 <= round < scenario.rounds:
        raise ModelError(
            [Problem("round", f"expected a round in 0..{scenario.rounds - 1}, got {round}")]
        )
    term = default_term(scenario)
    mats = np.empty((2, n0, n1))
    own = (game.of(0), game.of(1))
    prof = (game.profiles(0), game.profiles(1))
    for a in range(n0):
        for b in range(n1):
            threat = np.zeros(game.n_instruments, dtype=np.int64)
            threat[own[0]] = prof[0][a]
            threat[own[1]] = prof[1][b]
            deal = bargain(game, threat, round, rule, term)
            mats[:, a, b] = deal.payoff
    bare = [
        dataclasses.replace(i, gain=None, cost=None, pain=None, decoupling=None)
        for i in game.instruments
    ]
    reduced = Game.from_matrices(game.players, bare, mats)
    return StageGame(
        reduced,
        round=round,
        discount=scenario.plan.rules.discount,
        name=f"{scenario.name} (two-stage, {rule.solution})",
        scenario_sha256=scenario.sha256,
    )


def path_terms(scenario: Scenario, stage: StageGame, round: int = 0) -> list[dict[str, Any]]:
    """For each pure equilibrium of the two-stage game ``stage``: the levels chosen and the
    terms bargained from them (labels), and each side's payoff."""
    game = scenario.game
    rule, term = _rule(scenario), default_term(scenario)
    out = []
    for e in stage.pure_equilibria():
        a, b = int(e.support(0)[0]), int(e.support(1)[0])
        threat = np.zeros(game.n_instruments, dtype=np.int64)
        threat[game.of(0)] = game.profiles(0)[a]
        threat[game.of(1)] = game.profiles(1)[b]
        deal = bargain(game, threat, round, rule, term)
        caps = deal.caps or deal.threat
        out.append(
            {
                "threat": stage.labels(0)[a] + " / " + stage.labels(1)[b],
                "terms": " / ".join(
                    " | ".join(game.instruments[j].labels[caps[j]] for j in game.of(p))
                    for p in (0, 1)
                ),
                "deal": deal.caps is not None,
                "payoff": dict(zip(game.players, deal.payoff, strict=True)),
            }
        )
    return out


def _date(scenario: Scenario, round: int) -> str | None:
    cal = scenario.plan.calendar
    return None if cal is None else str(cal.date_of(round))
