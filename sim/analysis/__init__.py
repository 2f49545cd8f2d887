"""Analyses built on the engine and on runs: the stage game and its equilibria, tournaments
and evolution, sweeps and the fit to the record. The Kaplan–Meier estimator of truce
spells lives in :mod:`sim.stats.survival` (the run's metrics use it) and is re-exported
here."""

from __future__ import annotations

from sim.stats.survival import Survival, kaplan_meier, survival_curves

__all__ = ["Survival", "kaplan_meier", "survival_curves"]
