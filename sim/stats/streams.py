"""Random streams for batches of matches.

One seed determines a run. Matches are grouped in *stream units* of :data:`STREAM_UNIT`
consecutive matches; unit ``u`` draws from ``SeedSequence(seed, spawn_key=(u, purpose))``,
one stream per purpose (noise, each strategy, truces), and from nothing else. A
processing block is a run of whole units, so the numbers a match sees do not depend on
the block size or on how many processes share the work.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

#: Matches per random stream. Part of the reproducibility contract: changing it changes results.
STREAM_UNIT = 1024

#: Rounds of noise bits fetched from each unit's generator at once.
CHUNK_ROUNDS = 32

#: Independent streams of each unit, by purpose (the last element of the spawn key):
#: execution noise, perception noise, player 0's and player 1's strategies (2 and 3), and
#: truces (renewal and negotiation draws), and trembles (choices replaced by random moves).
EXECUTION, PERCEPTION, STRATEGY, TRUCE, TREMBLE = 0, 1, 2, 4, 5


def unit_generator(seed: int, unit: int, purpose: int = STRATEGY) -> np.random.Generator:
    """The generator of stream unit ``unit`` for ``purpose`` in the run seeded ``seed``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(unit, purpose)))


def _units(start: int, stop: int) -> tuple[range, list[int]]:
    if start % STREAM_UNIT:
        raise ValueError("a batch must start on a stream-unit boundary")
    units = range(start // STREAM_UNIT, -(-stop // STREAM_UNIT))
    return units, [min(STREAM_UNIT, stop - u * STREAM_UNIT) for u in units]


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
    def for_matches(cls, seed: int, start: int, stop: int, purpose: int = STRATEGY) -> BatchRandom:
        """The streams of matches ``start..stop-1`` (``start`` on a unit boundary)."""
        units, sizes = _units(start, stop)
        return cls([unit_generator(seed, u, purpose) for u in units], sizes)

    @property
    def unit_starts(self) -> NDArray[np.intp]:
        """Offsets of the units inside the batch, shape ``(n_units,)``."""
        return np.asarray(self._bounds[:-1], dtype=np.intp)

    def random(self, rows: int, dtype: type[np.floating] = np.float64) -> NDArray[np.floating]:
        """Uniform [0, 1) numbers of shape ``(rows, n_matches)``."""
        out = np.empty((rows, self.n), dtype=dtype)
        b = self._bounds
        for u, g in enumerate(self._gens):
            out[:, b[u] : b[u + 1]] = g.random((rows, b[u + 1] - b[u]), dtype=dtype)
        return out

    def uniform_stream(self) -> UniformStream:
        """A stream of one float32 uniform per match and round (see :class:`UniformStream`)."""
        return UniformStream(self._gens, self._bounds)

    def bernoulli(
        self, p: Sequence[float] | NDArray[np.float64], directions: bool = False
    ) -> BernoulliStream:
        """A stream of ``(len(p), n_matches)`` Bernoulli draws per round, row ``r`` with
        probability ``p[r]``, or ``p[r, g]`` for match ``g`` when ``p`` is an array of shape
        ``(rows, n_matches)`` (see :class:`BernoulliStream`)."""
        return BernoulliStream(self._gens, self._bounds, p, directions)


class BernoulliStream:
    """Independent events per slot and round, with per-row (or per-slot) probabilities,
    exactly. The draws do not depend on the probabilities: a match sees the same bits
    whatever its ``p``.

    A 16-bit uniform per slot decides all but a 2**-16 share of slots; a 32-bit draw
    settles those (the fractional part of ``p * 2**16``), so the probability is exact to
    2**-48. With ``directions`` each slot also gets a fair coin. Bits are fetched from each
    unit's generator :data:`CHUNK_ROUNDS` rounds at a time (a fixed part of the contract),
    which keeps the per-call overhead of the generators out of the round loop.
    """

    def __init__(
        self,
        gens: list[np.random.Generator],
        bounds: list[int],
        p: Sequence[float] | NDArray[np.float64],
        directions: bool,
    ) -> None:
        self._gens, self._bounds = gens, bounds
        n = bounds[-1]
        arr = np.asarray(p, dtype=np.float64)
        self._per_slot = arr.ndim == 2
        self.rows = rows = arr.shape[0]
        scaled = np.clip(arr if self._per_slot else arr[:, None], 0.0, 1.0) * 65536.0
        whole = np.floor(scaled)
        self._whole = np.minimum(whole, 65535).astype(np.uint16)
        frac = np.where(scaled < 65536.0, scaled - whole, 1.0)
        self._limit = (frac * 2.0**32).astype(np.uint64)
        self._hit = np.empty((CHUNK_ROUNDS, rows, n), dtype=np.bool_)
        self._coin = np.empty((CHUNK_ROUNDS, rows, n), dtype=np.bool_) if directions else None
        self._next = CHUNK_ROUNDS

    def _refill(self) -> None:
        b, rows = self._bounds, self.rows
        settle = bool(self._limit.any())
        for u, g in enumerate(self._gens):
            m = b[u + 1] - b[u]
            size = CHUNK_ROUNDS * rows * m
            u16 = (
                g.bit_generator.random_raw((size + 3) // 4)
                .view(np.uint16)[:size]
                .reshape(CHUNK_ROUNDS, rows, m)
            )
            whole = self._whole[:, b[u] : b[u + 1]] if self._per_slot else self._whole
            hit = u16 < whole
            if settle:
                edge = np.flatnonzero(u16 == whole)
                if edge.size:
                    row = (edge // m) % rows
                    col = b[u] + edge % m if self._per_slot else 0
                    draws = g.bit_generator.random_raw(edge.size) >> np.uint64(32)
                    hit.reshape(-1)[edge] = draws < self._limit[row, col]
            self._hit[:, :, b[u] : b[u + 1]] = hit
            if self._coin is not None:
                bits = g.bit_generator.random_raw((size + 63) // 64).view(np.uint8)
                self._coin[:, :, b[u] : b[u + 1]] = np.unpackbits(bits, count=size).reshape(
                    CHUNK_ROUNDS, rows, m
                )
        self._next = 0

    def draw(self) -> tuple[NDArray[np.bool_], NDArray[np.bool_] | None]:
        """This round's events (``(rows, n)`` bool) and coins (or ``None``)."""
        if self._next == CHUNK_ROUNDS:
            self._refill()
        t = self._next
        self._next += 1
        return self._hit[t], None if self._coin is None else self._coin[t]


class UniformStream:
    """One uniform [0, 1) float32 per match and round, fetched from each unit's generator
    :data:`CHUNK_ROUNDS` rounds at a time (a fixed part of the contract, as for
    :class:`BernoulliStream`)."""

    def __init__(self, gens: list[np.random.Generator], bounds: list[int]) -> None:
        self._gens, self._bounds = gens, bounds
        self._buf = np.empty((CHUNK_ROUNDS, bounds[-1]), dtype=np.float32)
        self._next = CHUNK_ROUNDS

    def draw(self) -> NDArray[np.float32]:
        """This round's uniforms, shape ``(n_matches,)``."""
        if self._next == CHUNK_ROUNDS:
            b = self._bounds
            for u, g in enumerate(self._gens):
                m = b[u + 1] - b[u]
                self._buf[:, b[u] : b[u + 1]] = g.random((CHUNK_ROUNDS, m), dtype=np.float32)
            self._next = 0
        row: NDArray[np.float32] = self._buf[self._next]
        self._next += 1
        return row
