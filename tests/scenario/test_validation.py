"""Scenario files that validate the game they describe: matrix games, answered
instruments, player names."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

import sim

ROOT = Path(__file__).resolve().parents[2]
IPD = ROOT / "scenarios" / "ipd.toml"


def test_matrix_form_rejects_base_and_interactions() -> None:
    ipd = sim.load_scenario(IPD)
    with pytest.raises(sim.ScenarioError, match=r"players\.US\.base: not used with \[payoffs\]"):
        ipd.replace({"players.US.base": 1.0})
    data = ipd.to_dict()
    data["interactions"] = [{"instruments": ["US.move", "CN.move"], "payoff": {"US": -1.0}}]
    with pytest.raises(sim.ScenarioError, match="interactions: not used with"):
        sim.Scenario.from_dict(data)


def test_an_instrument_is_answered_once() -> None:
    sc = sim.load_scenario(ROOT / "scenarios" / "us-china-baseline.toml")
    with pytest.raises(
        sim.ScenarioError,
        match=r"players\.CN\.instruments\.soybeans\.answers: 'chips' is "
        r"already answered by 'rare_earths'",
    ):
        sc.replace({"players.CN.instruments.soybeans.answers": "chips"})


@pytest.mark.parametrize(("name", "why"), [("both", "reserved"), ("U.S", "pattern")])
def test_player_names_are_checked(name: str, why: str) -> None:
    data = sim.load_scenario(IPD).to_dict()
    data["players"][name] = data["players"].pop("US")
    data["payoffs"][name] = data["payoffs"].pop("US")
    with pytest.raises(sim.ScenarioError, match=f"players.{name}: bad name: .*{why}"):
        sim.Scenario.from_dict(data)


def test_a_named_pipe_is_refused_not_read(tmp_path: Path) -> None:
    """Reading a FIFO would block for ever: only regular files are read."""
    import os

    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(sim.ScenarioError, match="not a regular file"):
        sim.load_scenario(fifo)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"payoffs.US": [[1.7e308, 0.0], [5.0, 1.0]]}, "payoffs.US"),
        ({"payoffs.CN": [[3.0, 5.0], [0.0, 1e149]]}, "payoffs.CN"),
    ],
)
def test_payoffs_that_would_overflow_a_run_are_refused(change: dict[str, Any], where: str) -> None:
    """|payoff| x rounds above 1e150 would make totals or their intervals inf."""
    with pytest.raises(sim.ScenarioError, match=rf"{where}: .*overflow the totals"):
        sim.load_scenario(IPD).replace(change)
    ok = sim.load_scenario(IPD).replace({"payoffs.US": [[1e140, 0.0], [5.0, 1.0]]})
    res = sim.simulate(ok, matches=64, seed=1, workers=1)
    assert math.isfinite(res.metrics()["payoff.US.mean"]["ci_high"])


def test_instrument_payoffs_and_values_are_bounded_too() -> None:
    sc = sim.load_scenario(ROOT / "scenarios" / "us-china-baseline.toml")
    with pytest.raises(sim.ScenarioError, match=r"players\.US\.instruments\.\w+\.pain: stage"):
        sc.replace({"players.US.instruments.tariff.pain": [0.0, 1e300, 1e300, 1e300]})


def test_a_huge_array_of_wrong_values_gives_twenty_problems_and_a_count() -> None:
    data = sim.load_scenario(IPD).to_dict()
    data["players"]["CN"]["instruments"]["move"]["labels"] = [0.5] * 100_000
    with pytest.raises(sim.ScenarioError) as info:
        sim.Scenario.from_dict(data)
    problems = info.value.problems
    assert len(problems) == 21
    assert problems[-1].message == "and 99,980 more problems (fix those above first)"


def test_an_unreadable_file_is_refused_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(The tests run as root, for whom no file is unreadable: the read is made to fail.)"""
    path = tmp_path / "locked.toml"
    path.write_text(IPD.read_text())

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(
        sim.ScenarioError, match=r"locked\.toml: cannot read file: Permission denied"
    ):
        sim.load_scenario(path)
