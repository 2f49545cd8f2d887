"""Throughput: this engine against the Axelrod library on the same workload, in one run.

Workload: noisy (0.05) tit-for-tat against tit-for-tat, 200 rounds, payoffs R=3 S=0 T=5
P=1. Axelrod plays 1,000 matches, this engine 100,000 on one process (``workers=1``, so
both use one core). Both figures are player-rounds per second; the ratio is the result.
Axelrod runs in a subprocess because importing it changes the multiprocessing start
method for the whole process.

    python benchmarks/bench_throughput.py [--peer-python PATH] [--json OUT]

``--peer-python`` is a Python with ``axelrod`` installed (default: this one; see
benchmarks/README.md for an environment that keeps PyTorch small).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ROUNDS, NOISE = 200, 0.05


def engine(matches: int, repeats: int, seed: int = 1, discount: float = 1.0) -> dict[str, Any]:
    """This engine on the workload. With ``discount < 1`` payoffs are accounted round by
    round (the general path) instead of by joint profile (small undiscounted games)."""
    import sim

    sc = sim.load_scenario(ROOT / "scenarios" / "ipd.toml").replace(
        {
            "players.US.strategy": "tit_for_tat",
            "players.CN.strategy": "tit_for_tat",
            "noise.execution": NOISE,
        },
        simulation={"rounds": ROUNDS, "discount": discount},
    )
    sim.simulate(sc, matches=2048, seed=seed, workers=1)  # warm up imports and caches
    times, means = [], []
    for r in range(repeats):
        start = time.perf_counter()
        res = sim.simulate(sc, matches=matches, seed=seed + r, workers=1)
        times.append(time.perf_counter() - start)
        means.append(float(res.data.total.mean()) / ROUNDS)
    seconds = statistics.median(times)
    return {
        "peer": "escalation-sim",
        "version": sim.__version__,
        "matches": matches,
        "rounds": ROUNDS,
        "noise": NOISE,
        "discount": discount,
        "seconds": seconds,
        "all_seconds": times,
        "player_rounds_per_s": 2 * matches * ROUNDS / seconds,
        "mean_payoff_per_round": statistics.fmean(means),
    }


def axelrod(python: str, matches: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            python,
            str(ROOT / "benchmarks" / "_axelrod_peer.py"),
            "--matches",
            str(matches),
            "--rounds",
            str(ROUNDS),
            "--noise",
            str(NOISE),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer-python", default=sys.executable)
    ap.add_argument("--matches", type=int, default=100_000)
    ap.add_argument("--peer-matches", type=int, default=1_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()
    ours = engine(args.matches, args.repeats)
    peer = axelrod(args.peer_python, args.peer_matches)
    general = engine(args.matches, args.repeats, discount=0.999)
    ratio = ours["player_rounds_per_s"] / peer["player_rounds_per_s"]
    ratio_general = general["player_rounds_per_s"] / peer["player_rounds_per_s"]
    report = {
        "workload": "noisy TFT vs TFT, noise 0.05, 200 rounds, one core",
        "engine": ours,
        "axelrod": peer,
        "ratio": ratio,
        "engine_discounted": general,
        "ratio_discounted": ratio_general,
    }
    print(
        f"axelrod {peer['version']}: {peer['player_rounds_per_s']:,.0f} player-rounds/s "
        f"(mean payoff {peer['mean_payoff_per_round']:.4f})"
    )
    print(
        f"escalation-sim {ours['version']}: {ours['player_rounds_per_s']:,.0f} player-rounds/s "
        f"(mean payoff {ours['mean_payoff_per_round']:.4f})"
    )
    print(f"ratio: {ratio:,.0f}x")
    print(
        f"escalation-sim with discount 0.999 (payoffs accounted round by round): "
        f"{general['player_rounds_per_s']:,.0f} player-rounds/s, ratio {ratio_general:,.0f}x"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
