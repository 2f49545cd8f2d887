"""Sweep figure: the prepared panels on small hand-built grids (values in the right cells, grid
order kept, bad input refused), and each kind of panel rendered with Agg."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure

from sim.report.sweep_plot import sweep_figure, sweep_panels

PNG = b"\x89PNG\r\n\x1a\n"
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


# ------------------------------------------------------------------ rendering
def _render(fig: Figure, path: Path) -> Any:
    FigureCanvasAgg(fig)
    fig.savefig(path, dpi=80)
    assert path.read_bytes()[:8] == PNG
    return fig.canvas.get_renderer()  # type: ignore[attr-defined]


def _apart(renderer: Any, labels: list[Any]) -> bool:
    """Whether neighbouring tick labels keep clear of each other: their boxes apart, or for
    labels slanted alike (parallel strips), their baselines further apart than a line."""
    labels = [t for t in labels if t.get_text()]
    angle = np.radians(labels[0].get_rotation())
    if angle == 0:
        boxes = [t.get_window_extent(renderer) for t in labels]
        return not any(a.overlaps(b) for a, b in itertools.pairwise(boxes))
    line = 1.2 * labels[0].get_fontsize() * renderer.dpi / 72
    x = [t.get_window_extent(renderer).x1 for t in labels]  # right-aligned at the tick
    return all((b - a) * np.sin(angle) > line for a, b in itertools.pairwise(x))


def test_one_numeric_axis_is_a_line_with_a_band(tmp_path: Path) -> None:
    cells = _cells({"noise.execution": [0.0, 0.1, 0.05]}, {"m": lambda i: i, "k": lambda i: -i})
    fig = sweep_figure(cells, ["noise.execution"], ["m", "k"], title="noise sweep")
    _render(fig, tmp_path / "line.png")
    assert len(fig.axes) == 2 and fig.get_size_inches()[0] == pytest.approx(7.0)
    assert fig.get_suptitle() == "noise sweep"
    for axis, name, sign in zip(fig.axes, ["m", "k"], [1, -1], strict=True):
        assert axis.get_title(loc="left") == name and axis.get_xlabel() == "noise.execution"
        (line,) = axis.get_lines()
        assert list(line.get_xdata()) == [0.0, 0.05, 0.1]  # real positions, left to right
        assert list(line.get_ydata()) == [0, sign * 2, sign * 1]
        assert any(isinstance(c, PolyCollection) for c in axis.collections)  # the band


def test_one_categorical_axis_has_labels_and_error_bars(tmp_path: Path) -> None:
    cells = _cells({"players.CN.strategy": STRATEGIES}, {"m": lambda i: i})
    fig = sweep_figure(cells, ["players.CN.strategy"], ["m"])
    renderer = _render(fig, tmp_path / "categories.png")
    (axis,) = fig.axes
    assert [t.get_text() for t in axis.get_xticklabels()] == STRATEGIES
    assert list(axis.get_xticks()) == [0, 1, 2]
    assert not any(isinstance(c, PolyCollection) for c in axis.collections)
    (bars,) = [c for c in axis.collections if isinstance(c, LineCollection)]
    assert len(bars.get_segments()) == 3
    assert _apart(renderer, axis.get_xticklabels())


def test_heat_maps_with_colour_bars_and_values(grid_3x4: pd.DataFrame, tmp_path: Path) -> None:
    axes = ["players.CN.strategy", "noise.execution"]
    fig = sweep_figure(grid_3x4, axes, ["peace_share", "payoff.US.mean"])
    renderer = _render(fig, tmp_path / "heat.png")
    assert len(fig.axes) == 4  # two panels, two colour bars
    share, payoff, share_bar, payoff_bar = fig.axes
    assert share_bar.get_ylabel() == "peace_share" and payoff_bar.get_ylabel() == "payoff.US.mean"
    assert share.get_xlabel() == axes[0] and share.get_ylabel() == axes[1]
    (image,) = share.get_images()
    data = image.get_array()
    assert data.shape == (4, 3) and data[3, 2] == 23 and data.mask[1, 2]
    assert image.origin == "lower"
    texts = {(t.get_position(), t.get_text()) for t in share.texts}
    assert len(texts) == 12 and ((0, 3), "3") in texts and ((2, 1), "n/a") in texts
    assert [t.get_text() for t in share.get_yticklabels()] == ["0", "0.05", "0.1", "0.2"]
    for axis in (share, payoff):
        assert _apart(renderer, axis.get_xticklabels())
    fig_box = fig.bbox
    for bar in (share_bar, payoff_bar):  # nothing cut off at the right edge
        assert bar.get_tightbbox(renderer).x1 <= fig_box.x1


def test_a_large_heat_map_is_thinned_and_saves(grid_20x20: pd.DataFrame, tmp_path: Path) -> None:
    fig = sweep_figure(grid_20x20, ["noise.execution", "a.ratio"], ["peace_share"])
    renderer = _render(fig, tmp_path / "big.png")
    axis = fig.axes[0]
    assert not axis.texts  # too many cells to write values in
    assert axis.get_images()[0].get_array().shape == (20, 20)
    for labels in (axis.get_xticklabels(), axis.get_yticklabels()):
        assert 2 <= len(labels) <= 8
        assert _apart(renderer, labels)
    fig.savefig(tmp_path / "big.pdf")
    assert (tmp_path / "big.pdf").read_bytes()[:5] == b"%PDF-"


def test_panels_wrap_into_rows_of_at_most_three() -> None:
    cells = _cells({"a": [0, 1]}, {f"m{k}": lambda i: i for k in range(5)})
    fig = sweep_figure(cells, ["a"], [f"m{k}" for k in range(4)])
    assert len(fig.axes) == 4 and fig.get_size_inches()[0] == pytest.approx(7.0)  # 2 x 2
    fig = sweep_figure(cells, ["a"], [f"m{k}" for k in range(5)])
    assert len(fig.axes) == 5 and fig.get_size_inches()[0] == pytest.approx(10.5)  # 3 + 2
    rows = {round(axis.get_position().y0, 3) for axis in fig.axes}
    assert len(rows) == 2


def test_draws_into_given_axes(grid_3x4: pd.DataFrame) -> None:
    fig = Figure(layout="constrained")
    given = fig.subplots(1, 2)
    axes = ["players.CN.strategy", "noise.execution"]
    assert sweep_figure(grid_3x4, axes, ["peace_share", "payoff.US.mean"], ax=given) is fig
    assert given[1].get_title(loc="left") == "payoff.US.mean" and given[1].get_images()
    assert not fig.get_suptitle()  # the figure's title is the caller's
    one = Figure().subplots()
    assert sweep_figure(grid_3x4, axes, ["peace_share"], ax=one) is one.figure
    with pytest.raises(ValueError, match="2 axes"):
        sweep_figure(grid_3x4, axes, ["peace_share", "payoff.US.mean"], ax=[given[0]])


def test_long_category_labels_of_a_heat_map_do_not_collide(tmp_path: Path) -> None:
    names = [*STRATEGIES, "generous_tit_for_tat"]
    cells = _cells({"players.CN.strategy": names, "b": [0, 1]}, {"m": lambda i, j: i})
    fig = sweep_figure(cells, ["players.CN.strategy", "b"], ["m", "m", "m"])
    renderer = _render(fig, tmp_path / "long.png")
    labels = fig.axes[0].get_xticklabels()
    assert [t.get_text() for t in labels][-1] == "generous_tit_fo…"  # shortened
    assert _apart(renderer, labels)


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
    fig = sweep_figure(cells, ["players.US.instruments.tariff.pain"], ["m"])
    assert len(fig.axes) == 1
