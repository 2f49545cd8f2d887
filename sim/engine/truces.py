"""Truces, rapport and negotiation inside a batch of matches.

A truce caps instruments at agreed levels for a term. Each round, in this order:

1. :meth:`TruceState.open_round` (before the players decide): scheduled truces start
   (a start of the truce in force renews it; another one supersedes it); truces whose term
   ends are renewed with their probability or expire; where no truce was in force when
   the round began, negotiation may form one (one uniform
   draw per match and round serves both). A truce that starts lowers the levels above its
   caps.
2. The players decide, seeing the caps and rapport (:class:`sim.strategies.base.TruceView`).
3. :meth:`TruceState.close_round` (after execution noise): a level above its cap is a
   breach and ends the truce, attributed to the player(s) whose level exceeded a cap, as
   *chosen* when that player's intended level already did, else as *noise*. Rapport falls
   by ``erosion`` per rung either side stepped up and rises by ``repair`` per kept round.

Every spell is recorded (:meth:`TruceState.spells`); a spell's ``rounds`` counts the
rounds the truce was in force, including the round of a breach.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.engine.deals import Bargainer, Deals
from sim.model import Game
from sim.scenario.schedule import Schedule, resolve_caps
from sim.stats.streams import BatchRandom
from sim.strategies.base import TruceView

#: Why a spell ended (``Spells.ended``).
BREACH, EXPIRED, SUPERSEDED, HORIZON = 0, 1, 2, 3
ENDINGS = ("breach", "expired", "superseded", "horizon")
#: How a breach happened (``Spells.breach``); -1 when there was none.
CHOSEN, NOISE = 0, 1


@dataclass(eq=False)
class Spells:
    """Truce spells as columns (one entry per spell); equal when every column is."""

    match: NDArray[np.int64]
    kind: NDArray[np.int16]
    start: NDArray[np.int32]
    end: NDArray[np.int32]
    rounds: NDArray[np.int32]
    renewals: NDArray[np.int32]
    ended: NDArray[np.int8]
    who: NDArray[np.int8]
    breach: NDArray[np.int8]

    @classmethod
    def concat(cls, parts: list[Spells]) -> Spells:
        if not parts:
            return cls.empty()
        return cls(
            **{
                name: np.concatenate([getattr(p, name) for p in parts])
                for name in cls.__dataclass_fields__
            }
        )

    @classmethod
    def empty(cls) -> Spells:
        types = cls._types()
        return cls(**{name: np.zeros(0, dtype=dt) for name, dt in types.items()})

    @staticmethod
    def _types() -> dict[str, type[np.generic]]:
        return {
            "match": np.int64,
            "kind": np.int16,
            "start": np.int32,
            "end": np.int32,
            "rounds": np.int32,
            "renewals": np.int32,
            "ended": np.int8,
            "who": np.int8,
            "breach": np.int8,
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Spells):
            return NotImplemented
        return all(
            getattr(self, f).dtype == getattr(other, f).dtype
            and np.array_equal(getattr(self, f), getattr(other, f))
            for f in self.__dataclass_fields__
        )

    __hash__ = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return int(self.match.shape[0])

    def sorted(self) -> Spells:
        """In match order, then start round."""
        order = np.lexsort((self.start, self.match))
        return Spells(**{name: getattr(self, name)[order] for name in self.__dataclass_fields__})

    def shifted(self, offset: int) -> Spells:
        """With match indices moved by ``offset`` (local to global)."""
        out = Spells(**{name: getattr(self, name) for name in self.__dataclass_fields__})
        out.match = self.match + offset
        return out


class TruceState:
    """Truce, rapport and negotiation state of ``n`` matches."""

    def __init__(self, game: Game, schedule: Schedule, n: int, rng: BatchRandom | None) -> None:
        self.game, self.schedule, self.n = game, schedule, n
        self.uniforms = rng.uniform_stream() if rng is not None else None
        k = game.n_instruments
        self.top = (game.n_levels - 1).astype(np.int8)[:, None]
        self.spans = game.spans
        self.caps = np.repeat(self.top, n, axis=1)
        self.active = np.zeros(n, dtype=np.bool_)
        self.covered = np.zeros(n, dtype=np.bool_)  # a truce was in force this round
        self.kind = np.full(n, -1, dtype=np.int16)
        self.start = np.zeros(n, dtype=np.int32)
        self.end = np.zeros(n, dtype=np.int32)  # the round the current term ends
        self.length = np.zeros(n, dtype=np.int32)  # the current truce's term
        self.renewals = np.zeros(n, dtype=np.int32)
        initial, self.erosion, self.repair = schedule.rapport
        self.rapport = np.full(n, initial)
        self.terms = np.array([kd.term for kd in schedule.kinds], dtype=np.int32)
        self.renewal = np.array([kd.renewal for kd in schedule.kinds])
        self._closed: list[Spells] = []
        self._rise = np.zeros((k, n), dtype=np.int8)
        self._zero = np.zeros((k, n), dtype=np.int8)
        self._baseline: NDArray[np.float64] | None = None
        rule = schedule.bargaining
        self.bargainer = Bargainer(game, rule) if rule is not None else None

    # ------------------------------------------------------------------ views
    def view(self, player: int) -> TruceView:
        """What ``player`` sees: whether a truce is in force, both sides' caps, rapport."""
        own, opp = self.spans[player], self.spans[1 - player]
        return TruceView(self.active, self.caps[own], self.caps[opp], self.rapport)

    # ------------------------------------------------------------------ round
    def open_round(self, t: int, levels: NDArray[np.int8]) -> NDArray[np.int8]:
        """Start, renew, expire and negotiate truces for round ``t``; return the levels in
        force when the players decide (lowered to the caps of truces that start)."""
        sched = self.schedule
        replaying = t <= sched.replay
        # One uniform per match and round serves both draws: renewal concerns matches
        # whose truce ends now, negotiation those that had none at the start of the round.
        draw = None
        if self.uniforms is not None and t > sched.replay:  # drawn only after the replay
            draw = self.uniforms.draw()
        idle = ~self.active
        started = np.zeros(self.n, dtype=np.bool_)
        for event in sched.starts.get(t, ()):
            if event.bargained:
                # A scenario starts bargained truces after its replay; only a forced replay
                # of a whole record (the fit) reaches one inside it, and there the record's
                # levels, not a bargain, say what happened.
                if not replaying:
                    self._bargained(np.arange(self.n), levels, t, event.kind, started)
                continue
            same = self.active & (self.kind == event.kind)
            other = self.active & ~same
            self._close(other, t, SUPERSEDED)
            self.renewals[same] += 1
            fresh = ~same
            self.start[fresh], self.renewals[fresh] = t, 0
            self.kind[:] = event.kind
            self.length[:] = self.terms[event.kind]
            self.end[:] = t + self.length
            self.active[:] = True
            started[:] = True
            self.caps = resolve_caps(event.caps, levels, self.top)
        due = self.active & (self.end == t)
        if due.any():
            renew = np.zeros(self.n, dtype=np.bool_)
            if draw is not None:
                renew = due & (draw < self.renewal[self.kind])
            elif not replaying:
                renew = due & (self.renewal[self.kind] >= 1.0)
            self.end[renew] += self.length[renew]
            self.renewals[renew] += 1
            self._close(due & ~renew, t, EXPIRED)
        neg = sched.negotiation
        if neg is not None and draw is not None:
            willing = idle & ~self.active & (draw < neg.p_agree)
            willing &= (self.rapport > 0) & (self.rapport >= neg.min_rapport)
            idx = np.flatnonzero(willing)
            if idx.size:
                loss = self._loss(levels[:, idx], t)
                idx = idx[(loss[0] >= neg.threshold[0]) & (loss[1] >= neg.threshold[1])]
            if idx.size and self.bargainer is not None:
                self._bargained(idx, levels, t, neg.kind, started)
            elif idx.size:
                self.caps[:, idx] = rollback_caps(levels[:, idx], neg.rollback)
                self.kind[idx] = neg.kind
                self.start[idx], self.renewals[idx] = t, 0
                self.length[idx] = self.terms[neg.kind]
                self.end[idx] = t + self.length[idx]
                self.active[idx] = True
                started[idx] = True
        self.covered = self.active.copy()
        if started.any():
            return np.minimum(levels, self.caps)
        return levels

    def close_round(
        self,
        t: int,
        before: NDArray[np.int8],
        intended: NDArray[np.int8],
        now: NDArray[np.int8],
    ) -> None:
        """Detect breaches in round ``t`` and update rapport."""
        if self.active.any():
            over = now > self.caps
            b = [
                (over[sp.start] if sp.stop - sp.start == 1 else np.any(over[sp], axis=0))
                & self.active
                for sp in self.spans
            ]
            broken = b[0] | b[1]
            if broken.any():
                meant = intended > self.caps
                chosen = (b[0] & np.any(meant[self.spans[0]], axis=0)) | (
                    b[1] & np.any(meant[self.spans[1]], axis=0)
                )
                who = b[1].view(np.int8) + (b[0] & b[1]).view(np.int8)  # 0, 1 or 2 = both
                how = np.where(chosen, CHOSEN, NOISE).astype(np.int8)
                self._close(broken, t, BREACH, who, how)
        if self.erosion > 0:
            np.subtract(now, before, out=self._rise)
            np.maximum(self._rise, self._zero, out=self._rise)
            steps = self._rise[0].astype(np.float64)
            for j in range(1, self._rise.shape[0]):
                steps += self._rise[j]
            steps *= self.erosion
            self.rapport -= steps
            np.maximum(self.rapport, 0.0, out=self.rapport)
        if self.repair > 0:
            self.rapport += self.repair * self.active
            np.minimum(self.rapport, 1.0, out=self.rapport)

    def spells(self, rounds: int) -> Spells:
        """Every spell of the batch; spells still in force are closed at the horizon."""
        self._close(self.active.copy(), rounds, HORIZON)
        return Spells.concat(self._closed).sorted()

    def deals(self) -> Deals:
        """Every bargained deal of the batch (empty without [bargaining])."""
        if self.bargainer is None:
            return Deals.empty(self.game.n_instruments)
        return self.bargainer.deals()

    # ------------------------------------------------------------------ helpers
    def _bargained(
        self,
        idx: NDArray[np.intp],
        levels: NDArray[np.int8],
        t: int,
        kind: int,
        started: NDArray[np.bool_],
    ) -> None:
        """Matches ``idx`` bargain a truce of ``kind`` from their levels in force; those
        whose sides both gain from a deal start it (renewing a truce of the same kind in
        force, superseding another); the others carry on as they were."""
        assert self.bargainer is not None
        won, caps, terms = self.bargainer.strike(
            idx, levels[:, idx], t, kind, int(self.terms[kind])
        )
        if not won.size:
            return
        mask = np.zeros(self.n, dtype=np.bool_)
        mask[won] = True
        same = mask & self.active & (self.kind == kind)
        self._close(mask & self.active & ~same, t, SUPERSEDED)
        self.renewals[same] += 1
        fresh = mask & ~same
        self.start[fresh], self.renewals[fresh] = t, 0
        self.kind[won] = kind
        self.length[won] = terms
        self.end[won] = t + terms
        self.active[won] = True
        started[won] = True
        self.caps[:, won] = caps

    def _loss(self, levels: NDArray[np.int8], t: int) -> NDArray[np.float64]:
        """Each player's payoff at baseline minus its payoff now, ``(2, n)``."""
        exposure = self.game.exposure(t)
        if self._baseline is None or self.game.decouples:
            zero = np.zeros((self.game.n_instruments, 1), dtype=np.int8)
            self._baseline = self.game.payoffs_by_instrument(zero, exposure)
        loss: NDArray[np.float64] = self._baseline - self.game.payoffs_by_instrument(
            levels, exposure
        )
        return loss

    def _close(
        self,
        mask: NDArray[np.bool_],
        t: int,
        ended: int,
        who: NDArray[np.int8] | None = None,
        how: NDArray[np.int8] | None = None,
    ) -> None:
        if not mask.any():
            return
        idx = np.flatnonzero(mask)
        start = self.start[idx]
        rounds = t - start + (1 if ended == BREACH else 0)
        self._closed.append(
            Spells(
                match=idx.astype(np.int64),
                kind=self.kind[idx].copy(),
                start=start.copy(),
                end=np.full(idx.size, t, dtype=np.int32),
                rounds=rounds.astype(np.int32),
                renewals=self.renewals[idx].copy(),
                ended=np.full(idx.size, ended, dtype=np.int8),
                who=(who[idx] if who is not None else np.full(idx.size, -1)).astype(np.int8),
                breach=(how[idx] if how is not None else np.full(idx.size, -1)).astype(np.int8),
            )
        )
        self.active[idx] = False
        self.kind[idx] = -1
        self.caps[:, idx] = self.top


def rollback_caps(levels: NDArray[np.int8], rule: str | float) -> NDArray[np.int8]:
    """Caps of a negotiated truce from the levels when it forms."""
    if rule == "baseline":
        return np.zeros_like(levels)
    if rule == "freeze":
        return levels.copy()
    kept = np.floor(levels.astype(np.float64) * (1.0 - float(rule)) + 1e-9)
    return kept.astype(np.int8)
