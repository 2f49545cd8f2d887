"""Simulating: worker processes and the messages when they cannot start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parents[2]
IPD = ROOT / "scenarios" / "ipd.toml"


def test_script_without_main_guard_gets_a_clear_message(tmp_path: Path) -> None:
    """Worker processes re-import the script; without the guard they cannot start, and the
    user is told what to do instead of seeing only BrokenProcessPool."""
    script = tmp_path / "noguard.py"
    script.write_text(
        "import sim\n"
        f"sc = sim.load_scenario({str(IPD)!r})\n"
        "try:\n"
        "    sim.simulate(sc, matches=8192, rounds=5, workers=2)\n"
        "except sim.SimError as exc:\n"
        "    print('SimError:', exc)\n"
    )
    p = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        timeout=300,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert 'if __name__ == "__main__":' in p.stdout, (p.stdout, p.stderr[-2000:])


def test_a_run_the_machine_cannot_hold_is_refused_with_the_estimate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before anything runs: the estimate, the sizes and what to lower, located at
    ``simulation`` of the file (exit 2 from the command line)."""
    import sim.run.simulation as simulation

    sc = sim.load_scenario(IPD)
    monkeypatch.setattr(simulation, "available_memory", lambda: 10 * 2**20)  # 10 MiB
    monkeypatch.setattr(simulation, "run_plan", None)  # nothing may start
    with pytest.raises(
        sim.ScenarioError, match=r"ipd\.toml: simulation: the run needs about"
    ) as info:
        sim.simulate(sc, matches=10_000_000, workers=1)
    assert "10,000,000 matches" in str(info.value) and "10 MiB available" in str(info.value)


def test_the_memory_estimate_grows_with_rounds_matches_and_paths() -> None:
    from sim.engine.run import memory_estimate

    plan = sim.load_scenario(ROOT / "scenarios" / "busan-truce.toml").plan
    base = memory_estimate(plan, 100_000, workers=1)
    assert 50e6 < base < 500e6  # about 160 MB; measured peak above the loaded process: 132 MB
    # the per-match results: 64 bytes a match at least
    assert memory_estimate(plan, 1_000_000, workers=1) > base + 900_000 * 64
    assert memory_estimate(plan, 100_000, workers=1, sample=10_000) > base
    # per-round tallies of every block, kept until the merge: a million days is gigabytes
    longest = sim.load_scenario(ROOT / "scenarios" / "busan-truce.toml").replace(
        simulation={"rounds": 1_000_000}
    )
    assert memory_estimate(longest.plan, 100_000, workers=1) > 5e9
