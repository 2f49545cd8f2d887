"""What every command shares: the option types, loading a scenario with ``--set`` changes,
and the error handling that turns library errors into messages and exit codes.

Exit codes: 0 success; 1 the run failed; 2 bad input (file, option or value). Errors name
the file, the place in it and what was expected; tracebacks only with ``--debug``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")]
ScenarioArg = Annotated[Path, typer.Argument(help="Scenario file (TOML).", metavar="SCENARIO")]
SeedOpt = Annotated[
    int | None, typer.Option(min=0, metavar="N", help="Seed (default: the scenario's).")
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", metavar="PATH=VALUE", help="Change a scenario value (repeatable)."),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        min=1, metavar="N", help="Processes (default: all cores). Results do not depend on it."
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing folder.")]
FiguresOpt = Annotated[bool, typer.Option(help="Draw the figures.")]


def out_option(help: str) -> Any:
    """The ``--out DIR`` option (``-o``) with a command's own help: use as
    ``out: Annotated[Path | None, out_option("...")] = None``."""
    return typer.Option("--out", "-o", metavar="DIR", help=help)


def output_folder(out: Path | None, default: str, *, force: bool) -> Path:
    """The results folder (``out``, else ``results/<default>``), checked before any work so
    that a refused folder costs nothing (:func:`sim.report.files.check_output`)."""
    from sim.report.files import check_output

    target = out if out is not None else Path("results") / default
    check_output(target, force=force)
    return target


def command_line() -> list[str]:
    """The command as typed, for the manifest."""
    return ["escalate", *sys.argv[1:]]


class BadInput(Exception):
    """An option or value the user must fix (exit code 2)."""


def err(text: str) -> None:
    """Print ``text`` to standard error."""
    typer.echo(text, err=True)


@contextmanager
def handled(debug: bool) -> Iterator[None]:
    """Turn library errors into messages and exit codes."""
    from sim.errors import SimError

    try:
        yield
    except typer.Exit:
        raise
    except (SimError, BadInput) as exc:
        if debug:
            raise
        err(f"error: {exc}")
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        err("interrupted")
        raise typer.Exit(130) from None
    except BrokenPipeError:  # the reader went away (``escalate ... | head``): stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(141) from None
    except Exception as exc:
        if debug:
            raise
        err(
            f"error: the run failed: {type(exc).__name__}: {exc}\n"
            "(run again with --debug for the traceback)"
        )
        raise typer.Exit(1) from None


def parse_sets(items: list[str]) -> dict[str, Any]:
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


def load_scenario_with(path: Path, set_: list[str] | None) -> Any:
    """The scenario file at ``path`` with the ``--set`` changes applied."""
    from sim.run.scenario import load_scenario

    sc = load_scenario(str(path))
    return sc.replace(parse_sets(set_)) if set_ else sc
