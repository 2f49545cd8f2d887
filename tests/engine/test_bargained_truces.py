"""Bargained truces in the engine: a scheduled bargained truce caps every match at the terms
:func:`sim.analysis.bargaining.negotiate` strikes; every recorded deal's payoffs are those of
its caps over its term; negotiated truces are bargained from the levels when they form and
renewed for their bargained term; deals do not depend on the workers; the ``deal.*`` metrics
stay in their ranges; a match whose sides gain nothing gets no truce; a bargain supersedes
another truce, or leaves it when no deal forms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

import sim
from sim.analysis.bargaining import negotiate
from sim.model.deal import mean_exposure
from tests.conftest import SCENARIOS

BUSAN = SCENARIOS / "busan-bargain.toml"


@pytest.fixture(scope="module")
def scenario() -> sim.Scenario:
    # short, with more noise so that truces break and are bargained again
    return sim.load_scenario(BUSAN).replace({"simulation.rounds": 500, "noise.execution": 0.003})


@pytest.fixture(scope="module")
def result(scenario: sim.Scenario) -> sim.Result:
    return sim.simulate(scenario, matches=300, seed=5, workers=1)


def test_the_scheduled_truce_caps_every_match_at_the_bargained_terms(
    scenario: sim.Scenario, result: sim.Result
) -> None:
    n = negotiate(scenario, round=0)
    assert n.deal.caps is not None
    dl = result.data.deals
    first = dl.round == 0
    assert np.count_nonzero(first) == result.matches_count  # every match struck it
    assert np.all(dl.caps[first] == np.array(n.deal.caps))
    assert np.all(dl.term[first] == n.deal.term)
    assert_allclose(dl.threat[first], np.broadcast_to(n.deal.threat_payoff, (300, 2)))


def test_every_deal_pays_what_its_caps_pay_over_its_term(
    scenario: sim.Scenario, result: sim.Result
) -> None:
    g, delta = scenario.game, scenario.plan.rules.discount
    dl = result.data.deals
    assert len(dl) > result.matches_count  # negotiated truces were bargained too
    for i in range(0, len(dl), max(1, len(dl) // 40)):
        e = mean_exposure(g, int(dl.round[i]), int(dl.term[i]), delta)
        pay = g.payoffs(dl.caps[i].astype(np.int64)[None, :], e)[0]
        assert_allclose(dl.payoff[i], pay, rtol=1e-12)
        assert np.all(dl.payoff[i] >= dl.threat[i] - 1e-9)  # individually rational


def test_negotiated_deals_form_as_negotiated_truces(
    scenario: sim.Scenario, result: sim.Result
) -> None:
    kinds = [k.name for k in scenario.plan.schedule.kinds]
    dl = result.data.deals
    later = dl.round > 0
    assert later.any()
    assert {kinds[k] for k in dl.kind[later]} == {"negotiated"}
    spells = result.truces()
    negotiated = spells[spells.truce == "negotiated"]
    # every negotiated spell starts with a deal of its match in its round
    deals = set(zip(dl.match[later].tolist(), dl.round[later].tolist(), strict=True))
    starts = set(zip(negotiated.match, negotiated.start_round, strict=True))
    assert starts == deals


def test_deals_do_not_depend_on_the_workers(scenario: sim.Scenario, result: sim.Result) -> None:
    other = sim.simulate(scenario, matches=300, seed=5, workers=2, block_size=64)
    assert other.data.deals == result.data.deals
    assert other.deals().equals(result.deals())


def test_deal_metrics_are_in_range(scenario: sim.Scenario, result: sim.Result) -> None:
    m = result.metrics()
    assert m["deal.share"]["estimate"] == 1.0
    assert 0.0 <= m["deal.share"]["ci_low"] <= 1.0
    assert m["deal.term"]["estimate"] in (90.0, 365.0)
    for j, inst in enumerate(scenario.game.instruments):
        key = f"{scenario.players[inst.owner]}.{inst.name}"
        row = m[f"deal.level.{key}"]
        assert 0 <= row["ci_low"] <= row["estimate"] <= row["ci_high"] <= inst.n_levels - 1
        assert row["estimate"] == result.data.deals.caps[0, j]  # the first deal: round 0
    n = negotiate(scenario, round=0)
    assert m["deal.gain.US"]["estimate"] == pytest.approx(n.deal.gain[0])
    table = result.deals()
    assert list(table.columns[:5]) == ["match", "truce", "round", "date", "term"]
    assert len(table) == len(result.data.deals)


def test_no_deal_no_truce(scenario: sim.Scenario) -> None:
    """At baseline nothing can be lowered: the bargained truce does not form."""
    zero = {
        f"players.{p}.instruments.{i}.initial": 0
        for p in scenario.players
        for i in scenario.data.players[p].instruments
    }
    sc = scenario.replace({**zero, "truces.negotiation": None, "noise.execution": 0.0})
    res = sim.simulate(sc, matches=20, seed=1, workers=1)
    assert len(res.data.deals) == 0
    m = res.metrics()
    assert m["deal.share"]["estimate"] == 0.0 and np.isnan(m["deal.term"]["estimate"])
    assert not (res.truces().truce == "Busan").any()


IPD_TRUCES = """
[scenario]
name = "ipd-bargained"
[simulation]
rounds = 10
matches = 4
[players.US]
strategy = "tit_for_tat"
[players.US.instruments.move]
labels = ["C", "D"]
initial = 1
[players.CN]
strategy = "tit_for_tat"
[players.CN.instruments.move]
labels = ["C", "D"]
initial = 1
[payoffs]
US = [[3.0, 0.0], [5.0, 1.0]]
CN = [[3.0, 5.0], [0.0, 1.0]]
[truces]
renewal = 1.0
[bargaining]
terms = [3]
"""


def _ipd(tmp_path: Path, events: str) -> sim.Scenario:
    path = tmp_path / "ipd.toml"
    path.write_text(IPD_TRUCES + events)
    return sim.load_scenario(path)


def test_a_bargained_truce_renews_for_its_bargained_term(tmp_path: Path) -> None:
    """The kind's own term is 10; the bargained term is 3, so a truce from round 0 comes
    due in rounds 3, 6 and 9 and is renewed each time (renewal 1): three renewals by the
    horizon (with the kind's term it would come due only at 10, after the horizon)."""
    sc = _ipd(
        tmp_path,
        '[[events]]\nround = 0\nkind = "truce"\nname = "T"\nterm = 10\nbargained = true\n',
    )
    res = sim.simulate(sc, matches=4, seed=1, workers=1)
    spells = res.truces()
    assert spells["renewals"].tolist() == [3] * 4
    assert spells["ended"].tolist() == ["horizon"] * 4
    assert res.data.deals.term.tolist() == [3] * 4
    assert np.all(res.data.deals.caps == 0)  # from (D, D) both bargain down to (C, C)


def test_a_bargain_supersedes_another_truce_or_leaves_it(tmp_path: Path) -> None:
    # A's term ends in round 5, when B is scheduled (truces may follow each other)
    free = '[[events]]\nround = 0\nkind = "truce"\nname = "A"\nterm = 5\nothers = "free"\n'
    later = '[[events]]\nround = 5\nkind = "truce"\nname = "B"\nterm = 10\nbargained = true\n'
    # A leaves the moves free: both stay at D, and B's bargain at round 5 supersedes A
    res = sim.simulate(_ipd(tmp_path, free + later), matches=2, seed=1, workers=1)
    spells = res.truces()
    assert spells["truce"].tolist() == ["A", "B"] * 2
    assert spells["ended"].tolist() == ["superseded", "horizon"] * 2
    assert res.data.deals.round.tolist() == [5, 5]
    # A caps both at C: at round 5 there is nothing to lower, no deal, and A stays (renewed)
    capped = free.replace('others = "free"', "caps = { US = { move = 0 }, CN = { move = 0 } }")
    res = sim.simulate(_ipd(tmp_path, capped + later), matches=2, seed=1, workers=1)
    spells = res.truces()
    assert spells["truce"].tolist() == ["A", "A"] and spells["renewals"].tolist() == [1, 1]
    assert len(res.data.deals) == 0
