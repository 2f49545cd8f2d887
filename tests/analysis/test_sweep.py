"""``sim.sweep``: one row per cell that equals a plain run of that cell, the same table
whatever the workers, resumable from a store, metrics by name; and the local worker pool
losing only the task of a worker that dies."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import sim
from sim.analysis.grid import Grid, GridError, cell_seed
from sim.analysis.sweep import (
    METRIC_PATTERNS,
    MetricError,
    SweepPlan,
    default_metrics,
    metric_names,
    resolve_metrics,
)
from sim.analysis.workers import run_tasks
from sim.report.sweep_store import CellStore, StoreMismatch
from tests.conftest import IndexedTask, kills_its_worker_once

ROOT = Path(__file__).resolve().parents[2]
GRID = {"noise.execution": [0.0, 0.001, 0.003], "players.CN.strategy.ratio": [0.5, 1.0]}
METRICS = ["truce.p_survive_term", "peace_share", "payoff.US.mean"]


@pytest.fixture(scope="module")
def busan() -> sim.Scenario:
    """The Busan truce over 120 days (a term of 100 so that it can end)."""
    sc = sim.load_scenario(ROOT / "scenarios" / "busan-truce.toml")
    return sc.replace({"events[0].term": 100}, simulation={"rounds": 120})


@pytest.fixture(scope="module")
def serial(busan: sim.Scenario) -> pd.DataFrame:
    return sim.sweep(busan, GRID, METRICS, matches=256, seed=11, workers=1)


def test_columns_and_cells(serial: pd.DataFrame) -> None:
    assert list(serial.columns[:4]) == ["cell", *GRID, "seed"]
    assert serial["cell"].tolist() == list(range(6))
    assert serial["noise.execution"].tolist() == [0.0, 0.0, 0.001, 0.001, 0.003, 0.003]
    assert serial["players.CN.strategy.ratio"].tolist() == [0.5, 1.0] * 3
    name = "truce.Busan.p_survive_term"  # the alias, resolved
    assert [name, f"{name}.ci_low", f"{name}.ci_high"] == list(serial.columns[4:7])
    assert serial.attrs["sweep"]["metrics"] == [name, "peace_share", "payoff.US.mean"]
    assert serial.attrs["run"]["backend"] == "serial"
    # without noise the truce always survives; more noise, fewer survivors
    p = serial[name].to_numpy()
    assert (p[:2] == 1).all()
    assert p[4] < p[2] < 1
    ok = serial[f"{name}.ci_low"] <= serial[name]
    assert (ok & (serial[name] <= serial[f"{name}.ci_high"])).all()


def test_a_cell_is_a_plain_run_of_that_cell(busan: sim.Scenario, serial: pd.DataFrame) -> None:
    """So `escalate run --set ... --seed S --matches M` replays any cell exactly."""
    row = serial.iloc[3]
    changes = {p: row[p] for p in GRID}
    seed = int(serial.at[3, "seed"])  # not row["seed"]: a row of floats rounds it
    res = sim.simulate(busan.replace(changes), matches=256, seed=seed, workers=1)
    m = res.metrics()
    for name in ("truce.Busan.p_survive_term", "peace_share", "payoff.US.mean"):
        assert row[name] == m[name]["estimate"]
        assert row[f"{name}.ci_low"] == m[name]["ci_low"]


def test_workers_do_not_change_the_table(busan: sim.Scenario, serial: pd.DataFrame) -> None:
    parallel = sim.sweep(busan, GRID, METRICS, matches=256, seed=11, workers=2)
    assert parallel.attrs["run"]["backend"] == "processes"
    assert parallel.to_csv(index=False) == serial.to_csv(index=False)


def test_the_sweep_seed_changes_every_cell(busan: sim.Scenario, serial: pd.DataFrame) -> None:
    other = sim.sweep(busan, GRID, METRICS, matches=256, seed=12, workers=1)
    assert (other["seed"] != serial["seed"]).all()
    assert not other["payoff.US.mean"].equals(serial["payoff.US.mean"])


def test_a_store_resumes_only_the_missing_cells(
    busan: sim.Scenario, serial: pd.DataFrame, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    first = sim.sweep(busan, GRID, METRICS, matches=256, seed=11, workers=1, store=store)
    files = sorted((store / "cells").glob("*.json"))
    assert [f.name for f in files] == [f"{i:06d}.json" for i in range(6)]
    for i in (1, 4):
        files[i].unlink()
    seen: list[tuple[int, int]] = []
    again = sim.sweep(
        busan,
        GRID,
        METRICS,
        matches=256,
        seed=11,
        workers=1,
        store=store,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert again.attrs["run"]["resumed_cells"] == 4
    assert seen == [(4, 6), (5, 6), (6, 6)]  # two cells ran
    assert again.to_csv(index=False) == first.to_csv(index=False) == serial.to_csv(index=False)
    with pytest.raises(StoreMismatch, match="differs in: matches"):
        sim.sweep(busan, GRID, METRICS, matches=128, seed=11, workers=1, store=store)


def test_a_store_refuses_a_file_that_is_not_its_cell(tmp_path: Path) -> None:
    store = CellStore(tmp_path, {"cells": 2})
    store.put({"cell": 1, "seed": 3, "metrics": {}})
    assert list(store.records()) == [1]
    (tmp_path / "cells" / "000000.json").write_text('{"cell": 1}')
    with pytest.raises(StoreMismatch, match="does not hold cell 000000"):
        store.records()


def test_metric_names_and_aliases(busan: sim.Scenario) -> None:
    names, aliases = resolve_metrics(busan, ["truce.p_survive_term", "peace_share"])
    assert names == ("truce.Busan.p_survive_term", "peace_share")
    assert aliases == {"truce.p_survive_term": "truce.Busan.p_survive_term"}
    with pytest.raises(MetricError, match=r"did you mean truce\.p_survive_term"):
        resolve_metrics(busan, ["truce.p_surive_term"])
    ipd = sim.load_scenario(ROOT / "scenarios" / "ipd.toml")
    assert default_metrics(ipd) == ("peace_share", "payoff.US.mean", "payoff.CN.mean")
    assert default_metrics(busan)[-1] == "truce.Busan.p_survive_term"
    with pytest.raises(MetricError, match="no such metric"):
        resolve_metrics(ipd, ["truce.p_survive_term"])  # no truces there


def _pattern(p: str) -> re.Pattern[str]:
    """``<player>``-style names stand for any name, ``<a|b>`` for one of its words."""
    out = ""
    for part in re.split(r"(<[^>]+>)", p):
        if part.startswith("<") and not re.search(r"player|instrument|truce", part):
            out += "(?:" + "|".join(map(re.escape, part[1:-1].split("|"))) + ")"
        else:
            out += r"[^.]+" if part.startswith("<") else re.escape(part)
    return re.compile(f"^{out}$")


def test_the_listed_patterns_are_the_names_of_every_scenario() -> None:
    """``--list-metrics`` without a scenario cannot drift from the summary."""
    patterns = {p: _pattern(p) for p, _ in METRIC_PATTERNS}
    used: set[str] = set()
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        sc = sim.load_scenario(path)
        for name in metric_names(sc):
            matched = [p for p, rx in patterns.items() if rx.match(name)]
            assert len(matched) == 1, (path.name, name, matched)
            used.update(matched)
    assert used == set(patterns)


def test_a_task_carries_its_cell_and_seed(busan: sim.Scenario) -> None:
    plan = SweepPlan(busan, Grid.from_mapping(GRID), ("peace_share",), 4, 1, {})
    task = plan.task(5)
    assert task.changes == (("noise.execution", 0.003), ("players.CN.strategy.ratio", 1.0))
    assert (task.index, task.seed, task.matches) == (5, cell_seed(1, 5), 4)


# ------------------------------------------------------------------ the local worker pool
def _fails(folder: str, task: Any) -> dict[str, Any]:
    if task.index == 1:
        raise ValueError("cell 1 is broken")
    return {"cell": task.index}


def test_a_dead_worker_costs_its_own_task_only(tmp_path: Path) -> None:
    got: list[dict[str, Any]] = []
    failed = run_tasks(
        kills_its_worker_once,
        str(tmp_path),
        [IndexedTask(i) for i in range(6)],
        on_record=got.append,
        workers=2,
    )
    assert failed == {}
    assert sorted(r["cell"] for r in got) == list(range(6))
    runs = [int(x) for x in (tmp_path / "runs.txt").read_text().split()]
    assert sorted(runs) == [0, 1, 1, 2, 3, 4, 5]  # task 1 twice, every other task once


def test_a_task_that_keeps_killing_its_worker_is_reported(tmp_path: Path) -> None:
    got: list[dict[str, Any]] = []
    failed = run_tasks(
        _always_dies,
        str(tmp_path),
        [IndexedTask(i) for i in range(4)],
        on_record=got.append,
        workers=2,
    )
    assert list(failed) == [2] and "died 3 times" in failed[2]
    assert sorted(r["cell"] for r in got) == [0, 1, 3]


def _always_dies(folder: str, task: Any) -> dict[str, Any]:
    if task.index == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return {"cell": task.index}


def test_an_error_in_a_task_stops_the_run(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cell 1 is broken"):
        run_tasks(
            _fails, "", [IndexedTask(i) for i in range(4)], on_record=lambda r: None, workers=2
        )


def test_serial_runs_in_order() -> None:
    got: list[int] = []
    ticks: list[int] = []
    tasks = [IndexedTask(i) for i in range(3)]
    run_tasks(
        _fails_never, None, tasks, on_record=lambda r: got.append(r["cell"]), progress=ticks.append
    )
    assert got == [0, 1, 2] and ticks == [1, 2, 3]


def _fails_never(shared: Any, task: Any) -> dict[str, Any]:
    return {"cell": task.index}


# ------------------------------------------------------------------ strategies and scripts
USER_MODULE = '''
import numpy as np

from sim.strategies import Strategy, register
from sim.strategies.base import Facts
from sim.strategies.classic import NoParams


@register
class UserAlwaysUp(Strategy):
    """Escalates one rung on every instrument from the first round."""

    name = "user_always_up"
    summary = "Level 1 everywhere."
    Params = NoParams

    @classmethod
    def facts(cls, params):
        return Facts(nice=False, retaliatory=False, forgiving=False, stochastic=False,
                     memory_depth=0)

    def decide(self, obs, rng):
        return np.minimum(np.ones_like(obs.own), 1)
'''


def test_a_strategy_from_a_user_module_runs_in_worker_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker processes import the module that registered it (as the engine's do), also
    when only the grid names it."""
    (tmp_path / "user_strategies_for_sweep.py").write_text(USER_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    importlib.import_module("user_strategies_for_sweep")
    sc = sim.load_scenario(ROOT / "scenarios" / "ipd.toml").replace({"simulation.rounds": 20})
    grid = {"players.US.strategy": ["tit_for_tat", "user_always_up"], "noise.execution": [0, 0.1]}
    try:
        two = sim.sweep(sc, grid, ["peace_share"], matches=64, seed=2, workers=2)
        one = sim.sweep(sc, grid, ["peace_share"], matches=64, seed=2, workers=1)
    finally:  # the module leaves with the path: the registry must not keep its strategy
        sim.strategies.unregister("user_always_up")
    assert two.attrs["run"]["backend"] == "processes"
    assert two.to_csv(index=False) == one.to_csv(index=False)
    mine = (two["players.US.strategy"] == "user_always_up") & (two["noise.execution"] == 0)
    assert two.loc[mine, "peace_share"].tolist() == [0.0]  # it escalates from the start


def test_a_script_without_a_main_guard_gets_the_engine_s_message(tmp_path: Path) -> None:
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import sim\n"
        f"sc = sim.load_scenario({str(ROOT / 'scenarios' / 'ipd.toml')!r})\n"
        "sim.sweep(sc, {'noise.execution': [0, 0.1, 0.2]}, matches=16, workers=2)\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode != 0
    assert 'if __name__ == "__main__":' in done.stderr
    assert "died 3 times" not in done.stderr


def test_grids_from_python_values(busan: sim.Scenario) -> None:
    import numpy as np

    grid = Grid.from_mapping({"noise.execution": np.linspace(0, 0.002, 3), "x.y": range(2)})
    assert grid.to_dict() == {"noise.execution": [0.0, 0.001, 0.002], "x.y": [0, 1]}
    assert all(type(v) is float for v in grid.axes[0].values)  # numpy scalars made plain
    for bad in (0.1, {"a": 1}):
        with pytest.raises(GridError, match="expected a list of values"):
            Grid.from_mapping({"noise.execution": bad})


def test_the_sweep_table_is_not_part_of_the_scenario_hash(tmp_path: Path) -> None:
    """`run` ignores [sweep], so editing it changes neither a run's manifest hash nor a
    resumable sweep's definition."""
    text = (ROOT / "scenarios" / "ipd.toml").read_text()
    (tmp_path / "a.toml").write_text(text)
    (tmp_path / "b.toml").write_text(text + '\n[sweep]\ngrid = { "noise.execution" = [0] }\n')
    a, b = (sim.load_scenario(tmp_path / n) for n in ("a.toml", "b.toml"))
    assert a.sha256 == b.sha256
    assert a.source_sha256 != b.source_sha256


def test_a_store_takes_over_an_empty_store_and_refuses_a_foreign_folder(tmp_path: Path) -> None:
    CellStore(tmp_path / "s", {"cells": 2, "matches": 5})
    store = CellStore(tmp_path / "s", {"cells": 2, "matches": 6})  # no cell yet: replaced
    store.put({"cell": 0, "seed": 1, "metrics": {}})
    with pytest.raises(StoreMismatch, match="differs in: matches"):
        CellStore(tmp_path / "s", {"cells": 2, "matches": 5})
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("my work")
    with pytest.raises(StoreMismatch, match="does not hold a sweep's unfinished cells"):
        CellStore(tmp_path / "mine", {"cells": 2})
    assert (tmp_path / "mine" / "notes.txt").read_text() == "my work"


def test_metric_names_of_a_long_horizon_come_from_a_short_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only the outlook dates inside the horizon change the names, so they are read off a
    run just long enough to reach them: the same names, without 100,000-round matches."""
    import sim.run.simulation as simulation

    sc = sim.load_scenario(ROOT / "scenarios" / "us-china-2025.toml")
    expected = metric_names(sc)
    long = sc.replace(simulation={"rounds": 100_000})
    rounds: list[int] = []
    real = simulation.simulate

    def recording(scenario: sim.Scenario, **kw: object) -> sim.Result:
        rounds.append(scenario.rounds)
        return real(scenario, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(simulation, "simulate", recording)
    assert metric_names(long) == expected
    assert rounds and max(rounds) <= sc.rounds
    assert any(name.startswith("outlook.2y.") for name in expected)
