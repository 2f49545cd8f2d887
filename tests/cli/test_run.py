"""The `escalate` command: results folder, exit codes and located error messages.

Run both in-process with typer's CliRunner and as the installed command in a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app
from tests.conftest import escalate_command, run_args

ROOT = Path(__file__).resolve().parents[2]
IPD = ROOT / "scenarios" / "ipd.toml"
runner = CliRunner()


def bad_scenario(tmp_path: Path, old: str, new: str, name: str = "bad.toml") -> Path:
    text = IPD.read_text()
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1))
    return path


def toml_line(text: str) -> int:
    """Line number of ``text`` in the IPD scenario file."""
    return next(i for i, s in enumerate(IPD.read_text().splitlines(), 1) if text in s)


def test_run_writes_the_results_folder(tmp_path: Path) -> None:
    out = tmp_path / "res"
    r = runner.invoke(app, run_args(out, "--seed", "7", matches=3000, rounds=50, figures=True))
    assert r.exit_code == 0, r.output
    for name in (
        "manifest.json",
        "summary.json",
        "rounds.csv",
        "matches.csv",
        "trajectories.csv",
        "figures/timeline.pdf",
        "figures/timeline.png",
    ):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7
    assert manifest["matches"] == 3000 and manifest["rounds"] == 50
    assert manifest["scenario"]["source_sha256"] is not None
    assert manifest["scenario"]["resolved"]["simulation"]["rounds"] == 50
    assert manifest["versions"]["numpy"]
    summary = json.loads((out / "summary.json").read_text())
    assert (
        summary["metrics"]["payoff.US.mean"]["ci_low"]
        <= summary["metrics"]["payoff.US.mean"]["estimate"]
    )
    assert (out / "rounds.csv").read_text().count("\n") == 51  # header + 50 rounds
    assert (out / "matches.csv").read_text().count("\n") == 3001
    assert (out / "figures" / "timeline.pdf").read_bytes().startswith(b"%PDF")
    assert "payoff.US.mean" in r.output and "wrote" in r.output
    assert not list(tmp_path.glob(".res.*")), "temporary folders left behind"


def test_existing_folder_is_refused_without_force(tmp_path: Path) -> None:
    out = tmp_path / "res"
    args = run_args(out, matches=1024, rounds=5, figures=True)
    assert runner.invoke(app, args).exit_code == 0
    marker = out / "keep.txt"
    marker.write_text("user data")
    r = runner.invoke(app, args)
    assert r.exit_code == 2
    assert "already exists" in r.output and "--force" in r.output
    assert marker.exists(), "a refused run must not touch the folder"
    r = runner.invoke(app, [*args, "--force"])
    assert r.exit_code == 0, r.output
    assert not marker.exists() and (out / "manifest.json").exists()


def test_tables_are_byte_identical_across_worker_counts(tmp_path: Path) -> None:
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        r = runner.invoke(app, run_args(out, matches=5000, rounds=30, workers=int(workers)))
        assert r.exit_code == 0, r.output
        outs.append(out)
    for name in ("rounds.csv", "matches.csv", "trajectories.csv", "summary.json"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_set_changes_the_scenario(tmp_path: Path) -> None:
    out = tmp_path / "res"
    r = runner.invoke(
        app,
        run_args(
            out,
            "--set",
            "noise.execution=0",
            "--set",
            "players.US.strategy=always_escalate",
            rounds=20,
        ),
    )
    assert r.exit_code == 0, r.output
    resolved = json.loads((out / "manifest.json").read_text())["scenario"]["resolved"]
    assert resolved["noise"]["execution"] == 0
    assert resolved["players"]["US"]["strategy"]["name"] == "always_escalate"
    summary = json.loads((out / "summary.json").read_text())["metrics"]
    assert summary["escalation.first.US"]["estimate"] == 1.0  # defector opens every match


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "discount = 1.0",
            "discount = 1.0\ndiscout = 0.9",
            ["bad.toml", "simulation.discout", "unknown key", "discount"],
        ),
        (
            "execution = 0.05",
            "execution = 1.5",
            ["bad.toml", "noise.execution", "less than or equal to 1", "1.5"],
        ),
        (
            'strategy = "tit_for_tat"',
            'strategy = "tit_for_tatt"',
            [
                "bad.toml",
                "players.US.strategy.name",
                "unknown strategy 'tit_for_tatt'",
                "never_strike_first",
            ],
        ),
        (
            'strategy = "generous_tit_for_tat"',
            'strategy = { name = "generous_tit_for_tat", g = 2.0 }',
            ["players.CN.strategy.g", "less than or equal to 1"],
        ),
        ("rounds = 200", "rounds = [200", ["bad.toml", "TOML syntax error", "line"]),
        (
            "US = [[3.0, 0.0],   # R, S\n      [5.0, 1.0]]",
            "US = [[3.0, 0.0, 1.0]]",
            ["bad.toml", "payoffs", "shape"],
        ),
    ],
    ids=[
        "unknown-key",
        "probability-1.5",
        "unknown-strategy",
        "bad-parameter",
        "toml-syntax",
        "matrix-shape",
    ],
)
def test_bad_input_exits_2_with_a_located_message(
    tmp_path: Path, old: str, new: str, expected: list[str]
) -> None:
    path = bad_scenario(tmp_path, old, new)
    for command in ("run", "validate"):
        args = [command, str(path)] + (["--out", str(tmp_path / "o")] if command == "run" else [])
        r = runner.invoke(app, args)
        assert r.exit_code == 2, r.output
        for text in expected:
            assert text in r.output, (text, r.output)
        assert "Traceback" not in r.output
    assert not (tmp_path / "o").exists()


def test_toml_syntax_error_names_its_line(tmp_path: Path) -> None:
    path = bad_scenario(tmp_path, "rounds = 200", "rounds = = 200")
    line = next(i for i, s in enumerate(path.read_text().splitlines(), 1) if "= = 200" in s)
    r = runner.invoke(app, ["validate", str(path)])
    assert r.exit_code == 2
    assert f"line {line}" in r.output


def test_missing_file_and_bad_options(tmp_path: Path) -> None:
    r = runner.invoke(app, ["run", str(tmp_path / "nope.toml")])
    assert r.exit_code == 2 and "nope.toml" in r.output and "cannot read" in r.output
    r = runner.invoke(app, ["run", str(IPD), "--matches", "0"])
    assert r.exit_code == 2
    r = runner.invoke(
        app, ["run", str(IPD), "--set", "noise.executionn=0.1", "--out", str(tmp_path / "o")]
    )
    assert r.exit_code == 2 and "noise.executionn" in r.output
    r = runner.invoke(app, ["run", str(IPD), "--set", "nonsense", "--out", str(tmp_path / "o")])
    assert r.exit_code == 2 and "PATH=VALUE" in r.output


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    path = bad_scenario(tmp_path, "execution = 0.05", "execution = 1.5")
    r = runner.invoke(app, ["run", str(path), "--debug", "--out", str(tmp_path / "o")])
    assert r.exit_code != 0
    assert r.exception is not None and type(r.exception).__name__ == "ScenarioError"


def test_strategies_lists_the_registry() -> None:
    from sim import strategies
    from sim.strategies import names

    r = runner.invoke(app, ["strategies"])
    assert r.exit_code == 0
    for name in names():
        kind = strategies.describe(name)["kind"]
        assert (f"{name}:" if kind == name else f"{name} [{kind}]:") in r.output
    assert "instrument_choice" in r.output and "nice=True" in r.output
    assert "reference: Axelrod (1980a); Axelrod library: FirstByNydegger" in r.output
    rows = json.loads(runner.invoke(app, ["strategies", "--json"]).output)
    davis = next(row for row in rows if row["name"] == "davis")
    assert davis["kind"] == "fsm" and davis["defined_in"] == "sim/strategies/classics.toml"
    nsf = next(row for row in rows if row["name"] == "never_strike_first")
    assert {p["name"] for p in nsf["params"]} == {
        "ratio",
        "lag",
        "cap",
        "instrument_choice",
        "forgive",
    }
    assert nsf["facts"]["nice"] is True


def test_schema_is_json_schema() -> None:
    r = runner.invoke(app, ["schema"])
    assert r.exit_code == 0
    schema = json.loads(r.output)
    assert set(schema["properties"]) >= {"scenario", "simulation", "noise", "players"}


def test_bundled_scenarios_validate() -> None:
    paths = sorted(str(p) for p in (ROOT / "scenarios").glob("*.toml"))
    assert len(paths) >= 2
    r = runner.invoke(app, ["validate", *paths])
    assert r.exit_code == 0, r.output


def test_installed_command_and_python_m(tmp_path: Path) -> None:
    out = tmp_path / "res"
    p = subprocess.run(
        [
            escalate_command(),
            "run",
            str(IPD),
            "--out",
            str(out),
            "--matches",
            "1024",
            "--rounds",
            "10",
            "--no-figures",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert p.returncode == 0, p.stderr
    assert (out / "summary.json").is_file()
    cases = [
        ("discount = 1.0", "discount = 1.0\ndiscout = 0.9", "simulation.discout"),
        ("execution = 0.05", "execution = 1.5", "noise.execution"),
        ('strategy = "tit_for_tat"', 'strategy = "nope"', "unknown strategy 'nope'"),
        ("rounds = 200", "rounds = = 200", f"line {toml_line('rounds = 200')}"),
    ]
    for i, (old, new, expected) in enumerate(cases):
        bad = bad_scenario(tmp_path, old, new, name=f"bad{i}.toml")
        p = subprocess.run(
            [escalate_command(), "run", str(bad), "--out", str(tmp_path / "o")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert p.returncode == 2, p.stderr
        assert f"bad{i}.toml" in p.stderr and expected in p.stderr, p.stderr
        assert "Traceback" not in p.stderr
    p = subprocess.run(
        [sys.executable, "-m", "sim", "validate", str(IPD)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert p.returncode == 0 and "ok:" in p.stdout


def test_import_changes_no_process_wide_setting() -> None:
    code = (
        "import multiprocessing as m, sys; before = m.get_start_method(allow_none=True); "
        "import sim; sim.load_scenario; sim.simulate; "
        "assert m.get_start_method(allow_none=True) == before; "
        "assert 'matplotlib' not in sys.modules; print('ok')"
    )
    p = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert p.returncode == 0 and "ok" in p.stdout, p.stderr


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bar (an update callback) on a terminal; nothing when stderr is not a terminal."""
    from rich.console import Console
    from rich.progress import Progress

    from sim.cli.progress import progress

    monkeypatch.setattr(Console, "is_terminal", property(lambda self: False))
    update, stop = progress("x")
    assert update is None
    stop()
    monkeypatch.setattr(Console, "is_terminal", property(lambda self: True))
    update, stop = progress("x")
    assert callable(update)
    update(10, 100)
    stop()
    # with a unit: what is left, and a resumed start that does not count towards the speed
    bars: list[Progress] = []
    start = Progress.start
    monkeypatch.setattr(Progress, "start", lambda self: (bars.append(self), start(self))[1])
    update, stop = progress("sweep", unit="cells")
    assert update is not None
    update(40, 100)  # 40 cells resumed from disk
    update(41, 100)
    stop()
    (task,) = bars[0].tasks
    assert (task.completed, task.total, task.fields["left"]) == (41, 100, 59)
    assert [s.completed for s in task._progress] == [1]  # the speed counts the new cell only


@pytest.mark.parametrize(
    ("old", "new", "location"),
    [
        ("execution = 0.05", "execution = 1.5", "noise.execution"),
        ("discount = 1.0", "discount = 1.0\ndiscout = 0.9", "simulation.discout"),
        (
            'strategy = "generous_tit_for_tat"',
            'strategy = { name = "generous_tit_for_tat", gg = 0.2 }',
            "players.CN.strategy.gg",
        ),
        (
            'labels = ["C", "D"]   # cooperate',
            'labels = ["C"]   # cooperate',
            "players.US.instruments.move.labels",
        ),
    ],
)
def test_field_errors_give_the_line(tmp_path: Path, old: str, new: str, location: str) -> None:
    """Schema and model errors name the line of the field in the file, not only its path."""
    path = bad_scenario(tmp_path, old, new)
    line = next(
        i for i, s in enumerate(path.read_text().splitlines(), 1) if new.splitlines()[-1] in s
    )
    r = runner.invoke(app, ["validate", str(path)])
    assert r.exit_code == 2
    assert f"{location} (line {line})" in r.output, r.output


def test_a_reader_that_goes_away_stops_the_command_quietly() -> None:
    """``escalate strategies | head -c 100``: exit code 141, no traceback, no error."""
    import fcntl

    read, write = os.pipe()
    fcntl.fcntl(write, 1031, 4096)  # F_SETPIPE_SZ: a pipe smaller than the listing
    proc = subprocess.Popen(
        [escalate_command(), "strategies"], stdout=write, stderr=subprocess.PIPE
    )
    os.close(write)
    assert os.read(read, 100)
    os.close(read)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 141
    assert err == b""


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


def test_output_folder_is_checked_before_simulating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused folder costs no simulation; --force never deletes a folder this tool did
    not write; symbolic links are refused; scenario names cannot escape results/."""
    simulate_module = sys.modules["sim.run.simulation"]

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


OWN = """
[scenario]
name = "own"
[simulation]
rounds = 20
matches = 8
[strategies.tf3t]
kind = "memory_n"
summary = "Tit-for-three-tats."
n = 3
restrain = { "*D *D *D" = 0.0 }
default = 1.0
[strategies.grudge]
kind = "fsm"
[strategies.grudge.states]
calm = { move = "C", C = "calm", D = "angry" }
angry = { move = "D", C = "angry", D = "angry" }
[players.US]
strategy = "tf3t"
[players.US.instruments.move]
labels = ["C", "D"]
[players.CN]
strategy = "grudge"
[players.CN.instruments.move]
labels = ["C", "D"]
[payoffs]
US = [[3.0, 0.0], [5.0, 1.0]]
CN = [[3.0, 5.0], [0.0, 1.0]]
"""


def test_strategies_of_a_scenario_are_listed_with_their_facts(tmp_path: Path) -> None:
    path = tmp_path / "own.toml"
    path.write_text(OWN)
    r = runner.invoke(app, ["strategies", str(path)])
    assert r.exit_code == 0, r.output
    assert "tf3t [memory_n]: Tit-for-three-tats." in r.output
    assert "grudge [fsm]" in r.output and "forgiving=False" in r.output
    assert "tit_for_tat:" not in r.output  # only the file's own
    rows = json.loads(runner.invoke(app, ["strategies", str(path), "--json"]).output)
    assert [row["name"] for row in rows] == ["tf3t", "grudge"]
    assert rows[0]["facts"]["memory_depth"] == 3 and rows[0]["defined_in"] == str(path)
    out = tmp_path / "t"
    r = runner.invoke(
        app,
        ["tournament", str(path), "-s", "tf3t,grudge,tit_for_tat", "-o", str(out), "--no-figures"],
    )
    assert r.exit_code == 0, r.output
    assert set(json.loads((out / "summary.json").read_text())["ranking"][0]) >= {"label"}


def test_a_bad_definition_is_located_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        OWN.replace(
            'angry = { move = "D", C = "angry", D = "angry" }',
            'angry = { move = "D", C = "angry", D = "gone" }',
        )
    )
    r = runner.invoke(app, ["validate", str(path)])
    assert r.exit_code == 2
    assert "strategies.grudge.states.angry.D (line 17): unknown state 'gone'" in r.output
    assert "Traceback" not in r.output
    assert "players.CN" not in r.output  # no follow-on error for the player that names it
