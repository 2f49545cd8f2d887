"""Scenario files: schema, reading, located errors, changes by dotted path, the calendar,
and the game, events and rules they describe (the I/O boundary in). Strategies are bound
to a scenario one layer up, in :mod:`sim.run`.

The names below are loaded when first used, so that the strategies and the engine, which
need only the calendar and the rules, do not import the file schema (pydantic).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.scenario.files import load_sweep_file, read_toml, set_path

__all__ = ["load_sweep_file", "read_toml", "set_path"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from sim.scenario import files

        return getattr(files, name)
    raise AttributeError(f"module 'sim.scenario' has no attribute {name!r}")
