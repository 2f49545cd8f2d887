"""The layout and the layers (docs/architecture.md): import-linter keeps the contracts in
pyproject.toml, and breaks them when a module imports upwards or closes a cycle."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = str(Path(sys.executable).parent / "lint-imports")
#: The modules allowed at the top of the package: the facade, __main__, version, errors.
FLAT = {"__init__.py", "__main__.py", "_version.py", "errors.py"}


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the package ``sim`` under ``root`` with ``root``'s contracts."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [LINT, str(root / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        check=False,
        timeout=300,
    )


def packages() -> set[str]:
    return {p.parent.name for p in (ROOT / "sim").glob("*/__init__.py")}


def test_the_contracts_are_kept() -> None:
    r = lint(ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 broken" in r.stdout


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The package and its contracts, copied to break them."""
    shutil.copytree(ROOT / "sim", tmp_path / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def add_import(module: Path, line: str) -> None:
    text = module.read_text()
    head, sep, rest = text.partition("from __future__ import annotations\n")
    module.write_text(head + sep + line + "\n" + rest)


def test_an_upward_import_breaks_the_layers(copy: Path) -> None:
    """The engine importing the run layer (its caller) is refused, naming the import."""
    add_import(copy / "sim" / "engine" / "tally.py", "import sim.run.result  # noqa")
    r = lint(copy)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Layers run one way" in r.stdout and "BROKEN" in r.stdout
    assert "sim.engine.tally -> sim.run.result" in r.stdout


def test_a_cycle_inside_a_package_is_refused(copy: Path) -> None:
    """Two modules of one layer importing each other break the acyclic contract, even
    when one import is only for type checking."""
    add_import(
        copy / "sim" / "engine" / "truces.py",  # the round loop imports the truces
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import sim.engine.rounds",
    )
    r = lint(copy)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "No import cycles between the modules of any package BROKEN" in r.stdout
    assert "No cycles are allowed in sim.engine" in r.stdout


def test_a_command_importing_another_is_refused(copy: Path) -> None:
    add_import(copy / "sim" / "cli" / "fit.py", "from sim.cli.run import validate  # noqa")
    r = lint(copy)
    assert r.returncode == 1
    assert "Each command group stands alone" in r.stdout and "BROKEN" in r.stdout


def test_figures_below_report_are_refused(copy: Path) -> None:
    add_import(copy / "sim" / "analysis" / "grid.py", "import matplotlib  # noqa")
    r = lint(copy)
    assert r.returncode == 1
    assert "no figures and no command line BROKEN" in r.stdout


def test_every_package_is_a_layer() -> None:
    """The layers contract names every subpackage of ``sim`` (a new one must be placed),
    and nothing but the facade, ``__main__``, the version and the errors sits flat."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c for c in config["contracts"] if c["type"] == "layers"]
    named = {m.strip() for layer in layers["layers"] for m in layer.split("|")}
    assert {f"sim.{p}" for p in packages()} | {"sim.errors", "sim._version"} == named
    flat = {p.name for p in (ROOT / "sim").glob("*.py")}
    assert flat == FLAT


def test_the_tests_mirror_the_package() -> None:
    """``tests/<layer>/`` for every layer of ``sim/``, and no other folder of tests but
    ``tests/fuzz/`` (the fuzzer of the whole command line)."""
    folders = {p.parent.name for p in (ROOT / "tests").glob("*/test_*.py")}
    assert folders == packages() | {"fuzz"}
    top = {p.name for p in (ROOT / "tests").glob("test_*.py")}
    assert top == {"test_architecture.py", "test_docs.py", "test_facade.py", "test_notebooks.py"}


def test_no_module_imports_another_modules_private_names() -> None:
    """``from sim.x import _name`` (or ``tests.x``) anywhere in sim/, tests/ or benchmarks/
    is refused: a name used across modules is public (the contracts cover private
    modules; this covers private names)."""
    found = []
    for folder in ("sim", "tests", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                    continue
                if node.module.split(".")[0] not in ("sim", "tests"):
                    continue
                for alias in node.names:
                    if alias.name.startswith("_") and alias.name != "__version__":
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {alias.name}")
    assert found == []
