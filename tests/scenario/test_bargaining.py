"""``[bargaining]`` in scenario files: what compiles, and every mistake located with what was
expected (a bargained truce with caps or without the table, a rollback beside it,
parameters of the other solution, players that are not the file's, a bargained truce in
the replay, a record naming an unknown instrument)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import sim
from sim.errors import ScenarioError
from sim.run.scenario import Scenario
from tests.conftest import SCENARIOS

BUSAN = SCENARIOS / "busan-bargain.toml"


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return sim.load_scenario(BUSAN).data.model_dump(mode="python")


def _problems(data: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as exc:
        Scenario.from_dict(data, source="f.toml")
    return str(exc.value)


def test_the_bundled_variant_compiles_its_rule_and_record() -> None:
    sc = sim.load_scenario(BUSAN)
    sched = sc.plan.schedule
    rule = sched.bargaining
    assert rule is not None and rule.solution == "nash"
    assert rule.weight == pytest.approx(0.3) and rule.terms == (90, 365)
    assert rule.delta == sc.plan.rules.discount
    assert [s.bargained for s in sched.starts[0]] == [True]
    assert sched.record is not None and sched.record.round == 0 and sched.record.term == 365
    g = sc.game
    assert sched.record.caps[g.instrument_index("US", "fentanyl_tariff")] == 1
    assert sched.negotiation is not None and sched.negotiation.rollback == "baseline"


def test_rubinstein_parameters(raw: dict[str, Any]) -> None:
    d = copy.deepcopy(raw)
    d["bargaining"] = {
        "solution": "rubinstein",
        "discount": {"US": 0.8, "CN": 0.95},
        "first": "CN",
    }
    rule = Scenario.from_dict(d).plan.schedule.bargaining
    assert rule is not None and rule.discount == (0.8, 0.95) and rule.first == 1
    assert rule.terms == ()  # the truce's own term


@pytest.mark.parametrize(
    ("change", "where", "says"),
    [
        (
            lambda d: d["events"][0].update(caps={"US": {"tariff": 0}}),
            "events[0].caps",
            "give no caps",
        ),
        (lambda d: d.update(bargaining=None), "events[0].bargained", "needs a [bargaining] table"),
        (
            lambda d: d["truces"]["negotiation"].update(rollback=0.5),
            "truces.negotiation.rollback",
            "remove rollback",
        ),
        (
            lambda d: d["bargaining"].update(solution="rubinstein"),
            "bargaining.weights",
            "for solution = 'nash'",
        ),
        (
            lambda d: d["bargaining"].update(discount={"US": 0.9, "CN": 0.9}),
            "bargaining.discount",
            "for solution = 'rubinstein'",
        ),
        (lambda d: d["bargaining"].update(first="EU"), "bargaining.first", "unknown player 'EU'"),
        (
            lambda d: d["bargaining"].update(weights={"US": 1.0}),
            "bargaining.weights",
            "one value per player",
        ),
        (
            lambda d: d["bargaining"].update(weights={"US": 0.0, "CN": 0.0}),
            "bargaining.weights",
            "must not both be 0",
        ),
        (
            lambda d: d["bargaining"]["record"]["caps"]["CN"].update(gallium=1),
            "bargaining.record.caps.CN.gallium",
            "unknown instrument 'gallium'",
        ),
        (
            lambda d: d["bargaining"]["record"].update(round=3),
            "bargaining.record",
            "exactly one of `date` and `round`",
        ),
        (
            lambda d: d["simulation"].update(replay_until=d["scenario"]["start"]),
            "events[0].bargained",
            "inside the replay",
        ),
    ],
)
def test_mistakes_are_located(raw: dict[str, Any], change: Any, where: str, says: str) -> None:
    d = copy.deepcopy(raw)
    change(d)
    text = _problems(d)
    assert where in text and says in text, text


def test_the_file_schema_refuses_unknown_keys_and_bad_factors(raw: dict[str, Any]) -> None:
    d = copy.deepcopy(raw)
    d["bargaining"]["weight"] = 0.5
    assert "bargaining.weight" in _problems(d)
    d = copy.deepcopy(raw)
    d["bargaining"] = {"solution": "rubinstein", "discount": {"US": 1.0, "CN": 0.9}}
    assert "bargaining.discount.US" in _problems(d)


def test_too_many_outcomes_are_refused(raw: dict[str, Any]) -> None:
    d = copy.deepcopy(raw)
    d["bargaining"]["terms"] = list(range(1, 200))
    text = _problems(d)
    assert "bargaining" in text and "outcomes" in text
