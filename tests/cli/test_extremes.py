"""Extreme but valid numbers give finite, sensible outputs, or a clear refusal: noise 0
and 1, one round, discount 0 (refused: the discount must be positive) and 0.999999,
payoffs near the float limits, 100,000 rounds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from tests.conftest import ROOT
from tests.fuzz.cases import non_finite

runner = CliRunner()
SCENARIOS = ROOT / "scenarios"


def run(tmp_path: Path, scenario: str, *sets: str, matches: int = 64) -> tuple[int, str, Path]:
    out = tmp_path / "out"
    args = ["run", str(SCENARIOS / scenario), "--matches", str(matches), "--workers", "1"]
    args += ["--no-figures", "--out", str(out)]
    for s in sets:
        args += ["--set", s]
    r = runner.invoke(app, args)
    return r.exit_code, r.output, out


def metrics(out: Path) -> dict[str, dict[str, float | None]]:
    return json.loads((out / "summary.json").read_text())["metrics"]


@pytest.mark.parametrize("scenario", ["ipd.toml", "busan-truce.toml"])
@pytest.mark.parametrize(
    "sets",
    [
        ("noise.execution=0", "noise.perception=0", "noise.tremble=0"),
        ("noise.execution=1",),
        ("noise.perception=1", "noise.tremble=1"),
        ("simulation.rounds=1",),
        ("simulation.discount=0.999999",),
    ],
    ids=["no-noise", "execution-1", "perception-tremble-1", "one-round", "discount-0.999999"],
)
def test_extreme_values_run_to_finite_files(
    tmp_path: Path, scenario: str, sets: tuple[str]
) -> None:
    code, output, out = run(tmp_path, scenario, *sets)
    assert code == 0, output  # each of these is valid, and runs
    assert non_finite(out) == []
    share = metrics(out)["peace_share"]
    assert share["estimate"] is not None and 0 <= share["estimate"] <= 1


def test_full_execution_noise_on_a_two_level_ladder_flips_every_move(tmp_path: Path) -> None:
    """With execution noise 1 every intended move is flipped: a nice pair at war."""
    code, output, out = run(
        tmp_path,
        "ipd.toml",
        "noise.execution=1",
        "players.US.strategy=appease",
        "players.CN.strategy=appease",
    )
    assert code == 0, output
    assert metrics(out)["peace_share"]["estimate"] == 0.0


def test_discount_zero_is_refused_clearly(tmp_path: Path) -> None:
    code, output, _ = run(tmp_path, "ipd.toml", "simulation.discount=0")
    assert code == 2
    assert "simulation.discount" in output and "greater than 0" in output


@pytest.mark.parametrize(("value", "accepted"), [("1e140", True), ("1e160", False)])
def test_payoffs_near_the_float_limits(tmp_path: Path, value: str, accepted: bool) -> None:
    code, output, out = run(tmp_path, "ipd.toml", f"payoffs.US=[[{value}, 0.0], [5.0, 1.0]]")
    if accepted:
        assert code == 0, output
        assert non_finite(out) == []
    else:
        assert code == 2 and "payoffs.US" in output and "overflow" in output


@pytest.mark.slow
def test_a_hundred_thousand_rounds(tmp_path: Path) -> None:
    code, output, out = run(tmp_path, "ipd.toml", "simulation.rounds=100000", matches=16)
    assert code == 0, output
    assert non_finite(out) == []
    assert json.loads((out / "summary.json").read_text())["rounds"] == 100_000


def test_a_run_too_big_for_the_machine_exits_2_before_it_starts(tmp_path: Path) -> None:
    code, output, out = run(tmp_path, "ipd.toml", "simulation.rounds=1000000", matches=10**9)
    assert code == 2, output
    assert "simulation: the run needs about" in output and "GiB available" in output
    assert not out.exists()
