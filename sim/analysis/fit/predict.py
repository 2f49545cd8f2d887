"""Out-of-sample scores: one-step-ahead predictions of the record's moves, and baselines.

A hypothesis fitted on the training rounds predicts each later round from the record
before it: the probability of the direction each instrument moved (its *predictive
density*), and the probability that it moved at all (for calibration). Two baselines are
scored the same way: **persistence** (every level held, moves only by execution noise,
whose rate is fitted on the training rounds) and a **frequency-matched random mover**
(each instrument moves up and down at its training frequencies, whatever happened before;
add-one-half smoothing; the player's pooled rate for a direction an instrument never could
take in training; no move past a ladder's end).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.analysis.fit.likelihood import Compressed, Terms
from sim.stats.intervals import share_interval

FloatArray = NDArray[np.float64]
#: Edges of the calibration bins of predicted move probabilities.
BIN_EDGES = (0.0, 0.001, 0.01, 0.05, 0.2, 0.5, 1.0)


@dataclass(frozen=True)
class Score:
    """Out-of-sample score of one predictor on the test rounds.

    ``lpd`` total log predictive density; ``per_observation`` its mean over instrument-rounds;
    ``per_move`` the mean over the observations where the record moved; ``brier`` the mean
    squared error of the predicted move probability; ``p_move`` and ``moved`` per observation
    (for calibration).
    """

    label: str
    lpd: float
    per_observation: float
    per_move: float
    brier: float
    observations: int
    moves: int
    p_move: FloatArray
    moved: NDArray[np.bool_]

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "lpd": self.lpd,
            "lpd_per_observation": self.per_observation,
            "lpd_per_move": self.per_move,
            "brier": self.brier,
            "observations": self.observations,
            "moves": self.moves,
        }


def score(label: str, observed: FloatArray, p_move: FloatArray, moved: NDArray[np.bool_]) -> Score:
    """A :class:`Score` from the probability of each observed direction and of a move."""
    logp = np.log(
        np.maximum(observed, 0.0), where=observed > 0, out=np.full(observed.shape, -np.inf)
    )
    n, k = int(observed.size), int(moved.sum())
    return Score(
        label,
        float(logp.sum()),
        float(logp.mean()) if n else np.nan,
        float(logp[moved].mean()) if k else np.nan,
        float(np.mean((p_move - moved) ** 2)) if n else np.nan,
        n,
        k,
        p_move.ravel(),
        moved.ravel(),
    )


def hypothesis_score(label: str, record: Terms, stay: Terms, column: int, eps: float) -> Score:
    """Score grid point ``column`` at noise ``eps``: ``record`` holds the terms of the
    observed directions, ``stay`` those of "no move", on the test rounds."""
    observed = record.a[:, :, column] + record.c[:, :, column] * eps
    p_move = 1.0 - (stay.a[:, :, column] + stay.c[:, :, column] * eps)
    return score(label, observed, np.clip(p_move, 0.0, 1.0), record.moved[:, :, column])


def persistence(
    train: Terms, test: Terms, stay: Terms, bounds: tuple[float, float]
) -> tuple[Score, float]:
    """The persistence baseline (``train``/``test``/``stay``: terms of a player that holds
    every level); returns its score and the fitted noise."""
    eps, _ = Compressed.of(train).best_eps(*bounds)
    e = float(eps[0])
    return hypothesis_score("persistence", test, stay, 0, e), e


def frequency(
    before_train: NDArray[np.integer],
    after_train: NDArray[np.integer],
    before_test: NDArray[np.integer],
    after_test: NDArray[np.integer],
    top: NDArray[np.integer],
) -> Score:
    """The frequency-matched random mover, ``(rounds, k)`` levels of one player."""
    d_train = np.sign(after_train.astype(int) - before_train)
    tp = np.asarray(top)[None, :]
    can_up, can_down = before_train < tp, before_train > 0
    ups, downs = np.sum(d_train > 0, axis=0), np.sum(d_train < 0, axis=0)
    n_up, n_down = np.sum(can_up, axis=0), np.sum(can_down, axis=0)
    # An instrument that never could move one way in training takes the pooled rate.
    pooled_up = (ups.sum() + 0.5) / (n_up.sum() + 1.0)
    pooled_down = (downs.sum() + 0.5) / (n_down.sum() + 1.0)
    q_up = np.where(n_up > 0, (ups + 0.5) / (n_up + 1.0), pooled_up)
    q_down = np.where(n_down > 0, (downs + 0.5) / (n_down + 1.0), pooled_down)
    up = np.where(before_test < tp, q_up[None, :], 0.0)
    down = np.where(before_test > 0, q_down[None, :], 0.0)
    total = up + down
    scale = np.where(total > 1, 1 / np.maximum(total, 1e-300), 1.0)
    up, down = up * scale, down * scale
    d = np.sign(after_test.astype(int) - before_test)
    observed = np.where(d > 0, up, np.where(d < 0, down, 1 - up - down))
    return score("frequency-matched random", observed, up + down, d != 0)


def calibration(s: Score) -> list[dict[str, Any]]:
    """Predicted move probabilities in bins against the observed share of moves, with the
    share's 95% interval."""
    rows = []
    edges = BIN_EDGES
    for i, (lo, hi) in enumerate(itertools.pairwise(edges)):
        last = i == len(edges) - 2
        inside = (s.p_move >= lo) & ((s.p_move <= hi) if last else (s.p_move < hi))
        n = int(inside.sum())
        k = int(s.moved[inside].sum())
        low, high = share_interval(k, n)
        rows.append(
            {
                "predictor": s.label,
                "bin_low": lo,
                "bin_high": hi,
                "observations": n,
                "mean_predicted": float(s.p_move[inside].mean()) if n else np.nan,
                "moves": k,
                "observed_share": k / n if n else np.nan,
                "ci_low": low,
                "ci_high": high,
            }
        )
    return rows
