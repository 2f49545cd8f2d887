"""Sweep grids: values and ranges, cells in product order, per-cell seeds, and located
errors for bad axes."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.analysis.grid import Grid, GridError, cell_seed, check_grid, parse_option, parse_values
from sim.errors import ScenarioError
from sim.scenario import load_sweep_file

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def busan() -> sim.Scenario:
    return sim.load_scenario(ROOT / "scenarios" / "busan-truce.toml")


def test_ranges_include_both_ends_and_keep_integers() -> None:
    assert parse_values("0:10:6") == [0, 2, 4, 6, 8, 10]
    assert all(type(v) is int for v in parse_values("0:10:6"))
    assert parse_values("0:1:3") == [0.0, 0.5, 1.0]  # 0.5 steps are not whole
    assert parse_values("0.5:1.5:11") == [round(0.5 + 0.1 * i, 10) for i in range(11)]
    assert parse_values("1:-1:3") == [1, 0, -1]  # decreasing
    assert parse_values("2:2:1") == [2]
    np.testing.assert_allclose(parse_values("0:0.002:20"), np.linspace(0, 0.002, 20), rtol=1e-11)


def test_lists_are_toml_values_or_words() -> None:
    assert parse_values("0,0.01, 0.02") == [0, 0.01, 0.02]
    assert parse_values("tit_for_tat,grim_trigger") == ["tit_for_tat", "grim_trigger"]
    assert parse_values('true, "a,b", [1, 2]') == [True, "a,b", [1, 2]]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("0:1:0", "is empty"),
        ("0:1:2.5", "whole number"),
        ("a:b:c", "START:STOP:COUNT"),
        ("0:1:1", "one value but two ends"),
        ("", "no values"),
        ("0,,1", "an empty value"),
    ],
)
def test_bad_values_say_what_was_expected(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_values(spec)


def test_cells_are_the_product_first_axis_slowest() -> None:
    g = Grid.from_mapping({"a.x": [1, 2, 3], "b.y": "u,v"})
    assert g.shape == (3, 2)
    assert len(g) == 6
    expected = [
        dict(zip(("a.x", "b.y"), c, strict=True)) for c in itertools.product([1, 2, 3], "uv")
    ]
    assert list(g.cells()) == expected
    assert [g.cell(i) for i in range(6)] == expected
    with pytest.raises(IndexError):
        g.cell(6)


@pytest.mark.parametrize(
    ("grid", "message"),
    [
        ({}, "the grid is empty"),
        ({"noise.execution": []}, "no values"),
        ({"noise.execution": [0.1, 0.10]}, "given twice"),
        ({"simulation.seed": [1, 2]}, "cannot be swept"),
        ({"simulation.matches": [1, 2]}, "cannot be swept"),
        ({"noise..execution": [1]}, "dotted scenario path"),
        ({"noise.execution": "0:1:0"}, "is empty"),
    ],
)
def test_bad_grids_are_refused_with_their_axis(grid: dict[str, object], message: str) -> None:
    with pytest.raises(GridError, match=message) as info:
        Grid.from_mapping(grid, source="--grid")
    assert str(info.value).startswith("--grid: ")


def test_true_and_one_are_different_values() -> None:
    assert Grid.from_mapping({"x.y": [True, 1]}).shape == (2,)


def test_option_syntax() -> None:
    assert parse_option("noise.execution=0,0.5") == ("noise.execution", [0, 0.5])
    for bad in ("noise.execution", "=1,2"):
        with pytest.raises(GridError, match="expected PATH=V1,V2"):
            parse_option(bad)
    with pytest.raises(GridError, match=r"--grid: noise.execution: range 0:1:0 is empty"):
        parse_option("noise.execution=0:1:0")


def test_cell_seeds_come_from_the_sweep_seed_and_the_index() -> None:
    seeds = [cell_seed(7, i) for i in range(1000)]
    assert len(set(seeds)) == 1000
    assert all(0 <= s < 2**63 for s in seeds)
    expected = np.random.SeedSequence(7, spawn_key=(3,)).generate_state(1, np.uint64)[0] >> 1
    assert seeds[3] == int(expected)
    assert cell_seed(8, 3) != seeds[3]


def test_check_grid_names_the_axis_the_value_and_what_was_expected(busan: sim.Scenario) -> None:
    with pytest.raises(GridError) as info:
        check_grid(
            Grid.from_mapping(
                {
                    "noise.executio": [0.1],  # unknown path
                    "players.CN.strategy.ratio": [0.5, "x"],  # wrong type
                    "noise.perception": [0.1, 2.0],  # out of range
                    "no_such.table": [1],
                }
            ),
            busan,
            source="--grid",
        )
    text = str(info.value)
    assert "noise.executio: value 0.1: unknown key 'executio'" in text
    assert "players.CN.strategy.ratio: value 'x': Input should be a valid number" in text
    assert "noise.perception: value 2.0: Input should be less than or equal to 1" in text
    assert "no_such.table: value 1: no table 'no_such'" in text
    assert len(info.value.problems) == 4


def test_a_parameter_may_need_the_strategy_another_axis_sets(busan: sim.Scenario) -> None:
    """escalate_to_negotiate has no ratio, never_strike_first has: valid together."""
    grid = Grid.from_mapping(
        {"players.US.strategy": ["never_strike_first"], "players.US.strategy.ratio": [0.5, 1]}
    )
    check_grid(grid, busan, source="--grid")
    with pytest.raises(GridError, match="unknown parameter of escalate_to_negotiate"):
        check_grid(Grid.from_mapping({"players.US.strategy.ratio": [0.5]}), busan, source="g")


def test_a_sweep_section_and_a_sweep_file(tmp_path: Path, busan: sim.Scenario) -> None:
    text = (ROOT / "scenarios" / "ipd.toml").read_text() + (
        '\n[sweep]\ngrid = { "noise.execution" = [0, 0.05], '
        '"players.CN.strategy.g" = "0:0.5:3" }\nmetrics = ["peace_share"]\nmatches = 64\n'
    )
    path = tmp_path / "with-sweep.toml"
    path.write_text(text)
    spec = sim.load_scenario(path).data.sweep
    assert spec is not None
    assert list(spec.grid) == ["noise.execution", "players.CN.strategy.g"]
    assert Grid.from_mapping(spec.grid).shape == (2, 3)
    assert (spec.metrics, spec.matches, spec.seed) == (["peace_share"], 64, None)

    bad = tmp_path / "bad-sweep.toml"
    bad.write_text(
        "[sweep]\nmatches = 10\n\n[sweep.grid]\nnoise = { execution = [0, 1] }\n"
        '"noise.perception" = 5\n'
    )
    with pytest.raises(ScenarioError) as info:
        load_sweep_file(bad)
    text = str(info.value)
    assert str(bad) in text
    assert "sweep.grid.noise (line 5)" in text and "quoted key" in text
    assert "sweep.grid.noise.perception" in text


def test_a_range_without_a_count_says_so() -> None:
    with pytest.raises(ValueError, match="expected START:STOP:COUNT"):
        parse_values("0:0.1")


def test_a_sweep_file_s_bad_metric_names_the_file(tmp_path: Path, busan: sim.Scenario) -> None:
    from sim.report.sweeping import sweep_plan

    with pytest.raises(ScenarioError, match=r"^f\.toml sweep\.metrics: nope: no such metric"):
        sweep_plan(
            busan, {"noise.execution": [0]}, ["nope"], metrics_source="f.toml sweep.metrics"
        )


def test_list_items_can_be_swept(busan: sim.Scenario) -> None:
    check_grid(Grid.from_mapping({"events[0].term": [100, 365]}), busan, source="--grid")
    with pytest.raises(GridError, match=r"events\[3\]\.term: value 1: no item events\[3\]"):
        check_grid(Grid.from_mapping({"events[3].term": [1]}), busan, source="--grid")


def test_grids_too_big_to_run_are_refused_before_checking(tmp_path: Path) -> None:
    """A range of a million values, or a product of axes above 100,000 cells, is refused
    at once (checking every value against the scenario would itself take minutes)."""
    from sim.analysis.grid import MAX_CELLS, MAX_VALUES, Grid, GridError, check_grid

    with pytest.raises(ValueError, match=f"at most {MAX_VALUES:,} values"):
        Grid.from_mapping({"noise.execution": "0:1:1000000"}, source="--grid")
    with pytest.raises(ValueError, match="expected at most"):
        Grid.from_mapping({"noise.execution": list(range(MAX_VALUES + 1))}, source="--grid")
    big = Grid.from_mapping(
        {"noise.execution": "0:1:5000", "players.US.base": "0:1:100"}, source="--grid"
    )
    sc = sim.load_scenario(ROOT / "scenarios" / "us-china-baseline.toml")
    with pytest.raises(
        GridError, match=f"500,000 cells \\(5000 x 100\\); expected at most {MAX_CELLS:,}"
    ):
        check_grid(big, sc, source="--grid")
