"""``escalate equilibria``: the stage game of a scenario, its Nash equilibria, class and
critical discount factors; it parses options and calls one library function."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import (
    BadInput,
    DebugOpt,
    ForceOpt,
    ScenarioArg,
    SetOpt,
    command_line,
    err,
    handled,
    load_scenario_with,
    out_option,
)
from sim.cli.progress import status


def equilibria(
    scenario: ScenarioArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    round_: Annotated[
        int,
        typer.Option(
            "--round", min=0, metavar="N", help="Analyse the game of round N (decoupling)."
        ),
    ] = 0,
    out: Annotated[
        Path | None,
        out_option(
            "Also write a results folder: the report, every cell, the equilibria, figures."
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
    two_stage: Annotated[
        bool,
        typer.Option(
            "--two-stage",
            help="Analyse the two-stage game of [bargaining]: choose levels, then bargain "
            "(its equilibria are the subgame-perfect ones).",
        ),
    ] = False,
    set_: SetOpt = None,
    force: ForceOpt = False,
    figures: Annotated[bool, typer.Option(help="Draw the figures (with --out).")] = True,
    debug: DebugOpt = False,
) -> None:
    """Payoff matrices, Nash equilibria, class and critical discount factors of the stage game."""
    with handled(debug):
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
        sc = load_scenario_with(scenario, set_)
        if out is not None:
            check_output(out, force=force)  # before solving, not after
        if two_stage:
            from sim.analysis.bargaining import two_stage_game

            with status("bargaining from every pair of level profiles"):
                stage = two_stage_game(sc, round=round_)
        else:
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
                err(f"warning: could not write every cell to {path}: {exc}")
        report = stage_report(stage, eqs, scenario=sc, matrices_file=matrices_file)
        if as_json:
            typer.echo(report.model_dump_json(by_alias=True, indent=1))
        else:
            typer.echo(render_text(report))
            if two_stage:
                from sim.analysis.bargaining import path_terms

                typer.echo("\nbargained terms on the path of each pure equilibrium:")
                for row in path_terms(sc, stage, round_):
                    pay = ", ".join(f"{k} {v:.4g}" for k, v in row["payoff"].items())
                    what = row["terms"] if row["deal"] else "no deal"
                    typer.echo(f"  levels {row['threat']} -> {what}  (payoffs {pay})")
        if out is not None:
            write_stage(
                stage,
                eqs,
                out,
                scenario=sc,
                force=force,
                figures=figures,
                command=command_line(),
                started=started,
            )
            err(f"wrote {out}/")
