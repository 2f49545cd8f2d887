"""Round-robin tournaments: known pairwise payoffs, literature results under noise, the
automaton path against the strategies' own code, reproducibility, tables and errors.

The comparison with the Axelrod library's tournament is in test_tournament_axelrod.py.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator

import numpy as np
import pytest

import sim
from sim.analysis.tournament import lineup_of, tournament
from sim.engine.two_move import eligible
from sim.errors import SimError
from sim.strategies import StrategyError, spec
from sim.strategies.automaton_play import automaton_of
from sim.strategies.base import Facts, Observation, Seat, Strategy
from sim.strategies.classic import NoParams
from sim.strategies.lineup import lineup
from sim.strategies.registry import names, register, unregister

R, S, T, P = 3.0, 0.0, 5.0, 1.0
ROUNDS = 200


@pytest.fixture(scope="module")
def ipd() -> sim.Scenario:
    return sim.load_scenario("scenarios/ipd.toml")


@pytest.fixture(scope="module")
def quiet(ipd: sim.Scenario) -> sim.Scenario:
    return ipd.replace({"noise.execution": 0.0})


# ---------------------------------------------------------------- deterministic pairs


@pytest.mark.parametrize(
    ("a", "b", "first", "then"),
    [
        # (a's first-round payoff, a's payoff in every later round)
        ("tit_for_tat", "always_escalate", S, P),  # S then P forever
        ("always_escalate", "tit_for_tat", T, P),
        ("tit_for_tat", "tit_for_tat", R, R),
        ("appease", "always_escalate", S, S),
        ("grim_trigger", "always_escalate", S, P),
        ("tit_for_two_tats", "always_escalate", S, S),  # then P from round 2 (below)
        ("win_stay_lose_shift", "appease", R, R),
    ],
)
def test_deterministic_pairs_without_noise(
    quiet: sim.Scenario, a: str, b: str, first: float, then: float
) -> None:
    res = tournament(quiet, [a, b] if a != b else [a, "appease"], matches=3, seed=1)
    i, j = res.labels.index(a), res.labels.index(b)
    as_first, as_second = res.samples(i, j)
    expected = (first + (ROUNDS - 1) * then) / ROUNDS
    if a == "tit_for_two_tats":  # C, C, then D forever: S, S, P, P, ...
        expected = (2 * S + (ROUNDS - 2) * P) / ROUNDS
    assert np.all(as_first == expected) and np.all(as_second == expected)
    assert res.payoff_matrix[i, j] == pytest.approx(expected, abs=1e-12)
    assert res.scores().set_index(["row", "column"]).loc[(a, b), "se"] == pytest.approx(
        0, abs=1e-12
    )


def test_win_stay_lose_shift_against_always_escalate_alternates(quiet: sim.Scenario) -> None:
    # WSLS cooperates every other round against ALLD: S, P, S, P, ... (literature.md, 4)
    res = tournament(quiet, ["win_stay_lose_shift", "always_escalate"], matches=2, seed=3)
    assert res.payoff_matrix[0, 1] == (S + P) / 2
    assert res.payoff_matrix[1, 0] == (T + P) / 2


# ---------------------------------------------------------------- literature under noise


def _markov_mean(step: dict[tuple[int, int], tuple[int, int]], eps: float, rounds: int) -> float:
    """Expected mean payoff per round of the first player over ``rounds`` rounds of two
    deterministic memory-one strategies under flip noise ``eps``, both starting with C:
    exact, from the four-state Markov chain (the test's own computation)."""
    pay = {(0, 0): R, (0, 1): S, (1, 0): T, (1, 1): P}
    states = list(itertools.product((0, 1), (0, 1)))

    def noisy(intended: tuple[int, int]) -> np.ndarray:
        out = np.zeros(4)
        for k, (c, d) in enumerate(states):
            pc = (1 - eps) if c == intended[0] else eps
            pd = (1 - eps) if d == intended[1] else eps
            out[k] = pc * pd
        return out

    dist = noisy((0, 0))  # round 0: both intend C
    total = 0.0
    move = np.array([noisy(step[s]) for s in states])
    for _ in range(rounds):
        total += float(dist @ np.array([pay[s] for s in states]))
        dist = dist @ move
    return total / rounds


def test_noise_wsls_self_play_keeps_near_r_and_tft_falls(ipd: sim.Scenario) -> None:
    """Under noise 0.05, WSLS against itself corrects an error in two rounds and keeps a
    mean payoff near R, while TFT against itself falls towards (R+S+T+P)/4 = 2.25
    (literature.md, sections 3 and 4; Molander 1985, Nowak & Sigmund 1993)."""
    res = tournament(ipd, ["win_stay_lose_shift", "tit_for_tat"], matches=4000, seed=11)
    mat = res.payoff_matrix
    se = res.scores().set_index(["row", "column"])["se"]
    wsls = {(a, b): (a ^ b, a ^ b) for a in (0, 1) for b in (0, 1)}  # both play own XOR seen
    tft = {(a, b): (b, a) for a in (0, 1) for b in (0, 1)}
    exact_wsls = _markov_mean(wsls, 0.05, ROUNDS)
    exact_tft = _markov_mean(tft, 0.05, ROUNDS)
    assert abs(mat[0, 0] - exact_wsls) < 4 * se[("win_stay_lose_shift", "win_stay_lose_shift")]
    assert abs(mat[1, 1] - exact_tft) < 4 * se[("tit_for_tat", "tit_for_tat")]
    assert exact_wsls > 2.6 and mat[0, 0] > 2.6  # near R = 3 (noise costs both sides)
    assert abs(exact_tft - (R + S + T + P) / 4) < 0.05  # the long-run value, 200 rounds
    assert mat[0, 0] - mat[1, 1] > 0.3


# ---------------------------------------------------------------- automata = the code

AUTOMATA = [n for n in names() if n not in ("scripted",)]


def _two_move_specs(ipd: sim.Scenario) -> list[tuple[str, object]]:
    seat = Seat(ipd.game, 0)
    out = []
    extra = {
        "memory_one": [
            {},
            {"p_cc": 0.9, "p_cd": 0.2, "p_dc": 0.6, "p_dd": 0.1, "p0": 0.7},
            {"p_cc": 1.0, "p_cd": 0.0, "p_dc": 0.0, "p_dd": 1.0},
        ],
        "generous_tit_for_tat": [{}, {"g": 0.5}],
        "random": [{}, {"p": 0.2}],
        "extortion": [{}],
    }
    for name in AUTOMATA:
        for params in extra.get(name, [{}]):
            s = spec(name, **params)
            if automaton_of(s, seat) is not None:
                out.append((f"{name}{params}", s))
    return out


def test_every_classic_two_move_strategy_has_an_automaton(ipd: sim.Scenario) -> None:
    have = {label.split("{")[0] for label, _ in _two_move_specs(ipd)}
    assert {
        "appease",
        "always_escalate",
        "tit_for_tat",
        "generous_tit_for_tat",
        "tit_for_two_tats",
        "grim_trigger",
        "win_stay_lose_shift",
        "memory_one",
        "random",
        "extortion",
    } <= have


@pytest.mark.parametrize(("execution", "perception"), [(0.05, 0.0), (0.1, 0.07), (0.0, 0.0)])
def test_automata_play_exactly_as_the_strategies_code(
    ipd: sim.Scenario, execution: float, perception: float
) -> None:
    """The table-lookup path and each strategy's own decide give identical matches: same
    moves, same random numbers (every automaton, including in mixed lineups)."""
    sc = ipd.replace({"noise.execution": execution, "noise.perception": perception})
    entries = [*_two_move_specs(ipd), ("gradual", spec("gradual"))]  # no automaton: mixed
    fast = tournament(sc, entries, matches=7, seed=5)
    slow = tournament(sc, entries, matches=7, seed=5, automata=False)
    assert np.array_equal(fast.payoff, slow.payoff)
    assert np.array_equal(fast.peace, slow.peace)


@pytest.mark.parametrize(("execution", "perception"), [(0.05, 0.0), (0.1, 0.07)])
def test_the_two_move_kernel_plays_exactly_as_the_strategies_code(
    ipd: sim.Scenario, execution: float, perception: float
) -> None:
    """Every strategy with an automaton: the tournament takes the two-move kernel
    (sim.engine.two_move), and its matches equal those of the general engine running each
    strategy's own code, bit for bit."""
    sc = ipd.replace({"noise.execution": execution, "noise.perception": perception})
    entries = _two_move_specs(ipd)
    _, specs = lineup_of(entries, sc)
    seats = (lineup(specs, divisor=5 * len(specs)), lineup(specs, divisor=5))
    assert eligible(dataclasses.replace(sc.plan, strategies=seats))
    fast = tournament(sc, entries, matches=5, seed=8)
    slow = tournament(sc, entries, matches=5, seed=8, automata=False)
    assert np.array_equal(fast.payoff, slow.payoff)
    assert np.array_equal(fast.peace, slow.peace)


def test_a_two_move_game_that_starts_escalated_is_played_by_the_strategies(
    ipd: sim.Scenario,
) -> None:
    """From a start above baseline the automata (whose initial state stands for a history
    at baseline) give way to the strategies, which take over from the levels in force:
    tit-for-two-tats facing an opponent that starts escalated and stays so answers at once
    (it remembers the level in force as last round's), in a tournament as in a run."""
    sc = ipd.replace({"players.CN.instruments.move.initial": 1, "noise.execution": 0.0})
    assert automaton_of(spec("tit_for_two_tats"), Seat(sc.game, 0)) is None
    entries = ["tit_for_two_tats", "always_escalate"]
    t = tournament(sc, entries, matches=3, seed=1)
    slow = tournament(sc, entries, matches=3, seed=1, automata=False)
    assert np.array_equal(t.payoff, slow.payoff)
    run = sim.simulate(
        sc.replace(
            {"players.US.strategy": "tit_for_two_tats", "players.CN.strategy": "always_escalate"}
        ),
        matches=3,
        seed=1,
        workers=1,
    )
    assert (run.data.final == 1).all()
    assert (run.rounds()["US.move.mean"] == 1).all()  # escalated from round 0: no step down


def test_no_automaton_outside_two_move_games() -> None:
    sc = sim.load_scenario("scenarios/us-china-baseline.toml")
    assert automaton_of(spec("tit_for_tat"), Seat(sc.game, 0)) is None


# ---------------------------------------------------------------- reproducibility


def test_same_seed_same_tournament_and_workers_do_not_matter(ipd: sim.Scenario) -> None:
    sc = ipd.replace(simulation={"rounds": 3})
    entries = ["tit_for_tat", "random", "gradual"]
    # 3 x 3 pairs x 1000 matches: three blocks of the fixed tournament block size
    one = tournament(sc, entries, matches=1000, seed=2, workers=1)
    two = tournament(sc, entries, matches=1000, seed=2, workers=2)
    assert two.info["workers"] == 2
    assert np.array_equal(one.payoff, two.payoff)
    other = tournament(sc, entries, matches=1000, seed=3, workers=1)
    assert not np.array_equal(one.payoff, other.payoff)


# ---------------------------------------------------------------- tables


def test_scores_ranking_and_matrix_agree(ipd: sim.Scenario) -> None:
    res = tournament(ipd, ["tit_for_tat", "always_escalate", "appease"], matches=30, seed=4)
    scores = res.scores()
    assert len(scores) == 9
    mat = res.matrix()
    for row in scores.itertuples():
        assert mat.loc[row.row, row.column] == pytest.approx(row.score)
        assert row.score == pytest.approx((row.score_as_US + row.score_as_CN) / 2)
    ranking = res.ranking().set_index("label")
    for i, a in enumerate(res.labels):
        others = [res.payoff_matrix[i, j] for j in range(3) if j != i]
        assert ranking.loc[a, "score"] == pytest.approx(np.mean(others))  # self-play excluded
        assert ranking.loc[a, "ci_low"] < ranking.loc[a, "score"] < ranking.loc[a, "ci_high"]
        assert ranking.loc[a, "matches"] == 2 * 30 * 2
    assert list(res.ranking()["rank"]) == [1, 2, 3]
    assert res.ranking()["score"].is_monotonic_decreasing
    # always_escalate beats appease in every match and never loses to tit-for-tat
    assert ranking.loc["always_escalate", "wins"] >= 2 * 30
    assert ranking.loc["appease", "wins"] == 0


def test_standard_error_of_a_pair_combines_both_seats(ipd: sim.Scenario) -> None:
    res = tournament(ipd, ["tit_for_tat", "random"], matches=50, seed=9)
    first, second = res.samples(0, 1)
    expected = 0.5 * np.sqrt(first.var(ddof=1) / 50 + second.var(ddof=1) / 50)
    se = res.scores().set_index(["row", "column"]).loc[("tit_for_tat", "random"), "se"]
    assert se == pytest.approx(expected)


def test_same_strategy_with_other_parameters_under_other_labels(ipd: sim.Scenario) -> None:
    res = tournament(
        ipd,
        ["stingy=generous_tit_for_tat:g=0.05", "kind=generous_tit_for_tat:g=0.9"],
        matches=40,
        seed=6,
    )
    assert res.labels == ("stingy", "kind")
    assert res.specs[0].params.g == 0.05 and res.specs[1].params.g == 0.9
    assert set(res.ranking()["strategy"]) == {
        "generous_tit_for_tat:g=0.05",
        "generous_tit_for_tat:g=0.9",
    }


def test_all_strategies_on_the_us_china_game() -> None:
    sc = sim.load_scenario("scenarios/us-china-baseline.toml").replace(
        {"noise.execution": 0.0, "noise.perception": 0.0}, simulation={"rounds": 8}
    )
    labels, _ = lineup_of("all", sc)
    assert "never_strike_first" in labels and "scripted" not in labels
    assert "extortion" not in labels  # two-level games only
    res = tournament(sc, ["never_strike_first", "tit_for_tat", "escalate_to_negotiate"], matches=4)
    assert res.payoff.shape == (2, 9 * 4)
    assert np.all(res.peace[: 2 * 4] == 1.0)  # nice strategies never escalate first
    assert np.all(res.peace[res.matches * 2 : res.matches * 3] < 1.0)  # nsf vs e-t-n


def test_bad_lineups_are_rejected_with_their_place(ipd: sim.Scenario) -> None:
    us_china = sim.load_scenario("scenarios/us-china-baseline.toml")
    with pytest.raises(StrategyError, match="'extortion' as US: extortion needs a two-level"):
        tournament(us_china, ["extortion", "tit_for_tat"], matches=2)
    with pytest.raises(StrategyError, match="two strategies share this label"):
        tournament(ipd, ["tit_for_tat", "tit_for_tat"], matches=2)
    with pytest.raises(StrategyError, match="unknown strategy 'nope'"):
        tournament(ipd, ["nope", "appease"], matches=2)
    with pytest.raises(StrategyError, match="less than or equal to 1"):
        tournament(ipd, ["generous_tit_for_tat:g=1.5", "appease"], matches=2)
    with pytest.raises(ValueError, match="matches must be at least 1"):
        tournament(ipd, ["tit_for_tat", "appease"], matches=0)
    with pytest.raises(StrategyError, match="at least two strategies"):
        tournament(ipd, ["tit_for_tat"], matches=2)


class _Overshoot(Strategy):
    """A user's strategy (not bundled): tit-for-tat asking for rung 256 (off the ladder)."""

    name = "test_lineup_overshoot"
    summary = "Tit-for-tat aiming far too high."
    Params = NoParams

    @classmethod
    def facts(cls, params: object) -> Facts:
        return Facts(nice=True, retaliatory=True, forgiving=True, stochastic=False, memory_depth=1)

    def decide(self, obs: Observation, rng: object) -> np.ndarray:
        return np.asarray(obs.opp, dtype=np.int64) * 256  # wraps to 0 in int8 unless clipped


@pytest.fixture
def overshoot() -> Iterator[str]:
    register(_Overshoot)
    yield _Overshoot.name
    unregister(_Overshoot.name)


def test_a_users_strategy_plays_and_is_clipped_to_the_ladder(
    quiet: sim.Scenario, overshoot: str
) -> None:
    res = tournament(quiet, [overshoot, "tit_for_tat", "always_escalate"], matches=2, seed=1)
    mine = res.labels.index(overshoot)
    tft = res.labels.index("tit_for_tat")
    assert np.allclose(res.payoff_matrix[mine], res.payoff_matrix[tft])  # plays as TFT
    assert np.allclose(res.payoff_matrix[:, mine], res.payoff_matrix[:, tft])


def test_a_tournament_match_is_the_match_simulate_plays(ipd: sim.Scenario) -> None:
    """Deterministic strategies under execution noise: match g of the tournament is match g
    of ``simulate`` with the same pair and seed (the noise belongs to the match)."""
    entries = ["tit_for_tat", "win_stay_lose_shift", "grim_trigger"]
    res = tournament(ipd, entries, matches=30, seed=9)
    for i, j in [(0, 1), (2, 0), (1, 1)]:
        pair = slice((i * 3 + j) * 30, (i * 3 + j + 1) * 30)
        sc = ipd.replace({"players.US.strategy": entries[i], "players.CN.strategy": entries[j]})
        alone = sim.simulate(sc, matches=9 * 30, seed=9, workers=1)
        assert np.allclose(alone.data.total[:, pair] / ROUNDS, res.payoff[:, pair], rtol=1e-12)
        assert np.array_equal(alone.data.peace_rounds[pair] / ROUNDS, res.peace[pair])


def test_a_lineup_strategy_that_draws_otherwise_gets_a_clear_error(quiet: sim.Scenario) -> None:
    class Bernoulli(_Overshoot):
        name = "test_lineup_bernoulli"

        def decide(self, obs: Observation, rng: object) -> np.ndarray:
            rng.bernoulli([0.5])  # type: ignore[attr-defined]
            return np.zeros_like(obs.own)

    register(Bernoulli)
    try:
        with pytest.raises(SimError, match=r"rng.bernoulli\(\); in a lineup strategies draw"):
            tournament(quiet, ["test_lineup_bernoulli", "tit_for_tat"], matches=2)
    finally:
        unregister("test_lineup_bernoulli")
