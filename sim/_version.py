"""Package version (single source for hatch and the manifest)."""

__version__ = "0.1.0"
