"""Tournament and Moran process: this project against the Axelrod library, in one run.

Tournament: Cooperator, Defector, TitForTat, Grudger, WinStayLoseShift, GTFT, TitFor2Tats
and Random, 200 rounds, noise 0.05, payoffs R=3 S=0 T=5 P=1. Axelrod plays 20 repetitions
of its round robin (each unordered pair once per repetition, self-play included: 720
matches); this project plays every ordered pair 20 times (1,280 matches). Both run on one
core and build their result tables; the ratio compares the time per match ("at the same
number of matches"), and the raw wall times are reported too. This project is timed with
its automata (the default) and with every strategy's own code (``automata=False``).

Moran: a population of 10 (two each of Cooperator, Defector, TitForTat, Grudger,
WinStayLoseShift), noise 0.05, 200-round matches, birth-death with fitness proportional
to payoff, to fixation. Axelrod replays every pair's match each generation; this project
plays one tournament of the five strategies and runs the process on its mean payoffs
(``sim.evolve(method="moran", fitness="linear", intensity=1)``), so a run costs a
tournament once and then microseconds. Both the cost of one run (tournament included)
and of each further run are reported.

    python benchmarks/bench_tournament.py [--peer-python PATH] [--json OUT]
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
STRATEGIES = [
    "appease",
    "always_escalate",
    "tit_for_tat",
    "grim_trigger",
    "win_stay_lose_shift",
    "generous_tit_for_tat",
    "tit_for_two_tats",
    "random",
]
MORAN = ["appease", "always_escalate", "tit_for_tat", "grim_trigger", "win_stay_lose_shift"]
REPETITIONS, ROUNDS, NOISE = 20, 200, 0.05


def ours_tournament(repeats: int, automata: bool = True) -> dict[str, Any]:
    """Median wall time of the tournament and its tables (scores and ranking)."""
    import sim

    sc = sim.load_scenario(ROOT / "scenarios" / "ipd.toml")
    sim.tournament(sc, STRATEGIES, matches=2, seed=0, workers=1).ranking()  # warm up
    times = []
    for r in range(repeats):
        start = time.perf_counter()
        res = sim.tournament(
            sc, STRATEGIES, matches=REPETITIONS, seed=r, workers=1, automata=automata
        )
        res.scores()
        ranking = res.ranking()
        times.append(time.perf_counter() - start)
    matches = len(STRATEGIES) ** 2 * REPETITIONS
    seconds = statistics.median(times)
    return {
        "peer": "escalation-sim",
        "automata": automata,
        "matches": matches,
        "seconds": seconds,
        "all_seconds": times,
        "seconds_per_match": seconds / matches,
        "scores": dict(zip(ranking["label"], ranking["score"], strict=True)),
    }


def ours_moran(runs: int) -> dict[str, Any]:
    import sim

    sc = sim.load_scenario(ROOT / "scenarios" / "ipd.toml")
    kw: dict[str, Any] = {
        "method": "moran",
        "population": 10,
        "fitness": "linear",
        "intensity": 1.0,
        "matches": REPETITIONS,
        "workers": 1,
    }
    sim.evolve(sc, MORAN, seed=0, runs=10, **kw)  # warm up
    start = time.perf_counter()
    one = sim.evolve(sc, MORAN, seed=1, runs=1, **kw)
    first = time.perf_counter() - start
    start = time.perf_counter()
    many = sim.evolve(sc, MORAN, seed=1, runs=runs, **kw)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    sim.tournament(sc, MORAN, matches=REPETITIONS, seed=1, workers=1)
    tour_seconds = time.perf_counter() - start
    takeover = many.takeover()
    assert one.runs is not None
    return {
        "peer": "escalation-sim",
        "seconds_one_run_with_tournament": first,
        "runs": runs,
        "seconds_runs_with_tournament": seconds,
        "seconds_tournament": tour_seconds,
        "seconds_per_further_run": (seconds - tour_seconds) / runs,
        "takeover": dict(zip(takeover["strategy"], takeover["probability"], strict=True)),
        "takeover_ci": {
            s: [lo, hi]
            for s, lo, hi in zip(
                takeover["strategy"], takeover["ci_low"], takeover["ci_high"], strict=True
            )
        },
    }


def axelrod(python: str, what: str, **args: Any) -> dict[str, Any]:
    cmd = [python, str(ROOT / "benchmarks" / "_axelrod_peer.py"), "--what", what]
    for key, value in args.items():
        cmd += [f"--{key.replace('_', '-')}", str(value)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-python", default=sys.executable)
    parser.add_argument("--repeats", type=int, default=15, help="timed runs of ours")
    parser.add_argument("--axelrod-runs", type=int, default=3, help="Axelrod tournaments")
    parser.add_argument("--moran-runs", type=int, default=3, help="Axelrod Moran runs")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    before = ours_tournament(args.repeats)
    peer = [
        axelrod(args.peer_python, "tournament", repetitions=REPETITIONS, build_results="both")
        for _ in range(args.axelrod_runs)
    ]
    after = ours_tournament(args.repeats)
    generic = ours_tournament(max(3, args.repeats // 3), automata=False)
    ours_s = statistics.median(before["all_seconds"] + after["all_seconds"])
    ax_build = statistics.median(p["seconds_play_and_build_results"] for p in peer)
    ax_play = statistics.median(p["seconds_play"] for p in peer)
    ax_matches, our_matches = peer[0]["matches"], before["matches"]
    per_match = (ax_build / ax_matches) / (ours_s / our_matches)
    tournament = {
        "ours_seconds": ours_s,
        "ours_matches": our_matches,
        "ours_generic_seconds": generic["seconds"],
        "axelrod_seconds_play_and_build_results": ax_build,
        "axelrod_seconds_play": ax_play,
        "axelrod_matches": ax_matches,
        "ratio_per_match": per_match,
        "ratio_per_match_play_only": (ax_play / ax_matches) / (ours_s / our_matches),
        "ratio_wall": ax_build / ours_s,
        "ratio_per_match_generic": (ax_build / ax_matches) / (generic["seconds"] / our_matches),
        "ours": [before, after, generic],
        "axelrod": peer,
    }
    print(
        f"tournament: Axelrod {ax_build:.2f} s ({ax_play:.2f} s without results) for "
        f"{ax_matches} matches; ours {ours_s * 1e3:.1f} ms for {our_matches} matches "
        f"(code path {generic['seconds'] * 1e3:.0f} ms): {per_match:.0f}x per match, "
        f"{ax_build / ours_s:.0f}x wall"
    )
    moran_peer = axelrod(args.peer_python, "moran", runs=args.moran_runs)
    moran_ours = ours_moran(2000)
    ax_run = statistics.median(moran_peer["seconds"])
    moran = {
        "axelrod": moran_peer,
        "ours": moran_ours,
        "axelrod_seconds_per_run": ax_run,
        "ratio_first_run": ax_run / moran_ours["seconds_one_run_with_tournament"],
        "ratio_further_runs": ax_run / moran_ours["seconds_per_further_run"],
    }
    print(
        f"moran: Axelrod {ax_run:.2f} s per run; ours "
        f"{moran_ours['seconds_one_run_with_tournament'] * 1e3:.0f} ms for the first run "
        f"(tournament included), {moran_ours['seconds_per_further_run'] * 1e6:.0f} us per "
        f"further run"
    )
    if args.json:
        args.json.write_text(
            json.dumps({"tournament": tournament, "moran": moran}, indent=1) + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
