"""Generate golden reference data from the Axelrod library (Axelrod-Python).

Writes two files under ``tests/data/``:

* ``axelrod_ipd_moves.json`` -- full 200-round noiseless move sequences and
  total scores for every ordered pair (self-pairs included) of six
  deterministic strategies, with the mapping to this project's registry names.
* ``axelrod_ipd_noisy_tft.json`` -- mean and standard error of the mean of
  TitForTat-vs-TitForTat per-round payoff (player 1), noise 0.05, 200 turns,
  2000 matches with seeds 0..1999.

Regenerate (from the repository root; the venv lives outside the repository)::

    python3 -m venv /work/venvs/bench
    /work/venvs/bench/bin/pip install torch==2.13.0   # CPU wheel via find-links=/opt/wheels
    echo "torch==2.13.0" > /tmp/bench-constraints.txt
    /work/venvs/bench/bin/pip install -c /tmp/bench-constraints.txt axelrod numpy
    /work/venvs/bench/bin/python benchmarks/axelrod_golden.py

Note: ``import axelrod`` takes ~20 s (it classifies every strategy by reading
its source at import time) and sets the multiprocessing start method to
"spawn" process-wide.
"""

from __future__ import annotations

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
}
PAYOFFS: dict[str, int] = {"R": 3, "S": 0, "T": 5, "P": 1}
TURNS = 200
NOISY_TFT_NOISE = 0.05
NOISY_TFT_MATCHES = 2000


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
    for row in REGISTRY_NAMES:
        for col in REGISTRY_NAMES:
            players = (getattr(axl, row)(), getattr(axl, col)())
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
        "registry_names": dict(REGISTRY_NAMES),
        "matches": matches,
    }


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
    del argv  # no options
    import axelrod as axl

    data_dir = Path(__file__).resolve().parent.parent / "tests" / "data"
    write_json_atomic(data_dir / "axelrod_ipd_moves.json", deterministic_moves(axl))
    write_json_atomic(data_dir / "axelrod_ipd_noisy_tft.json", noisy_tft(axl))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
