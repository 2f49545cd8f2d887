"""How rounds are played, as a scenario file says: the rules (rounds, discount, noise) and
the per-match noise of parameter draws. Pure data, built by the loader and read by the engine
(:mod:`sim.engine.rounds`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Rules:
    """How rounds are played.

    Attributes
    ----------
    rounds : number of rounds per match
    discount : per-round discount factor delta for the discounted payoff, in (0, 1]
    max_step : most rungs an instrument may move in one round (``None``: no limit)
    execution : per player, probability per instrument and round that the level taking
        effect is one step off the intended one (a flip on a two-level ladder)
    perception : per player, probability per opponent instrument and round that it sees
        the opponent's level one step off
    tremble : per player, probability per instrument and round that its choice is replaced
        by a random move from the level in force (down, hold or up one rung, equally likely
        among those the ladder allows), before execution noise
    """

    rounds: int
    discount: float = 1.0
    max_step: int | None = None
    execution: tuple[float, float] = (0.0, 0.0)
    perception: tuple[float, float] = (0.0, 0.0)
    tremble: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True, eq=False)
class Draws:
    """Parameter uncertainty: match ``g`` plays draw ``g % count``, with these noise
    probabilities per draw and player, each ``(count, 2)`` (its strategies' draws are a
    lineup in :attr:`Plan.strategies`). Interleaved, so every block holds every draw and
    the assignment does not depend on the blocks."""

    execution: FloatArray
    perception: FloatArray
    tremble: FloatArray

    @property
    def count(self) -> int:
        return int(self.execution.shape[0])

    def labels(self, start: int, n: int) -> NDArray[np.intp]:
        """The draw of each of matches ``start..start+n-1``."""
        out: NDArray[np.intp] = np.arange(start, start + n, dtype=np.intp) % self.count
        return out

    def per_match(self, kind: str, rows: NDArray[np.intp], start: int, n: int) -> FloatArray:
        """``(len(rows), n)`` probabilities of ``kind`` for the players ``rows`` (one per
        instrument row) on matches ``start..start+n-1``."""
        table: FloatArray = getattr(self, kind)
        out: FloatArray = table[self.labels(start, n)][:, rows].T.copy()
        return out
