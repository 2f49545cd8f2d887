"""Strategies: the protocol, the registry and the bundled library.

>>> from sim import strategies
>>> "never_strike_first" in strategies.names()
True
"""

from sim.strategies.base import Facts, Observation, Seat, Strategy
from sim.strategies.registry import (
    StrategyError,
    StrategySpec,
    describe,
    get,
    names,
    register,
    spec,
)

__all__ = [
    "Facts",
    "Observation",
    "Seat",
    "Strategy",
    "StrategyError",
    "StrategySpec",
    "describe",
    "get",
    "names",
    "register",
    "spec",
]
