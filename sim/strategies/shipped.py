"""The shipped classics: strategy files registered as definitions on import.

``classics.toml`` (beside this module) writes each classic as a kind with fixed
parameters, as a scenario's ``[strategies]`` table would (:func:`registry.definitions`).
"""

from __future__ import annotations

import tomllib
from importlib import resources

from sim.strategies import registry

FILE = "classics.toml"


def load() -> dict[str, registry.Definition]:
    """The definitions of the shipped file (not registered)."""
    text = resources.files("sim.strategies").joinpath(FILE).read_text(encoding="utf-8")
    table = tomllib.loads(text)["strategies"]
    return registry.definitions(table, source=f"sim/strategies/{FILE}")
