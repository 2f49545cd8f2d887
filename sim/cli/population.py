"""``escalate tournament`` and ``escalate evolve``: strategies against each other, and in an
evolving population. Like every command, they parse options and call one library function."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sim.cli.common import (
    BadInput,
    DebugOpt,
    FiguresOpt,
    ForceOpt,
    ScenarioArg,
    SeedOpt,
    SetOpt,
    WorkersOpt,
    command_line,
    handled,
    load_scenario_with,
    out_option,
    output_folder,
)
from sim.cli.progress import status, tracked
from sim.stats.intervals import span, text

StrategiesOpt = Annotated[
    str | None,
    typer.Option(
        "--strategies",
        "-s",
        metavar="LIST",
        help="Comma-separated strategies [LABEL=]NAME[:KEY=VALUE]..., e.g. "
        "tit_for_tat,half=never_strike_first:ratio=0.5 (default: every strategy that can "
        "play the game).",
    ),
]
AllOpt = Annotated[
    bool, typer.Option("--all", help="Every registered strategy that can play the game.")
]
MatchesOpt = Annotated[
    int | None,
    typer.Option(min=1, metavar="N", help="Matches per ordered pair (default: 100)."),
]


def split_list(text: str) -> list[str]:
    """Split at commas outside brackets and quotes (``a:x=[1, 2],b`` is two items)."""
    from sim.strategies.registry import split_items

    items = split_items(text)
    if any(not item for item in items):
        raise BadInput(f"--strategies {text!r}: an empty item (two commas in a row?)")
    return items


def _chosen(strategies: str | None, every: bool) -> list[str] | str:
    if strategies is not None and every:
        raise BadInput("give --strategies or --all, not both")
    return "all" if strategies is None else split_list(strategies)


def _play(
    sc: Any, strategies: Any, matches: int | None, seed: int | None, workers: int | None
) -> Any:
    """The tournament of a command, with a progress bar on a terminal."""
    from sim.analysis.tournament import tournament as play

    with tracked(f"{sc.name} tournament") as update:
        return play(sc, strategies, matches=matches, seed=seed, workers=workers, progress=update)


def tournament(
    scenario: ScenarioArg,
    strategies: StrategiesOpt = None,
    every: AllOpt = False,
    matches: MatchesOpt = None,
    seed: SeedOpt = None,
    out: Annotated[
        Path | None, out_option("Results folder (default: results/<scenario name>-tournament).")
    ] = None,
    set_: SetOpt = None,
    workers: WorkersOpt = None,
    force: ForceOpt = False,
    figures: FiguresOpt = True,
    debug: DebugOpt = False,
) -> None:
    """Round robin: every ordered pair of strategies (self-play included) on SCENARIO."""
    with handled(debug):
        import datetime as dt

        from sim.report.tournament_out import write_tournament

        started = dt.datetime.now(dt.UTC)
        sc = load_scenario_with(scenario, set_)
        target = output_folder(out, f"{sc.name}-tournament", force=force)
        res = _play(sc, _chosen(strategies, every), matches, seed, workers)
        write_tournament(
            res,
            target,
            force=force,
            figures=figures,
            command=command_line(),
            started=started,
        )
        _print_ranking(res)
        typer.echo(
            f"wrote {target}/ ({res.n} strategies, {res.n * res.n * res.matches:,} matches "
            f"x {sc.rounds} rounds in {res.info['seconds']:.2f} s)"
        )


def _print_ranking(res: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"{res.scenario.name}: {res.matches} matches per ordered pair, seed {res.seed}",
        title_justify="left",
    )
    for col in ("rank", "strategy", "score", "95% CI", "wins", "peace share"):
        table.add_column(col, justify="left" if col == "strategy" else "right")
    for row in res.ranking().itertuples():
        table.add_row(
            str(row.rank),
            row.label,
            text(row.score),
            span(row.ci_low, row.ci_high),
            f"{row.wins}/{row.matches}",
            f"{row.peace_share:.3f}",
        )
    Console(width=110).print(table)


def evolve(
    scenario: ScenarioArg,
    strategies: StrategiesOpt = None,
    every: AllOpt = False,
    method: Annotated[
        str, typer.Option(metavar="NAME", help="replicator or moran.")
    ] = "replicator",
    population: Annotated[
        int, typer.Option(min=2, metavar="N", help="Moran: population size.")
    ] = 50,
    intensity: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            metavar="W",
            help="Moran: intensity of selection (default: 1 / payoff spread for exponential "
            "fitness, 0.1 for linear).",
        ),
    ] = None,
    fitness: Annotated[
        str, typer.Option(metavar="KIND", help="Moran: exponential or linear.")
    ] = "exponential",
    runs: Annotated[int, typer.Option(min=1, metavar="N", help="Moran: runs to fixation.")] = 2000,
    matches: MatchesOpt = None,
    seed: SeedOpt = None,
    out: Annotated[
        Path | None, out_option("Results folder (default: results/<scenario name>-<method>).")
    ] = None,
    set_: SetOpt = None,
    workers: WorkersOpt = None,
    force: ForceOpt = False,
    figures: FiguresOpt = True,
    debug: DebugOpt = False,
) -> None:
    """Replicator dynamics or a Moran process on the payoffs of a tournament on SCENARIO."""
    with handled(debug):
        import datetime as dt

        from sim.analysis.evolution import METHODS, check_population
        from sim.analysis.evolution import evolve as run_evolution
        from sim.analysis.tournament import lineup_of
        from sim.report.tournament_out import write_evolution

        if method not in METHODS:
            raise BadInput(f"--method {method!r}: expected one of {', '.join(METHODS)}")
        if fitness not in ("exponential", "linear"):
            raise BadInput(f"--fitness {fitness!r}: expected exponential or linear")
        started = dt.datetime.now(dt.UTC)
        sc = load_scenario_with(scenario, set_)
        target = output_folder(out, f"{sc.name}-{method}", force=force)
        labels, specs = lineup_of(_chosen(strategies, every), sc)
        check_population(method, population, labels)  # before playing, not after
        played = _play(sc, list(zip(labels, specs, strict=True)), matches, seed, workers)
        work = f"{runs:,} Moran runs, N = {population}" if method == "moran" else "replicator"
        with status(work):
            evo = run_evolution(
                method=method,
                tournament_result=played,
                population=population,
                intensity=intensity,
                fitness=fitness,  # type: ignore[arg-type]  # checked above
                runs=runs,
            )
        write_evolution(
            evo,
            target,
            force=force,
            figures=figures,
            command=command_line(),
            started=started,
        )
        _print_evolution(evo)
        typer.echo(f"wrote {target}/")


def _print_evolution(evo: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"{evo.scenario.name}: {evo.method}, seed {evo.seed}", title_justify="left"
    )
    if evo.method == "replicator":
        final = evo.trajectory().iloc[-1]
        table.add_column("strategy")
        table.add_column(f"share at t = {final['t']:.3g}", justify="right")
        table.add_column("stable rest points", justify="right")
        stable = [p for p in evo.points if p.stable]
        for i, label in enumerate(evo.labels):
            inside = ", ".join(f"{p.shares[i]:.3f}" for p in stable)
            table.add_row(label, f"{final[label]:.3f}", inside)
    else:
        takeover = evo.takeover()
        table.add_column("strategy")
        table.add_column("takeover", justify="right")
        table.add_column("95% CI", justify="right")
        table.add_column("abundance", justify="right")
        for row, share in zip(takeover.itertuples(), evo.abundance, strict=True):
            table.add_row(
                row.strategy,
                text(row.probability, 3),
                span(row.ci_low, row.ci_high, 3),
                f"{share:.3f}",
            )
    Console(width=110).print(table)
    for note in evo.notes:
        typer.echo(f"note: {note}")
