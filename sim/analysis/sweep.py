"""Parameter sweeps: a grid over scenario values, many matches per cell, metrics per cell.

A sweep is a :class:`SweepPlan`: the scenario, the :class:`~sim.analysis.grid.Grid`, the
metrics (names from :meth:`sim.Result.metrics`), the matches per cell and the sweep seed.
Cell ``i`` is the scenario with the cell's values set (as ``--set`` would), simulated with
the seed :func:`~sim.analysis.grid.cell_seed` derives from the sweep seed and ``i``, in
one process (:func:`run_cell`). A cell's row therefore depends on nothing but the plan and
its index, so the backends that run the cells (:mod:`sim.analysis.workers`) cannot change
the results. :func:`sim.sweep` runs a plan and :func:`cells_frame` makes its table.
"""

from __future__ import annotations

import difflib
import importlib
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim._version import __version__
from sim.analysis.grid import Grid, GridError, cell_seed
from sim.errors import Problem, ScenarioError

if TYPE_CHECKING:
    import pandas as pd

    from sim.run.scenario import Scenario

#: Per-truce metrics (``truce.<truce>.<suffix>``) that ``truce.<suffix>`` names for the
#: scenario's first truce: its first scheduled one, or negotiated truces when none is.
TRUCE_SUFFIXES = (
    "spells",
    "p_survive_term",
    "median",
    "breached",
    "breach_by_noise",
    "renewed",
)

#: The metric names of a summary, with ``<player>``, ``<instrument>`` and ``<truce>``
#: standing for a scenario's names (``escalate sweep --list-metrics`` without a scenario).
METRIC_PATTERNS: tuple[tuple[str, str], ...] = (
    ("payoff.<player>.mean", "mean payoff per round"),
    ("payoff.<player>.discounted", "discounted payoff summed over rounds"),
    ("escalation.p_any", "share of matches where anyone escalated (chosen or noise)"),
    ("escalation.first.<player|both>", "share of matches where this side escalated first"),
    ("escalation.p_deliberate", "share of matches where a player chose to escalate"),
    ("escalation.first_deliberate.<player|both>", "share where this side chose to first"),
    ("escalation.first_round.median", "median round of the first escalation"),
    ("escalation.steps.<player>", "rungs stepped up per match"),
    ("peace_share", "share of rounds with every instrument at baseline"),
    ("level.<player>.<instrument>.final", "mean level (rung) in the last round"),
    ("truce.share", "share of rounds with a truce in force (scenarios with truces)"),
    ("rapport.final", "rapport in the last round (scenarios with truces)"),
    ("truce.<truce>.spells", "truce spells (all matches)"),
    ("truce.<truce>.p_survive_term", "P(not breached within its term), Kaplan-Meier"),
    ("truce.<truce>.median", "median survival, Kaplan-Meier"),
    ("truce.<truce>.breached", "share of spells ended by a breach"),
    ("truce.<truce>.breached_by.<player|both>", "share of spells this side breached first"),
    ("truce.<truce>.breach_by_noise", "share of breaches caused by execution noise"),
    ("truce.<truce>.renewed", "share of spells renewed at least once"),
    ("deal.share", "share of matches that strike a bargained deal (with [bargaining])"),
    ("deal.term", "term of each match's first bargained deal, in rounds"),
    ("deal.gain.<player>", "gain per round from the first deal over the levels in force"),
    ("deal.level.<player>.<instrument>", "rung the first deal caps the instrument at"),
    ("deal.value.<player>.<instrument>", "value of that cap (instruments with values)"),
    ("outlook.<1y|2y>.<player>.<instrument>.mean", "mean value 1 or 2 years after replay"),
    ("outlook.<1y|2y>.<player>.<instrument>.<q05|q50|q95>", "quantile after replay"),
)


class MetricError(ScenarioError):
    """An unknown metric name (``source`` says where it was given)."""


class SweepIncomplete(RuntimeError):
    """Some cells could not be run (their workers died every time); the others are done,
    and saved when the sweep had a store."""

    def __init__(self, failed: Mapping[int, str], cells: int, store: str | None) -> None:
        self.failed = dict(failed)
        first = min(self.failed)
        saved = (
            f"the {cells - len(self.failed)} finished cells are saved in {store}; run the "
            "same sweep again to finish the others"
            if store
            else "give a store to keep finished cells"
        )
        super().__init__(
            f"{len(self.failed)} of {cells} cells could not be run (cell {first}: "
            f"{self.failed[first]}); {saved}"
        )


@dataclass(frozen=True)
class SweepPlan:
    """Everything a sweep's results depend on.

    Attributes
    ----------
    scenario : the scenario every cell starts from
    grid : the swept paths and their values
    metrics : the metric names per cell (full names, aliases resolved)
    matches : matches per cell
    seed : the sweep seed; cell ``i`` runs with ``cell_seed(seed, i)``
    aliases : the short names the user gave for some metrics (``{alias: name}``)
    """

    scenario: Scenario
    grid: Grid
    metrics: tuple[str, ...]
    matches: int
    seed: int
    aliases: Mapping[str, str]

    @property
    def cells(self) -> int:
        return len(self.grid)

    def strategy_classes(self) -> list[type]:
        """The strategy classes the cells use: the scenario's, and those the grid names
        (axes ending in ``.strategy`` or ``.strategy.name``)."""
        from sim.strategies.registry import get

        classes: list[type] = [p.cls for s in self.scenario.plan.strategies for p in s.parts]
        for axis in self.grid.axes:
            if axis.path.endswith((".strategy", ".strategy.name")):
                for value in axis.values:
                    name = value.get("name") if isinstance(value, dict) else value
                    if isinstance(name, str):
                        classes.append(get(name))
        return classes

    def task(self, index: int) -> CellTask:
        """What a worker needs to run cell ``index``."""
        return CellTask(
            index,
            tuple(self.grid.cell(index).items()),
            cell_seed(self.seed, index),
            self.matches,
            self.metrics,
        )

    def definition(self) -> dict[str, Any]:
        """The plan as plain data: what a resumed sweep must share with the one it
        resumes (the aliases the user typed are not part of it)."""
        return {
            "scenario": self.scenario.name,
            "scenario_sha256": self.scenario.sha256,
            "grid": self.grid.to_dict(),
            "metrics": list(self.metrics),
            "matches": self.matches,
            "seed": self.seed,
            "cells": self.cells,
            "cell_seed": "cell i runs with SeedSequence(seed, spawn_key=(i,)).generate_state(1, "
            "uint64)[0] >> 1 (sim.analysis.grid.cell_seed)",
            "escalation-sim": __version__,
        }


@dataclass(frozen=True)
class CellTask:
    """One cell: its index, the values it sets, its seed, matches and metrics."""

    index: int
    changes: tuple[tuple[str, Any], ...]
    seed: int
    matches: int
    metrics: tuple[str, ...]


@dataclass(frozen=True)
class BaseScenario:
    """A scenario as plain data, to send to worker processes once (``key``: its SHA-256)."""

    key: str
    data: dict[str, Any]
    source: str
    source_sha256: str | None
    modules: tuple[str, ...] = ()

    @classmethod
    def of(cls, scenario: Scenario, classes: Iterable[type] = ()) -> BaseScenario:
        """``classes``: the strategy classes the cells use; a worker imports the modules
        of those outside this package first, so that they are registered there too."""
        data = scenario.to_dict()
        data.pop("sweep", None)  # what a sweep varies is not part of its cells
        modules = sorted({c.__module__ for c in classes} - {"__main__"})
        return cls(
            scenario.sha256,
            data,
            scenario.source,
            scenario.source_sha256,
            tuple(m for m in modules if m != "sim" and not m.startswith("sim.")),
        )


_BUILT: dict[str, Scenario] = {}


def run_cell(base: BaseScenario, task: CellTask) -> dict[str, Any]:
    """Simulate one cell in this process and return its record: ``cell``, ``seed``,
    ``values`` and ``metrics`` (``{name: [estimate, ci_low, ci_high]}``, NaN where a
    metric is undefined), and ``seconds`` (not part of the results)."""
    from sim.run.scenario import Scenario
    from sim.run.simulation import simulate

    t0 = time.perf_counter()
    scenario = _BUILT.get(base.key)
    if scenario is None:
        for module in base.modules:  # user strategies register themselves on import
            importlib.import_module(module)
        _BUILT.clear()  # one base at a time per worker
        scenario = Scenario.from_dict(base.data, source=base.source, sha256=base.source_sha256)
        _BUILT[base.key] = scenario
    try:
        cell = scenario.replace(dict(task.changes))
    except ScenarioError as exc:  # values that are valid one by one but not together
        values = ", ".join(f"{k}={v!r}" for k, v in task.changes)
        raise GridError(f"cell {task.index} ({values})", exc.problems) from None
    result = simulate(cell, matches=task.matches, seed=task.seed, workers=1, trajectories=0)
    found = result.metrics()
    nan = [math.nan, math.nan, math.nan]
    metrics = {
        name: (
            [float(found[name][k]) for k in ("estimate", "ci_low", "ci_high")]
            if name in found
            else nan
        )
        for name in task.metrics
    }
    return {
        "cell": task.index,
        "seed": task.seed,
        "values": dict(task.changes),
        "metrics": metrics,
        "seconds": time.perf_counter() - t0,
    }


def metric_names(scenario: Scenario) -> dict[str, str]:
    """Every metric of ``scenario``'s summary, ``{name: description}``, read off a run of
    two matches (the names do not depend on what happens in a run)."""
    import contextlib

    from sim.errors import ScenarioError
    from sim.run.simulation import simulate
    from sim.run.truces import outlook_rounds

    # Only the outlook dates inside the horizon change the names: fewer rounds that keep
    # them (and still validate) give the same names, fast on a long horizon.
    rounds = scenario.rounds
    kept = [t + 1 for _, _, t in outlook_rounds(scenario) if t < rounds]
    short = max([scenario.data.report.stage_round + 1, *kept])
    if short < rounds:
        with contextlib.suppress(ScenarioError):  # an event past it: use the scenario's
            scenario = scenario.replace(simulation={"rounds": short})
    res = simulate(scenario, matches=2, seed=0, workers=1, trajectories=0)
    return {k: v["description"] for k, v in res.metrics().items()}


def truce_aliases(scenario: Scenario) -> dict[str, str]:
    """``truce.<suffix>`` for the scenario's first truce (none without truces)."""
    kinds = scenario.plan.schedule.kinds
    if not kinds:
        return {}
    first = kinds[0].name
    out = {f"truce.{s}": f"truce.{first}.{s}" for s in TRUCE_SUFFIXES}
    for who in (*scenario.players, "both"):
        out[f"truce.breached_by.{who}"] = f"truce.{first}.breached_by.{who}"
    return out


def default_metrics(scenario: Scenario) -> tuple[str, ...]:
    """Peace share, each player's mean payoff and, with truces, P(the first truce
    survives its term)."""
    names = ["peace_share", *(f"payoff.{p}.mean" for p in scenario.players)]
    aliases = truce_aliases(scenario)
    if aliases:
        names.append(aliases["truce.p_survive_term"])
    return tuple(names)


def resolve_metrics(
    scenario: Scenario, names: Iterable[str], *, source: str = "--metric"
) -> tuple[tuple[str, ...], dict[str, str]]:
    """Full metric names for ``names`` (aliases resolved, duplicates dropped) and the
    aliases used; :class:`MetricError` lists close matches for an unknown name."""
    known = metric_names(scenario)
    aliases = truce_aliases(scenario)
    out: list[str] = []
    used: dict[str, str] = {}
    problems = []
    for name in names:
        full = aliases.get(name, name)
        if full != name:
            used[name] = full
        if full not in known:
            close = difflib.get_close_matches(name, [*known, *aliases], n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            problems.append(
                Problem(
                    name,
                    f"no such metric in this scenario{hint} (escalate sweep "
                    f"{scenario.source} --list-metrics lists them)",
                )
            )
        elif full not in out:
            out.append(full)
    if problems:
        raise MetricError(source, problems)
    return tuple(out), used


def cells_frame(plan: SweepPlan, records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The table of a sweep (``cells.csv``): one row per cell in cell order, with the
    cell's index, its value of each swept path, its seed, and each metric's estimate and
    95% interval (``<metric>``, ``<metric>.ci_low``, ``<metric>.ci_high``)."""
    import pandas as pd

    by_index = {int(r["cell"]): r for r in records}
    missing = [i for i in range(plan.cells) if i not in by_index]
    if missing:
        raise ValueError(f"{len(missing)} cells have no result, the first {missing[0]}")
    cols: dict[str, Any] = {"cell": list(range(plan.cells))}
    cells = list(plan.grid.cells())
    for path in plan.grid.paths:
        cols[path] = [cell[path] for cell in cells]
    cols["seed"] = [int(by_index[i]["seed"]) for i in range(plan.cells)]
    for name in plan.metrics:
        for k, suffix in enumerate(("", ".ci_low", ".ci_high")):
            cols[name + suffix] = [float(by_index[i]["metrics"][name][k]) for i in cols["cell"]]
    frame = pd.DataFrame(cols)
    frame.attrs["sweep"] = plan.definition()
    return frame
