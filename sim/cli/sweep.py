"""``escalate sweep``: a grid of scenario variants with metrics per cell, on local processes
or a Dask cluster, resumable. It parses options and calls :func:`sim.sweep`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sim.cli.common import (
    BadInput,
    DebugOpt,
    command_line,
    err,
    handled,
    load_scenario_with,
    out_option,
)
from sim.cli.progress import progress

GRID_HELP = (
    "A swept scenario path and its values, PATH=V1,V2,... or PATH=START:STOP:COUNT, e.g. "
    "noise.execution=0,0.01,0.02 or players.CN.strategy.ratio=0.5:1.5:11 (repeatable; "
    "default: the --sweep file's grid, else the scenario's [sweep] section)."
)


def sweep(
    scenario: Annotated[
        Path | None,
        typer.Argument(help="Scenario file (TOML).", metavar="SCENARIO", show_default=False),
    ] = None,
    grid: Annotated[
        list[str] | None, typer.Option("--grid", "-g", metavar="PATH=VALUES", help=GRID_HELP)
    ] = None,
    sweep_file: Annotated[
        Path | None,
        typer.Option(
            "--sweep", metavar="FILE", help="A sweep file: a [sweep] table as in a scenario."
        ),
    ] = None,
    metric: Annotated[
        list[str] | None,
        typer.Option(
            "--metric",
            "-m",
            metavar="NAME",
            help="A metric per cell, e.g. truce.p_survive_term or payoff.US.mean "
            "(repeatable; see --list-metrics).",
        ),
    ] = None,
    list_metrics: Annotated[
        bool,
        typer.Option(
            "--list-metrics",
            help="List the metric names (of SCENARIO when given) and exit.",
        ),
    ] = False,
    matches: Annotated[
        int | None,
        typer.Option(min=1, metavar="N", help="Matches per cell (default: the scenario's)."),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(min=0, metavar="N", help="Sweep seed (default: the scenario's)."),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", metavar="PATH=VALUE", help="Change a scenario value in every cell."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            metavar="N",
            help="Local processes, or LocalCluster workers with --scheduler local (default: "
            "all cores). Results do not depend on it.",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            metavar="ADDRESS",
            help="Run on a Dask cluster: tcp://HOST:PORT of a running scheduler, or local to "
            'start a LocalCluster (needs pip install "escalation-sim[distributed]").',
        ),
    ] = None,
    out: Annotated[
        Path | None,
        out_option(
            "Results folder (default: results/<scenario name>-sweep). Finished cells "
            "are kept in DIR.partial until the sweep is done; running the same command "
            "again resumes it."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace an existing folder, or another sweep's unfinished cells."
        ),
    ] = False,
    figures: Annotated[bool, typer.Option(help="Draw the figure.")] = True,
    debug: DebugOpt = False,
) -> None:
    """Run SCENARIO in every cell of a grid of parameter values and write one row of
    metrics, with 95% intervals, per cell."""
    with handled(debug):
        if list_metrics:
            _list_metrics(scenario, set_)
            return
        if scenario is None:
            raise BadInput("missing SCENARIO (a scenario file to sweep)")
        _sweep(
            scenario, grid, sweep_file, metric, matches, seed, set_, workers, scheduler, out,
            force, figures,
        )  # fmt: skip


def _sweep(
    path: Path,
    grid: list[str] | None,
    sweep_file: Path | None,
    metric: list[str] | None,
    matches: int | None,
    seed: int | None,
    set_: list[str] | None,
    workers: int | None,
    scheduler: str | None,
    out: Path | None,
    force: bool,
    figures: bool,
) -> None:
    import datetime as dt

    from sim.analysis.sweep import SweepIncomplete
    from sim.report.sweep_out import partial_folder
    from sim.report.sweeping import sweep_folder, sweep_plan

    started = dt.datetime.now(dt.UTC)
    sc = load_scenario_with(path, set_)
    spec, spec_source = _spec(sc, sweep_file)
    source = spec_source
    if grid:
        from sim.analysis.grid import Grid, parse_option

        axes: dict[str, Any] = {}
        for text in grid:
            key, values = parse_option(text)
            if key in axes:
                raise BadInput(f"--grid {key}: the path is given twice")
            axes[key] = values
        plan_grid: Any = Grid.from_mapping(axes, source="--grid")
        source = "--grid"
    elif spec is not None:
        plan_grid = spec.grid
    else:
        raise BadInput(
            f"no grid: give --grid PATH=VALUES, a --sweep file, or a [sweep] section in {path}"
        )
    names: list[str] | None = None
    metrics_source = "--metric"
    if metric:
        names = metric
    elif spec is not None and spec.metrics:
        names, metrics_source = spec.metrics, f"{spec_source} metrics"
    plan = sweep_plan(
        sc,
        plan_grid,
        names,
        matches=matches if matches is not None else spec.matches if spec else None,
        seed=seed if seed is not None else spec.seed if spec else None,
        source=source,
        metrics_source=metrics_source,
    )
    target = out if out is not None else Path("results") / f"{sc.name}-sweep"
    update, stop = progress(f"{sc.name} sweep", unit="cells")
    try:
        cells = sweep_folder(
            plan,
            target,
            workers=workers,
            scheduler=scheduler,
            force=force,
            figures=figures,
            command=command_line(),
            started=started,
            progress=update,
        )
    except KeyboardInterrupt:
        stop()
        partial = partial_folder(target.absolute())
        saved = len(list((partial / "cells").glob("*.json")))
        err(
            f"interrupted: {saved} of {plan.cells} cells are saved in {partial}/; run the "
            "same command again to finish the others"
        )
        raise typer.Exit(130) from None
    except SweepIncomplete as exc:
        stop()
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    finally:
        stop()
    _print_cells(plan, cells)
    run = cells.attrs["run"]
    resumed = f", {run['resumed_cells']} resumed" if run["resumed_cells"] else ""
    where = "this process" if run["backend"] == "serial" else f"{run['workers']} {run['backend']}"
    typer.echo(
        f"wrote {target}/ ({plan.cells} cells x {plan.matches:,} matches{resumed}; "
        f"{run['seconds']:.1f} s on {where})"
    )


def _spec(sc: Any, sweep_file: Path | None) -> tuple[Any, str]:
    """The sweep table in use and where it came from: the sweep file, else the scenario's
    ``[sweep]`` section (or None)."""
    if sweep_file is not None:
        from sim.scenario import load_sweep_file

        return load_sweep_file(sweep_file), f"{sweep_file} [sweep]"
    return sc.data.sweep, f"{sc.source} [sweep]"


def _print_cells(plan: Any, cells: Any) -> None:
    """Each metric's lowest and highest cell."""
    for name in plan.metrics:
        col = cells[name]
        if col.isna().all():
            typer.echo(f"{name}: undefined in every cell")
            continue
        lo, hi = col.idxmin(), col.idxmax()

        def at(i: int) -> str:
            return ", ".join(f"{p}={cells.at[i, p]}" for p in plan.grid.paths)

        typer.echo(f"{name}: lowest {col[lo]:.4g} at {at(lo)}; highest {col[hi]:.4g} at {at(hi)}")


def _list_metrics(scenario: Path | None, set_: list[str] | None) -> None:
    from sim.analysis.sweep import METRIC_PATTERNS, metric_names, truce_aliases

    if scenario is None:
        typer.echo(
            "Metric names (<player>, <instrument> and <truce> stand for a scenario's names; "
            "give a SCENARIO for its exact names):\n"
        )
        for pattern, text in METRIC_PATTERNS:
            typer.echo(f"  {pattern:52} {text}")
        typer.echo("\n  truce.<suffix> means truce.<first truce>.<suffix>.")
        return

    sc = load_scenario_with(scenario, set_)
    typer.echo(f"Metrics of {sc.name}:\n")
    for name, text in metric_names(sc).items():
        typer.echo(f"  {name:44} {text}")
    aliases = truce_aliases(sc)
    if aliases:
        typer.echo("\nShort names for the first truce:\n")
        for short, full in aliases.items():
            typer.echo(f"  {short:44} {full}")
