"""Strategies: the protocol, the registry and the bundled library.

>>> from sim import strategies
>>> "never_strike_first" in strategies.names()
True
"""

# The bundled library: importing a strategy's module registers it. The registry itself
# never imports the library (the library imports the registry).
from sim.strategies import (  # noqa: F401  (registered on import)
    classic,
    fsm,
    memory_n,
    negotiate,
    never_strike_first,
    scripted,
    sequence,
    zero_determinant,
)
from sim.strategies.base import Facts, Observation, Seat, Strategy
from sim.strategies.registry import (
    Definition,
    StrategyError,
    StrategySpec,
    define,
    defined,
    describe,
    get,
    names,
    register,
    spec,
    unregister,
)
from sim.strategies.registry import add as _add
from sim.strategies.shipped import load as _load_classics

_add(_load_classics())

__all__ = [
    "Definition",
    "Facts",
    "Observation",
    "Seat",
    "Strategy",
    "StrategyError",
    "StrategySpec",
    "define",
    "defined",
    "describe",
    "get",
    "names",
    "register",
    "spec",
    "unregister",
]
