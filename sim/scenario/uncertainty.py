"""``[uncertainty]`` compiled: per-draw noise, and each player's strategy parameter draws.

Match ``g`` of a run plays draw ``g % D`` (:class:`sim.scenario.rules.Draws`): its noise
probabilities come from the draw's values (the scenario's where the draw names none). The
parameter draws are checked against the strategies above this layer, where each player's
strategy becomes a lineup of the strategy with each draw's parameters
(:func:`sim.run.scenario.strategy_draws`). Problems are located at
``uncertainty.draws."PATH"``.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from sim.errors import Problem
from sim.scenario.rules import Draws, Rules

#: Most draws of a table.
MAX_DRAWS = 1000
_PATH = re.compile(
    r"^players\.([A-Za-z][A-Za-z0-9_-]*)\.(noise|strategy)\.([A-Za-z_][A-Za-z0-9_]*)$"
)
NOISES = ("execution", "perception", "tremble")


#: Per player, strategy parameter name -> its values, one per draw.
ParamDraws = list[dict[str, list[Any]]]


def compile_draws(
    draws: dict[str, list[float]], names: list[str], rules: Rules, problems: list[Problem]
) -> tuple[Draws, ParamDraws] | None:
    """The :class:`Draws` (noise per draw) and each player's parameter draws; ``None`` with
    the problems appended when the table is wrong."""
    where = "uncertainty.draws"
    sizes = {len(v) for v in draws.values()}
    if not draws:
        problems.append(Problem(where, "expected at least one path with its values"))
        return None
    if len(sizes) != 1:
        problems.append(
            Problem(where, f"expected lists of one length, got lengths {sorted(sizes)}")
        )
        return None
    (count,) = sizes
    if not 1 <= count <= MAX_DRAWS:
        problems.append(Problem(where, f"expected 1 to {MAX_DRAWS} draws, got {count}"))
        return None
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
        return None
    return Draws(noise["execution"], noise["perception"], noise["tremble"]), params
