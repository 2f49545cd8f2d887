"""Sweep figure: the prepared panels on small hand-built grids (values in the right cells, grid
order kept, bad input refused), and each kind of panel drawn with Agg at one column's width
and at two and into given axes, its layout checked: tick labels apart and at least 6 pt,
everything inside the figure, legends clear of the panels."""

from __future__ import annotations

import functools
import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.text import Text

from sim.report.layout import tick_plan, wrap_name
from sim.report.style import player_colour, series_colour
from sim.report.sweep_plot import cell_texts, metric_player, sweep_figure, sweep_panels
from tests.conftest import assert_laid_out

PNG = b"\x89PNG\r\n\x1a\n"
WIDTHS = [("one", 3.5), ("two", 7.0)]
STRATEGIES = ["tit_for_tat", "grim_trigger", "always_defect"]


def _cells(axes: dict[str, list[Any]], metrics: dict[str, Any]) -> pd.DataFrame:
    """One row per cell in ``itertools.product`` order; ``metrics`` maps a name to a function
    of the cell's grid indices giving its estimate (the interval is the estimate +- 0.1)."""
    rows = []
    grid = itertools.product(*(enumerate(v) for v in axes.values()))
    for k, combo in enumerate(grid):
        index = [i for i, _ in combo]
        row: dict[str, Any] = {"cell": k, **{a: v for a, (_, v) in zip(axes, combo, strict=True)}}
        row["seed"] = 100 + k
        for name, f in metrics.items():
            value = float(f(*index))
            row |= {name: value, f"{name}.ci_low": value - 0.1, f"{name}.ci_high": value + 0.1}
        rows.append(row)
    return pd.DataFrame(rows)


@pytest.fixture
def grid_3x4() -> pd.DataFrame:
    """x: three strategies, y: four noise levels; the estimate is ``10 * i + j`` except the
    cell (always_defect, 0.05) which has none."""
    cells = _cells(
        {"players.CN.strategy": STRATEGIES, "noise.execution": [0.0, 0.05, 0.1, 0.2]},
        {"peace_share": lambda i, j: 10 * i + j, "payoff.US.mean": lambda i, j: i - j},
    )
    cells.loc[9, ["peace_share", "peace_share.ci_low", "peace_share.ci_high"]] = np.nan
    return cells


@pytest.fixture
def grid_20x20() -> pd.DataFrame:
    axes = {"noise.execution": list(np.linspace(0, 0.2, 20)), "a.ratio": list(range(20))}
    return _cells(axes, {"peace_share": lambda i, j: (i + j) / 38})


# ------------------------------------------------------------------ data
def test_one_numeric_axis() -> None:
    cells = _cells({"noise.execution": [0.0, 0.05, 0.1]}, {"m": lambda i: [0.9, 0.5, np.nan][i]})
    (p,) = sweep_panels(cells, ["noise.execution"], ["m"])
    assert p.metric == "m" and p.axes == ("noise.execution",) and p.numeric == (True,)
    assert p.values == ((0.0, 0.05, 0.1),) and p.labels == (("0", "0.05", "0.1"),)
    np.testing.assert_array_equal(p.estimate, [0.9, 0.5, np.nan])
    np.testing.assert_allclose(p.low, [0.8, 0.4, np.nan])
    np.testing.assert_allclose(p.high, [1.0, 0.6, np.nan])


def test_grid_order_is_kept_not_sorted() -> None:
    cells = _cells(
        {"noise.execution": [0.2, 0.1, 0.0], "s": ["b", "a"]}, {"m": lambda i, j: 10 * i + j}
    )
    (p,) = sweep_panels(cells, ["noise.execution", "s"], ["m"])
    assert p.values == ((0.2, 0.1, 0.0), ("b", "a"))
    assert p.labels == (("0.2", "0.1", "0"), ("b", "a"))
    np.testing.assert_array_equal(p.estimate, [[0, 10, 20], [1, 11, 21]])
    shuffled = cells.sample(frac=1, random_state=1)  # the cell index restores grid order
    (q,) = sweep_panels(shuffled, ["noise.execution", "s"], ["m"])
    assert q.values == p.values
    np.testing.assert_array_equal(q.estimate, p.estimate)


def test_one_categorical_axis() -> None:
    cells = _cells({"players.CN.strategy": STRATEGIES}, {"m": lambda i: i / 2})
    (p,) = sweep_panels(cells, "players.CN.strategy", "m")  # a bare name is one axis
    assert p.numeric == (False,) and p.labels == (tuple(STRATEGIES),)
    np.testing.assert_array_equal(p.estimate, [0, 0.5, 1])


def test_two_axes_rows_are_the_second_axis(grid_3x4: pd.DataFrame) -> None:
    share, payoff = sweep_panels(
        grid_3x4, ["players.CN.strategy", "noise.execution"], ["peace_share", "payoff.US.mean"]
    )
    assert share.estimate.shape == (4, 3) and share.low.shape == (4, 3)
    assert share.numeric == (False, True)
    for j, i in itertools.product(range(4), range(3)):
        row = grid_3x4[
            (grid_3x4["players.CN.strategy"] == share.values[0][i])
            & (grid_3x4["noise.execution"] == share.values[1][j])
        ]
        assert payoff.estimate[j, i] == row["payoff.US.mean"].item() == i - j
        if (i, j) != (2, 1):
            assert share.estimate[j, i] == row["peace_share"].item() == 10 * i + j
    assert np.isnan(share.estimate[1, 2]) and np.isnan(share.high[1, 2])
    assert np.isfinite(share.estimate).sum() == 11


def test_number_labels_are_short_and_distinct(grid_20x20: pd.DataFrame) -> None:
    (p,) = sweep_panels(grid_20x20, ["noise.execution", "a.ratio"], ["peace_share"])
    x, y = p.labels
    assert len(set(x)) == 20 and max(map(len, x)) <= 6 and x[1] == "0.0105"
    assert y == tuple(str(k) for k in range(20))
    cells = _cells({"n": [1000, 1500, 2000]}, {"m": lambda i: i})
    assert sweep_panels(cells, ["n"], ["m"])[0].labels == (("1000", "1500", "2000"),)


@pytest.mark.parametrize(
    ("axes", "metrics", "message"),
    [
        ([], ["peace_share"], "one or two swept parameters"),
        (["a", "b", "c"], ["peace_share"], "cells.csv has every cell"),
        (["a", "a"], ["peace_share"], "different parameters"),
        (["a"], ["peace_shares"], "no column 'peace_shares'"),
        (["noise"], ["peace_share"], "no column 'noise'"),
        (["a"], [], "at least one metric"),
    ],
)
def test_bad_axes_or_metrics_are_refused(
    axes: list[str], metrics: list[str], message: str
) -> None:
    cells = _cells({"a": [0, 1], "b": [0, 1], "c": [0, 1]}, {"peace_share": lambda *i: 0.5})
    with pytest.raises(ValueError, match=message):
        sweep_panels(cells, axes, metrics)


def test_incomplete_or_ambiguous_grids_are_refused(grid_3x4: pd.DataFrame) -> None:
    axes = ["players.CN.strategy", "noise.execution"]
    with pytest.raises(ValueError, match=r"not complete: no cell has .*grim_trigger.* = 0\.1\b"):
        sweep_panels(grid_3x4.drop(index=6), axes, ["peace_share"])
    with pytest.raises(ValueError, match="appears in 4 cells"):  # a third axis left out
        sweep_panels(grid_3x4, axes[:1], ["peace_share"])
    with pytest.raises(ValueError, match="no cells"):
        sweep_panels(grid_3x4.iloc[:0], axes, ["peace_share"])


# ------------------------------------------------------------------ helpers
def test_metric_player_reads_the_dotted_parts() -> None:
    assert metric_player("payoff.US.mean") == 0 and metric_player("payoff.CN.mean") == 1
    assert metric_player("truce.Busan.breached_by.CN") == 1
    assert metric_player("peace_share") is None and metric_player("USA.share") is None
    assert metric_player("payoff.EU.mean", ("EU", "UK")) == 0


def test_wrap_name_breaks_after_dots() -> None:
    assert wrap_name("peace_share", 1.0) == "peace_share"
    assert wrap_name("truce.Busan.p_survive_term", 3.0) == "truce.Busan.p_survive_term"
    wrapped = wrap_name("truce.Busan.p_survive_term", 1.0)
    assert wrapped.splitlines() == ["truce.Busan.", "p_survive_term"]


def test_cell_texts_share_their_decimals() -> None:
    assert cell_texts(np.array([[0.985, 1.0], [0.05, np.nan]])) == [
        ["0.98", "1.00"],
        ["0.05", "n/a"],
    ]
    assert cell_texts(np.array([[-0.001, 2.5]])) == [["0.00", "2.50"]]  # no minus zero
    assert cell_texts(np.array([[0.0002, 0.0001]])) == [["0.0002", "0.0001"]]
    assert cell_texts(np.array([[np.nan]])) == [["n/a"]]


def test_tick_plan_thins_numbers_and_slants_categories() -> None:
    numbers = [f"{v:g}" for v in np.linspace(0, 0.2, 21)]
    at, slanted, _ = tick_plan(numbers, 2.0, categories=False)
    assert not slanted and 3 <= len(at) < 21 and at[0] == 0
    at, slanted, reach = tick_plan(STRATEGIES, 3.0, categories=True)
    assert not slanted and at.tolist() == [0, 1, 2] and reach < 0.2
    at, slanted, reach = tick_plan(STRATEGIES, 1.0, categories=True)
    assert slanted and at.tolist() == [0, 1, 2] and 0.4 < reach < 1.0


# ------------------------------------------------------------------ figures
def _title(ax: Any) -> Text:
    """The panel title (the paper style puts titles at the left)."""
    return next(t for t in ax.findobj(Text) if t.get_text() == ax.get_title(loc="left"))


def _png(fig: Figure, path: Path) -> None:
    fig.savefig(path, dpi=60)
    assert path.read_bytes()[:8] == PNG


@pytest.mark.parametrize(("width", "inches"), WIDTHS)
def test_one_numeric_axis_is_a_line_with_a_band(width: str, inches: float, tmp_path: Path) -> None:
    cells = _cells({"noise.execution": [0.0, 0.1, 0.05]}, {"m": lambda i: i, "k": lambda i: -i})
    fig = sweep_figure(cells, ["noise.execution"], ["m", "k"], width=width)
    assert_laid_out(fig, inches)
    _png(fig, tmp_path / "line.png")
    assert len(fig.axes) == 2 and not fig.get_suptitle()
    for axis, name, sign in zip(fig.axes, ["m", "k"], [1, -1], strict=True):
        assert axis.get_title(loc="left") == name and axis.get_xlabel() == "noise.execution"
        (line,) = axis.get_lines()
        assert list(line.get_xdata()) == [0.0, 0.05, 0.1]  # real positions, left to right
        assert list(line.get_ydata()) == [0, sign * 2, sign * 1]
        assert any(isinstance(c, PolyCollection) for c in axis.collections)  # the band
        assert not axis.get_ylabel()  # the title names the metric
    assert [t.get_text() for t in fig.legends[0].texts] == ["estimate", "95% interval"]
    first, second = (line.get_color() for axis in fig.axes for line in axis.get_lines())
    assert (first, second) == (series_colour(0), series_colour(1))


@pytest.mark.parametrize(("width", "inches"), WIDTHS)
def test_metrics_of_a_player_take_its_colour(
    grid_3x4: pd.DataFrame, width: str, inches: float
) -> None:
    cells = _cells(
        {"noise.execution": [0.0, 0.1]},
        {"payoff.CN.mean": lambda i: i, "peace_share": lambda i: i, "payoff.US.mean": lambda i: i},
    )
    metrics = ["payoff.CN.mean", "peace_share", "payoff.US.mean"]
    fig = sweep_figure(cells, ["noise.execution"], metrics, width=width)
    assert_laid_out(fig, inches)
    colours = [axis.get_lines()[0].get_color() for axis in fig.axes]
    assert colours == [player_colour(1), series_colour(0), player_colour(0)]
    assert [_title(axis).get_color() for axis in fig.axes] == [
        player_colour(1),
        "black",
        player_colour(0),
    ]
    axes = ["players.CN.strategy", "noise.execution"]
    fig = sweep_figure(grid_3x4, axes, ["peace_share", "payoff.US.mean"], width=width)
    assert_laid_out(fig, inches)
    bars = fig.axes[2:]
    assert [bar.xaxis.label.get_color() for bar in bars] == ["black", player_colour(0)]
    (label,) = [axis.xaxis.label for axis in fig.axes[:2] if axis.get_xlabel()][-1:]
    assert label.get_color() == player_colour(1)  # CN's strategy


@pytest.mark.parametrize(("width", "inches"), WIDTHS)
def test_one_categorical_axis_has_labels_and_error_bars(width: str, inches: float) -> None:
    cells = _cells({"players.CN.strategy": STRATEGIES}, {"m": lambda i: i})
    fig = sweep_figure(cells, ["players.CN.strategy"], ["m"], width=width)
    assert_laid_out(fig, inches)
    (axis,) = fig.axes
    assert [t.get_text() for t in axis.get_xticklabels()] == STRATEGIES
    assert list(axis.get_xticks()) == [0, 1, 2]
    assert not any(isinstance(c, PolyCollection) for c in axis.collections)
    (bars,) = [c for c in axis.collections if isinstance(c, LineCollection)]
    assert len(bars.get_segments()) == 3


@pytest.mark.parametrize(("width", "inches"), WIDTHS)
def test_categories_of_many_strategies_stack_at_one_column(width: str, inches: float) -> None:
    names = [*STRATEGIES, "generous_tit_for_tat", "win_stay_lose_shift", "random", "appease"]
    cells = _cells({"players.CN.strategy": names}, {"a": lambda i: i, "b": lambda i: -i})
    fig = sweep_figure(cells, ["players.CN.strategy"], ["a", "b", "a"], width=width)
    assert_laid_out(fig, inches)
    columns = {round(axis.get_position().x0, 2) for axis in fig.axes}
    assert len(columns) == (1 if width == "one" else 3)
    shown = [axis for axis in fig.axes if axis.get_xticklabels()]
    assert len(shown) == (1 if width == "one" else 3)  # shared: labels under the bottom row


@pytest.mark.parametrize(("width", "inches"), WIDTHS)
def test_heat_maps_with_colour_bars_and_values(
    grid_3x4: pd.DataFrame, width: str, inches: float, tmp_path: Path
) -> None:
    axes = ["players.CN.strategy", "noise.execution"]
    fig = sweep_figure(grid_3x4, axes, ["peace_share", "payoff.US.mean"], width=width)
    assert_laid_out(fig, inches)
    _png(fig, tmp_path / "heat.png")
    assert len(fig.axes) == 4  # two panels, two colour bars
    share, payoff, share_bar, payoff_bar = fig.axes
    assert share_bar.get_xlabel() == "peace_share" and payoff_bar.get_xlabel() == "payoff.US.mean"
    assert share_bar.get_position().y0 > share.get_position().y1  # the colour bar on top
    (image,) = share.get_images()
    data = image.get_array()
    assert data.shape == (4, 3) and data[3, 2] == 23 and data.mask[1, 2]
    assert image.origin == "lower" and image.get_cmap().name.startswith("cividis")
    texts = {(t.get_position(), t.get_text()) for t in share.texts}
    assert len(texts) == 12 and ((0, 3), "3") in texts and ((2, 1), "n/a") in texts
    assert [t.get_text() for t in share.get_yticklabels()] == ["0", "0.05", "0.1", "0.2"]
    assert share.get_ylabel() == axes[1]
    rows = {round(axis.get_position().y0, 2) for axis in (share, payoff)}
    assert len(rows) == (2 if width == "one" else 1)  # one per row at one column


@pytest.mark.parametrize(("width", "inches"), WIDTHS)
def test_four_heat_maps_go_two_to_a_row(width: str, inches: float) -> None:
    cells = _cells(
        {"noise.execution": [0.0, 0.001, 0.002, 0.003], "noise.perception": [0.0, 0.002]},
        {
            f"truce.Busan.metric_{k}": functools.partial(lambda k, i, j: k * i + j, k)
            for k in range(4)
        },
    )
    metrics = [f"truce.Busan.metric_{k}" for k in range(4)]
    fig = sweep_figure(cells, ["noise.execution", "noise.perception"], metrics, width=width)
    assert_laid_out(fig, inches)
    panels = fig.axes[:4]
    assert len({round(axis.get_position().x0, 2) for axis in panels}) == 2
    assert sum(bool(axis.get_ylabel()) for axis in panels) == 2  # the left column only
    assert sum(bool(axis.get_xlabel()) for axis in panels) == 2  # the bottom row only


@pytest.mark.parametrize(("width", "inches"), WIDTHS)
def test_a_large_heat_map_is_thinned_and_saves(
    grid_20x20: pd.DataFrame, width: str, inches: float, tmp_path: Path
) -> None:
    fig = sweep_figure(grid_20x20, ["noise.execution", "a.ratio"], ["peace_share"], width=width)
    assert_laid_out(fig, inches)
    axis = fig.axes[0]
    assert not axis.texts  # too many cells to write values in
    assert axis.get_images()[0].get_array().shape == (20, 20)
    for labels in (axis.get_xticklabels(), axis.get_yticklabels()):
        assert 2 <= len(labels) < 20
    fig.savefig(tmp_path / "big.pdf")
    assert (tmp_path / "big.pdf").read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize(("width", "inches"), WIDTHS)
def test_panels_wrap_into_rows(width: str, inches: float) -> None:
    cells = _cells({"a": [0, 1]}, {f"m{k}": lambda i: i for k in range(5)})
    fig = sweep_figure(cells, ["a"], [f"m{k}" for k in range(5)], width=width)
    assert_laid_out(fig, inches)
    rows = {round(axis.get_position().y0, 3) for axis in fig.axes}
    assert len(fig.axes) == 5 and len(rows) == (3 if width == "one" else 2)  # 2+2+1, 3+2
    fig = sweep_figure(cells, ["a"], [f"m{k}" for k in range(4)], width=width)
    assert len({round(axis.get_position().y0, 3) for axis in fig.axes}) == 2  # 2 x 2


def test_draws_into_given_axes(grid_3x4: pd.DataFrame) -> None:
    fig = Figure(figsize=(7, 3), layout="constrained")
    given = fig.subplots(1, 2)
    axes = ["players.CN.strategy", "noise.execution"]
    assert sweep_figure(grid_3x4, axes, ["peace_share", "payoff.US.mean"], ax=given) is fig
    assert given[1].get_images() and given[1].get_ylabel() == axes[1]
    assert_laid_out(fig, 7.0)
    assert not fig.get_suptitle()  # the figure's title is the caller's
    one = Figure().subplots()
    assert sweep_figure(grid_3x4, axes, ["peace_share"], ax=one) is one.figure
    with pytest.raises(ValueError, match="2 axes"):
        sweep_figure(grid_3x4, axes, ["peace_share", "payoff.US.mean"], ax=[given[0]])


def test_lines_into_given_axes_have_their_legend(grid_3x4: pd.DataFrame) -> None:
    cells = _cells({"noise.execution": [0.0, 0.1]}, {"m": lambda i: i})
    fig = Figure(figsize=(3.5, 2.5), layout="constrained")
    axis = fig.subplots()
    sweep_figure(cells, ["noise.execution"], ["m"], ax=axis)
    assert_laid_out(fig, 3.5)
    assert len(fig.legends) == 1
    bare = Figure().subplots()  # no layout engine: the legend goes on the panel
    sweep_figure(cells, ["noise.execution"], ["m"], ax=bare)
    assert bare.get_legend() is not None


@pytest.mark.parametrize(("width", "inches"), WIDTHS)
def test_long_category_labels_of_a_heat_map_do_not_collide(width: str, inches: float) -> None:
    names = [*STRATEGIES, "generous_tit_for_tat"]
    cells = _cells({"players.CN.strategy": names, "b": [0, 1]}, {"m": lambda i, j: i})
    fig = sweep_figure(cells, ["players.CN.strategy", "b"], ["m", "m", "m"], width=width)
    assert_laid_out(fig, inches)
    texts = [t.get_text() for t in fig.axes[2].get_xticklabels()]  # the bottom panel's
    assert texts[-1] == "generous_tit_fo…"  # shortened


def test_values_that_are_lists_are_shown_as_text() -> None:
    """A swept ladder (``players.US.instruments.tariff.pain``) has lists for values."""
    cells = pd.DataFrame(
        {
            "cell": [0, 1],
            "players.US.instruments.tariff.pain": [[0, 1.0], [0, 2.0]],
            "seed": [1, 2],
            "m": [0.5, 0.25],
        }
    )
    (panel,) = sweep_panels(cells, ["players.US.instruments.tariff.pain"], ["m"])
    assert panel.labels[0] == ("[0, 1.0]", "[0, 2.0]")
    assert panel.estimate.tolist() == [0.5, 0.25]
    for width, inches in WIDTHS:
        fig = sweep_figure(cells, ["players.US.instruments.tariff.pain"], ["m"], width=width)
        assert len(fig.axes) == 1
        assert_laid_out(fig, inches)


def test_bad_widths_are_refused(grid_3x4: pd.DataFrame) -> None:
    axes = ["noise.execution", "players.CN.strategy"]
    with pytest.raises(ValueError, match="width 'wide'"):
        sweep_figure(grid_3x4, axes, ["peace_share"], width="wide")
