"""Scenario files that validate the game they describe: matrix games, answered
instruments, player names."""

from __future__ import annotations

from pathlib import Path

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
