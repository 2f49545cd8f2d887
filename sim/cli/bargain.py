"""``escalate bargain``: the truce terms a scenario's ``[bargaining]`` strikes from the levels
in force, against the record, and along a varied parameter; it parses options and calls one
library function."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import (
    BadInput,
    DebugOpt,
    FiguresOpt,
    ForceOpt,
    ScenarioArg,
    SetOpt,
    command_line,
    err,
    handled,
    load_scenario_with,
    out_option,
)


def bargain(
    scenario: ScenarioArg,
    round_: Annotated[
        int | None,
        typer.Option(
            "--round",
            min=0,
            metavar="N",
            help="Negotiate in round N (default: the record's round, else 0).",
        ),
    ] = None,
    vary: Annotated[
        str | None,
        typer.Option(
            metavar="PATH=V1,V2,...",
            help="Bargain again with the value at PATH set to each value (or START:STOP:COUNT).",
        ),
    ] = None,
    scale: Annotated[
        str | None,
        typer.Option(
            metavar="PATH=F1,F2,...",
            help="Bargain again with the number or list at PATH multiplied by each factor.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    out: Annotated[
        Path | None,
        out_option("Also write a results folder: the report, every outcome, figures."),
    ] = None,
    set_: SetOpt = None,
    force: ForceOpt = False,
    figures: FiguresOpt = True,
    debug: DebugOpt = False,
) -> None:
    """Truce terms from the bargaining solution of [bargaining]: each side's threat, the deal,
    the record's terms, and how the terms move with a parameter."""
    with handled(debug):
        import datetime as dt

        from sim.analysis.bargaining import negotiate
        from sim.analysis.bargaining import vary as vary_terms
        from sim.analysis.grid import parse_values
        from sim.report.bargain_out import document, render_text, write_bargain
        from sim.report.files import check_output, dump_json

        if vary is not None and scale is not None:
            raise BadInput("give --vary or --scale, not both")
        started = dt.datetime.now(dt.UTC)
        sc = load_scenario_with(scenario, set_)
        if out is not None:
            check_output(out, force=force)
        n = negotiate(sc, round=round_)
        varied, label = None, ""
        spec = vary if vary is not None else scale
        if spec is not None:
            option = "--vary" if vary is not None else "--scale"
            path, sep, text = spec.partition("=")
            path = path.strip()
            if not sep or not path:
                raise BadInput(
                    f"{option} {spec!r}: expected PATH=V1,V2,... or PATH=START:STOP:COUNT"
                )
            try:
                values = parse_values(text)
            except ValueError as exc:
                raise BadInput(f"{option} {path}: {exc}") from None
            if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
                raise BadInput(f"{option} {path}: expected numbers, got {values}")
            label = f"{path} x factor" if scale is not None else path
            varied = vary_terms(sc, path, values, scale=scale is not None, round=n.round)
        if as_json:
            typer.echo(dump_json(document(n, varied, label)))
        else:
            typer.echo(render_text(n, varied, label))
        if out is not None:
            write_bargain(
                n,
                out,
                varied=varied,
                label=label,
                force=force,
                figures=figures,
                command=command_line(),
                started=started,
            )
            err(f"wrote {out}/")
