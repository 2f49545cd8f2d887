"""``memory_n``: restrain with a probability set by the last ``n`` rounds (``n`` <= 3).

The table maps *patterns* of history to the probability of restraint. A pattern lists the
rounds oldest first, each as two letters, its own move then the opponent's (as in
``p_cd``: own C, opponent D), ``C``, ``D`` or ``*`` for either; spaces are ignored::

    restrain = { "** ** *D" = 0.0 }   # hard tit-for-tat (n = 3): D if the opponent
    default = 1.0                     # escalated in any of the last three rounds

A history takes the value of the matching pattern with the fewest ``*``; two such patterns
with different values are an error, and so is a history that no pattern matches when no
``default`` is given. Before round ``n`` the history is shorter: patterns of ``t`` rounds
(``""`` for round 0) decide round ``t`` when the table has any; otherwise the history is
padded with the state in force at the start, as though it had stood for ``n`` rounds.

Moves on ladders are those of :mod:`sim.strategies.machine` (C: every own instrument at
baseline; D: one rung up; a player's move is whether any of its instruments is up).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Annotated, Any

from annotated_types import Ge, Le

from sim.errors import Problem
from sim.strategies.automaton import Automaton
from sim.strategies.machine import MachineStrategy, fail
from sim.strategies.registry import register

Probability = Annotated[float, Ge(0), Le(1)]
PAIRS = ("CC", "CD", "DC", "DD")  # index = 2 * own + opponent, the automaton's x


@dataclass(frozen=True)
class MemoryNParams:
    n: Annotated[int, Ge(1), Le(3)] = field(
        default=1, metadata={"doc": "rounds of history it reads (1 to 3)"}
    )
    restrain: dict[str, Probability] = field(
        default_factory=lambda: {"*C": 1.0, "*D": 0.0},
        metadata={
            "doc": "P(restrain) after each history pattern: rounds oldest first, each "
            "as own then opponent's move (C, D or * for either), e.g. '** *D'"
        },
    )
    default: Probability | None = field(
        default=None, metadata={"doc": "P(restrain) after a history no pattern matches"}
    )

    def __post_init__(self) -> None:
        tables(self)  # raises StrategyError naming the pattern


def tables(p: MemoryNParams) -> dict[int, dict[tuple[int, ...], float]]:
    """P(restrain) for every history, by its length: ``n`` always, and each shorter
    length the table has patterns for (the opening)."""
    problems: list[Problem] = []
    patterns: dict[int, list[tuple[str, float, str]]] = {}
    for key, prob in p.restrain.items():
        where = f"restrain.{key!r}"
        text = "".join(key.split()).upper()
        if len(text) % 2 or len(text) > 2 * p.n or set(text) - set("CD*"):
            problems.append(
                Problem(
                    where,
                    f"expected up to n = {p.n} rounds of two letters each (own move, "
                    "opponent's move; C, D or *), e.g. 'CD' or '** *D'",
                )
            )
            continue
        patterns.setdefault(len(text) // 2, []).append((text, prob, key))
    out: dict[int, dict[tuple[int, ...], float]] = {}
    for k in sorted({p.n, *patterns}):
        table: dict[tuple[int, ...], float] = {}
        unmatched: list[str] = []
        for history in itertools.product(range(4), repeat=k):
            letters = "".join(PAIRS[x] for x in history)
            matches = [
                (pat.count("*"), key, prob)
                for pat, prob, key in patterns.get(k, [])
                if all(q in ("*", c) for q, c in zip(pat, letters, strict=True))
            ]
            shown = " ".join(PAIRS[x] for x in history) or "(round 0)"
            if not matches:
                if p.default is None:
                    unmatched.append(shown)
                    continue
                table[history] = p.default
                continue
            best = min(m[0] for m in matches)
            tied = {(pat, prob) for stars, pat, prob in matches if stars == best}
            if len({prob for _, prob in tied}) > 1:
                problems.append(
                    Problem(
                        "restrain",
                        f"the history {shown!r} matches {sorted(pat for pat, _ in tied)} "
                        "equally closely with different probabilities; expected one value",
                    )
                )
                continue
            table[history] = tied.pop()[1]
        if unmatched:
            some = ", ".join(repr(h) for h in unmatched[:4])
            problems.append(
                Problem(
                    "restrain",
                    f"no pattern matches {len(unmatched)} of the {4**k} histories of {k} "
                    f"rounds ({some}{', ...' if len(unmatched) > 4 else ''}) and no default "
                    "is given; add patterns or a default",
                )
            )
        out[k] = table
    fail(problems)
    return out


@register
class MemoryN(MachineStrategy):
    """A memory-n strategy given as a table of history patterns (module doc)."""

    name = "memory_n"
    summary = "Restrain with a probability set by the last n rounds' moves (a table)."
    Params = MemoryNParams

    @classmethod
    def machine(cls, params: Any) -> Automaton:
        n = params.n
        table = tables(params)
        # States: 0 before round 0; (x0, h) in round t < n, where x0 is the state in
        # force and h the t rounds played; then the last n rounds h.
        index: dict[Any, int] = {"start": 0}
        for t in range(n):
            for x0 in range(4):
                for h in itertools.product(range(4), repeat=t):
                    index[(x0, h)] = len(index)
        for h in itertools.product(range(4), repeat=n):
            index[h] = len(index)
        nxt = [[0] * 4 for _ in index]
        prob = [1.0] * len(index)
        for key, i in index.items():
            if key == "start":
                nxt[i] = [index[(x, ())] for x in range(4)]
                continue
            if len(key) == 2 and isinstance(key[1], tuple):  # the opening
                x0, h = key
                nxt[i] = [
                    index[(x0, (*h, x))] if len(h) + 1 < n else index[(*h, x)] for x in range(4)
                ]
                prob[i] = (
                    table[len(h)][h] if len(h) in table else table[n][(x0,) * (n - len(h)) + h]
                )
            else:
                nxt[i] = [index[(*key[1:], x)] for x in range(4)]
                prob[i] = table[n][key]
        draws = int(any(0 < q < 1 for q in prob))
        return Automaton.of(0, nxt, prob, [0] * len(index), [1] * len(index), draws=draws)
