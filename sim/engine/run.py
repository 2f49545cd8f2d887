"""Run many matches: split into blocks of whole stream units, run blocks in processes, merge.

The results depend on the seed only: not on the block size, nor on the number of worker
processes (see :mod:`sim.stats.streams` and :mod:`sim.engine.reduce`).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from typing import Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

from sim.engine.reduce import RunData, merge, reduce_rounds
from sim.engine.rounds import Plan, Step, Streams, iter_rounds
from sim.errors import SimError
from sim.stats.streams import CHUNK_ROUNDS, STREAM_UNIT

#: Largest default block: big enough to amortise the Python overhead of each round, small
#: enough to bound memory (tens of MB per block).
MAX_BLOCK = 64 * STREAM_UNIT

Progress = Callable[[int, int], None]

#: What a failed worker process means, and what to do.
WORKER_DIED = (
    "a worker process stopped unexpectedly: it could not start, or it was killed "
    "(for example when memory ran out). A script that simulates with several workers "
    'must guard its entry point with `if __name__ == "__main__":` (the workers '
    "re-import it); workers=1 avoids worker processes altogether."
)

P = TypeVar("P")
P_co = TypeVar("P_co", covariant=True)
R = TypeVar("R")


class Reducer(Protocol[P_co]):
    """Turns the rounds of a block into that block's partial result (a module-level
    function, so that worker processes can receive it): ``reduce(plan, steps, n, offset,
    unit_starts, sample)``, like :func:`sim.engine.reduce.reduce_rounds`."""

    def __call__(
        self,
        plan: Plan,
        steps: Iterator[Step],
        n: int,
        offset: int,
        unit_starts: NDArray[np.intp],
        sample: int,
        /,
    ) -> P_co: ...


class Kernel(Protocol[P_co]):
    """Plays and reduces a block in one (a module-level function): ``kernel(plan, n,
    streams, start, tick)``, in place of :func:`iter_rounds` and a reducer, for plans it
    can play faster (e.g. :func:`sim.engine.two_move.play_two_move`)."""

    def __call__(
        self,
        plan: Plan,
        n: int,
        streams: Streams,
        start: int,
        tick: Callable[[int], None] | None,
        /,
    ) -> P_co: ...


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def memory_estimate(
    plan: Plan, matches: int, *, workers: int, block_size: int | None = None, sample: int = 20
) -> int:
    """About how many bytes a run of ``plan`` holds at its peak: each block's per-round
    tallies (levels by instrument and rung, payoff sums per stream unit), kept until the
    blocks are merged and stacked once by the merge; the working arrays of the blocks in
    flight (matches x instruments, and the noise bits of :data:`CHUNK_ROUNDS` rounds); the
    per-match results and the table of them a results folder writes (256 bytes a match);
    and the sampled paths. An estimate, to refuse a run the machine
    cannot hold before it starts, not an accounting."""
    r, k = plan.rules.rounds, plan.game.n_instruments
    levels = int(plan.game.n_levels.max())
    # the blocks of plan_blocks, counted without listing them (there may be billions)
    stride = block_stride(matches, block_size, workers)
    n, count = min(matches, stride), -(-matches // stride)
    units = -(-n // STREAM_UNIT)
    per_round = r * (k * levels * 8 + 64 + 16 * units)
    paths = r * min(sample, matches) * (k + 17)
    flight = n * (k * 16 + 96) + CHUNK_ROUNDS * k * n * 6
    return 2 * count * per_round + min(workers, count) * (flight + paths) + matches * 256 + paths


def available_memory() -> int | None:
    """Bytes of memory available to a new run: ``MemAvailable`` of /proc/meminfo, or less
    when the process's control group (a container) has a lower limit; ``None`` where
    neither can be read."""
    found: list[int] = []
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    try:
        group = "/sys/fs/cgroup/"
        with open(group + "memory.max") as f:
            limit = f.read().strip()
        if limit != "max":
            with open(group + "memory.current") as f:
                found.append(int(limit) - int(f.read().strip()))
    except (OSError, ValueError):
        pass
    return min(found) if found else None


def plan_blocks(matches: int, block_size: int | None, workers: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of each block. Blocks are whole stream units (the last may be short).

    ``block_size`` is rounded up to a multiple of :data:`sim.stats.streams.STREAM_UNIT`; by
    default it is at most :data:`MAX_BLOCK` and, with several workers, gives each about four blocks
    (for load balance and progress).
    """
    size = block_stride(matches, block_size, workers)
    return [(a, min(a + size, matches)) for a in range(0, matches, size)]


def block_stride(matches: int, block_size: int | None, workers: int) -> int:
    """The matches from one block's start to the next's (:func:`plan_blocks`): ``block_size``
    or the default, rounded up to whole stream units."""
    if matches < 1:
        raise ValueError(f"matches must be at least 1, got {matches}")
    if block_size is None:
        share = 1 if workers <= 1 else 4 * workers
        block_size = min(MAX_BLOCK, -(-matches // share))
    if block_size < 1:
        raise ValueError(f"block_size must be at least 1, got {block_size}")
    return -(-block_size // STREAM_UNIT) * STREAM_UNIT


def run_block(
    plan: Plan,
    seed: int,
    start: int,
    stop: int,
    sample: int,
    reduce: Reducer[P],
    tick: Callable[[int], None] | None = None,
    kernel: Kernel[P] | None = None,
) -> P:
    """Simulate matches ``start..stop-1`` of the run seeded with ``seed`` and reduce them
    with ``reduce`` (:func:`sim.engine.reduce.reduce_rounds` for a run's full reduction),
    or play and reduce them with ``kernel``; ``tick(t)`` is called after each round ``t``."""
    streams = Streams.for_matches(seed, start, stop)
    n = stop - start
    if kernel is not None:
        return kernel(plan, n, streams, start, tick)
    steps = iter_rounds(plan, n, streams, start)
    if tick is not None:
        steps = _ticking(steps, tick)
    return reduce(plan, steps, n, start, streams.execution.unit_starts, sample)


def _ticking(steps: Iterator[Step], tick: Callable[[int], None]) -> Iterator[Step]:
    for st in steps:
        yield st
        tick(st.t)


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
    progress : called as ``progress(matches_done, matches)``, after each round when this
        process simulates, after each block when worker processes do.
    """
    return run_blocks(
        plan,
        matches=matches,
        seed=seed,
        workers=workers,
        block_size=block_size,
        sample=sample,
        progress=progress,
        reduce=reduce_rounds,
        combine=merge,
    )


def run_blocks(
    plan: Plan,
    *,
    matches: int,
    seed: int,
    workers: int | None,
    block_size: int | None,
    sample: int,
    progress: Progress | None,
    reduce: Reducer[P],
    combine: Callable[[Sequence[P], Plan], R],
    kernel: Kernel[P] | None = None,
) -> R:
    """:func:`run_plan` with another reduction: each block is reduced by ``reduce`` (in its
    worker process; or played and reduced by ``kernel``) and ``combine(parts, plan)`` joins
    the parts, given in block order."""
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    blocks = plan_blocks(matches, block_size, workers)
    processes = processes_used(plan, matches, workers, block_size)
    if processes == 1:
        parts = [
            run_block(
                plan,
                seed,
                a,
                b,
                sample,
                reduce,
                _round_ticker(progress, a, b, matches, plan.rules.rounds),
                kernel,
            )
            for a, b in blocks
        ]
        return combine(parts, plan)
    # "spawn" is chosen per pool, never set process-wide.
    ctx = multiprocessing.get_context("spawn")
    try:
        parts = _in_pool(
            plan, seed, blocks, sample, processes, ctx, progress, matches, reduce, kernel
        )
    except BrokenProcessPool:
        raise SimError(WORKER_DIED) from None
    return combine(parts, plan)


def processes_used(plan: Plan, matches: int, workers: int, block_size: int | None) -> int:
    """How many processes :func:`run_plan` simulates in: 1 (this one) with one worker, one
    block, a strategy defined in ``__main__``, or a main program that worker processes
    cannot re-import (one read from standard input); else one per block up to ``workers``."""
    blocks = plan_blocks(matches, block_size, workers)
    classes = [p.cls for s in plan.strategies for p in s.parts]
    if workers == 1 or len(blocks) == 1 or not spawnable(classes):
        return 1
    return min(workers, len(blocks))


def spawnable(classes: Iterable[type]) -> bool:
    """Whether worker processes started with "spawn" can run these strategy classes: none
    is defined in ``__main__`` (a notebook), and the main program can be re-imported (it
    was not read from standard input)."""
    main = getattr(sys.modules.get("__main__"), "__file__", None)
    if main is not None and not os.path.exists(main):  # e.g. "<stdin>"
        return False
    return all(c.__module__ != "__main__" for c in classes)


def _round_ticker(
    progress: Progress | None, a: int, b: int, matches: int, rounds: int
) -> Callable[[int], None] | None:
    """Progress within block ``a..b``: the share of its rounds done counts its matches."""
    if progress is None:
        return None
    report = progress
    return lambda t: report(a + (b - a) * (t + 1) // rounds, matches)


def _in_pool(
    plan: Plan,
    seed: int,
    blocks: list[tuple[int, int]],
    sample: int,
    processes: int,
    ctx: BaseContext,
    progress: Progress | None,
    matches: int,
    reduce: Reducer[P],
    kernel: Kernel[P] | None,
) -> list[P]:
    """The blocks' parts, in block order."""
    parts: dict[int, P] = {}
    done = 0
    with ProcessPoolExecutor(max_workers=processes, mp_context=ctx) as pool:
        index: dict[Future[P], int] = {
            pool.submit(run_block, plan, seed, a, b, sample, reduce, None, kernel): i
            for i, (a, b) in enumerate(blocks)
        }
        pending = set(index)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in finished:
                i = index[f]
                parts[i] = f.result()
                done += blocks[i][1] - blocks[i][0]
                if progress:
                    progress(done, matches)
    return [parts[i] for i in range(len(blocks))]
