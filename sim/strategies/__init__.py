"""Strategies: the protocol, the registry and the bundled library.

>>> from sim import strategies
>>> "never_strike_first" in strategies.names()
True
"""

# The bundled library: importing a strategy's module registers it. The registry itself
# never imports the library (the library imports the registry).
from sim.strategies import (  # noqa: F401  (registered on import)
    classic,
    negotiate,
    never_strike_first,
    scripted,
    zero_determinant,
)
from sim.strategies.base import Facts, Observation, Seat, Strategy
from sim.strategies.registry import (
    StrategyError,
    StrategySpec,
    describe,
    get,
    names,
    register,
    spec,
    unregister,
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
    "unregister",
]
