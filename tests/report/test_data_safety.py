"""Nothing runs from data: scenario files, sweep files, ``--set`` values and the results
folders ``escalate plot`` reads cannot import modules, evaluate code or write outside the
output folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from tests.conftest import ROOT, run_args

runner = CliRunner()
IPD = ROOT / "scenarios" / "ipd.toml"
CODE = "__import__('pathlib').Path('PWNED').write_text('x')"


@pytest.mark.parametrize(
    "name", ["os.system", "sim.strategies.classic:TitForTat", "subprocess", CODE]
)
def test_a_strategy_name_is_looked_up_never_imported(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = IPD.read_text().replace('strategy = "generous_tit_for_tat"', f"strategy = {name!r}")
    path = tmp_path / "s.toml"
    path.write_text(text)
    r = runner.invoke(app, ["validate", str(path)])
    assert r.exit_code == 2 and "unknown strategy" in r.output, r.output
    assert not (tmp_path / "PWNED").exists()


def test_set_values_and_grid_values_are_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Code given as a value is kept as a string, in the manifest and in the cells."""
    import pandas as pd

    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, run_args(tmp_path / "o", "--set", f"scenario.description={CODE}"))
    assert r.exit_code == 0, r.output
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert manifest["scenario"]["resolved"]["scenario"]["description"] == CODE
    args = ["sweep", str(IPD), "--grid", f"scenario.description={CODE},plain", "--matches"]
    args += ["8", "--set", "simulation.rounds=3", "--workers", "1", "--out", str(tmp_path / "w")]
    r = runner.invoke(app, [*args, "--no-figures"])
    assert r.exit_code == 0, r.output
    cells = pd.read_csv(tmp_path / "w" / "cells.csv")
    assert cells["scenario.description"].tolist() == [CODE, "plain"]
    assert not (tmp_path / "PWNED").exists()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "run"
    assert runner.invoke(app, run_args(out, figures=True)).exit_code == 0
    return out


def test_plot_refuses_a_figures_folder_that_points_elsewhere(folder: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(folder / "figures")
    (folder / "figures").symlink_to(elsewhere)
    r = runner.invoke(app, ["plot", str(folder)])
    assert r.exit_code == 2 and "symbolic link" in r.output, r.output
    assert list(elsewhere.iterdir()) == []


def test_plot_replaces_a_linked_figure_file_not_its_target(folder: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.png"
    victim.write_bytes(b"precious")
    png = folder / "figures" / "timeline.png"
    png.unlink()
    png.symlink_to(victim)
    r = runner.invoke(app, ["plot", str(folder), "--format", "png"])
    assert r.exit_code == 0, r.output
    assert victim.read_bytes() == b"precious"
    assert not png.is_symlink() and png.read_bytes().startswith(b"\x89PNG")


def test_plot_reads_no_code_from_a_manifest(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A manifest whose strategy and figure names are code or paths is refused, and
    nothing is written outside the folder."""
    monkeypatch.chdir(tmp_path)
    manifest = folder / "manifest.json"
    text = manifest.read_text()
    for evil in (CODE, "../../escaped", "/etc/passwd"):
        manifest.write_text(text.replace('"generous_tit_for_tat"', f'"{evil}"'))
        r = runner.invoke(app, ["plot", str(folder)])
        assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert not (tmp_path / "PWNED").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_sweep_file_is_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(f'[sweep]\ngrid = {{"scenario.description" = ["{CODE}"]}}\n'
                     f'metrics = ["{CODE}"]\n')  # fmt: skip
    args = ["sweep", str(IPD), "--sweep", str(sweep), "--matches", "8", "--workers", "1"]
    r = runner.invoke(app, [*args, "--out", str(tmp_path / "w"), "--no-figures"])
    assert r.exit_code == 2 and "metric" in r.output and "Traceback" not in r.output, r.output
    assert not (tmp_path / "PWNED").exists() and not (tmp_path / "w").exists()
