"""Bargained truce terms: what each side's threat buys it at the table (no I/O).

When the two sides negotiate in round ``t`` with the levels ``threat`` in force, the
outcomes on the table are every profile of levels at or below ``threat`` (each side
lowers its own instruments or holds them), held for one of the candidate terms ``T``.
Disagreement keeps the levels in force. Each outcome's value to player ``i`` is its
discounted surplus over the term,

    V_i(p, T) = sum_{s < T} delta**s * (u_i(p, t + s) - u_i(threat, t + s)),

with the stage payoffs ``u_i`` at each round's exposure (decoupling). Payoffs are linear
in exposure, so ``V_i = D(T) * (u_i(p; e) - u_i(threat; e))`` with the annuity
``D(T) = sum_{s < T} delta**s`` and the discount-weighted mean exposure ``e`` over the
term. The terms are the outcome that implements the bargaining solution
(:mod:`sim.model.bargain`) over these values. A longer term is worth more to a side only
while its surplus stays positive: under decoupling, the target of a fading instrument
gains less and less from its removal and prefers a short term, while the side whose
leverage fades prefers to lock a deal in for long.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.model.bargain import Solution, nash, rubinstein
from sim.model.game import Game

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

SOLUTIONS = ("nash", "rubinstein")
#: Most outcomes (profiles x terms) one negotiation may weigh.
MAX_OUTCOMES = 1 << 22


@dataclass(frozen=True)
class Rule:
    """How the two sides bargain.

    Attributes
    ----------
    solution : ``"nash"`` or ``"rubinstein"``
    weight : player 0's Nash bargaining weight, in [0, 1] (player 1's is ``1 - weight``)
    discount : each player's discount factor per offer (Rubinstein), in (0, 1)
    first : the player who proposes first (Rubinstein)
    terms : the candidate terms in rounds (empty: the truce's own term)
    delta : the per-round discount factor that values a term (the simulation's)
    """

    solution: str = "nash"
    weight: float = 0.5
    discount: tuple[float, float] = (0.9, 0.9)
    first: int = 0
    terms: tuple[int, ...] = ()
    delta: float = 1.0

    def solve(self, surplus: FloatArray) -> Solution:
        """The rule's solution over outcomes ``surplus`` ``(m, 2)``."""
        if self.solution == "nash":
            return nash(surplus, self.weight)
        if self.solution == "rubinstein":
            return rubinstein(surplus, self.discount, self.first)
        raise ValueError(f"unknown bargaining solution {self.solution!r}; expected {SOLUTIONS}")


@dataclass(frozen=True)
class Table:
    """The outcomes of one negotiation: outcome ``o`` is the profile ``levels[o]`` held for
    ``term[o]`` rounds, with discounted surplus ``surplus[o]`` and per-round payoffs
    ``payoff[o]`` (discounted means over its term); ``threat[o]`` is the per-round payoff
    of disagreement over the same term."""

    levels: NDArray[np.int8]  # (m, k)
    term: IntArray  # (m,)
    surplus: FloatArray  # (m, 2)
    payoff: FloatArray  # (m, 2)
    threat: FloatArray  # (m, 2)


@dataclass(frozen=True)
class Deal:
    """The bargained terms of one negotiation (``caps`` is ``None`` when no outcome leaves
    both sides better off than disagreement, so no truce forms).

    ``threat_payoff``, ``payoff`` and ``solution`` are per-round payoffs (discounted means
    over the terms' term): at the levels in force, under the terms, and at the exact
    solution (a lottery between neighbouring outcomes, which the terms round to the nearest
    outcome; its surplus is spread over the terms' term, an approximation when the
    neighbours have different terms).
    """

    round: int
    threat: tuple[int, ...]
    caps: tuple[int, ...] | None
    term: int
    threat_payoff: tuple[float, float]
    payoff: tuple[float, float]
    solution: tuple[float, float]
    table: Table | None = field(default=None, repr=False, compare=False)

    @property
    def gain(self) -> tuple[float, float]:
        """Each side's gain per round from the deal (0 without one)."""
        return (self.payoff[0] - self.threat_payoff[0], self.payoff[1] - self.threat_payoff[1])


def annuity(delta: float, term: int) -> float:
    """``sum_{s < term} delta**s``."""
    return float(term) if delta == 1.0 else (1.0 - delta**term) / (1.0 - delta)


def mean_exposure(game: Game, t: int, term: int, delta: float) -> FloatArray:
    """The discount-weighted mean exposure over rounds ``t .. t + term - 1``,
    ``(n_instruments,)``."""
    if not game.decouples:
        return np.ones(game.n_instruments)
    s = np.arange(term, dtype=np.float64)
    w = delta**s
    e: FloatArray = (w[:, None] * game.exposure(t + s)).sum(axis=0) / w.sum()
    return e


def outcome_count(threat: NDArray[np.integer[Any]], terms: int) -> int:
    """How many outcomes a negotiation from ``threat`` weighs."""
    return int(np.prod(np.asarray(threat, dtype=np.int64) + 1)) * terms


def table(game: Game, threat: IntArray, t: int, terms: tuple[int, ...], delta: float) -> Table:
    """Every outcome of a negotiation in round ``t`` from the levels ``threat``
    ``(n_instruments,)``, for the candidate ``terms``, in C order over the profiles (player
    0's instruments first, lower levels first), then term."""
    threat = np.asarray(threat, dtype=np.int64)
    rows, cols = _below(game, threat, 0), _below(game, threat, 1)
    at = (_index(game, threat, 0), _index(game, threat, 1))
    parts = []
    for term in terms:
        m = game.payoff_matrices(mean_exposure(game, t, term, delta))
        sub = m[:, rows][:, :, cols].reshape(2, -1).T
        d = m[:, at[0], at[1]]
        parts.append((sub, d, term))
    prof0, prof1 = game.profiles(0)[rows], game.profiles(1)[cols]
    joint = np.concatenate(
        [np.repeat(prof0, len(prof1), axis=0), np.tile(prof1, (len(prof0), 1))], axis=1
    )
    n = joint.shape[0]
    payoff = np.concatenate([p[0] for p in parts])
    threat_pay = np.concatenate([np.broadcast_to(p[1], (n, 2)) for p in parts])
    term_col = np.repeat(np.array(terms, dtype=np.int64), n)
    scale = np.repeat([annuity(delta, tt) for tt in terms], n)
    return Table(
        levels=np.tile(joint, (len(terms), 1)).astype(np.int8),
        term=term_col,
        surplus=(payoff - threat_pay) * scale[:, None],
        payoff=payoff,
        threat=threat_pay,
    )


def bargain(
    game: Game,
    threat: IntArray,
    t: int,
    rule: Rule,
    default_term: int,
    *,
    keep_table: bool = False,
) -> Deal:
    """The bargained terms of a negotiation in round ``t`` from the levels ``threat``."""
    terms = rule.terms or (default_term,)
    tab = table(game, threat, t, terms, rule.delta)
    sol = rule.solve(tab.surplus)
    threat_t = tuple(int(x) for x in np.asarray(threat))
    kept = tab if keep_table else None
    if not sol.deal:
        d = tab.threat[0]
        pay = (float(d[0]), float(d[1]))
        return Deal(t, threat_t, None, 0, pay, pay, pay, kept)
    o = sol.outcome
    scale = annuity(rule.delta, int(tab.term[o]))
    d = tab.threat[o]
    exact = (float(d[0] + sol.surplus[0] / scale), float(d[1] + sol.surplus[1] / scale))
    return Deal(
        round=t,
        threat=threat_t,
        caps=tuple(int(x) for x in tab.levels[o]),
        term=int(tab.term[o]),
        threat_payoff=(float(d[0]), float(d[1])),
        payoff=(float(tab.payoff[o, 0]), float(tab.payoff[o, 1])),
        solution=exact,
        table=kept,
    )


def _below(game: Game, threat: IntArray, player: int) -> NDArray[np.intp]:
    """Indices of ``player``'s level profiles at or below its levels in ``threat``."""
    own = threat[game.of(player)]
    ok = np.all(game.profiles(player) <= own, axis=1)
    return np.flatnonzero(ok)


def _index(game: Game, threat: IntArray, player: int) -> int:
    sizes = [game.instruments[j].n_levels for j in game.of(player)]
    return int(np.ravel_multi_index(tuple(threat[game.of(player)]), sizes))
