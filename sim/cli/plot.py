"""``escalate plot``: redraw the figures of a results folder from its tables, without
simulating again."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import BadInput, DebugOpt, handled


def _names(text: str | None, option: str) -> list[str] | None:
    if text is None:
        return None
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise BadInput(f"{option} {text!r}: expected a comma-separated list of names")
    return names


def plot(
    results: Annotated[
        Path,
        typer.Argument(
            help="A results folder of run, tournament, evolve, sweep or equilibria.",
            metavar="RESULTS_DIR",
        ),
    ],
    only: Annotated[
        str | None,
        typer.Option(
            metavar="NAME,...", help="Only these figures, e.g. timeline,survival (default: all)."
        ),
    ] = None,
    format_: Annotated[
        str,
        typer.Option("--format", metavar="FORMAT,...", help="Any of pdf, png and svg."),
    ] = "pdf,png",
    width: Annotated[
        str,
        typer.Option(metavar="one|two", help="One column (3.5 in) or two columns (7 in)."),
    ] = "two",
    debug: DebugOpt = False,
) -> None:
    """Redraw every figure of a results folder from its tables into its figures/ folder."""
    from sim.cli.progress import status

    with handled(debug):
        from sim.report.figures import FORMATS
        from sim.report.replot import plot_folder

        if width not in ("one", "two"):
            raise BadInput(f"--width {width!r}: expected one or two")
        formats = _names(format_, "--format") or []
        for fmt in formats:
            if fmt not in FORMATS:
                raise BadInput(f"--format {fmt!r}: expected any of {', '.join(FORMATS)}")
        with status("drawing figures"):
            written = plot_folder(results, _names(only, "--only"), formats, width)
        for name in written:
            typer.echo(f"wrote {results / name}")
        if not written:
            from sim.report.replot import folder_figures

            _, missing = folder_figures(results)
            why = "; ".join(f"{name}: {reason}" for name, reason in missing.items())
            typer.echo(f"no figures to draw{': ' + why if why else ''}", err=True)
