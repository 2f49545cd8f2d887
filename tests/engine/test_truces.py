"""Truces, rapport, negotiation, scheduled events and their results (issue 3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats

import sim
from sim.engine import run_plan
from sim.engine.truces import rollback_caps
from sim.run import Scenario
from tests.conftest import ipd_with, run_steps

NICE = [
    "tit_for_tat",
    "generous_tit_for_tat",
    "tit_for_two_tats",
    "grim_trigger",
    "contrite_tit_for_tat",
    "gradual",
    "never_strike_first",
    "appease",
]


def truce(round_: int = 0, term: int = 1000, name: str = "T", **more: Any) -> dict[str, Any]:
    """A scheduled truce with every instrument capped at baseline."""
    caps = {"US": {"move": 0}, "CN": {"move": 0}}
    return {"kind": "truce", "round": round_, "name": name, "term": term, "caps": caps, **more}


def with_truces(
    us: str,
    cn: str,
    events: list[dict[str, Any]],
    *,
    rounds: int = 50,
    noise: float = 0.0,
    truces: dict[str, Any] | None = None,
    **changes: Any,
) -> Scenario:
    sc = ipd_with(us, cn, noise=noise, rounds=rounds)
    return sc.replace(changes, events=events, truces=truces or {})


# ------------------------------------------------------------------ breaches
@pytest.mark.parametrize("noisy", [0, 1])
def test_breach_by_noise_is_attributed_to_the_noisy_player(noisy: int) -> None:
    """Only one player has execution noise: every breach is that player's, by noise, in a
    round where its level is above the cap; the truce is over from then on."""
    players = ("US", "CN")
    sc = with_truces(
        "tit_for_tat",
        "tit_for_tat",
        [truce(0)],
        rounds=60,
        **{f"players.{players[noisy]}.noise": {"execution": 0.02}},
    )
    res = sim.simulate(sc, matches=2048, seed=3, workers=1, trajectories=50)
    spells = res.truces()
    broken = spells[~spells["censored"]]
    assert len(broken) > 100  # 1 - 0.98**60 = 70% of matches
    assert set(broken["breached_by"]) == {players[noisy]}
    assert set(broken["breach"]) == {"noise"}
    assert (broken["ended"] == "breach").all()
    traj = res.trajectories()
    for row in broken[broken["match"] < 50].itertuples():
        path = traj[traj["match"] == row.match]
        at = path[path["round"] == row.end_round]
        assert int(at[f"{players[noisy]}.move"].iloc[0]) == 1  # above its cap of 0
        assert int(at[f"{players[1 - noisy]}.move"].iloc[0]) == 0
        before = path[path["round"] < row.end_round]
        assert not before[["US.move", "CN.move"]].to_numpy().any()
        assert row.rounds == row.end_round + 1  # the breach round counts
        assert not path[path["round"] > row.end_round]["truce"].any()


def test_chosen_breach_is_attributed_as_chosen() -> None:
    """always_escalate breaks a truce by choice in its first round."""
    res = sim.simulate(
        with_truces("always_escalate", "appease", [truce(5)], rounds=20),
        matches=64,
        seed=1,
        workers=1,
    )
    spells = res.truces()
    assert (spells["breached_by"] == "US").all() and (spells["breach"] == "chosen").all()
    assert (spells["start_round"] == 5).all() and (spells["rounds"] == 1).all()


@pytest.mark.parametrize("us", NICE)
def test_nice_strategies_never_breach_without_noise(us: str) -> None:
    """Two nice strategies under a truce from round 0 never breach it (every spell runs,
    renewed, to the horizon)."""
    for cn in NICE:
        sc = with_truces(us, cn, [truce(0, term=10, renewal=1.0)], rounds=40)
        spells = sim.simulate(sc, matches=64, seed=2, workers=1).truces()
        assert (spells["ended"] == "horizon").all() and (spells["renewals"] == 3).all(), cn


@pytest.mark.parametrize(
    ("us", "cn", "kept"),
    [
        ("tit_for_tat", "tit_for_tat", True),
        ("never_strike_first", "tit_for_tat", True),
        ("tit_for_tat", "never_strike_first", True),
        ("tit_for_tat", "grim_trigger", False),  # grim never forgives the replayed move
    ],
)
def test_truce_after_a_replayed_escalation(us: str, cn: str, kept: bool) -> None:
    """The record (replayed to round 5): US escalates in round 2, CN answers in 3, a truce
    from round 5 lowers both. Strategies that forgive keep it; grim trigger breaks it."""
    events: list[dict[str, Any]] = [
        {"kind": "set", "round": 2, "player": "US", "instrument": "move", "level": "D"},
        {"kind": "set", "round": 3, "player": "CN", "instrument": "move", "level": 1},
        truce(5, term=100),
    ]
    sc = with_truces(
        us,
        cn,
        events,
        rounds=40,
        **{"scenario.start": dt.date(2025, 1, 6), "simulation.replay_until": dt.date(2025, 2, 10)},
    )
    levels = np.stack([st.levels for st in run_steps(sc.plan, n=8)])
    replayed = [[0, 0], [0, 0], [1, 0], [1, 1], [1, 1], [0, 0]]  # rounds 0-5 (to 02-10)
    np.testing.assert_array_equal(levels[:6, :, 0], replayed)
    assert (not levels[5:].any()) == kept
    spells = sim.simulate(sc, matches=64, seed=2, workers=1).truces()
    assert (spells["ended"] == ("horizon" if kept else "breach")).all()
    if not kept:
        assert (spells["breached_by"] == "CN").all() and (spells["end_round"] == 6).all()


# ------------------------------------------------------------------ renewal
def test_renewal_happens_with_the_given_probability() -> None:
    """Each unbroken truce reaching the end of its term is renewed with probability 0.3
    (binomial test), else it expires."""
    sc = with_truces("appease", "appease", [truce(0, term=5, renewal=0.3)], rounds=6)
    res = sim.simulate(sc, matches=8000, seed=11, workers=1)
    spells = res.truces()
    renewed = int((spells["renewals"] > 0).sum())
    assert len(spells) == 8000
    assert stats.binomtest(renewed, 8000, 0.3).pvalue > 1e-3
    expired = spells[spells["renewals"] == 0]
    assert (expired["ended"] == "expired").all() and (expired["rounds"] == 5).all()
    assert not stats.binomtest(renewed, 8000, 0.35).pvalue > 1e-3  # the test has power


def test_renewal_zero_and_one_are_exact() -> None:
    for p, ended in [(0.0, "expired"), (1.0, "horizon")]:
        sc = with_truces("appease", "appease", [truce(0, term=4, renewal=p)], rounds=10)
        spells = sim.simulate(sc, matches=100, seed=0, workers=1).truces()
        assert (spells["ended"] == ended).all()


# ------------------------------------------------------------------ rapport, negotiation
NEGOTIATE = {"threshold": {"US": 0.5, "CN": 0.5}, "p_agree": 1.0, "term": 3}


@pytest.mark.parametrize(("initial", "expect"), [(0.0, False), (1.0, True)])
def test_rapport_zero_blocks_negotiation(initial: float, expect: bool) -> None:
    """Both always escalate and will deal at once; a truce forms only while rapport is
    above zero."""
    sc = with_truces(
        "always_escalate",
        "always_escalate",
        [],
        rounds=10,
        truces={"rapport": {"initial": initial}, "negotiation": NEGOTIATE},
    )
    spells = sim.simulate(sc, matches=200, seed=0, workers=1).truces()
    assert (len(spells) > 0) == expect
    if expect:  # round 0 escalates; the truce forms in round 1 and is broken by choice
        first = spells.groupby("match").first()
        assert (first["start_round"] == 1).all() and (first["truce"] == "negotiated").all()


def test_min_rapport_and_erosion_close_the_channel() -> None:
    """Erosion 0.3 per rung stepped up: after round 0 (two rungs up) rapport is 0.4 < 0.5,
    and it stays there (no further rungs, no truce to repair it)."""
    neg = {**NEGOTIATE, "min_rapport": 0.5}
    sc = with_truces(
        "always_escalate",
        "always_escalate",
        [],
        rounds=6,
        truces={"rapport": {"erosion": 0.3}, "negotiation": neg},
    )
    res = sim.simulate(sc, matches=100, seed=0, workers=1)
    assert len(res.truces()) == 0
    rapport = res.rounds()["rapport_mean"].to_numpy()
    np.testing.assert_allclose(rapport[:3], [0.4, 0.4, 0.4])  # no new rungs after round 0


def test_rapport_repairs_in_kept_truces() -> None:
    sc = with_truces(
        "appease",
        "appease",
        [truce(0, term=100)],
        rounds=10,
        truces={"rapport": {"initial": 0.5, "repair": 0.01}},
    )
    rapport = sim.simulate(sc, matches=10, seed=0, workers=1).rounds()["rapport_mean"]
    np.testing.assert_allclose(rapport, 0.5 + 0.01 * np.arange(1, 11))


def test_negotiation_needs_both_to_hurt() -> None:
    """Thresholds above a player's loss (payoff at baseline minus now) block the deal."""
    neg = {**NEGOTIATE, "threshold": {"US": 2.0, "CN": 2.0}}  # loss at (D, D) is 3 - 1 = 2
    sc = with_truces(
        "always_escalate", "always_escalate", [], rounds=5, truces={"negotiation": neg}
    )
    assert len(sim.simulate(sc, matches=50, seed=0, workers=1).truces()) > 0
    neg["threshold"] = {"US": 2.0, "CN": 2.5}
    sc = with_truces(
        "always_escalate", "always_escalate", [], rounds=5, truces={"negotiation": neg}
    )
    assert len(sim.simulate(sc, matches=50, seed=0, workers=1).truces()) == 0


def test_rollback_rules() -> None:
    levels = np.array([[4, 3, 1], [2, 0, 5]], dtype=np.int8)
    np.testing.assert_array_equal(rollback_caps(levels, "baseline"), 0)
    np.testing.assert_array_equal(rollback_caps(levels, "freeze"), levels)
    np.testing.assert_array_equal(rollback_caps(levels, 0.5), [[2, 1, 0], [1, 0, 2]])
    np.testing.assert_array_equal(rollback_caps(levels, 0.25), [[3, 2, 0], [1, 0, 3]])


# ------------------------------------------------------------------ survival, workers
def test_survival_of_a_run_is_scipys_kaplan_meier() -> None:
    """The truce metrics come from scipy's Kaplan-Meier on the run's own spells, censored
    ones included."""
    sc = with_truces(
        "tit_for_tat", "tit_for_tat", [truce(0, term=20, renewal=0.5)], rounds=60, noise=0.01
    )
    res = sim.simulate(sc, matches=3000, seed=5, workers=1)
    spells = res.truces()
    assert spells["censored"].any() and (~spells["censored"]).any()
    sf = stats.ecdf(
        stats.CensoredData(
            uncensored=spells.loc[~spells["censored"], "rounds"].to_numpy(),
            right=spells.loc[spells["censored"], "rounds"].to_numpy(),
        )
    ).sf
    metric = res.metrics()["truce.T.p_survive_term"]
    assert metric["estimate"] == pytest.approx(float(sf.evaluate(20)), abs=1e-12)
    band = sf.confidence_interval(0.95, method="log-log")
    assert metric["ci_low"] == pytest.approx(float(band.low.evaluate(20)), abs=1e-12)
    assert metric["ci_high"] == pytest.approx(float(band.high.evaluate(20)), abs=1e-12)


def test_truce_results_do_not_depend_on_workers_or_blocks() -> None:
    sc = with_truces(
        "tit_for_tat",
        "never_strike_first",
        [truce(3, term=10, renewal=0.5)],
        rounds=40,
        noise=0.02,
        truces={
            "rapport": {"erosion": 0.05, "repair": 0.01},
            "negotiation": {**NEGOTIATE, "p_agree": 0.2, "min_rapport": 0.1},
        },
    )
    a = run_plan(sc.plan, matches=3000, seed=4, workers=1)
    b = run_plan(sc.plan, matches=3000, seed=4, workers=2, block_size=1024)
    assert a.spells == b.spells and len(a.spells) > 3000
    np.testing.assert_array_equal(a.in_truce, b.in_truce)
    np.testing.assert_array_equal(a.rapport_sum, b.rapport_sum)
    np.testing.assert_array_equal(a.rapport_final, b.rapport_final)


# ------------------------------------------------------------------ strategies and truces
def test_never_strike_first_keeps_a_truce_until_the_other_side_breaches() -> None:
    """US (scripted) escalates in round 0, stands down for a truce from round 2 and breaks
    it in round 6. never_strike_first (lag 1) still owes the round-0 strike when the truce
    starts, but keeps the truce; once it is broken it strikes back."""
    moves = [
        {"round": 0, "instrument": "move", "level": 1},
        {"round": 2, "instrument": "move", "level": 0},
        {"round": 6, "instrument": "move", "level": 1},
    ]
    sc = with_truces("scripted", "never_strike_first", [truce(2)], rounds=10)
    sc = sc.replace({"players.US.strategy.moves": moves, "players.CN.strategy.lag": 1})
    levels = np.stack([st.levels for st in run_steps(sc.plan, n=2)])[:, :, 0]
    us, cn = levels[:, 0], levels[:, 1]
    np.testing.assert_array_equal(us, [1, 1, 0, 0, 0, 0, 1, 1, 1, 1])
    np.testing.assert_array_equal(cn, [0, 0, 0, 0, 0, 0, 0, 0, 1, 1])
    free = sc.replace({"events": []})  # without the truce it answers round 0 in round 2
    cn_free = np.stack([st.levels for st in run_steps(free.plan, n=2)])[:, 1, 0]
    assert cn_free[2] == 1


def test_escalate_to_negotiate_climbs_to_its_threshold_and_keeps_truces() -> None:
    from tests.conftest import multi_game  # noqa: F401  (the additive game is built here)

    path = Path(__file__).resolve().parents[2] / "scenarios" / "us-china-baseline.toml"
    base = Scenario.from_file(path)
    sc = base.replace(
        {
            "players.US.strategy": "escalate_to_negotiate",
            "players.US.strategy.threshold": 100.0,
            "players.US.strategy.interval": 2,
            "players.CN.strategy": "appease",
            "noise.execution": 0.0,
            "noise.perception": 0.0,
        },
        events=[{"kind": "truce", "round": 12, "name": "deal", "term": 50, "caps": {}}],
    )
    game = sc.game
    steps = run_steps(sc.plan, n=1)
    levels = np.stack([st.levels[:, 0] for st in steps]).astype(int)
    us = game.of(0)
    pain = np.array([sum(game.pain[j, lv[j]] for j in us) for lv in levels])
    climbs = np.flatnonzero(np.diff(levels[:, us].sum(axis=1)) > 0) + 1
    assert np.all(np.diff(climbs) >= 2)  # at most one rung every 2 rounds
    assert np.all(np.abs(np.diff(levels[:, us], axis=0)).sum(axis=1) <= 1)
    reached = int(np.argmax(pain >= 100.0))
    assert 0 < reached < 12 and np.all(pain[:reached] < 100.0)
    assert (levels[reached:12, us] == levels[reached, us]).all()  # holds once it hurts enough
    assert (levels[12:, us] == levels[12, us]).all()  # keeps the frozen truce


# ------------------------------------------------------------------ bad events
BAD = [
    (
        {"kind": "set", "date": "2030-01-01", "player": "US", "instrument": "move", "level": 1},
        "events[0].date",
        "outside the horizon",
    ),
    (
        {"kind": "set", "round": 1, "player": "US", "instrument": "chips", "level": 1},
        "events[0].instrument",
        "unknown instrument 'chips'",
    ),
    (
        {"kind": "set", "round": 1, "player": "US", "instrument": "move", "level": 5},
        "events[0].level",
        "off the ladder",
    ),
    (
        {"kind": "truce", "round": 1, "name": "A", "term": 5, "caps": {"CN": {"move": "X"}}},
        "events[0].caps.CN.move",
        "off the ladder",
    ),
    (
        {"kind": "set", "round": 99, "player": "US", "instrument": "move", "level": 1},
        "events[0].round",
        "outside the horizon",
    ),
]


def _toml_event(event: dict[str, Any]) -> str:
    lines = ["[[events]]"]
    for key, value in event.items():
        if isinstance(value, dict):
            pairs = [(f"{p}.{k}", v) for p, t in value.items() for k, v in t.items()]
            inner = ", ".join(f"{k} = {v!r}".replace("'", '"') for k, v in pairs)
            lines.append(f"{key} = {{ {inner} }}")
        elif key == "date":
            lines.append(f"{key} = {value}")
        else:
            lines.append(f"{key} = {value!r}".replace("'", '"'))
    return "\n".join(lines) + "\n"


def _scenario_text(*events: dict[str, Any]) -> str:
    text = (Path(__file__).resolve().parents[2] / "scenarios" / "ipd.toml").read_text()
    text = text.replace('name = "ipd"', 'name = "ipd"\nstart = 2025-01-06', 1)
    text = text.replace("rounds = 200", "rounds = 20", 1)
    return text + "\n" + "".join(_toml_event(e) for e in events)


@pytest.mark.parametrize(("event", "where", "what"), BAD)
def test_bad_events_exit_2_with_a_located_message(
    tmp_path: Path, event: dict[str, Any], where: str, what: str
) -> None:
    from typer.testing import CliRunner

    from sim.cli import app

    path = tmp_path / "bad.toml"
    path.write_text(_scenario_text(event))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert str(path) in result.output and where in result.output and what in result.output
    assert "Traceback" not in result.output


def test_overlapping_truces_are_rejected(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sim.cli import app

    a = {"kind": "truce", "round": 1, "name": "A", "term": 5}
    b = {"kind": "truce", "round": 4, "name": "B", "term": 5}
    renew = {"kind": "truce", "round": 6, "name": "A", "term": 5}
    after = {"kind": "truce", "round": 11, "name": "B", "term": 5}
    path = tmp_path / "overlap.toml"
    path.write_text(_scenario_text(a, b))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and "events[1]" in result.output and "overlaps" in result.output
    path.write_text(_scenario_text(a, renew, after))  # a renewal, then one after the other
    assert CliRunner().invoke(app, ["validate", str(path)]).exit_code == 0


# ------------------------------------------------------------------ calendar, files, scripted
def test_calendar_of_months_clamps_to_the_month() -> None:
    from sim.scenario.calendar import Calendar

    cal = Calendar(dt.date(2025, 1, 31), "month")
    assert [cal.date_of(t) for t in range(4)] == [
        dt.date(2025, 1, 31),
        dt.date(2025, 2, 28),
        dt.date(2025, 3, 31),
        dt.date(2025, 4, 30),
    ]
    assert cal.round_of(dt.date(2025, 3, 30)) == 1 and cal.round_of(dt.date(2025, 3, 31)) == 2
    assert cal.round_of(dt.date(2025, 1, 30)) == -1
    week = Calendar(dt.date(2025, 1, 20), "week")
    assert week.round_of(dt.date(2025, 1, 26)) == 0 and week.round_of(dt.date(2025, 1, 27)) == 1


def test_run_writes_truce_tables_and_the_survival_figure(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sim.cli import app

    out = tmp_path / "busan"
    path = Path(__file__).resolve().parents[2] / "scenarios" / "busan-truce.toml"
    args = ["run", str(path), "--out", str(out), "--matches", "1024", "--rounds", "120"]
    result = CliRunner().invoke(app, [*args, "--workers", "1"])
    assert result.exit_code == 0, result.output
    import pandas as pd

    spells = pd.read_csv(out / "truces.csv")
    assert (
        len(spells) >= 1024 and (spells.loc[spells["truce"] == "Busan", "start_round"] == 0).all()
    )
    assert set(spells["ended"]) <= {"breach", "expired", "superseded", "horizon"}
    assert (out / "events.csv").exists()
    assert (out / "figures" / "survival.pdf").read_bytes().startswith(b"%PDF")
    manifest = (out / "manifest.json").read_text()
    assert "truces.csv" in manifest and "figures/survival.png" in manifest


def test_scripted_moves_are_validated() -> None:
    moves = [{"round": 1, "instrument": "tariff", "level": 1}]
    with pytest.raises(sim.errors.ScenarioError, match=r"players\.US\.strategy.*unknown 'tariff'"):
        ipd_with("scripted", "appease").replace({"players.US.strategy.moves": moves})
    moves = [{"date": dt.date(2025, 1, 1), "instrument": "move", "level": 1}]
    with pytest.raises(sim.errors.ScenarioError, match=r"a date needs scenario\.start"):
        ipd_with("scripted", "appease").replace({"players.US.strategy.moves": moves})


def test_two_truces_in_one_round_are_rejected(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sim.cli import app

    a = {"kind": "truce", "round": 3, "name": "A", "term": 5}
    path = tmp_path / "twice.toml"
    path.write_text(_scenario_text(a, a))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert (
        result.exit_code == 2
        and "events[1]" in result.output
        and "one truce per round" in (result.output)
    )


def test_many_renewals_are_counted_without_overflow() -> None:
    """40,000 one-round terms renewed every round: the count does not wrap."""
    sc = with_truces("appease", "appease", [truce(0, term=1, renewal=1.0)], rounds=40_000)
    spells = sim.simulate(sc, matches=2, seed=0, workers=1).truces()
    assert (spells["renewals"] == 39_999).all()
    assert (
        sim.simulate(sc, matches=2, seed=0, workers=1).metrics()["truce.T.renewed"]["estimate"]
        == 1.0
    )
