"""The ``escalate`` app: the typer object and its root options (``--version``). The
commands are registered on it by :mod:`sim.cli`."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(
    name="escalate",
    help="Game-theoretic escalation simulator of the US-China trade conflict.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


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
