"""The ``escalate`` command line: one module per command group, each command parsing
options and calling one library function, all registered here (:data:`COMMANDS`) on the app
of :mod:`sim.cli.root`. What they share (option types, loading, error handling and exit
codes) is in :mod:`sim.cli.common`, progress bars in :mod:`sim.cli.progress`. Heavy
imports (numpy, pandas, matplotlib) happen inside the commands that need them.
"""

from __future__ import annotations

from sim.cli import bargain, equilibria, fit, info, plot, population, run, sweep
from sim.cli.root import app

__all__ = ["app", "main"]

#: Every command, in the order of ``escalate --help``.
COMMANDS = (
    run.run,
    run.validate,
    info.strategies,
    equilibria.equilibria,
    bargain.bargain,
    info.schema,
    fit.fit,
    plot.plot,
    population.tournament,
    population.evolve,
    sweep.sweep,
)
for _command in COMMANDS:
    app.command()(_command)


def main() -> None:
    """Entry point of the ``escalate`` console script."""
    app()
