"""Peak memory of ``escalate run`` (default: ``scenarios/us-china-baseline.toml``), 10^6 x 520.

Runs the installed ``escalate`` command and samples the resident memory of it and of all its
worker processes every 50 ms from /proc (Linux). Reports the peak of the sum (the whole
process tree), the peak of the main process alone, and the wall time. The bound is 2 GiB.

    python benchmarks/bench_memory.py [--matches N] [--rounds N] [--workers N] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GIB = 1024**3


def _children(pid: int) -> list[int]:
    """All descendants (children of every thread, recursively)."""
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            continue
    return kids + [g for k in kids for g in _children(k)]


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "us-china-baseline.toml"))
    ap.add_argument("--matches", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=520)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    out = Path(tempfile.mkdtemp(prefix="escalate-mem-")) / "results"
    cmd = [
        shutil.which("escalate") or "escalate",
        "run",
        args.scenario,
        "--out",
        str(out),
        "--matches",
        str(args.matches),
        "--rounds",
        str(args.rounds),
    ]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    peak_tree = peak_main = 0
    while proc.poll() is None:
        main_rss = _rss(proc.pid)
        tree = main_rss + sum(_rss(c) for c in _children(proc.pid))
        peak_tree, peak_main = max(peak_tree, tree), max(peak_main, main_rss)
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    shutil.rmtree(out.parent, ignore_errors=True)
    report = {
        "command": cmd[1:],
        "returncode": proc.returncode,
        "seconds": seconds,
        "peak_rss_tree_gib": peak_tree / GIB,
        "peak_rss_main_gib": peak_main / GIB,
        "bound_gib": 2.0,
    }
    print(json.dumps(report, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    return 0 if proc.returncode == 0 and peak_tree < 2 * GIB else 1


if __name__ == "__main__":
    raise SystemExit(main())
