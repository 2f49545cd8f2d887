"""Strategies that are their automaton: the kinds a scenario file defines without code.

A :class:`MachineStrategy` is described by an :class:`~sim.strategies.automaton.Automaton`
over the two moves, restrain (C) and escalate (D), and plays it on any game:

* what it reads each round is ``x = 2 * own + seen``, where ``own`` is whether any of its
  own instruments is above baseline and ``seen`` whether any of the opponent's is, as it
  perceives them (in round 0, the levels in force);
* C puts every own instrument at baseline and D moves each one rung up from where it
  stands, as the classics do (:mod:`sim.strategies.classic`); on a two-level ladder that
  is exactly the prisoner's dilemma's C and D.

Its facts are computed from the automaton (:func:`machine_facts`), so they cannot
disagree with its play, and in a two-move game tournaments run the same automaton by
table lookup.
"""

from __future__ import annotations

import math
from abc import abstractmethod
from typing import Any

import numpy as np

from sim.errors import Problem
from sim.stats.streams import BatchRandom
from sim.strategies.automaton import Automaton
from sim.strategies.base import Facts, LevelArray, Observation, Seat, Strategy, escalated
from sim.strategies.registry import StrategyError

MOVES = "CD"

#: How many rounds :func:`machine_facts` follows a fixed opponent before it stops, and
#: the memory depth beyond which it reports ``inf``.
HORIZON = 4096
MAX_DEPTH = 64


class MachineStrategy(Strategy):
    """A strategy played by its automaton (see the module doc). Subclasses give
    :meth:`machine`; the rest (decide, facts, the tournament automaton) follows."""

    @classmethod
    @abstractmethod
    def machine(cls, params: Any) -> Automaton:
        """The automaton of ``params`` (the same in every seat)."""

    def __init__(self, params: Any, seat: Seat, n: int) -> None:
        super().__init__(params, seat, n)
        self.m = m = self.machine(params)
        self.state = np.full(n, m.start, dtype=np.int64)
        self.act = np.where(m.threshold > 0, m.low, m.high)  # the move without a draw

    @classmethod
    def facts(cls, params: Any) -> Facts:
        return machine_facts(cls.machine(params))

    @classmethod
    def automaton(cls, params: Any, seat: Seat) -> Automaton:
        return cls.machine(params)

    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        m = self.m
        x = 2 * escalated(obs.own) + escalated(obs.opp)
        self.state = s = m.next[self.state, x]
        if m.draws:
            u = rng.random(m.draws)[0]
            move = np.where(u < m.threshold[s], m.low[s], m.high[s])
        else:
            move = self.act[s]
        out: LevelArray = np.where(move.astype(bool), self.seat.step_up(obs.own), 0)
        return out


def moves_of(text: str, where: str, problems: list[Problem]) -> list[int]:
    """A string of moves (``"CCD"``, spaces ignored) as 0 (C) and 1 (D)."""
    letters = "".join(text.split())
    bad = sorted(set(letters) - set(MOVES))
    if bad:
        problems.append(Problem(where, f"{text!r}: expected the letters C and D, got {bad}"))
        return []
    return [MOVES.index(c) for c in letters]


def fail(problems: list[Problem]) -> None:
    """Raise the problems found in a kind's parameters (at most 20, then a count)."""
    if problems:
        shown = problems[:20]
        if len(problems) > 20:
            shown.append(Problem("", f"... and {len(problems) - 20} more problems"))
        raise StrategyError(shown)


# ------------------------------------------------------------------ facts
def _moves(m: Automaton, s: int) -> tuple[int, ...]:
    """The moves state ``s`` can play: one, or both when it draws between them."""
    t, lo, hi = float(m.threshold[s]), int(m.low[s]), int(m.high[s])
    can = {lo} if t >= 1 else {hi} if t <= 0 or m.draws == 0 else {lo, hi}
    return tuple(sorted(can))


def _step(m: Automaton, states: frozenset[int], opp: int) -> frozenset[int]:
    return frozenset(int(m.next[s, 2 * a + opp]) for s in states for a in _moves(m, s))


def _rounds(m: Automaton, opponent: Any) -> list[frozenset[int]]:
    """The states it can be in at rounds 0, 1, ... against ``opponent(t)`` (its move in
    round ``t``, 0 or 1, constant from round 8 on), noiseless, until a set of states
    comes back or :data:`HORIZON`."""
    now = frozenset([int(m.next[m.start, 0])])  # round 0 reads the baseline in force
    out, seen = [now], set()
    for t in range(HORIZON):
        if t >= 8:
            if now in seen:
                break
            seen.add(now)
        now = _step(m, now, opponent(t))
        out.append(now)
    return out


def machine_facts(m: Automaton) -> Facts:
    """The facts of an automaton's play, in noiseless play from baseline (the definitions
    of :class:`~sim.strategies.base.Facts`, which tests/strategies check by simulation):

    * nice: against an opponent that always restrains, it never can escalate;
    * retaliatory: against one that always escalates, it can escalate at some round;
    * forgiving: against one that escalates in round 3 only, it ends at baseline for good
      with probability 1 (from every state it can reach, it can reach states that restrain
      and lead only to such states);
    * stochastic: some state it can reach draws between restraint and escalation;
    * memory_depth: the least ``k`` such that the last ``k`` rounds (own and opponent's
      moves) fix its next move, ``inf`` beyond :data:`MAX_DEPTH`.
    """
    can_d = [1 in _moves(m, s) for s in range(m.n_states)]
    nice = not any(can_d[s] for q in _rounds(m, lambda t: 0) for s in q)
    retaliatory = any(can_d[s] for q in _rounds(m, lambda t: 1) for s in q)
    once = _rounds(m, lambda t: int(t == 3))
    reach = _closure(m, once[min(4, len(once) - 1)], opps=(0,))
    good = {s for s in reach if not can_d[s]}
    while True:  # the closed set of states that restrain and lead only to such states
        bad = {s for s in good if int(m.next[s, 0]) not in good}
        if not bad:
            break
        good -= bad
    forgiving = bool(good) and all(_closure(m, frozenset([s]), opps=(0,)) & good for s in reach)
    reachable = _closure(m, frozenset([int(m.next[m.start, 0])]), opps=(0, 1))
    stochastic = m.draws > 0 and any(len(_moves(m, s)) > 1 for s in reachable)
    return Facts(
        nice=nice,
        retaliatory=retaliatory,
        forgiving=forgiving,
        stochastic=stochastic,
        memory_depth=_memory_depth(m),
    )


def _closure(m: Automaton, start: frozenset[int], opps: tuple[int, ...]) -> frozenset[int]:
    """States reachable from ``start`` (included) in noiseless play against opponent moves
    drawn from ``opps``."""
    seen, todo = set(start), list(start)
    while todo:
        s = todo.pop()
        for a in _moves(m, s):
            for o in opps:
                nxt = int(m.next[s, 2 * a + o])
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
    return frozenset(seen)


def _memory_depth(m: Automaton) -> float:
    """The least ``k`` such that its move in round ``t`` is a function of ``t`` and of the
    last ``k`` rounds (own and opponent's levels as they stood, whatever noise did to
    them); ``inf`` beyond :data:`MAX_DEPTH`."""

    def behaviour(s: int) -> tuple[float, ...]:
        moves = _moves(m, s)
        return (float(moves[0]),) if len(moves) == 1 else (float(m.threshold[s]), 2.0)

    def step(q: frozenset[int], x: int) -> frozenset[int]:
        return frozenset(int(m.next[s, x]) for s in q)

    # The states it can be in at round t, until they repeat (then they cycle).
    rounds = [frozenset([int(m.next[m.start, 0])])]
    while rounds[-1] not in rounds[:-1]:
        rounds.append(frozenset(int(m.next[s, x]) for s in rounds[-1] for x in range(4)))
    first = rounds.index(rounds[-1])
    period = len(rounds) - 1 - first

    def at(t: int) -> frozenset[int]:
        return rounds[t] if t < first else rounds[first + (t - first) % period]

    for k in range(MAX_DEPTH + 1):
        uniform = True
        for t in range(len(rounds) + k):
            j = max(0, t - k)
            layer = {at(j)}
            for _ in range(t - j):
                layer = {step(q, x) for q in layer for x in range(4)}
            if any(len({behaviour(s) for s in q}) > 1 for q in layer):
                uniform = False
                break
        if uniform:
            return k
    return math.inf
