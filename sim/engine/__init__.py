"""The batched simulator: rounds, noise and reductions, run in blocks across processes."""

from sim.engine.reduce import RunData
from sim.engine.rounds import Plan, Step, Streams, iter_rounds
from sim.engine.run import default_workers, run_plan
from sim.scenario.rules import Rules

__all__ = [
    "Plan",
    "Rules",
    "RunData",
    "Step",
    "Streams",
    "default_workers",
    "iter_rounds",
    "run_plan",
]
