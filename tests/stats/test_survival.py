"""Kaplan–Meier survival of truce spells: agreement with scipy, a case worked by hand,
edge cases, the truces-table helper and the figure."""

from __future__ import annotations

import math
import warnings
from fractions import Fraction
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from scipy import stats

from sim.analysis import Survival, kaplan_meier, survival_curves
from sim.report.survival_plot import survival_figure, survival_steps, term_lines


def scipy_km(d: np.ndarray, b: np.ndarray) -> tuple[object, np.ndarray, np.ndarray]:
    sf = stats.ecdf(stats.CensoredData(uncensored=d[b], right=d[~b])).sf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # undefined where S is 0 or 1
        ci = sf.confidence_interval(confidence_level=0.95, method="log-log")
    return sf, ci.low.probabilities, ci.high.probabilities


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("ends_in_breach", [False, True])
def test_random_spells_match_scipy(seed: int, ends_in_breach: bool) -> None:
    rng = np.random.default_rng(seed)
    d = rng.integers(1, 12, size=80)  # many ties, among breaches and censorings
    b = rng.random(80) < 0.6
    if ends_in_breach:  # the longest spell breached: the curve reaches 0
        d, b = np.append(d, 20), np.append(b, True)
    km = kaplan_meier(d, b)
    sf, low, high = scipy_km(d, b)

    np.testing.assert_array_equal(km.times, sf.quantiles)
    grid = np.arange(0, d.max() + 0.5, 0.5)
    np.testing.assert_allclose([km.at(t)[0] for t in grid], sf.evaluate(grid), rtol=1e-12)
    defined = np.isfinite(low) & np.isfinite(high)
    np.testing.assert_allclose(km.low[defined], low[defined], rtol=1e-12)
    np.testing.assert_allclose(km.high[defined], high[defined], rtol=1e-12)
    # where Greenwood's formula is undefined: S = 1 gives 1..1, S = 0 gives 0..NaN
    assert set(np.flatnonzero(~defined)) == set(np.flatnonzero(np.isin(km.survival, (0, 1))))
    ones, zeros = km.survival == 1, km.survival == 0
    assert (km.low[ones] == 1).all() and (km.high[ones] == 1).all()
    assert (km.low[zeros] == 0).all() and np.isnan(km.high[zeros]).all()
    assert zeros.any() == ends_in_breach
    assert (km.low <= km.survival).all() and (km.survival[~zeros] <= km.high[~zeros]).all()

    assert km.n == d.size and km.events == b.sum()
    np.testing.assert_array_equal(km.at_risk, [(d >= t).sum() for t in km.times])
    np.testing.assert_array_equal(km.breaches, [((d == t) & b).sum() for t in km.times])


# Durations 1, 2, 2, 3+, 4, 5+, 6, 6 (+: censored, the truce outlived it).
#   t  at risk  breaches  S(t) = prod (1 - d/n)
#   1     8        1      7/8
#   2     7        2      7/8 * 5/7 = 5/8
#   3     5        0      5/8        (the spell censored at 3 survived round 3)
#   4     4        1      5/8 * 3/4 = 15/32
#   5     3        0      15/32
#   6     2        2      0
HAND_D = [1, 2, 2, 3, 4, 5, 6, 6]
HAND_B = [True, True, True, False, True, False, True, True]
HAND_S = [Fraction(7, 8), Fraction(5, 8), Fraction(5, 8), Fraction(15, 32), Fraction(15, 32), 0]
HAND_N = [8, 7, 5, 4, 3, 2]
HAND_E = [1, 2, 0, 1, 0, 2]


def greenwood_loglog(i: int) -> tuple[float, float]:
    """The log-log band at HAND time index i: sigma^2 = sum d/(n(n-d)) / (log S)^2,
    band S^exp(+-z sigma)."""
    z = NormalDist().inv_cdf(0.975)
    s = float(HAND_S[i])
    total = sum(e / (n * (n - e)) for n, e in zip(HAND_N[: i + 1], HAND_E[: i + 1], strict=True))
    sigma = math.sqrt(total) / abs(math.log(s))
    return s ** math.exp(z * sigma), s ** math.exp(-z * sigma)


def test_hand_computed_product_limit() -> None:
    km = kaplan_meier(HAND_D, HAND_B)
    assert km.times.tolist() == [1, 2, 3, 4, 5, 6]
    np.testing.assert_allclose(km.survival, [float(s) for s in HAND_S], rtol=1e-15)
    assert km.at_risk.tolist() == HAND_N and km.breaches.tolist() == HAND_E
    assert (km.n, km.events) == (8, 6)

    # the band at t = 4, written out: sigma^2 = (1/(8*7) + 2/(7*5) + 0 + 1/(4*3)) / log(S)^2
    z = 1.959963984540054  # the 97.5% normal quantile
    s4 = 15 / 32
    sigma = math.sqrt(1 / 56 + 2 / 35 + 1 / 12) / abs(math.log(s4))
    low4, high4 = s4 ** math.exp(z * sigma), s4 ** math.exp(-z * sigma)
    assert km.at(4)[1:] == pytest.approx((low4, high4), rel=1e-12)
    assert greenwood_loglog(3) == pytest.approx((low4, high4), rel=1e-12)
    assert 0 < low4 < 15 / 32 < high4 < 1

    # the median: S first falls to 0.5 or below at 4 (15/32); the lower band falls to 0.5
    # first at t = 1, the upper band never does before S = 0 (where it is undefined)
    bands = [greenwood_loglog(i) for i in range(5)]
    assert bands[0][0] <= 0.5 and all(high > 0.5 for _, high in bands)
    est, lo, hi = km.median()
    assert (est, lo) == (4.0, 1.0) and math.isnan(hi)


def test_at_is_the_right_continuous_step_and_censored_at_term_survives() -> None:
    km = kaplan_meier(HAND_D, HAND_B)
    assert km.at(0) == (1.0, 1.0, 1.0) and km.at(0.99)[0] == 1.0
    assert km.at(1)[0] == pytest.approx(7 / 8) and km.at(1.99)[0] == pytest.approx(7 / 8)
    assert km.at(3)[0] == pytest.approx(5 / 8)
    assert km.at(5.5)[0] == pytest.approx(15 / 32)
    assert km.at(6)[0] == 0.0 and km.at(9)[0] == 0.0  # reached 0: stays 0
    # a truce censored at exactly its term survived the term; one breached in it did not
    term = 3
    assert kaplan_meier([term, 2], [False, True]).at(term)[0] == pytest.approx(0.5)
    assert kaplan_meier([term, 2], [True, True]).at(term)[0] == 0.0
    alone = kaplan_meier([term], [False])
    assert alone.at(term)[0] == 1.0
    assert all(math.isnan(v) for v in alone.at(term + 1))  # beyond follow-up: unknown


def test_median_not_reached_is_nan() -> None:
    km = kaplan_meier([1, 2, 3, 4], [True, False, False, False])  # S falls to 3/4 only
    est, lo, hi = km.median()
    assert math.isnan(est) and math.isnan(hi)
    assert lo == 1.0  # with 4 spells the lower band already falls below 0.5 at t = 1


def test_zero_spells() -> None:
    km = kaplan_meier([], [])
    assert (km.n, km.events) == (0, 0) and km.times.size == 0
    assert all(math.isnan(v) for v in (*km.at(3), *km.median()))
    table = km.table()
    assert table.empty
    assert list(table.columns) == ["time", "survival", "low", "high", "at_risk", "events"]


def test_no_breaches() -> None:
    km = kaplan_meier([2, 3, 3, 7], [False] * 4)
    assert km.events == 0 and km.times.tolist() == [2, 3, 7]
    assert (km.survival == 1).all() and (km.low == 1).all() and (km.high == 1).all()
    assert km.at(7) == (1.0, 1.0, 1.0)
    assert all(math.isnan(v) for v in km.median())


def test_all_breached() -> None:
    km = kaplan_meier([1, 2, 2, 3], [True] * 4)
    np.testing.assert_allclose(km.survival, [3 / 4, 1 / 4, 0])
    assert km.low[-1] == 0 and math.isnan(km.high[-1])
    assert km.median()[0] == 2.0


def test_accepts_whole_floats_and_zero_one_flags() -> None:
    a = kaplan_meier(np.array([1.0, 2.0, 2.0, 5.0]), np.array([1, 0, 1, 1]))
    b = kaplan_meier([1, 2, 2, 5], [True, False, True, True])
    np.testing.assert_array_equal(a.survival, b.survival)
    np.testing.assert_array_equal(a.times, b.times)


@pytest.mark.parametrize(
    ("durations", "breached", "message"),
    [
        ([0, 1], [True, True], "whole numbers of rounds >= 1"),
        ([1.5, 2], [True, True], "whole numbers"),
        ([np.nan, 2], [True, True], "whole numbers"),
        ([1, 2], [True], "differ in length"),
        ([[1, 2]], [[True, True]], "one-dimensional"),
        ([1, 2], [2, 0], "boolean"),
        (["1", "2"], [True, True], "integers"),
    ],
)
def test_validation(durations: list[object], breached: list[object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        kaplan_meier(durations, breached)


def test_validation_of_confidence() -> None:
    with pytest.raises(ValueError, match="confidence"):
        kaplan_meier([1], [True], confidence=95)


def truces_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "match": [0, 0, 1, 1, 2, 2],
            "truce": ["geneva", "london", "geneva", "london", "geneva", "london"],
            "rounds": [3, 90, 5, 40, 90, 12],
            "censored": [False, True, False, False, True, True],
            "ended": ["breach", "expired", "breach", "breach", "expired", "horizon"],
        }
    )


def test_survival_curves_groups_by_truce_and_inverts_censoring() -> None:
    spells = truces_table()
    curves = survival_curves(spells)
    assert list(curves) == ["geneva", "london"]
    geneva = curves["geneva"]
    assert (geneva.n, geneva.events) == (3, 2)
    np.testing.assert_array_equal(
        geneva.survival, kaplan_meier([3, 5, 90], [True, True, False]).survival
    )
    # london: 12+ (horizon) leaves the risk set, 40 breaches 1 of 2, 90+ expired at term
    # and survived it: S(90) = 1/2, not 1/3 as if the expiry were a breach
    assert curves["london"].at(90)[0] == pytest.approx(1 / 2)
    pooled = survival_curves(spells, by=None)
    assert list(pooled) == ["all"] and pooled["all"].n == 6
    with pytest.raises(ValueError, match="censored"):
        survival_curves(spells.drop(columns="censored"))


def test_survival_steps_start_at_one_from_zero() -> None:
    km = kaplan_meier(HAND_D, HAND_B)
    steps = survival_steps(km)
    assert steps["x"].tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert steps.iloc[0][["survival", "low", "high"]].tolist() == [1, 1, 1]
    np.testing.assert_array_equal(steps["survival"].to_numpy()[1:], km.survival)
    assert survival_steps(kaplan_meier([], [])).empty


def test_term_lines() -> None:
    assert term_lines(["a", "b"], None) == []
    assert term_lines(["a", "b"], 90, "days") == [(90.0, "term, 90 days", None)]
    assert term_lines(["a", "b"], {"b": 30}) == [(30.0, "b term, 30 rounds", 1)]
    with pytest.raises(ValueError, match="no survival curve"):
        term_lines(["a"], {"z": 3})


def gids(fig: Figure, gid: str) -> list[object]:
    return [line for line in fig.axes[0].get_lines() if line.get_gid() == gid]


def test_survival_figure_renders_two_curves_and_a_term(tmp_path: Path) -> None:
    curves: dict[str, Survival] = survival_curves(truces_table())
    fig = survival_figure(curves, term=90, dates_per_round="days", title="truces")
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    ax = fig.axes[0]
    assert len(gids(fig, "survival")) == 2 and len(gids(fig, "term")) == 1
    (term_line,) = gids(fig, "term")
    assert list(term_line.get_xdata()) == [90, 90]  # type: ignore[attr-defined]
    assert ax.get_xlabel() == "days since the truce began"
    assert ax.get_ylabel() == "share of truces unbroken" and ax.get_ylim()[0] == 0
    assert ax.get_legend() is None  # below the axes, where it hides no curve
    (legend,) = fig.legends
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels == ["geneva (n=3, 2 breaches)", "london (n=3, 1 breaches)", "term, 90 days"]
    assert ax.get_title(loc="left") == "truces"
    pdf, png = tmp_path / "km.pdf", tmp_path / "km.png"
    fig.savefig(pdf)
    fig.savefig(png, dpi=80)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_survival_figure_draws_into_given_axes_with_a_term_per_truce() -> None:
    fig = Figure()
    ax = fig.subplots()
    curves = survival_curves(truces_table())
    curves["empty"] = kaplan_meier([], [])
    out = survival_figure(curves, term={"geneva": 30, "london": 90}, ax=ax)
    assert out is fig
    assert len(gids(fig, "survival")) == 3 and len(gids(fig, "term")) == 2
    assert ax.get_xlabel() == "rounds since the truce began"
