"""Every registered strategy against the facts it declares (checked by simulation), plus
specific behaviour: generous TFT's g, memory-one and never-strike-first as tit-for-tat,
never-strike-first's pain accounting, cap, lag and forgive, and parameter errors."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

import sim
from sim import strategies
from sim.engine import Plan, Rules, run_plan
from sim.errors import ScenarioError
from sim.model import Game, Instrument
from sim.stats.streams import BatchRandom
from sim.strategies import Facts, Observation, Seat, Strategy, StrategyError, StrategySpec, spec
from sim.strategies.base import LevelArray
from sim.strategies.classic import generosity
from tests.conftest import ipd_with, multi_game, play, run_steps

ROOT = Path(__file__).resolve().parents[2]
IPD = ROOT / "scenarios" / "ipd.toml"


# ------------------------------------------------------------------ test-only strategies
@dataclass(frozen=True)
class _NoParams:
    """No parameters."""


class DefectOnce(Strategy):
    """Escalates every instrument to the top in round 3 only; baseline otherwise."""

    name = "test_defect_once"
    summary = "Test only: escalate fully in round 3, never otherwise."
    Params = _NoParams

    @classmethod
    def facts(cls, params: Any) -> Facts:
        return Facts(
            nice=False, retaliatory=False, forgiving=True, stochastic=False, memory_depth=0
        )

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        top = np.broadcast_to(self.seat.own_top, obs.own.shape)
        return top.copy() if obs.t == 3 else np.zeros_like(obs.own)


class Scripted(Strategy):
    """A fixed, seed-independent pattern of levels that depends on the round only."""

    name = "test_scripted"
    summary = "Test only: a fixed pattern of escalations and returns to baseline."
    Params = _NoParams

    @classmethod
    def facts(cls, params: Any) -> Facts:
        return Facts(
            nice=False, retaliatory=False, forgiving=True, stochastic=False, memory_depth=0
        )

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        t = obs.t
        on = (t * 37 + 11) % 7 < 3
        k = obs.own.shape[0]
        lv = np.array([(t * 13 + 5 * i) % (int(self.seat.own_top[i, 0]) + 1) for i in range(k)])
        return np.repeat((lv * on)[:, None], obs.own.shape[1], axis=1)


strategies.register(DefectOnce)
strategies.register(Scripted)

BUNDLED = [n for n in strategies.names() if strategies.get(n).__module__.startswith("sim.")]

#: Every bundled strategy at its defaults, plus parameter choices that change its facts.
VARIANTS: list[tuple[str, dict[str, Any]]] = [(n, {}) for n in BUNDLED] + [
    ("generous_tit_for_tat", {"g": 0.5}),
    ("generous_tit_for_tat", {"g": 0.0}),
    ("generous_tit_for_tat", {"g": 1.0}),
    ("memory_one", {"p_cd": 0.3}),
    ("memory_one", {"p_dc": 0.0, "p_dd": 0.0}),
    ("memory_one", {"p_dc": 0.0, "p_dd": 0.5}),
    ("never_strike_first", {"forgive": False}),
    ("never_strike_first", {"ratio": 0.0}),
    ("never_strike_first", {"lag": 2, "instrument_choice": "most_leverage"}),
    ("never_strike_first", {"ratio": 2.0, "instrument_choice": "spread", "cap": 4.0}),
    ("random", {"p": 0.0}),
    ("random", {"p": 1.0}),
]


def _vid(v: tuple[str, dict[str, Any]]) -> str:
    name, params = v
    return name + (
        "" if not params else "[" + ",".join(f"{k}={x}" for k, x in params.items()) + "]"
    )


def _games(variant: StrategySpec | None = None) -> list[Game]:
    """The IPD and a multi-instrument game, keeping those ``variant`` can play (its
    ``validate`` finds no problem in either seat)."""
    games = [ipd_with("appease", "appease").game, multi_game()]
    if variant is None:
        return games
    return [
        g
        for g in games
        if not any(variant.cls.validate(variant.params, Seat(g, p)) for p in (0, 1))
    ]


def own_levels(
    game: Game,
    me: StrategySpec,
    other: StrategySpec | str,
    *,
    seat: int = 0,
    rounds: int = 40,
    n: int = 32,
    seed: int = 1,
) -> NDArray[np.int64]:
    """Levels of ``me``'s instruments each round, ``(rounds, k_own, n)``, noiseless."""
    opp = spec(other) if isinstance(other, str) else other
    pair = (me, opp) if seat == 0 else (opp, me)
    lv = play(Plan(game, pair, Rules(rounds=rounds)), n, seed)
    return lv[:, game.of(seat)].astype(np.int64)


def escalated(levels: NDArray[np.int64]) -> NDArray[np.bool_]:
    """``(R, k, n)`` -> ``(R, n)``: any instrument above baseline."""
    return (levels > 0).any(axis=1)


# ------------------------------------------------------------------ facts, by simulation
def _where(pred: Any) -> list[Any]:
    """The variants whose declared facts satisfy ``pred``, as pytest params with ids."""
    return [
        pytest.param(spec(n, **p), id=_vid((n, p)))
        for n, p in VARIANTS
        if pred(spec(n, **p).facts)
    ]


@pytest.fixture(params=VARIANTS, ids=_vid)
def variant(request: pytest.FixtureRequest) -> StrategySpec:
    name, params = request.param
    return spec(name, **params)


def test_facts_are_typed(variant: StrategySpec) -> None:
    """Facts are booleans and a non-negative memory depth; describe() reports them."""
    f = variant.facts
    for flag in (f.nice, f.retaliatory, f.forgiving, f.stochastic):
        assert isinstance(flag, bool)
    assert f.memory_depth >= 0
    d = strategies.describe(variant.name)
    assert d["name"] == variant.name
    assert set(d["facts"]) == {"nice", "retaliatory", "forgiving", "stochastic", "memory_depth"}


def test_stochastic_fact(variant: StrategySpec) -> None:
    """stochastic=False: identical play across seeds and matches; stochastic=True: some
    difference across seeds (against a fixed scripted opponent, noiseless)."""
    differs = False
    for game in _games(variant):
        for seat in (0, 1):
            a = own_levels(game, variant, "test_scripted", seat=seat, seed=1)
            b = own_levels(game, variant, "test_scripted", seat=seat, seed=2)
            same = np.array_equal(a, b) and bool(np.all(a == a[..., :1]))
            if not variant.facts.stochastic:
                assert same, (game.players, seat)
            differs |= not same
    if variant.facts.stochastic:
        assert differs


@pytest.mark.parametrize("variant", _where(lambda f: not f.stochastic and f.memory_depth == 0))
def test_deterministic_memory_zero_ignores_opponent(variant: StrategySpec) -> None:
    """A deterministic strategy with memory depth 0 plays the same against any opponent."""
    for game in _games(variant):
        a = own_levels(game, variant, "test_scripted")
        b = own_levels(game, variant, "always_escalate")
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("variant", _where(lambda f: f.retaliatory))
def test_retaliatory_fact(variant: StrategySpec) -> None:
    """retaliatory=True: against always_escalate it escalates at some round (both games,
    both seats)."""
    for game in _games(variant):
        for seat in (0, 1):
            lv = own_levels(game, variant, "always_escalate", seat=seat)
            assert escalated(lv).any(axis=0).all(), (game.players, seat)


def test_nice_fact(variant: StrategySpec) -> None:
    """nice=True: never escalates against a strategy that never does; nice=False: it
    escalates first against appease (both games)."""
    for game in _games(variant):
        lv = own_levels(game, variant, "appease", rounds=60)
        if variant.facts.nice:
            assert not escalated(lv).any()
        else:
            assert escalated(lv).any()


def test_forgiving_fact(variant: StrategySpec) -> None:
    """Against an opponent that escalates fully in round 3 only (60 rounds): forgiving=True
    means it ends at baseline for good, in every match (deterministic: none of the last 20
    rounds escalated; stochastic: at baseline at some round from 4 on, where the return
    can be slow: extortion restrains after (D, C) with probability 7/26 per round);
    forgiving=False means that it does not: it escalates in some of the last 20 rounds of
    every match."""
    for game in _games(variant):
        for seat in (0, 1):
            esc = escalated(own_levels(game, variant, "test_defect_once", seat=seat, rounds=60))
            where = (game.players, seat)
            if variant.facts.forgiving and not variant.facts.stochastic:
                assert not esc[40:].any(), where
            elif variant.facts.forgiving:  # random play may stay up some rounds longer
                assert (~esc[4:]).any(axis=0).all(), where
            else:
                assert esc[40:].any(axis=0).all(), where


def test_forgiving_classics_return_within_a_few_rounds() -> None:
    """The built-in forgiving classics return at once: at baseline again in rounds 4-8 and
    for good from round 9 (deterministic ones)."""
    for name in ("tit_for_tat", "tit_for_two_tats", "contrite_tit_for_tat", "gradual"):
        for game in _games():
            esc = escalated(own_levels(game, spec(name), "test_defect_once"))
            assert (~esc[4:9]).any(axis=0).all() and not esc[9:].any(), (name, game.players)


# ------------------------------------------------------------------ generous tit-for-tat
def test_generous_g_default_is_one_third_on_ipd() -> None:
    """Generous TFT's default g on the IPD is min(1-(T-R)/(R-S), (R-P)/(T-P)) = 1/3 for
    both seats, and the built strategy uses it."""
    game = ipd_with("generous_tit_for_tat", "generous_tit_for_tat").game
    for p in (0, 1):
        np.testing.assert_allclose(generosity(Seat(game, p)), 1 / 3)
        built = spec("generous_tit_for_tat").build(Seat(game, p), 4)
        np.testing.assert_allclose(built.g, 1 / 3)  # type: ignore[attr-defined]
    assert spec("generous_tit_for_tat", g=0.7).build(Seat(game, 0), 4).g == 0.7  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("r", "s", "t", "p", "g"),
    [
        (3, 0, 5, 1, 1 / 3),  # min(1/3, 1/2)
        (4, 0, 6, 1, 1 / 2),  # min(1/2, 3/5)
        (3, 0, 4, 1, 2 / 3),  # min(2/3, 2/3)
        (3, 0, 5, 2, 1 / 3),  # min(1/3, 1/3)
    ],
)
def test_generous_g_follows_the_formula(r: float, s: float, t: float, p: float, g: float) -> None:
    """g = min(1-(T-R)/(R-S), (R-P)/(T-P)) (Nowak & Sigmund 1992) for other PD payoffs."""
    ones = Instrument("move", 0, ("C", "D")), Instrument("move", 1, ("C", "D"))
    game = Game.from_matrices(("A", "B"), ones, [[[r, s], [t, p]], [[r, t], [s, p]]])
    np.testing.assert_allclose(generosity(Seat(game, 0)), g)
    np.testing.assert_allclose(generosity(Seat(game, 1)), g)


@pytest.mark.parametrize("g", [None, 0.8])
def test_generous_forgiveness_rate(g: float | None) -> None:
    """Against always_escalate, generous TFT restrains in a share g of rounds 1.. (within 3
    binomial standard errors), on the IPD (g=1/3 by default) and on the ladder game (g
    from its reduction by default)."""
    params = {} if g is None else {"g": g}
    n, rounds = 2000, 60
    for game in _games():
        lv = own_levels(
            game,
            spec("generous_tit_for_tat", **params),
            "always_escalate",
            rounds=rounds,
            n=n,
            seed=7,
        )
        restrained = ~escalated(lv)[1:]
        want = generosity(Seat(game, 0)) if g is None else g
        assert 0.3 < want < 0.9
        se = math.sqrt(want * (1 - want) / restrained.size)
        assert abs(restrained.mean() - want) < 3 * se, (restrained.mean(), want, se)
        # each round it either restrains fully or mirrors the opponent at the top
        tops = (game.n_levels[game.of(0)] - 1)[None, :, None]
        assert np.all((lv[1:] == 0).all(axis=1) | (lv[1:] == tops).all(axis=1))


# ------------------------------------------------------------------ equivalences with TFT
@pytest.mark.parametrize("opponent", [*BUNDLED, "test_scripted"])
@pytest.mark.parametrize(
    ("candidate", "perception"),
    [(("memory_one", {}), 0.0), (("never_strike_first", {"ratio": 1.0}), 0.05)],
    ids=["memory_one", "never_strike_first[ratio=1.0]"],
)
def test_equals_tit_for_tat_on_ipd(
    candidate: tuple[str, dict[str, Any]], perception: float, opponent: str
) -> None:
    """memory_one with its defaults and never_strike_first with ratio=1 play tit-for-tat
    move for move on the IPD, in both seats, under execution noise (never_strike_first also
    under perception noise)."""
    name, params = candidate
    game = ipd_with("appease", "appease").game
    rules = Rules(rounds=80, execution=(0.05, 0.05), perception=(perception, perception))
    for seat in (0, 1):

        def levels(me: StrategySpec, seat: int = seat) -> NDArray[np.int8]:
            pair = (me, spec(opponent)) if seat == 0 else (spec(opponent), me)
            return play(Plan(game, pair, rules), 64, seed=3)

        ref = levels(spec("tit_for_tat"))
        np.testing.assert_array_equal(levels(spec(name, **params)), ref)
        assert escalated(ref[:, [seat]]).any()  # the comparison includes retaliation


def test_memory_one_is_tft_under_perception_noise_after_round_0() -> None:
    """memory_one's defaults are tit-for-tat except in round 0 (documented): TFT copies the
    initial state as perceived, memory_one restrains whatever it perceives. So under
    perception noise, every match where the two differ first differs in round 0, and
    some matches do differ."""
    game = ipd_with("appease", "appease").game
    rules = Rules(rounds=20, perception=(0.05, 0.05))
    for seat in (0, 1):

        def levels(me: StrategySpec, seat: int = seat) -> NDArray[np.int8]:
            pair = (me, spec("appease")) if seat == 0 else (spec("appease"), me)
            return play(Plan(game, pair, rules), 400, seed=3)

        a, b = levels(spec("memory_one")), levels(spec("tit_for_tat"))
        differ = (a != b).any(axis=1)  # (rounds, matches)
        matches = np.flatnonzero(differ.any(axis=0))
        assert matches.size > 0
        assert (differ[:, matches].argmax(axis=0) == 0).all()


def test_never_strike_first_ratio_one_is_tft_on_symmetric_ladders() -> None:
    """On a game whose paired instruments have the same strictly rising pain, the mirror
    choice with ratio=1 answers rung for rung, like tit-for-tat."""

    def inst(name: str, owner: int) -> Instrument:
        return Instrument(
            name,
            owner,
            ("0", "1", "2", "3"),
            gain=(0, 0, 0, 0),
            cost=(0, 1, 2, 3),
            pain=(0, 1, 2.5, 5),
        )

    game = Game.from_instruments(
        ("US", "CN"), [inst("a", 0), inst("b", 0), inst("a", 1), inst("b", 1)]
    )
    rules = Rules(rounds=60, execution=(0.1, 0.1))
    for opp in ("random", "test_scripted", "always_escalate"):
        ref = play(Plan(game, (spec("tit_for_tat"), spec(opp)), rules), 50, seed=4)
        got = play(Plan(game, (spec("never_strike_first"), spec(opp)), rules), 50, seed=4)
        np.testing.assert_array_equal(got, ref)


def test_tit_for_tat_mirrors_share_of_ladder() -> None:
    """TFT copies the opponent's level as the same share of its own ladder, rounded up:
    opponent rung 1 of 2 -> own rung 2 of 4 (5-rung ladder); 2 of 2 -> 4 of 4."""

    def inst(name: str, owner: int, n: int) -> Instrument:
        return Instrument(
            name,
            owner,
            tuple(str(i) for i in range(n)),
            gain=(0.0,) * n,
            cost=(0.0,) * n,
            pain=tuple(float(i) for i in range(n)),
        )

    game = Game.from_instruments(("US", "CN"), [inst("x", 0, 5), inst("y", 1, 3)])
    lv = play(Plan(game, (spec("tit_for_tat"), spec("test_scripted")), Rules(rounds=40)))
    us, cn = lv[:, 0, 0].astype(int), lv[:, 1, 0].astype(int)
    np.testing.assert_array_equal(us[1:], -(-cn[:-1] * 4 // 2))
    assert set(cn[:-1]) == {0, 1, 2}


@pytest.mark.parametrize(("own", "opp"), [(101, 3), (127, 2), (3, 127)])
def test_tit_for_tat_mirrors_long_ladders(own: int, opp: int) -> None:
    """Mirroring an opponent at the top of its ladder puts tit-for-tat at the top of its
    own, however long the ladders (up to 127 rungs)."""

    def inst(name: str, owner: int, n: int) -> Instrument:
        return Instrument(
            name,
            owner,
            tuple(str(i) for i in range(n)),
            gain=(0.0,) * n,
            cost=(0.0,) * n,
            pain=tuple(float(i) for i in range(n)),
        )

    game = Game.from_instruments(("US", "CN"), [inst("x", 0, own), inst("y", 1, opp)])
    lv = play(Plan(game, (spec("tit_for_tat"), spec("always_escalate")), Rules(rounds=4)))
    np.testing.assert_array_equal(lv[1:, 0, 0], own - 1)


# ------------------------------------------------------------------ never_strike_first
def _pain(game: Game, levels: NDArray[np.integer], idx: list[int]) -> NDArray[np.float64]:
    """Total pain inflicted by instruments ``idx`` at ``levels`` ``(K, n)``: ``(n,)``."""
    return sum(
        (game.pain[j].take(levels[j].astype(np.intp)) for j in idx), np.zeros(levels.shape[1])
    )


@pytest.mark.parametrize("choice", ["mirror", "most_leverage", "spread"])
@pytest.mark.parametrize(
    ("ratio", "cap"), [(1.0, None), (0.5, None), (2.0, None), (1.0, 2.5), (3.0, 4.0)]
)
@pytest.mark.parametrize("seat", [0, 1])
def test_never_strike_first_pain_bound(
    choice: str, ratio: float, cap: float | None, seat: int
) -> None:
    """Each round, the pain its chosen levels inflict is at most ratio x the pain it
    received the round before, and at most cap; it does strike back (noise on both sides,
    random and scripted opponents)."""
    game = multi_game()
    me = spec("never_strike_first", ratio=ratio, cap=cap, instrument_choice=choice)
    mine, theirs = game.of(seat), game.of(1 - seat)
    for opp in ("random", "test_scripted", "always_escalate"):
        pair = (me, spec(opp)) if seat == 0 else (spec(opp), me)
        plan = Plan(game, pair, Rules(rounds=50, execution=(0.05, 0.05)))
        inflicted_any = False
        for st in run_steps(plan, 200, seed=5):
            inflicted = _pain(game, st.intended, mine)
            received = _pain(game, st.before, theirs)
            assert np.all(inflicted <= ratio * received + 1e-9)
            if cap is not None:
                assert np.all(inflicted <= cap + 1e-9)
            inflicted_any |= bool(np.any(inflicted > 0))
        assert inflicted_any, opp


def test_never_strike_first_most_leverage_order() -> None:
    """most_leverage climbs the highest pain-per-cost instrument (CN's rare earths) to the
    top before touching the next; spread keeps its rungs within one of each other until
    one reaches the top."""
    game = multi_game()
    re_, tar = game.instrument_index("CN", "rare_earths"), game.instrument_index("CN", "tariff")
    assert game.leverage_order(1)[0] == re_
    for choice in ("most_leverage", "spread"):
        me = spec("never_strike_first", ratio=1.5, instrument_choice=choice)
        lv = play(Plan(game, (spec("random"), me), Rules(rounds=60)), 100, seed=6)
        r, t = lv[:, re_].astype(int), lv[:, tar].astype(int)
        top_r, top_t = int(game.n_levels[re_] - 1), int(game.n_levels[tar] - 1)
        assert (t > 0).any()
        if choice == "most_leverage":
            assert np.all((t == 0) | (r == top_r))
        else:
            assert np.all((abs(r - t) <= 1) | (r == top_r) | (t == top_t))
            assert np.all(r >= t)  # the higher-leverage instrument moves first


def test_never_strike_first_without_forgive_never_steps_down() -> None:
    """With forgive=False its chosen levels never fall, on any instrument (noiseless)."""
    game = multi_game()
    for choice in ("mirror", "most_leverage", "spread"):
        me = spec("never_strike_first", forgive=False, instrument_choice=choice)
        for seat in (0, 1):
            pair = (me, spec("random")) if seat == 0 else (spec("random"), me)
            steps = run_steps(Plan(game, pair, Rules(rounds=40)), 100, seed=8)
            own = game.of(seat)
            rose = False
            for st in steps:
                assert np.all(st.intended[own] >= st.before[own])
                rose |= bool(np.any(st.intended[own] > st.before[own]))
            assert rose
        forgiving = spec("never_strike_first", instrument_choice=choice)
        steps = run_steps(Plan(game, (forgiving, spec("random")), Rules(rounds=40)), 100, seed=8)
        assert any(np.any(st.intended[game.of(0)] < st.before[game.of(0)]) for st in steps)


@pytest.mark.parametrize("choice", ["mirror", "most_leverage", "spread"])
def test_never_strike_first_lag(choice: str) -> None:
    """lag=2 plays exactly what lag=0 played two rounds earlier (baseline in rounds 0-1),
    against the same random opponent; against a single escalation in round 3 it answers
    in round 6 instead of 4."""
    game = multi_game()
    for seat in (0, 1):

        def levels(lag: int, opp: str, seat: int = seat) -> NDArray[np.int64]:
            me = spec("never_strike_first", lag=lag, instrument_choice=choice)
            return own_levels(game, me, opp, seat=seat, rounds=40, n=100, seed=9)

        lag0, lag2 = levels(0, "random"), levels(2, "random")
        assert (lag0 > 0).any()
        np.testing.assert_array_equal(lag2[2:], lag0[:-2])
        assert not lag2[:2].any()
        once0, once2 = (
            escalated(levels(0, "test_defect_once")),
            escalated(levels(2, "test_defect_once")),
        )
        np.testing.assert_array_equal(np.flatnonzero(once0.all(axis=1)), [4])
        np.testing.assert_array_equal(np.flatnonzero(once2.all(axis=1)), [6])
        assert not once0.any(axis=1)[np.r_[0:4, 5:40]].any()
        assert not once2.any(axis=1)[np.r_[0:6, 7:40]].any()


# ------------------------------------------------------------------ registry errors
def test_unknown_strategy_name() -> None:
    """An unknown name raises StrategyError located at 'name' and listing the choices."""
    with pytest.raises(StrategyError) as err:
        spec("tit_for_tatt")
    (problem,) = err.value.problems
    assert problem.location == "name"
    assert "tit_for_tatt" in problem.message
    assert "tit_for_tat" in problem.message.replace("tit_for_tatt", "")


@pytest.mark.parametrize(
    ("name", "params", "bad"),
    [
        ("never_strike_first", {"ratoi": 1.0}, "ratoi"),
        ("never_strike_first", {"ratio": -1.0}, "ratio"),
        ("never_strike_first", {"ratio": "high"}, "ratio"),
        ("never_strike_first", {"lag": 1.5}, "lag"),
        ("never_strike_first", {"lag": -1}, "lag"),
        ("never_strike_first", {"cap": -2.0}, "cap"),
        ("never_strike_first", {"instrument_choice": "biggest"}, "instrument_choice"),
        ("never_strike_first", {"forgive": "yes"}, "forgive"),
        ("generous_tit_for_tat", {"g": 1.5}, "g"),
        ("random", {"p": -0.1}, "p"),
        ("memory_one", {"p0": 2.0}, "p0"),
        ("tit_for_tat", {"g": 0.5}, "g"),
    ],
)
def test_bad_params_are_named(name: str, params: dict[str, Any], bad: str) -> None:
    """Unknown or invalid parameters raise StrategyError naming the parameter."""
    with pytest.raises(StrategyError) as err:
        spec(name, **params)
    assert [p.location for p in err.value.problems] == [bad]
    assert bad in str(err.value)


def test_all_bad_params_reported() -> None:
    """Several unknown parameters are all reported, each located."""
    with pytest.raises(StrategyError) as err:
        spec("never_strike_first", a=1, b=2)
    assert sorted(p.location for p in err.value.problems) == ["a", "b"]


def test_bad_params_in_a_scenario() -> None:
    """In a scenario the error is a ScenarioError located at players.X.strategy.param."""
    with pytest.raises(ScenarioError) as err:
        ipd_with("appease", "appease").replace(
            {"players.CN.strategy": {"name": "never_strike_first", "ratio": -1.0}}
        )
    assert [p.location for p in err.value.problems] == ["players.CN.strategy.ratio"]


def test_register_rejects_a_taken_name() -> None:
    """Registering another class under a taken name is an error; re-registering is not."""

    class Impostor(Scripted):
        name = "tit_for_tat"

    with pytest.raises(ValueError, match="already registered"):
        strategies.register(Impostor)
    assert strategies.register(Scripted) is Scripted
    assert strategies.get("tit_for_tat").__module__ == "sim.strategies.classic"


def test_never_strike_first_ignores_moves_that_help_it() -> None:
    """In a matrix game the opponent's 'escalation' can raise the player's payoff (negative
    derived pain). That is no strike: never_strike_first stays at baseline."""
    ipd = sim.load_scenario(IPD)
    sc = ipd.replace(
        {
            "payoffs.US": [[3.0, 4.0], [5.0, 1.0]],
            "noise.execution": 0.0,
            "players.US.strategy": "never_strike_first",
            "players.CN.strategy": "always_escalate",
        }
    )
    assert sc.game.pain[1, 1] < 0  # CN's move helps the US
    d = run_plan(sc.plan, matches=1024, seed=0, workers=1, sample=4)
    assert (d.traj_levels[:, 0, :] == 0).all()
    assert (d.first_who == 1).all()  # CN opened every match; the US never answered


def test_unregister_removes_a_strategy_and_allows_a_new_class_under_its_name() -> None:
    from sim.strategies.registry import unregister

    def make() -> type[Strategy]:
        class Temporary(Strategy):
            name = "test_temporary"
            summary = "Test only."
            Params = _NoParams

            @classmethod
            def facts(cls, params: Any) -> Facts:
                return Facts(
                    nice=True, retaliatory=False, forgiving=True, stochastic=False, memory_depth=0
                )

            def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
                return np.zeros_like(obs.own)

        return Temporary

    first, second = make(), make()
    strategies.register(first)
    with pytest.raises(ValueError, match="already registered"):
        strategies.register(second)
    assert unregister("test_temporary") is first
    assert "test_temporary" not in strategies.names()
    strategies.register(second)
    assert strategies.get("test_temporary") is second
    unregister("test_temporary")
    with pytest.raises(StrategyError, match="unknown strategy 'test_temporary'"):
        unregister("test_temporary")
