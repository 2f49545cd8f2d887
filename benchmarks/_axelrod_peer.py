"""Axelrod half of the throughput, tournament and Moran benchmarks.

Meant to be run in a subprocess with the bench venv's python (see
``benchmarks/axelrod_golden.py`` for the venv setup)::

    /work/venvs/bench/bin/python benchmarks/_axelrod_peer.py --matches 1000
    /work/venvs/bench/bin/python benchmarks/_axelrod_peer.py --what tournament --repetitions 20
    /work/venvs/bench/bin/python benchmarks/_axelrod_peer.py --what moran --runs 3

each of which prints the result dict as a single JSON line:

* ``throughput`` (the default): noisy TitForTat-vs-TitForTat matches.
* ``tournament``: ``axl.Tournament`` round robin of eight strategies, timed playing
  only and, separately, playing and building the ``ResultSet``.
* ``moran``: ``axl.MoranProcess`` of ten players played to fixation.

All three run on one core: the tournament uses ``processes=None``, Axelrod's default,
which plays every match in this process (``processes=1`` would not: any value outside
2..cpu_count starts cpu_count worker processes).

axelrod is imported inside the function, never at module top level:
``import axelrod`` takes ~20 s (excluded from the timing) and, via
``axelrod.tournament``, calls ``multiprocessing.set_start_method("spawn",
force=True)``, changing the start method for the whole process. Running it in
its own subprocess keeps that away from the caller.
"""

from __future__ import annotations

import argparse
import inspect
import json
import time
import warnings
from collections.abc import Sequence
from typing import Any

# Same order as benchmarks/axelrod_golden.py's tournament.
TOURNAMENT_STRATEGIES: tuple[str, ...] = (
    "Cooperator",
    "Defector",
    "TitForTat",
    "Grudger",
    "WinStayLoseShift",
    "GTFT",
    "TitFor2Tats",
    "Random",
)
# Two copies each of five deterministic strategies.
MORAN_POPULATION: tuple[str, ...] = tuple(
    name
    for name in ("Cooperator", "Defector", "TitForTat", "Grudger", "WinStayLoseShift")
    for _ in range(2)
)


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


def axelrod_tournament_timing(
    repetitions: int = 20,
    turns: int = 200,
    noise: float = 0.05,
    seed: int = 1,
    build_results: Sequence[bool] = (False, True),
) -> dict[str, Any]:
    """Time ``axl.Tournament(...).play()`` of TOURNAMENT_STRATEGIES, one run per entry
    of ``build_results`` (each with fresh players and the same seed), on one process.

    Axelrod plays each unordered pair, self-pairs included, once per repetition: 36
    matches per repetition for eight strategies. Payoffs R=3, S=0, T=5, P=1. Without
    ``build_results`` the tournament still writes every match's moves to a temporary CSV
    file (and deletes it); with it the scores are written too and read back with dask
    into a ``ResultSet``.
    """
    import axelrod as axl

    game = axl.Game(r=3, s=0, t=5, p=1)
    k = len(TOURNAMENT_STRATEGIES)
    runs: list[dict[str, Any]] = []
    scores: dict[str, float] | None = None
    for build in build_results:
        players = [getattr(axl, name)() for name in TOURNAMENT_STRATEGIES]
        with warnings.catch_warnings():
            # "Tournament results will not be accessible since build_results=False ..."
            warnings.simplefilter("ignore", UserWarning)
            start = time.perf_counter()
            tour = axl.Tournament(
                players, game=game, turns=turns, repetitions=repetitions, noise=noise, seed=seed
            )
            results = tour.play(build_results=build, progress_bar=False, processes=None)
            seconds = time.perf_counter() - start
        matches = tour.num_interactions
        if matches != k * (k + 1) // 2 * repetitions:
            raise RuntimeError(f"expected {k * (k + 1) // 2 * repetitions} matches, got {matches}")
        runs.append(
            {
                "build_results": bool(build),
                "seconds": seconds,
                "player_rounds_per_s": 2 * matches * turns / seconds,
            }
        )
        if build:
            scores = {
                name: sum(reps) / len(reps)
                for name, reps in zip(
                    TOURNAMENT_STRATEGIES, results.normalised_scores, strict=True
                )
            }
    by_build = {run["build_results"]: run["seconds"] for run in runs}
    return {
        "peer": "axelrod",
        "what": "tournament",
        "version": axl.__version__,
        "strategies": list(TOURNAMENT_STRATEGIES),
        "repetitions": repetitions,
        "turns": turns,
        "noise": noise,
        "seed": seed,
        "matches": k * (k + 1) // 2 * repetitions,
        "processes": None,
        "processes_note": "Tournament.play(processes=None), Axelrod's default: all matches "
        "played serially in this one process, ResultSet built with dask's single-threaded "
        "scheduler (one core)",
        "runs": runs,
        "seconds_play": by_build.get(False),
        "seconds_play_and_build_results": by_build.get(True),
        "normalised_score_mean": scores,
        "normalised_score_note": "mean over repetitions of ResultSet.normalised_scores "
        "(score per turn averaged over the 7 other strategies, self-play excluded); "
        "null without a build_results=True run",
    }


def axelrod_moran_timing(
    runs: int = 3,
    turns: int = 200,
    noise: float = 0.05,
    seed: int = 1,
    population: Sequence[str] = MORAN_POPULATION,
) -> dict[str, Any]:
    """Time ``axl.MoranProcess(players, ...).play()`` to fixation, ``runs`` times.

    ``population`` names Axelrod strategy classes, one per player (default: two copies
    each of Cooperator, Defector, TitForTat, Grudger, WinStayLoseShift). Run ``i`` uses
    fresh players and seed ``seed + i``. Payoffs R=3, S=0, T=5, P=1 (Axelrod's default
    game, passed explicitly).
    """
    import axelrod as axl

    game = axl.Game(r=3, s=0, t=5, p=1)
    params = inspect.signature(axl.MoranProcess).parameters
    n = len(population)
    out = []
    for i in range(runs):
        players = [getattr(axl, name)() for name in population]
        start = time.perf_counter()
        mp = axl.MoranProcess(players, turns=turns, noise=noise, game=game, seed=seed + i)
        populations = mp.play()
        seconds = time.perf_counter() - start
        generations = len(populations) - 1
        out.append(
            {
                "seed": seed + i,
                "seconds": seconds,
                "generations": generations,
                "winner": mp.winning_strategy_name,
                "matches": generations * n * (n - 1) // 2,
            }
        )
    return {
        "peer": "axelrod",
        "what": "moran",
        "version": axl.__version__,
        "population": list(population),
        "turns": turns,
        "noise": noise,
        "seed": seed,
        "runs": out,
        "seconds": [run["seconds"] for run in out],
        "mode": params["mode"].default,
        "mutation_rate": params["mutation_rate"].default,
        "mutation_note": "mutation_rate defaults to 0.0 (play() refuses any other value: "
        "with mutation the process never fixates)",
        "fitness_note": f"every generation MoranProcess.score_all replays a fresh {turns}-turn "
        f"match (new seed, noise {noise}) between every unordered pair of distinct players, "
        f"n(n-1)/2 = {n * (n - 1) // 2} matches, no self-play; a player's fitness is the sum "
        "of its per-turn scores (Match.final_score_per_turn) over its n-1 matches; nothing "
        "is reused between generations (the deterministic cache only serves noiseless "
        "deterministic matches). Birth-death ('bd'): one player reproduces with probability "
        "proportional to fitness and its clone replaces a player drawn uniformly from the "
        "whole population (the parent included); play() stops at fixation",
        "generations_note": "len(MoranProcess.play()) - 1: births until fixation; matches = "
        "generations x n(n-1)/2",
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--what", choices=("throughput", "tournament", "moran"), default="throughput"
    )
    parser.add_argument("--matches", type=int, default=1000, help="throughput")
    parser.add_argument("--rounds", "--turns", dest="rounds", type=int, default=200)
    parser.add_argument("--noise", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repetitions", type=int, default=20, help="tournament")
    parser.add_argument(
        "--build-results",
        choices=("both", "yes", "no"),
        default="both",
        help="tournament: time play without building results, with, or both (two runs)",
    )
    parser.add_argument("--runs", type=int, default=3, help="moran")
    parser.add_argument(
        "--population",
        nargs="+",
        default=list(MORAN_POPULATION),
        help="moran: Axelrod class names, one per player",
    )
    args = parser.parse_args(argv)
    result: dict[str, Any]
    if args.what == "tournament":
        build = {"both": (False, True), "yes": (True,), "no": (False,)}[args.build_results]
        result = axelrod_tournament_timing(
            args.repetitions, args.rounds, args.noise, args.seed, build
        )
    elif args.what == "moran":
        result = axelrod_moran_timing(
            args.runs, args.rounds, args.noise, args.seed, args.population
        )
    else:
        result = axelrod_noisy_tft_throughput(args.matches, args.rounds, args.noise, args.seed)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
