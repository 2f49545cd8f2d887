"""The fit of the bundled scenario: its time, the calibration of its intervals (SBC at full
size), and its noise maximisation against scipy's, side by side in one run.

* ``default``: ``escalate fit scenarios/us-china-2025.toml`` in a fresh process (install,
  import, fit, tables, fitted scenario and figures), wall time; the issue's bound is 2 min.
* ``sbc``: :func:`sim.analysis.fit.sbc.calibrate` on the bundled scenario's ``[fit]`` table,
  ``--records`` records simulated by the engine from known parameters (tremble in
  [0.005, 0.1]): the share of 95% intervals that hold the truth, per parameter, with its
  Wilson interval; ``sbc_high``: the same with ``--high-records`` records and the tremble
  in [0.3, 0.6], the regime of China's fitted tremble.
* ``noise``: the bisection that maximises the noise at every grid point
  (:meth:`~sim.analysis.fit.likelihood.Compressed.best_eps`) against
  ``scipy.optimize.minimize_scalar`` (bounded) column by column on the same terms: the
  ratio of times, and the largest difference in log-likelihood.

    python benchmarks/bench_fit.py [--records N] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "us-china-2025.toml"


def default_fit() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "sim", "fit", str(SCENARIO), "--out", f"{tmp}/fit"],
            check=True,
            capture_output=True,
        )
        seconds = time.perf_counter() - t0
        doc = json.loads(Path(f"{tmp}/fit/fit.json").read_text())
    return {"wall_seconds": seconds, "fit_seconds": doc["seconds"], "bound_seconds": 120}


def sbc(records: int, noise_range: tuple[float, float] = (0.005, 0.1)) -> dict[str, Any]:
    import sim
    from sim.analysis.fit.sbc import calibrate

    sc = sim.load_scenario(SCENARIO)
    t0 = time.perf_counter()
    cal = calibrate(sc, records=records, seed=1, noise_range=noise_range)
    return {
        "records": records,
        "noise_range": list(noise_range),
        "seconds": time.perf_counter() - t0,
        "coverage": [c.as_dict() for c in cal.coverage],
    }


def noise_vs_scipy() -> dict[str, Any]:
    from scipy import optimize

    import sim
    from sim.analysis.fit import fit_config
    from sim.analysis.fit.estimate import play
    from sim.analysis.fit.likelihood import Compressed

    sc = sim.load_scenario(SCENARIO)
    cfg = fit_config(sc)
    pc = cfg.players[0]
    record = sc.plan.schedule.script[: cfg.rounds]
    played = play(sc.plan, 0, pc.hypotheses[0], record, 1, 0, pc.noise_args())
    comp = Compressed.of(played.terms())
    lo, hi = pc.bounds
    t0 = time.perf_counter()
    _, ll = comp.best_eps(lo, hi)
    ours = time.perf_counter() - t0
    n = comp.counts.shape[0]
    t0 = time.perf_counter()
    theirs_ll = np.empty(n)
    for j in range(n):
        one = Compressed(comp.a, comp.c, comp.counts[j : j + 1])
        r = optimize.minimize_scalar(
            lambda e, one=one: -float(one.loglik(e)[0]),
            bounds=(max(lo, 1e-12), hi),
            method="bounded",
            options={"xatol": 1e-10},
        )
        theirs_ll[j] = -r.fun
    theirs = time.perf_counter() - t0
    return {
        "grid_points": n,
        "ours_seconds": ours,
        "scipy_seconds": theirs,
        "ratio": theirs / ours,
        "max_loglik_difference": float(np.max(np.abs(ll - theirs_ll))),
        "ours_at_least_as_high": bool(np.all(ll >= theirs_ll - 1e-7)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=200)
    ap.add_argument(
        "--high-records",
        type=int,
        default=100,
        help="records of a second calibration with the tremble in [0.3, 0.6], China's "
        "fitted regime (0: skip)",
    )
    ap.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "fit.json")
    args = ap.parse_args()
    out = {"default": default_fit(), "noise": noise_vs_scipy(), "sbc": sbc(args.records)}
    if args.high_records:
        out["sbc_high"] = sbc(args.high_records, (0.3, 0.6))
    d, nz = out["default"], out["noise"]
    print(
        f"default fit: {d['wall_seconds']:.1f} s wall (fit {d['fit_seconds']:.1f} s; bound 120 s)"
    )
    print(
        f"noise maximisation, {nz['grid_points']} grid points: ours {nz['ours_seconds']:.3f} s, "
        f"scipy {nz['scipy_seconds']:.3f} s ({nz['ratio']:.0f}x); largest log-lik difference "
        f"{nz['max_loglik_difference']:.2e}"
    )
    for key in ("sbc", "sbc_high"):
        if key not in out:
            continue
        part = out[key]
        lo, hi = part["noise_range"]
        print(
            f"SBC, {part['records']} records, noise in [{lo}, {hi}] ({part['seconds']:.0f} s): "
            "95% interval coverage"
        )
        for c in part["coverage"]:
            print(
                f"  {c['player']} {c['parameter']:<10} {c['coverage']:.3f} "
                f"[{c['ci_low']:.3f}, {c['ci_high']:.3f}]"
            )
    args.json.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
