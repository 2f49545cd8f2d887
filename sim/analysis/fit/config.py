"""What ``escalate fit`` estimates: each player's hypotheses, their free parameters and grids.

Built from the scenario's ``[fit]`` table (:class:`sim.scenario.schema.Fit`). A player's
first hypothesis is its own strategy (``players.X.strategy``) with the parameters that
``[fit.players.X].free`` marks; the others are its ``candidates`` (default:
tit_for_tat, grim_trigger and random with ``p`` free). Execution noise is free in every
hypothesis. Problems are located in the file (``fit.players.CN.candidates[1].free.lag``).
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.errors import Problem, ScenarioError
from sim.strategies.base import Seat, Strategy
from sim.strategies.registry import (
    StrategyError,
    StrategySpec,
    get,
    parameter_type,
    spec,
)

if TYPE_CHECKING:
    from sim.run.scenario import Scenario

#: Integer parameters try every integer in their bounds, up to this many values.
MAX_INTEGERS = 61
#: Most grid points of one hypothesis (the product of its parameters' grids).
MAX_POINTS = 20_000
#: Default alternatives for a player (with ``[fit]`` silent on them).
DEFAULT_CANDIDATES: tuple[dict[str, Any], ...] = (
    {"name": "tit_for_tat"},
    {"name": "grim_trigger"},
    {"name": "random", "free": {"p": [0.0, 1.0]}},
)


@dataclass(frozen=True)
class Free:
    """A free parameter: its name, bounds and the values tried."""

    name: str
    low: float
    high: float
    integer: bool
    values: tuple[float, ...]


@dataclass(frozen=True)
class Hypothesis:
    """One strategy for one player with its free parameters.

    Attributes
    ----------
    label : the name in the tables
    name : registry name; fixed : the parameters held fixed
    free : the free parameters (their grid is the product of their values)
    specs : the strategy at every grid point, in ``itertools.product`` order
    stochastic : whether any grid point draws random numbers (averaged over copies)
    own : whether this is the player's scenario strategy
    where : its place in the file, for messages
    """

    label: str
    name: str
    fixed: dict[str, Any]
    free: tuple[Free, ...]
    specs: tuple[StrategySpec, ...]
    stochastic: bool
    own: bool
    where: str

    @property
    def points(self) -> list[dict[str, float]]:
        """The free parameters' values at every grid point."""
        names = [f.name for f in self.free]
        return [
            dict(zip(names, combo, strict=True))
            for combo in itertools.product(*(f.values for f in self.free))
        ]


@dataclass(frozen=True)
class PlayerConfig:
    """One player's hypotheses and noise: ``noise`` is estimated within ``bounds``; the
    other noise is held at ``fixed`` (the scenario's value)."""

    player: int
    name: str
    noise: str
    bounds: tuple[float, float]
    fixed: float
    hypotheses: tuple[Hypothesis, ...]

    def noise_args(self) -> dict[str, Any]:
        """Keyword arguments of :func:`sim.analysis.fit.likelihood.terms`."""
        other = "execution" if self.noise == "tremble" else "tremble"
        return {"free": self.noise, other: self.fixed}


@dataclass(frozen=True)
class FitConfig:
    """Everything :func:`sim.analysis.fit.fit` estimates, per player."""

    players: tuple[PlayerConfig, PlayerConfig]
    rounds: int  # observed rounds: 0..replay_until
    train_rounds: int | None  # rounds of the training record (out-of-sample test), or None
    copies: int


def _integer(cls: type[Strategy], name: str) -> bool:
    """Whether numeric parameter ``name`` is an integer (``TypeError`` if not numeric)."""
    base = parameter_type(cls, name)
    if base not in (int, float):
        raise TypeError("not a number")
    return base is int


def _hypothesis(
    sc: Scenario,
    player: int,
    table: dict[str, Any],
    free: dict[str, list[float]],
    own: bool,
    where: str,
    grid: int,
    problems: list[Problem],
) -> Hypothesis | None:
    name = table["name"]
    try:
        cls = get(name)
    except StrategyError as exc:
        problems += [Problem(f"{where}.name", p.message) for p in exc.problems]
        return None
    fields = {f.name for f in dataclasses.fields(cls.Params)}
    fixed = {
        k: v for k, v in table.items() if k not in ("name", "label", "free") and k not in free
    }
    frees: list[Free] = []
    for pname, (lo, hi) in free.items():
        loc = f"{where.rsplit('.', 1)[0] if own else where}.free.{pname}"
        if pname not in fields:
            known = ", ".join(sorted(fields)) or "none"
            problems.append(Problem(loc, f"{name} has no parameter {pname!r} (it has: {known})"))
            continue
        try:
            integer = _integer(cls, pname)
        except TypeError:
            problems.append(Problem(loc, f"expected a numeric parameter; {pname!r} is not one"))
            continue
        if integer:
            a, b = int(np.ceil(lo)), int(np.floor(hi))
            if a > b:
                problems.append(
                    Problem(loc, f"expected bounds holding an integer, got [{lo}, {hi}]")
                )
                continue
            values = np.unique(np.round(np.linspace(a, b, min(b - a + 1, MAX_INTEGERS))))
            vals = tuple(float(int(v)) for v in values)
        else:
            vals = tuple(float(v) for v in np.linspace(lo, hi, grid if hi > lo else 1))
        for v in {vals[0], vals[-1]}:
            try:
                spec(name, **fixed, **{pname: int(v) if integer else v})
            except StrategyError as exc:
                for p in exc.problems:
                    problems.append(Problem(loc, f"bound {v:g}: {p.message}"))
        frees.append(Free(pname, float(lo), float(hi), integer, vals))
    if len(frees) != len(free):
        return None
    size = int(np.prod([len(f.values) for f in frees])) if frees else 1
    if size > MAX_POINTS:
        problems.append(
            Problem(
                where, f"{size:,} grid points; expected at most {MAX_POINTS:,} (lower fit.grid)"
            )
        )
        return None
    names = [f.name for f in frees]
    specs: list[StrategySpec] = []
    try:
        for combo in itertools.product(*(f.values for f in frees)):
            point = {
                n: int(v) if f.integer else v for n, v, f in zip(names, combo, frees, strict=True)
            }
            specs.append(spec(name, **fixed, **point))
    except StrategyError as exc:
        problems += [Problem(f"{where}.{p.location}", p.message) for p in exc.problems]
        return None
    found = specs[0].cls.validate(specs[0].params, Seat(sc.game, player, sc.plan.calendar))
    if found:
        problems += [Problem(where, m) for m in found]
        return None
    label = table.get("label") or (f"{name} (scenario)" if own else name)
    stochastic = any(s.facts.stochastic for s in specs)
    return Hypothesis(label, name, fixed, tuple(frees), tuple(specs), stochastic, own, where)


def fit_config(sc: Scenario) -> FitConfig:
    """The hypotheses of ``sc``'s ``[fit]`` table, validated; raises
    :class:`~sim.errors.ScenarioError` naming the field of every problem."""
    problems: list[Problem] = []
    data = sc.data
    fit = data.fit
    replay = sc.plan.schedule.replay
    if replay < 0:
        problems.append(
            Problem(
                "simulation.replay_until",
                "expected a date: escalate fit treats the replayed record (the events up to "
                "replay_until) as observations, and this scenario replays none",
            )
        )
        raise ScenarioError(sc.source, problems)
    grid = fit.grid if fit is not None else 41
    copies = fit.copies if fit is not None else 256
    names = list(sc.players)
    if fit is not None:
        for pname in fit.players:
            if pname not in names:
                problems.append(
                    Problem(f"fit.players.{pname}", f"expected a player ({', '.join(names)})")
                )
    players = []
    for p, pname in enumerate(names):
        fp = fit.players.get(pname) if fit is not None else None
        own_table = {"name": data.players[pname].strategy.name}
        own_table.update(data.players[pname].strategy.model_extra or {})
        hyps: list[Hypothesis | None] = [
            _hypothesis(
                sc,
                p,
                own_table,
                dict(fp.free) if fp else {},
                True,
                f"fit.players.{pname}.strategy" if fp else f"players.{pname}.strategy",
                grid,
                problems,
            )
        ]
        cands = (
            [c.model_dump() | (c.model_extra or {}) for c in fp.candidates]
            if fp is not None and fp.candidates is not None
            else [dict(c) for c in DEFAULT_CANDIDATES]
        )
        for i, cand in enumerate(cands):
            where = f"fit.players.{pname}.candidates[{i}]"
            free = cand.get("free") or {}
            hyps.append(_hypothesis(sc, p, cand, dict(free), False, where, grid, problems))
        noise = fp.noise if fp is not None else "tremble"
        bounds = tuple(fp.bounds) if fp is not None else (0.0, 0.9)
        rules = sc.plan.rules
        fixed = rules.execution[p] if noise == "tremble" else rules.tremble[p]
        players.append(
            PlayerConfig(
                p,
                pname,
                noise,
                (float(bounds[0]), float(bounds[1])),
                float(fixed),
                tuple(h for h in hyps if h is not None),
            )
        )
    train = None
    if fit is not None and fit.train_until is not None:
        cal = sc.plan.calendar
        t = cal.round_of(fit.train_until) if cal is not None else -1
        if not 0 <= t < replay:
            problems.append(
                Problem(
                    "fit.train_until",
                    f"expected a date from {cal.date_of(0) if cal else 'the start'} to the day "
                    f"before replay_until, got {fit.train_until}",
                )
            )
        train = t + 1
    if problems:
        raise ScenarioError(sc.source, problems)
    return FitConfig((players[0], players[1]), replay + 1, train, copies)
