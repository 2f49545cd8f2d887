"""The figures, for notebooks and papers: every function takes ``ax=`` and returns the figure.

Figures are built on :class:`matplotlib.figure.Figure` directly (no pyplot), so nothing
process-wide changes. Each draws from tables (a result's, or a results folder's) and never
simulates; :func:`plot_folder` redraws a results folder's figures, as ``escalate plot`` does.
"""

from __future__ import annotations

from sim.report.evolution_plot import evolution_figure
from sim.report.figures import figure_metadata, save_figure, timeline_figure
from sim.report.stage_plot import feasible_figure, payoffs_figure
from sim.report.survival_plot import survival_figure, truce_survival_figure
from sim.report.sweep_plot import sweep_figure
from sim.report.tournament_plot import tournament_figure

__all__ = [
    "evolution_figure",
    "feasible_figure",
    "figure_metadata",
    "payoffs_figure",
    "save_figure",
    "survival_figure",
    "sweep_figure",
    "timeline_figure",
    "tournament_figure",
    "truce_survival_figure",
]
