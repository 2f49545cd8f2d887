"""Sweeps on Dask: a real ``dask scheduler`` and two ``dask worker`` processes started on
127.0.0.1 give the same ``cells.csv`` as one local process and as two; so do a
``LocalCluster`` (``--scheduler local``) and ``sim.sweep(client=...)``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import distributed  # the Dask extra, which the README's test command installs
import pandas as pd
import pytest
from typer.testing import CliRunner

import sim
from sim.analysis.workers import dask_client, run_tasks
from sim.cli import app
from sim.errors import SimError
from sim.report.files import FLOAT
from tests.conftest import ROOT, SCENARIOS, IndexedTask, kills_its_worker_once

runner = CliRunner()
BUSAN = str(SCENARIOS / "busan-truce.toml")
ARGS = ["--grid", "noise.execution=0:0.002:3", "--grid", "players.CN.strategy.ratio=0.5,1"]
ARGS += ["--set", "events[0].term=100", "--set", "simulation.rounds=120", "--matches", "256"]
ARGS += ["-m", "truce.p_survive_term", "-m", "peace_share", "-m", "payoff.CN.mean"]


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a Dask scheduler with two one-thread workers, all on 127.0.0.1.
    They can import the tests package's conftest (for the task that kills its worker)."""
    folder = tmp_path_factory.mktemp("dask")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    dask = str(Path(sys.executable).parent / "dask")
    info = folder / "scheduler.json"
    logs = [open(folder / f"{name}.log", "w") for name in ("scheduler", "worker0", "worker1")]  # noqa: SIM115
    procs = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", "0",
             "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(info)],
            stdout=subprocess.DEVNULL,
            stderr=logs[0],
            env=env,
        )
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not info.exists() or not info.read_text().strip():
            assert procs[0].poll() is None, (folder / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        for k in range(2):
            procs.append(
                subprocess.Popen(
                    [dask, "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                     "--nworkers", "1", "--no-dashboard", "--name", f"w{k}"],
                    stdout=subprocess.DEVNULL,
                    stderr=logs[k + 1],
                    env=env,
                )
            )  # fmt: skip
        with distributed.Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in logs:
            log.close()


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("serial") / "s"
    res = runner.invoke(app, ["sweep", BUSAN, *ARGS, "--workers", "1", "-o", str(out)])
    assert res.exit_code == 0, res.output
    return (out / "cells.csv").read_bytes()


def test_serial_two_processes_and_a_dask_cluster_agree(
    scheduler: str, serial: bytes, tmp_path: Path
) -> None:
    two = tmp_path / "two"
    res = runner.invoke(app, ["sweep", BUSAN, *ARGS, "--workers", "2", "-o", str(two)])
    assert res.exit_code == 0, res.output
    assert (two / "cells.csv").read_bytes() == serial

    on_dask = tmp_path / "dask"
    res = runner.invoke(app, ["sweep", BUSAN, *ARGS, "--scheduler", scheduler, "-o", str(on_dask)])
    assert res.exit_code == 0, res.output
    assert "on 2 dask" in res.stdout
    assert (on_dask / "cells.csv").read_bytes() == serial
    run = json.loads((on_dask / "manifest.json").read_text())["run"]
    assert (run["backend"], run["workers"], run["scheduler"]) == ("dask", 2, scheduler)
    assert len(pd.read_csv(on_dask / "cells.csv")) == 6


def test_the_python_api_takes_a_client(scheduler: str, serial: bytes) -> None:
    sc = sim.load_scenario(BUSAN).replace({"events[0].term": 100, "simulation.rounds": 120})
    grid = {"noise.execution": "0:0.002:3", "players.CN.strategy.ratio": [0.5, 1]}
    metrics = ["truce.p_survive_term", "peace_share", "payoff.CN.mean"]
    with distributed.Client(scheduler) as client:
        cells = sim.sweep(sc, grid, metrics, matches=256, client=client)
        assert client.status == "running"  # the caller's client is left open
    assert cells.to_csv(index=False, float_format=FLOAT).encode() == serial


def test_a_local_cluster(serial: bytes, tmp_path: Path) -> None:
    """``--scheduler local`` starts a LocalCluster in a separate command (its worker
    processes and logs stay out of the test process)."""
    out = tmp_path / "local"
    escalate = str(Path(sys.executable).parent / "escalate")
    cmd = [escalate, "sweep", BUSAN, *ARGS, "--scheduler", "local", "--workers", "2"]
    done = subprocess.run([*cmd, "-o", str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (out / "cells.csv").read_bytes() == serial
    assert "on 2 dask" in done.stdout
    assert "Warning" not in done.stderr


def test_an_unreachable_scheduler_is_a_clear_error() -> None:
    with pytest.raises(SimError, match="cannot reach a Dask scheduler there"):  # noqa: SIM117
        with dask_client("tcp://127.0.0.1:9", 1, timeout=1.0):
            pass


# ------------------------------------------------------------------ a worker that dies
def test_a_dask_worker_that_dies_costs_its_own_task(scheduler: str, tmp_path: Path) -> None:
    """The scheduler reruns the task of the dead worker (its nanny starts a new one); the
    other tasks finish once each. Last in this file: it kills a worker of the cluster."""
    got: list[dict[str, Any]] = []
    with distributed.Client(scheduler) as client:
        failed = run_tasks(
            kills_its_worker_once,
            str(tmp_path),
            [IndexedTask(i) for i in range(4)],
            on_record=got.append,
            client=client,
        )
        client.wait_for_workers(2, timeout=60)
    assert failed == {}
    assert sorted(r["cell"] for r in got) == [0, 1, 2, 3]  # each record once
    runs = [int(x) for x in (tmp_path / "runs.txt").read_text().split()]
    assert runs.count(1) == 2 and (tmp_path / "died").exists()
