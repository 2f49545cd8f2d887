"""Faults: a command killed (SIGKILL) or interrupted (Ctrl-C) while it works leaves no
results folder, half-written or not, and the same command then runs to the end; a
writer killed while it swaps folders is tidied up by the next one, with the previous
results put back; a read-only or full disk gives a clear error and keeps the previous
results. (The sweep, which resumes, is tested in tests/cli/test_sweep.py.)"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.report.files import WRITING, check_output
from tests.conftest import ROOT, escalate_command, run_args

runner = CliRunner()
SCENARIOS = ROOT / "scenarios"
#: Work that takes tens of seconds on one core, so that a signal lands in the middle.
LONG = {
    "run": ["run", str(SCENARIOS / "busan-truce.toml"), "--matches", "300000"],
    "tournament": ["tournament", str(SCENARIOS / "us-china-baseline.toml"), "--matches", "4000"],
    "evolve": ["evolve", str(SCENARIOS / "us-china-baseline.toml"), "--matches", "4000"],
}
SHORT = {
    "run": ["run", str(SCENARIOS / "ipd.toml"), "--matches", "64", "--rounds", "5"],
    "tournament": ["tournament", str(SCENARIOS / "ipd.toml"), "--matches", "4"],
    "evolve": ["evolve", str(SCENARIOS / "ipd.toml"), "--matches", "4"],
}


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
@pytest.mark.parametrize("command", sorted(LONG))
def test_an_interrupted_command_leaves_no_folder(
    tmp_path: Path, command: str, how: signal.Signals
) -> None:
    out = tmp_path / "res"
    args = [*LONG[command], "--workers", "1", "--no-figures", "--out", str(out)]
    proc = subprocess.Popen(
        [escalate_command(), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    time.sleep(4)
    assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
    os.killpg(proc.pid, how)  # Ctrl-C on a terminal signals the whole process group
    _, err = proc.communicate(timeout=120)
    if how == signal.SIGINT:
        assert proc.returncode == 130 and "interrupted" in err, err
        assert "Traceback" not in err
    else:
        assert proc.returncode == -signal.SIGKILL
    assert list(tmp_path.iterdir()) == []  # no folder, and no hidden half of one
    again = subprocess.run(
        [escalate_command(), *SHORT[command], "--no-figures", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert json.loads((out / "manifest.json").read_text())["tool"] == "escalation-sim"


def _dead_pid() -> int:
    p = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                       capture_output=True, text=True, check=True)  # fmt: skip
    return int(p.stdout)


def test_a_writer_killed_while_swapping_folders_is_tidied_up(tmp_path: Path) -> None:
    """Killed after moving the old results aside and before the new ones were in place:
    the next command puts the old ones back and removes the half-written folder."""
    out = tmp_path / "res"
    assert runner.invoke(app, run_args(out)).exit_code == 0
    manifest = (out / "manifest.json").read_bytes()
    pid = _dead_pid()
    out.rename(tmp_path / f".res.old-{pid}")
    half = tmp_path / f".res.tmp-{pid}"
    half.mkdir()
    (half / WRITING).touch()  # what a writer puts in the folder it fills
    (half / "rounds.csv").write_text("t,payoff\n0,")
    check_output(out, force=True)
    assert (out / "manifest.json").read_bytes() == manifest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


def test_only_this_tools_leftovers_of_this_folder_are_touched(tmp_path: Path) -> None:
    """Names are matched exactly (``a?`` is not a pattern), a hidden folder without the
    writer's mark is not a half-written one, and an aside folder that is not a results
    folder of this tool is not put in place."""
    pid = _dead_pid()
    assert runner.invoke(app, run_args(tmp_path / "ab")).exit_code == 0
    (tmp_path / "ab").rename(tmp_path / f".ab.old-{pid}")
    (tmp_path / f".cd.tmp-{pid}").mkdir()
    (tmp_path / f".cd.tmp-{pid}" / WRITING).touch()
    mine = tmp_path / f".res.tmp-{pid}"  # the user's own, unmarked
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    aside = tmp_path / f".res.old-{pid}"
    aside.mkdir()
    (aside / "thesis.tex").write_text("years of work")
    before = sorted(p.name for p in tmp_path.iterdir())
    for name in ("a?", "c*", "res"):
        check_output(tmp_path / name)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (mine / "notes.txt").read_text() == "mine"


def test_the_siblings_of_a_running_writer_are_left_alone(tmp_path: Path) -> None:
    busy = tmp_path / f".res.tmp-{os.getpid()}"  # this process is alive
    busy.mkdir()
    check_output(tmp_path / "res")
    assert busy.is_dir()


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.ENOSPC, "No space left on device"), (errno.EROFS, "Read-only file system")],
)
def test_a_full_or_read_only_disk_keeps_the_previous_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, reason: str
) -> None:
    import pandas as pd

    out = tmp_path / "res"
    assert runner.invoke(app, run_args(out)).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, reason)

    monkeypatch.setattr(pd.DataFrame, "to_csv", fail)
    r = runner.invoke(app, run_args(out, "--force", "--seed", "3"))
    assert r.exit_code == 2, r.output
    assert f"cannot write the results folder {out}: {reason}" in r.output
    assert "the previous results are kept" in r.output and "Traceback" not in r.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


def test_force_replaces_only_the_folder_it_names_through_a_linked_parent(
    tmp_path: Path,
) -> None:
    """``--out link/res`` where ``link`` points elsewhere replaces ``res`` there and
    nothing beside it; ``--out a/../res`` is the folder ``res``."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "thesis.tex").write_text("years of work")
    (tmp_path / "link").symlink_to(elsewhere)
    target = tmp_path / "link" / "res"
    assert runner.invoke(app, run_args(target)).exit_code == 0
    assert runner.invoke(app, run_args(target, "--force")).exit_code == 0
    assert sorted(p.name for p in elsewhere.iterdir()) == ["res", "thesis.tex"]
    assert (elsewhere / "thesis.tex").read_text() == "years of work"
    (tmp_path / "a").mkdir()
    dotted = tmp_path / "a" / ".." / "res2"
    assert runner.invoke(app, run_args(dotted)).exit_code == 0
    assert (tmp_path / "res2" / "manifest.json").exists()
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == []
