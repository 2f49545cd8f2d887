"""escalation-sim: a game-theoretic escalation simulator of the US-China trade conflict.

The public API is loaded lazily, so ``import sim`` is fast and changes nothing
process-wide::

    import sim
    sc = sim.load_scenario("scenarios/us-china-baseline.toml")
    res = sim.simulate(sc, matches=10_000, seed=1)
    res.summary()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim._version import __version__

if TYPE_CHECKING:
    from sim.analysis.evolution import EvolutionResult, evolve
    from sim.analysis.fit import FitResult, fit
    from sim.analysis.stage import StageGame, stage_game
    from sim.analysis.tournament import TournamentResult, tournament
    from sim.errors import ModelError, ScenarioError, SimError
    from sim.model import Game, Instrument
    from sim.report import plots as plots
    from sim.report.sweeping import sweep
    from sim.run.result import Result
    from sim.run.scenario import Scenario, load_scenario
    from sim.run.simulation import simulate
    from sim.strategies import Strategy, register

__all__ = [
    "EvolutionResult",
    "FitResult",
    "Game",
    "Instrument",
    "ModelError",
    "Result",
    "Scenario",
    "ScenarioError",
    "SimError",
    "StageGame",
    "Strategy",
    "TournamentResult",
    "__version__",
    "evolve",
    "fit",
    "load_scenario",
    "register",
    "simulate",
    "stage_game",
    "sweep",
    "tournament",
]

_LAZY = {
    "Game": "sim.model",
    "Instrument": "sim.model",
    "ModelError": "sim.errors",
    "ScenarioError": "sim.errors",
    "SimError": "sim.errors",
    "Result": "sim.run.result",
    "Scenario": "sim.run.scenario",
    "load_scenario": "sim.run.scenario",
    "simulate": "sim.run.simulation",
    "sweep": "sim.report.sweeping",
    "stage_game": "sim.analysis.stage",
    "StageGame": "sim.analysis.stage",
    "tournament": "sim.analysis.tournament",
    "evolve": "sim.analysis.evolution",
    "EvolutionResult": "sim.analysis.evolution",
    "fit": "sim.analysis.fit",
    "FitResult": "sim.analysis.fit",
    "TournamentResult": "sim.analysis.tournament",
    "Strategy": "sim.strategies",
    "register": "sim.strategies",
}


#: Public modules that live in a layer: ``from sim import plots`` (not in ``__all__``, so
#: that ``from sim import *`` does not load matplotlib).
_MODULES = {"plots": "sim.report.plots"}


def __getattr__(name: str) -> Any:
    if name in _LAZY or name in _MODULES:
        import importlib

        if name in _MODULES:
            value = importlib.import_module(_MODULES[name])
        else:
            value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, *_MODULES])
