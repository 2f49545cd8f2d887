"""Fuzz the command line: 10,000 cases of tests/fuzz/cases.py (mutated bundled scenarios,
malformed and special files, bad --set and --grid values), each run in-process through
``escalate validate`` and a small ``escalate run`` (or ``sweep``).

    python benchmarks/fuzz.py [--cases 10000] [--start 0]

Prints how many cases were accepted (and ran, writing only finite values), rejected
(exit 2, a message naming the file or option and what was expected) and failed (anything
else: a traceback, another exit code, a hang, NaN or inf in a file), with each failure's
case number (``tests.fuzz.cases.case(N)`` rebuilds it). Writes
benchmarks/results/fuzz.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzz.cases import case, outcome  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--start", type=int, default=0)
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    failures: list[dict[str, object]] = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.start, args.start + args.cases):
            c = case(i)
            folder = Path(tmp) / str(i)
            folder.mkdir()
            kind, problem = outcome(c, folder)
            counts[kind] += 1
            kinds[c.command if c.special is None else c.special] += 1
            if problem is not None:
                failures.append({"case": i, "what": c.what, "problem": problem})
            if (i - args.start + 1) % 1000 == 0:
                print(f"{i - args.start + 1:,} cases: {dict(counts)}", flush=True)
    seconds = time.perf_counter() - t0
    report = {
        "cases": args.cases,
        "start": args.start,
        "seconds": round(seconds, 1),
        "outcomes": dict(counts),
        "commands": dict(kinds),
        "failures": failures,
    }
    out = ROOT / "benchmarks" / "results" / "fuzz.json"
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, indent=1))
    for f in failures[:20]:
        print(f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
