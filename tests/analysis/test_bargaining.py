"""The analysis of bargained terms: the Busan variant against the record (the numbers that
docs/bargaining.md reports), the fit of the bargaining weight, terms as China's rare-earth
leverage varies, and the two-stage game (choose levels, then bargain) with its
subgame-perfect equilibria."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.analysis.bargaining import negotiate, path_terms, two_stage_game, vary
from sim.errors import ModelError, ScenarioError
from tests.conftest import SCENARIOS, load_ipd

BUSAN = SCENARIOS / "busan-bargain.toml"


@pytest.fixture(scope="module")
def busan() -> sim.Scenario:
    return sim.load_scenario(BUSAN)


def test_the_busan_variant_comes_within_two_rungs_of_the_record(busan: sim.Scenario) -> None:
    n = negotiate(busan)
    assert n.round == 0 and n.deal.term == 365 == n.record_term
    terms = n.terms().set_index(["player", "instrument"])
    off = terms["rungs_off"]
    assert n.rungs_off == 2 == off.sum()
    # the two rungs: the US keeps neither its 10 % fentanyl nor its 10 % reciprocal tariff
    assert off[("US", "fentanyl_tariff")] == 1 and off[("US", "tariff")] == 1
    assert terms.loc[("CN", "rare_earths"), "bargained"] == "7 REEs licensed"
    assert terms.loc[("CN", "tariff"), "bargained"] == "10 all goods"
    assert terms.loc[("CN", "soybeans"), "bargained"] == "normal"
    assert all(g > 0 for g in n.deal.gain)


def test_without_the_variants_assumptions_every_measure_goes(busan: sim.Scenario) -> None:
    """With the bundled numbers (no rung pays its owner) the only Pareto-optimal deal is
    baseline: 7 rungs off the record."""
    bundled = sim.load_scenario(SCENARIOS / "busan-truce.toml").data.players
    changes = {}
    for p in ("US", "CN"):
        for name, inst in bundled[p].instruments.items():
            changes[f"players.{p}.instruments.{name}.gain"] = list(inst.gain or [])
            changes[f"players.{p}.instruments.{name}.cost"] = list(inst.cost or [])
    n = negotiate(busan.replace(changes))
    assert n.deal.caps == (0,) * busan.game.n_instruments
    assert n.rungs_off == 7


def test_the_fitted_weights(busan: sim.Scenario) -> None:
    """Scanning the US's normalised Nash weight in steps of 0.01: 2 rungs off for w from
    0.25 to 0.33, and nowhere closer."""
    off = {}
    for w in np.round(np.linspace(0, 1, 101), 2):
        sc = busan.replace({"bargaining.weights": {"US": float(w), "CN": float(1 - w)}})
        off[float(w)] = negotiate(sc).rungs_off
    best = min(off.values())
    assert best == 2
    assert [w for w, k in off.items() if k == best] == pytest.approx(
        [round(0.25 + 0.01 * i, 2) for i in range(9)]
    )


def test_vary_and_scale(busan: sim.Scenario) -> None:
    t = vary(busan, "bargaining.weights.US", [0.0, 0.3, 0.7])
    assert t["weight.US"].tolist() == pytest.approx([0.0, 0.3, 0.5])
    assert t["rungs_off"].tolist() == [3, 2, 5]
    s = vary(busan, "players.CN.instruments.rare_earths.pain", [0.0, 1.0, 2.0], scale=True)
    assert s.loc[1, "rungs_off"] == negotiate(busan).rungs_off  # factor 1 is the file
    # more leverage for China: the US gains more from the deal, and China keeps its tariff
    assert s["gain.US"].is_monotonic_increasing
    assert s.loc[2, "level.CN.tariff"] >= s.loc[0, "level.CN.tariff"]
    with pytest.raises(ScenarioError, match="scales"):
        vary(busan, "bargaining.solution", [1.0], scale=True)


def test_no_bargaining_table_is_a_clear_error() -> None:
    with pytest.raises(ScenarioError, match=r"bargaining: this scenario has no \[bargaining\]"):
        negotiate(load_ipd())


def test_the_two_stage_prisoners_dilemma() -> None:
    """Choose C or D, then bargain (Nash, one-round term) from the profile chosen: from (D, D)
    both lower to (C, C); from (C, D) the defector's 5 beats every lower profile, so no deal.
    The reduced game: escalating is dominant, and the subgame-perfect path is (D, D)
    bargained down to (C, C): escalation buys the threat that makes the deal."""
    sc = load_ipd().replace({"bargaining": {"terms": [1]}})
    g = two_stage_game(sc)
    a, b = g.matrices()
    assert a.tolist() == [[3.0, 0.0], [5.0, 3.0]] and b.tolist() == [[3.0, 5.0], [0.0, 3.0]]
    eqs = g.equilibria()
    assert eqs.complete and [(e.support(0).tolist(), e.support(1).tolist()) for e in eqs] == [
        ([1], [1])
    ]
    (path,) = path_terms(sc, g)
    assert path == {
        "threat": "D / D",
        "terms": "C / C",
        "deal": True,
        "payoff": {"US": 3.0, "CN": 3.0},
    }


def test_the_two_stage_game_is_for_small_ladders(busan: sim.Scenario) -> None:
    with pytest.raises(ModelError, match="small ladders"):
        two_stage_game(busan)


def test_escalating_to_negotiate_does_not_pay_after_busan(busan: sim.Scenario) -> None:
    """docs/bargaining.md: in busan-bargain the US's climbs (the file's
    escalate_to_negotiate) cost it far more than the truces that end them return (US mean
    payoff about -71 against about -12 with never_strike_first)."""
    assert busan.data.players["US"].strategy.name == "escalate_to_negotiate"
    means = {}
    for name, sc in (
        ("escalate_to_negotiate", busan),
        (
            "never_strike_first",
            busan.replace({"players.US.strategy": {"name": "never_strike_first"}}),
        ),
    ):
        means[name] = sim.simulate(sc, matches=200, seed=3, workers=1).metrics()["payoff.US.mean"]
    assert means["escalate_to_negotiate"]["ci_high"] < means["never_strike_first"]["ci_low"] - 40


def test_a_sweep_maps_the_deal_metrics(busan: sim.Scenario) -> None:
    """The terms and gains along China's rare-earth leverage, as the file's [sweep] maps
    them: the US's gain from the deal grows with the pain it lifts, and at every cell it
    equals the negotiation's."""
    spec = busan.data.sweep
    assert spec is not None
    pains = [0.0, 150.0, 300.0]
    path = "players.CN.instruments.rare_earths.pain[3]"
    cells = sim.sweep(busan, {path: pains}, spec.metrics, matches=20, seed=2, workers=1)
    gains = cells["deal.gain.US"].tolist()
    assert gains[0] < gains[1] < gains[2]
    for pain, gain, share in zip(pains, gains, cells["deal.share"], strict=True):
        n = negotiate(busan.replace({path: pain}))
        assert gain == pytest.approx(n.deal.gain[0])
        assert share == 1.0
