"""Reduce a stream of rounds to per-round aggregates and per-match outcomes as it goes.

Memory is O(n_matches * n_instruments + n_rounds * n_instruments). Every reduction is
either exact (integer counts) or done per stream unit and combined in unit order, so the
merged result of a run does not depend on how matches were split into blocks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.engine.rounds import Plan, Step

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: ``first_who`` codes.
NOBODY, BOTH = -1, 2


@dataclass
class RunData:
    """Raw reduced output of matches ``offset..offset+n_matches-1``.

    Per round (``R`` rounds, ``K`` instruments, ``L`` = longest ladder, ``U`` stream units):
    ``level_counts`` ``(R, K, L)`` int, ``pay_sum`` ``(R, 2, U)`` (per-unit sums of
    payoffs), ``peace`` ``(R,)`` matches with every instrument at
    baseline, ``escalating`` ``(R, 2)`` matches where each player stepped up.

    Per match (``M`` matches): ``total`` and ``discounted`` ``(2, M)`` payoffs,
    ``first_round`` ``(M,)`` (-1: never), ``first_who`` ``(M,)`` (0, 1, 2 = both, -1 = none),
    ``steps`` ``(2, M)`` rungs stepped up, ``peace_rounds`` ``(M,)`` rounds with every
    instrument at baseline, ``final`` ``(K, M)``.

    Sampled paths: ``traj_levels`` ``(R, K, S)`` and ``traj_payoffs`` ``(R, 2, S)`` for the
    matches with global index below the sample size.
    """

    offset: int
    level_counts: IntArray
    pay_sum: FloatArray
    peace: IntArray
    escalating: IntArray
    total: FloatArray
    discounted: FloatArray
    first_round: NDArray[np.int32]
    first_who: NDArray[np.int8]
    steps: NDArray[np.int32]
    peace_rounds: NDArray[np.int32]
    final: IntArray
    traj_levels: IntArray
    traj_payoffs: FloatArray

    @property
    def n_matches(self) -> int:
        return int(self.total.shape[1])


def reduce_rounds(
    plan: Plan, steps: Iterable[Step], n: int, offset: int, unit_starts: NDArray[np.intp],
    sample: int,
) -> RunData:
    """Consume ``steps`` of a batch of ``n`` matches starting at global index ``offset``."""
    game, rules = plan.game, plan.rules
    r, k, lmax = rules.rounds, game.n_instruments, int(game.n_levels.max())
    u = len(unit_starts)
    spans = [slice(game.of(p)[0], game.of(p)[-1] + 1) for p in (0, 1)]
    s = max(0, min(sample - offset, n))
    out = RunData(
        offset=offset,
        level_counts=np.zeros((r, k, lmax), dtype=np.int64),
        pay_sum=np.zeros((r, 2, u)),
        peace=np.zeros(r, dtype=np.int64),
        escalating=np.zeros((r, 2), dtype=np.int64),
        total=np.zeros((2, n)),
        discounted=np.zeros((2, n)),
        first_round=np.full(n, -1, dtype=np.int32),
        first_who=np.full(n, NOBODY, dtype=np.int8),
        steps=np.zeros((2, n), dtype=np.int32),
        peace_rounds=np.zeros(n, dtype=np.int32),
        final=np.repeat(game.initial_levels[:, None], n, axis=1),
        traj_levels=np.zeros((r, k, s), dtype=np.int8),
        traj_payoffs=np.zeros((r, 2, s)),
    )
    levels_of = [int(x) for x in game.n_levels]
    rise = np.zeros((k, n), dtype=np.int8)
    rises = np.zeros((k, n), dtype=np.int32)  # rungs stepped up, per instrument
    busy_rounds = np.zeros(n, dtype=np.int32)
    weight = 1.0
    pending = True  # some match has not escalated yet
    for st in steps:
        t, lv, pay = st.t, st.levels, st.payoffs
        counts = out.level_counts[t]
        for j in range(k):
            for lvl in range(1, levels_of[j]):
                row = lv[j] if levels_of[j] == 2 else lv[j] == lvl
                counts[j, lvl] = np.count_nonzero(row)
        counts[:, 0] = n - counts[:, 1:].sum(axis=1)
        out.pay_sum[t] = np.add.reduceat(pay, unit_starts, axis=1)
        out.total += pay
        if rules.discount != 1.0:
            out.discounted += weight * pay
            weight *= rules.discount
        busy = lv.any(axis=0)
        out.peace[t] = n - np.count_nonzero(busy)
        busy_rounds += busy
        np.subtract(lv, st.before, out=rise)
        np.maximum(rise, 0, out=rise)
        rises += rise
        ups = [rise[sp.start] if sp.stop - sp.start == 1 else rise[sp].any(axis=0)
               for sp in spans]
        out.escalating[t] = [np.count_nonzero(u) for u in ups]
        if pending:
            new = (out.first_round < 0) & ((ups[0] != 0) | (ups[1] != 0))
            if new.any():
                out.first_round[new] = t
                up0, up1 = ups[0] != 0, ups[1] != 0
                who = np.where(up0 & up1, BOTH, np.where(up0, 0, 1))
                out.first_who[new] = who[new]
                pending = bool(np.any(out.first_round < 0))
        if s:
            out.traj_levels[t] = lv[:, :s]
            out.traj_payoffs[t] = pay[:, :s]
        out.final = lv
    if rules.discount == 1.0:
        out.discounted = out.total.copy()
    out.peace_rounds = (r - busy_rounds).astype(np.int32)
    out.steps = np.stack([rises[sp].sum(axis=0) for sp in spans]).astype(np.int32)
    return out


def merge(parts: Sequence[RunData]) -> RunData:
    """Join the results of consecutive batches (in match order) into one."""
    parts = sorted(parts, key=lambda d: d.offset)
    if len(parts) == 1:
        return parts[0]

    def cat(name: str, axis: int) -> NDArray[np.generic]:
        return np.concatenate([getattr(p, name) for p in parts], axis=axis)

    return RunData(
        offset=parts[0].offset,
        level_counts=sum((p.level_counts for p in parts[1:]), parts[0].level_counts.copy()),
        pay_sum=cat("pay_sum", 2),
        peace=sum((p.peace for p in parts[1:]), parts[0].peace.copy()),
        escalating=sum((p.escalating for p in parts[1:]), parts[0].escalating.copy()),
        total=cat("total", 1),
        discounted=cat("discounted", 1),
        first_round=cat("first_round", 0),
        first_who=cat("first_who", 0),
        steps=cat("steps", 1),
        peace_rounds=cat("peace_rounds", 0),
        final=cat("final", 1),
        traj_levels=cat("traj_levels", 2),
        traj_payoffs=cat("traj_payoffs", 2),
    )
