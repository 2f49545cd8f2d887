"""``[uncertainty]`` compiled: per-draw noise and a lineup of the strategies' draws.

Match ``g`` of a run plays draw ``g % D`` (:class:`sim.engine.rounds.Draws`): its noise
probabilities come from the draw's values (the scenario's where the draw names none), and
each player's strategy is a lineup (:mod:`sim.strategies.lineup`) of the strategy with each
draw's parameters. Problems are located at ``uncertainty.draws."PATH"``.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np

from sim.engine.rounds import Draws, Rules
from sim.errors import Problem
from sim.strategies.lineup import lineup
from sim.strategies.registry import StrategyError, StrategySpec, parameter_type, spec

#: Most draws of a table.
MAX_DRAWS = 1000
_PATH = re.compile(
    r"^players\.([A-Za-z][A-Za-z0-9_-]*)\.(noise|strategy)\.([A-Za-z_][A-Za-z0-9_]*)$"
)
NOISES = ("execution", "perception", "tremble")


def compile_draws(
    draws: dict[str, list[float]],
    names: list[str],
    specs: list[StrategySpec],
    rules: Rules,
    problems: list[Problem],
) -> tuple[Draws | None, list[StrategySpec]]:
    """The :class:`Draws` and the strategies (lineups where a draw changes a parameter)."""
    where = "uncertainty.draws"
    sizes = {len(v) for v in draws.values()}
    if not draws:
        problems.append(Problem(where, "expected at least one path with its values"))
        return None, specs
    if len(sizes) != 1:
        problems.append(
            Problem(where, f"expected lists of one length, got lengths {sorted(sizes)}")
        )
        return None, specs
    (count,) = sizes
    if not 1 <= count <= MAX_DRAWS:
        problems.append(Problem(where, f"expected 1 to {MAX_DRAWS} draws, got {count}"))
        return None, specs
    noise = {k: np.tile(np.array(getattr(rules, k), dtype=np.float64), (count, 1)) for k in NOISES}
    params: list[dict[str, list[Any]]] = [{}, {}]
    ok = True
    for path, values in draws.items():
        loc = f'{where}."{path}"'
        m = _PATH.match(path)
        if m is None or m.group(1) not in names:
            problems.append(
                Problem(
                    loc,
                    "expected players.X.noise.execution|perception|tremble or "
                    f"players.X.strategy.PARAM with X one of {', '.join(names)}",
                )
            )
            ok = False
            continue
        p = names.index(m.group(1))
        kind, key = m.group(2), m.group(3)
        if kind == "noise":
            if key not in NOISES:
                problems.append(Problem(loc, f"expected a noise: {', '.join(NOISES)}"))
                ok = False
                continue
            arr = np.asarray(values, dtype=np.float64)
            if not np.all((arr >= 0) & (arr <= 1)):
                problems.append(Problem(loc, "expected probabilities in [0, 1]"))
                ok = False
                continue
            noise[key][:, p] = arr
        else:
            params[p][key] = list(values)
    if not ok:
        return None, specs
    out = list(specs)
    for p in (0, 1):
        if not params[p]:
            continue
        base = specs[p]
        known = {f.name for f in dataclasses.fields(base.params)}
        ints = {k for k in params[p] if k in known and parameter_type(base.cls, k) is int}
        built = []
        try:
            for d in range(count):
                change = {
                    k: int(v[d]) if k in ints and float(v[d]).is_integer() else v[d]
                    for k, v in params[p].items()
                }
                built.append(spec(base.name, **(dataclasses.asdict(base.params) | change)))
        except StrategyError as exc:
            for prob in exc.problems:
                problems.append(
                    Problem(f'{where}."players.{names[p]}.strategy.{prob.location}"', prob.message)
                )
            return None, specs
        out[p] = lineup(tuple(built), divisor=1)
    return Draws(noise["execution"], noise["perception"], noise["tremble"]), out
