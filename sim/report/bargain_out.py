"""What ``escalate bargain`` prints and writes: one negotiation's terms against the levels
in force and the record, and, with a varied parameter, the terms along it."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.report.files import command_manifest, dump_json, scenario_document, write_atomically

if TYPE_CHECKING:
    import pandas as pd

    from sim.analysis.bargaining import Negotiation

FLOAT = "%.6g"


def render_text(n: Negotiation, varied: pd.DataFrame | None = None, label: str = "") -> str:
    """The report as text: the setting, each side's payoffs, the terms per instrument and,
    with ``varied``, the table along the varied value."""
    s = n.summary()
    players = n.game.players
    when = f"round {s['round']}" + (f" ({s['date']})" if s["date"] else "")
    lines = [f"{s['scenario']}: bargaining in {when}, {s['solution']} solution"]
    if not s["deal"]:
        lines.append("no deal: no outcome leaves both sides better off than the levels in force")
    else:
        lines.append(
            f"deal for {s['term']} rounds; {s['frontier_outcomes']} outcomes on the Pareto "
            "frontier"
        )
    lines.append("")
    lines.append(f"{'per round':<24}" + "".join(f"{p:>12}" for p in players))
    for key, name in (
        ("threat_payoff", "levels in force"),
        ("deal_payoff", "under the terms"),
        ("solution_payoff", "at the solution"),
        ("gain", "gain from the deal"),
    ):
        lines.append(f"{name:<24}" + "".join(f"{s[key][p]:>12.4g}" for p in players))
    lines.append("")
    terms = n.terms()
    cols = ["player", "instrument", "in_force", "bargained"]
    if n.record is not None:
        cols += ["record", "rungs_off"]
    lines.append(terms[cols].to_string(index=False))
    if n.record is not None:
        rec_term = "" if n.record_term is None else f"; record term {n.record_term} rounds"
        lines.append(f"\n{n.rungs_off} rungs off the record in all{rec_term}")
    if varied is not None:
        lines.append(f"\nterms as {label} varies:")
        lines.append(varied.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    return "\n".join(lines)


def document(n: Negotiation, varied: pd.DataFrame | None, label: str) -> dict[str, Any]:
    """The report as JSON-ready data (``escalate bargain --json``, ``bargain.json``)."""
    out = n.summary()
    if varied is not None:
        out["varied"] = {"path": label, "rows": varied.to_dict(orient="records")}
    return out


def write_bargain(
    n: Negotiation,
    out: Path | str,
    *,
    varied: pd.DataFrame | None = None,
    label: str = "",
    force: bool = False,
    figures: bool = True,
    command: list[str] | None = None,
    started: dt.datetime | None = None,
) -> Path:
    """Write the results folder of ``escalate bargain --out DIR`` atomically:
    ``manifest.json``, ``bargain.json``, ``terms.csv``, ``outcomes.csv`` (every outcome on
    the table), ``varied.csv`` (with a varied value) and ``figures/bargaining_set`` and
    ``figures/terms`` (with a varied value), PDF and PNG."""
    out = Path(out)
    started = started or dt.datetime.now(dt.UTC)

    def fill(tmp: Path) -> None:
        import pandas as pd

        files = ["bargain.json", "terms.csv", "outcomes.csv"]
        (tmp / "bargain.json").write_text(dump_json(document(n, varied, label)))
        n.terms().to_csv(tmp / "terms.csv", index=False, float_format=FLOAT)
        tab = n.deal.table
        assert tab is not None
        game = n.game
        cols: dict[str, Any] = {"term": tab.term}
        for j, inst in enumerate(game.instruments):
            cols[f"{game.players[inst.owner]}.{inst.name}"] = tab.levels[:, j]
        for p, name in enumerate(game.players):
            cols[f"payoff.{name}"] = tab.payoff[:, p]
            cols[f"surplus.{name}"] = tab.surplus[:, p]
        on = set(n.frontier.outcome.tolist())
        cols["frontier"] = [i in on for i in range(len(tab.term))]
        pd.DataFrame(cols).to_csv(tmp / "outcomes.csv", index=False, float_format=FLOAT)
        if varied is not None:
            varied.to_csv(tmp / "varied.csv", index=False, float_format=FLOAT)
            files.append("varied.csv")
        if figures:
            from sim.report.bargain_plot import bargaining_set_figure, terms_figure
            from sim.report.figures import save_figure

            (tmp / "figures").mkdir()
            sc = n.scenario
            files += save_figure(bargaining_set_figure(n), tmp / "figures" / "bargaining_set", sc)
            if varied is not None:
                fig = terms_figure(varied, n, label)
                files += save_figure(fig, tmp / "figures" / "terms", sc)
        fields = {"scenario": scenario_document(n.scenario), "round": n.round}
        line = list(sys.argv) if command is None else command
        manifest = command_manifest(line, started, ["manifest.json", *files], fields)
        (tmp / "manifest.json").write_text(dump_json(manifest))

    write_atomically(out, fill, force=force)
    return out
