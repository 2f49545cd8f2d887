"""``escalate run`` and ``escalate validate``: simulate a scenario into a results folder,
and check scenario files. Each parses options and calls one library function."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sim.cli.common import (
    DebugOpt,
    FiguresOpt,
    ForceOpt,
    ScenarioArg,
    SeedOpt,
    WorkersOpt,
    command_line,
    err,
    handled,
    load_scenario_with,
    out_option,
    output_folder,
)
from sim.cli.progress import tracked
from sim.stats.intervals import span, text


def run(
    scenario: ScenarioArg,
    out: Annotated[
        Path | None, out_option("Results folder (default: results/<scenario name>).")
    ] = None,
    seed: SeedOpt = None,
    matches: Annotated[
        int | None,
        typer.Option(min=1, metavar="N", help="Number of matches (default: the scenario's)."),
    ] = None,
    rounds: Annotated[
        int | None,
        typer.Option(min=1, metavar="N", help="Rounds per match (default: the scenario's)."),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="PATH=VALUE",
            help="Change a scenario value, e.g. noise.execution=0.02 (repeatable).",
        ),
    ] = None,
    workers: WorkersOpt = None,
    force: ForceOpt = False,
    figures: FiguresOpt = True,
    debug: DebugOpt = False,
) -> None:
    """Simulate many matches of SCENARIO and write tables, a summary and figures."""
    with handled(debug):
        import datetime as dt

        from sim.report.run_out import write_run
        from sim.run.simulation import simulate

        started = dt.datetime.now(dt.UTC)
        sc = load_scenario_with(scenario, set_)
        target = output_folder(out, sc.name, force=force)
        with tracked(f"{sc.name}") as update:
            res = simulate(
                sc, matches=matches, seed=seed, rounds=rounds, workers=workers, progress=update
            )
        write_run(
            res,
            target,
            force=force,
            command=command_line(),
            figures=figures,
            started=started,
        )
        _print_summary(res)
        typer.echo(
            f"wrote {target}/ ({res.matches_count:,} matches x {res.rounds_count} "
            f"rounds in {res.info['seconds']:.1f} s)"
        )


def _print_summary(res: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"{res.scenario.name}: {res.matches_count:,} matches, seed {res.seed}",
        title_justify="left",
    )
    for col in ("metric", "estimate", "95% CI"):
        table.add_column(col, justify="right" if col != "metric" else "left")
    game = res.scenario.game
    rates = {
        f"{game.players[i.owner]}.{i.name}" for i in game.instruments if i.unit in ("pct", "%")
    }
    for name, m in res.metrics().items():
        if name.startswith("level."):
            continue
        if name.startswith("outlook.") and ".".join(name.split(".")[2:4]) not in rates:
            continue  # the table shows the outlook of rates (tariffs); the file has all
        table.add_row(name, text(m["estimate"]), span(m["ci_low"], m["ci_high"]))
    Console(width=100).print(table)


def validate(
    scenarios: Annotated[
        list[Path], typer.Argument(help="Scenario files.", metavar="SCENARIO...")
    ],
    debug: DebugOpt = False,
) -> None:
    """Check scenario files (and their [sweep] tables) and report every problem with its
    location."""
    with handled(debug):
        from sim.errors import ScenarioError
        from sim.run.scenario import load_scenario

        bad = 0
        for path in scenarios:
            try:
                sc = load_scenario(str(path))
                if sc.data.sweep is not None:  # its grid and metrics, as `sweep` would
                    from sim.report.sweeping import sweep_plan

                    spec = sc.data.sweep
                    sweep_plan(
                        sc,
                        spec.grid,
                        spec.metrics or None,
                        source=f"{path} [sweep]",
                        metrics_source=f"{path} [sweep] metrics",
                    )
            except ScenarioError as exc:
                bad += 1
                err(f"error: {exc}")
            else:
                typer.echo(f"ok: {path} ({sc.name})")
        if bad:
            raise typer.Exit(2)
