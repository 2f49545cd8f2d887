"""Timeline figure: its data preparation, drawing into given axes, and file metadata."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

import sim
from sim.report.figures import ladder_ticks, save_figure, timeline_data, timeline_figure

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def result() -> sim.Result:
    sc = sim.load_scenario(ROOT / "scenarios" / "us-china-baseline.toml")
    return sim.simulate(sc, matches=1024, rounds=12, seed=3, workers=1)


def test_timeline_data_is_the_rounds_table_in_long_form(result: sim.Result) -> None:
    data = timeline_data(result)
    rounds = result.rounds()
    game = result.scenario.game
    assert len(data) == 12 * game.n_instruments
    d = data[(data["player"] == "CN") & (data["instrument"] == "rare_earths")]
    np.testing.assert_array_equal(d["mean"], rounds["CN.rare_earths.mean"])
    np.testing.assert_array_equal(d["q25"], rounds["CN.rare_earths.q25"])
    assert (data["q05"] <= data["q25"]).all() and (data["q25"] <= data["q50"]).all()
    assert (data["q50"] <= data["q75"]).all() and (data["q75"] <= data["q95"]).all()
    assert str(d["x"].iloc[0].date()) == "2025-01-20"


def test_ladder_ticks() -> None:
    assert ladder_ticks(["none", "a", "b"], [0, 10, 34], "pct") == (["0%", "10%", "34%"], "")
    assert ladder_ticks(["n", "a", "b"], [0, 12.5, 25], "Mt") == (["0", "12.5", "25"], "Mt")
    labels, unit = ladder_ticks(
        ["none", "7", "cut-off", "a very long ladder label"], [0, 7, 7, 12], "elements"
    )  # not strictly rising
    assert labels[:3] == ["none", "7", "cut-off"] and labels[3].endswith("…") and unit == ""


def test_timeline_figure_draws_into_given_axes(result: sim.Result) -> None:
    fig = Figure()
    axes = fig.subplots(2, 3).ravel()
    assert timeline_figure(result, ax=list(axes)) is fig
    assert axes[3].get_title(loc="left") == "CN tariff"
    assert [t.get_text() for t in axes[0].get_yticklabels()][-1] == "145%"
    with pytest.raises(ValueError, match="6 axes"):
        timeline_figure(result, ax=list(axes[:2]))


def test_saved_files_carry_provenance(result: sim.Result, tmp_path: Path) -> None:
    names = save_figure(timeline_figure(result), tmp_path / "timeline", result)
    assert names == [
        "figures/timeline.pdf".replace("figures", tmp_path.name),
        "figures/timeline.png".replace("figures", tmp_path.name),
    ]
    pdf = (tmp_path / "timeline.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert result.scenario.sha256.encode() in pdf
    assert b"seed 3" in pdf
    png = (tmp_path / "timeline.png").read_bytes()
    assert png.startswith(b"\x89PNG") and result.scenario.sha256.encode() in png
