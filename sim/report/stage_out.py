"""The stage-game report out: as text for the terminal, and as a results folder
(``escalate equilibria --out DIR``, and the stage-game part of ``escalate run``)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sim.report.files import (
    FLOAT,
    command_manifest,
    dump_json,
    write_atomically,
    write_file_atomically,
)
from sim.report.stage_doc import SHOWN, StageReport, stage_report

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd
    from matplotlib.figure import Figure

    from sim.analysis.equilibria import EquilibriumSet
    from sim.analysis.stage import StageGame
    from sim.report.stage_doc import Played
    from sim.run.scenario import Scenario

#: The stage-game figures and the functions that draw them.
FIGURES = ("payoffs", "feasible")


def _num(x: float | None) -> str:
    return "none" if x is None else f"{x:.4g}"


def _strategy(played: list[Played]) -> str:
    if len(played) == 1:
        return played[0].levels
    parts = [f"{p.levels} ({p.exact or f'{p.probability:.4g}'})" for p in played[:SHOWN]]
    more = f" and {len(played) - SHOWN} more" if len(played) > SHOWN else ""
    return "; ".join(parts) + more


def _matrix_lines(report: StageReport) -> list[str]:
    p0, p1 = report.players
    m = report.matrices
    if m.payoffs is None:
        lines = [
            f"Payoffs: {m.shape[0]} x {m.shape[1]} profiles, too many to print. "
            f"{p0} from {m.min[p0]:.4g} to {m.max[p0]:.4g}, "
            f"{p1} from {m.min[p1]:.4g} to {m.max[p1]:.4g} per round."
        ]
        lines.append(
            f"  Every cell: {m.file}"
            if m.file
            else "  Pass --out DIR for every cell in DIR/payoffs.csv."
        )
        return lines
    a, b = m.payoffs[p0], m.payoffs[p1]
    rows, cols = report.profiles[p0], report.profiles[p1]
    cells = [[f"{a[i][j]:.4g}, {b[i][j]:.4g}" for j in range(len(cols))] for i in range(len(rows))]
    head = [f"{p0} \\ {p1}", *cols]
    body = [[rows[i], *cells[i]] for i in range(len(rows))]
    width = [max(len(r[k]) for r in [head, *body]) for k in range(len(head))]
    fmt = "  " + "  ".join(f"{{:<{w}}}" if k == 0 else f"{{:>{w}}}" for k, w in enumerate(width))
    return [f"Payoffs ({p0}, {p1}) per round:", *(fmt.format(*r) for r in [head, *body])]


def render_text(report: StageReport) -> str:
    """The report as the text ``escalate equilibria`` prints."""
    p0, p1 = report.players
    when = f"round {report.round}" + (f" ({report.date})" if report.date else "")
    n0, n1 = report.matrices.shape
    out = [f"{report.scenario}: the stage game in {when}, {n0} x {n1} level profiles"]
    for p in (p0, p1):
        out.append(f"  {p} profiles: {' | '.join(report.instruments[p])}")
    if report.decouples:
        out.append("  Decoupling changes this game over time; --round N analyses round N.")
    out += _matrix_lines(report)
    eq = report.equilibria
    out.append(
        f"Nash equilibria: {eq.count} ({eq.pure_count} pure); complete: "
        f"{'yes' if eq.complete else 'no'}"
        f"{'; exact rationals' if eq.exact and eq.count > eq.pure_count else ''}"
        f"{'; degenerate game' if eq.degenerate else ''}; {eq.seconds:.2g} s"
    )
    out.append(f"  method: {eq.description}")
    out += [f"  note: {n}" for n in eq.notes]
    for sub in eq.subsets:  # numbered from 1 as printed below
        out.append(
            "  a convex set of equilibria: any mix of the row strategies of #"
            + ", #".join(str(k + 1) for k in sub)
            + " against any mix of their column strategies"
        )
    for k, e in enumerate(eq.equilibria, 1):
        pay = ", ".join(f"{p} {v:.4g}" for p, v in e.payoffs.items())
        out.append(f"  #{k} {'pure' if e.pure else 'mixed'}: payoffs {pay}")
        for p in (p0, p1):
            out.append(f"      {p}: {_strategy(e.strategies[p])}")
    cls = report.classification
    sides = "; ".join(
        f"{p} {s.class_} (R {s.R:.4g}, S {s.S:.4g}, T {s.T:.4g}, P {s.P:.4g})"
        for p, s in cls.by_player.items()
    )
    out.append(f"Restrain versus escalate: {cls.class_}. {sides}")
    cd = report.critical_discount
    out.append(
        f"Critical discount factors of the reduction: grim trigger {_num(cd.grim_trigger)}, "
        f"tit-for-tat {_num(cd.tit_for_tat)} (none: no discount factor below 1 will do)."
    )
    verdicts = []
    for key, name in (("grim_trigger", "grim trigger"), ("tit_for_tat", "tit-for-tat")):
        threshold = getattr(cd, key)
        if threshold is None:
            verdicts.append(f"{name} cannot sustain restraint")
        else:
            sign = ">=" if cd.sustains[key] else "<"
            verb = "sustains" if cd.sustains[key] else "does not sustain"
            verdicts.append(f"{name} {verb} restraint (delta {sign} {threshold:.4g})")
    out.append(f"  With the scenario's delta = {cd.scenario_discount:.6g}: " + "; ".join(verdicts))
    if cd.grim_trigger is not None and not cd.grim_subgame_perfect:
        out.append(
            "  Grim trigger's threat is not credible here: escalating for ever is not an "
            "equilibrium of the reduction (S > P), so its threshold is Nash, not perfect."
        )
    mm = report.minmax
    out.append(
        "Minmax values: "
        + "; ".join(f"{p} pure {mm.pure[p]:.4g}, mixed {mm.mixed[p]:.4g}" for p in (p0, p1))
    )
    fe = report.feasible
    out.append(
        f"Feasible payoffs: a hull of {len(fe.vertices)} vertices; its individually rational "
        f"part has {len(fe.individually_rational)}"
        + ("" if fe.individually_rational else " (empty)")
        + f"; both at baseline give ({fe.cooperative[0]:.4g}, {fe.cooperative[1]:.4g})"
    )
    return "\n".join(out)


def equilibria_table(stage: StageGame, eqs: EquilibriumSet) -> pd.DataFrame:
    """Tidy table of the equilibria: one row per equilibrium, player and profile played."""
    import pandas as pd

    rows = []
    for k, e in enumerate(eqs, 1):
        for p, probs in enumerate((e.row, e.col)):
            labels = stage.labels(p)
            for i in e.support(p):
                rows.append(
                    {
                        "equilibrium": k,
                        "pure": e.pure,
                        "player": stage.players[p],
                        "profile": int(i),
                        "levels": labels[i],
                        "probability": float(probs[i]),
                        "exact": None if e.exact is None else e.exact[p][i],
                        "payoff": e.payoffs[p],
                    }
                )
    return pd.DataFrame(rows)


def write_csv_atomically(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path`` through a temporary file and a rename."""
    write_file_atomically(path, lambda tmp: frame.to_csv(tmp, index=False, float_format=FLOAT))


def default_matrices_file(stage: StageGame) -> Path:
    """Where ``escalate equilibria`` without ``--out`` puts the cells of a game too large to
    print: ``results/<scenario>-stage-round<N>.csv``. It is recomputed from the scenario
    each time, so it is replaced."""
    return Path("results") / f"{stage.name}-stage-round{stage.round}.csv"


def fill_stage(
    tmp: Path,
    stage: StageGame,
    eqs: EquilibriumSet,
    *,
    scenario: Scenario | None,
    figures: tuple[str, ...] = FIGURES,
) -> list[str]:
    """Write ``stage_game.json``, ``payoffs.csv``, ``equilibria.csv`` and the figures into
    the folder ``tmp``; return the file names written."""
    files = ["stage_game.json", "payoffs.csv", "equilibria.csv"]
    report = stage_report(stage, eqs, scenario=scenario, matrices_file="payoffs.csv")
    (tmp / "stage_game.json").write_text(report.model_dump_json(by_alias=True, indent=1) + "\n")
    stage.table().to_csv(tmp / "payoffs.csv", index=False, float_format=FLOAT)
    equilibria_table(stage, eqs).to_csv(tmp / "equilibria.csv", index=False, float_format=FLOAT)
    if figures:
        from sim.report.figures import save_figure
        from sim.report.stage_plot import feasible_figure, payoffs_figure

        draw: dict[str, Callable[..., Figure]] = {
            "payoffs": payoffs_figure,
            "feasible": feasible_figure,
        }
        (tmp / "figures").mkdir(exist_ok=True)
        for name in figures:
            fig = draw[name](stage, eqs)
            files += save_figure(fig, tmp / "figures" / name, stage)
    return files


def write_stage(
    stage: StageGame,
    eqs: EquilibriumSet,
    out: Path | str,
    *,
    scenario: Scenario | None = None,
    force: bool = False,
    figures: bool = True,
    command: list[str] | None = None,
    started: dt.datetime | None = None,
) -> Path:
    """Write the results folder of ``escalate equilibria --out DIR`` atomically:
    ``manifest.json``, ``stage_game.json``, ``payoffs.csv`` (every cell),
    ``equilibria.csv`` and ``figures/payoffs|feasible.pdf|png``."""
    out = Path(out)
    started = started or dt.datetime.now(dt.UTC)

    def fill(tmp: Path) -> None:
        files = fill_stage(tmp, stage, eqs, scenario=scenario, figures=FIGURES if figures else ())
        fields = {
            "scenario": {
                "name": stage.name,
                "source": None if scenario is None else scenario.source,
                "sha256": stage.scenario_sha256,
                "changes": [] if scenario is None else list(scenario.changes),
            },
            "round": stage.round,
        }
        line = list(sys.argv) if command is None else command
        manifest = command_manifest(line, started, ["manifest.json", *files], fields)
        (tmp / "manifest.json").write_text(dump_json(manifest))

    write_atomically(out, fill, force=force)
    return out
