"""Sweep throughput: cells per second of a sweep on 1 worker, 2 local worker processes
and a 2-worker Dask cluster, side by side in one run.

The sweep: a 20 x 20 grid of the Busan scenario (``scenarios/busan-truce.toml``, 730 daily
rounds), execution noise 0 to 0.002 against the ratio of China's never-strike-first
strategy 0.5 to 1.5, 2,000 matches per cell, metrics P(Busan survives its term) and the
peace share. The machine is shared and its speed drifts over minutes, so the grid runs
as four sweeps of five noise rows each (100 cells), and for each of them the three
backends take turns, in a rotating order; every backend runs all 400 cells, and its time
is the sum over the four. Each backend's tables must be identical. The local pools start
inside their sweeps' time (as a user pays it); the Dask ``LocalCluster`` (two one-thread
worker processes) is started once before the clocks and its start-up is reported on its
own. Parallel efficiency is ``rate(2 workers) / (2 x rate(1 worker))``.

    python benchmarks/bench_sweep.py [--side 20] [--chunks 4] [--matches 2000] [--json OUT]

About 20 to 30 minutes on the 2-core development machine at the full size.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--side", type=int, default=20, help="values per swept parameter")
    parser.add_argument("--chunks", type=int, default=4, help="sweeps the grid is run as")
    parser.add_argument("--matches", type=int, default=2000, help="matches per cell")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()

    import distributed

    import sim
    from sim.analysis.grid import parse_values

    sc = sim.load_scenario(ROOT / "scenarios" / "busan-truce.toml")
    noise = parse_values(f"0:0.002:{args.side}")
    ratio = parse_values(f"0.5:1.5:{args.side}")
    metrics = ["truce.p_survive_term", "peace_share"]
    cells = args.side**2
    rows = -(-args.side // args.chunks)
    chunks = [noise[k : k + rows] for k in range(0, args.side, rows)]
    names = ["1 worker (this process)", "2 local worker processes", "2-worker Dask cluster"]
    seconds = dict.fromkeys(names, 0.0)
    same = True

    print(f"{cells} cells x {args.matches:,} matches x {sc.rounds} rounds", flush=True)
    start = time.perf_counter()
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.wait_for_workers(2)
        startup = time.perf_counter() - start
        options: dict[str, dict[str, Any]] = {
            names[0]: {"workers": 1},
            names[1]: {"workers": 2},
            names[2]: {"client": client},
        }
        for k, rows_k in enumerate(chunks):
            grid = {"noise.execution": rows_k, "players.CN.strategy.ratio": ratio}
            tables = {}
            for name in names[k % 3 :] + names[: k % 3]:  # each backend first once or more
                t0 = time.perf_counter()
                tables[name] = sim.sweep(
                    sc, grid, metrics, matches=args.matches, seed=1, **options[name]
                ).to_csv(index=False)
                took = time.perf_counter() - t0
                seconds[name] += took
                n = len(rows_k) * len(ratio)
                head = f"sweep {k + 1}/{len(chunks)}  {name:26}"
                print(f"{head} {took:7.1f} s  {n / took:6.3f} cells/s", flush=True)
            same = same and len(set(tables.values())) == 1
    rate = {name: cells / t for name, t in seconds.items()}
    for name in names:
        print(f"{name:28} {seconds[name]:8.1f} s  {rate[name]:7.3f} cells/s")
    eff2, effd = rate[names[1]] / (2 * rate[names[0]]), rate[names[2]] / (2 * rate[names[0]])
    print(f"identical tables: {same}; Dask cluster start-up {startup:.1f} s")
    print(f"parallel efficiency: 2 processes {eff2:.2f}, Dask {effd:.2f}")
    result = {
        "what": "sweep cells per second, Busan 20x20 grid as four sweeps of 100 cells, "
        "backends taking turns",
        "cells": cells,
        "sweeps": len(chunks),
        "matches_per_cell": args.matches,
        "rounds": sc.rounds,
        "seconds": {"1_worker": seconds[names[0]], "2_processes": seconds[names[1]],
                    "dask_2_workers": seconds[names[2]]},
        "cells_per_second": {"1_worker": rate[names[0]], "2_processes": rate[names[1]],
                             "dask_2_workers": rate[names[2]]},
        "parallel_efficiency": {"2_processes": eff2, "dask_2_workers": effd},
        "dask_cluster_startup_seconds": startup,
        "identical_tables": same,
        "cores": len(os.sched_getaffinity(0)),
        "python": sys.version.split()[0],
        "escalation-sim": sim.__version__,
        "distributed": distributed.__version__,
    }  # fmt: skip
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    if not same:
        raise SystemExit("the backends gave different tables")


if __name__ == "__main__":
    main()
