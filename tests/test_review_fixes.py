"""Behaviour pinned down after review: edge cases of scenarios, strategies and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import run_args
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.engine import Plan, Rules, run_plan
from sim.strategies import spec

ROOT = Path(__file__).resolve().parent.parent
IPD = ROOT / "scenarios" / "ipd.toml"
runner = CliRunner()


def test_never_strike_first_ignores_moves_that_help_it() -> None:
    """In a matrix game the opponent's 'escalation' can raise the player's payoff (negative
    derived pain). That is no strike: never_strike_first stays at baseline."""
    ipd = sim.load_scenario(IPD)
    sc = ipd.replace(
        {
            "payoffs.US": [[3.0, 4.0], [5.0, 1.0]],
            "noise.execution": 0.0,
            "players.US.strategy": "never_strike_first",
            "players.CN.strategy": "always_escalate",
        }
    )
    assert sc.game.pain[1, 1] < 0  # CN's move helps the US
    d = run_plan(sc.plan, matches=1024, seed=0, workers=1, sample=4)
    assert (d.traj_levels[:, 0, :] == 0).all()
    assert (d.first_who == 1).all()  # CN opened every match; the US never answered


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


def test_switching_strategy_with_set_drops_the_old_parameters(tmp_path: Path) -> None:
    sc = sim.load_scenario(ROOT / "scenarios" / "us-china-baseline.toml")
    sc2 = sc.replace({"players.CN.strategy.name": "tit_for_tat"})
    assert sc2.data.players["CN"].strategy.model_extra == {}
    sc3 = sc.replace({"players.CN.strategy.name": "never_strike_first"})  # same name: kept
    assert (
        sc3.data.players["CN"].strategy.model_extra == sc.data.players["CN"].strategy.model_extra
    )


def test_resolved_scenario_records_the_run(tmp_path: Path) -> None:
    res = sim.simulate(sim.load_scenario(IPD), matches=1500, seed=9, rounds=7, workers=1)
    assert res.scenario.data.simulation.matches == 1500
    assert res.scenario.data.simulation.seed == 9 and res.seed == 9
    assert res.scenario.source_sha256 is not None
    m = res.matches()
    np.testing.assert_allclose(m["total_US"], m["payoff_US"] * 7)


def test_user_strategy_targets_off_the_ladder_are_clipped() -> None:
    """A registered strategy returning a level far above the top plays the top (the engine
    clips before storing levels in 8 bits)."""
    from dataclasses import dataclass
    from typing import Any

    from sim.strategies import Facts, Strategy, register

    @dataclass(frozen=True)
    class NoParams:
        pass

    class Overshoot(Strategy):
        name = "test_overshoot"
        summary = "Test only: target level 1000."
        Params = NoParams

        @classmethod
        def facts(cls, params: Any) -> Facts:
            return Facts(
                nice=False, retaliatory=False, forgiving=False, stochastic=False, memory_depth=0
            )

        def decide(self, obs: Any, rng: Any) -> Any:
            return np.full(obs.own.shape, 1000)

    register(Overshoot)
    game = sim.load_scenario(ROOT / "scenarios" / "us-china-baseline.toml").game
    plan = Plan(game, (spec("test_overshoot"), spec("appease")), Rules(rounds=3))
    d = run_plan(plan, matches=8, seed=0, workers=1, sample=8)
    tops = game.n_levels[game.of(0)] - 1
    assert (d.traj_levels[-1, : len(tops), :] == tops[:, None]).all()


def test_refuses_to_write_into_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, run_args(".", "--force"))
    assert r.exit_code == 2 and "current folder" in r.output
    assert list(tmp_path.iterdir()) == []


def test_force_replaces_a_file(tmp_path: Path) -> None:
    target = tmp_path / "afile"
    target.write_text("x")
    r = runner.invoke(app, run_args(target, "--force"))
    assert r.exit_code == 0, r.output
    assert target.is_dir() and sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_version() -> None:
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.output.strip() == f"escalation-sim {sim.__version__}"


def test_script_without_main_guard_gets_a_clear_message(tmp_path: Path) -> None:
    """Worker processes re-import the script; without the guard they cannot start, and the
    user is told what to do instead of seeing only BrokenProcessPool."""
    script = tmp_path / "noguard.py"
    script.write_text(
        "import sim\n"
        f"sc = sim.load_scenario({str(IPD)!r})\n"
        "try:\n"
        "    sim.simulate(sc, matches=8192, rounds=5, workers=2)\n"
        "except sim.SimError as exc:\n"
        "    print('SimError:', exc)\n"
    )
    p = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        timeout=300,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert 'if __name__ == "__main__":' in p.stdout, (p.stdout, p.stderr[-2000:])


def test_strategy_name_is_applied_before_its_parameters() -> None:
    ipd = sim.load_scenario(IPD)
    for order in (
        [("players.US.strategy.lag", 2), ("players.US.strategy.name", "never_strike_first")],
        [("players.US.strategy.name", "never_strike_first"), ("players.US.strategy.lag", 2)],
    ):
        sc = ipd.replace(dict(order))
        assert sc.data.players["US"].strategy.model_extra == {"lag": 2}


def test_manifest_scenario_lists_every_strategy_parameter() -> None:
    import json

    sc = sim.load_scenario(IPD).replace({"players.US.strategy": "never_strike_first"})
    resolved = json.loads(sc.to_json())
    assert resolved["players"]["US"]["strategy"] == {
        "name": "never_strike_first",
        "ratio": 1.0,
        "lag": 0,
        "cap": None,
        "instrument_choice": "mirror",
        "forgive": True,
    }


def test_output_folder_is_checked_before_simulating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused folder costs no simulation; --force never deletes a folder this tool did
    not write; symbolic links are refused; scenario names cannot escape results/."""
    simulate_module = sys.modules["sim.run.simulate"]

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated before checking the output folder")

    monkeypatch.setattr(simulate_module, "simulate", boom)
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, run_args(".", "--force"))
    assert r.exit_code == 2 and "current folder" in r.output
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    r = runner.invoke(app, run_args(precious, "--force"))
    assert r.exit_code == 2 and "did not write" in r.output
    assert (precious / "thesis.tex").exists()
    (tmp_path / "link").symlink_to(precious)
    r = runner.invoke(app, run_args(tmp_path / "link", "--force"))
    assert r.exit_code == 2 and "symbolic link" in r.output
    with pytest.raises(sim.ScenarioError, match=r"scenario\.name"):
        sim.load_scenario(IPD).replace({"scenario.name": "../../escaped"})


def test_force_replaces_an_earlier_results_folder(tmp_path: Path) -> None:
    out = tmp_path / "res"
    args = run_args(out)
    assert runner.invoke(app, args).exit_code == 0
    (out / "note.txt").write_text("x")
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    assert not (out / "note.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


def test_simulate_stays_a_function_whatever_is_imported_first() -> None:
    """Importing the CLI (which imports the simulation module) before touching
    ``sim.simulate`` must not turn ``sim.simulate`` into a module."""
    code = (
        "import sim.cli, sim.run.simulate, sim\n"
        "assert callable(sim.simulate), type(sim.simulate)\n"
        "print('ok')\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert p.returncode == 0 and "ok" in p.stdout, p.stderr
