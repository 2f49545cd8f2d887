"""``escalate strategies`` and ``escalate schema``: what the registry holds and what a
scenario file may say."""

from __future__ import annotations

from typing import Annotated

import typer

from sim.cli.common import DebugOpt, handled


def strategies(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    debug: DebugOpt = False,
) -> None:
    """List every registered strategy with its parameters, defaults and declared facts."""
    with handled(debug):
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


def schema(debug: DebugOpt = False) -> None:
    """Print the JSON Schema of scenario files."""
    with handled(debug):
        import json

        from sim.scenario.schema import ScenarioFile

        typer.echo(json.dumps(ScenarioFile.model_json_schema(), indent=1))
