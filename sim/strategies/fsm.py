"""``fsm``: a finite-state machine over the opponent's moves (Miller 1996; Axelrod's FSM
players).

Give it in one of two forms:

* ``states`` (a Moore machine): each state names the move it plays and the state it goes
  to after the opponent's C and after its D; play starts in ``start`` (default: the
  first state)::

      [strategies.grudger.states]
      calm  = { move = "C", C = "calm", D = "angry" }
      angry = { move = "D", C = "angry", D = "angry" }

* ``transitions`` (a Mealy machine, Axelrod's ``FSMPlayer`` format): rows
  ``[state, opponent's move, next state, move played]`` with ``initial_state`` and
  ``initial_move`` for round 0. It is played as the Moore machine of its (state, move)
  pairs.

Each round it reads the opponent's last move as perceived (in round 0 it plays the start
state's move). Moves on ladders are those of :mod:`sim.strategies.machine`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from sim.errors import Problem
from sim.strategies.automaton import Automaton
from sim.strategies.machine import MOVES, MachineStrategy, fail
from sim.strategies.registry import register

Move = Literal["C", "D"]
MAX_STATES = 10_000


class State(TypedDict):
    """One state: the move it plays, and the next state after the opponent's C and D."""

    move: Move
    C: str
    D: str


#: The default machine: tit-for-tat.
TIT_FOR_TAT: dict[str, State] = {
    "C": {"move": "C", "C": "C", "D": "D"},
    "D": {"move": "D", "C": "C", "D": "D"},
}


def after(state: State, opp: str) -> str:
    """The state that follows ``state`` after the opponent's move ``opp`` (C or D)."""
    return state["C"] if opp == "C" else state["D"]


@dataclass(frozen=True)
class FsmParams:
    states: dict[str, State] = field(
        default_factory=lambda: dict(TIT_FOR_TAT),
        metadata={
            "doc": "Moore form: NAME = { move = C|D, C = NEXT, D = NEXT } (next after the "
            "opponent's C and D); the default is tit-for-tat"
        },
    )
    start: str | None = field(default=None, metadata={"doc": "first state (default: the first)"})
    transitions: list[list[int | str]] = field(
        default_factory=list,
        metadata={
            "doc": "Mealy form instead of states: rows [state, opponent's move, next state, "
            "move] (Axelrod's FSMPlayer)"
        },
    )
    initial_state: int | str | None = field(
        default=None, metadata={"doc": "Mealy form: the state in round 0"}
    )
    initial_move: Move | None = field(
        default=None, metadata={"doc": "Mealy form: the move in round 0"}
    )

    def __post_init__(self) -> None:
        moore(self)  # raises StrategyError naming the state or row


def moore(p: FsmParams) -> tuple[list[str], dict[str, State], str]:
    """The machine as Moore states: their names in order, the states and the start."""
    problems: list[Problem] = []
    if p.transitions:
        if p.states != TIT_FOR_TAT or p.start is not None:
            problems.append(
                Problem("transitions", "give either states (and start) or transitions, not both")
            )
        out = _from_mealy(p, problems)
    else:
        for name in ("initial_state", "initial_move"):
            if getattr(p, name) is not None:
                problems.append(Problem(name, "belongs to the transitions form; expected states"))
        out = _check_moore(p.states, p.start, problems)
    fail(problems)
    return out


def _check_moore(
    states: dict[str, State], start: str | None, problems: list[Problem]
) -> tuple[list[str], dict[str, State], str]:
    names = list(states)
    if not names:
        problems.append(Problem("states", "expected at least one state"))
        return names, states, ""
    if len(names) > MAX_STATES:
        problems.append(Problem("states", f"{len(names)} states; expected at most {MAX_STATES}"))
    for name, state in states.items():
        for o in MOVES:
            if after(state, o) not in states:
                problems.append(
                    Problem(
                        f"states.{name}.{o}",
                        f"unknown state {after(state, o)!r}; expected one of {names[:20]}",
                    )
                )
    first = names[0] if start is None else start
    if first not in states:
        problems.append(Problem("start", f"unknown state {start!r}; expected one of {names[:20]}"))
    return names, states, first


def _from_mealy(p: FsmParams, problems: list[Problem]) -> tuple[list[str], dict[str, State], str]:
    table: dict[tuple[str, str], tuple[str, str]] = {}
    for r, row in enumerate(p.transitions):
        where = f"transitions[{r}]"
        if len(row) != 4 or row[1] not in ("C", "D") or row[3] not in ("C", "D"):
            problems.append(Problem(where, f"{row!r}: expected [state, C|D, next state, C|D]"))
            continue
        key = (str(row[0]), str(row[1]))
        if key in table:
            problems.append(Problem(where, f"state {row[0]!r} after {row[1]} is given twice"))
        table[key] = (str(row[2]), str(row[3]))
    known = {q for q, _ in table}
    for q in sorted(known):
        for o in MOVES:
            if (q, o) not in table:
                problems.append(Problem("transitions", f"no row for state {q!r} after {o}"))
    for q, _ in table.values():
        if q not in known:
            problems.append(Problem("transitions", f"next state {q!r} has no rows"))
    if p.initial_state is None or p.initial_move is None:
        problems.append(
            Problem("initial_state", "the transitions form needs initial_state and initial_move")
        )
    elif str(p.initial_state) not in known:
        problems.append(Problem("initial_state", f"unknown state {p.initial_state!r}"))
    if problems:
        return [], {}, ""
    start = f"{p.initial_state}/{p.initial_move}"
    states: dict[str, State] = {}
    todo = [(str(p.initial_state), str(p.initial_move))]
    while todo and len(states) <= MAX_STATES:
        q, a = todo.pop()
        name = f"{q}/{a}"
        if name in states:
            continue
        step = {o: table[(q, o)] for o in MOVES}
        move: Move = "C" if a == "C" else "D"
        states[name] = {"move": move, "C": "/".join(step["C"]), "D": "/".join(step["D"])}
        todo += [step[o] for o in MOVES]
    return _check_moore(states, start, problems)


@register
class Fsm(MachineStrategy):
    """A finite-state machine over the opponent's moves (module doc)."""

    name = "fsm"
    summary = "A finite-state machine: a move per state, transitions on the opponent's move."
    Params = FsmParams

    @classmethod
    def machine(cls, params: Any) -> Automaton:
        names, states, start = moore(params)
        index = {name: i + 1 for i, name in enumerate(names)}  # 0: before round 0
        nxt = [[index[start]] * 4]
        nxt += [[index[after(states[q], MOVES[x & 1])] for x in range(4)] for q in names]
        act = [0] + [MOVES.index(states[q]["move"]) for q in names]
        return Automaton.deterministic(0, nxt, act)
