"""The terms of a negotiation from the levels in force: the outcomes on the table, their
values over a term under decoupling against a round-by-round sum, and what a threat buys:
escalating before the talks moves the terms in one's favour."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

import sim
from sim.model import Game, Instrument
from sim.model.deal import Rule, annuity, bargain, mean_exposure, table
from tests.conftest import SCENARIOS, load_ipd

PLAYERS = ("US", "CN")


def _game(decoupling: tuple[float, float] | None = None) -> Game:
    """US: a tariff that pays it (gain > cost) and hurts CN; CN: a control with pain."""
    return Game.from_instruments(
        PLAYERS,
        [
            Instrument(
                "tariff", 0, ("0", "1", "2"), gain=(0, 6, 10), cost=(0, 2, 5), pain=(0, 5, 12)
            ),
            Instrument(
                "control",
                1,
                ("0", "1", "2"),
                gain=(0, 1, 2),
                cost=(0, 1, 3),
                pain=(0, 20, 40),
                decoupling=decoupling,
            ),
        ],
    )


def test_the_table_holds_every_profile_at_or_below_the_threat_for_every_term() -> None:
    g = _game()
    tab = table(g, np.array([2, 1]), 0, (5, 10), 0.9)
    assert len(tab.term) == 3 * 2 * 2
    assert np.all(tab.levels <= np.array([2, 1]))
    assert sorted(set(map(tuple, tab.levels[tab.term == 5].tolist()))) == [
        (a, b) for a in range(3) for b in range(2)
    ]
    # surplus = annuity x (payoff - payoff at the threat); the threat itself has none
    scale = np.array([annuity(0.9, int(t)) for t in tab.term])
    assert_allclose(tab.surplus, (tab.payoff - tab.threat) * scale[:, None])
    at = np.all(tab.levels == np.array([2, 1]), axis=1)
    assert_allclose(tab.surplus[at], 0.0)


def test_values_under_decoupling_equal_the_discounted_round_by_round_sum() -> None:
    g = _game(decoupling=(20.0, 0.3))
    t, term, delta = 7, 15, 0.95
    tab = table(g, np.array([2, 2]), t, (term,), delta)
    for o in (0, 4, 8):
        lv = tab.levels[o].astype(np.int64)[None, :]
        threat = np.array([[2, 2]])
        total = np.zeros(2)
        for s in range(term):
            e = g.exposure(t + s)
            total += delta**s * (g.payoffs(lv, e)[0] - g.payoffs(threat, e)[0])
        assert_allclose(tab.surplus[o], total, rtol=1e-12)
    e = mean_exposure(g, t, term, delta)
    assert 0.3 < e[1] < 1.0 and e[0] == 1.0


def test_the_ipd_from_mutual_defection_bargains_to_mutual_cooperation() -> None:
    g = load_ipd().game
    deal = bargain(g, np.array([1, 1]), 0, Rule(terms=(1,)), 1)
    assert deal.caps == (0, 0)
    assert deal.threat_payoff == (1.0, 1.0) and deal.payoff == (3.0, 3.0)
    assert deal.gain == (2.0, 2.0)
    # from (C, D) the defector gets 5 and no lower profile gives it as much: no deal
    assert bargain(g, np.array([0, 1]), 0, Rule(terms=(1,)), 1).caps is None


def test_from_baseline_there_is_nothing_to_bargain_over() -> None:
    deal = bargain(_game(), np.array([0, 0]), 0, Rule(), 10)
    assert deal.caps is None and deal.gain == (0.0, 0.0)


@pytest.mark.parametrize("solution", ["nash", "rubinstein"])
def test_escalating_before_the_talks_moves_the_terms_in_ones_favour(solution: str) -> None:
    """The threat point moves: China's rare-earth rule (rung 3) against licensing only (1),
    everything else as in force before Busan (scenarios/busan-bargain.toml)."""
    sc = sim.load_scenario(SCENARIOS / "busan-bargain.toml")
    if solution == "rubinstein":
        sc = sc.replace({"bargaining": {"solution": "rubinstein", "terms": [90, 365]}})
    g, rule = sc.game, sc.plan.schedule.bargaining
    assert rule is not None
    high = g.initial_levels.copy()
    low = high.copy()
    low[g.instrument_index("CN", "rare_earths")] = 1
    strong, weak = bargain(g, high, 0, rule, 365), bargain(g, low, 0, rule, 365)
    assert strong.caps is not None and weak.caps is not None
    assert strong.solution[1] > weak.solution[1]  # China does better at the table
    assert strong.solution[0] < weak.solution[0]  # and the US worse


def test_a_longer_term_is_worth_more_only_while_the_surplus_lasts() -> None:
    """Under fast decoupling of CN's control, the US (the target) gains from a deal only
    early on: its surplus over a long term falls below that over a short one's share."""
    g = _game(decoupling=(5.0, 0.0))
    short = table(g, np.array([0, 2]), 0, (5,), 1.0)
    long = table(g, np.array([0, 2]), 0, (200,), 1.0)
    i = int(np.flatnonzero(np.all(short.levels == np.array([0, 0]), axis=1))[0])
    # per round, the US gains far less from removing a control that decoupling erodes
    assert long.surplus[i, 0] / 200 < short.surplus[i, 0] / 5 / 4
