"""``escalate plot`` and the paper figures: a results folder of each command redrawn from its
tables, the figures' data from a folder equal to the data from the live result, the files'
metadata, sizes and fonts, and legible layouts at one and two columns."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.report.evolution_plot import evolution_data, evolution_figure
from sim.report.figures import save_figure, timeline_data, timeline_figure
from sim.report.folder import FolderError, folder_kind, read_folder
from sim.report.replot import plot_folder
from sim.report.style import PLAYER_COLOURS, WIDTHS, inches
from sim.report.survival_plot import truce_survival_figure
from sim.report.tournament_plot import tournament_data, tournament_figure
from tests.conftest import assert_laid_out

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
IPD = str(SCENARIOS / "ipd.toml")
BUSAN = str(SCENARIOS / "busan-truce.toml")
THREE = "tit_for_tat,always_escalate,generous_tit_for_tat"
runner = CliRunner()

#: A folder of each command: the arguments after ``escalate`` (``OUT`` is the folder).
COMMANDS: dict[str, list[str]] = {
    "run": ["run", BUSAN, "--matches", "60", "--out", "OUT"],
    "run-stage": [
        "run",
        IPD,
        "--matches",
        "20",
        "--set",
        'report.figures=["timeline", "payoffs", "feasible"]',
        "--out",
        "OUT",
    ],
    "tournament": ["tournament", IPD, "--strategies", THREE, "--matches", "5", "--out", "OUT"],
    "evolve": ["evolve", IPD, "--strategies", THREE, "--matches", "5", "--out", "OUT"],
    "evolve-moran": [
        "evolve",
        IPD,
        "--strategies",
        THREE,
        "--matches",
        "5",
        "--method",
        "moran",
        "--population",
        "10",
        "--runs",
        "50",
        "--out",
        "OUT",
    ],
    "sweep": [
        "sweep",
        IPD,
        "--grid",
        "noise.execution=0,0.05",
        "--grid",
        "players.CN.strategy=tit_for_tat,grim_trigger",
        "--metric",
        "peace_share",
        "--matches",
        "10",
        "--workers",
        "1",
        "--out",
        "OUT",
    ],
    "equilibria": ["equilibria", IPD, "--out", "OUT"],
}
KIND = {"run-stage": "run", "evolve-moran": "evolve"}


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One results folder per command, written by the command line."""
    base = tmp_path_factory.mktemp("results")
    out = {}
    for name, args in COMMANDS.items():
        folder = base / name
        result = invoke(*[str(folder) if a == "OUT" else a for a in args])
        assert result.exit_code == 0, result.output
        out[name] = folder
    return out


def figure_files(folder: Path) -> set[str]:
    return {p.name for p in (folder / "figures").iterdir() if not p.name.startswith(".")}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_plot_redraws_what_the_command_wrote(
    name: str, folders: dict[str, Path], tmp_path: Path
) -> None:
    """``escalate plot`` on each command's folder exits 0 and writes the same figure files,
    from the tables alone."""
    folder = tmp_path / name
    shutil.copytree(folders[name], folder)
    assert folder_kind(folder) == KIND.get(name, name)
    written = figure_files(folder)
    assert written, "the command drew figures"
    shutil.rmtree(folder / "figures")
    result = invoke("plot", str(folder))
    assert result.exit_code == 0, result.output
    assert figure_files(folder) == written
    assert result.output.count("wrote ") == len(written)
    manifest = json.loads((folder / "manifest.json").read_text())
    scenario = manifest["scenario"]
    for pdf in sorted((folder / "figures").glob("*.pdf")):  # each a valid PDF, provenance in
        meta = PdfReader(pdf).metadata
        assert meta is not None and meta.title == scenario["name"], pdf.name
        stage = pdf.stem in ("payoffs", "feasible")  # the stage game: no seed is used
        seed = "none" if stage else str(manifest["seed"])
        assert (
            meta.subject
            == f"scenario {scenario['name']}; sha256 {scenario['sha256']}; seed {seed}"
        )
        assert meta.creator == f"escalation-sim {sim.__version__}"
    tables = {p.name for p in folder.iterdir()}
    assert tables == {p.name for p in folders[name].iterdir()}  # no table touched or added


def test_plot_only_format_and_width(folders: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "run"
    shutil.copytree(folders["run"], folder)
    shutil.rmtree(folder / "figures")
    result = invoke(
        "plot", str(folder), "--only", "survival", "--format", "svg,pdf", "--width", "one"
    )
    assert result.exit_code == 0, result.output
    assert figure_files(folder) == {"survival.svg", "survival.pdf"}
    page = PdfReader(folder / "figures" / "survival.pdf").pages[0]
    assert float(page.mediabox.width) == pytest.approx(72 * WIDTHS["one"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--only", "nope"], "no figure 'nope'; this folder's figures: timeline, survival"),
        (["--format", "jpg"], "--format 'jpg': expected any of pdf, png, svg"),
        (["--width", "three"], "--width 'three': expected one or two"),
        (["--only", ","], "--only ',': expected a comma-separated list"),
    ],
)
def test_plot_bad_options_exit_2(
    args: list[str], message: str, folders: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "run"
    shutil.copytree(folders["run"], folder)
    before = {p.name: p.read_bytes() for p in (folder / "figures").iterdir()}
    result = invoke("plot", str(folder), *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert {p.name: p.read_bytes() for p in (folder / "figures").iterdir()} == before


def test_plot_bad_folders_exit_2(folders: dict[str, Path], tmp_path: Path) -> None:
    missing = invoke("plot", str(tmp_path / "none"))
    assert missing.exit_code == 2 and "none: no such folder" in missing.output
    (tmp_path / "file").write_text("x")
    a_file = invoke("plot", str(tmp_path / "file"))
    assert a_file.exit_code == 2 and "file: not a folder" in a_file.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = invoke("plot", str(empty))
    assert result.exit_code == 2
    assert "manifest.json: missing; is this a results folder?" in result.output
    broken = tmp_path / "broken"
    shutil.copytree(folders["run"], broken)
    (broken / "truces.csv").unlink()
    result = invoke("plot", str(broken))
    assert result.exit_code == 2 and "truces.csv: missing" in result.output
    (broken / "manifest.json").write_text("{")
    result = invoke("plot", str(broken))
    assert result.exit_code == 2 and "manifest.json: not readable as JSON" in result.output
    foreign = tmp_path / "foreign"
    shutil.copytree(folders["tournament"], foreign)
    (foreign / "manifest.json").write_text(json.dumps({"tool": "other"}))
    result = invoke("plot", str(foreign))
    assert result.exit_code == 2 and "not written by escalation-sim" in result.output


def test_edited_manifest_is_refused(folders: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "edited"
    shutil.copytree(folders["tournament"], folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["scenario"]["resolved"]["simulation"]["rounds"] += 1
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(FolderError, match=r"scenario\.sha256 is .* but the resolved"):
        read_folder(folder)


# ------------------------------------------------------------------ data from the folder


def test_run_tables_give_the_figures_the_results_data(tmp_path: Path) -> None:
    """A run's figure data from its folder equals the data from the live result (the CSVs
    keep 12 significant digits)."""
    res = sim.simulate(sim.load_scenario(BUSAN), matches=40, seed=5)
    from sim.report.run_out import write_run

    write_run(res, tmp_path / "run", figures=False)
    kind, tables = read_folder(tmp_path / "run")
    assert kind == "run"
    assert tables.scenario.sha256 == res.scenario.sha256
    assert tables.scenario.players == res.scenario.players == ("US", "CN")
    live, read = timeline_data(res), timeline_data(tables)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(live, read, check_dtype=False, rtol=1e-11)
    for name, curve in res.survival().items():
        again = tables.survival()[name]  # type: ignore[union-attr]
        assert np.array_equal(curve.times, again.times)
        assert np.allclose(curve.survival, again.survival, rtol=1e-12)


def test_older_manifests_with_sorted_keys_keep_the_player_order(tmp_path: Path) -> None:
    """Folders written before the manifest kept the file's order had the scenario's keys
    sorted (CN before US); the tables' column order restores player 0 and 1."""
    res = sim.simulate(sim.load_scenario(BUSAN), matches=10, seed=5)
    from sim.report.run_out import write_run

    folder = write_run(res, tmp_path / "run", figures=False)
    manifest = json.loads((folder / "manifest.json").read_text())
    resolved = json.loads(json.dumps(manifest["scenario"]["resolved"], sort_keys=True))
    assert list(resolved["players"]) == ["CN", "US"]
    manifest["scenario"]["resolved"] = resolved
    (folder / "manifest.json").write_text(json.dumps(manifest))
    _, tables = read_folder(folder)
    game = tables.scenario.game  # type: ignore[union-attr]
    assert game.players == ("US", "CN")
    assert [i.name for i in game.instruments] == [i.name for i in res.scenario.game.instruments]


def test_tournament_and_evolution_tables(folders: dict[str, Path]) -> None:
    sc = sim.load_scenario(IPD)
    res = sim.tournament(sc, THREE.split(","), matches=5)
    _, tables = read_folder(folders["tournament"])
    live, read = tournament_data(res), tournament_data(tables)  # type: ignore[arg-type]
    assert live.labels == read.labels
    assert np.allclose(live.matrix, read.matrix, rtol=1e-11)
    assert np.allclose(live.against, read.against, rtol=1e-11)
    for method, name in (("replicator", "evolve"), ("moran", "evolve-moran")):
        extra = {"population": 10, "runs": 50} if method == "moran" else {}
        evo = sim.evolve(sc, THREE.split(","), method=method, matches=5, **extra)
        _, tables = read_folder(folders[name])
        a, b = evolution_data(evo), evolution_data(tables)  # type: ignore[arg-type]
        assert (a.method, a.labels) == (b.method, b.labels) == (method, b.labels)
        for x, y in ((a.x, b.x), (a.y, b.y), (a.stable, b.stable)):
            assert np.allclose(x, y, rtol=1e-10, equal_nan=True)


def test_stage_tables_match_the_stage_game(folders: dict[str, Path]) -> None:
    stage = sim.stage_game(sim.load_scenario(IPD))
    _, tables = read_folder(folders["equilibria"])
    assert tables.shape == stage.shape  # type: ignore[union-attr]
    assert [tables.labels(p) for p in (0, 1)] == [stage.labels(p) for p in (0, 1)]  # type: ignore[union-attr]
    for x, y in zip(tables.matrices(), stage.matrices(), strict=True):  # type: ignore[union-attr]
        assert np.array_equal(x, y)
    eqs, again = stage.equilibria(), tables.equilibria()  # type: ignore[union-attr]
    assert (again.method, again.complete) == (eqs.method, eqs.complete)
    assert [(e.pure, e.payoffs) for e in again] == [(e.pure, e.payoffs) for e in eqs]
    region, read = stage.feasible_region(), tables.feasible_region()  # type: ignore[union-attr]
    assert np.allclose(region.vertices, read.vertices)
    assert read.minmax == pytest.approx(region.minmax)


# ------------------------------------------------------------------ files and metadata


def test_pdf_svg_png_carry_provenance_fonts_and_size(tmp_path: Path) -> None:
    res = sim.simulate(sim.load_scenario(BUSAN), matches=20, seed=11)
    fig = truce_survival_figure(res, width="one")
    files = save_figure(fig, tmp_path / "figures" / "survival", res, ("pdf", "svg", "png"))
    assert files == ["figures/survival.pdf", "figures/survival.svg", "figures/survival.png"]
    sha = res.scenario.sha256
    reader = PdfReader(tmp_path / "figures" / "survival.pdf")  # a valid PDF: parsed
    meta = reader.metadata
    assert meta is not None and meta.title == "busan-truce"
    assert meta.subject == f"scenario busan-truce; sha256 {sha}; seed 11"
    assert meta.get("/Keywords") == meta.creator == f"escalation-sim {sim.__version__}"
    page = reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(72 * 3.5)
    fonts = page["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = (font.get("/DescendantFonts") or [font])[0].get_object()
        descriptor = descriptor.get("/FontDescriptor", descriptor).get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
    svg = (tmp_path / "figures" / "survival.svg").read_text()
    assert "<dc:title>busan-truce</dc:title>" in svg
    assert f"sha256 {sha}; seed 11" in svg and f"escalation-sim {sim.__version__}" in svg
    assert "<text" not in svg  # glyphs drawn as paths: no font needed to view it
    from PIL import Image

    with Image.open(tmp_path / "figures" / "survival.png") as png:
        assert png.size == (round(3.5 * 300), round(fig.get_figheight() * 300))
        assert f"sha256 {sha}" in png.info["Description"]


def test_save_figure_refuses_an_unknown_format(tmp_path: Path) -> None:
    res = sim.simulate(sim.load_scenario(IPD), matches=2, seed=1)
    with pytest.raises(ValueError, match="format 'jpg': expected one of pdf, png, svg"):
        save_figure(timeline_figure(res), tmp_path / "t", res, ("jpg",))
    assert not list(tmp_path.iterdir())


def test_widths() -> None:
    assert inches("one") == 3.5 and inches("two") == 7.0 and inches(4) == 4.0
    for bad in ("three", 0.5, 30):
        with pytest.raises(ValueError, match="width"):
            inches(bad)


def test_plot_folder_from_python(folders: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "evolve"
    shutil.copytree(folders["evolve"], folder)
    seen: list[str] = []
    written = plot_folder(folder, formats=("svg",), width=5.0, progress=seen.append)
    assert written == ["figures/evolution.svg"] and seen == ["evolution"]
    with pytest.raises(FolderError, match="format 'eps'"):
        plot_folder(folder, formats=("eps",))


# ------------------------------------------------------------------ the figures themselves


@pytest.fixture(scope="module")
def replay() -> sim.Result:
    sc = sim.load_scenario(str(SCENARIOS / "us-china-2025.toml"))
    return sim.simulate(sc, matches=20, seed=3)


@pytest.mark.parametrize("width", ["one", "two"])
def test_timeline_is_legible_with_player_colours(replay: sim.Result, width: str) -> None:
    fig = timeline_figure(replay, width=width)
    assert fig.get_figwidth() == WIDTHS[width]
    assert_laid_out(fig, WIDTHS[width])
    game = replay.scenario.game
    for axis, inst in zip(fig.axes, game.instruments, strict=True):
        assert axis.get_title(loc="left").startswith(game.players[inst.owner])
        (line,) = axis.get_lines()[-1:]
        assert line.get_color() == PLAYER_COLOURS[inst.owner]
    bottom = fig.axes[-1]
    labels = [t.get_text() for t in bottom.get_xticklabels() if t.get_text()]
    assert "2026" in labels and len(labels) >= 2  # dates on the time axis


def test_timeline_into_given_axes(replay: sim.Result) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 9), layout="constrained")
    axes = list(fig.subplots(3, 3).ravel())
    assert timeline_figure(replay, ax=axes) is fig
    with pytest.raises(ValueError, match="draws 9 panels: pass 9 axes"):
        timeline_figure(replay, ax=axes[:2])


@pytest.mark.parametrize("width", ["one", "two"])
def test_population_and_survival_figures_are_legible(folders: dict[str, Path], width: str) -> None:
    for name, draw in (
        ("tournament", tournament_figure),
        ("evolve", evolution_figure),
        ("evolve-moran", evolution_figure),
        ("run", truce_survival_figure),
    ):
        _, tables = read_folder(folders[name])
        fig = draw(tables, width=width)  # type: ignore[operator]
        assert fig.get_figwidth() == WIDTHS[width]
        assert_laid_out(fig, WIDTHS[width])


def test_population_figures_into_given_axes(folders: dict[str, Path]) -> None:
    from matplotlib.figure import Figure

    for name, draw, panels in (
        ("tournament", tournament_figure, 2),
        ("evolve", evolution_figure, 1),
        ("evolve-moran", evolution_figure, 2),
    ):
        _, tables = read_folder(folders[name])
        fig = Figure(figsize=(8, 4), layout="constrained")
        axes = list(np.atleast_1d(fig.subplots(1, panels)))
        assert draw(tables, ax=axes) is fig  # type: ignore[operator]
        assert all(a.has_data() or a.images for a in axes)
    res = sim.simulate(sim.load_scenario(BUSAN), matches=20, seed=2)
    fig = Figure()
    ax = fig.subplots()
    assert truce_survival_figure(res, ax=ax) is fig
    named = [name for name, curve in res.survival().items() if curve.n]
    assert [line.get_gid() for line in ax.get_lines()].count("survival") == len(named)


# ------------------------------------------------------------------ damaged and partial folders


@pytest.mark.parametrize(
    ("name", "table", "content", "message"),
    [
        ("run", "rounds.csv", "", "rounds.csv: empty; expected a header and rows"),
        ("run", "rounds.csv", "HEADER", "rounds.csv: a header but no rows"),
        ("tournament", "ranking.csv", "HEADER", "ranking.csv: a header but no rows"),
        ("evolve", "trajectory.csv", "HEADER", "trajectory.csv: a header but no rows"),
        ("sweep", "cells.csv", "HEADER", "cells.csv: a header but no rows"),
        ("equilibria", "payoffs.csv", "HEADER", "payoffs.csv: a header but no rows"),
        ("run", "truces.csv", "DATES", "truces.csv: column start_date: expected dates"),
        ("run", "rounds.csv", "COLUMNS", "figure timeline: its tables do not hold what it"),
    ],
)
def test_damaged_tables_exit_2_naming_them(
    name: str, table: str, content: str, message: str, folders: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / name
    shutil.copytree(folders[name], folder)
    path = folder / table
    lines = path.read_text().splitlines()
    if content == "HEADER":
        content = lines[0] + "\n"
    elif content == "DATES":
        content = "\n".join([lines[0], *(x.replace("2025-", "20x5-") for x in lines[1:])])
    elif content == "COLUMNS":  # the first five columns only
        content = "\n".join(",".join(x.split(",")[:5]) for x in lines)
    path.write_text(content)
    result = invoke("plot", str(folder))
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_missing_figures_say_why(folders: dict[str, Path], tmp_path: Path) -> None:
    """A run written with --no-figures has no stage game to draw; a sweep of three
    parameters has no figure, and plot says so and exits 0."""
    folder = tmp_path / "bare"
    args = [*COMMANDS["run-stage"][:-1], str(folder), "--no-figures"]
    assert invoke(*args).exit_code == 0
    result = invoke("plot", str(folder), "--only", "payoffs")
    assert result.exit_code == 2
    assert "no figure 'payoffs' (the run was written without figures (--no-figures)" in (
        result.output
    )
    assert invoke("plot", str(folder)).exit_code == 0
    assert figure_files(folder) == {"timeline.pdf", "timeline.png"}
    sweep = tmp_path / "three"
    grid = ["--grid", "noise.execution=0,0.1", "--grid", "noise.perception=0,0.1"]
    grid += ["--grid", "players.CN.strategy=tit_for_tat,grim_trigger"]
    args = ["sweep", IPD, *grid, "--metric", "peace_share", "--matches", "5", "--workers", "1"]
    assert invoke(*args, "--out", str(sweep)).exit_code == 0
    result = invoke("plot", str(sweep))
    assert result.exit_code == 0
    assert "no figures to draw: sweep: figures show one or two swept parameters" in (result.output)


def test_plot_folder_takes_names_as_strings_and_writes_each_format_once(
    folders: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "run"
    shutil.copytree(folders["run"], folder)
    assert plot_folder(folder, only="survival", formats="svg") == ["figures/survival.svg"]
    result = invoke("plot", str(folder), "--only", "survival", "--format", "png,png")
    assert result.exit_code == 0 and result.output.count("wrote ") == 1


def test_older_tournament_manifests_keep_the_player_order(
    folders: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "tournament"
    shutil.copytree(folders["tournament"], folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    resolved = manifest["scenario"]["resolved"]
    manifest["scenario"]["resolved"] = json.loads(json.dumps(resolved, sort_keys=True))
    (folder / "manifest.json").write_text(json.dumps(manifest))
    _, tables = read_folder(folder)
    assert tables.scenario.players == ("US", "CN")  # type: ignore[union-attr]
