"""A scenario bound to its strategies: changes by path and the resolved form."""

from __future__ import annotations

from pathlib import Path

import sim

ROOT = Path(__file__).resolve().parents[2]
IPD = ROOT / "scenarios" / "ipd.toml"


def test_switching_strategy_with_set_drops_the_old_parameters(tmp_path: Path) -> None:
    sc = sim.load_scenario(ROOT / "scenarios" / "us-china-baseline.toml")
    sc2 = sc.replace({"players.CN.strategy.name": "tit_for_tat"})
    assert sc2.data.players["CN"].strategy.model_extra == {}
    sc3 = sc.replace({"players.CN.strategy.name": "never_strike_first"})  # same name: kept
    assert (
        sc3.data.players["CN"].strategy.model_extra == sc.data.players["CN"].strategy.model_extra
    )


def test_strategy_name_is_applied_before_its_parameters() -> None:
    ipd = sim.load_scenario(IPD)
    for order in (
        [("players.US.strategy.lag", 2), ("players.US.strategy.name", "never_strike_first")],
        [("players.US.strategy.name", "never_strike_first"), ("players.US.strategy.lag", 2)],
    ):
        sc = ipd.replace(dict(order))
        assert sc.data.players["US"].strategy.model_extra == {"lag": 2}


def test_manifest_scenario_lists_every_strategy_parameter() -> None:
    import json

    sc = sim.load_scenario(IPD).replace({"players.US.strategy": "never_strike_first"})
    resolved = json.loads(sc.to_json())
    assert resolved["players"]["US"]["strategy"] == {
        "name": "never_strike_first",
        "ratio": 1.0,
        "lag": 0,
        "cap": None,
        "instrument_choice": "mirror",
        "forgive": True,
    }
