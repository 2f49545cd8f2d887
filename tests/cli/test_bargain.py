"""``escalate bargain`` and ``escalate equilibria --two-stage``: the text and JSON reports,
the results folder with its figures, --vary and --scale, and bad input (exit code 2, no
traceback)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sim.cli import app
from tests.conftest import SCENARIOS

runner = CliRunner()
BUSAN = str(SCENARIOS / "busan-bargain.toml")
IPD = str(SCENARIOS / "ipd.toml")


def test_the_text_report_compares_with_the_record() -> None:
    res = runner.invoke(app, ["bargain", BUSAN])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "busan-bargain: bargaining in round 0 (2025-10-30), nash solution" in out
    assert "deal for 365 rounds" in out
    assert "2 rungs off the record in all; record term 365 rounds" in out
    assert "12 REEs + 0.1% rule" in out and "7 REEs licensed" in out


def test_json_and_folder(tmp_path: Path) -> None:
    out = tmp_path / "b"
    res = runner.invoke(
        app,
        [
            "bargain",
            BUSAN,
            "--json",
            "--scale",
            "players.CN.instruments.rare_earths.pain=0:2:5",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["deal"] is True and doc["term"] == 365 and doc["rungs_off"] == 2
    assert set(doc["gain"]) == {"US", "CN"} and all(v > 0 for v in doc["gain"].values())
    assert len(doc["varied"]["rows"]) == 5
    assert doc["varied"]["path"] == "players.CN.instruments.rare_earths.pain x factor"
    manifest = json.loads((out / "manifest.json").read_text())
    for name in manifest["files"]:
        assert (out / name).is_file(), name
    assert {"bargain.json", "terms.csv", "outcomes.csv", "varied.csv"} <= set(manifest["files"])
    assert "figures/bargaining_set.pdf" in manifest["files"]
    assert "figures/terms.png" in manifest["files"]
    outcomes = (out / "outcomes.csv").read_text().splitlines()
    assert len(outcomes) - 1 == 2 * 3 * 2 * 1 * 3 * 2 * 4 * 4 * 2 * 2  # profiles x 2 terms
    # an existing folder is refused without --force
    again = runner.invoke(app, ["bargain", BUSAN, "--out", str(out)])
    assert again.exit_code == 2 and "--force" in again.output


def test_vary_a_weight() -> None:
    res = runner.invoke(app, ["bargain", BUSAN, "--vary", "bargaining.weights.US=0,0.3"])
    assert res.exit_code == 0, res.output
    assert "terms as bargaining.weights.US varies" in res.output


def test_bad_input_exits_2() -> None:
    cases = [
        (["bargain", IPD], "no [bargaining] table"),
        (["bargain", BUSAN, "--vary", "x=1", "--scale", "y=2"], "not both"),
        (["bargain", BUSAN, "--vary", "bargaining.weights.US"], "PATH=V1,V2"),
        (["bargain", BUSAN, "--vary", "bargaining.solution=nash,rubinstein"], "numbers"),
        (["bargain", BUSAN, "--vary", "bargaining.nope=1,2"], "bargaining.nope"),
        (["bargain", BUSAN, "--round", "5000"], "expected a round"),
        (["equilibria", BUSAN, "--two-stage"], "small ladders"),
        (["equilibria", IPD, "--two-stage"], "no [bargaining] table"),
    ]
    for args, says in cases:
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        assert says in res.output and "Traceback" not in res.output, (args, res.output)


def test_equilibria_two_stage(tmp_path: Path) -> None:
    path = tmp_path / "ipd.toml"
    path.write_text(Path(IPD).read_text() + "\n[bargaining]\nterms = [1]\n")
    res = runner.invoke(app, ["equilibria", str(path), "--two-stage"])
    assert res.exit_code == 0, res.output
    assert "(two-stage, nash)" in res.output
    assert "levels D / D -> C / C  (payoffs US 3, CN 3)" in res.output
    js = runner.invoke(app, ["equilibria", str(path), "--two-stage", "--json"])
    assert js.exit_code == 0
    assert json.loads(js.stdout)["matrices"]["payoffs"]["US"] == [[3.0, 0.0], [5.0, 3.0]]
