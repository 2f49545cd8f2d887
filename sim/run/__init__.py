"""The run: a scenario bound to its strategies (:class:`Scenario`), simulated
(:func:`simulate`), and its :class:`Result` with the headline metrics."""

from sim.run.result import Result
from sim.run.scenario import Scenario, load_scenario
from sim.run.simulation import simulate

__all__ = ["Result", "Scenario", "load_scenario", "simulate"]
