"""Joint parameter draws from a fit: the ``[uncertainty]`` table of a fitted scenario.

For each player, the posterior of its own hypothesis under flat priors within the bounds:
a grid point is drawn with probability proportional to its likelihood integrated over the
execution noise (on the noise's profile grid), then the noise from its likelihood at that
point. Draws are seeded (``numpy.random.SeedSequence``), so a fitted scenario is
reproducible from the fit's seed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.analysis.fit.estimate import eps_values

if TYPE_CHECKING:
    from sim.analysis.fit import FitResult

#: The draws' stream, apart from every simulation stream of the same seed.
DRAWS_KEY = 7


def draws(res: FitResult, n: int, seed: int) -> dict[str, list[float]]:
    """``n`` joint draws per player: ``{dotted path: values}`` (see the module doc)."""
    if n < 1:
        raise ValueError(f"expected at least one draw, got {n}")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(DRAWS_KEY,)))
    out: dict[str, list[float]] = {}
    for pc, pf in zip(res.config.players, res.players, strict=True):
        f = pf.own
        hyp = f.hypothesis
        lo, hi = pc.bounds
        e_vals = eps_values(lo, hi, f.noise.estimate)
        comp = f.compressed
        ll = comp.loglik_grid(e_vals)  # (points, eps values)
        widths = np.gradient(e_vals) if len(e_vals) > 1 else np.ones(1)
        with np.errstate(invalid="ignore"):
            logw = ll + np.log(widths)[None, :]
        top = np.max(logw[np.isfinite(logw)]) if np.isfinite(logw).any() else 0.0
        w = np.where(np.isfinite(logw), np.exp(logw - top), 0.0)
        total = w.sum()
        if total <= 0:
            w = np.zeros_like(w)
            w[f.column, int(np.argmin(np.abs(e_vals - f.noise.estimate)))] = 1.0
            total = 1.0
        flat = rng.choice(w.size, size=n, p=(w / total).ravel())
        points, cells = np.divmod(flat, len(e_vals))
        # Spread each noise draw uniformly within its grid cell.
        # Uniform within each grid cell, the cell cut at the bounds (no mass piled on them).
        half = widths[cells] / 2
        low = np.maximum(e_vals[cells] - half, lo)
        high = np.minimum(e_vals[cells] + half, hi)
        eps = low + rng.uniform(0, 1, n) * (high - low)
        out[f"players.{pc.name}.noise.{pc.noise}"] = [float(round(e, 8)) for e in eps]
        grid = hyp.points
        for fr in hyp.free:
            vals = [grid[int(p)][fr.name] for p in points]
            out[f"players.{pc.name}.strategy.{fr.name}"] = [
                float(int(v)) if fr.integer else float(v) for v in vals
            ]
    return out


def predictive_records(res: FitResult, n: int = 200, seed: int | None = None) -> NDArray[np.int8]:
    """``n`` records simulated from the posterior (``(rounds, n_instruments, n)``): record
    ``d`` plays draw ``d`` of :func:`draws` for both players, over the record's rounds, as
    the fit reads a record (:func:`sim.analysis.fit.sbc.record_plan`)."""
    from sim.analysis.fit.sbc import record_plan, simulate_records
    from sim.strategies.lineup import lineup
    from sim.strategies.registry import spec

    seed = res.scenario.seed if seed is None else seed
    joint = draws(res, n, seed)
    plan = record_plan(res.scenario.plan, res.config.rounds)
    noise: dict[str, NDArray[np.float64]] = {}
    seats = []
    for pc in res.config.players:
        hyp = pc.hypotheses[0]
        key = f"players.{pc.name}.noise.{pc.noise}"
        table = noise.setdefault(
            pc.noise, np.tile(np.array(getattr(plan.rules, pc.noise), dtype=np.float64), (n, 1))
        )
        table[:, pc.player] = joint[key]
        specs = []
        for d in range(n):
            point = {
                f.name: int(joint[f"players.{pc.name}.strategy.{f.name}"][d])
                if f.integer
                else joint[f"players.{pc.name}.strategy.{f.name}"][d]
                for f in hyp.free
            }
            specs.append(spec(hyp.name, **hyp.fixed, **point))
        seats.append(lineup(tuple(specs), divisor=1))
    return simulate_records(plan, (seats[0], seats[1]), noise, seed)
