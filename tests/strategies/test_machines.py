"""The kinds that scenario files define without code (memory_n, fsm, sequence): their
play, their errors, their computed facts, and the registry's definitions."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import strategies
from sim.engine import Plan, Rules
from sim.strategies import StrategyError, spec
from sim.strategies.lineup import lineup
from sim.strategies.registry import definition, parse, text
from tests.conftest import ipd_with, multi_game, play

#: Escalates in round 3 only (80 rounds).
ONCE = spec("sequence", moves="CCCD" + "C" * 76)

TFT_STATES = {
    "calm": {"move": "C", "C": "calm", "D": "angry"},
    "angry": {"move": "D", "C": "calm", "D": "angry"},
}


def moves(me: Any, other: Any, rounds: int = 30, noise: float = 0.0, seed: int = 0, n: int = 1):
    """Both players' moves (0/1), ``(rounds, 2, n)``, on the IPD."""
    sc = ipd_with("tit_for_tat", "tit_for_tat", noise=noise, rounds=rounds)
    pair = tuple(spec(s) if isinstance(s, str) else s for s in (me, other))
    plan = dataclasses.replace(sc.plan, strategies=pair)
    return play(plan, n, seed).astype(int)


# ------------------------------------------------------------------ memory_n
def test_memory_n_default_is_tit_for_tat() -> None:
    for other in ("random", "alternator", "prober"):
        np.testing.assert_array_equal(
            moves("memory_n", other, noise=0.1, seed=3, n=16),
            moves("tit_for_tat", other, noise=0.1, seed=3, n=16),
        )


def test_the_most_specific_pattern_wins() -> None:
    """'*D' says escalate after the opponent's D; 'CD' (no wildcard) overrides it when it
    restrained itself: so it escalates only after (D, D)."""
    s = spec("memory_n", restrain={"*C": 1.0, "*D": 0.0, "CD": 1.0})
    lv = moves(s, spec("sequence", moves="DDDC"), rounds=8)[:, 0, 0]
    # round 1 reads (C, D): restrain; round 2 reads (C, D): restrain; round 3 reads (C, D)...
    assert lv.tolist() == [0] * 8
    both_d = moves(spec("memory_n", restrain={"*C": 1.0, "*D": 0.0, "CD": 1.0}), "bully", 6)
    assert both_d[:, 0, 0].tolist() == [0, 0, 0, 0, 0, 0]  # never (D, D) from a restrainer


def test_equal_patterns_that_disagree_are_an_error() -> None:
    with pytest.raises(StrategyError, match=r"'CC'.*\['\*C', 'C\*'\].*different"):
        spec("memory_n", restrain={"*C": 1.0, "C*": 0.0, "*D": 0.0})


def test_an_unmatched_history_needs_a_default() -> None:
    with pytest.raises(StrategyError, match="no pattern matches 2 of the 4 histories"):
        spec("memory_n", restrain={"*C": 1.0})
    assert spec("memory_n", restrain={"*C": 1.0}, default=0.0).facts.retaliatory


@pytest.mark.parametrize("key", ["*X", "CCC", "CC CC"], ids=["letter", "odd", "too-long"])
def test_bad_patterns_name_the_pattern(key: str) -> None:
    with pytest.raises(StrategyError) as info:
        spec("memory_n", n=1, restrain={key: 0.0}, default=1.0)
    assert any(repr(key) in p.location for p in info.value.problems), info.value.problems


def test_patterns_ignore_spaces_and_case() -> None:
    a = spec("memory_n", n=3, restrain={"cd dd dd": 0.0, "C D": 1.0}, default=1.0)
    b = spec("memory_n", n=3, restrain={"CDDDDD": 0.0}, default=1.0)
    np.testing.assert_array_equal(
        moves(a, "random", 40, seed=2, n=8), moves(b, "random", 40, seed=2, n=8)
    )


def test_opening_patterns_decide_the_first_rounds() -> None:
    """Patterns shorter than n decide the rounds before n (round 0 is ''); without them
    the history is padded with the state in force."""
    s = spec("memory_n", n=2, restrain={"": 0.0, "**": 0.0, "** **": 1.0})
    assert moves(s, "appease", 5)[:, 0, 0].tolist() == [1, 1, 0, 0, 0]
    padded = spec("memory_n", n=3, restrain={"C* ** **": 1.0, "D* ** **": 0.0})
    # D when its own move three rounds ago was D: never, from a baseline start
    assert moves(padded, "always_escalate", 10)[:, 0, 0].tolist() == [0] * 10


def test_stochastic_memory_n_is_memory_one_draw_for_draw() -> None:
    """The same probabilities as memory_one (and p0 as the round-0 pattern) play the
    same moves with the same seed, under noise: they take the same uniforms."""
    p = {"p_cc": 0.9, "p_cd": 0.2, "p_dc": 0.7, "p_dd": 0.1, "p0": 0.6}
    table = {"": 0.6, "CC": 0.9, "CD": 0.2, "DC": 0.7, "DD": 0.1}
    a = moves(spec("memory_n", restrain=table), "random", 60, noise=0.05, seed=9, n=64)
    b = moves(spec("memory_one", **p), "random", 60, noise=0.05, seed=9, n=64)
    np.testing.assert_array_equal(a, b)
    assert spec("memory_n", restrain=table).facts.stochastic


# ------------------------------------------------------------------ fsm and sequence
def test_fsm_forms_agree_and_play_tit_for_tat() -> None:
    moore = spec("fsm", states=TFT_STATES)
    mealy = spec(
        "fsm",
        transitions=[[1, "C", 1, "C"], [1, "D", 1, "D"]],
        initial_state=1,
        initial_move="C",
    )
    for s in (moore, mealy):
        np.testing.assert_array_equal(
            moves(s, "random", noise=0.1, seed=4, n=16),
            moves("tit_for_tat", "random", noise=0.1, seed=4, n=16),
        )


@pytest.mark.parametrize(
    ("params", "where", "what"),
    [
        ({"states": {"a": {"move": "C", "C": "a", "D": "b"}}}, "states.a.D", "unknown state 'b'"),
        ({"states": TFT_STATES, "start": "x"}, "start", "unknown state 'x'"),
        ({"states": {}}, "states", "at least one state"),
        (
            {"transitions": [[1, "C", 1, "C"]], "initial_state": 1, "initial_move": "C"},
            "transitions",
            "no row for state '1' after D",
        ),
        (
            {"transitions": [[1, "C", 1, "X"]], "initial_state": 1, "initial_move": "C"},
            "transitions[0]",
            "expected [state, C|D, next state, C|D]",
        ),
        (
            {
                "transitions": [[1, "C", 1, "C"], [1, "D", 2, "D"]],
                "initial_state": 1,
                "initial_move": "C",
            },
            "transitions",
            "next state '2' has no rows",
        ),
        ({"transitions": [[1, "C", 1, "C"], [1, "D", 1, "D"]]}, "initial_state", "needs"),
        ({"states": TFT_STATES, "initial_move": "C"}, "initial_move", "transitions form"),
    ],
)
def test_fsm_errors_name_the_place(params: dict[str, Any], where: str, what: str) -> None:
    with pytest.raises(StrategyError) as info:
        spec("fsm", **params)
    assert any(p.location == where and what in p.message for p in info.value.problems), (
        info.value.problems
    )


def test_sequence_repeats_and_climbs_ladders() -> None:
    assert moves(spec("sequence", moves="CCD"), "random", 9)[:, 0, 0].tolist() == [0, 0, 1] * 3
    game = multi_game()
    lv = play(Plan(game, (spec("sequence", moves="D"), spec("appease")), Rules(rounds=6)), 1, 0)
    own = lv[:, game.of(0), 0]
    top = game.n_levels[game.of(0)] - 1
    for t in range(6):  # one rung up every round, up to the top of each ladder
        np.testing.assert_array_equal(own[t], np.minimum(t + 1, top))
    with pytest.raises(StrategyError, match="expected the letters C and D"):
        spec("sequence", moves="CXD")
    with pytest.raises(StrategyError, match="expected 1 to"):
        spec("sequence", moves=" ")


def test_ladder_moves_follow_the_classics() -> None:
    """On ladders a machine reads 'escalated' (any own or opponent instrument above
    baseline), plays C as baseline everywhere and D as one rung up from where it stands."""
    game = multi_game()
    s = spec("fsm", states=TFT_STATES)
    plan = Plan(game, (s, ONCE), Rules(rounds=8))
    own = play(plan, 1, 0)[:, game.of(0), 0]
    assert (own[:4] == 0).all()
    np.testing.assert_array_equal(own[4], np.ones(len(game.of(0))))  # answers round 3
    assert (own[5:] == 0).all()


# ------------------------------------------------------------------ facts
@pytest.mark.parametrize(
    ("name", "depth"),
    [
        ("cycler_cd", 0),
        ("alternator", 1),
        ("cycler_cccdcd", 0),
        ("suspicious_tit_for_tat", 1),
        ("two_tits_for_tat", 2),
        ("hard_tit_for_tat", 3),
        ("nydegger", 3),
        ("prober", math.inf),
        ("davis", math.inf),
    ],
)
def test_memory_depth(name: str, depth: float) -> None:
    assert spec(name).facts.memory_depth == depth


machine = st.integers(2, 5).flatmap(
    lambda k: st.lists(
        st.tuples(st.sampled_from("CD"), st.integers(0, k - 1), st.integers(0, k - 1)),
        min_size=k,
        max_size=k,
    )
)


@settings(max_examples=60, deadline=None)
@given(machine)
def test_computed_facts_hold_in_play(rows: list[tuple[str, int, int]]) -> None:
    """For random machines, the computed facts are what simulation shows (noiseless,
    80 rounds, more than enough for a machine of five states): nice against appease,
    retaliatory against always_escalate, forgiving against one escalation in round 3,
    and a memory depth of 0 plays the same against any opponent."""
    states = {f"s{i}": {"move": m, "C": f"s{c}", "D": f"s{d}"} for i, (m, c, d) in enumerate(rows)}
    s = spec("fsm", states=states)
    f = s.facts
    assert (moves(s, "appease", 80)[:, 0, 0] == 1).any() == (not f.nice)
    assert (moves(s, "always_escalate", 80)[:, 0, 0] == 1).any() == f.retaliatory
    after = moves(s, ONCE, 80)[:, 0, 0]
    assert (not after[40:].any()) == f.forgiving
    if f.memory_depth == 0:
        for other in ("random", "always_escalate", "grim_trigger"):
            np.testing.assert_array_equal(
                moves(s, other, 40, seed=1)[:, 0], moves(s, "appease", 40)[:, 0]
            )


def test_machines_play_the_same_by_table_lookup_and_by_their_code() -> None:
    """A tournament of stochastic and deterministic machines gives the same results with
    automata and with each strategy's own decide (the same uniforms)."""
    sc = ipd_with("tit_for_tat", "tit_for_tat", noise=0.05, rounds=50)
    lineup_ = [
        spec("memory_n", restrain={"": 0.5, "CC": 0.9, "CD": 0.2, "DC": 0.7, "DD": 0.1}),
        spec("nydegger"),
        spec("prober"),
        spec("cycler_ccd"),
        spec("soft_joss"),
    ]
    from sim.analysis.tournament import tournament

    a = tournament(sc, lineup_, matches=40, seed=3, workers=1, automata=True)
    b = tournament(sc, lineup_, matches=40, seed=3, workers=1, automata=False)
    np.testing.assert_array_equal(a.payoff, b.payoff)


# ------------------------------------------------------------------ definitions
def test_define_registers_a_named_strategy() -> None:
    d = strategies.define(
        "test_tft_machine", "fsm", {"states": TFT_STATES}, summary="TFT as a machine"
    )
    try:
        assert "test_tft_machine" in strategies.names()
        s = spec("test_tft_machine")
        assert s.kind == "fsm" and s.params == d.params
        assert strategies.describe("test_tft_machine")["kind"] == "fsm"
        assert text(s) == "test_tft_machine"
        changed = spec("test_tft_machine", start="angry")
        assert text(changed) == "test_tft_machine:start=angry"
        assert parse(text(changed))[1] == changed
        with pytest.raises(ValueError, match="already registered"):
            strategies.define("test_tft_machine", "fsm", {})
    finally:
        strategies.unregister("test_tft_machine")
    assert "test_tft_machine" not in strategies.names()


def test_a_definition_needs_a_class_as_kind() -> None:
    with pytest.raises(StrategyError, match="not a strategy class"):
        definition("x", "hard_tit_for_tat", {})
    with pytest.raises(StrategyError, match="not a strategy class"):
        definition("x", "no_such_kind", {})


def test_shipped_classics_are_definitions_with_references() -> None:
    shipped = [n for n in strategies.names() if strategies.defined(n) is not None]
    assert len(shipped) == 32
    for name in shipped:
        d = strategies.describe(name)
        assert d["defined_in"] == "sim/strategies/classics.toml"
        assert d["reference"] and d["summary"], name
    assert len(strategies.names()) - len(shipped) >= 15
    assert lineup((spec("davis"),), divisor=1).params.specs[0].kind == "fsm"
