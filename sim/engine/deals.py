"""Bargained truces inside a batch: the terms each match's negotiation strikes, and the
record of every deal.

The terms depend only on the levels in force and the round (through exposure), so matches
that negotiate from the same levels strike the same deal; :class:`Bargainer` solves each
distinct case once (:func:`sim.model.deal.bargain`) and caches it. The deal is
deterministic: bargaining draws no random numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.model import Game
from sim.model.deal import Deal, Rule, bargain

#: Cached negotiations per batch before the cache is cleared.
CACHE_SIZE = 1 << 16


@dataclass(eq=False)
class Deals:
    """Bargained deals as columns, one row per deal that formed a truce: the match, the
    truce kind, the round, the term, the caps ``(m, k)``, and each side's per-round payoff
    at the levels in force (``threat``) and under the terms (``payoff``), both ``(m, 2)``
    discounted means over the term."""

    match: NDArray[np.int64]
    kind: NDArray[np.int16]
    round: NDArray[np.int32]
    term: NDArray[np.int32]
    caps: NDArray[np.int8]
    threat: NDArray[np.float64]
    payoff: NDArray[np.float64]

    @classmethod
    def empty(cls, k: int) -> Deals:
        return cls(
            match=np.zeros(0, dtype=np.int64),
            kind=np.zeros(0, dtype=np.int16),
            round=np.zeros(0, dtype=np.int32),
            term=np.zeros(0, dtype=np.int32),
            caps=np.zeros((0, k), dtype=np.int8),
            threat=np.zeros((0, 2)),
            payoff=np.zeros((0, 2)),
        )

    @classmethod
    def concat(cls, parts: list[Deals], k: int) -> Deals:
        parts = [p for p in parts if len(p)] or [cls.empty(k)]
        return cls(
            **{
                name: np.concatenate([getattr(p, name) for p in parts])
                for name in cls.__dataclass_fields__
            }
        )

    def __len__(self) -> int:
        return int(self.match.shape[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Deals):
            return NotImplemented
        return all(
            np.array_equal(getattr(self, f), getattr(other, f)) for f in self.__dataclass_fields__
        )

    __hash__ = None  # type: ignore[assignment]

    def sorted(self) -> Deals:
        """In match order, then round."""
        order = np.lexsort((self.round, self.match))
        return Deals(**{name: getattr(self, name)[order] for name in self.__dataclass_fields__})

    def shifted(self, offset: int) -> Deals:
        """With match indices moved by ``offset`` (local to global)."""
        out = Deals(**{name: getattr(self, name) for name in self.__dataclass_fields__})
        out.match = self.match + offset
        return out

    @property
    def gain(self) -> NDArray[np.float64]:
        """Each side's gain per round from the deal, ``(m, 2)``."""
        out: NDArray[np.float64] = self.payoff - self.threat
        return out


class Bargainer:
    """Strikes the deals of a batch's negotiations under ``rule`` and records them."""

    def __init__(self, game: Game, rule: Rule) -> None:
        self.game, self.rule = game, rule
        self._cache: dict[tuple[bytes, int, int], Deal] = {}
        self._rows: list[Deals] = []

    def strike(
        self, idx: NDArray[np.intp], levels: NDArray[np.int8], t: int, kind: int, term: int
    ) -> tuple[NDArray[np.intp], NDArray[np.int8], NDArray[np.int32]]:
        """Negotiations of matches ``idx`` from their ``levels`` ``(k, len(idx))`` in round
        ``t`` for a truce of ``kind`` (own term ``term``). Returns the matches that strike
        a deal, their caps ``(k, m)`` and terms ``(m,)``, and records the deals."""
        cases, which = np.unique(levels.T, axis=0, return_inverse=True)
        which = which.reshape(-1)
        deals = [self._deal(case, t, term) for case in cases]
        ok = np.array([d.caps is not None for d in deals])[which]
        k = self.game.n_instruments
        if not ok.any():
            return idx[:0], np.zeros((k, 0), dtype=np.int8), np.zeros(0, dtype=np.int32)
        made = which[ok]
        caps = np.array([d.caps if d.caps is not None else (0,) * k for d in deals], np.int8)
        terms = np.array([d.term for d in deals], dtype=np.int32)
        threat = np.array([d.threat_payoff for d in deals])
        payoff = np.array([d.payoff for d in deals])
        won = idx[ok]
        self._rows.append(
            Deals(
                match=won.astype(np.int64),
                kind=np.full(won.size, kind, dtype=np.int16),
                round=np.full(won.size, t, dtype=np.int32),
                term=terms[made],
                caps=caps[made],
                threat=threat[made],
                payoff=payoff[made],
            )
        )
        return won, caps[made].T.copy(), terms[made]

    def _deal(self, case: NDArray[np.int8], t: int, term: int) -> Deal:
        key = (case.tobytes(), t if self.game.decouples else -1, term)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            found = bargain(self.game, case.astype(np.int64), t, self.rule, term)
            self._cache[key] = found
        return found

    def deals(self) -> Deals:
        """Every deal of the batch, in match order."""
        return Deals.concat(self._rows, self.game.n_instruments).sorted()
