"""Results folders of ``escalate tournament`` and ``escalate evolve``: manifest, tables,
figures, written atomically (:func:`sim.report.files.write_atomically`)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.report.files import (
    FLOAT,
    command_manifest,
    dump_json,
    scenario_document,
    write_atomically,
)
from sim.stats.streams import STREAM_UNIT

if TYPE_CHECKING:
    from sim.analysis.evolution import EvolutionResult
    from sim.analysis.tournament import TournamentResult


def manifest(
    result: Any, command: list[str], started: dt.datetime, files: list[str], **extra: Any
) -> dict[str, Any]:
    """The manifest of a tournament's or an evolution's folder: the scenario (resolved),
    the seed, the strategies with every parameter, the versions and the times."""
    fields = {
        "scenario": scenario_document(result.scenario),
        "seed": result.seed,
        "strategies": {
            label: s.as_dict() for label, s in zip(result.labels, result.specs, strict=True)
        },
        **extra,
        "stream_unit": STREAM_UNIT,
    }
    return command_manifest(command, started, files, fields)


def tournament_summary(result: TournamentResult) -> dict[str, Any]:
    """The headline of a tournament: the ranking with its intervals."""
    sc = result.scenario
    return {
        "scenario": sc.name,
        "scenario_sha256": sc.sha256,
        "seed": result.seed,
        "matches_per_pair": result.matches,
        "rounds": sc.rounds,
        "players": list(sc.players),
        "payoff_unit": sc.data.scenario.payoff_unit,
        "ranking": result.ranking().to_dict("records"),
    }


def evolution_summary(evo: EvolutionResult) -> dict[str, Any]:
    """The headline of an evolution: its parameters and outcome, and the ranking."""
    out = tournament_summary(evo.tournament)
    outcome: dict[str, Any] = {"method": evo.method, "parameters": evo.params, "notes": evo.notes}
    if evo.method == "replicator":
        final = evo.trajectory().iloc[-1]
        outcome["final_shares"] = {label: float(final[label]) for label in evo.labels}
        stable = evo.rest_points()
        outcome["stable_rest_points"] = stable[stable["stable"]].to_dict("records")
    else:
        outcome["takeover"] = evo.takeover().to_dict("records")
        outcome["abundance"] = evo.abundance_table().to_dict("records")
    return {**out, "evolution": outcome}


def fill_tournament(tmp: Path, result: TournamentResult, *, figures: bool = True) -> list[str]:
    """Write ``summary.json``, ``scores.csv``, ``ranking.csv`` and
    ``figures/tournament.pdf|png`` into the folder ``tmp``; return the file names."""
    (tmp / "summary.json").write_text(dump_json(tournament_summary(result)))
    result.scores().to_csv(tmp / "scores.csv", index=False, float_format=FLOAT)
    result.ranking().to_csv(tmp / "ranking.csv", index=False, float_format=FLOAT)
    files = ["summary.json", "scores.csv", "ranking.csv"]
    if figures:
        from sim.report.figures import save_figure
        from sim.report.tournament_plot import tournament_figure

        (tmp / "figures").mkdir(exist_ok=True)
        files += save_figure(tournament_figure(result), tmp / "figures" / "tournament", result)
    return files


def write_tournament(
    result: TournamentResult,
    out: Path | str,
    *,
    force: bool = False,
    figures: bool = True,
    command: list[str] | None = None,
    started: dt.datetime | None = None,
) -> Path:
    """Write the results folder of ``escalate tournament``: ``manifest.json``,
    ``summary.json`` (the ranking), ``scores.csv`` (every ordered pair), ``ranking.csv``
    and ``figures/tournament.pdf|png``; return it."""
    return write_folder(
        out,
        lambda tmp: fill_tournament(tmp, result, figures=figures),
        lambda files, t0: manifest(
            result, _command(command), t0, files, **tournament_facts(result)
        ),
        force=force,
        started=started,
    )


def fill_evolution(tmp: Path, evo: EvolutionResult, *, figures: bool = True) -> list[str]:
    """Write the tables of an evolution (and its tournament's) and
    ``figures/evolution.pdf|png`` into the folder ``tmp``; return the file names."""
    files = fill_tournament(tmp, evo.tournament, figures=False)
    (tmp / "summary.json").write_text(dump_json(evolution_summary(evo)))
    tables = (
        {"trajectory.csv": evo.trajectory(), "rest_points.csv": evo.rest_points()}
        if evo.method == "replicator"
        else {
            "takeover.csv": evo.takeover(),
            "fixation.csv": evo.fixation_table(),
            "abundance.csv": evo.abundance_table(),
        }
    )
    for name, table in tables.items():
        table.to_csv(tmp / name, index=False, float_format=FLOAT)
        files.append(name)
    if figures:
        from sim.report.evolution_plot import evolution_figure
        from sim.report.figures import save_figure

        (tmp / "figures").mkdir(exist_ok=True)
        files += save_figure(evolution_figure(evo), tmp / "figures" / "evolution", evo)
    return files


def write_evolution(
    evo: EvolutionResult,
    out: Path | str,
    *,
    force: bool = False,
    figures: bool = True,
    command: list[str] | None = None,
    started: dt.datetime | None = None,
) -> Path:
    """Write the results folder of ``escalate evolve``: ``manifest.json``,
    ``summary.json`` (parameters, outcome and ranking), the tournament's ``scores.csv``
    and ``ranking.csv``; replicator: ``trajectory.csv`` and
    ``rest_points.csv``; Moran: ``takeover.csv``, ``fixation.csv`` and ``abundance.csv``;
    and ``figures/evolution.pdf|png``. Return it."""
    return write_folder(
        out,
        lambda tmp: fill_evolution(tmp, evo, figures=figures),
        lambda files, t0: manifest(
            evo,
            _command(command),
            t0,
            files,
            method=evo.method,
            parameters=evo.params,
            notes=evo.notes,
            **tournament_facts(evo.tournament),
        ),
        force=force,
        started=started,
    )


def tournament_facts(result: TournamentResult) -> dict[str, Any]:
    """What a manifest says of a tournament run."""
    return {
        "matches_per_pair": result.matches,
        "rounds": result.scenario.rounds,
        "workers": result.info.get("workers"),
        "simulation_seconds": result.info.get("seconds"),
    }


def write_folder(
    out: Path | str,
    fill: Callable[[Path], list[str]],
    describe: Callable[[list[str], dt.datetime], dict[str, Any]],
    *,
    force: bool,
    started: dt.datetime | None,
) -> Path:
    """Fill a folder atomically with ``fill`` and a ``manifest.json`` from ``describe``."""
    out = Path(out)
    t0 = started or dt.datetime.now(dt.UTC)

    def fill_all(tmp: Path) -> None:
        files = ["manifest.json", *fill(tmp)]
        (tmp / "manifest.json").write_text(dump_json(describe(files, t0)))

    write_atomically(out, fill_all, force=force)
    return out


def _command(command: list[str] | None) -> list[str]:
    return list(sys.argv) if command is None else command
