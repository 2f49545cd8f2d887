"""Property tests of the engine: ladders, max_step, reproducibility, blocking and workers,
"nice never escalates first", and the reducer's bookkeeping against raw trajectories.

The shared hypothesis generators (games, strategy specs, rules) are in tests/generators.py.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from sim.engine import Plan, Rules, RunData, run_plan
from sim.engine.reduce import BOTH, NOBODY
from sim.model import Game, Instrument
from sim.strategies import StrategySpec, spec
from tests.conftest import ipd_with, multi_game, play, playable, run_steps
from tests.generators import (
    BUNDLED,
    FAST,
    NICE,
    PLAYERS,
    games,
    nice_specs,
    plans,
    seeds,
    strategy_specs,
)


def assert_same_run(a: RunData, b: RunData) -> None:
    """Every array of two reduced runs is exactly equal."""
    for f in dataclasses.fields(RunData):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype, f.name
            assert np.array_equal(x, y), f.name
        else:
            assert x == y, f.name


def first_escalation(
    levels: NDArray[np.integer], before: NDArray[np.integer]
) -> NDArray[np.int64]:
    """First round in which any of the given instruments stands above its level in force at
    take-over (``before``, the initial ``(k,)``; no replay here), per match (-1: never): the
    first strike of docs/model.md. ``levels`` is ``(R, k, n)``."""
    up = (levels.astype(int) > before[None, :, None].astype(int)).any(axis=1)  # (R, n)
    return np.where(up.any(axis=0), up.argmax(axis=0), -1)


# ------------------------------------------------------------------ (a) ladder invariants
def _check_ladder(plan: Plan, n: int, seed: int) -> None:
    game, top = plan.game, (plan.game.n_levels - 1)[:, None]
    steps = run_steps(plan, n, seed)
    assert [s.t for s in steps] == list(range(plan.rules.rounds))
    before = np.repeat(game.initial_levels[:, None], n, axis=1)
    for s in steps:
        assert s.levels.shape == s.intended.shape == (game.n_instruments, n)
        np.testing.assert_array_equal(s.before, before)
        for arr in (s.levels, s.intended):
            assert np.all(arr >= 0)
            assert np.all(arr <= top)
        if plan.rules.max_step is not None:
            jump = np.abs(s.intended.astype(int) - s.before.astype(int))
            assert jump.max() <= plan.rules.max_step
        noise = np.array([plan.rules.execution[o] for o in game.owner])
        if not noise.any():
            np.testing.assert_array_equal(s.levels, s.intended)
        else:  # execution noise moves a level at most one rung
            assert np.abs(s.levels.astype(int) - s.intended.astype(int)).max() <= 1
        np.testing.assert_allclose(s.payoffs.T, game.payoffs(s.levels.T.astype(np.int64)))
        before = s.levels


@FAST
@given(plans(), st.integers(1, 40), seeds)
def test_levels_stay_on_ladder(plan: Plan, n: int, seed: int) -> None:
    """Chosen and executed levels stay within [0, top]; chosen levels move at most max_step
    rungs; noise moves a level at most one rung; payoffs are the game's at those levels."""
    _check_ladder(plan, n, seed)


def _long_ladder_plan(max_step: int) -> Plan:
    """Both players with one 127-rung ladder, always_escalate against appease."""
    n = 127
    zero, labels = (0.0,) * n, tuple(str(i) for i in range(n))
    lin = tuple(float(i) for i in range(n))
    game = Game.from_instruments(
        PLAYERS,
        [
            Instrument("x", 0, labels, gain=zero, cost=zero, pain=lin),
            Instrument("y", 1, labels, gain=zero, cost=zero, pain=lin),
        ],
    )
    return Plan(
        game, (spec("always_escalate"), spec("appease")), Rules(rounds=80, max_step=max_step)
    )


@settings(max_examples=30, deadline=None)
@given(plans(max_levels=127, max_rounds=6, noisy=False), seeds)
@example(_long_ladder_plan(70), 0)
def test_levels_stay_on_ladder_long_ladders(plan: Plan, seed: int) -> None:
    """The same invariants on ladders up to the longest allowed (127 levels)."""
    _check_ladder(plan, 3, seed)


def test_max_step_on_longest_ladder() -> None:
    """always_escalate with max_step=2 on a 127-level ladder climbs 2 rungs per round to the
    top (126) and stays there."""
    us = play(_long_ladder_plan(2))[:, 0, 0].astype(int)
    expected = np.minimum(2 * np.arange(1, 81), 126)
    np.testing.assert_array_equal(us, expected)


# ------------------------------------------------------------------ (b) same seed, same run
@settings(max_examples=25, deadline=None)
@given(plans(max_rounds=8), st.integers(1, 2100), seeds)
def test_same_seed_same_run(plan: Plan, matches: int, seed: int) -> None:
    """Two runs with the same seed give identical arrays."""
    a = run_plan(plan, matches=matches, seed=seed, workers=1, sample=7)
    b = run_plan(plan, matches=matches, seed=seed, workers=1, sample=7)
    assert_same_run(a, b)


def test_seed_is_used() -> None:
    """Under noise, a different seed gives a different run (the seed is not ignored, seed 0
    included)."""
    plan = ipd_with("tit_for_tat", "generous_tit_for_tat", noise=0.05, rounds=50).plan
    runs = [run_plan(plan, matches=500, seed=s, workers=1) for s in (0, 1)]
    assert not np.array_equal(runs[0].total, runs[1].total)


# ------------------------------------------------------------------ (c) blocks and workers
@settings(max_examples=12, deadline=None)
@given(plans(max_rounds=4), st.integers(2049, 3100), seeds)
def test_block_size_does_not_change_results(plan: Plan, matches: int, seed: int) -> None:
    """Block sizes 1024, 3072 and automatic give exactly the same arrays."""
    runs = [
        run_plan(plan, matches=matches, seed=seed, workers=1, block_size=b, sample=1500)
        for b in (1024, 3072, None)
    ]
    assert_same_run(runs[0], runs[1])
    assert_same_run(runs[0], runs[2])


@settings(max_examples=3, deadline=None)
@given(plans(max_rounds=4), seeds)
def test_workers_do_not_change_results(plan: Plan, seed: int) -> None:
    """Two worker processes give exactly the same arrays as one."""
    one = run_plan(plan, matches=3000, seed=seed, workers=1, block_size=3072, sample=1100)
    two = run_plan(plan, matches=3000, seed=seed, workers=2, block_size=1024, sample=1100)
    assert_same_run(one, two)


# ------------------------------------------------------------------ (d) nice never first
def _check_nice_not_first(plan: Plan, nice_player: int, seed: int, n: int = 16) -> None:
    game = plan.game
    levels = play(plan, n, seed)
    init = game.initial_levels
    mine, theirs = game.of(nice_player), game.of(1 - nice_player)
    f_nice = first_escalation(levels[:, mine], init[mine])
    f_opp = first_escalation(levels[:, theirs], init[theirs])
    ok = (f_nice < 0) | ((f_opp >= 0) & (f_nice > f_opp))
    assert ok.all(), (plan.strategies, f_nice[~ok], f_opp[~ok])


@pytest.mark.parametrize("opponent", BUNDLED)
@pytest.mark.parametrize("nice", NICE)
def test_nice_never_escalates_first(nice: str, opponent: str) -> None:
    """Every strategy declared nice, against every registered strategy, in both seats,
    noiseless: its first escalation comes strictly after the opponent's, or never
    (on the IPD and on a two-instrument-per-player game; several seeds)."""
    ipd = ipd_with("appease", "appease", noise=0.0, rounds=40).plan
    for game in (ipd.game, multi_game()):
        for nice_player in (0, 1):
            pair = [spec(opponent), spec(opponent)]
            pair[nice_player] = spec(nice)
            plan = Plan(game, (pair[0], pair[1]), Rules(rounds=40))
            if not playable(plan):  # extortion: two-level dilemmas only (the IPD)
                assert game is not ipd.game
                continue
            for seed in (0, 1, 2):
                _check_nice_not_first(plan, nice_player, seed)


@settings(max_examples=80, deadline=None)
@given(
    games(),
    nice_specs,
    strategy_specs,
    st.integers(0, 1),
    st.one_of(st.none(), st.integers(1, 3)),
    seeds,
)
def test_nice_never_escalates_first_random_games(
    game: Game,
    nice: StrategySpec,
    opponent: StrategySpec,
    nice_player: int,
    max_step: int | None,
    seed: int,
) -> None:
    """The same on random games, with random parameters for both sides and any max_step."""
    pair = [opponent, opponent]
    pair[nice_player] = nice
    plan = Plan(game, (pair[0], pair[1]), Rules(rounds=25, max_step=max_step))
    assume(playable(plan))
    _check_nice_not_first(plan, nice_player, seed)


def test_nice_check_detects_a_first_strike() -> None:
    """The check itself fails when the 'nice' side strikes first (it can fail)."""
    plan = Plan(multi_game(), (spec("random"), spec("appease")), Rules(rounds=30))
    with pytest.raises(AssertionError):
        _check_nice_not_first(plan, 0, seed=0)


# ------------------------------------------------------------------ reducer bookkeeping
@settings(max_examples=40, deadline=None)
@given(plans(max_rounds=10), st.integers(1, 300), seeds)
def test_reduce_agrees_with_trajectories(plan: Plan, matches: int, seed: int) -> None:
    """first_round/first_who (levels in effect above the levels in force), chosen_round/
    chosen_who (intended levels above them and above the level entering the round), steps,
    peace_rounds, final, totals, per-round payoff sums and level counts of the reducer
    equal a direct computation on the full trajectories, and those equal the round-by-round
    engine (the conftest helper)."""
    d = run_plan(plan, matches=matches, seed=seed, workers=1, sample=matches)
    game = plan.game
    lv = d.traj_levels.astype(int)  # (R, K, M)
    assert lv.shape == (plan.rules.rounds, game.n_instruments, matches)
    np.testing.assert_array_equal(lv, play(plan, matches, seed))
    init = game.initial_levels
    firsts = [first_escalation(lv[:, game.of(p)], init[game.of(p)]) for p in (0, 1)]
    first = np.where((firsts[0] >= 0) & (firsts[1] >= 0), np.minimum(*firsts), np.maximum(*firsts))
    np.testing.assert_array_equal(d.first_round, first)
    who = np.full(matches, NOBODY)
    for p in (0, 1):
        who[(firsts[p] == first) & (first >= 0)] = p
    who[(firsts[0] == first) & (firsts[1] == first) & (first >= 0)] = BOTH
    np.testing.assert_array_equal(d.first_who, who)
    prev = np.concatenate([np.broadcast_to(init[None, :, None], (1, *lv.shape[1:])), lv[:-1]])
    rises = np.maximum(lv - prev, 0).sum(axis=0)  # (K, M)
    for p in (0, 1):
        np.testing.assert_array_equal(d.steps[p], rises[game.of(p)].sum(axis=0))
    np.testing.assert_array_equal(d.peace_rounds, (lv == 0).all(axis=1).sum(axis=0))
    np.testing.assert_array_equal(d.peace, (lv == 0).all(axis=1).sum(axis=1))
    up = lv > prev  # (R, K, M)
    for p in (0, 1):
        np.testing.assert_array_equal(
            d.escalating[:, p], up[:, game.of(p)].any(axis=1).sum(axis=1)
        )
    np.testing.assert_array_equal(d.final, lv[-1])
    np.testing.assert_allclose(d.total, d.traj_payoffs.sum(axis=0))
    for j in range(game.n_instruments):
        for level in range(int(game.n_levels[j])):
            np.testing.assert_array_equal(
                d.level_counts[:, j, level], (lv[:, j] == level).sum(axis=1)
            )
    np.testing.assert_allclose(d.pay_sum, d.traj_payoffs.sum(axis=2), atol=1e-9)
    # the first deliberate strike: an intended level above both the level in force at
    # take-over and the level entering the round
    steps = run_steps(plan, matches, seed)
    in_force = init[:, None].astype(int)
    chose = np.stack(
        [s.intended.astype(int) > np.maximum(in_force, s.before.astype(int)) for s in steps]
    )
    ch = [
        np.where(
            chose[:, game.of(p)].any(axis=1).any(axis=0),
            chose[:, game.of(p)].any(axis=1).argmax(axis=0),
            -1,
        )
        for p in (0, 1)
    ]
    ch_first = np.where((ch[0] >= 0) & (ch[1] >= 0), np.minimum(*ch), np.maximum(*ch))
    np.testing.assert_array_equal(d.chosen_round, ch_first)
    ch_who = np.full(matches, NOBODY)
    for p in (0, 1):
        ch_who[(ch[p] == ch_first) & (ch_first >= 0)] = p
    ch_who[(ch[0] == ch_first) & (ch[1] == ch_first) & (ch_first >= 0)] = BOTH
    np.testing.assert_array_equal(d.chosen_who, ch_who)


def test_first_escalation_bookkeeping_examples() -> None:
    """Known cases: the defector opens in round 0; TFT answers in round 1; two nice
    strategies never escalate."""
    cases = [
        ("always_escalate", "tit_for_tat", 0, 0),
        ("tit_for_tat", "always_escalate", 0, 1),
        ("always_escalate", "always_escalate", 0, BOTH),
        ("tit_for_tat", "grim_trigger", -1, NOBODY),
    ]
    for us, cn, rnd, who in cases:
        d = run_plan(ipd_with(us, cn, rounds=10).plan, matches=5, seed=0, workers=1)
        np.testing.assert_array_equal(d.first_round, rnd)
        np.testing.assert_array_equal(d.first_who, who)
