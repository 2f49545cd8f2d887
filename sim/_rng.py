"""Random streams for batches of matches.

One seed determines a run. Matches are grouped in *stream units* of :data:`STREAM_UNIT`
consecutive matches; unit ``u`` draws from ``SeedSequence(seed, spawn_key=(u,))`` and from
nothing else. A processing block is a run of whole units, so the numbers a match sees do not
depend on the block size or on how many processes share the work.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

#: Matches per random stream. Part of the reproducibility contract: changing it changes results.
STREAM_UNIT = 1024


def unit_generator(seed: int, unit: int) -> np.random.Generator:
    """The generator of stream unit ``unit`` of a run seeded with ``seed``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(unit,)))


class BatchRandom:
    """Uniform draws for a batch of matches, each stream unit from its own generator.

    Parameters
    ----------
    generators : sequence of numpy Generators, one per stream unit in the batch
    sizes : sequence of int, the number of matches of each unit (same order)
    """

    def __init__(self, generators: Sequence[np.random.Generator], sizes: Sequence[int]) -> None:
        if len(generators) != len(sizes):
            raise ValueError("one generator per unit")
        self._gens = list(generators)
        self._bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(int).tolist()
        self.n = self._bounds[-1]

    @classmethod
    def for_matches(cls, seed: int, start: int, stop: int) -> BatchRandom:
        """The streams of matches ``start..stop-1`` (``start`` on a unit boundary)."""
        if start % STREAM_UNIT:
            raise ValueError("a batch must start on a stream-unit boundary")
        units = range(start // STREAM_UNIT, -(-stop // STREAM_UNIT))
        sizes = [min(STREAM_UNIT, stop - u * STREAM_UNIT) for u in units]
        return cls([unit_generator(seed, u) for u in units], sizes)

    @property
    def unit_starts(self) -> NDArray[np.intp]:
        """Offsets of the units inside the batch, shape ``(n_units,)``."""
        return np.asarray(self._bounds[:-1], dtype=np.intp)

    def bits(self, rows: int) -> NDArray[np.uint32]:
        """Uniform 32-bit integers of shape ``(rows, n_matches)`` (cheaper than floats; the
        engine compares them with :func:`threshold`)."""
        out = np.empty((rows, self.n), dtype=np.uint32)
        b = self._bounds
        for u, g in enumerate(self._gens):
            m = rows * (b[u + 1] - b[u])
            raw = g.bit_generator.random_raw((m + 1) // 2).view(np.uint32)
            out[:, b[u] : b[u + 1]] = raw[:m].reshape(rows, -1)
        return out

    def random(self, rows: int, dtype: type[np.floating] = np.float64) -> NDArray[np.floating]:
        """Uniform [0, 1) numbers of shape ``(rows, n_matches)``."""
        out = np.empty((rows, self.n), dtype=dtype)
        b = self._bounds
        for u, g in enumerate(self._gens):
            out[:, b[u] : b[u + 1]] = g.random((rows, b[u + 1] - b[u]), dtype=dtype)
        return out


def threshold(p: float) -> int:
    """The 32-bit threshold ``t`` such that ``bits < t`` has probability ``p`` (to 2**-32;
    ``p = 1`` gives ``2**32 - 1``)."""
    return min(int(round(p * 2.0**32)), 2**32 - 1)
