"""sim.stats.intervals, the one place intervals are computed: against scipy (the peer), within
their ranges, and shown as "—" / null where they are not defined."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.stats.intervals import mean_interval, share_interval, span, text
from tests.conftest import SCENARIOS, run_args


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 10**6).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_share_interval_is_scipys_and_within_0_1(kn: tuple[int, int]) -> None:
    k, n = kn
    for method in ("wilson", "exact"):
        low, high = share_interval(k, n, method=method)  # type: ignore[arg-type]
        ci = stats.binomtest(k, n).proportion_ci(method=method)
        assert (low, high) == (ci.low, ci.high)
        assert 0.0 <= low <= k / n <= high <= 1.0


def test_share_of_nothing_is_undefined() -> None:
    assert all(math.isnan(x) for x in share_interval(0, 0))


def test_mean_interval_is_student_t_when_it_stays_in_range() -> None:
    x = np.random.default_rng(1).normal(3.0, 2.0, 500)
    mean, low, high = mean_interval(x, bounds=(-100.0, 100.0))
    t = stats.t.interval(0.95, x.size - 1, loc=x.mean(), scale=stats.sem(x))
    assert mean == pytest.approx(x.mean())
    assert (low, high) == pytest.approx(t)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from([0.0, 0.0, 0.0, 1 / 730, 0.5, 1.0]), min_size=2, max_size=400),
)
def test_bounded_mean_interval_stays_in_its_bounds(values: list[float]) -> None:
    """A share of rounds, averaged over matches: the interval lies in [0, 1] (the t
    interval of a sample with one rare positive value would not)."""
    mean, low, high = mean_interval(values, bounds=(0.0, 1.0))
    assert 0.0 <= low <= mean + 1e-12 and mean - 1e-12 <= high <= 1.0


def test_skewed_share_of_rounds_gets_the_bootstrap_and_matches_scipys() -> None:
    """2,000 matches, one with 1 round of peace in 730 (the old busan peace_share): the
    t interval goes below 0, ours is the percentile bootstrap, as scipy computes it
    within Monte Carlo error."""
    x = np.zeros(2000)
    x[:3] = [1 / 730, 5 / 730, 1 / 730]
    t_low = stats.t.interval(0.95, x.size - 1, loc=x.mean(), scale=stats.sem(x))[0]
    assert t_low < 0
    _, low, high = mean_interval(x, bounds=(0.0, 1.0))
    peer = stats.bootstrap(
        (x,), np.mean, method="percentile", n_resamples=9999, random_state=np.random.default_rng(7)
    ).confidence_interval
    assert low >= 0.0
    assert low == pytest.approx(peer.low, abs=2e-6)
    assert high == pytest.approx(peer.high, rel=0.1)


def test_undefined_prints_as_a_dash() -> None:
    assert text(math.nan) == "—" and span(math.nan, math.nan) == "—"
    assert span(9.0, math.nan) == "[9, —]" and text(0.12345) == "0.1235"


@pytest.mark.parametrize("name", ["busan-truce", "us-china-baseline", "ipd"])
def test_every_share_in_a_summary_lies_in_0_1(name: str) -> None:
    sc = sim.load_scenario(SCENARIOS / f"{name}.toml")
    metrics = sim.simulate(sc, matches=300, seed=2, workers=1).metrics()
    shares = [
        k
        for k in metrics
        if k.startswith(("escalation.first", "escalation.p_", "peace_share", "rapport."))
        or k.endswith((".share", ".breached", ".renewed", ".p_survive_term", "breach_by_noise"))
        or ".breached_by." in k
    ]
    assert len(shares) >= 8
    for k in shares:
        m = metrics[k]
        if not math.isnan(m["ci_low"]):
            assert 0.0 <= m["ci_low"] <= m["estimate"] <= m["ci_high"] <= 1.0, (k, m)


def test_undefined_interval_is_null_in_json_and_a_dash_on_screen(tmp_path: Path) -> None:
    """Two appeasers never escalate: the median round of a first escalation is undefined:
    ``null`` in summary.json, "—" in the printed table, never "nan"."""
    out = tmp_path / "run"
    sets = [
        *("--set", "players.US.strategy=appease", "--set", "players.CN.strategy=appease"),
        *("--set", "noise.execution=0", "--set", "noise.perception=0"),
    ]
    result = CliRunner().invoke(app, run_args(out, *sets, matches=64, rounds=5))
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "summary.json").read_text())
    median = doc["metrics"]["escalation.first_round.median"]
    assert median["estimate"] is None and median["ci_low"] is None
    line = next(x for x in result.output.splitlines() if "first_round.median" in x)
    assert "—" in line and "nan" not in result.output.lower()
