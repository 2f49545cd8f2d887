"""Axelrod half of the noisy TitForTat-vs-TitForTat throughput benchmark.

Meant to be run in a subprocess with the bench venv's python (see
``benchmarks/axelrod_golden.py`` for the venv setup)::

    /work/venvs/bench/bin/python benchmarks/_axelrod_peer.py --matches 1000

which prints the result dict as a single JSON line.

axelrod is imported inside the function, never at module top level:
``import axelrod`` takes ~20 s (excluded from the timing) and, via
``axelrod.tournament``, calls ``multiprocessing.set_start_method("spawn",
force=True)``, changing the start method for the whole process. Running it in
its own subprocess keeps that away from the caller.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from typing import Any


def axelrod_noisy_tft_throughput(
    matches: int = 1000, rounds: int = 200, noise: float = 0.05, seed: int = 1
) -> dict[str, Any]:
    """Time ``matches`` noisy TFT-vs-TFT Axelrod matches of ``rounds`` turns.

    Match ``i`` uses seed ``seed + i``. Payoffs R=3, S=0, T=5, P=1.
    """
    import axelrod as axl

    game = axl.Game(r=3, s=0, t=5, p=1)
    players = (axl.TitForTat(), axl.TitForTat())  # Match resets them each play()
    total = 0.0
    start = time.perf_counter()
    for i in range(matches):
        match = axl.Match(players, turns=rounds, game=game, noise=noise, seed=seed + i)
        match.play()
        s1, s2 = match.final_score_per_turn()
        total += float(s1) + float(s2)
    seconds = time.perf_counter() - start
    return {
        "peer": "axelrod",
        "version": axl.__version__,
        "matches": matches,
        "rounds": rounds,
        "noise": noise,
        "seed": seed,
        "seconds": seconds,
        "player_rounds_per_s": 2 * matches * rounds / seconds,
        "mean_payoff_per_round": total / (2 * matches),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matches", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--noise", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    result = axelrod_noisy_tft_throughput(args.matches, args.rounds, args.noise, args.seed)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
