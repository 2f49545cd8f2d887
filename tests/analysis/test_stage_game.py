"""The stage game: textbook games with known answers, classification, critical discount
factors (literature.md section 2), minmax values, the feasible region, and the solvers'
time limit and degenerate games."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.analysis import folk
from sim.analysis.equilibria import solve
from sim.errors import ModelError
from sim.model import Game, Instrument
from tests.conftest import SCENARIOS


def two_by_two(row: list[list[float]], col: list[list[float]]) -> Game:
    """A 2x2 game in the matrix form: levels C (baseline) and D (escalate)."""
    insts = [Instrument("move", p, ("C", "D")) for p in (0, 1)]
    return Game.from_matrices(["US", "CN"], insts, [row, col])


def symmetric(R: float, S: float, T: float, P: float) -> sim.StageGame:
    a = [[R, S], [T, P]]
    return sim.stage_game(two_by_two(a, np.transpose(a).tolist()))


def profiles(eqs: object) -> set[tuple[tuple[float, ...], tuple[float, ...]]]:
    return {(tuple(np.round(e.row, 9)), tuple(np.round(e.col, 9))) for e in eqs}  # type: ignore[attr-defined]


# ---------------------------------------------------------------- textbook games
def test_prisoners_dilemma_axelrod_values() -> None:
    g = symmetric(R=3, S=0, T=5, P=1)
    eqs = g.equilibria()
    assert profiles(eqs) == {((0.0, 1.0), (0.0, 1.0))}  # mutual defection, only
    assert eqs[0].pure and eqs[0].payoffs == (1.0, 1.0)
    assert eqs.complete
    assert g.classify().name == "prisoners_dilemma"
    cd = g.critical_discount()
    assert cd.grim_trigger == pytest.approx(0.5)  # (T-R)/(T-P)
    assert cd.tit_for_tat == pytest.approx(2 / 3)  # max(.., (T-R)/(R-S))
    mm = g.minmax()
    assert mm.pure == (1.0, 1.0) and mm.mixed == pytest.approx((1.0, 1.0))


def test_ipd_scenario_is_the_prisoners_dilemma() -> None:
    g = sim.stage_game(sim.load_scenario(SCENARIOS / "ipd.toml"))
    assert g.shape == (2, 2) and g.labels(0) == ["C", "D"]
    assert g.classify().by_player == {"US": "prisoners_dilemma", "CN": "prisoners_dilemma"}
    assert [(e.support(0).tolist(), e.support(1).tolist()) for e in g.pure_equilibria()] == [
        ([1], [1])
    ]
    cd = g.critical_discount()
    assert cd.discount == 1.0 and cd.sustains("grim_trigger") and cd.sustains("tit_for_tat")
    low = sim.stage_game(
        sim.load_scenario(SCENARIOS / "ipd.toml").replace({"simulation.discount": 0.6})
    )
    assert low.critical_discount().sustains("grim_trigger")
    assert not low.critical_discount().sustains("tit_for_tat")  # 0.6 < 2/3


def test_chicken_two_pure_and_one_mixed() -> None:
    # R=0, S=-1, T=1, P=-10: swerving with probability p leaves the other indifferent when
    # 0p - (1-p) = p - 10(1-p), i.e. p = 9/10.
    g = symmetric(R=0, S=-1, T=1, P=-10)
    eqs = g.equilibria()
    assert g.classify().name == "chicken"
    cd = g.critical_discount()
    assert cd.grim_trigger == pytest.approx(0.5)  # (T-R)/(T-S): the deviator swerves after
    assert not cd.grim_subgame_perfect  # both going straight for ever is no equilibrium
    assert eqs.method == "vertex" and eqs.complete and eqs.exact  # 2 x 2: exact by default
    assert profiles(eqs) == {
        ((1.0, 0.0), (0.0, 1.0)),
        ((0.0, 1.0), (1.0, 0.0)),
        ((0.9, 0.1), (0.9, 0.1)),
    }
    mixed = [e for e in eqs if not e.pure]
    assert mixed[0].exact == (("9/10", "1/10"), ("9/10", "1/10"))
    assert mixed[0].payoffs == pytest.approx((-0.1, -0.1))
    assert len(eqs.pure) == 2


def test_matching_pennies_one_mixed_half_half() -> None:
    a = [[1.0, -1.0], [-1.0, 1.0]]
    g = sim.stage_game(two_by_two(a, (-np.array(a)).tolist()))
    eqs = g.equilibria()
    assert len(eqs) == 1 and not eqs[0].pure
    assert eqs[0].row == pytest.approx([0.5, 0.5]) and eqs[0].col == pytest.approx([0.5, 0.5])
    assert eqs[0].payoffs == pytest.approx((0.0, 0.0))
    mm = g.minmax()
    assert mm.pure == (1.0, 1.0)  # a pure punisher is read and beaten
    assert mm.mixed == pytest.approx((0.0, 0.0))  # mixing holds the other to 0
    assert mm.punisher[0] == pytest.approx([0.5, 0.5])


def test_stag_hunt() -> None:
    # R=4, S=0, T=3, P=2: hunting the stag with p leaves the other indifferent at 4p = 3p + 2(1-p).
    g = symmetric(R=4, S=0, T=3, P=2)
    eqs = g.equilibria()
    assert g.classify().name == "stag_hunt"
    assert profiles(eqs) == {
        ((1.0, 0.0), (1.0, 0.0)),
        ((0.0, 1.0), (0.0, 1.0)),
        ((round(2 / 3, 9), round(1 / 3, 9)), (round(2 / 3, 9), round(1 / 3, 9))),
    }
    assert g.critical_discount().grim_trigger == 0.0  # no temptation: T < R


def test_deadlock() -> None:
    g = symmetric(R=1, S=0, T=3, P=2)
    eqs = g.equilibria()
    assert g.classify().name == "deadlock"
    assert profiles(eqs) == {((0.0, 1.0), (0.0, 1.0))}
    cd = g.critical_discount()
    assert cd.grim_trigger is None and cd.tit_for_tat is None  # P > R: no delta will do
    assert cd.grim_subgame_perfect
    assert not cd.sustains("grim_trigger")


def test_harmony_and_asymmetric_games() -> None:
    assert symmetric(R=3, S=2, T=1, P=0).classify().name == "harmony"
    # the row player's side is a PD, the column player's a chicken: the game is "other"
    g = sim.stage_game(two_by_two([[3, 0], [5, 1]], [[0, 1], [-1, -10]]))
    cls = g.classify()
    assert cls.by_player == {"US": "prisoners_dilemma", "CN": "chicken"}
    assert cls.name == "other"
    assert folk.ordinal_class(folk.Reduction(R=3, S=0, T=3, P=1)) == "other"  # a tie


@pytest.mark.parametrize(
    ("R", "S", "T", "P", "grim", "tft"),
    [
        (3, 0, 5, 1, 1 / 2, 2 / 3),  # Axelrod values, literature.md section 2
        (3, 0, 4, 1, 1 / 3, 1 / 3),  # (T-R)/(T-P) = 1/3 = (T-R)/(R-S)
        (4, 0, 6, 1, 2 / 5, 1 / 2),
        (3, 2, 5, 1, 2 / 3, None),  # chicken; (T-R)/(R-S) = 2 > 1: escalating once pays
        (3, 1, 4, 0, 1 / 3, 1 / 2),  # chicken: after T the deviator restrains (S > P)
        (3, 4, 2, 1, None, 0.0),  # S > R: grim never holds; against TFT T,S alternating = R
        (1, 0, 3, 2, None, None),  # deadlock: P > R
        (3, 2, 1, 0, 0.0, 0.0),  # harmony without temptation
    ],
)
def test_critical_discount_formulas(
    R: float, S: float, T: float, P: float, grim: float | None, tft: float | None
) -> None:
    r = folk.Reduction(R=R, S=S, T=T, P=P)
    assert folk.grim_trigger_threshold(r) == (None if grim is None else pytest.approx(grim))
    assert folk.tit_for_tat_threshold(r) == (None if tft is None else pytest.approx(tft))


def best_against(R: float, S: float, T: float, P: float, delta: float, tft: bool) -> float:
    """The deviator's best normalised discounted payoff against grim trigger or
    tit-for-tat, by solving every stationary plan of the two-state decision problem
    (state: what the other plays this round; grim never leaves D, tit-for-tat copies)."""
    u = {("C", "C"): R, ("D", "C"): T, ("C", "D"): S, ("D", "D"): P}  # (mine, theirs)
    best = -np.inf
    for plan in itertools.product("CD", repeat=2):  # my move when they play C, when D
        act = dict(zip("CD", plan, strict=True))
        nxt = {s: (act[s] if tft else ("C" if s == "C" and act[s] == "C" else "D")) for s in "CD"}
        # v = u + delta * v[next]: two linear equations
        m = np.eye(2)
        rhs = np.zeros(2)
        for k, s in enumerate("CD"):
            m[k, "CD".index(nxt[s])] -= delta
            rhs[k] = u[(act[s], s)]
        v = np.linalg.solve(m, rhs)
        best = max(best, (1 - delta) * v[0])  # start with the other cooperating
    return float(best)


@settings(max_examples=300, deadline=None)
@given(
    st.tuples(*[st.integers(-5, 5)] * 4),
    st.sampled_from([0.05 * k for k in range(1, 20)]),
)
def test_thresholds_match_the_best_deviation(rstp: tuple[int, ...], delta: float) -> None:
    """Restraint is a best reply (nothing beats R) exactly when delta reaches the
    threshold, checked by solving the deviator's decision problem directly."""
    R, S, T, P = map(float, rstp)
    r = folk.Reduction(R=R, S=S, T=T, P=P)
    for tft, threshold in (
        (False, folk.grim_trigger_threshold(r)),
        (True, folk.tit_for_tat_threshold(r)),
    ):
        holds = best_against(R, S, T, P, delta, tft) <= R + 1e-9
        if threshold is None:
            # never from some delta on: it fails at least close to 1
            assert best_against(R, S, T, P, 0.999, tft) > R + 1e-9
        elif abs(delta - threshold) > 1e-6:
            assert holds == (delta > threshold), (tft, threshold)


def test_critical_discount_against_simulated_grim_trigger() -> None:
    """At the threshold delta* = 1/2, defecting for ever against grim trigger stops paying:
    the discounted sums of the two paths cross there."""
    R, S, T, P = 3, 0, 5, 1
    for delta, cooperate_better in ((0.45, False), (0.55, True)):
        t = np.arange(2000)
        coop = (R * delta**t).sum()
        defect = T + (P * delta ** t[1:]).sum()
        assert bool(coop > defect) == cooperate_better
    assert symmetric(R, S, T, P).critical_discount().grim_trigger == 0.5


# ---------------------------------------------------------------- feasible region
def test_feasible_region_of_the_prisoners_dilemma() -> None:
    region = symmetric(R=3, S=0, T=5, P=1).feasible_region()
    assert {tuple(v) for v in region.vertices} == {(1, 1), (0, 5), (3, 3), (5, 0)}
    ir = {tuple(np.round(v, 9)) for v in region.individually_rational}
    assert ir == {(1, 1), (round(13 / 3, 9), 1), (3, 3), (1, round(13 / 3, 9))}
    assert region.minmax == pytest.approx((1, 1)) and region.cooperative == (3.0, 3.0)


def test_feasible_region_degenerate_shapes() -> None:
    line = folk.hull(np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [1.0, 1.0]]))
    assert {tuple(v) for v in line} == {(0.0, 0.0), (2.0, 2.0)}
    assert folk.clip(line, (1.0, 0.5)).tolist() == [[1.0, 1.0], [2.0, 2.0]]
    point = folk.hull(np.array([[1.0, 2.0], [1.0, 2.0]]))
    assert point.tolist() == [[1.0, 2.0]]
    assert folk.clip(point, (3.0, 0.0)).shape == (0, 2)  # empty


# ---------------------------------------------------------------- scenarios
def test_scenario_games_reduce_by_dominance() -> None:
    """The bundled US-China games are additive; each instrument costs its owner more than
    it gains, so restraint is strictly dominant and the baseline is the one equilibrium."""
    sc = sim.load_scenario(SCENARIOS / "us-china-2025.toml")
    g = sim.stage_game(sc)
    assert g.shape == sc.game.profile_counts == (360, 168)
    eqs = g.equilibria()
    assert eqs.method == "dominance" and eqs.complete and eqs.reduced == (1, 1)
    assert (
        len(eqs) == 1 and eqs[0].support(0).tolist() == [0] and eqs[0].support(1).tolist() == [0]
    )
    assert g.classify().name == "harmony"
    a, b = g.matrices()
    assert a[0, 0] == b[0, 0] == 0.0
    with pytest.raises(ValueError, match="read-only"):
        a[0, 0] = 1.0


def test_round_changes_the_game_under_decoupling() -> None:
    sc = sim.load_scenario(SCENARIOS / "us-china-2025.toml")
    early, late = sim.stage_game(sc, round=0), sim.stage_game(sc, round=1000)
    assert sc.game.decouples and late.round == 1000
    # decoupling lowers exposure, so the worst the other side can do hurts less later on
    assert late.minmax().mixed[0] > early.minmax().mixed[0]
    with pytest.raises(ModelError, match="round"):
        sim.stage_game(sc, round=sc.rounds)


def test_to_nashpy_is_the_same_game() -> None:
    g = symmetric(R=0, S=-1, T=1, P=-10)
    ng = g.to_nashpy()
    a, b = ng.payoff_matrices
    assert np.array_equal(a, g.matrices()[0]) and np.array_equal(b, g.matrices()[1])
    ours = profiles(g.equilibria())
    theirs = {(tuple(np.round(x, 9)), tuple(np.round(y, 9))) for x, y in ng.support_enumeration()}
    assert theirs == ours


def test_labels_join_instrument_levels() -> None:
    sc = sim.load_scenario(SCENARIOS / "us-china-baseline.toml")
    g = sim.stage_game(sc)
    n0 = g.shape[0]
    labels = g.labels(0)
    assert len(labels) == n0 == len(set(labels))
    assert labels[0].count(" | ") == len(g.instruments(0)) - 1
    table = g.table()
    assert len(table) == g.shape[0] * g.shape[1]
    assert table["US_payoff"].to_numpy().reshape(g.shape).tolist() == g.matrices()[0].tolist()


# ---------------------------------------------------------------- solver behaviour
def test_degenerate_game_is_reported_and_solved() -> None:
    a = np.zeros((3, 3))
    eqs = solve(a, a)  # every profile is an equilibrium
    assert eqs.degenerate
    assert len(eqs.pure) == 9
    assert all(e.regret == 0 for e in eqs)


def test_time_limit_stops_a_slow_enumeration_with_a_clear_note() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.random((16, 16)), rng.random((16, 16))
    eqs = solve(a, b, method="vertex", exact=True, time_limit=0.5)  # minutes in rationals
    assert eqs.timed_out and not eqs.complete
    assert any("did not finish within the time limit of 0.5 s" in n for n in eqs.notes)
    assert eqs.seconds < 2
    # the pure equilibria are still all there, and whatever else it found is checked
    pure = solve(a, b, method="pure")
    assert len(eqs.pure) == len(pure)
    assert all(e.regret <= 1e-9 for e in eqs)


def test_auto_adds_lemke_howson_when_enumeration_runs_out() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.random((16, 16)), rng.random((16, 16))
    eqs = solve(a, b, time_limit=0.3)  # enumerating this 16 x 16 game takes about 1 s
    assert eqs.reduced == (16, 16)
    assert eqs.method == "vertex+lemke-howson" and eqs.timed_out and not eqs.complete
    assert any(
        "vertex enumeration did not finish within the time limit of 0.3 s" in n for n in eqs.notes
    )
    assert len(eqs) >= 1 and all(e.regret < 1e-9 for e in eqs)
    assert eqs.seconds < 3


def test_auto_on_a_game_too_large_to_enumerate_says_so() -> None:
    rng = np.random.default_rng(4)
    a, b = rng.random((20, 20)), rng.random((20, 20))  # enumeration: minutes, gigabytes
    eqs = solve(a, b)
    assert eqs.method == "lemke-howson" and not eqs.complete and not eqs.timed_out
    assert "too many for complete enumeration" in eqs.notes[-1]
    assert len(eqs) >= 1 and all(e.regret < 1e-9 for e in eqs)
    assert eqs.seconds < 2


def test_the_enumeration_stops_at_its_memory_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    from sim.analysis import polytope

    monkeypatch.setattr(polytope, "MEMORY", 1 << 20)  # 1 MiB: a 12 x 12 game needs more
    rng = np.random.default_rng(5)
    a, b = rng.random((12, 12)), rng.random((12, 12))
    eqs = solve(a, b, method="vertex", time_limit=None)
    assert not eqs.complete and not eqs.timed_out
    assert any("stopped at its memory budget" in n for n in eqs.notes)
    assert all(e.regret < 1e-9 for e in eqs)
    auto = solve(a, b)
    assert auto.method == "vertex+lemke-howson" and len(auto) >= 1 and not auto.complete


def test_lemke_howson_exact_is_an_exact_equilibrium() -> None:
    rng = np.random.default_rng(8)
    a, b = np.round(rng.random((30, 30)), 2), np.round(rng.random((30, 30)), 2)
    eqs = solve(a, b, method="lemke-howson", exact=True)
    mixed = [e for e in eqs if not e.pure]
    assert eqs.exact and mixed and all(e.exact is not None for e in eqs)
    for e in mixed:
        x = np.array([Fraction(v) for v in e.exact[0]], dtype=object)
        y = np.array([Fraction(v) for v in e.exact[1]], dtype=object)
        fa = np.array([[Fraction(str(v)) for v in r] for r in a], dtype=object)
        fb = np.array([[Fraction(str(v)) for v in r] for r in b], dtype=object)
        assert sum(x) == 1 and sum(y) == 1
        assert max(fa @ y) == x @ fa @ y and max(x @ fb) == x @ fb @ y


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown method"):
        solve(np.eye(2), np.eye(2), method="magic")


def test_exact_probabilities_are_the_floats() -> None:
    rng = np.random.default_rng(5)
    a, b = rng.integers(-5, 6, (4, 4)).astype(float), rng.integers(-5, 6, (4, 4)).astype(float)
    eqs = solve(a, b, method="vertex", exact=True)
    assert eqs.exact
    for e in eqs:
        assert e.exact is not None
        assert [float(Fraction(x)) for x in e.exact[0]] == pytest.approx(e.row)
        assert [float(Fraction(x)) for x in e.exact[1]] == pytest.approx(e.col)


@pytest.mark.parametrize("name", ["us-china-baseline", "us-china-2025"])
def test_matrices_equal_the_engine_payoffs(name: str) -> None:
    """The outer-sum construction of the matrices gives the payoffs the engine computes,
    interaction terms (us-china-baseline has one) and decoupling included."""
    game = sim.load_scenario(SCENARIOS / f"{name}.toml").game
    for t in (0, 500):
        e = game.exposure(t)
        a, b = game.payoff_matrices(e)
        p0, p1 = game.profiles(0), game.profiles(1)
        rng = np.random.default_rng(t)
        i, j = rng.integers(0, len(p0), 500), rng.integers(0, len(p1), 500)
        lv = np.zeros((500, game.n_instruments), dtype=np.int64)
        lv[:, game.of(0)] = p0[i]
        lv[:, game.of(1)] = p1[j]
        u = game.payoffs(lv, e)
        assert a[i, j] == pytest.approx(u[:, 0], abs=1e-9)
        assert b[i, j] == pytest.approx(u[:, 1], abs=1e-9)


# ---------------------------------------------------------------- method names
def test_earlier_gambit_names_are_still_accepted() -> None:
    a, b = symmetric(R=0, S=-1, T=1, P=-10).matrices()
    assert solve(a, b, method="enummixed").exact
    assert solve(a, b, method="enummixed-float").method == "vertex"
    assert solve(a, b, method="lcp").method == "lemke-howson"
    with pytest.raises(ValueError, match="unknown method 'ipa'"):
        solve(a, b, method="ipa")


def test_methods_are_not_run_on_games_dominance_solves() -> None:
    g = sim.stage_game(sim.load_scenario(SCENARIOS / "ipd.toml"))
    for method in ("vertex", "lemke-howson", "enummixed"):
        eqs = g.equilibria(method=method)
        assert eqs.method == "dominance" and eqs.complete and len(eqs) == 1


def test_a_stopped_search_on_a_large_game_keeps_to_its_limit() -> None:
    """One step makes at most STEP_BYTES of new dictionaries, so an 80 x 80 game (whose
    steps were gigabytes) stops near the limit with what it found."""
    rng = np.random.default_rng(1)
    a, b = rng.random((80, 80)), rng.random((80, 80))
    eqs = solve(a, b, method="vertex", time_limit=0.5)
    assert eqs.timed_out and not eqs.complete and eqs.seconds < 2
    assert "did not finish within the time limit" in " ".join(eqs.notes)
    # How many it finds in the time depends on the machine; each one is an equilibrium.
    assert all(e.regret < 1e-9 for e in eqs)


def test_tolerances_are_relative_to_each_players_own_payoffs() -> None:
    """A column player whose payoffs are 1e12 times smaller than the row player's is
    judged on its own range: matching-pennies-like incentives are not taken for ties."""
    eqs = solve(1e12 * np.eye(2), np.array([[0.0, 1.0], [1.0, 0.0]]), exact=True)
    assert len(eqs) == 1 and not eqs.pure
    assert eqs[0].exact == (("1/2", "1/2"), ("1/2", "1/2"))
    tiny = 1e-13 * np.array([[1.0, -1.0], [-1.0, 1.0]])
    assert len(solve(tiny, -tiny)) == 1 and len(solve(tiny, -tiny, exact=True)) == 1


def test_auto_is_exact_on_typed_decimals_and_floating_on_computed_sums() -> None:
    """0.3 * integers prints as 0.8999999999999999 and the like: read exactly, those
    break ties the game was meant to have and an equilibrium is lost, so auto uses
    floating point there (and finds what the float enumeration finds)."""
    ai = np.array([[0, 1, 3, 2], [3, 1, 2, 3]])
    bi = np.array([[3, 2, 4, 3], [0, 2, 0, 1]])
    computed = solve(ai * 0.3, bi * 0.3)
    assert not computed.exact and computed.complete
    assert len(computed) == len(solve(ai * 0.3, bi * 0.3, method="vertex"))
    typed = solve(ai / 10, bi / 10)
    assert typed.exact and len(typed) == len(computed)


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        (np.zeros((2, 2)), np.zeros((2, 3)), "one shape"),
        (np.zeros((0, 2)), np.zeros((0, 2)), "non-empty"),
        (np.zeros(3), np.zeros(3), "two non-empty arrays"),
        (np.array([[np.nan, 0.0]]), np.zeros((1, 2)), "finite"),
        (np.array([[np.inf, 0.0]]), np.zeros((1, 2)), "finite"),
    ],
)
def test_bad_matrices_are_refused_clearly(a: np.ndarray, b: np.ndarray, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        solve(a, b)


def test_lemke_howson_switches_to_blas_only_past_its_work_threshold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rank-one updates by numpy and by BLAS give the same equilibrium; a 64 x 64 game
    stays under the threshold and so never imports scipy.linalg (0.2 s of start-up)."""
    import subprocess
    import sys

    from sim.analysis import polytope

    rng = np.random.default_rng(3)
    a, b = rng.random((40, 40)), rng.random((40, 40))
    by_numpy = solve(a, b, method="lemke-howson")
    monkeypatch.setattr(polytope, "BLAS_WORK", 0)
    by_blas = solve(a, b, method="lemke-howson")
    assert len(by_numpy) == len(by_blas)
    for e, f in zip(by_numpy, by_blas, strict=True):
        assert np.allclose(e.row, f.row, atol=1e-12) and np.allclose(e.col, f.col, atol=1e-12)
    code = (
        "import sys, numpy as np\n"
        "from sim.analysis.equilibria import solve\n"
        "rng = np.random.default_rng(3)\n"
        "e = solve(rng.random((64, 64)), rng.random((64, 64)), method='lemke-howson')\n"
        "assert len(e) >= 1\n"
        "print('scipy.linalg' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_a_search_step_by_step_equals_one_run() -> None:
    """The frontier is kept in the chunks the pivots made: stepping one batch at a time
    and reading the vertices between steps gives what one run gives."""
    from sim.analysis import polytope

    rng = np.random.default_rng(8)
    m = rng.random((12, 7)) + 0.1
    whole = polytope.Search(m).run()
    stepped = polytope.Search(m)
    while not stepped.done:
        stepped.step()
        stepped.vertices()
    got = stepped.vertices()
    assert whole.complete and got.complete
    assert np.array_equal(whole.points, got.points) and got.bases == whole.bases
    # the same vertices as scipy's (Qhull's) half-space intersection
    from scipy.spatial import HalfspaceIntersection

    halfspaces = np.vstack(
        [np.hstack([m, -np.ones((12, 1))]), np.hstack([-np.eye(7), np.zeros((7, 1))])]
    )
    qhull = HalfspaceIntersection(halfspaces, np.full(7, 1e-3)).intersections
    ours = np.round(whole.points, 9)
    assert {tuple(r) for r in ours} == {tuple(r) for r in np.round(qhull, 9)}
    assert len(ours) == len(np.unique(ours, axis=0))
