"""`python -m sim` is the `escalate` command."""

from sim.cli import main

if __name__ == "__main__":
    main()
