"""``never_strike_first``: never open, always strike back, in proportion.

The posture Trivium China described in April 2025 as "hit back, and wait": match, and
carefully not exceed, the intensity of the other side's moves (``../shared/data/
literature.md`` section 10). Retaliation is counted in the *pain* it inflicts on the target,
not in rungs, because the two sides' instruments differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import numpy as np
from annotated_types import Ge
from numpy.typing import NDArray

from sim.stats.streams import BatchRandom
from sim.strategies.base import Facts, LevelArray, Observation, Seat, Strategy
from sim.strategies.registry import register

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class NeverStrikeFirstParams:
    ratio: Annotated[float, Ge(0)] = field(
        default=1.0,
        metadata={
            "doc": "pain inflicted per unit of pain received (1.0: matched, never exceeded)"
        },
    )
    lag: Annotated[int, Ge(0)] = field(
        default=0, metadata={"doc": "extra rounds before striking back (0: the next round)"}
    )
    cap: Annotated[float, Ge(0)] | None = field(
        default=None,
        metadata={
            "doc": "most pain per round it will ever inflict (payoff units); none by default"
        },
    )
    instrument_choice: Literal["mirror", "most_leverage", "spread"] = field(
        default="mirror",
        metadata={
            "doc": "mirror: answer on the paired instrument; most_leverage: use the highest "
            "pain-to-own-cost instrument first; spread: climb all instruments in turn"
        },
    )
    forgive: bool = field(
        default=True, metadata={"doc": "de-escalate when the opponent does (else never step down)"}
    )


@register
class NeverStrikeFirst(Strategy):
    """Never escalates first; answers escalation with ``ratio`` times the pain received.

    Each round it reads the pain the opponent's (perceived) levels inflict on it, as they
    stood ``lag`` rounds before the last, and picks own levels whose pain on the opponent is
    as close as possible to ``ratio`` times that without exceeding it (nor ``cap``):

    * ``mirror``: each own instrument answers the pain of the opponent instruments paired
      with it (``answers`` in the scenario, else by position);
    * ``most_leverage``: climbs its instruments in order of leverage (pain to the target per
      unit of own cost at the top level, e.g. rare earths), each to the top before the next;
    * ``spread``: climbs one rung on each instrument in turn, in the same order.

    With ``forgive`` it steps down as soon as the opponent does; without, it never steps
    down. It keeps a truce (stays within its caps) until it sees the other side breach it.
    On the two-level prisoner's dilemma with ``ratio=1`` it is tit-for-tat.

    **The state in force.** It answers the pain the opponent inflicts *beyond* what the
    opponent's levels in force when it took over inflict (:meth:`take_over`: round 0, or
    the first round after a replay), both at this round's exposure, and it adds its answer
    to its own levels in force then. So it holds the state it takes over (the record's
    levels after a replay, a scenario's starting levels), climbs only when the opponent
    climbs above that state, and steps down, with ``forgive``, when the opponent steps
    down below it. From baseline (the usual start) this is the pain received itself. Its
    lag memory starts full of that state: no pain beyond it.
    """

    name = "never_strike_first"
    summary = "Never escalate first; strike back with ratio x the pain received."
    Params = NeverStrikeFirstParams

    def __init__(self, params: NeverStrikeFirstParams, seat: Seat, n: int) -> None:
        super().__init__(params, seat, n)
        game = seat.game
        k_own = len(seat.own)
        self.answer = np.array([i for i, _ in seat.pairs], dtype=np.int64)  # per opp position
        self.memory = np.zeros((params.lag, k_own, n))  # pain beyond the state, newest first
        # The state in force at take-over (baseline until then): own and opponent levels.
        self.ref_own: LevelArray = np.zeros((k_own, n), dtype=np.int64)
        self.ref_opp: LevelArray = np.zeros((len(seat.opp), n), dtype=np.int64)
        self._path_key: bytes | None = None
        self._path: tuple[LevelArray, FloatArray, int] | None = None
        self._mirror_key: bytes | None = None
        self._mirror: list[tuple[FloatArray, NDArray[np.intp]]] = []
        self._strict = False  # every own ladder's pain rises rung by rung (see _mirror_tables)
        # The state in force as one column when every match has the same (the usual case).
        self._ref_cols: tuple[LevelArray, LevelArray] | None = (
            np.zeros(k_own, dtype=np.int64),
            np.zeros(len(seat.opp), dtype=np.int64),
        )
        # Pain received counts only as harm (a move that helps the player is no strike), and
        # a level's harm is the most of any rung up to it: a step down is never a strike.
        self.harm = np.maximum.accumulate(np.maximum(game.pain, 0.0), axis=1)
        scale = float(np.max(game.pain)) if game.pain.size else 1.0
        self.tol = 1e-9 * max(scale, 1.0)

    @classmethod
    def facts(cls, params: Any) -> Facts:
        return Facts(
            nice=True,
            retaliatory=params.ratio > 0,
            forgiving=params.forgive,
            stochastic=False,
            memory_depth=params.lag + 1,
        )

    # -- pain bookkeeping -------------------------------------------------------------------
    def _received(self, opp: LevelArray, exposure: FloatArray) -> FloatArray:
        """Pain that opponent levels ``opp`` inflict, bucketed by answering own instrument:
        ``(k_own, n)``."""
        seat = self.seat
        out = np.zeros((len(seat.own), self.n))
        for jp, j in enumerate(seat.opp):
            out[self.answer[jp]] += exposure[j] * self.harm[j].take(opp[jp])
        return out

    def _own_pain(self, exposure: FloatArray) -> FloatArray:
        """Pain of each own level on the opponent, made non-decreasing: ``(k_own, L)``."""
        own = self.seat.own
        return np.maximum.accumulate(exposure[own, None] * self.seat.game.pain[own], axis=1)

    def _mirror_tables(self, exposure: FloatArray) -> list[tuple[FloatArray, NDArray[np.intp]]]:
        """Per own instrument: its non-decreasing pain by level, and for each level the first
        level of its plateau (so a level that adds no pain is never chosen)."""
        key = exposure.tobytes()
        if self._mirror_key != key:
            pain = self._own_pain(exposure)
            self._mirror = []
            for i in range(len(self.seat.own)):
                row = pain[i, : int(self.seat.own_top[i, 0]) + 1]
                self._mirror.append((row, _plateau_starts(row, self.tol)))
            # With pain rising by more than the tolerance at every rung, the level chosen for
            # the pain of a level in force is that level, so no hold is needed (_hold).
            self._strict = all(np.all(np.diff(row) > 2 * self.tol) for row, _ in self._mirror)
            self._mirror_key = key
        return self._mirror

    def _climb_path(
        self, exposure: FloatArray, through: LevelArray
    ) -> tuple[LevelArray, FloatArray, int]:
        """Profiles visited when climbing (most_leverage or spread) from baseline to the
        top through the profile ``through`` (the own state in force, ``(k_own,)``): first
        up to it, each instrument no higher than its level there, then on to the top; with
        their total pain and the index of ``through`` on the path."""
        key = exposure.tobytes() + through.tobytes()
        if self._path is not None and self._path_key == key:
            return self._path
        game, seat = self.seat.game, self.seat
        order = [seat.own.index(j) for j in game.leverage_order(seat.player, exposure)]
        top = game.n_levels[seat.own] - 1
        level = np.zeros(len(seat.own), dtype=np.int64)
        steps = [level.copy()]
        at = 0
        for bound in (np.asarray(through, dtype=np.int64), top):
            if self.params.instrument_choice == "most_leverage":
                for i in order:
                    while level[i] < bound[i]:
                        level[i] += 1
                        steps.append(level.copy())
            else:  # spread
                while np.any(level < bound):
                    for i in order:
                        if level[i] < bound[i]:
                            level[i] += 1
                            steps.append(level.copy())
            if bound is not top:
                at = len(steps) - 1
        pain = self._own_pain(exposure)
        total = np.maximum.accumulate(pain[np.arange(len(seat.own)), np.array(steps)].sum(axis=1))
        starts = _plateau_starts(total, self.tol)
        profiles = np.array(steps)[starts]  # each step replaced by the first of its plateau
        self._path_key, self._path = key, (profiles, total, at)
        return self._path

    # -- take-over --------------------------------------------------------------------------
    def take_over(self, obs: Observation) -> None:
        """Adopt the levels in force as the state it answers from; the lag memory holds no
        pain beyond that state."""
        self.ref_own = obs.own.astype(np.int64)
        self.ref_opp = obs.opp.astype(np.int64)
        self._ref_cols = None
        same_own = bool(np.all(self.ref_own == self.ref_own[:, :1]))
        if self.n and same_own and np.all(self.ref_opp == self.ref_opp[:, :1]):
            self._ref_cols = (self.ref_own[:, 0].copy(), self.ref_opp[:, 0].copy())
        self.memory[:] = 0.0

    def _received_in_force(self, exposure: FloatArray) -> FloatArray:
        """The pain the opponent's levels in force inflict, bucketed as in :meth:`_received`:
        ``(k_own, 1)`` when every match has the same state, else ``(k_own, n)``."""
        if self._ref_cols is None:
            return self._received(self.ref_opp, exposure)
        out = np.zeros((len(self.seat.own), 1))
        for jp, j in enumerate(self.seat.opp):
            out[self.answer[jp], 0] += exposure[j] * self.harm[j, self._ref_cols[1][jp]]
        return out

    # -- decision ---------------------------------------------------------------------------
    def decide(self, obs: Observation, rng: BatchRandom) -> LevelArray:
        p = self.params
        e = obs.exposure
        beyond = self._received(obs.opp, e)
        beyond -= self._received_in_force(e)
        if p.lag:  # answer what was received lag rounds before the last (none until then)
            self.memory = np.roll(self.memory, 1, axis=0)
            self.memory[0], beyond = beyond, self.memory[0].copy()
        answer = p.ratio * beyond  # (k_own, n): pain to add to (or take from) the state
        ref = self.ref_own
        if p.instrument_choice == "mirror":
            tables = self._mirror_tables(e)
            same = self._ref_cols
            want = np.empty_like(answer)
            for i, (row, _) in enumerate(tables):
                base = row[same[0][i]] if same is not None else row.take(ref[i])
                np.maximum(answer[i] + base, 0.0, out=want[i])
            self._cap(want, want.sum(axis=0))
            target = np.empty_like(obs.own)
            for i, (row, starts) in enumerate(tables):
                target[i] = starts.take(_most_within(row, want[i], self.tol))
            if p.cap is not None or not self._strict:
                target = _hold(target, ref, answer, self.tol)
        else:
            target = np.empty_like(obs.own)
            total_answer = answer.sum(axis=0)
            for cols, state in _groups(ref):
                profiles, path_pain, at = self._climb_path(e, state)
                want = np.maximum(path_pain[at] + total_answer[cols], 0.0)
                self._cap(want[None, :], want)
                chosen = profiles[_most_within(path_pain, want, self.tol)].T
                sign = np.broadcast_to(total_answer[cols], chosen.shape)
                target[:, cols] = _hold(chosen, ref[:, cols], sign, self.tol)
        if not p.forgive:
            np.maximum(target, obs.own, out=target)
        if obs.truce is not None:  # keeps a truce until the other side breaches it
            kept: LevelArray = obs.truce.keep(target, obs.opp)
            return kept
        return target

    def _cap(self, want: FloatArray, total: FloatArray) -> None:
        """Scale ``want`` (``(rows, n)``, in place) so that no match's total exceeds ``cap``."""
        cap = self.params.cap
        if cap is None:
            return
        over = total > cap
        if over.any():
            want[:, over] *= cap / total[over]


def _hold(target: LevelArray, ref: LevelArray, answer: FloatArray, tol: float) -> LevelArray:
    """``target`` kept on its side of the state in force ``ref``: the state itself where
    there is nothing to answer, no lower where the answer adds pain, no higher where it
    takes pain away (a level that adds no pain is never climbed to)."""
    up, down = answer > tol, answer < -tol
    held = np.where(up, np.maximum(target, ref), np.where(down, np.minimum(target, ref), ref))
    return held.astype(target.dtype, copy=False)


def _groups(ref: LevelArray) -> list[tuple[NDArray[np.intp], LevelArray]]:
    """Matches grouped by their own state in force: ``(columns, state)`` per distinct state
    (after a replay or from the starting levels, every match has the same one)."""
    if ref.shape[1] == 0 or np.all(ref == ref[:, :1]):
        return [(np.arange(ref.shape[1]), ref[:, 0].copy())]
    states, inverse = np.unique(ref, axis=1, return_inverse=True)
    groups = range(states.shape[1])
    return [(np.flatnonzero(inverse.ravel() == g), states[:, g].copy()) for g in groups]


def _most_within(pain: FloatArray, want: FloatArray, tol: float) -> NDArray[np.intp]:
    """Index of the last step whose pain (non-decreasing, 0 first) does not exceed ``want``."""
    best: NDArray[np.intp] = np.searchsorted(pain, want + tol, "right") - 1
    return np.maximum(best, 0)


def _plateau_starts(pain: FloatArray, tol: float) -> NDArray[np.intp]:
    """For each step, the first step with the same pain (within ``tol``)."""
    starts: NDArray[np.intp] = np.searchsorted(pain, pain - tol, "left")
    return starts
