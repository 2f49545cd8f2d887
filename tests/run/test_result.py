"""Result tables agree with the raw paths they summarise, and with scipy's statistics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.stats.intervals import count_quantile

ROOT = Path(__file__).resolve().parents[2]
IPD = ROOT / "scenarios" / "ipd.toml"


@pytest.fixture(scope="module")
def small() -> sim.Result:
    """The default scenario with every match's path kept (2,048 matches, 30 rounds)."""
    sc = sim.load_scenario(ROOT / "scenarios" / "us-china-baseline.toml")
    sc = sc.replace(simulation={"rounds": 30, "trajectories": 2048})
    return sim.simulate(sc, matches=2048, seed=5, workers=1)


def test_rounds_match_the_paths(small: sim.Result) -> None:
    traj, rounds = small.trajectories(), small.rounds()
    assert len(rounds) == 30
    assert rounds["date"].iloc[1] - rounds["date"].iloc[0] == pd.Timedelta(days=7)
    assert rounds["date"].iloc[0] == pd.Timestamp("2025-01-20")
    by_round = traj.groupby("round")
    for key in ("US.tariff", "CN.rare_earths"):
        np.testing.assert_allclose(rounds[f"{key}.mean"], by_round[key].mean())
        for q in (0.05, 0.5, 0.95):
            expected = by_round[key].quantile(q, interpolation="lower")  # smallest level
            got = rounds[f"{key}.q{round(q * 100):02d}"]  # with share >= q
            np.testing.assert_array_equal(
                got, [np.quantile(g, q, method="inverted_cdf") for _, g in by_round[key]]
            )
            assert (got >= expected - 1).all()
    np.testing.assert_allclose(rounds["payoff_US"], by_round["payoff_US"].mean())
    calm = (traj[[c for c in traj if "." in c]] == 0).all(axis=1)
    np.testing.assert_allclose(rounds["peace_share"], calm.groupby(traj["round"]).mean())


def test_matches_match_the_paths(small: sim.Result) -> None:
    traj, matches = small.trajectories(), small.matches()
    per = traj.groupby("match")
    np.testing.assert_allclose(matches["payoff_CN"], per["payoff_CN"].mean())
    delta = small.scenario.data.simulation.discount
    disc = (traj["payoff_US"] * delta ** traj["round"]).groupby(traj["match"]).sum()
    np.testing.assert_allclose(matches["discounted_US"], disc)
    last = traj[traj["round"] == 29].set_index("match")
    np.testing.assert_array_equal(matches["final.CN.soybeans"], last["CN.soybeans"])
    # first escalation: the first round in which a player's level rose on any instrument
    us = [c for c in traj if c.startswith("US.")]
    cn = [c for c in traj if c.startswith("CN.")]
    for m in (0, 1, 2, 3, 17):
        path = traj[traj["match"] == m]
        rise_us = (path[us].diff().fillna(path[us]) > 0).any(axis=1).to_numpy()
        rise_cn = (path[cn].diff().fillna(path[cn]) > 0).any(axis=1).to_numpy()
        any_rise = np.flatnonzero(rise_us | rise_cn)
        row = matches.loc[m]
        if any_rise.size == 0:
            assert row["first_escalator"] == "none"
            continue
        t = int(any_rise[0])
        assert row["first_escalation_round"] == t
        who = {(True, False): "US", (False, True): "CN", (True, True): "both"}
        assert row["first_escalator"] == who[(bool(rise_us[t]), bool(rise_cn[t]))]


def test_summary_intervals_are_scipy_intervals(small: sim.Result) -> None:
    summary = small.summary().set_index("metric")
    x = small.matches()["payoff_US"].to_numpy()
    lo, hi = stats.t.interval(0.95, x.size - 1, loc=x.mean(), scale=stats.sem(x))
    row = summary.loc["payoff.US.mean"]
    assert row["estimate"] == pytest.approx(x.mean())
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi))
    k = int((small.matches()["first_escalator"] == "US").sum())
    ci = stats.binomtest(k, x.size).proportion_ci(method="wilson")
    row = summary.loc["escalation.first.US"]
    assert (row["estimate"], row["ci_low"], row["ci_high"]) == pytest.approx(
        (k / x.size, ci.low, ci.high)
    )
    shares = [summary.loc[f"escalation.first.{w}", "estimate"] for w in ("US", "CN", "both")]
    none = (small.matches()["first_escalator"] == "none").mean()
    assert sum(shares) + none == pytest.approx(1.0)


def test_count_quantile_is_the_inverted_cdf() -> None:
    rng = np.random.default_rng(0)
    for _ in range(50):
        levels = rng.integers(0, 5, size=rng.integers(1, 40))
        counts = np.bincount(levels, minlength=5)[None, :]
        for q in (0.0, 0.05, 0.25, 0.5, 0.95, 1.0):
            assert count_quantile(counts, q)[0] == np.quantile(levels, q, method="inverted_cdf")


def test_profile_and_payoff_accounting_agree() -> None:
    """The IPD is accounted by profile; with discounting it is accounted payoff by payoff.
    Mean payoffs per round must agree to rounding."""
    sc = sim.load_scenario(ROOT / "scenarios" / "ipd.toml")
    a = sim.simulate(sc, matches=3000, seed=2, workers=1)
    b = sim.simulate(
        sc.replace({"simulation.discount": 0.9999999}), matches=3000, seed=2, workers=1
    )
    np.testing.assert_allclose(a.data.total, b.data.total, rtol=0, atol=1e-9)
    np.testing.assert_allclose(a.rounds()["payoff_US"], b.rounds()["payoff_US"], atol=1e-12)


def test_metric_names_do_not_depend_on_what_happened() -> None:
    """Sweeps refer to metrics by name, so a calm run and a stormy one name the same ones;
    what is undefined in a run (a median of no first escalations, a share of no
    breaches, a truce that never formed) is NaN."""
    sc = sim.load_scenario(ROOT / "scenarios" / "busan-truce.toml").replace(
        simulation={"rounds": 60}
    )
    calm = sc.replace({"noise.execution": 0.0, "noise.perception": 0.0})
    stormy = sc.replace({"noise.execution": 0.2, "noise.perception": 0.2})
    m_calm = sim.simulate(calm, matches=64, seed=3, workers=1).metrics()
    m_stormy = sim.simulate(stormy, matches=64, seed=3, workers=1).metrics()
    assert list(m_calm) == list(m_stormy)
    assert np.isnan(m_calm["truce.Busan.breach_by_noise"]["estimate"])
    assert m_calm["truce.negotiated.spells"]["estimate"] == 0
    assert np.isnan(m_calm["truce.negotiated.p_survive_term"]["estimate"])
    assert 0 < m_stormy["truce.Busan.breach_by_noise"]["estimate"] <= 1
    ipd = sim.load_scenario(ROOT / "scenarios" / "ipd.toml").replace(
        {"noise.execution": 0.0, "players.US.strategy": "tit_for_tat"}
    )
    peaceful = sim.simulate(ipd, matches=64, seed=3, workers=1).metrics()
    noisy = sim.simulate(ipd.replace({"noise.execution": 0.1}), matches=64, seed=3, workers=1)
    assert list(peaceful) == list(noisy.metrics())
    assert np.isnan(peaceful["escalation.first_round.median"]["estimate"])
    assert noisy.metrics()["escalation.first_round.median"]["estimate"] >= 0


def test_resolved_scenario_records_the_run(tmp_path: Path) -> None:
    res = sim.simulate(sim.load_scenario(IPD), matches=1500, seed=9, rounds=7, workers=1)
    assert res.scenario.data.simulation.matches == 1500
    assert res.scenario.data.simulation.seed == 9 and res.seed == 9
    assert res.scenario.source_sha256 is not None
    m = res.matches()
    np.testing.assert_allclose(m["total_US"], m["payoff_US"] * 7)
