"""Tournament parity of the classics: `escalate tournament scenarios/ipd.toml --all`
against the Axelrod library's round robin of the same strategies, side by side in one run.

Every strategy of ``--all`` on the IPD (46: the 42 with an Axelrod class, and four of this
library that Axelrod plays as the strategy they equal on the IPD, see ``COUNTERPARTS`` in
``axelrod_golden.py``), noise 0.05, 200 rounds, payoffs R=3 S=0 T=5 P=1. Axelrod plays
``--repetitions`` of its round robin (``axl.Tournament``, one core); this project runs the
command with ``--matches`` per ordered pair on one worker. The report compares each
strategy's mean score per round against the others (self-play excluded, Axelrod's
normalised score) with its standard error, the ranks, and the time per match:

* ``max_abs_z``: the largest |ours - Axelrod's| / (combined standard error);
* ``separated_pairs`` and ``separated_pairs_agreeing``: the pairs of strategies whose
  Axelrod scores differ by more than 4 combined standard errors, and how many of them
  this project ranks the same way;
* ``kendall_tau`` of the two score lists (scipy.stats.kendalltau).

    python benchmarks/bench_classics.py --peer-python /work/venvs/bench/bin/python \\
        [--repetitions 100] [--matches 100] [--json benchmarks/results/classics.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def ours(matches: int, seed: int) -> dict[str, Any]:
    """The command's ranking and its wall time (a process start included)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "tournament"
        cmd = ["escalate", "tournament", str(ROOT / "scenarios" / "ipd.toml"), "--all"]
        cmd += ["--matches", str(matches), "--seed", str(seed), "--workers", "1"]
        cmd += ["--out", str(out), "--no-figures"]
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        with open(out / "ranking.csv", newline="") as fh:
            rows = list(csv.DictReader(fh))
    n = len(rows)
    return {
        "command": " ".join(cmd[:4] + cmd[4:-3]),
        "seconds": seconds,
        "matches": n * n * matches,
        "scores": {r["label"]: float(r["score"]) for r in rows},
        "se": {r["label"]: float(r["se"]) for r in rows},
        "ranked": [r["label"] for r in rows],
    }


def axelrod(python: str, repetitions: int) -> dict[str, Any]:
    """Axelrod's round robin of the same strategies, through axelrod_golden.tournament."""
    code = (
        "import json, sys, time; sys.path.insert(0, {bench!r}); import axelrod as axl; "
        "import axelrod_golden as g; keys = g.classics_keys(); t = time.perf_counter(); "
        "r = g.tournament(axl, keys, {reps}); r['seconds'] = time.perf_counter() - t; "
        "print(json.dumps(r))"
    ).format(bench=str(ROOT / "benchmarks"), reps=repetitions)
    out = subprocess.run([python, "-c", code], check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def compare(mine: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    from scipy.stats import kendalltau

    names = theirs["registry_names"]
    a = np.array(theirs["normalised_score_mean"])
    sa = np.array(theirs["normalised_score_sem"])
    b = np.array([mine["scores"][n] for n in names])
    sb = np.array([mine["se"][n] for n in names])
    z = (b - a) / np.hypot(sa, sb)
    separated = agreeing = 0
    for i in range(len(names)):
        for j in range(len(names)):
            if a[i] - a[j] > 4 * np.hypot(sa[i], sa[j]):
                separated += 1
                agreeing += int(b[i] > b[j])
    tau = kendalltau(a, b)
    return {
        "strategies": len(names),
        "max_abs_z": float(np.abs(z).max()),
        "beyond_4_se": [names[i] for i in np.flatnonzero(np.abs(z) > 4)],
        "separated_pairs": separated,
        "separated_pairs_agreeing": agreeing,
        "kendall_tau": float(tau.statistic),
        "z": {n: float(x) for n, x in zip(names, z, strict=True)},
        "axelrod_ranked": [names[i] for i in np.argsort(-a, kind="stable")],
        "ours_ranked": mine["ranked"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-python", default=sys.executable)
    parser.add_argument("--repetitions", type=int, default=100, help="Axelrod's round robins")
    parser.add_argument("--matches", type=int, default=100, help="ours, per ordered pair")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    mine = ours(args.matches, args.seed)
    theirs = axelrod(args.peer_python, args.repetitions)
    result = compare(mine, theirs)
    per_match = (theirs["seconds"] / theirs["metadata"]["matches"]) / (
        mine["seconds"] / mine["matches"]
    )
    result |= {
        "ours_command": mine["command"],
        "ours_seconds": mine["seconds"],
        "ours_matches": mine["matches"],
        "axelrod_seconds": theirs["seconds"],
        "axelrod_matches": theirs["metadata"]["matches"],
        "axelrod_version": theirs["metadata"]["axelrod_version"],
        "ratio_per_match": per_match,
    }
    print(
        f"{result['strategies']} strategies: max |z| {result['max_abs_z']:.2f}; "
        f"{result['separated_pairs_agreeing']}/{result['separated_pairs']} separated pairs "
        f"ranked alike; Kendall tau {result['kendall_tau']:.3f}; Axelrod "
        f"{theirs['seconds']:.0f} s for {theirs['metadata']['matches']} matches, ours "
        f"{mine['seconds']:.1f} s for {mine['matches']} (process start included): "
        f"{per_match:.0f}x per match"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
