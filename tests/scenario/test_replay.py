"""The 2025 replay: ``scenarios/us-china-2025.toml`` follows the dated timeline exactly.

For every timeline row up to ``replay_until`` on an instrument the scenario models:

* ``escalate``/``deescalate`` rows whose ``level_after`` is a level (tariff rates, rare-earth
  element counts, port fees: data README) put a rung with exactly that value in force on
  the row's date (the last row of a day wins);
* rows whose ``level_after`` is not a level of the instrument (chip and entity-list
  actions, soybean flows, China's targeted lists of 2025-02-04 and 03-04) move the level in
  the row's direction on that date;
* ``truce`` rows find a truce in force, or starting, within 14 days (announcement to
  effect), and, with a numeric ``level_after``, that level in force within those days.

Rows with a blank ``level_after`` on a rate instrument (a statement, not a new rate) and
threats change no level.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from tests.conftest import DATA, SCENARIOS

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "us_china_2025_timeline.csv"
#: Instruments whose timeline level_after is the level itself (data README).
RATES = {
    ("US", "tariff"),
    ("US", "fentanyl_tariff"),
    ("CN", "tariff"),
    ("CN", "rare_earths"),
    ("US", "port_fees"),
    ("CN", "port_fees"),
}
#: China's rows before its across-the-board rates are targeted lists (data README).
CN_ACROSS_THE_BOARD = dt.date(2025, 4, 4)
EFFECT = dt.timedelta(days=14)


@pytest.fixture(scope="module")
def replay() -> tuple[sim.Scenario, pd.DataFrame]:
    sc = sim.load_scenario(SCENARIOS / "us-china-2025.toml")
    until = sc.data.simulation.replay_until
    assert until is not None
    cal = sc.plan.calendar
    assert cal is not None
    rounds = cal.round_of(until) + 1 + 15  # the replay and two weeks after
    res = sim.simulate(sc, matches=1, rounds=rounds, trajectories=1, workers=1, seed=1)
    return sc, res.trajectories().set_index("round")


def timeline() -> pd.DataFrame:
    frame = pd.read_csv(DATA / "us_china_2025_timeline.csv", dtype={"level_after": float})
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


def test_copy_matches_the_shared_timeline() -> None:
    if not SHARED.exists():
        pytest.skip("../shared/data is not next to this clone")  # the copy is then the data
    assert SHARED.read_bytes() == (DATA / "us_china_2025_timeline.csv").read_bytes()


def _value(sc: sim.Scenario, player: str, name: str, level: int) -> float:
    inst = next(
        i for i in sc.game.instruments if sc.game.players[i.owner] == player and i.name == name
    )
    return float(inst.values[level]) if inst.values is not None else float(level)


def test_replay_reproduces_every_dated_level_change(
    replay: tuple[sim.Scenario, pd.DataFrame],
) -> None:
    sc, path = replay
    cal = sc.plan.calendar
    until = sc.data.simulation.replay_until
    assert cal is not None and until is not None
    modelled = {(sc.game.players[i.owner], i.name) for i in sc.game.instruments}
    rows = timeline()
    rows = rows[(rows["date"] <= until) & (rows["date"] >= cal.start)]
    checked = 0
    for (date, actor, name), group in rows.groupby(["date", "actor", "instrument"], sort=False):
        if (actor, name) not in modelled:
            continue
        col = f"{actor}.{name}"
        t = cal.round_of(date)
        row = group.iloc[-1]  # the last row of the day wins
        level = int(path.loc[t, col])
        where = f"{date} {actor} {name} {row['action']} {row['level_after']}"
        rate = (actor, name) in RATES and not (actor == "CN" and date < CN_ACROSS_THE_BOARD)
        if row["action"] in ("escalate", "deescalate"):
            if rate and not np.isnan(row["level_after"]):
                assert _value(sc, actor, name, level) == row["level_after"], where
                checked += 1
            elif not rate:
                before = int(path.loc[t - 1, col])
                assert (level > before) if row["action"] == "escalate" else (level < before), where
                checked += 1
        elif row["action"] == "truce":
            window = range(t, cal.round_of(date + EFFECT) + 1)
            assert path.loc[window, "truce"].any(), where
            if rate and not np.isnan(row["level_after"]):
                values = [_value(sc, actor, name, int(path.loc[u, col])) for u in window]
                assert row["level_after"] in values, where
            checked += 1
    assert checked >= 40, checked  # the scenario models most of the record


def test_replay_is_the_same_in_every_match() -> None:
    """No noise, renewal draw or negotiation before replay_until: every match is the record."""
    sc = sim.load_scenario(SCENARIOS / "us-china-2025.toml")
    cal, until = sc.plan.calendar, sc.data.simulation.replay_until
    assert cal is not None and until is not None
    last = cal.round_of(until)
    res = sim.simulate(sc, matches=1500, rounds=last + 1, seed=7, workers=1)
    counts = res.data.level_counts  # (R, K, L): every match on one rung each round
    assert (counts.max(axis=2) == 1500).all()
    assert res.data.in_truce[last] == 1500
