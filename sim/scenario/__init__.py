"""Scenario files: schema, reading, located errors, changes by dotted path, the calendar,
and the game, events and rules they describe (the I/O boundary in). Strategies are bound
to a scenario one layer up, in :mod:`sim.run`."""

from sim.scenario.files import load_sweep_file, read_toml, set_path

__all__ = ["load_sweep_file", "read_toml", "set_path"]
