"""Noisy tit-for-tat against itself: the engine against the exact Markov chain, Molander's
long-run (R+S+T+P)/4 (literature.md section 3) and the Axelrod library's figure (peer)."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pytest

import sim
from tests.conftest import DATA, ipd_with, play_with_payoffs

R, S, T, P = 3, 0, 5, 1
NOISE = Fraction(1, 20)
ROUNDS = 200
#: States in order CC, CD, DC, DD (US move first); US's stage payoff in each.
STATES = [(0, 0), (0, 1), (1, 0), (1, 1)]
PAY_US = [R, S, T, P]


def _flip(intended: tuple[int, int], e: Fraction) -> list[Fraction]:
    """Distribution over STATES when each intended move flips independently with prob e."""
    out = []
    for a, b in STATES:
        pa = e if a != intended[0] else 1 - e
        pb = e if b != intended[1] else 1 - e
        out.append(pa * pb)
    return out


def transition(e: Fraction) -> list[list[Fraction]]:
    """TFT vs TFT: each intends the opponent's last actual move, then each move flips."""
    return [_flip((b, a), e) for a, b in STATES]


def exact_mean_payoff(e: Fraction, rounds: int) -> Fraction:
    """US's expected payoff per round averaged over rounds 0..rounds-1, in exact arithmetic."""
    m = transition(e)
    dist = _flip((0, 0), e)  # round 0: both intend C (copy of the initial baseline)
    total = Fraction(0)
    for _ in range(rounds):
        total += sum(p * u for p, u in zip(dist, PAY_US, strict=True))
        dist = [sum(dist[i] * m[i][j] for i in range(4)) for j in range(4)]
    return total / rounds


def exact_mean_payoff_float(e: float, rounds: int) -> float:
    """The same average with numpy matrix powers (an independent route to the number)."""
    m = np.array(transition(Fraction(e).limit_denominator(10**6)), dtype=float)
    pi0 = np.array(_flip((0, 0), Fraction(e).limit_denominator(10**6)), dtype=float)
    u = np.array(PAY_US, dtype=float)
    return float(np.mean([pi0 @ np.linalg.matrix_power(m, t) @ u for t in range(rounds)]))


EXACT = float(exact_mean_payoff(NOISE, ROUNDS))


def test_exact_value_two_routes() -> None:
    """The exact average agrees between rational arithmetic and float matrix powers, lies
    strictly between the long-run 2.25 and R = 3, and is R when there is no noise."""
    np.testing.assert_allclose(EXACT, exact_mean_payoff_float(0.05, ROUNDS), rtol=1e-12)
    assert 2.25 < EXACT < 3.0
    assert exact_mean_payoff(Fraction(0), ROUNDS) == R


def test_stationary_distribution_is_molanders_limit() -> None:
    """The chain's stationary distribution is uniform, so the long-run payoff is
    (R+S+T+P)/4 = 2.25 for any noise rate in (0, 1)."""
    for e in (0.01, 0.05, 0.3):
        m = np.array(transition(Fraction(e).limit_denominator(10**6)), dtype=float)
        w, v = np.linalg.eig(m.T)
        pi = np.real(v[:, np.argmin(np.abs(w - 1))])
        pi /= pi.sum()
        np.testing.assert_allclose(pi, [0.25] * 4, atol=1e-12)
        np.testing.assert_allclose(pi @ np.array(PAY_US, float), (R + S + T + P) / 4)
        np.testing.assert_allclose((R + S + T + P) / 4, 2.25)
    # and a long game converges there (float route: rational powers grow too large)
    assert exact_mean_payoff_float(0.05, 5000) == pytest.approx(2.25, abs=0.01)


def test_round_distribution_matches_chain() -> None:
    """Per round, the engine's share of each state matches the chain's exact distribution
    (rounds 0, 1, 5, 199; 3-sigma binomial bounds)."""
    n = 20_000
    sc = ipd_with("tit_for_tat", "tit_for_tat", noise=0.05, rounds=ROUNDS)
    levels, _ = play_with_payoffs(sc.plan, n=n, seed=11)
    m = transition(NOISE)
    dist = _flip((0, 0), NOISE)
    for t in range(ROUNDS):
        if t in (0, 1, 5, 199):
            state = 2 * levels[t, 0].astype(int) + levels[t, 1].astype(int)
            freq = np.bincount(state, minlength=4) / n
            p = np.array(dist, dtype=float)
            np.testing.assert_array_less(np.abs(freq - p), 3 * np.sqrt(p * (1 - p) / n) + 1e-12)
        dist = [sum(dist[i] * m[i][j] for i in range(4)) for j in range(4)]


@pytest.fixture(scope="module")
def engine_payoffs() -> np.ndarray:
    """Mean payoff per round of US in each of 20,000 noisy TFT-vs-TFT matches."""
    sc = ipd_with("tit_for_tat", "tit_for_tat", noise=0.05, rounds=ROUNDS)
    res = sim.simulate(sc, matches=20_000, seed=2024, workers=1)
    x = res.matches()["payoff_US"].to_numpy(dtype=float)
    assert x.shape == (20_000,)
    return x


def test_engine_mean_matches_exact(engine_payoffs: np.ndarray) -> None:
    """The engine's mean per-round payoff is within 3 standard errors of the exact value."""
    x = engine_payoffs
    se = x.std(ddof=1) / math.sqrt(x.size)
    assert 0 < se < 0.005
    assert abs(x.mean() - EXACT) < 3 * se, (x.mean(), EXACT, se)


def test_engine_mean_matches_axelrod(engine_payoffs: np.ndarray) -> None:
    """The engine agrees with the Axelrod library's noisy TFT figure within the combined
    3 SE; the peer's figure itself agrees with the exact value."""
    gold = json.loads((DATA / "axelrod_ipd_noisy_tft.json").read_text())
    meta = gold["metadata"]
    assert meta["noise"] == 0.05
    assert meta["turns"] == ROUNDS
    assert meta["registry_names"] == ["tit_for_tat", "tit_for_tat"]
    x = engine_payoffs
    se = x.std(ddof=1) / math.sqrt(x.size)
    ax_mean, ax_se = gold["player1_mean_payoff_per_round"], gold["player1_sem"]
    assert abs(x.mean() - ax_mean) < 3 * math.hypot(se, ax_se)
    assert abs(ax_mean - EXACT) < 3 * ax_se
    # the spread across matches agrees too (within 10%)
    assert x.std(ddof=1) == pytest.approx(gold["player1_std"], rel=0.1)
