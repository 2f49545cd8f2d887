"""Analyses of simulated runs: Kaplan–Meier survival of truce spells."""

from __future__ import annotations

from sim.analysis.survival import Survival, kaplan_meier, survival_curves

__all__ = ["Survival", "kaplan_meier", "survival_curves"]
