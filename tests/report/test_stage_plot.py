"""Stage-game figures: the data behind the payoff heat map and the feasible region on games
with known answers (2 x 2, 3 x 3, the 60 x 60 baseline), and each figure drawn with Agg at
one column's width and at two and into given axes, its layout checked: tick labels apart and
at least 6 pt, everything inside the figure, legends clear of the panels."""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

import sim
from sim.analysis.stage import StageGame
from sim.model import Game, Instrument
from sim.report.layout import index_ticks, wrap
from sim.report.stage_plot import (
    feasible_data,
    feasible_figure,
    payoff_heatmap_data,
    payoffs_figure,
    shorten,
)
from sim.report.style import player_colour
from tests.conftest import assert_laid_out

ROOT = Path(__file__).resolve().parents[2]
WIDTHS = [("one", 3.5), ("two", 7.0)]


def _game(
    a: Any, b: Any, moves: Sequence[str], names: tuple[str, str] = ("Row", "Col")
) -> StageGame:
    insts = [Instrument("move", 0, tuple(moves)), Instrument("move", 1, tuple(moves))]
    return sim.stage_game(Game.from_matrices(names, insts, [a, b]))


def _scenario(name: str) -> StageGame:
    return sim.stage_game(sim.load_scenario(ROOT / "scenarios" / f"{name}.toml"))


@pytest.fixture(scope="module")
def ipd() -> StageGame:
    return _scenario("ipd")


@pytest.fixture(scope="module")
def baseline() -> StageGame:
    """``us-china-baseline.toml``: 60 x 60 profiles, one pure equilibrium (all at baseline)."""
    return _scenario("us-china-baseline")


@pytest.fixture(scope="module")
def chicken() -> StageGame:
    return _game([[3, 1], [4, 0]], [[3, 4], [1, 0]], ("swerve", "straight"))


@pytest.fixture(scope="module")
def pennies() -> StageGame:
    return _game([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], ("heads", "tails"))


RPS = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]], dtype=float)


@pytest.fixture(scope="module")
def rps() -> StageGame:
    """Rock-paper-scissors: no pure equilibrium, one mixed on every cell."""
    return _game(RPS, -RPS, ("rock", "paper", "scissors"), ("US", "CN"))


@pytest.fixture(scope="module")
def coordination() -> StageGame:
    """3 x 3 coordination on the diagonal (3, 2, 1): three pure and four mixed equilibria."""
    c = np.diag([3.0, 2.0, 1.0])
    return _game(c, c, ("low", "mid", "high"), ("US", "CN"))


def _random(n: int, labels: list[tuple[str, ...]], seed: int = 0) -> StageGame:
    """A random game whose players each have instruments with the given ladders."""
    insts = [Instrument(f"i{k}", p, lv) for p in (0, 1) for k, lv in enumerate(labels)]
    payoffs = np.random.default_rng(seed).normal(size=(2, n, n)).round(2)
    return sim.stage_game(Game.from_matrices(("US", "CN"), insts, payoffs))


def _cells(array: np.ndarray) -> set[tuple[int, int]]:
    return {(int(i), int(j)) for i, j in array}


def _points(array: np.ndarray) -> set[tuple[float, float]]:
    return {(round(float(x), 9), round(float(y), 9)) for x, y in array}


class _Stand:
    """A stand-in with only what the figures may use of a stage game (as one read back from
    a results folder's tables): any other attribute raises."""

    __slots__ = ("_g",)

    def __init__(self, g: StageGame) -> None:
        self._g = g

    name = property(lambda self: self._g.name)
    round = property(lambda self: self._g.round)
    players = property(lambda self: self._g.players)
    shape = property(lambda self: self._g.shape)

    def labels(self, p: int) -> list[str]:
        return self._g.labels(p)

    def instruments(self, p: int) -> list[str]:
        return self._g.instruments(p)

    def matrices(self) -> Any:
        return self._g.matrices()

    def feasible_region(self) -> Any:
        return self._g.feasible_region()

    def equilibria(self) -> Any:
        eqs = self._g.equilibria()

        class Eq:
            __slots__ = ("_e",)

            def __init__(self, e: Any) -> None:
                self._e = e

            pure = property(lambda self: self._e.pure)
            payoffs = property(lambda self: self._e.payoffs)

            def support(self, p: int) -> Any:
                return self._e.support(p)

        class Eqs(list[Eq]):
            complete = eqs.complete
            method = eqs.method

        return Eqs(Eq(e) for e in eqs)


# ------------------------------------------------------------------ heat map data
def test_heatmap_data_of_the_prisoners_dilemma(ipd: StageGame) -> None:
    d = payoff_heatmap_data(ipd)
    assert d.pure.tolist() == [[1, 1]] and d.mixed.shape == (0, 2)
    assert d.tick_labels == (["C", "D"], ["C", "D"])
    assert [t.tolist() for t in d.ticks] == [[0, 1], [0, 1]]
    assert d.axis_labels == ("US: move", "CN: move")
    assert d.annotate and d.offset > 0 and d.note == ""
    np.testing.assert_array_equal(d.payoffs[0], [[3, 0], [5, 1]])


def test_heatmap_data_marks_chickens_three_equilibria(chicken: StageGame) -> None:
    eqs = chicken.equilibria()
    assert len(eqs) == 3
    d = payoff_heatmap_data(chicken, eqs)
    assert _cells(d.pure) == {(0, 1), (1, 0)}
    assert _cells(d.mixed) == {(0, 0), (0, 1), (1, 0), (1, 1)}  # the 50:50 equilibrium


def test_heatmap_data_of_matching_pennies_has_only_a_mixed_support(pennies: StageGame) -> None:
    d = payoff_heatmap_data(pennies)
    assert d.pure.shape == (0, 2) and len(d.mixed) == 4


def test_heatmap_data_of_rock_paper_scissors(rps: StageGame) -> None:
    d = payoff_heatmap_data(rps)
    assert d.pure.shape == (0, 2)
    assert _cells(d.mixed) == set(itertools.product(range(3), range(3)))
    assert d.tick_labels == (["rock", "paper", "scissors"],) * 2
    assert d.annotate and d.note == ""


def test_heatmap_data_of_a_three_by_three_coordination_game(coordination: StageGame) -> None:
    d = payoff_heatmap_data(coordination)
    assert d.pure.tolist() == [[0, 0], [1, 1], [2, 2]]
    assert _cells(d.mixed) == set(itertools.product(range(3), range(3)))  # the full-support one
    assert [t.tolist() for t in d.ticks] == [[0, 1, 2], [0, 1, 2]]


def test_heatmap_data_of_the_baseline_game(baseline: StageGame) -> None:
    assert baseline.shape == (60, 60)
    d = payoff_heatmap_data(baseline)
    assert d.pure.tolist() == [[0, 0]] and d.mixed.shape == (0, 2)  # both at baseline
    assert d.tick_labels[0] == ["0", "10", "20", "30", "40", "50"]
    assert not d.annotate and d.offset == 0 and d.note == ""
    assert d.axis_labels[0] == "US profile index, see payoffs.csv"


def test_heatmap_data_of_a_large_game_uses_index_ticks() -> None:
    stage = _random(20, [tuple(f"level {i}" for i in range(20))])
    d = payoff_heatmap_data(stage, stage.equilibria(method="pure"))
    assert d.tick_labels[0] == ["0", "5", "10", "15"] and not d.annotate and d.offset == 0
    assert all("profile index, see payoffs.csv" in label for label in d.axis_labels)
    assert d.note == "mixed equilibria may be missing (pure)"


def test_data_use_only_what_a_results_folder_has(coordination: StageGame) -> None:
    stand: Any = _Stand(coordination)
    with pytest.raises(AttributeError):
        stand.table()  # the stand-in really is that narrow
    d = payoff_heatmap_data(stand)
    assert _cells(d.pure) == _cells(payoff_heatmap_data(coordination).pure)
    f = feasible_data(stand)
    np.testing.assert_array_equal(f.nash, feasible_data(coordination).nash)
    assert_laid_out(payoffs_figure(stand, width="one"), 3.5)
    assert_laid_out(feasible_figure(stand, width="one"), 3.5)


def test_index_ticks_are_round_and_few() -> None:
    assert index_ticks(360).tolist() == list(range(0, 360, 50))
    assert index_ticks(168).tolist() == list(range(0, 168, 25))
    assert index_ticks(2).tolist() == [0, 1]
    for n in range(2, 2000, 37):
        ticks = index_ticks(n)
        assert ticks[0] == 0 and ticks[-1] < n and 2 <= len(ticks) <= 9


def test_shorten_keeps_every_instrument() -> None:
    assert shorten("10% | entity list") == "10% | entity list"
    long = "none | 10% | 23 Chinese entities added (2025-09-12) | USD 50/net ton"
    short = shorten(long)
    assert len(short) <= 28 and short.count(" | ") == 3
    assert short.startswith("none | 10% | ") and "…" in short


def test_wrap_breaks_long_axis_labels() -> None:
    assert wrap("US: move", 2.0) == "US: move"
    label = "US: fentanyl_tariff | tariff | chips | entity_list | port_fees"
    lines = wrap(label, 1.5).splitlines()
    assert len(lines) >= 2 and " ".join(lines) == label


# ------------------------------------------------------------------ feasible region data
def test_feasible_data_of_the_prisoners_dilemma(ipd: StageGame) -> None:
    d = feasible_data(ipd)
    assert _points(d.region.vertices) == {(1, 1), (0, 5), (3, 3), (5, 0)}
    third = round(13 / 3, 9)
    assert _points(d.region.individually_rational) == {(1, 1), (third, 1), (3, 3), (1, third)}
    assert d.region.minmax == (1, 1) and d.region.cooperative == (3, 3)
    assert d.nash.tolist() == [[1, 1]] and d.nash_pure.tolist() == [True]
    assert _points(d.points) == {(3, 3), (0, 5), (5, 0), (1, 1)}
    assert d.axis_labels == ("US payoff", "CN payoff")


def test_feasible_data_of_chicken(chicken: StageGame) -> None:
    d = feasible_data(chicken)
    assert _points(d.nash) == {(1, 4), (4, 1), (2, 2)}
    assert sorted(d.nash_pure.tolist()) == [False, True, True]
    assert _points(d.region.individually_rational) == {(1, 1), (4, 1), (3, 3), (1, 4)}


def test_feasible_data_of_matching_pennies_is_a_segment(pennies: StageGame) -> None:
    d = feasible_data(pennies)
    assert _points(d.region.vertices) == {(-1, 1), (1, -1)}
    assert _points(d.region.individually_rational) == {(0, 0)} and d.region.minmax == (0, 0)


def test_feasible_data_of_the_coordination_game(coordination: StageGame) -> None:
    d = feasible_data(coordination)
    assert _points(d.points) == {(0, 0), (1, 1), (2, 2), (3, 3)}
    assert _points(d.nash[d.nash_pure]) == {(1, 1), (2, 2), (3, 3)}
    mixed = {(round(6 / 11, 9),) * 2, (1.2, 1.2), (0.75, 0.75), (round(2 / 3, 9),) * 2}
    assert _points(d.nash[~d.nash_pure]) == mixed
    assert d.region.minmax == pytest.approx((6 / 11, 6 / 11))  # the full-support equilibrium


def test_feasible_data_of_the_baseline_game(baseline: StageGame) -> None:
    d = feasible_data(baseline)
    assert d.nash.tolist() == [[0.0, 0.0]] and d.nash_pure.tolist() == [True]
    assert d.region.cooperative == (0.0, 0.0)
    assert d.region.minmax == pytest.approx((-238.5, -264.2))
    assert len(d.points) <= 3600 and d.points.max() == 0.0


def test_the_layout_check_catches_collisions_and_clipping() -> None:
    fig = Figure(figsize=(2, 2), layout="constrained")
    fig.subplots().set_xticks(range(5), [f"label {i}" for i in range(5)])
    with pytest.raises(AssertionError, match="label 0"):
        assert_laid_out(fig)
    fig = Figure(figsize=(2, 2), layout="constrained")
    fig.subplots().set_title("a title much too long for a figure this narrow", loc="left")
    with pytest.raises(AssertionError, match="cut off"):
        assert_laid_out(fig)
    fig = Figure(figsize=(3, 2), layout="constrained")
    fig.subplots().plot([0, 1], label="a line")
    fig.legend(loc="outside lower center")
    fig.supxlabel("a shared label")  # constrained layout puts both in the same place
    with pytest.raises(AssertionError, match="'a shared label' overlaps"):
        assert_laid_out(fig)
    fig = Figure(figsize=(3, 2), layout="constrained")
    axis = fig.subplots()
    axis.set_xlim(0, 0.001)
    axis.ticklabel_format(axis="x", style="sci", scilimits=(-2, 4))
    axis.set_xlabel("a label long enough to reach the end")  # under the x 10^-3
    with pytest.raises(AssertionError, match=r"overlaps '.*1e.*3"):
        assert_laid_out(fig)
    fig = Figure(figsize=(4, 3))
    fig.subplots_adjust(left=0.15, bottom=0.2)
    fig.subplots(1, 2)[1].set_yticks([0.5], ["a tick label reaching over"])
    with pytest.raises(AssertionError, match="overlap"):
        assert_laid_out(fig)


# ------------------------------------------------------------------ figures
def _title(ax: Any) -> Text:
    """The panel title (the paper style puts titles at the left)."""
    return next(t for t in ax.findobj(Text) if t.get_text() == ax.get_title(loc="left"))


@pytest.mark.parametrize(("width", "inches"), WIDTHS)
@pytest.mark.parametrize("game", ["ipd", "rps", "coordination", "baseline"])
def test_payoffs_figure_is_laid_out(
    game: str, width: str, inches: float, request: pytest.FixtureRequest
) -> None:
    stage = request.getfixturevalue(game)
    fig = payoffs_figure(stage, width=width)
    assert_laid_out(fig, inches)
    left, right = fig.axes[:2]  # then the two colour bars
    assert len(fig.axes) == 4 and not fig.get_suptitle()
    assert _title(left).get_text() == f"{stage.players[0]} payoff (row player)"
    assert _title(left).get_color() == player_colour(0)
    assert _title(right).get_color() == player_colour(1)
    assert [bar.get_ylabel() for bar in fig.axes[2:]] == ["payoff", "payoff"]
    stacked = width == "one"  # one above the other at one column, else side by side
    above = left.get_position().y0 > right.get_position().y1
    assert above == stacked and (left.get_position().x1 < right.get_position().x0) != stacked
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=50)
    assert png.getvalue()[:4] == b"\x89PNG"


@pytest.mark.parametrize(("width", "inches"), WIDTHS)
@pytest.mark.parametrize("game", ["ipd", "rps", "coordination", "baseline", "pennies"])
def test_feasible_figure_is_laid_out(
    game: str, width: str, inches: float, request: pytest.FixtureRequest
) -> None:
    stage = request.getfixturevalue(game)
    fig = feasible_figure(stage, width=width)
    assert_laid_out(fig, inches)
    (axis,) = fig.axes
    assert axis.xaxis.label.get_color() == player_colour(0)
    assert axis.yaxis.label.get_color() == player_colour(1)
    assert not fig.get_suptitle() and not axis.get_title(loc="left")
    legend = fig.legends[0].get_window_extent()
    box = axis.get_window_extent()
    assert legend.y1 < box.y0 if width == "one" else legend.x0 > box.x1  # below, or beside


def test_payoffs_figure_of_the_prisoners_dilemma(ipd: StageGame) -> None:
    fig = payoffs_figure(ipd)
    assert_laid_out(fig, 7.0)
    left = fig.axes[0]
    assert sorted(t.get_text() for t in left.texts) == ["0", "1", "3", "5"]
    (marker,) = [line for line in left.get_lines() if line.get_label() == "pure equilibrium"]
    assert marker.get_xdata()[0] == 1 and 0 < marker.get_ydata()[0] < 1  # above the value
    assert [t.get_text() for t in fig.legends[0].texts] == ["pure equilibrium"]


def test_payoffs_figure_marks_mixed_supports(coordination: StageGame) -> None:
    fig = payoffs_figure(coordination, width="one")
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    support = lines["in the support of a mixed equilibrium"]
    assert len(support.get_xdata()) == 9
    assert sorted(lines["pure equilibrium"].get_xdata()) == [0, 1, 2]
    assert len(fig.axes[0].texts) == 9  # the values, under the markers


def test_payoffs_figure_draws_into_given_axes(chicken: StageGame) -> None:
    fig = Figure(figsize=(7, 3), layout="constrained")
    axes = fig.subplots(1, 2)
    assert payoffs_figure(chicken, ax=list(axes)) is fig
    assert axes[1].get_title(loc="left") == "Col payoff (column player)"
    labels = [t.get_text() for t in fig.legends[0].texts]
    assert labels == ["pure equilibrium", "in the support of a mixed equilibrium"]
    assert_laid_out(fig, 7.0)
    with pytest.raises(ValueError, match="2 axes"):
        payoffs_figure(chicken, ax=[axes[0]])


def test_payoffs_figure_without_layout_engine_keeps_its_legend_on_the_panel(
    chicken: StageGame,
) -> None:
    fig = Figure()
    axes = fig.subplots(1, 2)
    payoffs_figure(chicken, ax=list(axes))
    assert not fig.legends and axes[1].get_legend() is not None


def test_payoffs_legend_goes_below_given_panels_with_room(ipd: StageGame) -> None:
    fig = Figure(figsize=(3.5, 5), layout="constrained")
    axes = fig.subplots(2, 2)
    payoffs_figure(ipd, ax=list(axes[1]))
    assert len(fig.legends) == 1 and axes[1][1].get_legend() is None
    assert not fig.texts  # the figure's title is the caller's


@pytest.mark.parametrize(("width", "inches"), WIDTHS)
def test_labelled_ticks_of_sixteen_profiles_do_not_collide(width: str, inches: float) -> None:
    ladders = [("none", "10%", "25%", "145%"), ("none", "entity list", "direct product", "ban")]
    stage = _random(16, ladders)
    fig = payoffs_figure(stage, stage.equilibria(method="pure"), width=width)
    assert_laid_out(fig, inches)
    axis = fig.axes[1]  # the lower or right panel shows the x tick labels
    for labels in (axis.get_xticklabels(), fig.axes[0].get_yticklabels()):
        assert [t.get_text() for t in labels][-1] == "145% | ban"
    assert not fig.axes[0].texts  # 256 cells: too many to write values in


def test_figures_of_the_us_china_game() -> None:
    stage = _scenario("us-china-2025")
    assert stage.shape == (360, 168)
    for width, inches in WIDTHS:
        fig = payoffs_figure(stage, width=width)
        assert_laid_out(fig, inches)
        assert fig.axes[0].get_images()[0].get_array().shape == (360, 168)
        assert not fig.axes[0].texts  # too many cells to write values in
        assert_laid_out(feasible_figure(stage, width=width), inches)


def test_feasible_figure_marks_every_point(chicken: StageGame) -> None:
    fig = feasible_figure(chicken)
    (axis,) = fig.axes
    lines = {line.get_label(): line for line in axis.get_lines()}
    assert (lines["mixed minmax"].get_xdata()[0], lines["mixed minmax"].get_ydata()[0]) == (1, 1)
    assert list(lines["Nash equilibrium, mixed"].get_xdata()) == [2]
    assert len(lines["Nash equilibrium, pure"].get_xdata()) == 2
    texts = [t.get_text() for t in fig.legends[0].texts]
    assert texts[:3] == ["pure profiles", "feasible", "individually rational"]
    x0, x1 = axis.get_xlim()
    assert x0 < 0 and x1 > 4  # every payoff pair inside the axes


def test_feasible_figure_of_a_segment_draws_into_given_axes(pennies: StageGame) -> None:
    fig = Figure(figsize=(5, 3), layout="constrained")
    axis = fig.subplots()
    assert feasible_figure(pennies, ax=axis) is fig
    lines = {line.get_label(): line for line in axis.get_lines()}
    assert len(lines["feasible"].get_xdata()) == 2  # a thick segment
    assert lines["individually rational"].get_marker() == "o"  # a single point
    assert_laid_out(fig, 5.0)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    legend = axis.get_legend().get_window_extent(renderer)
    assert not legend.overlaps(axis.get_window_extent(renderer))  # beside the data


def test_widths_in_inches_and_bad_widths(ipd: StageGame) -> None:
    assert payoffs_figure(ipd, width=5.0).get_figwidth() == 5.0
    assert feasible_figure(ipd, width=4).get_figwidth() == 4.0
    with pytest.raises(ValueError, match="width 'three'"):
        payoffs_figure(ipd, width="three")
