"""The results folder of ``escalate run``: tables, summary, manifest and figures, written
atomically (:func:`sim.report.files.write_atomically`)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from sim.report.files import (
    FLOAT,
    dump_json,
    manifest_document,
    summary_document,
    write_atomically,
)
from sim.run.result import Result


def write_run(
    result: Result,
    out: Path | str,
    *,
    force: bool = False,
    command: list[str] | None = None,
    figures: bool = True,
    started: dt.datetime | None = None,
) -> Path:
    """Write the results folder of ``escalate run`` (DESIGN.md section 4) and return it.

    Contents: ``manifest.json``, ``summary.json``, ``rounds.csv``, ``matches.csv``,
    ``trajectories.csv`` and ``figures/timeline.pdf|png``; with truces or events also
    ``truces.csv``, ``events.csv`` and, when there are spells, ``figures/survival.pdf|png``;
    with ``[bargaining]`` also ``deals.csv``.
    The scenario's ``[report] figures`` chooses the figures; asking for ``payoffs`` or
    ``feasible`` adds the stage game of ``[report] stage_round``: ``stage_game.json``,
    ``payoffs.csv``, ``equilibria.csv`` and those figures.
    """
    out = Path(out)
    started = started or dt.datetime.now(dt.UTC)
    command = list(sys.argv) if command is None else command

    def fill(tmp: Path) -> None:
        files = ["summary.json", "rounds.csv", "matches.csv", "trajectories.csv"]
        (tmp / "summary.json").write_text(dump_json(summary_document(result)))
        result.rounds().to_csv(tmp / "rounds.csv", index=False, float_format=FLOAT)
        result.matches().to_csv(tmp / "matches.csv", index=False, float_format=FLOAT)
        result.trajectories().to_csv(tmp / "trajectories.csv", index=False, float_format=FLOAT)
        truces = result.truces() if result.has_truces else None
        if truces is not None:
            truces.to_csv(tmp / "truces.csv", index=False, float_format=FLOAT)
            result.events().to_csv(tmp / "events.csv", index=False, float_format=FLOAT)
            files += ["truces.csv", "events.csv"]
        if result.bargains:
            result.deals().to_csv(tmp / "deals.csv", index=False, float_format=FLOAT)
            files.append("deals.csv")
        wanted = result.scenario.data.report.figures if figures else []
        if wanted:
            from sim.report.figures import save_figure, timeline_figure

            (tmp / "figures").mkdir()
        if "timeline" in wanted:
            fig = timeline_figure(result)
            files += save_figure(fig, tmp / "figures" / "timeline", result)
        if "survival" in wanted and truces is not None and len(truces):
            from sim.report.survival_plot import truce_survival_figure

            fig = truce_survival_figure(result)
            files += save_figure(fig, tmp / "figures" / "survival", result)
        stage_figures = tuple(f for f in wanted if f in ("payoffs", "feasible"))
        if stage_figures:
            from sim.analysis.stage import stage_game
            from sim.report.stage_out import fill_stage

            sc = result.scenario
            stage = stage_game(sc, round=sc.data.report.stage_round)
            files += fill_stage(tmp, stage, stage.equilibria(), scenario=sc, figures=stage_figures)
        files.insert(0, "manifest.json")
        (tmp / "manifest.json").write_text(
            dump_json(manifest_document(result, command, started, files))
        )

    write_atomically(out, fill, force=force)
    return out
