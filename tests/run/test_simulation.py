"""Simulating: worker processes and the messages when they cannot start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
