"""The public facade: ``import sim`` keeps its names and their signatures."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import sim

ROOT = Path(__file__).resolve().parent.parent


def test_simulate_stays_a_function_whatever_is_imported_first() -> None:
    """Importing the CLI (which imports the simulation module) before touching
    ``sim.simulate`` must not turn ``sim.simulate`` into a module."""
    code = (
        "import sim.cli, sim.run.simulation, sim\n"
        "assert callable(sim.simulate), type(sim.simulate)\n"
        "print('ok')\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert p.returncode == 0 and "ok" in p.stdout, p.stderr


def signatures() -> dict[str, Any]:
    """Every public name of the facade with its call signature: parameter names, kinds and
    defaults (annotations are left out: they are strings that name where a type lives)."""

    def params(f: Any) -> list[list[str | None]]:
        return [
            [p.name, p.kind.name, repr(p.default) if p.default is not p.empty else None]
            for p in inspect.signature(f).parameters.values()
        ]

    out: dict[str, Any] = {}
    for name in sorted(set(sim.__all__) - {"__version__"}):
        value = getattr(sim, name)
        if inspect.isclass(value):
            out[name] = {
                m: params(getattr(value, m))
                for m in sorted(vars(value))
                if not m.startswith("_")
                and callable(getattr(value, m, None))
                and not inspect.isclass(getattr(value, m))
            }
        else:
            out[name] = params(value)
    return out


def test_the_facade_keeps_its_names_and_signatures() -> None:
    """``tests/golden/facade.json`` was written by :func:`signatures` at commit cbda9f5, the
    last one before the layout change of issue 19 (every module moved; the facade did not),
    and extended by ``Result.deals`` (issue 21): every public function, class and method
    keeps its parameters."""
    golden = json.loads((ROOT / "tests" / "golden" / "facade.json").read_text())
    assert signatures() == golden
    assert set(golden) | {"__version__"} == set(sim.__all__)


def test_plots_is_a_public_module_of_the_facade() -> None:
    """``from sim import plots`` (as the notebooks do) gives the figure functions."""
    from sim import plots

    assert plots.__name__ == "sim.report.plots"
    assert callable(plots.timeline_figure) and callable(plots.plot_folder)
    assert "plots" in dir(sim)
    # not in __all__: a star import loads every public name, and no figure library
    code = "import sys\nfrom sim import *\nassert 'matplotlib' not in sys.modules\nprint(simulate)"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert p.returncode == 0 and "function simulate" in p.stdout, p.stderr
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        sim.nope  # noqa: B018
