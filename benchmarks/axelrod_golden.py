"""Generate golden reference data from the Axelrod library (Axelrod-Python).

Writes three files under ``tests/data/``:

* ``axelrod_ipd_moves.json`` -- full 200-round noiseless move sequences and
  total scores for every ordered pair (self-pairs included) of the seven
  deterministic strategies in ``DETERMINISTIC``, with the mapping to this project's registry names.
* ``axelrod_ipd_noisy_tft.json`` -- mean and standard error of the mean of
  TitForTat-vs-TitForTat per-round payoff (player 1), noise 0.05, 200 turns,
  2000 matches with seeds 0..1999.
* ``axelrod_ipd_tournament.json`` -- a noisy (0.05) round robin
  (``axl.Tournament``, 200 turns, fixed seed, 300 repetitions) of eight
  strategies including GTFT and Random: the mean over repetitions of each
  strategy's normalised score (mean score per turn, self-play excluded) with
  its standard error, the payoff matrix with its standard deviations, wins and
  the ranking.

Regenerate (from the repository root; the venv lives outside the repository)::

    python3 -m venv /work/venvs/bench
    /work/venvs/bench/bin/pip install torch==2.13.0   # CPU wheel via find-links=/opt/wheels
    echo "torch==2.13.0" > /tmp/bench-constraints.txt
    /work/venvs/bench/bin/pip install -c /tmp/bench-constraints.txt axelrod numpy
    /work/venvs/bench/bin/python benchmarks/axelrod_golden.py
    /work/venvs/bench/bin/python benchmarks/axelrod_golden.py --only tournament

(``--only`` may be repeated; without it all three files are written.) The
tournament takes 70 to 90 s on one core, plus the import.

Note: ``import axelrod`` takes ~20 s (it classifies every strategy by reading
its source at import time) and sets the multiprocessing start method to
"spawn" process-wide.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Axelrod class name -> this project's strategy registry name.
REGISTRY_NAMES: dict[str, str] = {
    "Cooperator": "appease",
    "Defector": "always_escalate",
    "TitForTat": "tit_for_tat",
    "Grudger": "grim_trigger",
    "WinStayLoseShift": "win_stay_lose_shift",
    "TitFor2Tats": "tit_for_two_tats",
    "Gradual": "gradual",
    "GTFT": "generous_tit_for_tat",
    "Random": "random",
    "ContriteTitForTat": "contrite_tit_for_tat",
    # the shipped classics (sim/strategies/classics.toml)
    "SuspiciousTitForTat": "suspicious_tit_for_tat",
    "AntiTitForTat": "anti_tit_for_tat",
    "Bully": "bully",
    "WinShiftLoseStay": "win_shift_lose_stay",
    "TwoTitsForTat": "two_tits_for_tat",
    "HardTitForTat": "hard_tit_for_tat",
    "HardTitFor2Tats": "hard_tit_for_two_tats",
    "FirstByNydegger": "nydegger",
    "Alternator": "alternator",
    "CyclerCD": "cycler_cd",  # axl.Cycler("CD"): Axelrod has no class of that name
    "CyclerDC": "cycler_dc",
    "CyclerCCD": "cycler_ccd",
    "CyclerDDC": "cycler_ddc",
    "CyclerCCCD": "cycler_cccd",
    "CyclerCCCCCD": "cycler_cccccd",
    "CyclerCCCDCD": "cycler_cccdcd",
    "FirstByDavis": "davis",
    "Prober": "prober",
    "Prober2": "prober2",
    "Prober3": "prober3",
    "Aggravater": "aggravater",
    "Handshake": "handshake",
    "SoftGrudger": "soft_grudger",
    "ForgetfulGrudger": "forgetful_grudger",
    "OnceBitten": "once_bitten",
    "FoolMeOnce": "fool_me_once",
    "SoftJoss": "soft_joss",
    "FirstByJoss": "joss",
    "StochasticWSLS": "stochastic_wsls",
    "FirmButFair": "firm_but_fair",
    "ZDGTFT2": "zd_gtft_2",
    "ZDExtort2": "zd_extort_2",
}
STOCHASTIC: tuple[str, ...] = (
    "GTFT",
    "Random",
    "SoftJoss",
    "FirstByJoss",
    "StochasticWSLS",
    "FirmButFair",
    "ZDGTFT2",
    "ZDExtort2",
)
# The deterministic strategies whose move sequences are recorded: every mapped one.
DETERMINISTIC: tuple[str, ...] = tuple(n for n in REGISTRY_NAMES if n not in STOCHASTIC)
PAYOFFS: dict[str, int] = {"R": 3, "S": 0, "T": 5, "P": 1}
TURNS = 200
NOISY_TFT_NOISE = 0.05
NOISY_TFT_MATCHES = 2000
# The round robin: default parameters (Random p=0.5; GTFT's p from the game, 1/3 here).
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
TOURNAMENT_NOISE = 0.05
TOURNAMENT_SEED = 2026
# 300 repetitions: standard errors of the mean normalised scores about 0.002-0.004.
TOURNAMENT_REPETITIONS = 300
# The classics' tournament parity: every strategy of `escalate tournament
# scenarios/ipd.toml --all` in one round robin. The mapped ones play their Axelrod class;
# the four of this library that Axelrod has no class for play the Axelrod strategy they
# equal on the IPD (KEY@registry_name), by the tests noted:
COUNTERPARTS: dict[str, str] = {
    # memory_one's defaults are tit-for-tat's four-vector, restraining in round 0
    "TitForTat@memory_one": "memory_one",
    # ratio 1 on symmetric ladders is tit-for-tat
    # (tests/strategies/test_strategies.py::test_never_strike_first_ratio_one_is_tft_...)
    "TitForTat@never_strike_first": "never_strike_first",
    # no truces in the IPD and no threshold: it climbs to the top in round 0 and stays
    "Defector@escalate_to_negotiate": "escalate_to_negotiate",
    # Press & Dyson's extortion with chi = 3 and phi at half its bound: (11/13, 1/2,
    # 7/26, 0). Axelrod's MemoryOnePlayer restrains in round 0 for sure, where extortion
    # restrains with probability 11/13: the only play that differs.
    "MemoryOnePlayer@extortion": "extortion",
}
EXTORTION_VECTOR = (11 / 13, 1 / 2, 7 / 26, 0.0)
CLASSICS_REPETITIONS = 100


def classics_keys() -> tuple[str, ...]:
    """The classics' round robin: every mapped class and counterpart, by registry name."""
    every = REGISTRY_NAMES | COUNTERPARTS
    return tuple(sorted(every, key=lambda k: every[k]))


def _player(axl: Any, key: str) -> Any:
    """The Axelrod player of ``key``: a class name, or a counterpart ``CLASS@registry``."""
    base = key.split("@")[0]
    if base == "CyclerCD":
        return axl.Cycler("CD")
    if base == "MemoryOnePlayer":
        return axl.MemoryOnePlayer(four_vector=EXTORTION_VECTOR, initial=axl.Action.C)
    return getattr(axl, base)()


OUTPUTS: tuple[str, ...] = ("moves", "noisy_tft", "tournament", "classics")


def _metadata(axl: Any) -> dict[str, Any]:
    return {
        "axelrod_version": axl.__version__,
        "python_version": platform.python_version(),
        "date_generated": datetime.datetime.now(datetime.UTC).date().isoformat(),
        "command": shlex.join([sys.executable, *sys.argv]),
        "game": dict(PAYOFFS),
        "turns": TURNS,
    }


def _game(axl: Any) -> Any:
    return axl.Game(r=PAYOFFS["R"], s=PAYOFFS["S"], t=PAYOFFS["T"], p=PAYOFFS["P"])


def deterministic_moves(axl: Any) -> dict[str, Any]:
    """Noiseless move sequences and total scores for all ordered pairs."""
    matches = []
    for row in DETERMINISTIC:
        for col in DETERMINISTIC:
            players = (_player(axl, row), _player(axl, col))
            match = axl.Match(players, turns=TURNS, game=_game(axl), noise=0)
            result = match.play()
            row_score, col_score = match.final_score()
            matches.append(
                {
                    "row": row,
                    "col": col,
                    "row_moves": "".join(str(a) for a, _ in result),
                    "col_moves": "".join(str(b) for _, b in result),
                    "row_score": int(row_score),
                    "col_score": int(col_score),
                }
            )
    return {
        "metadata": {**_metadata(axl), "noise": 0},
        "registry_names": {name: REGISTRY_NAMES[name] for name in DETERMINISTIC},
        "classifier": {name: _classifier(_player(axl, name)) for name in DETERMINISTIC},
        "matches": matches,
    }


def _classifier(player: Any) -> dict[str, Any]:
    c = player.classifier
    depth = c["memory_depth"]
    return {"stochastic": bool(c["stochastic"]), "memory_depth": str(depth)}


def noisy_tft(axl: Any) -> dict[str, Any]:
    """Mean +- SEM of TitForTat-vs-TitForTat per-round payoff under noise."""
    import numpy as np

    p1, both = [], []
    for seed in range(NOISY_TFT_MATCHES):
        players = (axl.TitForTat(), axl.TitForTat())
        match = axl.Match(players, turns=TURNS, game=_game(axl), noise=NOISY_TFT_NOISE, seed=seed)
        match.play()
        s1, s2 = match.final_score_per_turn()
        p1.append(float(s1))
        both.append((float(s1) + float(s2)) / 2)
    x, y = np.asarray(p1), np.asarray(both)
    n = len(x)
    return {
        "metadata": {
            **_metadata(axl),
            "noise": NOISY_TFT_NOISE,
            "matches": n,
            "seeds": f"0..{n - 1}",
            "strategies": ["TitForTat", "TitForTat"],
            "registry_names": ["tit_for_tat", "tit_for_tat"],
        },
        "player1_mean_payoff_per_round": float(x.mean()),
        "player1_sem": float(x.std(ddof=1) / np.sqrt(n)),
        "player1_std": float(x.std(ddof=1)),
        "both_players_mean_payoff_per_round": float(y.mean()),
        "both_players_sem": float(y.std(ddof=1) / np.sqrt(n)),
    }


def tournament(
    axl: Any,
    strategies: Sequence[str] = TOURNAMENT_STRATEGIES,
    repetitions: int = TOURNAMENT_REPETITIONS,
) -> dict[str, Any]:
    """Noisy round robin of ``strategies``: scores, payoff matrix, wins, ranking."""
    import numpy as np

    game = _game(axl)
    players = [_player(axl, name) for name in strategies]
    k, n = len(players), repetitions
    tour = axl.Tournament(
        players,
        game=game,
        turns=TURNS,
        repetitions=n,
        noise=TOURNAMENT_NOISE,
        seed=TOURNAMENT_SEED,
    )
    # processes=None (the default) plays every match in this process and builds the
    # ResultSet with dask's single-threaded scheduler. (processes=1 would not: any value
    # outside 2..cpu_count starts cpu_count worker processes.)
    results = tour.play(progress_bar=False, processes=None)
    if tour.num_interactions != k * (k + 1) // 2 * n:
        raise RuntimeError(f"expected {k * (k + 1) // 2 * n} matches, got {tour.num_interactions}")

    scores = np.asarray(results.normalised_scores, dtype=float)  # (player, repetition)
    payoffs = np.asarray(results.payoffs, dtype=float)  # (player, opponent, repetition)
    matrix = np.asarray(results.payoff_matrix, dtype=float)
    stddevs = np.asarray(results.payoff_stddevs, dtype=float)
    if scores.shape != (k, n) or payoffs.shape != (k, k, n):
        raise RuntimeError(f"unexpected shapes {scores.shape}, {payoffs.shape}")
    # payoff_matrix and payoff_stddevs are the mean and the population (ddof=0) standard
    # deviation over repetitions of the per-turn payoffs.
    if not (
        np.allclose(matrix, payoffs.mean(axis=2), rtol=0, atol=1e-12)
        and np.allclose(stddevs, payoffs.std(axis=2), rtol=0, atol=1e-12)
    ):
        raise RuntimeError("payoff_matrix/payoff_stddevs are not mean/std over repetitions")
    # Recompute each repetition's normalised score from the per-turn payoffs, without and
    # with the self-interaction, and see which one ResultSet reports.
    off_diagonal = ~np.eye(k, dtype=bool)
    without_self = payoffs[off_diagonal].reshape(k, k - 1, n).mean(axis=1)
    with_self = payoffs.mean(axis=1)
    diff_without = float(np.abs(scores - without_self).max())
    diff_with = float(np.abs(scores - with_self).max())
    exclude_self = diff_without < 1e-12
    if exclude_self == (diff_with < 1e-12):
        raise RuntimeError(f"normalised scores: {diff_without=}, {diff_with=}")
    means = scores.mean(axis=1)
    diff_matrix = float(np.abs(means - matrix[off_diagonal].reshape(k, k - 1).mean(axis=1)).max())
    if diff_matrix > 1e-12:
        raise RuntimeError(f"mean normalised scores differ from the payoff matrix: {diff_matrix}")
    std = scores.std(axis=1, ddof=1)

    r, s, t, p = (PAYOFFS[x] for x in "RSTP")
    gtft = players[list(strategies).index("GTFT")]
    gtft_p = min(1 - (t - r) / (r - s), (r - p) / (t - p))
    if abs(gtft.p - gtft_p) > 1e-12:
        raise RuntimeError(f"GTFT p is {gtft.p}, expected {gtft_p}")
    registry = [(REGISTRY_NAMES | COUNTERPARTS)[name] for name in strategies]
    return {
        "metadata": {
            **_metadata(axl),
            "noise": TOURNAMENT_NOISE,
            "seed": TOURNAMENT_SEED,
            "repetitions": n,
            "matches": tour.num_interactions,
            "processes": None,
            "processes_note": "Tournament.play(processes=None), Axelrod's default: every "
            "match played in one process, ResultSet built single-threaded",
        },
        "strategies": list(strategies),
        "classifier": {name: _classifier(p) for name, p in zip(strategies, players, strict=False)},
        "axelrod_names": [str(p) for p in players],
        "registry_names": registry,
        "strategy_parameters": {
            "GTFT": {
                "p": float(gtft.p),
                "note": "four-vector (1, p, 1, p): after the opponent's D it cooperates with "
                "probability p = min(1 - (T - R)/(R - S), (R - P)/(T - P)) = 1/3 (Axelrod "
                "computes it when the player is built, from its default game, which is this "
                "one)",
            },
            "Random": {
                "p": float(players[list(strategies).index("Random")].p),
                "note": "cooperates with probability p every turn",
            },
        },
        "normalised_scores_exclude_self": bool(exclude_self),
        "normalised_scores_note": (
            "ResultSet.normalised_scores[i][r]: the mean, over the "
            + (f"{k - 1} opponents other than itself" if exclude_self else f"{k} players")
            + ", of strategy i's score per turn in repetition r; mean and std (ddof=1) are "
            "over the repetitions, sem = std / sqrt(repetitions)"
        ),
        "normalised_score_mean": [float(x) for x in means],
        "normalised_score_std": [float(x) for x in std],
        "normalised_score_sem": [float(x) for x in std / np.sqrt(n)],
        "normalised_scores_check": {
            "max_abs_diff_recomputed_without_self": diff_without,
            "max_abs_diff_recomputed_with_self": diff_with,
            "max_abs_diff_mean_vs_payoff_matrix_off_diagonal_row_mean": diff_matrix,
        },
        "payoff_matrix": [[float(x) for x in row] for row in matrix],
        "payoff_stddevs": [[float(x) for x in row] for row in stddevs],
        "payoff_samples": n,
        "payoff_matrix_note": (
            "payoff_matrix[i][j]: strategy i's payoff per turn against j, averaged over the "
            "repetitions (one match of i against j per repetition, so payoff_samples "
            "values per entry); on the diagonal each value is the mean of both seats of "
            "the self-play match. payoff_stddevs[i][j]: numpy.std (population, ddof=0) of "
            "those per-repetition values, so the standard error of an entry is "
            "payoff_stddevs[i][j] / sqrt(payoff_samples - 1)"
        ),
        "wins": [int(sum(w)) for w in results.wins],
        "wins_note": (
            "matches won (strictly higher total score than the opponent, self-play "
            "excluded), summed over opponents and repetitions"
        ),
        "ranked_names": list(results.ranked_names),
        "ranked_registry_names": [registry[i] for i in results.ranking],
        "ranking_note": "Axelrod's ranking: by median (over repetitions) normalised score",
    }


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as sorted, indent-1 JSON via a same-dir temp file + os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # mkstemp creates 0600
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, sort_keys=True, indent=1)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        action="append",
        choices=OUTPUTS,
        help="write only this file (moves, noisy_tft or tournament); may be repeated; "
        "default: all three",
    )
    args = parser.parse_args(argv)
    only = set(args.only or OUTPUTS)
    import axelrod as axl

    data_dir = Path(__file__).resolve().parent.parent / "tests" / "data"
    if "moves" in only:
        write_json_atomic(data_dir / "axelrod_ipd_moves.json", deterministic_moves(axl))
    if "noisy_tft" in only:
        write_json_atomic(data_dir / "axelrod_ipd_noisy_tft.json", noisy_tft(axl))
    if "tournament" in only:
        write_json_atomic(data_dir / "axelrod_ipd_tournament.json", tournament(axl))
    if "classics" in only:
        every = classics_keys()
        write_json_atomic(
            data_dir / "axelrod_classics_tournament.json",
            tournament(axl, every, CLASSICS_REPETITIONS),
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
