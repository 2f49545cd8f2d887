"""Cost of the truce, rapport and event machinery, side by side in one run.

Two workloads, each run with and without the machinery, alternating, on one process:

* ``us-china-2025``: ``scenarios/us-china-2025.toml`` (replayed 2025 record, Busan truce,
  renewal, rapport, negotiation) against the same scenario with no events, no
  ``replay_until`` and no ``[truces]`` settings;
* ``ipd``: noisy (0.05) tit-for-tat against tit-for-tat, 200 rounds, with a truce in force
  from round 0 (term 20, renewal 0.5), rapport erosion and repair, and negotiation, against
  the plain game.

The result is the ratio of player-rounds per second (plain / with machinery); the issue's
bound is 3.

    python benchmarks/bench_truces.py [--matches N] [--repeats R] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def workloads() -> dict[str, tuple[Any, Any]]:
    """``name -> (plain scenario, scenario with the machinery)``."""
    import sim

    us_china = sim.load_scenario(ROOT / "scenarios" / "us-china-2025.toml")
    data = us_china.to_dict()
    data["events"], data["truces"] = [], {}
    data["simulation"]["replay_until"] = None
    plain_us_china = sim.Scenario.from_dict(data)
    ipd = sim.load_scenario(ROOT / "scenarios" / "ipd.toml").replace(
        {"players.US.strategy": "tit_for_tat", "players.CN.strategy": "tit_for_tat"},
        simulation={"rounds": 200},
    )
    caps = {"US": {"move": 0}, "CN": {"move": 0}}
    truce = {"kind": "truce", "round": 0, "name": "T", "term": 20, "caps": caps}
    ipd_truces = ipd.replace(
        events=[truce],
        truces={
            "renewal": 0.5,
            "rapport": {"erosion": 0.05, "repair": 0.01},
            "negotiation": {
                "threshold": {"US": 0.5, "CN": 0.5},
                "p_agree": 0.1,
                "term": 20,
                "min_rapport": 0.2,
            },
        },
    )
    return {"us-china-2025": (plain_us_china, us_china), "ipd": (ipd, ipd_truces)}


def measure(matches: int, repeats: int) -> dict[str, Any]:
    import sim

    out: dict[str, Any] = {"version": sim.__version__, "matches": matches, "cases": {}}
    for name, (plain, full) in workloads().items():
        rounds = full.rounds
        for sc in (plain, full):
            sim.simulate(sc, matches=1024, seed=0, workers=1)  # warm up
        times: dict[str, list[float]] = {"plain": [], "truces": []}
        for r in range(repeats):  # alternate, so that load on the machine hits both alike
            for label, sc in (("plain", plain), ("truces", full)):
                start = time.perf_counter()
                sim.simulate(sc, matches=matches, seed=r, workers=1)
                times[label].append(time.perf_counter() - start)
        rate = {k: 2 * matches * rounds / statistics.median(v) for k, v in times.items()}
        out["cases"][name] = {
            "rounds": rounds,
            "seconds": times,
            "player_rounds_per_s": rate,
            "slowdown": rate["plain"] / rate["truces"],
        }
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--matches", type=int, default=8192)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()
    result = measure(args.matches, args.repeats)
    for name, case in result["cases"].items():
        rate = case["player_rounds_per_s"]
        print(
            f"{name:>14}: plain {rate['plain']:,.0f} player-rounds/s, with truces "
            f"{rate['truces']:,.0f}: slowdown x{case['slowdown']:.2f} (bound 3)"
        )
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
