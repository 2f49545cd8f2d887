"""``escalate sweep``: the results folder, grids from options, a sweep file or a [sweep]
section, bad input (exit 2, a located message, nothing written), and resuming after the
process is killed (SIGKILL) or interrupted (Ctrl-C)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from tests.conftest import SCENARIOS

runner = CliRunner()
BUSAN = str(SCENARIOS / "busan-truce.toml")
IPD = str(SCENARIOS / "ipd.toml")
#: The Busan truce with a 100-day term over 120 days, so that some spells end.
SHORT = ["--set", "events[0].term=100", "--set", "simulation.rounds=120"]
GRID = ["--grid", "noise.execution=0:0.002:3", "--grid", "players.CN.strategy.ratio=0.5,1"]


def escalate() -> str:
    here = Path(sys.executable).parent / "escalate"
    found = str(here) if here.exists() else shutil.which("escalate")
    assert found, "the escalate command is not installed"
    return found


def test_sweep_folder(tmp_path: Path) -> None:
    out = tmp_path / "s"
    args = ["sweep", BUSAN, *GRID, *SHORT, "-m", "truce.p_survive_term", "-m", "peace_share"]
    res = runner.invoke(app, [*args, "--matches", "128", "--workers", "1", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "wrote" in res.stdout and "6 cells x 128 matches" in res.stdout
    assert "truce.Busan.p_survive_term: lowest" in res.stdout
    cells = pd.read_csv(out / "cells.csv")
    assert cells["cell"].tolist() == list(range(6))
    assert list(cells.columns[1:3]) == ["noise.execution", "players.CN.strategy.ratio"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(manifest["files"]) == sorted(
        ["cells.csv", "figures/sweep.pdf", "figures/sweep.png", "manifest.json"]
    )
    sweep = manifest["sweep"]
    assert sweep["grid"] == {
        "noise.execution": [0.0, 0.001, 0.002],
        "players.CN.strategy.ratio": [0.5, 1],
    }
    assert sweep["metrics"] == ["truce.Busan.p_survive_term", "peace_share"]
    assert (sweep["matches"], sweep["seed"], sweep["cells"]) == (128, 20251110, 6)
    assert manifest["metric_aliases"] == {"truce.p_survive_term": "truce.Busan.p_survive_term"}
    assert manifest["run"]["backend"] == "serial" and manifest["run"]["resumed_cells"] == 0
    assert manifest["scenario"]["changes"] == ["events[0].term=100", "simulation.rounds=120"]
    pdf = (out / "figures" / "sweep.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"seed 20251110" in pdf
    assert not (tmp_path / "s.partial").exists()  # removed once the folder is written


def test_a_sweep_section_and_a_sweep_file(tmp_path: Path) -> None:
    scenario = tmp_path / "ipd-sweep.toml"
    scenario.write_text(
        Path(IPD).read_text()
        + '\n[sweep]\ngrid = { "noise.execution" = "0:0.1:3" }\nmetrics = ["peace_share"]\n'
        "matches = 64\nseed = 5\n"
    )
    res = runner.invoke(app, ["sweep", str(scenario), "--workers", "1", "-o", str(tmp_path / "a")])
    assert res.exit_code == 0, res.output
    cells = pd.read_csv(tmp_path / "a" / "cells.csv")
    assert cells["noise.execution"].tolist() == [0, 0.05, 0.1]
    assert list(cells.columns[3:]) == ["peace_share", "peace_share.ci_low", "peace_share.ci_high"]
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert (manifest["sweep"]["matches"], manifest["seed"]) == (64, 5)

    file = tmp_path / "grid.toml"
    file.write_text('[sweep]\ngrid = { "players.CN.strategy.g" = [0.1, 0.3] }\n')
    args = ["sweep", str(scenario), "--sweep", str(file), "--matches", "32", "--workers", "1"]
    res = runner.invoke(app, [*args, "-o", str(tmp_path / "b")])
    assert res.exit_code == 0, res.output
    cells = pd.read_csv(tmp_path / "b" / "cells.csv")
    assert cells["players.CN.strategy.g"].tolist() == [0.1, 0.3]
    assert "payoff.US.mean" in cells.columns  # the file gives no metrics: the defaults

    # options beat the file: --grid replaces its grid
    res = runner.invoke(
        app, [*args, "--grid", "noise.perception=0,0.1", "-o", str(tmp_path / "c")]
    )
    assert res.exit_code == 0, res.output
    assert "noise.perception" in pd.read_csv(tmp_path / "c" / "cells.csv").columns


@pytest.mark.parametrize(
    ("grid", "expected"),
    [
        ("noise.executio=0,0.1", "--grid: noise.executio: value 0: unknown key 'executio'"),
        ("nosuch.table=1", "--grid: nosuch.table: value 1: no table 'nosuch'"),
        (
            "players.CN.strategy.ratio=0.5,high",
            "--grid: players.CN.strategy.ratio: value 'high': Input should be a valid number",
        ),
        ("noise.execution=0,2", "--grid: noise.execution: value 2: Input should be less than"),
        ("noise.execution=0:0.1:0", "--grid: noise.execution: range 0:0.1:0 is empty"),
        ("noise.execution=", "--grid: noise.execution: no values"),
        ("noise.execution=0.1,0.1", "--grid: noise.execution: value 0.1 is given twice"),
        ("simulation.seed=1,2", "--grid: simulation.seed: cannot be swept"),
        ("noise.execution", "expected PATH=V1,V2"),
    ],
)
def test_bad_grids_exit_2_with_a_located_message(tmp_path: Path, grid: str, expected: str) -> None:
    out = tmp_path / "bad"
    res = runner.invoke(app, ["sweep", BUSAN, "--grid", grid, "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert expected in res.output
    assert "Traceback" not in res.output
    assert list(tmp_path.iterdir()) == []  # nothing written, not even the partial folder


def test_bad_sweep_files_and_other_bad_input(tmp_path: Path) -> None:
    file = tmp_path / "bad.toml"
    file.write_text('[sweep]\n\n[sweep.grid]\n"noise.execution" = "0:1:0"\n')
    res = runner.invoke(app, ["sweep", BUSAN, "--sweep", str(file), "-o", str(tmp_path / "x")])
    assert res.exit_code == 2
    assert f"{file} [sweep]: noise.execution: range 0:1:0 is empty" in res.output
    file.write_text('[sweep]\ngrid = { "noise.execution" = [0] }\nmetrics = ["nope"]\n')
    res = runner.invoke(app, ["sweep", BUSAN, "--sweep", str(file)])
    assert res.exit_code == 2 and f"{file} [sweep] metrics: nope: no such metric" in res.output
    file.write_text('[sweep]\ngrid = { "noise.execution" = 0.1 }\n')
    res = runner.invoke(app, ["sweep", BUSAN, "--sweep", str(file)])
    assert res.exit_code == 2 and f"{file}: sweep.grid.noise.execution (line 2)" in res.output

    res = runner.invoke(app, ["sweep", IPD, "-o", str(tmp_path / "x")])  # IPD has no [sweep]
    assert res.exit_code == 2 and "no grid: give --grid PATH=VALUES" in res.output
    res = runner.invoke(app, ["sweep", BUSAN, *GRID, "--metric", "truce.p_surviv_term"])
    assert res.exit_code == 2 and "did you mean truce.p_survive_term" in res.output
    res = runner.invoke(app, ["sweep"])
    assert res.exit_code == 2 and "missing SCENARIO" in res.output
    assert not (tmp_path / "x").exists() and not (tmp_path / "x.partial").exists()


def test_validate_checks_a_sweep_table(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(Path(IPD).read_text() + '\n[sweep]\ngrid = { "noise.executio" = [0, 1] }\n')
    res = runner.invoke(app, ["validate", BUSAN, str(bad)])
    assert res.exit_code == 2
    assert f"ok: {BUSAN}" in res.output  # its [sweep] table is valid
    assert f"{bad} [sweep]: noise.executio: value 0: unknown key 'executio'" in res.output


def test_existing_folders(tmp_path: Path) -> None:
    out = tmp_path / "s"
    base = ["sweep", IPD, "--grid", "noise.execution=0,0.1", "--matches", "16", "--workers", "1"]
    assert runner.invoke(app, [*base, "-o", str(out)]).exit_code == 0
    res = runner.invoke(app, [*base, "-o", str(out)])
    assert res.exit_code == 2 and "already exists; pass --force" in res.output
    assert runner.invoke(app, [*base, "-o", str(out), "--force"]).exit_code == 0

    # unfinished cells of another sweep are kept unless --force
    other = tmp_path / "t"
    partial = tmp_path / "t.partial"
    (partial / "cells").mkdir(parents=True)
    (partial / "sweep.json").write_text('{"cells": 3, "matches": 99}')
    (partial / "cells" / "000000.json").write_text('{"cell": 0}')
    res = runner.invoke(app, [*base, "-o", str(other)])
    assert res.exit_code == 2 and "holds the unfinished cells of another sweep" in res.output
    assert (partial / "sweep.json").exists()
    res = runner.invoke(app, [*base, "-o", str(other), "--force"])
    assert res.exit_code == 0, res.output
    assert not partial.exists()


def test_three_axes_write_the_table_without_a_figure(tmp_path: Path) -> None:
    args = ["--grid", "noise.execution=0,0.1", "--grid", "noise.perception=0,0.1"]
    args += ["--grid", "players.CN.strategy.g=0.1,0.2", "--matches", "8", "--workers", "1"]
    res = runner.invoke(app, ["sweep", IPD, *args, "-o", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    assert len(pd.read_csv(tmp_path / "s" / "cells.csv")) == 8
    assert not (tmp_path / "s" / "figures").exists()


def test_list_metrics() -> None:
    res = runner.invoke(app, ["sweep", "--list-metrics"])
    assert res.exit_code == 0
    assert "payoff.<player>.mean" in res.stdout and "truce.<truce>.p_survive_term" in res.stdout
    res = runner.invoke(app, ["sweep", BUSAN, "--list-metrics"])
    assert res.exit_code == 0
    assert "truce.Busan.p_survive_term" in res.stdout and "payoff.CN.mean" in res.stdout
    assert "truce.p_survive_term" in res.stdout.split("Short names")[1]


def test_missing_dask_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    args = ["sweep", IPD, "--grid", "noise.execution=0,0.1", "--scheduler", "local"]
    res = runner.invoke(app, [*args, "-o", str(tmp_path / "s")])
    assert res.exit_code == 2
    assert 'pip install "escalation-sim[distributed]"' in res.output


# ------------------------------------------------------------------ interruptions
#: 12 cells of about a third of a second each.
SLOW = ["--grid", "noise.execution=0:0.003:4", "--grid", "players.CN.strategy.ratio=0.5,1,1.5"]
SLOW += ["--set", "simulation.rounds=365", "--matches", "512", "-m", "truce.p_survive_term"]


def _session(sid: int) -> set[int]:
    """The processes of session ``sid`` still alive (a sweep's main process and workers)."""
    pids = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if os.getsid(int(proc.name)) == sid:
                state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":  # a zombie has exited
                    pids.add(int(proc.name))
        except (OSError, IndexError):
            continue
    return pids


def _start_and_wait_for_cells(
    cmd: list[str], partial: Path, cells: int
) -> subprocess.Popen[bytes]:
    # a session of its own: its processes can be found, and signalled as a terminal would
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    deadline = time.monotonic() + 180
    while len(list((partial / "cells").glob("*.json"))) < cells:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the sweep saved no cell in time"
        time.sleep(0.02)
    return proc


@pytest.mark.slow
def test_a_killed_sweep_resumes_and_equals_an_uninterrupted_one(tmp_path: Path) -> None:
    whole = tmp_path / "whole"
    done = subprocess.run(
        [escalate(), "sweep", BUSAN, *SLOW, "--workers", "1", "-o", str(whole)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr

    out = tmp_path / "killed"
    partial = tmp_path / "killed.partial"
    cmd = [escalate(), "sweep", BUSAN, *SLOW, "--workers", "2", "-o", str(out)]
    proc = _start_and_wait_for_cells(cmd, partial, 3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    saved = len(list((partial / "cells").glob("*.json")))
    assert 3 <= saved < 12, "kill the sweep part-way"
    assert not out.exists()
    deadline = time.monotonic() + 10  # orphaned workers notice and exit
    while _session(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _session(proc.pid), "worker processes outlived the killed sweep"

    rerun = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{saved} resumed" in rerun.stdout
    cells = pd.read_csv(out / "cells.csv")
    assert cells["cell"].tolist() == list(range(12))  # every cell, exactly once
    assert (out / "cells.csv").read_bytes() == (whole / "cells.csv").read_bytes()
    assert not partial.exists()


@pytest.mark.slow
def test_ctrl_c_keeps_the_finished_cells(tmp_path: Path) -> None:
    out = tmp_path / "s"
    cmd = [escalate(), "sweep", BUSAN, *SLOW, "--workers", "2", "-o", str(out)]
    proc = _start_and_wait_for_cells(cmd, tmp_path / "s.partial", 1)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C on a terminal: the whole process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    text = err.decode()
    assert "interrupted:" in text and "cells are saved in" in text
    assert "run the same command again" in text and "Traceback" not in text
    saved = int(text.split("interrupted: ")[1].split()[0])
    assert saved == len(list((tmp_path / "s.partial" / "cells").glob("*.json"))) >= 1
    deadline = time.monotonic() + 10
    while _session(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _session(proc.pid), "worker processes outlived the interrupted sweep"
