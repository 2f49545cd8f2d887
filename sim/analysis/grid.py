"""Sweep grids: the swept scenario paths, their values, the cells and each cell's seed.

A grid is a list of axes, each a dotted scenario path (the same paths as ``--set``) with
its values. The cells are every combination, the first axis varying slowest
(``itertools.product`` order), numbered from 0. Cell ``i`` of a sweep seeded ``seed``
runs with the seed :func:`cell_seed` derives from ``SeedSequence(seed, spawn_key=(i,))``,
so a cell's random streams depend on the sweep seed and its index only: not on the
backend, the workers, or which cells ran before.

>>> g = Grid.from_mapping({"noise.execution": "0:0.02:3", "players.US.strategy": ["grim_trigger"]})
>>> g.shape, len(g)
((3, 1), 3)
>>> g.cell(2)
{'noise.execution': 0.02, 'players.US.strategy': 'grim_trigger'}
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.errors import Problem, ScenarioError

if TYPE_CHECKING:
    from sim.run.scenario import Scenario

#: Paths a sweep sets itself (its seed and matches per cell), so a grid may not.
RESERVED = {
    "simulation.seed": "each cell's seed comes from the sweep seed (--seed)",
    "simulation.matches": "matches per cell are the sweep's (--matches)",
}

#: Most values of one axis, and most cells of a grid: a sweep beyond them would run for
#: days (and checking it, applying every value to the scenario, would take minutes).
MAX_VALUES = 10_000
MAX_CELLS = 100_000

_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_RANGE = re.compile(rf"^\s*({_NUMBER})\s*:\s*({_NUMBER})\s*:\s*(\S+?)\s*$")


class GridError(ScenarioError):
    """A bad grid: ``source`` is where it was given (``--grid``, a sweep file or a
    scenario's ``[sweep]`` section), each problem located at its axis."""


@dataclass(frozen=True)
class Axis:
    """One swept parameter: a dotted scenario path and its values, in order."""

    path: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Grid:
    """The axes of a sweep; its cells are every combination of their values."""

    axes: tuple[Axis, ...]

    @classmethod
    def from_mapping(cls, grid: Mapping[str, Any], *, source: str = "grid") -> Grid:
        """A grid from ``{path: values}``: values are a sequence, or a string
        (``"V1,V2,..."`` or a range ``"START:STOP:COUNT"``, see :func:`parse_values`).
        Raises :class:`GridError` for an empty grid, a bad path, no values or a value
        given twice."""
        problems: list[Problem] = []
        axes = []
        for path, raw in grid.items():
            try:
                axes.append(Axis(_check_path(path), _distinct(_values(raw))))
            except ValueError as exc:
                problems.append(Problem(path, str(exc)))
        if not grid:
            problems.append(Problem("", "the grid is empty: give at least one PATH=VALUES"))
        if problems:
            raise GridError(source, problems)
        return cls(tuple(axes))

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(a.path for a in self.axes)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(a.values) for a in self.axes)

    def __len__(self) -> int:
        return math.prod(self.shape)

    def cell(self, index: int) -> dict[str, Any]:
        """The values of cell ``index`` as ``{path: value}``."""
        if not 0 <= index < len(self):
            raise IndexError(f"cell {index} is not in a grid of {len(self)} cells")
        where = np.unravel_index(index, self.shape)
        return {a.path: a.values[int(k)] for a, k in zip(self.axes, where, strict=True)}

    def cells(self) -> Iterator[dict[str, Any]]:
        """Every cell's values, in cell order."""
        for combo in itertools.product(*(a.values for a in self.axes)):
            yield dict(zip(self.paths, combo, strict=True))

    def to_dict(self) -> dict[str, list[Any]]:
        return {a.path: list(a.values) for a in self.axes}


def parse_option(text: str) -> tuple[str, list[Any]]:
    """A ``--grid`` option, ``PATH=V1,V2,...`` or ``PATH=START:STOP:COUNT``.

    >>> parse_option("players.CN.strategy.ratio=0.5:1.5:3")
    ('players.CN.strategy.ratio', [0.5, 1.0, 1.5])
    """
    path, sep, spec = text.partition("=")
    if not sep or not path.strip():
        raise GridError(
            "--grid",
            [Problem(text, "expected PATH=V1,V2,... or PATH=START:STOP:COUNT")],
        )
    try:
        return path.strip(), parse_values(spec)
    except ValueError as exc:
        raise GridError("--grid", [Problem(path.strip(), str(exc))]) from None


def parse_values(spec: str) -> list[Any]:
    """Values written as text: a range ``START:STOP:COUNT`` (``COUNT`` evenly spaced values
    from ``START`` to ``STOP``, both included; integers when both ends are integers and the
    step is whole), or a comma-separated list, each item a TOML value (``0.5``, ``true``,
    ``"x"``) or a bare word (``tit_for_tat``). Commas inside brackets or quotes do not
    split.

    >>> parse_values("0:10:6"), parse_values("0.5:1.5:5")
    ([0, 2, 4, 6, 8, 10], [0.5, 0.75, 1.0, 1.25, 1.5])
    >>> parse_values('tit_for_tat, grim_trigger, [1, 2], "a,b"')
    ['tit_for_tat', 'grim_trigger', [1, 2], 'a,b']
    """
    from sim.strategies.registry import parse_value, split_items

    match = _RANGE.match(spec)
    if match is not None:
        return _range(*match.groups())
    if re.fullmatch(rf"\s*{_NUMBER}\s*:\s*{_NUMBER}\s*", spec) or (
        spec.count(":") == 2 and not any(c in spec for c in "\"'=,")
    ):
        raise ValueError(f"range {spec!r}: expected START:STOP:COUNT, three numbers")
    items = split_items(spec)
    if not any(items):
        raise ValueError("no values: expected V1,V2,... or START:STOP:COUNT")
    if "" in items:
        raise ValueError(f"an empty value in {spec!r}")
    return [parse_value(s) for s in items]


def cell_seed(seed: int, index: int) -> int:
    """The seed of cell ``index`` of a sweep seeded ``seed``: 63 bits of
    ``SeedSequence(seed, spawn_key=(index,))``, so ``escalate run --seed`` with it replays
    the cell."""
    state = np.random.SeedSequence(seed, spawn_key=(index,)).generate_state(1, np.uint64)
    return int(state[0]) >> 1


def check_grid(grid: Grid, scenario: Scenario, *, source: str) -> None:
    """Apply every value of every axis to ``scenario`` and raise :class:`GridError` naming
    the axis, the value and what was expected when one does not validate: an unknown
    path, a value of the wrong type or out of range.

    A value that fails on its own is tried again with the other axes at their first value
    (a strategy's parameter may need the strategy another axis sets); problems located at
    another axis are left to that axis.
    """
    if len(grid) > MAX_CELLS:
        sizes = " x ".join(str(len(a.values)) for a in grid.axes)
        raise GridError(
            source,
            [
                Problem(
                    grid.axes[0].path,
                    f"{len(grid):,} cells ({sizes}); expected at most {MAX_CELLS:,}",
                )
            ],
        )
    first = {a.path: a.values[0] for a in grid.axes}
    problems: list[Problem] = []
    for axis in grid.axes:
        for value in axis.values:
            found = _problems(scenario, {axis.path: value})
            if found and len(grid.axes) > 1:
                together = _problems(scenario, {**first, axis.path: value})
                mine = [p for p in together if _owner(p.location, grid) in (None, axis.path)]
                # none of its own, but another axis's problems may hide them: keep the
                # problems of the value alone then
                found = tuple(mine) if mine or not together else found
            for p in found:
                where = "" if p.location in ("", axis.path) else f" (at {p.location})"
                problems.append(Problem(axis.path, f"value {value!r}: {p.message}{where}"))
            if found:
                break  # the axis's other values would most likely say the same
    if problems:
        raise GridError(source, problems)


def _problems(scenario: Scenario, changes: dict[str, Any]) -> tuple[Problem, ...]:
    try:
        scenario.replace(changes)
    except ScenarioError as exc:
        return exc.problems
    return ()


def _owner(location: str, grid: Grid) -> str | None:
    """The swept path a problem's location falls under (the longest), if any."""
    owners = [p for p in grid.paths if location == p or location.startswith((p + ".", p + "["))]
    return max(owners, key=len, default=None)


def _values(raw: Any) -> list[Any]:
    """A grid entry's values: from a string, or a sequence (numpy scalars made plain)."""
    if isinstance(raw, str):
        return parse_values(raw)
    if isinstance(raw, Mapping) or not isinstance(raw, Sequence | np.ndarray | range):
        raise ValueError(
            f"expected a list of values or a string 'V1,V2,...' or 'START:STOP:COUNT', got {raw!r}"
        )
    return [v.item() if isinstance(v, np.generic) else v for v in raw]


def _check_path(path: str) -> str:
    if not path or any(not part.strip() for part in path.split(".")):
        raise ValueError("expected a dotted scenario path such as noise.execution")
    if path in RESERVED:
        raise ValueError(f"cannot be swept: {RESERVED[path]}")
    return path


def _distinct(values: Sequence[Any]) -> tuple[Any, ...]:
    if not values:
        raise ValueError("no values: expected at least one")
    if len(values) > MAX_VALUES:
        raise ValueError(f"{len(values):,} values: expected at most {MAX_VALUES:,}")
    seen: set[tuple[bool, Any]] = set()
    for i, v in enumerate(values):
        # 0 and 0.0 are the same value; True and 1 are not
        try:
            key = (isinstance(v, bool), v)
            twice = key in seen
            seen.add(key)
        except TypeError:  # a list or table: compared with the others one by one
            twice = any(isinstance(v, bool) == isinstance(s, bool) and v == s for s in values[:i])
        if twice:
            raise ValueError(f"value {v!r} is given twice")
    return tuple(values)


def _range(start: str, stop: str, count: str) -> list[Any]:
    if not re.fullmatch(r"\d+", count):
        raise ValueError(f"range COUNT {count!r}: expected a whole number")
    n = int(count)
    if n > MAX_VALUES:
        raise ValueError(f"range COUNT {count}: expected at most {MAX_VALUES:,} values")
    if n == 0:
        raise ValueError(f"range {start}:{stop}:{count} is empty: COUNT must be at least 1")
    a, b = float(start), float(stop)
    if n == 1 and a != b:
        raise ValueError(f"range {start}:{stop}:1 has one value but two ends; use {start}")
    values = np.linspace(a, b, n)
    whole = re.fullmatch(r"[+-]?\d+", start) and re.fullmatch(r"[+-]?\d+", stop)
    if whole and np.array_equal(values, np.round(values)):
        return [int(v) for v in np.round(values)]
    return [float(f"{v:.12g}") for v in values]
