"""`python -m sim` is the `escalate` command."""

from sim.cli import main

main()
