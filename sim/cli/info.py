"""``escalate strategies`` and ``escalate schema``: what the registry holds and what a
scenario file may say."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import DebugOpt, handled, load_scenario_with


def strategies(
    scenario: Annotated[
        Path | None,
        typer.Argument(
            help="A scenario file: list the strategies it defines in [strategies].",
            metavar="[SCENARIO]",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    debug: DebugOpt = False,
) -> None:
    """List every registered strategy with its parameters, defaults and declared facts, or
    with SCENARIO the strategies that file defines."""
    with handled(debug):
        import json

        from sim.strategies import describe, names

        if scenario is not None:
            sc = load_scenario_with(scenario, None)
            rows = [describe(n, sc.defined) for n in sc.defined]
            title = f"Strategies defined in {scenario} (facts at their parameters):\n"
        else:
            rows = [describe(n) for n in names()]
            title = "Strategies (facts are those at the default parameters):\n"
        if as_json:
            typer.echo(json.dumps(rows, indent=1, default=str))
            return
        typer.echo(title)
        if not rows:
            typer.echo("(none: the file has no [strategies] table)")
        for row in rows:
            facts = ", ".join(f"{k}={v}" for k, v in row["facts"].items())
            made = "" if row["kind"] == row["name"] else f" [{row['kind']}]"
            typer.echo(f"{row['name']}{made}: {row['summary']}")
            typer.echo(f"    facts: {facts}")
            if row["kind"] != row["name"]:
                typer.echo(f"    defined in: {row['defined_in']}")
                if row["reference"]:
                    typer.echo(f"    reference: {row['reference']}")
            for p in row["params"]:
                typer.echo(f"    {p['name']}: {p['type']} = {p['default']!r}  {p['doc']}")


def schema(debug: DebugOpt = False) -> None:
    """Print the JSON Schema of scenario files."""
    with handled(debug):
        import json

        from sim.scenario.schema import ScenarioFile

        typer.echo(json.dumps(ScenarioFile.model_json_schema(), indent=1))
