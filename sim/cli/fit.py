"""``escalate fit``: fit the scenario's hypotheses to its replayed record. It parses options
and calls one library function."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sim.cli.common import (
    DebugOpt,
    FiguresOpt,
    ForceOpt,
    ScenarioArg,
    SeedOpt,
    SetOpt,
    command_line,
    handled,
    load_scenario_with,
    out_option,
    output_folder,
)
from sim.cli.progress import tracked
from sim.stats.intervals import span, text


def fit(
    scenario: ScenarioArg,
    out: Annotated[
        Path | None, out_option("Results folder (default: results/<name>-fit).")
    ] = None,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    force: ForceOpt = False,
    figures: FiguresOpt = True,
    debug: DebugOpt = False,
) -> None:
    """Fit SCENARIO's hypotheses to its replayed record: estimates with 95% intervals, a
    ranking by AIC and BIC, and an out-of-sample test (with fit.train_until)."""
    with handled(debug):
        import datetime as dt

        from sim.analysis.fit import fit as run_fit
        from sim.report.fit_files import write_fit

        started = dt.datetime.now(dt.UTC)
        sc = load_scenario_with(scenario, set_)
        target = output_folder(out, f"{sc.name}-fit", force=force)
        with tracked(f"{sc.name} fit") as update:
            res = run_fit(sc, seed=seed, progress=update)
        write_fit(
            res,
            target,
            force=force,
            command=command_line(),
            started=started,
            figures=figures,
        )
        _print(res)
        typer.echo(f"wrote {target}/ (fitted in {res.info['seconds']:.1f} s)")


def _print(res: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=110)
    comp = res.comparison()
    table = Table(title=f"{res.scenario.name}: hypotheses ranked by AIC", title_justify="left")
    for col in ("player", "rank", "hypothesis", "k", "log-lik", "AIC", "ΔAIC", "BIC", "noise"):
        table.add_column(col, justify="left" if col in ("player", "hypothesis") else "right")
    for row in comp.itertuples():
        table.add_row(
            row.player,
            str(row.rank),
            row.hypothesis,
            str(row.k),
            text(row.loglik, 6),
            text(row.aic, 6),
            text(row.delta_aic, 4),
            text(row.bic, 6),
            f"{row.noise} {text(row.noise_estimate, 3)}",
        )
    console.print(table)
    est = Table(
        title="estimates of each player's own strategy (95% profile likelihood)",
        title_justify="left",
    )
    for col in ("player", "parameter", "estimate", "95% CI", "identified"):
        est.add_column(col, justify="right" if col in ("estimate", "95% CI") else "left")
    for pf in res.players:
        for e in pf.own.estimates:
            est.add_row(pf.player, e.name, text(e.estimate), span(e.low, e.high), e.identified)
    console.print(est)
    oos = res.out_of_sample()
    if not oos.empty:
        cfg = res.config
        cal = res.scenario.plan.calendar
        first = cal.date_of(cfg.train_rounds) if cal is not None else cfg.train_rounds
        t = Table(
            title=f"out of sample: one-step-ahead predictions from {first}", title_justify="left"
        )
        for col in ("player", "predictor", "log pred. density", "per move", "Brier", "moves"):
            t.add_column(col, justify="left" if col in ("player", "predictor") else "right")
        for row in oos.itertuples():
            t.add_row(
                row.player,
                row.label,
                text(row.lpd, 5),
                text(row.lpd_per_move, 4),
                text(row.brier, 3),
                f"{row.moves}/{row.observations}",
            )
        console.print(t)
