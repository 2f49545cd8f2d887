"""Stage-game figures: the data behind the payoff heat map and the feasible region on games
with known answers, and each figure rendered to PNG (Agg) with its legend clear of the data
and its tick labels apart."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import sim
from sim.analysis.stage import StageGame
from sim.model import Game, Instrument
from sim.report.stage_plot import (
    feasible_data,
    feasible_figure,
    index_ticks,
    payoff_heatmap_data,
    payoffs_figure,
    shorten,
)

ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n"


def _two_by_two(a: list[list[float]], b: list[list[float]], moves: tuple[str, str]) -> StageGame:
    insts = [Instrument("move", 0, moves), Instrument("move", 1, moves)]
    return sim.stage_game(Game.from_matrices(("Row", "Col"), insts, [a, b]))


@pytest.fixture(scope="module")
def ipd() -> StageGame:
    return sim.stage_game(sim.load_scenario(ROOT / "scenarios" / "ipd.toml"))


@pytest.fixture(scope="module")
def chicken() -> StageGame:
    return _two_by_two([[3, 1], [4, 0]], [[3, 4], [1, 0]], ("swerve", "straight"))


@pytest.fixture(scope="module")
def pennies() -> StageGame:
    return _two_by_two([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], ("heads", "tails"))


@pytest.fixture(scope="module")
def us_china() -> StageGame:
    return sim.stage_game(sim.load_scenario(ROOT / "scenarios" / "us-china-2025.toml"))


def _random(n: int, labels: list[tuple[str, ...]], seed: int = 0) -> StageGame:
    """A random game whose players each have instruments with the given ladders."""
    insts = [Instrument(f"i{k}", p, lv) for p in (0, 1) for k, lv in enumerate(labels)]
    payoffs = np.random.default_rng(seed).normal(size=(2, n, n)).round(2)
    return sim.stage_game(Game.from_matrices(("US", "CN"), insts, payoffs))


def _cells(array: np.ndarray) -> set[tuple[int, int]]:
    return {(int(i), int(j)) for i, j in array}


def _points(array: np.ndarray) -> set[tuple[float, float]]:
    return {(round(float(x), 9), round(float(y), 9)) for x, y in array}


# ------------------------------------------------------------------ heat map data
def test_heatmap_data_of_the_prisoners_dilemma(ipd: StageGame) -> None:
    d = payoff_heatmap_data(ipd)
    assert d.pure.tolist() == [[1, 1]] and d.mixed.shape == (0, 2)
    assert d.tick_labels == (["C", "D"], ["C", "D"])
    assert [t.tolist() for t in d.ticks] == [[0, 1], [0, 1]]
    assert d.axis_labels[0].startswith("US") and d.axis_labels[1].startswith("CN")
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


def test_heatmap_data_of_a_large_game_uses_index_ticks() -> None:
    stage = _random(20, [tuple(f"level {i}" for i in range(20))])
    d = payoff_heatmap_data(stage, stage.equilibria(method="pure"))
    assert d.tick_labels[0] == ["0", "5", "10", "15"] and not d.annotate and d.offset == 0
    assert all("profile index, see payoffs.csv" in label for label in d.axis_labels)
    assert d.note == "mixed equilibria may be missing (pure)"


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


# ------------------------------------------------------------------ rendering
def _render(fig: Figure, path: Path) -> None:
    FigureCanvasAgg(fig)
    fig.savefig(path, dpi=80)
    assert path.read_bytes()[:8] == PNG


def _overlap(a: object, b: object) -> bool:
    return bool(a.overlaps(b))  # type: ignore[attr-defined]


def test_payoffs_figure_of_the_prisoners_dilemma(ipd: StageGame, tmp_path: Path) -> None:
    fig = payoffs_figure(ipd)
    _render(fig, tmp_path / "ipd.png")
    left, right = fig.axes[:2]  # then the two colour bars
    assert left.get_title(loc="left").startswith("US") and "CN" in right.get_title(loc="left")
    assert len(fig.axes) == 4  # two panels, two colour bars
    assert sorted(t.get_text() for t in left.texts) == ["0", "1", "3", "5"]
    (marker,) = [line for line in left.get_lines() if line.get_label() == "pure equilibrium"]
    assert marker.get_xdata()[0] == 1 and 0 < marker.get_ydata()[0] < 1  # above the value
    assert [t.get_text() for t in fig.legends[0].texts] == ["pure equilibrium"]


def test_payoffs_figure_draws_into_given_axes(chicken: StageGame) -> None:
    fig = Figure()
    axes = fig.subplots(1, 2)
    assert payoffs_figure(chicken, ax=list(axes)) is fig
    assert axes[1].get_title(loc="left") == "Col payoff (column player)"
    labels = [t.get_text() for t in axes[1].get_legend().texts]
    assert labels == ["pure equilibrium", "in the support of a mixed equilibrium"]
    with pytest.raises(ValueError, match="2 axes"):
        payoffs_figure(chicken, ax=[axes[0]])


def test_labelled_ticks_do_not_collide(tmp_path: Path) -> None:
    ladders = [("none", "10%", "25%", "145%"), ("none", "entity list", "direct product", "ban")]
    stage = _random(16, ladders)
    fig = payoffs_figure(stage, stage.equilibria(method="pure"))
    _render(fig, tmp_path / "sixteen.png")
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    axis = fig.axes[0]
    for labels in (axis.get_xticklabels(), axis.get_yticklabels()):
        assert [t.get_text() for t in labels][-1] == "145% | ban"
        boxes = [t.get_window_extent(renderer) for t in labels]
        assert not any(_overlap(a, b) for a, b in itertools.pairwise(boxes))


def test_figures_of_the_us_china_game(us_china: StageGame, tmp_path: Path) -> None:
    assert us_china.shape == (360, 168)
    fig = payoffs_figure(us_china)
    _render(fig, tmp_path / "payoffs.png")
    image = fig.axes[0].get_images()[0]
    assert image.get_array().shape == (360, 168)
    assert not fig.axes[0].texts  # too many cells to write values in
    assert fig.axes[0].get_ylabel() == "US profile index, see payoffs.csv"
    fig = feasible_figure(us_china)
    _render(fig, tmp_path / "feasible.png")
    (axis,) = fig.axes
    assert axis.get_xlabel() == "US payoff" and axis.get_ylabel() == "CN payoff"
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    legend = fig.legends[0]
    assert not _overlap(legend.get_window_extent(renderer), axis.get_window_extent(renderer))


def test_feasible_figure_marks_every_point(chicken: StageGame, tmp_path: Path) -> None:
    fig = feasible_figure(chicken)
    _render(fig, tmp_path / "chicken.png")
    (axis,) = fig.axes
    lines = {line.get_label(): line for line in axis.get_lines()}
    assert (lines["mixed minmax"].get_xdata()[0], lines["mixed minmax"].get_ydata()[0]) == (1, 1)
    assert list(lines["Nash equilibrium, mixed"].get_xdata()) == [2]
    assert len(lines["Nash equilibrium, pure"].get_xdata()) == 2
    texts = [t.get_text() for t in fig.legends[0].texts]
    assert texts[:3] == ["pure profiles", "feasible", "individually rational"]
    x0, x1 = axis.get_xlim()
    assert x0 < 0 and x1 > 4  # every payoff pair inside the axes


def test_feasible_figure_of_a_segment_draws_into_given_axes(
    pennies: StageGame, tmp_path: Path
) -> None:
    fig = Figure(layout="constrained")
    axis = fig.subplots()
    assert feasible_figure(pennies, ax=axis) is fig
    lines = {line.get_label(): line for line in axis.get_lines()}
    assert len(lines["feasible"].get_xdata()) == 2  # a thick segment
    assert lines["individually rational"].get_marker() == "o"  # a single point
    _render(fig, tmp_path / "pennies.png")
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    legend = axis.get_legend().get_window_extent(renderer)
    assert not _overlap(legend, axis.get_window_extent(renderer))  # beside the data


def test_payoffs_legend_goes_below_given_panels_with_room(ipd: StageGame) -> None:
    fig = Figure(layout="constrained")
    axes = fig.subplots(2, 2)
    payoffs_figure(ipd, ax=list(axes[1]))
    assert len(fig.legends) == 1 and axes[1][1].get_legend() is None
    assert not fig.texts  # the figure's title is the caller's
