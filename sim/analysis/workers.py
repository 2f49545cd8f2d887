"""Run independent tasks (a sweep's cells) in this process, on local worker processes, or
on a Dask cluster.

Every backend calls the same module-level function on the same tasks and hands each
record to ``on_record`` as soon as it arrives (in completion order), so a caller can save
it at once and the backend cannot change the results.

- **This process**: one task after another.
- **Local processes** (the default): ``workers`` single-process pools. A worker that
  dies (killed, out of memory) loses only the task it was running: its pool is replaced
  and the task runs again, up to :data:`ATTEMPTS` times in all. When the workers die
  before any task is done (twice each), they cannot start, and the run stops with the
  engine's explanation (e.g. a script without a ``__main__`` guard). Workers ignore
  Ctrl-C (the main process stops them) and exit when the main process is gone.
- **Dask** (``client``, a ``dask.distributed.Client``): the tasks are submitted to the
  cluster, which reruns the task of a worker that died (Dask's ``allowed-failures``).
  The shared data goes to the cluster once, as a task of its own (not as scattered data,
  which the cluster cannot recover when the worker holding it dies), and a result lost
  with a dying worker before it was fetched is computed again.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

from sim._version import __version__
from sim.engine.run import WORKER_DIED
from sim.errors import SimError

#: Times a task is tried on local processes before it counts as failed (Dask's default
#: ``distributed.scheduler.allowed-failures`` of 3 retries gives it 4).
ATTEMPTS = 3

INSTALL = 'pip install "escalation-sim[distributed]"'


class Indexed(Protocol):
    @property
    def index(self) -> int: ...


T = TypeVar("T", bound=Indexed)
S = TypeVar("S")
Record = dict[str, Any]


class DaskMissing(SimError):
    """A Dask scheduler was asked for and Dask is not installed."""


def run_tasks(
    fn: Callable[[S, T], Record],
    shared: S,
    tasks: Sequence[T],
    *,
    on_record: Callable[[Record], None],
    workers: int = 1,
    client: Any = None,
    progress: Callable[[int], None] | None = None,
) -> dict[int, str]:
    """Run ``fn(shared, task)`` for every task and pass each record to ``on_record``.

    Parameters
    ----------
    fn : a module-level function (worker processes import it)
    shared : what every task needs (sent to each worker once or per task)
    workers : local processes; 1 runs the tasks in this process. Ignored with ``client``.
    client : a ``dask.distributed.Client`` to run the tasks on its cluster
    progress : called with the number of tasks finished so far

    Returns
    -------
    ``{task index: why}`` for the tasks that could not be run because their worker died
    every time; the others have all been passed to ``on_record``. An exception raised by
    ``fn`` stops the run and is raised here.
    """
    if client is not None:
        return _on_dask(fn, shared, tasks, client, on_record, progress)
    if workers <= 1 or len(tasks) <= 1:
        for done, task in enumerate(tasks, 1):
            on_record(fn(shared, task))
            if progress is not None:
                progress(done)
        return {}
    return _on_processes(fn, shared, tasks, min(workers, len(tasks)), on_record, progress)


def _worker_init(parent: int) -> None:
    """In each local worker: leave Ctrl-C to the main process, and exit when it is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _new_pool() -> ProcessPoolExecutor:
    # "spawn" is chosen per pool, never set process-wide.
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(os.getpid(),),
    )


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now, killing a task it is running."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            proc.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def _on_processes(
    fn: Callable[[S, T], Record],
    shared: S,
    tasks: Sequence[T],
    workers: int,
    on_record: Callable[[Record], None],
    progress: Callable[[int], None] | None,
) -> dict[int, str]:
    queue: deque[T] = deque(tasks)
    tries: dict[int, int] = {}
    failed: dict[int, str] = {}
    pools: list[ProcessPoolExecutor] = []
    running: dict[Future[Record], tuple[int, T]] = {}
    done = broken = 0
    finished = False
    try:
        pools.extend(_new_pool() for _ in range(workers))
        idle = list(range(workers))
        while queue or running:
            while idle and queue:
                slot, task = idle.pop(), queue.popleft()
                try:
                    future = pools[slot].submit(fn, shared, task)
                except BrokenProcessPool:  # its worker died while idle
                    _stop(pools[slot])
                    pools[slot] = _new_pool()
                    future = pools[slot].submit(fn, shared, task)
                running[future] = (slot, task)
            ready, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in ready:
                slot, task = running.pop(future)
                idle.append(slot)
                try:
                    record = future.result()
                except BrokenProcessPool:
                    broken += 1
                    if done == 0 and broken >= 2 * workers:
                        raise SimError(WORKER_DIED) from None  # workers cannot start
                    _stop(pools[slot])
                    pools[slot] = _new_pool()
                    tries[task.index] = tries.get(task.index, 1) + 1
                    if tries[task.index] <= ATTEMPTS:
                        queue.appendleft(task)
                    else:
                        failed[task.index] = (
                            f"its worker process died {ATTEMPTS} times (killed, or out of memory)"
                        )
                    continue
                on_record(record)
                done += 1
                if progress is not None:
                    progress(done)
        finished = True
    finally:
        for pool in pools:
            if finished:
                pool.shutdown(wait=True)
            else:
                _stop(pool)
    return failed


def _on_dask(
    fn: Callable[[S, T], Record],
    shared: S,
    tasks: Sequence[T],
    client: Any,
    on_record: Callable[[Record], None],
    progress: Callable[[int], None] | None,
) -> dict[int, str]:
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    check_workers(client)
    # The shared data as a task of its own rather than scattered data: the cluster can
    # compute it again if the worker holding it dies (scattered data would be lost).
    base = client.submit(_same, shared, pure=False)
    futures = {client.submit(fn, base, task, pure=False): task for task in tasks}
    failed: dict[int, str] = {}
    tries: dict[int, int] = {}
    done = 0
    pending = as_completed(futures)
    try:
        for future in pending:
            task = futures.pop(future)
            try:
                record = future.result()
            except KilledWorker:
                failed[task.index] = "the Dask workers running it died every time it was tried"
                continue
            except CancelledError:
                # Its result was lost with a worker that died as the result was fetched
                # (Dask then reports the key as cancelled): compute it again.
                tries[task.index] = tries.get(task.index, 1) + 1
                if tries[task.index] > ATTEMPTS:
                    failed[task.index] = f"its result was lost {ATTEMPTS} times"
                    continue
                again = client.submit(fn, base, task, pure=False)
                futures[again] = task
                pending.add(again)
                continue
            finally:
                future.release()
            on_record(record)
            done += 1
            if progress is not None:
                progress(done)
    finally:
        client.cancel([f for f in futures if not f.done()])
    return failed


def _same(x: S) -> S:
    return x


def worker_version() -> str:
    """The version of escalation-sim a worker runs (called on Dask workers)."""
    return __version__


def check_workers(client: Any, timeout: float = 60.0) -> None:
    """Wait for a Dask worker and check that every worker runs this version of
    escalation-sim; raise :class:`SimError` saying what to do otherwise."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise SimError(
            f"the Dask scheduler {client.scheduler.address} has no workers after {timeout:g} s; "
            "start some with `dask worker ADDRESS`"
        ) from None
    try:
        found = client.run(worker_version)
    except Exception as exc:  # e.g. ModuleNotFoundError from a worker without sim
        raise SimError(
            f"the Dask workers cannot run escalation-sim ({type(exc).__name__}: {exc}); "
            f"install escalation-sim {__version__} in the workers' environment"
        ) from None
    other = {w: v for w, v in found.items() if v != __version__}
    if other:
        raise SimError(
            f"Dask workers run another escalation-sim than this process ({__version__}): "
            + ", ".join(f"{w} has {v}" for w, v in sorted(other.items()))
        )


@contextlib.contextmanager
def dask_client(address: str, workers: int, timeout: float = 10.0) -> Iterator[Any]:
    """A Dask client: ``"local"`` starts a ``LocalCluster`` of ``workers`` one-thread
    worker processes on this machine; otherwise ``address`` is a running scheduler's
    (``tcp://HOST:PORT``). Raises :class:`DaskMissing` when Dask is not installed and
    :class:`SimError` when the scheduler cannot be reached within ``timeout`` seconds."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise DaskMissing(
            f"--scheduler {address}: running on Dask needs the optional extra; install it "
            f"with: {INSTALL}"
        ) from None
    if address == "local":
        with (
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # any free port, never a warning about 8787
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(address, timeout=f"{timeout}s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise SimError(
            f"--scheduler {address}: cannot reach a Dask scheduler there ({exc}); "
            "expected tcp://HOST:PORT of a running `dask scheduler`, or local"
        ) from None
    with client:
        yield client
