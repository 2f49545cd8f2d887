"""Run many matches: split into blocks of whole stream units, run blocks in processes, merge.

The results depend on the seed only: not on the block size, nor on the number of worker
processes (see :mod:`sim._rng` and :mod:`sim.engine.reduce`).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from sim._rng import STREAM_UNIT
from sim.engine.reduce import RunData, _Partial, merge, reduce_rounds
from sim.engine.rounds import Plan, Streams, iter_rounds

#: Largest default block: big enough to amortise the Python overhead of each round, small
#: enough to bound memory (tens of MB per block).
MAX_BLOCK = 64 * STREAM_UNIT

Progress = Callable[[int, int], None]


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def plan_blocks(matches: int, block_size: int | None, workers: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of each block. Blocks are whole stream units (the last may be short).

    ``block_size`` is rounded up to a multiple of :data:`sim._rng.STREAM_UNIT`; by default it
    is at most :data:`MAX_BLOCK` and, with several workers, gives each about four blocks
    (for load balance and progress).
    """
    if matches < 1:
        raise ValueError(f"matches must be at least 1, got {matches}")
    if block_size is None:
        share = 1 if workers <= 1 else 4 * workers
        block_size = min(MAX_BLOCK, -(-matches // share))
    if block_size < 1:
        raise ValueError(f"block_size must be at least 1, got {block_size}")
    size = -(-block_size // STREAM_UNIT) * STREAM_UNIT
    return [(a, min(a + size, matches)) for a in range(0, matches, size)]


def run_block(plan: Plan, seed: int, start: int, stop: int, sample: int) -> _Partial:
    """Simulate matches ``start..stop-1`` of the run seeded with ``seed``."""
    streams = Streams.for_matches(seed, start, stop)
    n = stop - start
    return reduce_rounds(plan, iter_rounds(plan, n, streams), n, start,
                         streams.strategy.unit_starts, sample)


def run_plan(
    plan: Plan,
    *,
    matches: int,
    seed: int,
    workers: int | None = None,
    block_size: int | None = None,
    sample: int = 20,
    progress: Progress | None = None,
) -> RunData:
    """Simulate ``matches`` independent matches of ``plan`` and reduce them.

    Parameters
    ----------
    workers : processes to use (default: all cores). 1 runs in this process. Strategies
        defined in ``__main__`` (a notebook) cannot be sent to other processes, so a plan
        using one runs in this process.
    block_size : matches per block (rounded up to whole stream units).
    sample : number of matches (the first ones) whose full paths are kept.
    progress : called as ``progress(matches_done, matches)`` after each block.
    """
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    blocks = plan_blocks(matches, block_size, workers)
    local = workers == 1 or len(blocks) == 1 or any(
        s.cls.__module__ == "__main__" for s in plan.strategies)
    parts: list[_Partial] = []
    done = 0
    if local:
        for a, b in blocks:
            parts.append(run_block(plan, seed, a, b, sample))
            done += b - a
            if progress:
                progress(done, matches)
        return merge(parts, plan)
    # "spawn" is chosen per pool, never set process-wide.
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(blocks)), mp_context=ctx) as pool:
        pending: set[Future[_Partial]] = {
            pool.submit(run_block, plan, seed, a, b, sample) for a, b in blocks}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in finished:
                part = f.result()
                parts.append(part)
                done += part.data.n_matches
                if progress:
                    progress(done, matches)
    return merge(parts, plan)
