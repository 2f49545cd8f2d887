"""Reduce a stream of rounds to per-round aggregates and per-match outcomes as it goes.

Memory is O(n_matches * n_instruments + n_rounds * n_instruments). Every reduction is
exact (integer counts) or done per stream unit and combined in unit order, so the merged
result of a run does not depend on how matches were split into blocks.

Payoffs are accounted in one of two ways:

* **by profile**, for small games (at most :data:`PROFILE_ACCOUNTING` joint level
  profiles) without discounting or decoupling: each round counts the matches in each
  joint profile, and each match counts its visits to each profile; payoffs follow exactly
  from the counts and the payoff table at the end, with no floating-point work in the
  round loop;
* **by payoff** otherwise: per-match sums of the stage payoffs (and their discounted
  sums), and per-round sums per stream unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.engine.deals import Deals
from sim.engine.rounds import Plan, Step
from sim.engine.truces import Spells

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: ``first_who`` codes.
NOBODY, BOTH = -1, 2
#: Largest number of joint profiles accounted by profile.
PROFILE_ACCOUNTING = 16


@dataclass
class RunData:
    """Raw reduced output of matches ``offset..offset+n_matches-1``.

    Per round (``R`` rounds, ``K`` instruments, ``L`` = longest ladder):
    ``level_counts`` ``(R, K, L)`` int; ``pay_sum`` ``(R, 2)`` the sum over matches of the
    stage payoffs; ``peace`` ``(R,)`` matches with every instrument at baseline;
    ``escalating`` ``(R, 2)`` matches where each player stepped up.

    Per match (``M`` matches): ``total`` and ``discounted`` ``(2, M)`` payoffs,
    ``first_round`` ``(M,)`` (-1: never), ``first_who`` ``(M,)`` (0, 1, 2 = both, -1 = none)
    of the first strike (docs/model.md, "Escalation"): the first round, from the take-over
    round on (round 0, or the first after a replay), in which a level stands above the
    level in force at take-over, chosen or by execution noise; ``chosen_round`` and
    ``chosen_who`` likewise of the first deliberate strike (a chosen level above both the
    level in force at take-over and the level entering the round),
    ``steps`` ``(2, M)`` rungs stepped up, ``peace_rounds`` ``(M,)`` rounds with every
    instrument at baseline, ``final`` ``(K, M)``.

    Sampled paths: ``traj_levels`` ``(R, K, S)`` and ``traj_payoffs`` ``(R, 2, S)`` for the
    matches with global index below the sample size.

    Truces (zeros without truce machinery): ``in_truce`` ``(R,)`` matches with a truce in
    force, ``rapport_sum`` ``(R,)`` the sum of rapport after each round, ``truce_rounds``
    ``(M,)`` rounds under a truce, ``rapport_final`` ``(M,)``, ``traj_truce`` ``(R, S)``
    and ``spells`` (:class:`sim.engine.truces.Spells`, global match indices); ``deals``
    (:class:`sim.engine.deals.Deals`, global match indices) the bargained truces' terms.
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
    chosen_round: NDArray[np.int32]
    chosen_who: NDArray[np.int8]
    steps: NDArray[np.int32]
    peace_rounds: NDArray[np.int32]
    final: NDArray[np.int8]
    traj_levels: NDArray[np.int8]
    traj_payoffs: FloatArray
    in_truce: IntArray
    rapport_sum: FloatArray
    truce_rounds: NDArray[np.int32]
    rapport_final: FloatArray
    traj_truce: NDArray[np.bool_]
    spells: Spells
    deals: Deals

    @property
    def n_matches(self) -> int:
        return int(self.total.shape[1])


@dataclass
class _Partial:
    """A block's reduction before its per-round payoff sums are final: either exact
    profile counts ``(R, P)`` or per-unit sums ``(R, 2, U)``."""

    data: RunData
    profile_counts: IntArray | None
    unit_sums: FloatArray | None
    rapport_units: FloatArray | None = None


def by_profile(plan: Plan) -> bool:
    """Whether ``plan`` is accounted by profile (see the module docstring)."""
    game = plan.game
    return (
        game.n_profiles <= PROFILE_ACCOUNTING
        and plan.rules.discount == 1.0
        and (not game.decouples)
    )


def reduce_rounds(
    plan: Plan,
    steps: Iterable[Step],
    n: int,
    offset: int,
    unit_starts: NDArray[np.intp],
    sample: int,
) -> _Partial:
    """Consume ``steps`` of a batch of ``n`` matches starting at global index ``offset``."""
    game, rules = plan.game, plan.rules
    r, k, lmax = rules.rounds, game.n_instruments, int(game.n_levels.max())
    spans = game.spans
    s = max(0, min(sample - offset, n))
    profiles = by_profile(plan)
    n_prof = game.n_profiles
    out = RunData(
        offset=offset,
        level_counts=np.zeros((r, k, lmax), dtype=np.int64),
        pay_sum=np.zeros((r, 2)),
        peace=np.zeros(r, dtype=np.int64),
        escalating=np.zeros((r, 2), dtype=np.int64),
        total=np.zeros((2, n)),
        discounted=np.zeros((2, n)),
        first_round=np.full(n, -1, dtype=np.int32),
        first_who=np.full(n, NOBODY, dtype=np.int8),
        chosen_round=np.full(n, -1, dtype=np.int32),
        chosen_who=np.full(n, NOBODY, dtype=np.int8),
        steps=np.zeros((2, n), dtype=np.int32),
        peace_rounds=np.zeros(n, dtype=np.int32),
        final=np.repeat(game.initial_levels.astype(np.int8)[:, None], n, axis=1),
        traj_levels=np.zeros((r, k, s), dtype=np.int8),
        traj_payoffs=np.zeros((r, 2, s)),
        in_truce=np.zeros(r, dtype=np.int64),
        rapport_sum=np.zeros(r),
        truce_rounds=np.zeros(n, dtype=np.int32),
        rapport_final=np.zeros(n),
        traj_truce=np.zeros((r, s), dtype=np.bool_),
        spells=Spells.empty(),
        deals=Deals.empty(k),
    )
    truces = None
    rapport_units = np.zeros((r, len(unit_starts))) if plan.schedule.active else None
    levels_of = [int(x) for x in game.n_levels]
    small = r * lmax < np.iinfo(np.int16).max  # int16 counters cannot overflow
    counter = np.int16 if small else np.int32
    rise = np.zeros((k, n), dtype=np.int8)
    zero = np.zeros((k, n), dtype=np.int8)  # an array, not a scalar: much faster for int8
    rises = np.zeros((k, n), dtype=counter)  # rungs stepped up, per instrument
    busy_rounds: NDArray[np.integer[Any]] = np.zeros(n, dtype=counter)
    busy = np.zeros(n, dtype=np.bool_)
    prof_counts = np.zeros((r, n_prof), dtype=np.int64) if profiles else None
    visits: NDArray[np.integer[Any]] | None = (
        np.zeros((n_prof, n), dtype=counter) if profiles else None
    )
    unit_sums = None if profiles else np.zeros((r, 2, len(unit_starts)))
    codes = [np.full(n, q, dtype=game.profile_dtype) for q in range(n_prof)] if profiles else []
    hit = np.zeros(n, dtype=np.bool_)
    scaled = np.empty((2, n))  # discounted payoffs of a round
    weight = 1.0
    pending = chosen_pending = True  # some match has not escalated (by choice) yet
    chose = np.zeros((k, n), dtype=np.bool_)
    above = np.zeros((k, n), dtype=np.bool_)
    taken_over = plan.schedule.replay + 1  # first strikes are counted from this round on
    in_force: NDArray[np.int8] | None = None  # the levels in force then
    for st in steps:
        t, lv = st.t, st.levels
        counts = out.level_counts[t]
        for j in range(k):
            if levels_of[j] > 8:  # one pass instead of one per level
                counts[j, : levels_of[j]] = np.bincount(lv[j], minlength=levels_of[j])
                continue
            for lvl in range(1, levels_of[j]):
                row = lv[j] if levels_of[j] == 2 else lv[j] == lvl
                counts[j, lvl] = np.count_nonzero(row)
            counts[j, 0] = n - counts[j, 1:].sum()
        if visits is not None and prof_counts is not None:
            idx = game.profile_index(lv)
            for q in range(1, n_prof):
                np.equal(idx, codes[q], out=hit)
                prof_counts[t, q] = np.count_nonzero(hit)
                visits[q] += hit
            prof_counts[t, 0] = n - prof_counts[t, 1:].sum()
        else:
            assert unit_sums is not None
            pay = st.payoffs
            unit_sums[t] = np.add.reduceat(pay, unit_starts, axis=1)
            out.total += pay
            if rules.discount != 1.0:
                np.multiply(pay, weight, out=scaled)
                out.discounted += scaled
                weight *= rules.discount
        np.not_equal(np.bitwise_or.reduce(lv, axis=0), zero[0], out=busy)
        out.peace[t] = n - np.count_nonzero(busy)
        busy_rounds += busy
        np.subtract(lv, st.before, out=rise)
        np.maximum(rise, zero, out=rise)
        rises += rise
        ups = [rise[sp.start] if sp.stop - sp.start == 1 else rise[sp].any(axis=0) for sp in spans]
        out.escalating[t] = [np.count_nonzero(u) for u in ups]
        if t == taken_over:
            in_force = st.before.copy()
        if in_force is not None and pending:  # a level above the level in force
            np.greater(lv, in_force, out=above)
            a0, a1 = (np.any(above[sp], axis=0) for sp in spans)
            pending = _first(out.first_round, out.first_who, t, a0, a1)
        if in_force is not None and chosen_pending:  # a chosen rise above it
            np.greater(st.intended, np.maximum(in_force, st.before), out=chose)
            c0, c1 = (np.any(chose[sp], axis=0) for sp in spans)
            chosen_pending = _first(out.chosen_round, out.chosen_who, t, c0, c1)
        if s:
            out.traj_levels[t] = lv[:, :s]
            out.traj_payoffs[t] = game.payoffs_by_instrument(lv[:, :s], st.exposure)
        if st.truces is not None and rapport_units is not None:
            truces = st.truces
            out.in_truce[t] = np.count_nonzero(truces.covered)
            out.truce_rounds += truces.covered
            rapport_units[t] = np.add.reduceat(truces.rapport, unit_starts)
            if s:
                out.traj_truce[t] = truces.covered[:s]
        out.final = lv
    out.peace_rounds = (r - busy_rounds).astype(np.int32)
    out.steps = np.stack([rises[sp].sum(axis=0) for sp in spans]).astype(np.int32)
    if visits is not None:
        table = game.profile_table()
        visits[0] = r - visits[1:].sum(axis=0)
        for q in range(n_prof):  # a fixed order of elementwise operations: exact per match
            out.total += table[:, q : q + 1] * visits[q]
    if rules.discount == 1.0:
        out.discounted = out.total.copy()
    if truces is not None:
        out.rapport_final = truces.rapport.copy()
        out.spells = truces.spells(r).shifted(offset)
        out.deals = truces.deals().shifted(offset)
    else:
        out.rapport_final[:] = plan.schedule.rapport[0]
    return _Partial(out, prof_counts, unit_sums, rapport_units)


def _first(rounds: NDArray[np.int32], who: NDArray[np.int8], t: int, up0: Any, up1: Any) -> bool:
    """Record round ``t`` and who (0, 1 or 2 = both) for matches escalating for the first
    time; return whether some match has still not escalated."""
    new = (rounds < 0) & (up0 | up1)
    if new.any():
        rounds[new] = t
        code = up1.view(np.int8) + (up0 & up1).view(np.int8)
        who[new] = code[new]
        return bool(np.any(rounds < 0))
    return True


def merge(parts: Sequence[_Partial], plan: Plan) -> RunData:
    """Join the results of consecutive batches (in match order) into one, and finish the
    per-round payoff sums from exact counts or from per-unit sums in unit order."""
    parts = sorted(parts, key=lambda q: q.data.offset)
    ds = [q.data for q in parts]

    def cat(name: str, axis: int) -> Any:
        return np.concatenate([getattr(d, name) for d in ds], axis=axis)

    def add(name: str) -> Any:
        return np.sum([getattr(d, name) for d in ds], axis=0)

    if parts[0].profile_counts is not None:
        counts = np.sum([q.profile_counts for q in parts if q.profile_counts is not None], axis=0)
        pay_sum = counts.astype(float) @ plan.game.profile_table().T
    else:
        pay_sum = np.concatenate(
            [q.unit_sums for q in parts if q.unit_sums is not None], axis=2
        ).sum(axis=2)
    rapport = [q.rapport_units for q in parts if q.rapport_units is not None]
    rapport_sum = (
        np.concatenate(rapport, axis=1).sum(axis=1)
        if rapport
        else np.full(len(ds[0].peace), plan.schedule.rapport[0] * sum(d.n_matches for d in ds))
    )
    return RunData(
        offset=ds[0].offset,
        level_counts=add("level_counts"),
        pay_sum=pay_sum,
        peace=add("peace"),
        escalating=add("escalating"),
        total=cat("total", 1),
        discounted=cat("discounted", 1),
        first_round=cat("first_round", 0),
        first_who=cat("first_who", 0),
        chosen_round=cat("chosen_round", 0),
        chosen_who=cat("chosen_who", 0),
        steps=cat("steps", 1),
        peace_rounds=cat("peace_rounds", 0),
        final=cat("final", 1),
        traj_levels=cat("traj_levels", 2),
        traj_payoffs=cat("traj_payoffs", 2),
        in_truce=add("in_truce"),
        rapport_sum=rapport_sum,
        truce_rounds=cat("truce_rounds", 0),
        rapport_final=cat("rapport_final", 0),
        traj_truce=cat("traj_truce", 1),
        spells=Spells.concat([d.spells for d in ds]).sorted(),
        deals=Deals.concat([d.deals for d in ds], plan.game.n_instruments).sorted(),
    )
