"""Fitting to the record: the likelihood against the engine's own noise, the teacher-forced
choices against live play, maximum likelihood against scipy, calibration (SBC) at small
size, the out-of-sample baselines, and the command line."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize
from typer.testing import CliRunner

import sim
from sim.analysis.fit import fit, fit_config
from sim.analysis.fit.likelihood import Compressed, Terms, terms
from sim.analysis.fit.predict import frequency
from sim.analysis.fit.sbc import calibrate, record_plan, simulate_records
from sim.cli import app
from sim.engine.forced import forced_decisions
from sim.engine.rounds import step_off, tremble
from sim.report.fit_files import FILES
from sim.run import Scenario

ROOT = Path(__file__).resolve().parents[2]
US_CHINA = ROOT / "scenarios" / "us-china-2025.toml"
runner = CliRunner()


@pytest.fixture(scope="module")
def us_china() -> Scenario:
    return sim.load_scenario(US_CHINA)


@pytest.fixture(scope="module")
def small(us_china: Scenario) -> Scenario:
    """The bundled scenario with small grids (fast fits)."""
    return us_china.replace(
        {
            "fit.players.US.free": {"interval": [5, 9]},
            "fit.players.CN.free": {"lag": [0, 3]},
            "fit.players.US.candidates": [{"name": "tit_for_tat"}],
            "fit.players.CN.candidates": [
                {"name": "tit_for_tat"},
                {"name": "random", "free": {"p": [0.0, 0.2]}},
            ],
            "fit.grid": 5,
            "fit.copies": 64,
        }
    )


# ------------------------------------------------------------------ the likelihood
@settings(max_examples=60, deadline=None)
@given(
    top=st.integers(1, 4),
    data=st.data(),
    eps=st.floats(0.0, 0.6),
    tau=st.floats(0.0, 0.6),
)
def test_direction_probabilities_match_the_engines_noise(
    top: int, data: st.DataObject, eps: float, tau: float
) -> None:
    """P(observed direction) from :func:`terms` equals the frequency of each direction
    when the engine's own tremble and execution noise act on the choice (200,000 draws)."""
    b = data.draw(st.integers(0, top))
    d = data.draw(st.integers(max(0, b - 1), min(top, b + 1)))
    n = 200_000
    rng = np.random.default_rng(1)
    levels = np.full((1, n), b, dtype=np.int8)
    chosen = np.full((1, n), d, dtype=np.int8)
    tops = np.array([[top]], dtype=np.int8)
    now = tremble(chosen, levels, rng.random((1, n)), np.array([[tau]]), tops)
    now = step_off(now, rng.random((1, n)) < eps, rng.random((1, n)) < 0.5, tops)
    seen = np.sign(now.astype(int) - b)
    for o in (-1, 0, 1):
        after = np.array([[[b + o]]])
        before = np.array([[[b]]])
        dec = np.array([[[d]]])
        for free, x in (("tremble", tau), ("execution", eps)):
            t = terms(before, dec, after, np.array([top]), free=free, execution=eps, tremble=tau)
            p = float(t.a[0, 0, 0] + t.c[0, 0, 0] * x)
            assert p == pytest.approx(np.mean(seen == o), abs=0.005)


def test_best_noise_agrees_with_scipy() -> None:
    """The bisection's maximum equals scipy's bounded scalar minimiser on random terms."""
    rng = np.random.default_rng(3)
    for _ in range(20):
        a = rng.choice([0.0, 1.0, 0.5], size=(40, 1, 3))
        c = np.where(a > 0, -rng.uniform(0, 1, a.shape), rng.uniform(0.1, 1, a.shape))
        t = Terms(a, c, a < 1)
        comp = Compressed.of(t)
        lo, hi = 1e-6, 0.45
        eps, ll = comp.best_eps(lo, hi)
        for j in range(3):
            res = optimize.minimize_scalar(
                lambda e, j=j, comp=comp: -comp.loglik(np.full(3, e))[j],
                bounds=(lo, hi),
                method="bounded",
                options={"xatol": 1e-10},
            )
            assert ll[j] == pytest.approx(-res.fun, abs=1e-6)
            assert eps[j] == pytest.approx(res.x, abs=1e-4)


# ------------------------------------------------------------------ teacher forcing
def test_forced_choices_are_the_engines_choices(us_china: Scenario) -> None:
    """On records the engine plays (with tremble and execution noise), the teacher-forced
    choices equal what the strategies chose in the engine, round by round."""
    rounds = 200
    plan = record_plan(us_china.plan, rounds)
    n = 8
    noise = {"tremble": np.full((n, 2), 0.02), "execution": np.full((n, 2), 0.01)}
    strategies = us_china.plan.strategies
    chosen = np.empty((rounds, plan.game.n_instruments, n), dtype=np.int8)
    recs = np.empty_like(chosen)
    from sim.engine.rounds import Streams, iter_rounds
    from sim.scenario.rules import Draws

    run = dataclasses.replace(
        plan, draws=Draws(noise["execution"], np.zeros((n, 2)), noise["tremble"])
    )
    for step in iter_rounds(run, n, Streams.for_matches(5, 0, n)):
        chosen[step.t], recs[step.t] = step.intended, step.levels
    assert np.array_equal(recs, simulate_records(plan, strategies, noise, 5))
    forced = forced_decisions(us_china.plan, recs, strategies, n)
    assert np.any(recs[1:] != recs[:-1]), "the records should move"
    assert np.array_equal(forced.decided, chosen)


# ------------------------------------------------------------------ the fit
def test_fit_of_the_bundled_scenario(small: Scenario) -> None:
    res = fit(small)
    comp = res.comparison()
    assert set(comp["player"]) == {"US", "CN"}
    for pf in res.players:
        ranks = comp[comp.player == pf.player].sort_values("rank")
        assert list(ranks["aic"]) == sorted(ranks["aic"])
        assert ranks["akaike_weight"].sum() == pytest.approx(1.0)
        assert pf.observations == res.config.rounds * len(
            small.game.of(["US", "CN"].index(pf.player))
        )
        for f in pf.fits:
            assert f.aic == pytest.approx(2 * f.k - 2 * f.loglik)
            assert f.bic == pytest.approx(f.k * np.log(f.n) - 2 * f.loglik)
            for e in f.estimates:
                assert e.low <= e.estimate <= e.high
    # The point estimates are the grid's maximum: no grid point has a higher likelihood.
    own = res.players[0].own
    assert own.loglik == pytest.approx(np.max(own.loglik_grid))
    # Every profile peaks at the maximum likelihood.
    for e in own.estimates:
        assert max(e.profile) == pytest.approx(own.loglik, abs=1e-6)
    assert not res.out_of_sample().empty
    cal = res.calibration()
    assert ((cal.ci_low.dropna() >= 0) & (cal.ci_high.dropna() <= 1)).all()


def test_stochastic_hypotheses_are_reproducible(small: Scenario) -> None:
    a, b = fit(small, seed=4), fit(small, seed=4)
    assert a.comparison().equals(b.comparison())


def test_persistence_scores_a_still_record_near_zero() -> None:
    """A frequency-matched mover on a record that never moved predicts almost no moves."""
    before = np.zeros((50, 2), dtype=np.int8)
    s = frequency(before, before, before, before, np.array([2, 3]))
    assert s.moves == 0
    assert -0.05 < s.per_observation < 0
    assert np.all((s.p_move >= 0) & (s.p_move <= 1))


def test_calibration_covers_the_truth(small: Scenario) -> None:
    """SBC at small size: the 95% intervals hold the truth in most records (the benchmark
    runs it at full size)."""
    cal = calibrate(small, records=30, seed=2)
    for cv in cal.coverage:
        assert cv.records == 30
        assert cv.share >= 0.8, cv


def test_fit_config_errors_are_located(us_china: Scenario) -> None:
    bad = us_china.replace({"fit.players.CN.free": {"lagg": [0, 2]}})
    with pytest.raises(sim.ScenarioError, match=r"fit\.players\.CN\.free\.lagg"):
        fit_config(bad)
    bad = us_china.replace({"fit.players.CN.free": {"forgive": [0, 1]}})
    with pytest.raises(sim.ScenarioError, match="numeric"):
        fit_config(bad)
    ipd = sim.load_scenario(ROOT / "scenarios" / "ipd.toml")
    with pytest.raises(sim.ScenarioError, match="replay_until"):
        fit_config(ipd)


def test_bounds_are_checked_by_the_schema(us_china: Scenario) -> None:
    with pytest.raises(sim.ScenarioError, match="low <= high"):
        us_china.replace({"fit.players.CN.free": {"lag": [3, 1]}})


# ------------------------------------------------------------------ parameter uncertainty
def test_identical_draws_give_the_runs_own_results(us_china: Scenario) -> None:
    """An [uncertainty] table whose draws all equal the scenario's values changes nothing."""
    sc = us_china.replace(simulation={"rounds": 400})
    same = sc.replace(
        uncertainty={
            "draws": {
                "players.US.noise.execution": [0.0005] * 3,
                "players.CN.strategy.lag": [1.0] * 3,
            }
        }
    )
    a = sim.simulate(sc, matches=300, seed=9, workers=1).matches()
    b = sim.simulate(same, matches=300, seed=9, workers=1).matches()
    assert a.equals(b)


def test_draws_are_played_per_match_and_independent_of_workers(us_china: Scenario) -> None:
    sc = us_china.replace(
        simulation={"rounds": 400},
        uncertainty={"draws": {"players.US.noise.tremble": [0.0, 0.3]}},
    )
    one = sim.simulate(sc, matches=2048, seed=1, workers=1).matches()
    two = sim.simulate(sc, matches=2048, seed=1, workers=2, block_size=1024).matches()
    assert one.equals(two)
    # Draw 1 (odd matches) trembles at 0.3 a day after the replay; draw 0 not at all: the
    # US steps up far more often in odd matches (the replay's own steps are in both).
    steps = one["steps_US"].to_numpy()
    assert steps[1::2].mean() > 3 * steps[0::2].mean()


def test_bad_uncertainty_is_located(us_china: Scenario) -> None:
    with pytest.raises(sim.ScenarioError, match=r"uncertainty\.draws"):
        us_china.replace(uncertainty={"draws": {"players.XX.noise.execution": [0.1]}})
    with pytest.raises(sim.ScenarioError, match="one length"):
        us_china.replace(
            uncertainty={
                "draws": {
                    "players.US.noise.execution": [0.1],
                    "players.CN.noise.tremble": [0.1, 0.2],
                }
            }
        )
    with pytest.raises(sim.ScenarioError, match=r"\[0, 1\]"):
        us_china.replace(uncertainty={"draws": {"players.US.noise.execution": [1.5]}})


# ------------------------------------------------------------------ the command
def test_fit_command_writes_the_folder_and_a_runnable_fitted_scenario(
    tmp_path: Path, small: Scenario
) -> None:
    scenario = tmp_path / "small.toml"
    text = US_CHINA.read_text()
    text = text.replace(
        "free = { threshold = [50, 250], interval = [1, 30] }", "free = { interval = [5, 9] }"
    )
    scenario.write_text(text)
    out = tmp_path / "fit"
    r = runner.invoke(app, ["fit", str(scenario), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "ranked by AIC" in r.output and "out of sample" in r.output
    for name in (*FILES, "figures/predictive.pdf", "figures/profiles.png"):
        assert (out / name).is_file(), name
    doc = json.loads((out / "fit.json").read_text())
    us = doc["players"][0]
    assert us["player"] == "US" and us["hypotheses"][0]["own"]
    interval = us["hypotheses"][0]["estimates"]["interval"]
    fitted = sim.load_scenario(out / "fitted.toml")
    assert fitted.data.players["US"].strategy.model_extra["interval"] == int(interval["estimate"])
    noise = fitted.data.players["US"].noise
    assert noise.tremble == pytest.approx(
        us["hypotheses"][0]["estimates"]["tremble"]["estimate"], abs=1e-6
    )
    assert noise.perception == 0
    draws = fitted.data.uncertainty.draws
    assert len(draws["players.US.noise.tremble"]) == 50
    assert all(5 <= v <= 9 for v in draws["players.US.strategy.interval"])
    assert tomllib.loads((out / "fitted.toml").read_text())["fit"]
    again = runner.invoke(app, ["fit", str(scenario), "--out", str(out)])
    assert again.exit_code == 2 and "exists" in again.output
    r = runner.invoke(
        app,
        [
            "run",
            str(out / "fitted.toml"),
            "--matches",
            "256",
            "--rounds",
            "320",
            "--out",
            str(tmp_path / "run"),
            "--no-figures",
        ],
    )
    assert r.exit_code == 0, r.output


def test_fit_command_bad_input_exits_2(tmp_path: Path) -> None:
    r = runner.invoke(
        app, ["fit", str(ROOT / "scenarios" / "ipd.toml"), "--out", str(tmp_path / "x")]
    )
    assert r.exit_code == 2
    assert "simulation.replay_until" in r.output and "Traceback" not in r.output
    r = runner.invoke(
        app,
        [
            "fit",
            str(US_CHINA),
            "--set",
            "fit.players.CN.free={ratioo=[0, 1]}",
            "--out",
            str(tmp_path / "y"),
        ],
    )
    assert r.exit_code == 2 and "ratioo" in r.output
    assert not (tmp_path / "y").exists()


def test_a_max_step_beyond_the_ladders_changes_no_choice(us_china: Scenario) -> None:
    """The forced loop clips like the engine: a max_step past every ladder is no limit (and
    does not overflow the int8 levels)."""
    record = us_china.plan.schedule.script
    specs = us_china.plan.strategies
    free = us_china.replace(simulation={"max_step": None}).plan
    wide = us_china.replace(simulation={"max_step": 200}).plan
    a = forced_decisions(free, record, specs, 2).decided
    b = forced_decisions(wide, record, specs, 2).decided
    assert np.array_equal(a, b)


def test_noise_bounds_are_probabilities(us_china: Scenario) -> None:
    with pytest.raises(sim.ScenarioError, match=r"within \[0, 1\]"):
        us_china.replace({"fit.players.CN.bounds": [0.0, 2.0]})
    fixed = us_china.replace(
        {"fit.players.US.bounds": [0.02, 0.02], "fit.players.US.free": {"interval": [5, 9]}}
    )
    res = fit(fixed)
    own = res.players[0].own
    assert own.noise.estimate == pytest.approx(0.02)
    assert own.k == 1  # the interval only: a noise with one value is fixed


def test_a_fitted_scenario_can_be_fitted_again(tmp_path: Path, small: Scenario) -> None:
    from sim.report.fit_files import fitted_scenario

    res = fit(small)
    once = tmp_path / "once.toml"
    once.write_text(fitted_scenario(res, US_CHINA.read_text(), draws=5))
    again = fit(sim.load_scenario(once).replace({"fit.players.US.free": {"interval": [5, 9]}}))
    twice = tmp_path / "twice.toml"
    twice.write_text(fitted_scenario(again, once.read_text(), draws=5))
    assert len(sim.load_scenario(twice).data.uncertainty.draws["players.US.noise.tremble"]) == 5


def test_calibration_of_a_stochastic_hypothesis(small: Scenario) -> None:
    """SBC averages a stochastic own hypothesis over its copies, as the fit does. The
    likelihood is then a Monte Carlo estimate: with 64 copies these intervals held the truth
    in 5 of 12 records, with 1,024 in 10 (docs/model.md)."""
    sc = small.replace(
        {
            "fit.copies": 1024,
            "players.CN.strategy": "random",
            "players.CN.strategy.p": 0.05,
            "fit.players.CN.free": {"p": [0.0, 0.2]},
        }
    )
    cal = calibrate(sc, records=12, seed=4)
    p = next(c for c in cal.coverage if c.player == "CN" and c.parameter == "p")
    assert p.records == 12 and p.share >= 0.75
