"""The stage game: validation with located problems, payoffs against hand computations, the
matrix and additive forms against each other, the R/S/T/P reduction and leverage."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from sim.errors import ModelError
from sim.model import Game, Instrument, Interaction
from sim.model.game import TABLE_PROFILES
from tests.conftest import ipd_with, multi_game

PLAYERS = ("US", "CN")


def _inst(name: str = "x", owner: int = 0, n: int = 3, **kw: Any) -> Instrument:
    """A valid additive instrument with ``n`` rungs, fields overridable."""
    base: dict[str, Any] = {
        "labels": tuple(f"L{i}" for i in range(n)),
        "gain": tuple(float(i) for i in range(n)),
        "cost": tuple(0.5 * i for i in range(n)),
        "pain": tuple(2.0 * i for i in range(n)),
    }
    base.update(kw)
    return Instrument(name, owner, **base)


def _locations(insts: list[Instrument], **kw: Any) -> list[str]:
    with pytest.raises(ModelError) as err:
        Game.from_instruments(PLAYERS, insts, **kw)
    assert str(err.value)  # a readable message
    return [p.location for p in err.value.problems]


# ------------------------------------------------------------------ validation
@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("values", (0.0, 10.0), "values"),
        ("gain", (0.0, 1.0), "gain"),
        ("cost", (0.0, 1.0, 2.0, 3.0), "cost"),
        ("pain", (0.0,), "pain"),
        ("pain", (0.0, -1.0, 2.0), "pain[1]"),
        ("cost", (0.0, 1.0, -0.5), "cost[2]"),
        ("gain", (1.0, 1.0, 2.0), "gain[0]"),
        ("pain", (0.5, 1.0, 2.0), "pain[0]"),
        ("cost", (0.0, float("nan"), 1.0), "cost[1]"),
        ("values", (0.0, 10.0, 5.0), "values"),
        ("labels", ("a", "a", "b"), "labels"),
        ("labels", ("only",), "labels"),
        ("initial", 3, "initial"),
        ("gain", None, "gain"),
    ],
)
def test_invalid_ladder_is_located(field: str, value: Any, where: str) -> None:
    """Each ladder problem raises ModelError located at players.P.instruments.NAME.FIELD."""
    bad = replace(_inst("tariff", 0), **{field: value})
    locs = _locations([bad, _inst("rare", 1)])
    assert f"players.US.instruments.tariff.{where}" in locs


def test_every_problem_is_reported_at_once() -> None:
    """Problems on several instruments and players are all reported in one error."""
    a = _inst("tariff", 0, values=(1.0,), pain=(0.0, -1.0, 2.0))
    b = _inst("chips", 1, gain=(2.0, 0.0, 0.0))
    locs = _locations([a, b])
    assert locs == [
        "players.US.instruments.tariff.values",
        "players.US.instruments.tariff.pain[1]",
        "players.CN.instruments.chips.gain[0]",
    ]


@pytest.mark.parametrize(
    ("insts", "players", "where"),
    [
        ([_inst("a", 0)], PLAYERS, "players.CN.instruments"),
        ([_inst("a", 0), _inst("a", 0), _inst("b", 1)], PLAYERS, "players.US.instruments"),
        ([_inst("a", 0), _inst("b", 1)], ("US", "US"), "players"),
        (
            [_inst("a", 0, answers="nope"), _inst("b", 1)],
            PLAYERS,
            "players.US.instruments.a.answers",
        ),
    ],
)
def test_structural_problems_are_located(
    insts: list[Instrument], players: tuple[str, str], where: str
) -> None:
    """Missing or duplicate instruments, equal player names and unknown ``answers``."""
    with pytest.raises(ModelError) as err:
        Game.from_instruments(players, insts)
    assert where in [p.location for p in err.value.problems]


def test_interaction_outside_the_game() -> None:
    """An interaction naming a level beyond a ladder is located at interactions[i]."""
    locs = _locations(
        [_inst("a", 0), _inst("b", 1)],
        interactions=[Interaction(0, 1, 1, 1, (1.0, 1.0)), Interaction(0, 1, 3, 1, (1.0, 1.0))],
    )
    assert locs == ["interactions[1]"]


def test_three_players_rejected() -> None:
    with pytest.raises(ModelError) as err:
        Game.from_instruments(("A", "B", "C"), [_inst("a", 0), _inst("b", 1)])
    assert [p.location for p in err.value.problems] == ["players"]


@pytest.mark.parametrize("shape", [(2, 2, 3), (1, 2, 2), (2, 3, 2), (2, 4)])
def test_matrix_of_wrong_shape(shape: tuple[int, ...]) -> None:
    """Payoff matrices of a shape other than (2, profiles0, profiles1) are located at
    'payoffs' and the message states the expected shape."""
    moves = [Instrument("m", 0, ("C", "D")), Instrument("m", 1, ("C", "D"))]
    with pytest.raises(ModelError) as err:
        Game.from_matrices(PLAYERS, moves, np.zeros(shape))
    (problem,) = err.value.problems
    assert problem.location == "payoffs"
    assert "(2, 2)" in problem.message


def test_matrix_form_rejects_gain_and_nonfinite() -> None:
    """gain/cost/pain are not allowed in the matrix form; payoffs must be finite."""
    moves = [_inst("m", 0, n=2), Instrument("m", 1, ("C", "D"))]
    with pytest.raises(ModelError) as err:
        Game.from_matrices(PLAYERS, moves, np.zeros((2, 2, 2)))
    assert {p.location for p in err.value.problems} == {
        "players.US.instruments.m.gain",
        "players.US.instruments.m.cost",
        "players.US.instruments.m.pain",
    }
    clean = [Instrument("m", 0, ("C", "D")), Instrument("m", 1, ("C", "D"))]
    with pytest.raises(ModelError, match="finite"):
        Game.from_matrices(PLAYERS, clean, [[[1, np.inf], [0, 0]], [[0, 0], [0, 0]]])


# ------------------------------------------------------------------ payoffs
def _hand_payoffs(
    game: Game, levels: np.ndarray, exposure: np.ndarray | None = None
) -> np.ndarray:
    """Direct evaluation of the additive form, one match at a time, from the instruments."""
    e = np.ones(game.n_instruments) if exposure is None else exposure
    out = np.zeros((len(levels), 2))
    for m, lv in enumerate(levels):
        u = list(game.base)
        for j, inst in enumerate(game.instruments):
            assert inst.gain is not None and inst.cost is not None and inst.pain is not None
            lvl = int(lv[j])
            u[inst.owner] += inst.gain[lvl] - inst.cost[lvl]
            u[1 - inst.owner] -= e[j] * inst.pain[lvl]
        for it in game.interactions:
            if lv[it.a] >= it.level_a and lv[it.b] >= it.level_b:
                u[0] += it.payoff[0]
                u[1] += it.payoff[1]
        out[m] = u
    return out


def test_additive_payoffs_by_hand() -> None:
    """payoffs() equals a hand computation with base payoffs, an interaction term and
    exposure, on every joint profile; two worked entries are checked as numbers."""
    game = Game.from_instruments(
        PLAYERS,
        [
            _inst("tariff", 0, gain=(0, 2, 3), cost=(0, 1, 1.5), pain=(0, 4, 6)),
            _inst("chips", 0, n=2, gain=(0, 0), cost=(0, 0.25), pain=(0, 5)),
            _inst("tariff", 1, gain=(0, 1, 2.5), cost=(0, 0.5, 1), pain=(0, 3, 7)),
        ],
        base=(10.0, 8.0),
        interactions=[Interaction(0, 2, 2, 1, (-1.0, -2.0))],
    )
    grid = np.array(list(itertools.product(range(3), range(2), range(3))))
    np.testing.assert_allclose(game.payoffs(grid), _hand_payoffs(game, grid))
    # US tariff at 2, chips at 1, CN tariff at 1: interaction applies.
    # US: 10 + (3-1.5) + (0-0.25) - 3 - 1 = 7.25; CN: 8 + (1-0.5) - 6 - 5 - 2 = -4.5
    np.testing.assert_allclose(game.payoffs(np.array([[2, 1, 1]])), [[7.25, -4.5]])
    # no interaction at tariff level 1: US 10 + 1 - 0.25 - 3 = 7.75; CN 8 + 0.5 - 4 - 5 = -0.5
    np.testing.assert_allclose(game.payoffs(np.array([[1, 1, 1]])), [[7.75, -0.5]])
    e = np.array([0.5, 1.0, 0.25])
    np.testing.assert_allclose(game.payoffs(grid, e), _hand_payoffs(game, grid, e))


def test_large_game_uses_the_same_payoffs() -> None:
    """A game above TABLE_PROFILES joint profiles (evaluated instrument by instrument)
    agrees with the hand computation too."""
    insts = [
        _inst(
            f"i{j}",
            owner,
            n=5,
            gain=(0, 1, 2, 3, 5),
            cost=(0, 0.5, 1, 2, 2.5),
            pain=(0, 1 + j, 2 + j, 4, 8),
        )
        for owner in (0, 1)
        for j in range(4)
    ]
    game = Game.from_instruments(
        PLAYERS, insts, base=(1.0, -1.0), interactions=[Interaction(1, 6, 2, 3, (0.5, -0.5))]
    )
    assert game.n_instruments == 8
    assert game.n_profiles == 5**8 > TABLE_PROFILES
    lv = np.random.default_rng(0).integers(0, 5, size=(500, 8))
    np.testing.assert_allclose(game.payoffs(lv), _hand_payoffs(game, lv))


def test_payoffs_reject_bad_levels() -> None:
    game = multi_game()
    with pytest.raises(ValueError, match="shape"):
        game.payoffs(np.zeros((3, 2), dtype=int))
    with pytest.raises(ValueError, match="outside"):
        game.payoffs(np.array([[0, 4, 0, 0]]))
    with pytest.raises(ValueError, match="outside"):
        game.payoffs(np.array([[0, 0, -1, 0]]))


@pytest.mark.parametrize(
    ("r", "s", "t", "p", "extra"),
    [
        (3.0, 0.0, 4.0, 1.0, 0.0),  # T + S = R + P: purely additive
        (3.0, 0.0, 5.0, 1.0, -1.0),  # Axelrod's values: additive plus an interaction of -1
    ],
)
def test_matrix_and_additive_forms_agree(
    r: float, s: float, t: float, p: float, extra: float
) -> None:
    """A prisoner's dilemma written as matrices and as base + gain - pain (+ interaction
    when T+S != R+P) gives the same payoffs, matrices, reduction, net and pain."""
    moves = [Instrument("m", 0, ("C", "D")), Instrument("m", 1, ("C", "D"))]
    matrix = Game.from_matrices(PLAYERS, moves, [[[r, s], [t, p]], [[r, t], [s, p]]])
    assert (t + s == r + p) == (extra == 0.0)
    ladder = {"labels": ("C", "D"), "gain": (0.0, t - r), "cost": (0.0, 0.0), "pain": (0.0, r - s)}
    additive = Game.from_instruments(
        PLAYERS,
        [Instrument("m", 0, **ladder), Instrument("m", 1, **ladder)],
        base=(r, r),
        interactions=[Interaction(0, 1, 1, 1, (extra, extra))] if extra else (),
    )
    grid = np.array(list(itertools.product((0, 1), (0, 1))))
    np.testing.assert_allclose(matrix.payoffs(grid), additive.payoffs(grid))
    np.testing.assert_allclose(matrix.payoff_matrices(), additive.payoff_matrices())
    for player in (0, 1):
        assert (
            matrix.reduction(player)
            == additive.reduction(player)
            == {"R": r, "S": s, "T": t, "P": p}
        )
    np.testing.assert_allclose(matrix.net, additive.net)
    np.testing.assert_allclose(matrix.pain, additive.pain)


def test_payoff_matrices_shape_and_entries() -> None:
    """payoff_matrices() is (2, profiles of player 0, profiles of player 1) in C order over
    each player's instruments, and each entry is payoffs() of that joint profile."""
    game = multi_game()
    mats = game.payoff_matrices()
    assert mats.shape == (2, 12, 12) == (2, *game.profile_counts)
    p0, p1 = game.profiles(0), game.profiles(1)
    assert p0.shape == (12, 2) and p1.shape == (12, 2)
    assert p0[:4].tolist() == [[0, 0], [0, 1], [0, 2], [0, 3]]  # C order: last fastest
    for a, b in [(0, 0), (5, 7), (11, 11), (3, 9)]:
        lv = np.concatenate([p0[a], p1[b]])[None, :]
        np.testing.assert_allclose(mats[:, a, b], game.payoffs(lv)[0])


def test_reduction_of_the_ipd() -> None:
    """The IPD scenario reduces to Axelrod's R=3, S=0, T=5, P=1 from either side."""
    game = ipd_with("tit_for_tat", "tit_for_tat").game
    assert game.reduction(0) == {"R": 3.0, "S": 0.0, "T": 5.0, "P": 1.0}
    assert game.reduction(1) == {"R": 3.0, "S": 0.0, "T": 5.0, "P": 1.0}


def test_reduction_of_a_ladder_game() -> None:
    """On the ladder game: R is both at baseline, T/S put all of one side's instruments at
    the top, P both (checked against payoffs of those profiles)."""
    game = multi_game()
    red = game.reduction(1)
    top = game.n_levels - 1
    us, cn = game.of(0), game.of(1)
    prof = np.zeros((4, 4), dtype=int)
    prof[1, us] = top[us]
    prof[2, cn] = top[cn]
    prof[3] = top
    u = game.payoffs(prof)[:, 1]
    assert red == {"R": u[0], "S": u[1], "T": u[2], "P": u[3]}
    assert red["T"] > red["R"] > red["P"] > red["S"]  # the ladder game is a dilemma


# ------------------------------------------------------------------ leverage
def test_leverage_ranks_high_pain_low_cost_first() -> None:
    """The leverage table gives top pain, own cost and their ratio per instrument; the
    ranking puts the high-pain, low-cost instrument first (CN's rare earths: 6/0.3 = 20
    over the tariff's 3/1; US chips 4/0.8 = 5 over the tariff's 3/1.5)."""
    game = multi_game()
    table = game.leverage()
    assert list(table["instrument"]) == ["tariff", "chips", "tariff", "rare_earths"]
    np.testing.assert_allclose(table["top_pain"], [3, 4, 3, 6])
    np.testing.assert_allclose(table["top_own_cost"], [1.5, 0.8, 1, 0.3])
    np.testing.assert_allclose(table["pain_per_cost"], [2, 5, 3, 20])
    cn = table[table["player"] == "CN"].sort_values("pain_per_cost", ascending=False)
    assert cn["instrument"].iloc[0] == "rare_earths"
    assert [game.instruments[j].name for j in game.leverage_order(1)] == ["rare_earths", "tariff"]
    assert [game.instruments[j].name for j in game.leverage_order(0)] == ["chips", "tariff"]


def test_leverage_with_exposure_and_free_instruments() -> None:
    """Exposure scales pain and the ratio; an instrument that costs its owner nothing ranks
    first whatever its pain."""
    game = multi_game()
    e = np.array([1.0, 0.1, 1.0, 0.1])
    table = game.leverage(e)
    np.testing.assert_allclose(table["pain_per_cost"], [2, 0.5, 3, 2])
    assert [game.instruments[j].name for j in game.leverage_order(0, e)] == ["tariff", "chips"]
    free = Game.from_instruments(
        PLAYERS,
        [
            _inst("costly", 0, cost=(0, 0.5, 1), pain=(0, 5, 10)),
            _inst("free", 0, cost=(0, 0, 0), pain=(0, 0.5, 1)),
            _inst("x", 1),
        ],
    )
    assert [free.instruments[j].name for j in free.leverage_order(0)] == ["free", "costly"]
