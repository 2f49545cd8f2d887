"""Scenario files: schema, loading, validation errors and changes (the I/O boundary in)."""

from sim.scenario.scenario import Scenario, load_sweep_file, set_path

__all__ = ["Scenario", "load_scenario", "load_sweep_file", "set_path"]


def load_scenario(path: str) -> Scenario:
    """Read and validate a TOML scenario file (see :meth:`Scenario.from_file`)."""
    return Scenario.from_file(path)
