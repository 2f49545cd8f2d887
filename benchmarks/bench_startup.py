"""Start-up time: ``python -c 'import sim'`` (bound 0.5 s) and ``escalate --help`` (bound 1 s).

Each is run several times in a fresh process; the median wall time is reported, next to
``python -c pass`` as the interpreter's own floor.

    python benchmarks/bench_startup.py [--repeats N] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _median(cmd: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    escalate = shutil.which("escalate") or "escalate"
    report = {
        "python -c pass": _median([sys.executable, "-c", "pass"], args.repeats),
        "python -c 'import sim'": _median([sys.executable, "-c", "import sim"], args.repeats),
        "escalate --help": _median([escalate, "--help"], args.repeats),
    }
    for k, v in report.items():
        print(f"{k:28s} {v:6.3f} s")
    ok = report["python -c 'import sim'"] < 0.5 and report["escalate --help"] < 1.0
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({**report, "within_bounds": ok}, indent=1) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
