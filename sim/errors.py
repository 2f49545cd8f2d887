"""Exceptions raised by the library. Only the CLI turns them into messages and exit codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One located problem: where (a dotted path such as ``players.CN.pain[2]``) and what."""

    location: str
    message: str
    line: int | None = None  # in the scenario file, where it could be found

    def __str__(self) -> str:
        where = self.location + (f" (line {self.line})" if self.line else "")
        return f"{where}: {self.message}" if where else self.message


class SimError(Exception):
    """Base class of every error this package raises on purpose."""


class ModelError(SimError, ValueError):
    """A game definition is inconsistent (ladder lengths, negative pain, matrix shape...)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, e.g. from a worker process
        return type(self), (self.problems,)


#: Most problems an error lists; the rest are counted (a huge array of wrong values, or
#: thousands of bad events, would otherwise give one line each).
MAX_PROBLEMS = 20


def _capped(problems: Sequence[Problem]) -> tuple[Problem, ...]:
    if len(problems) <= MAX_PROBLEMS + 1:
        return tuple(problems)
    more = len(problems) - MAX_PROBLEMS
    rest = Problem("", f"and {more:,} more problems (fix those above first)")
    return (*problems[:MAX_PROBLEMS], rest)


class ScenarioError(SimError, ValueError):
    """A scenario (file or in-memory change) is invalid.

    ``source`` names the file (or ``<scenario>`` for in-memory data); every problem carries
    its location inside the scenario and what was expected.
    """

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = _capped(problems)
        lines = [f"{source}: {len(self.problems)} problem(s)"] if len(self.problems) > 1 else []
        lines += [f"{source}: {p}" for p in self.problems]
        super().__init__("\n".join(lines))

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, e.g. from a worker process
        return type(self), (self.source, self.problems)
