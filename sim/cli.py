"""The ``escalate`` command line. It parses options, calls one library function, and exits.

Exit codes: 0 success; 1 the run failed; 2 bad input (file, option or value). Errors name
the file, the place in it and what was expected; tracebacks only with ``--debug``.
Heavy imports (numpy, pandas, matplotlib) happen inside the commands that need them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from sim.cli_progress import progress, status
from sim.intervals import span, text

app = typer.Typer(
    name="escalate",
    help="Game-theoretic escalation simulator of the US-China trade conflict.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")]
T = TypeVar("T")


class BadInput(Exception):
    """An option or value the user must fix (exit code 2)."""


def _err(text: str) -> None:
    typer.echo(text, err=True)


@contextmanager
def _handled(debug: bool) -> Iterator[None]:
    """Turn library errors into messages and exit codes."""
    from sim.errors import SimError

    try:
        yield
    except typer.Exit:
        raise
    except (SimError, BadInput) as exc:
        if debug:
            raise
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        _err("interrupted")
        raise typer.Exit(130) from None
    except BrokenPipeError:  # the reader went away (``escalate ... | head``): stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(141) from None
    except Exception as exc:
        if debug:
            raise
        _err(
            f"error: the run failed: {type(exc).__name__}: {exc}\n"
            "(run again with --debug for the traceback)"
        )
        raise typer.Exit(1) from None


def _parse_sets(items: list[str]) -> dict[str, Any]:
    """``PATH=VALUE`` pairs; VALUE is read as a TOML value (0.5, true, [1, 2], "x"), and as a
    bare string when it is not one (``--set players.US.strategy=tit_for_tat``)."""
    from sim.strategies.registry import parse_value

    changes: dict[str, Any] = {}
    for item in items:
        path, sep, raw = item.partition("=")
        if not sep or not path.strip():
            raise BadInput(f"--set {item!r}: expected PATH=VALUE, e.g. noise.execution=0.02")
        changes[path.strip()] = parse_value(raw)
    return changes


def _load(path: Path, set_: list[str] | None) -> Any:
    """The scenario file at ``path`` with the ``--set`` changes applied."""
    from sim.scenario import load_scenario

    sc = load_scenario(str(path))
    return sc.replace(_parse_sets(set_)) if set_ else sc


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (TOML).", metavar="SCENARIO")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", metavar="DIR", help="Results folder (default: results/<scenario name>)."
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, metavar="N", help="Seed (default: the scenario's).")
    ] = None,
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
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, metavar="N", help="Processes (default: all cores). Results do not depend on it."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing folder.")] = False,
    figures: Annotated[bool, typer.Option(help="Draw the figures.")] = True,
    debug: DebugOpt = False,
) -> None:
    """Simulate many matches of SCENARIO and write tables, a summary and figures."""
    with _handled(debug):
        import datetime as dt

        from sim.report.files import check_output, write_run
        from sim.simulation import simulate

        started = dt.datetime.now(dt.UTC)
        sc = _load(scenario, set_)
        target = out if out is not None else Path("results") / sc.name
        check_output(target, force=force)  # before simulating, not after
        update, stop = progress(f"{sc.name}")
        try:
            res = simulate(
                sc, matches=matches, seed=seed, rounds=rounds, workers=workers, progress=update
            )
        finally:
            stop()
        write_run(
            res,
            target,
            force=force,
            command=["escalate", *sys.argv[1:]],
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


@app.command()
def validate(
    scenarios: Annotated[
        list[Path], typer.Argument(help="Scenario files.", metavar="SCENARIO...")
    ],
    debug: DebugOpt = False,
) -> None:
    """Check scenario files (and their [sweep] tables) and report every problem with its
    location."""
    with _handled(debug):
        from sim.errors import ScenarioError
        from sim.scenario import load_scenario

        bad = 0
        for path in scenarios:
            try:
                sc = load_scenario(str(path))
                if sc.data.sweep is not None:  # its grid and metrics, as `sweep` would
                    from sim.sweeping import sweep_plan

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
                _err(f"error: {exc}")
            else:
                typer.echo(f"ok: {path} ({sc.name})")
        if bad:
            raise typer.Exit(2)


@app.command()
def strategies(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    debug: DebugOpt = False,
) -> None:
    """List every registered strategy with its parameters, defaults and declared facts."""
    with _handled(debug):
        import json

        from sim.strategies import describe, names

        rows = [describe(n) for n in names()]
        if as_json:
            typer.echo(json.dumps(rows, indent=1, default=str))
            return
        typer.echo("Strategies (facts are those at the default parameters):\n")
        for row in rows:
            facts = ", ".join(f"{k}={v}" for k, v in row["facts"].items())
            typer.echo(f"{row['name']}: {row['summary']}")
            typer.echo(f"    facts: {facts}")
            for p in row["params"]:
                typer.echo(f"    {p['name']}: {p['type']} = {p['default']!r}  {p['doc']}")


@app.command()
def equilibria(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (TOML).", metavar="SCENARIO")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    round_: Annotated[
        int,
        typer.Option(
            "--round", min=0, metavar="N", help="Analyse the game of round N (decoupling)."
        ),
    ] = 0,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Also write a results folder: the report, every cell, the equilibria, figures.",
        ),
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            metavar="NAME",
            help="auto, pure, vertex (every extreme equilibrium) or lemke-howson (one).",
        ),
    ] = "auto",
    exact: Annotated[
        bool,
        typer.Option("--exact", help="Compute the mixed equilibria in exact rationals."),
    ] = False,
    time_limit: Annotated[
        float,
        typer.Option(
            min=0.1, max=86_400.0, metavar="SECONDS", help="Time limit of the mixed solvers."
        ),
    ] = 30.0,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", metavar="PATH=VALUE", help="Change a scenario value (repeatable)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing folder.")] = False,
    figures: Annotated[bool, typer.Option(help="Draw the figures (with --out).")] = True,
    debug: DebugOpt = False,
) -> None:
    """Payoff matrices, Nash equilibria, class and critical discount factors of the stage game."""
    with _handled(debug):
        import datetime as dt

        from sim.analysis.equilibria import ALIASES, METHODS
        from sim.analysis.stage import stage_game
        from sim.report.files import check_output
        from sim.report.stage_doc import INLINE_CELLS, stage_report
        from sim.report.stage_out import (
            default_matrices_file,
            render_text,
            write_csv_atomically,
            write_stage,
        )

        if method not in METHODS and method not in ALIASES:
            raise BadInput(f"--method {method!r}: expected one of {', '.join(METHODS)}")
        started = dt.datetime.now(dt.UTC)
        sc = _load(scenario, set_)
        if out is not None:
            check_output(out, force=force)  # before solving, not after
        stage = stage_game(sc, round=round_)
        with status(f"solving the {stage.shape[0]} x {stage.shape[1]} stage game"):
            eqs = stage.equilibria(method=method, time_limit=time_limit, exact=exact)
        matrices_file = None
        if out is not None:
            matrices_file = str(Path(out) / "payoffs.csv")
        elif stage.shape[0] * stage.shape[1] > INLINE_CELLS:
            path = default_matrices_file(stage)
            try:
                write_csv_atomically(stage.table(), path)
                matrices_file = str(path)
            except OSError as exc:  # a read-only folder: the report still prints
                _err(f"warning: could not write every cell to {path}: {exc}")
        report = stage_report(stage, eqs, scenario=sc, matrices_file=matrices_file)
        if as_json:
            typer.echo(report.model_dump_json(by_alias=True, indent=1))
        else:
            typer.echo(render_text(report))
        if out is not None:
            write_stage(
                stage,
                eqs,
                out,
                scenario=sc,
                force=force,
                figures=figures,
                command=["escalate", *sys.argv[1:]],
                started=started,
            )
            _err(f"wrote {out}/")


@app.command()
def schema(debug: DebugOpt = False) -> None:
    """Print the JSON Schema of scenario files."""
    with _handled(debug):
        import json

        from sim.scenario.schema import ScenarioFile

        typer.echo(json.dumps(ScenarioFile.model_json_schema(), indent=1))


def _version(value: bool) -> None:
    if value:
        from sim._version import __version__

        typer.echo(f"escalation-sim {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Game-theoretic escalation simulator of the US-China trade conflict."""


def main() -> None:
    """Entry point of the ``escalate`` console script."""
    app()


# The population commands (tournament, evolve), the sweep and plot live in their own modules and
# register themselves on ``app``; importing them here makes them part of every use of this
# module.
import sim.cli_fit  # noqa: E402
import sim.cli_plot  # noqa: E402
import sim.cli_population  # noqa: E402
import sim.cli_sweep  # noqa: E402, F401
