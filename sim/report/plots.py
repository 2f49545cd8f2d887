"""The figures, for notebooks and papers (``from sim import plots``): every function takes
``ax=`` and returns the figure.

Figures are built on :class:`matplotlib.figure.Figure` directly (no pyplot), so nothing
process-wide changes. Each draws from tables (a result's, or a results folder's) and never
simulates; :func:`plot_folder` redraws a results folder's figures, as ``escalate plot`` does.
Figures are one journal column (``width="one"``, 3.5 in) or two (``"two"``, 7 in) wide, in the
paper style (``paper_style()``; ``sim/report/paper.mplstyle``): fonts embedded, Okabe-Ito
colours with player 0 always blue and player 1 always vermillion.

>>> import sim
>>> from sim import plots  # this module
>>> res = sim.simulate(sim.load_scenario("scenarios/busan-truce.toml"), matches=20, seed=1)
>>> fig = plots.timeline_figure(res, width="one")
>>> us_line = fig.axes[0].get_lines()[-1]
>>> float(fig.get_figwidth()), us_line.get_color() == plots.PLAYER_COLOURS[0]
(3.5, True)
"""

from __future__ import annotations

from sim.report.bargain_plot import bargaining_set_figure, terms_figure
from sim.report.evolution_plot import evolution_figure
from sim.report.figures import figure_metadata, save_figure, timeline_data, timeline_figure
from sim.report.replot import plot_folder
from sim.report.stage_plot import feasible_figure, payoffs_figure
from sim.report.style import PLAYER_COLOURS, SERIES, WIDTHS, paper_style
from sim.report.survival_plot import survival_figure, truce_survival_figure
from sim.report.sweep_plot import sweep_figure
from sim.report.tournament_plot import tournament_figure

__all__ = [
    "PLAYER_COLOURS",
    "SERIES",
    "WIDTHS",
    "bargaining_set_figure",
    "evolution_figure",
    "feasible_figure",
    "figure_metadata",
    "paper_style",
    "payoffs_figure",
    "plot_folder",
    "save_figure",
    "survival_figure",
    "sweep_figure",
    "terms_figure",
    "timeline_data",
    "timeline_figure",
    "tournament_figure",
    "truce_survival_figure",
]
