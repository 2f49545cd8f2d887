"""``escalate equilibria``: every bundled scenario, the JSON structure, the results
folder, the matrices file of large games, bad input, and ``escalate run`` with the
stage-game figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.report.stage_doc import StageReport
from tests.conftest import ROOT, SCENARIOS

runner = CliRunner()
BUNDLED = sorted(SCENARIOS.glob("*.toml"))


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_every_bundled_scenario(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # large games write their cells under ./results
    text = runner.invoke(app, ["equilibria", str(path)])
    assert text.exit_code == 0, text.output
    assert "Nash equilibria:" in text.output and "Critical discount factors" in text.output
    res = runner.invoke(app, ["equilibria", str(path), "--json"])
    assert res.exit_code == 0, res.output
    report = StageReport.model_validate_json(res.stdout)  # the documented structure
    assert report.scenario == sim.load_scenario(path).name
    assert report.equilibria.count == len(report.equilibria.equilibria) >= 1
    for e in report.equilibria.equilibria:
        for played in e.strategies.values():
            assert sum(p.probability for p in played) == pytest.approx(1.0)
    n0, n1 = report.matrices.shape
    assert [len(report.profiles[p]) for p in report.players] == [n0, n1]
    if report.matrices.payoffs is None:  # too large to inline: a file holds every cell
        assert report.matrices.file is not None
        lines = (tmp_path / report.matrices.file).read_text().splitlines()
        assert len(lines) == n0 * n1 + 1


def test_json_of_the_prisoners_dilemma() -> None:
    res = runner.invoke(app, ["equilibria", str(SCENARIOS / "ipd.toml"), "--json"])
    doc = json.loads(res.stdout)
    assert doc["classification"]["class"] == "prisoners_dilemma"
    assert doc["classification"]["by_player"]["US"] == {
        "R": 3.0,
        "S": 0.0,
        "T": 5.0,
        "P": 1.0,
        "class": "prisoners_dilemma",
    }
    assert doc["critical_discount"]["grim_trigger"] == 0.5
    assert doc["critical_discount"]["tit_for_tat"] == pytest.approx(2 / 3)
    assert doc["critical_discount"]["sustains"] == {"grim_trigger": True, "tit_for_tat": True}
    [eq] = doc["equilibria"]["equilibria"]
    assert eq["pure"] and eq["strategies"]["US"] == [
        {"profile": 1, "levels": "D", "probability": 1.0, "exact": "1"}
    ]
    assert doc["matrices"]["payoffs"] == {"US": [[3, 0], [5, 1]], "CN": [[3, 5], [0, 1]]}
    assert doc["minmax"]["mixed"] == {"US": pytest.approx(1.0), "CN": pytest.approx(1.0)}


def test_documented_schema_is_the_model() -> None:
    """docs/equilibria-schema.json is what StageReport publishes, so the docs cannot drift
    (regenerate with ``python -c "import json, sim.report.stage_doc as d;
    print(json.dumps(d.StageReport.model_json_schema(by_alias=True), indent=1))"``)."""
    published = json.loads((ROOT / "docs" / "equilibria-schema.json").read_text())
    assert published == StageReport.model_json_schema(by_alias=True)


def test_round_option_under_decoupling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = str(SCENARIOS / "us-china-2025.toml")
    docs = []
    for r in (0, 700):
        res = runner.invoke(app, ["equilibria", path, "--json", "--round", str(r)])
        assert res.exit_code == 0, res.output
        docs.append(json.loads(res.stdout))
    assert docs[1]["round"] == 700 and docs[1]["date"] == "2026-12-21"
    assert docs[1]["decouples"]
    assert docs[1]["minmax"]["mixed"]["US"] > docs[0]["minmax"]["mixed"]["US"]
    assert (tmp_path / "results" / "us-china-2025-stage-round700.csv").is_file()


def test_out_writes_a_results_folder(tmp_path: Path) -> None:
    out = tmp_path / "eq"
    res = runner.invoke(app, ["equilibria", str(SCENARIOS / "ipd.toml"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["tool"] == "escalation-sim" and manifest["round"] == 0
    for name in manifest["files"]:
        assert (out / name).is_file(), name
    assert {
        "stage_game.json",
        "payoffs.csv",
        "equilibria.csv",
        "figures/payoffs.pdf",
        "figures/payoffs.png",
        "figures/feasible.pdf",
        "figures/feasible.png",
    } <= set(manifest["files"])
    assert StageReport.model_validate_json((out / "stage_game.json").read_text()).round == 0
    assert (out / "figures" / "payoffs.pdf").read_bytes().startswith(b"%PDF")
    again = runner.invoke(app, ["equilibria", str(SCENARIOS / "ipd.toml"), "--out", str(out)])
    assert again.exit_code == 2 and "--force" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--round", "5000"], "round"),
        (["--method", "magic"], "--method"),
        (["--set", "simulation.discount=2"], "discount"),
    ],
)
def test_bad_input_exits_2(args: list[str], message: str) -> None:
    res = runner.invoke(app, ["equilibria", str(SCENARIOS / "ipd.toml"), *args])
    assert res.exit_code == 2, res.output
    assert message in res.output and "Traceback" not in res.output


def test_missing_file_exits_2(tmp_path: Path) -> None:
    res = runner.invoke(app, ["equilibria", str(tmp_path / "nope.toml")])
    assert res.exit_code == 2 and "nope.toml" in res.output


def test_run_writes_the_stage_figures_when_asked(tmp_path: Path) -> None:
    src = (SCENARIOS / "ipd.toml").read_text()
    path = tmp_path / "ipd-report.toml"
    path.write_text(src + '\n[report]\nfigures = ["timeline", "payoffs", "feasible"]\n')
    out = tmp_path / "run"
    res = runner.invoke(app, ["run", str(path), "--matches", "200", "--out", str(out)])
    assert res.exit_code == 0, res.output
    files = set(json.loads((out / "manifest.json").read_text())["files"])
    assert {"stage_game.json", "figures/payoffs.png", "figures/feasible.pdf"} <= files
    assert "figures/timeline.png" in files
    plain = tmp_path / "plain"
    runner.invoke(
        app, ["run", str(SCENARIOS / "ipd.toml"), "--matches", "200", "--out", str(plain)]
    )
    assert not (plain / "stage_game.json").exists()


def test_stage_round_outside_the_horizon_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text((SCENARIOS / "ipd.toml").read_text() + "\n[report]\nstage_round = 200\n")
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2 and "report.stage_round" in res.output


CHICKEN = """
[scenario]
name = "chicken"
[simulation]
rounds = 10
[players.US]
strategy = "tit_for_tat"
[players.US.instruments.move]
labels = ["swerve", "straight"]
[players.CN]
strategy = "tit_for_tat"
[players.CN.instruments.move]
labels = ["swerve", "straight"]
[payoffs]
US = [[0.0, -1.0], [1.0, -10.0]]
CN = [[0.0, 1.0], [-1.0, -10.0]]
"""


def test_installed_command_solves_mixed(tmp_path: Path) -> None:
    import subprocess

    from tests.conftest import escalate_command

    path = tmp_path / "chicken.toml"
    path.write_text(CHICKEN)
    p = subprocess.run(
        [escalate_command(), "equilibria", str(path), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert p.returncode == 0, p.stderr
    doc = StageReport.model_validate_json(p.stdout)
    assert doc.equilibria.count == 3 and doc.equilibria.method == "vertex"
    assert doc.equilibria.complete and doc.equilibria.exact
    assert doc.classification.class_ == "chicken"
    mixed = [e for e in doc.equilibria.equilibria if not e.pure]
    assert [pl.exact for pl in mixed[0].strategies["US"]] == ["9/10", "1/10"]


def test_exact_flag_and_degenerate_subsets_in_the_report(tmp_path: Path) -> None:
    """--exact on a degenerate game: the row player is indifferent against the first
    column, so (R0, C0) and the half-half row mix against C0 span a segment of
    equilibria, listed in the JSON and printed."""
    path = tmp_path / "ties.toml"
    path.write_text(
        CHICKEN.replace("[[0.0, -1.0], [1.0, -10.0]]", "[[1.0, 1.0], [1.0, 0.0]]").replace(
            "[[0.0, 1.0], [-1.0, -10.0]]", "[[1.0, 0.0], [0.0, 1.0]]"
        )
    )
    res = runner.invoke(app, ["equilibria", str(path), "--json", "--exact", "--method", "vertex"])
    assert res.exit_code == 0, res.output
    doc = StageReport.model_validate_json(res.stdout)
    assert doc.equilibria.exact and doc.equilibria.complete and doc.equilibria.method == "vertex"
    assert doc.equilibria.degenerate and doc.equilibria.subsets == [[0, 1]]
    mixed = [e for e in doc.equilibria.equilibria if not e.pure]
    assert [pl.exact for pl in mixed[0].strategies["US"]] == ["1/2", "1/2"]
    text = runner.invoke(app, ["equilibria", str(path), "--exact"])
    assert text.exit_code == 0, text.output
    assert "a convex set of equilibria: any mix of the row strategies of #1, #2" in text.stdout


def test_the_default_install_needs_no_gambit() -> None:
    """pygambit (a C++ build) is an optional extra; solving never imports it."""
    import subprocess
    import sys
    import tomllib

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not any("gambit" in dep for dep in meta["dependencies"])
    code = (
        "import sys, numpy as np, sim\n"
        "from sim.analysis.equilibria import solve\n"
        "rng = np.random.default_rng(0)\n"
        "e = solve(rng.random((8, 8)), rng.random((8, 8)), exact=True)\n"
        "assert e.complete\n"
        "assert 'pygambit' not in sys.modules, 'pygambit imported'\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert p.returncode == 0, p.stderr
