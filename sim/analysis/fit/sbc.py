"""Simulation-based calibration of the fit: do its 95% intervals cover the truth 95% of
the time?

:func:`calibrate` draws true parameters for each player's own hypothesis (each free
parameter uniformly from its grid, the noise uniformly from ``noise_range``), simulates one
record per draw with the scenario's own engine (:func:`simulate_records`), fits every
record exactly as :func:`sim.analysis.fit.fit` fits the real one, and counts how often each
interval holds the truth. The records are played like the fit reads the real one: from
round 0 over the record's rounds, with the scheduled truces, without the scripted moves,
negotiated truces, renewals or perception noise.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from sim.analysis.fit.config import FitConfig, fit_config
from sim.analysis.fit.estimate import HypothesisFit, fit_terms, play
from sim.engine.rounds import Plan, Streams, iter_rounds
from sim.scenario.rules import Draws, Rules
from sim.scenario.schedule import Schedule
from sim.stats.intervals import share_interval
from sim.strategies.lineup import lineup
from sim.strategies.registry import StrategySpec

if TYPE_CHECKING:
    from collections.abc import Callable

    from sim.run.scenario import Scenario

#: The truths' stream (apart from every simulation stream of the same seed).
TRUTH_KEY = 11
#: Matches (records x grid points) played on forced records at once.
COLUMNS = 8192


def record_plan(plan: Plan, rounds: int) -> Plan:
    """``plan`` as the fit reads a record: ``rounds`` rounds from round 0, the scheduled
    truces kept; no scripted moves, negotiation, renewal or perception noise."""
    sched = plan.schedule
    kinds = tuple(dataclasses.replace(k, renewal=0.0) for k in sched.kinds)
    schedule = Schedule(
        sets={},
        starts={t: s for t, s in sched.starts.items() if t < rounds},
        kinds=kinds,
        replay=-1,
        rapport=sched.rapport,
        negotiation=None,
    )
    rules = dataclasses.replace(plan.rules, rounds=rounds, perception=(0.0, 0.0))
    return dataclasses.replace(plan, rules=rules, schedule=schedule, draws=None)


def simulate_records(
    plan: Plan,
    strategies: tuple[StrategySpec, StrategySpec],
    noise: dict[str, NDArray[np.float64]],
    seed: int,
) -> NDArray[np.int8]:
    """One record per draw, ``(rounds, n_instruments, draws)``: match ``d`` plays
    ``strategies`` (lineups of the draws) with draw ``d``'s noise (``noise[kind]`` is
    ``(draws, 2)``; kinds missing are the plan's)."""
    n = next(iter(noise.values())).shape[0]
    rules: Rules = plan.rules
    table = {
        k: noise.get(k, np.tile(np.array(getattr(rules, k), dtype=np.float64), (n, 1)))
        for k in ("execution", "perception", "tremble")
    }
    draws = Draws(table["execution"], table["perception"], table["tremble"])
    run = dataclasses.replace(plan, strategies=strategies, draws=draws)
    out = np.empty((rules.rounds, plan.game.n_instruments, n), dtype=np.int8)
    for st in iter_rounds(run, n, Streams.for_matches(seed, 0, n)):
        out[st.t] = st.levels
    return out


@dataclass(frozen=True)
class Coverage:
    """How often one parameter's 95% interval held the truth."""

    player: str
    parameter: str
    covered: int
    records: int

    @property
    def share(self) -> float:
        return self.covered / self.records if self.records else float("nan")

    def as_dict(self) -> dict[str, Any]:
        low, high = share_interval(self.covered, self.records)
        return {
            "player": self.player,
            "parameter": self.parameter,
            "covered": self.covered,
            "records": self.records,
            "coverage": self.share,
            "ci_low": low,
            "ci_high": high,
        }


@dataclass(frozen=True)
class Calibration:
    """The result of :func:`calibrate`: per parameter coverage, and every record's truth
    and fit (``truths[player][parameter]``, ``fits[player]``)."""

    coverage: tuple[Coverage, ...]
    truths: tuple[dict[str, list[float]], dict[str, list[float]]]
    fits: tuple[tuple[HypothesisFit, ...], tuple[HypothesisFit, ...]]


def calibrate(
    scenario: Scenario,
    records: int = 100,
    *,
    seed: int = 0,
    noise_range: tuple[float, float] = (0.005, 0.1),
    progress: Callable[[int, int], None] | None = None,
) -> Calibration:
    """Simulation-based calibration of ``scenario``'s fit (see the module doc)."""
    cfg: FitConfig = fit_config(scenario)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(TRUTH_KEY,)))
    plan = record_plan(scenario.plan, cfg.rounds)
    truths: list[dict[str, list[float]]] = []
    seats: list[StrategySpec] = []
    noise = {
        k: np.tile(np.array(getattr(plan.rules, k)), (records, 1))
        for k in ("execution", "tremble")
    }
    for pc in cfg.players:
        hyp = pc.hypotheses[0]
        idx = rng.integers(0, len(hyp.specs), size=records)
        points = hyp.points
        truth = {f.name: [points[i][f.name] for i in idx] for f in hyp.free}
        level = rng.uniform(*noise_range, size=records)
        noise[pc.noise][:, pc.player] = level
        truth[pc.noise] = level.tolist()
        truths.append(truth)
        seats.append(lineup(tuple(hyp.specs[i] for i in idx), divisor=1))
    recs = simulate_records(plan, (seats[0], seats[1]), noise, seed)
    fits: list[tuple[HypothesisFit, ...]] = []
    coverage: list[Coverage] = []
    for pc in cfg.players:
        hyp = pc.hypotheses[0]
        g = len(hyp.specs)
        m = cfg.copies if hyp.stochastic else 1
        per: list[HypothesisFit] = []
        chunk = max(1, COLUMNS // (g * m))  # records played at once (memory stays bounded)
        for first in range(0, records, chunk):
            part = recs[:, :, first : first + chunk]
            size = part.shape[2]
            played = play(scenario.plan, pc.player, hyp, part, cfg.copies, seed, pc.noise_args())
            t = played.terms()
            for r in range(size):
                cols = slice(r * g, (r + 1) * g)
                sub = type(t)(t.a[:, :, cols], t.c[:, :, cols], t.moved[:, :, cols])
                per.append(fit_terms(hyp, sub, pc.bounds, pc.noise))
                if progress is not None:
                    progress(pc.player * records + first + r + 1, 2 * records)
        fits.append(tuple(per))
        for e_i, name in enumerate([f.name for f in hyp.free] + [pc.noise]):
            hit = 0
            for r, f in enumerate(per):
                e = f.estimates[e_i]
                true = truths[pc.player][name][r]
                hit += int(e.low - 1e-12 <= true <= e.high + 1e-12)
            coverage.append(Coverage(pc.name, name, hit, records))
    return Calibration(tuple(coverage), (truths[0], truths[1]), (fits[0], fits[1]))
