"""A fit's results folder (``escalate fit``) and its fitted scenario file.

The folder holds ``fit.json`` (everything below, with the configuration), tidy CSV tables
(``comparison.csv``, ``estimates.csv``, ``profiles.csv``, ``out_of_sample.csv``,
``calibration.csv``), ``fitted.toml``, ``manifest.json`` and ``figures/`` (the record
against posterior predictive bands, and the profile likelihoods); it is written atomically.

``fitted.toml`` is the scenario file with each player's own strategy at its estimates and
the estimated noise set in ``[players.X.noise]`` (perception at 0, as fitted), each value
with its 95% interval in a comment, so that ``escalate run fitted.toml`` projects from the
estimates; its ``[uncertainty]`` table holds joint posterior draws of each player's
parameters (:meth:`sim.analysis.fit.FitResult.draws`, also in ``fit.json``), which
``escalate run`` propagates into its bands.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim._version import __version__
from sim.report.files import command_manifest, dump_json, scenario_document, write_atomically

if TYPE_CHECKING:
    from sim.analysis.fit import FitResult

FILES = (
    "fit.json",
    "comparison.csv",
    "estimates.csv",
    "profiles.csv",
    "out_of_sample.csv",
    "calibration.csv",
    "fitted.toml",
    "manifest.json",
)


def fit_document(res: FitResult) -> dict[str, Any]:
    """``fit.json``: the configuration, the comparison, estimates and out-of-sample scores."""
    cfg = res.config
    players = []
    for pc, pf in zip(cfg.players, res.players, strict=True):
        fits = []
        for f in pf.fits:
            corr = f.correlation
            names = [e.name for e in f.estimates]
            fits.append(
                {
                    "hypothesis": f.hypothesis.label,
                    "strategy": f.strategy,
                    "own": f.hypothesis.own,
                    "loglik": f.loglik,
                    "k": f.k,
                    "n": f.n,
                    "aic": f.aic,
                    "bic": f.bic,
                    "impossible_moves": f.impossible,
                    "estimates": {e.name: e.as_dict() for e in f.estimates},
                    "correlation": None
                    if corr is None
                    else {"parameters": names, "matrix": corr.tolist()},
                }
            )
        players.append(
            {
                "player": pf.player,
                "noise": pc.noise,
                "noise_bounds": list(pc.bounds),
                "fixed_noise": {
                    ("execution" if pc.noise == "tremble" else "tremble"): pc.fixed,
                    "perception": 0.0,
                },
                "observations": pf.observations,
                "moves": pf.moves,
                "ranking": [f.hypothesis.label for f in pf.ranking()],
                "hypotheses": fits,
                "out_of_sample": [s.as_dict() for s in pf.scores],
            }
        )
    cal = res.scenario.plan.calendar
    date = (lambda t: str(cal.date_of(t))) if cal is not None else str
    return {
        "scenario": res.scenario.name,
        "scenario_sha256": res.scenario.sha256,
        "rounds": cfg.rounds,
        "record": {"first": date(0), "last": date(cfg.rounds - 1)},
        "train": None
        if cfg.train_rounds is None
        else {
            "rounds": cfg.train_rounds,
            "last": date(cfg.train_rounds - 1),
            "test_first": date(cfg.train_rounds),
        },
        "seed": res.info.get("seed"),
        "seconds": res.info.get("seconds"),
        "players": players,
    }


def fitted_scenario(res: FitResult, source_text: str, draws: int = 50) -> str:
    """The scenario file ``source_text`` with each player's own strategy at its estimates,
    its estimated noise in ``[players.X.noise]`` and an ``[uncertainty]`` table of
    ``draws`` joint posterior draws (see the module doc)."""
    text = _without_uncertainty(source_text)
    sc = res.scenario
    for pc, pf in zip(res.config.players, res.players, strict=True):
        f = pf.own
        table = {"name": f.hypothesis.name, **f.hypothesis.fixed}
        for fr in f.hypothesis.free:
            v = f.point[fr.name]
            table[fr.name] = int(v) if fr.integer else round(v, 6)
        inline = "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in table.items()) + " }"
        notes = "; ".join(
            f"{e.name} {e.estimate:.4g} [{e.low:.4g}, {e.high:.4g}]" for e in f.estimates
        )
        text = _set_strategy(text, pc.name, inline, f"fitted: {notes} (95% profile likelihood)")
        noise = {pc.noise: round(f.noise.estimate, 6), "perception": 0.0}
        text = _set_noise(text, pc.name, noise, f.noise)
    header = (
        f"# Fitted by escalate fit (escalation-sim {__version__}) from {sc.source} on "
        f"{dt.date.today().isoformat()}: each player's own strategy at its maximum-likelihood "
        "estimates,\n# with the 95% profile-likelihood intervals in comments, the estimated "
        "noise in [players.X.noise]\n# (perception 0, as fitted), and [uncertainty]: joint "
        "posterior draws that escalate run\n# propagates into its bands (delete the table "
        "to project from the point estimates alone).\n\n"
    )
    lines = [
        "",
        "# Joint posterior draws of each player's fitted parameters (flat priors within the",
        "# [fit] bounds); match g of a run plays draw g % " + str(draws) + ".",
        "[uncertainty]",
        f'source = "escalate fit of {sc.name} (seed {res.info.get("seed")})"',
        "",
        "[uncertainty.draws]",
    ]
    for path, values in res.draws(draws).items():
        lines.append(f'"{path}" = [{", ".join(_toml(v) for v in values)}]')
    return header + text.rstrip("\n") + "\n" + "\n".join(lines) + "\n"


def _without_uncertainty(text: str) -> str:
    """``text`` without its ``[uncertainty]`` tables (a fitted scenario fitted again)."""
    for name in ("uncertainty.draws", "uncertainty"):
        where = _section(text, name)
        if where is not None:
            head = re.search(rf"^\[{re.escape(name)}\][^\n]*\n", text, flags=re.M)
            assert head is not None
            text = text[: head.start()] + text[where[1] :]
    return text


def _toml(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return f"{v:.1f}"
    return json.dumps(v)


def _section(text: str, name: str) -> tuple[int, int] | None:
    """Start and end offsets of the body of table ``[name]``."""
    m = re.search(rf"^\[{re.escape(name)}\][^\n]*\n", text, flags=re.M)
    if m is None:
        return None
    nxt = re.search(r"^\[", text[m.end() :], flags=re.M)
    return m.end(), m.end() + (nxt.start() if nxt else len(text) - m.end())


def _set_strategy(text: str, player: str, inline: str, note: str) -> str:
    where = _section(text, f"players.{player}")
    if where is not None:
        a, b = where
        body = text[a:b]
        m = re.search(r"^strategy\s*=.*$", body, flags=re.M)
        if m is not None:
            new = f"strategy = {inline}  # {note}"
            return text[:a] + body[: m.start()] + new + body[m.end() :] + text[b:]
    sub = _section(text, f"players.{player}.strategy")
    if sub is None:
        raise ValueError(f"no strategy of player {player} found in the scenario text")
    a, b = sub
    return (
        text[: a - len(f"[players.{player}.strategy]\n")]
        + text[b:]
        + (f"\n[players.{player}]\nstrategy = {inline}  # {note}\n")
    )


def _set_noise(text: str, player: str, values: dict[str, float], est: Any) -> str:
    note = f"  # fitted: {est.estimate:.4g} [{est.low:.4g}, {est.high:.4g}] (95%)"
    body = "".join(f"{k} = {_toml(v)}{note if k == est.name else ''}\n" for k, v in values.items())
    where = _section(text, f"players.{player}.noise")
    if where is not None:
        a, b = where
        kept = [
            line
            for line in text[a:b].splitlines(keepends=True)
            if not any(re.match(rf"\s*{k}\s*=", line) for k in values)
        ]
        return text[:a] + body + "".join(kept) + text[b:]
    return text.rstrip("\n") + f"\n\n[players.{player}.noise]\n{body}"


def write_fit(
    res: FitResult,
    out: Path | str,
    *,
    force: bool = False,
    command: list[str] | None = None,
    started: dt.datetime | None = None,
    draws: int = 50,
    figures: bool = True,
) -> None:
    """Write the fit's folder (see the module doc) atomically; with ``figures``, also
    ``figures/predictive`` and ``figures/profiles`` (PDF and PNG)."""
    started = started or dt.datetime.now(dt.UTC)
    source = Path(res.scenario.source)
    fitted = fitted_scenario(res, source.read_text(encoding="utf-8"), draws)
    doc = fit_document(res)
    doc["posterior_draws"] = res.draws(draws)

    def fill(tmp: Path) -> None:
        (tmp / "fit.json").write_text(dump_json(doc))
        res.comparison().to_csv(tmp / "comparison.csv", index=False)
        res.estimates().to_csv(tmp / "estimates.csv", index=False)
        res.profiles().to_csv(tmp / "profiles.csv", index=False)
        res.out_of_sample().to_csv(tmp / "out_of_sample.csv", index=False)
        res.calibration().to_csv(tmp / "calibration.csv", index=False)
        (tmp / "fitted.toml").write_text(fitted, encoding="utf-8")
        fields = {
            "kind": "fit",
            "scenario": scenario_document(res.scenario),
            "seed": res.info.get("seed"),
            "fit_seconds": res.info.get("seconds"),
        }
        files = list(FILES)  # figures added below
        manifest = command_manifest(command or [], started, files, fields)
        if figures:
            import matplotlib.pyplot as plt

            from sim.report.figures import save_figure
            from sim.report.fit_figures import predictive_figure, profile_figure

            (tmp / "figures").mkdir()
            for name, draw in (("predictive", predictive_figure), ("profiles", profile_figure)):
                fig = draw(res)
                manifest["files"] += save_figure(fig, tmp / "figures" / name, res)
                plt.close(fig)
        (tmp / "manifest.json").write_text(dump_json(manifest))

    write_atomically(Path(out), fill, force=force)
