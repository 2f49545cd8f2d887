"""``escalate tournament``: the results folder, the figure's data and metadata, the
strategy list syntax, and bad input (exit code 2, a located message, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.cli.population import split_list
from sim.report.tournament_plot import tournament_data, tournament_figure
from tests.conftest import SCENARIOS

runner = CliRunner()
IPD = str(SCENARIOS / "ipd.toml")


def test_tournament_folder(tmp_path: Path) -> None:
    out = tmp_path / "t"
    res = runner.invoke(
        app,
        [
            "tournament",
            IPD,
            "--strategies",
            "tit_for_tat,always_escalate,kind=generous_tit_for_tat:g=0.5",
            "--matches",
            "12",
            "--seed",
            "3",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "always_escalate" in res.stdout and "wrote" in res.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 3 and manifest["matches_per_pair"] == 12
    assert manifest["strategies"]["kind"] == {"name": "generous_tit_for_tat", "g": 0.5}
    assert sorted(manifest["files"]) == sorted(
        [
            "manifest.json",
            "summary.json",
            "scores.csv",
            "ranking.csv",
            "figures/tournament.pdf",
            "figures/tournament.png",
        ]
    )
    for name in manifest["files"]:
        assert (out / name).stat().st_size > 0
    summary = json.loads((out / "summary.json").read_text())
    assert [r["label"] for r in summary["ranking"]] == list(
        pd.read_csv(out / "ranking.csv")["label"]
    )
    assert summary["seed"] == 3 and summary["matches_per_pair"] == 12
    scores = pd.read_csv(out / "scores.csv")
    assert len(scores) == 9
    assert {"score", "se", "score_as_US", "score_as_CN", "peace_share"} <= set(scores.columns)
    ranking = pd.read_csv(out / "ranking.csv")
    assert list(ranking["rank"]) == [1, 2, 3]
    assert set(ranking["label"]) == {"tit_for_tat", "always_escalate", "kind"}
    # the same tournament from Python gives the same tables
    again = sim.tournament(
        sim.load_scenario(IPD),
        ["tit_for_tat", "always_escalate", "kind=generous_tit_for_tat:g=0.5"],
        matches=12,
        seed=3,
    )
    assert np.allclose(again.ranking()["score"], ranking["score"], rtol=1e-11)
    pdf = (out / "figures" / "tournament.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"seed 3" in pdf
    again_run = runner.invoke(
        app, ["tournament", IPD, "-s", "tit_for_tat,appease", "-o", str(out)]
    )
    assert again_run.exit_code == 2 and "--force" in again_run.output


def test_default_plays_every_strategy_that_can_play(tmp_path: Path) -> None:
    out = tmp_path / "all"
    res = runner.invoke(
        app,
        [
            "tournament",
            IPD,
            "--all",
            "--matches",
            "2",
            "--set",
            "simulation.rounds=5",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    labels = set(pd.read_csv(out / "ranking.csv")["label"])
    assert {"extortion", "never_strike_first", "tit_for_tat"} <= labels
    assert "scripted" not in labels


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-s", "tit_for_tat,nope"], "unknown strategy 'nope'"),
        (["-s", "tit_for_tat,generous_tit_for_tat:g=3"], "strategy 'generous_tit_for_tat:g=3'"),
        (["-s", "tit_for_tat,,appease"], "empty item"),
        (["-s", "tit_for_tat", "--all"], "not both"),
        (["-s", "a=tit_for_tat,a=appease"], "share this label"),
        (["-s", "tit_for_tat:lag=1"], "unknown parameter of tit_for_tat"),
        (["--matches", "0"], "--matches"),
        (["-s", "tit_for_tat"], "at least two strategies"),
        (["--set", "noise.execution=2"], "noise.execution"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "bad"
    res = runner.invoke(app, ["tournament", IPD, *args, "-o", str(out)])
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert "Traceback" not in res.output
    assert not out.exists()


def test_extortion_cannot_play_the_us_china_game(tmp_path: Path) -> None:
    path = str(SCENARIOS / "us-china-baseline.toml")
    res = runner.invoke(
        app, ["tournament", path, "-s", "extortion,tit_for_tat", "-o", str(tmp_path / "x")]
    )
    assert res.exit_code == 2
    assert "strategy 'extortion' as US" in res.output


def test_split_list_keeps_brackets_and_quotes_together() -> None:
    assert split_list("a:x=[1, 2],b") == ["a:x=[1, 2]", "b"]
    assert split_list('a:s="x,y", b') == ['a:s="x,y"', "b"]


def test_figure_data_and_drawing() -> None:
    res = sim.tournament(
        sim.load_scenario(IPD), ["appease", "always_escalate", "tit_for_tat"], matches=10, seed=1
    )
    d = tournament_data(res)
    ranking = res.ranking()
    assert d.labels == list(ranking["label"])
    order = [res.labels.index(x) for x in ranking["label"]]
    assert np.array_equal(d.matrix, res.payoff_matrix[np.ix_(order, order)])
    assert d.against.shape == (3, 2)  # each strategy against the two others
    for i in range(3):
        assert sorted(d.against[i]) == sorted(np.delete(d.matrix[i], i))
    # Equal matches per pair: the overall score is the mean over the opponents.
    assert np.allclose(d.against.mean(axis=1), d.scores)
    assert np.all((d.low <= d.scores) & (d.scores <= d.high))
    fig = tournament_figure(res)
    titled = {a.get_title(loc="left"): a for a in fig.axes}
    heat, dots = titled["mean payoff per round"], titled["against the other strategies"]
    assert [t.get_text() for t in heat.get_yticklabels()] == d.labels
    top_down = sorted(
        zip(dots.get_yticks(), dots.get_yticklabels(), strict=True), key=lambda p: -p[0]
    )
    assert [t.get_text() for _, t in top_down] == d.labels  # the best at the top


def test_short_labels_stay_distinct() -> None:
    from sim.report.layout import unique_short

    labels = ["never_strike_first:ratio=0.5", "never_strike_first:ratio=0.25", "tit_for_tat"]
    short = unique_short(labels, 20)
    assert len(set(short)) == 3 and short[2] == "tit_for_tat"
    assert all(len(x) <= 20 for x in short)
