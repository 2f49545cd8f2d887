"""The notebooks in ``notebooks/`` run top to bottom, cleanly, and are committed without outputs.

Every ``notebooks/*.ipynb`` (found by glob, so a new notebook is covered at once) is
executed with nbclient in the ``python3`` kernel, with ``notebooks/`` as its working
directory, as a user who opens it there would run it. A first cell is put into the
in-memory copy before execution: it checks that the kernel runs in this interpreter's
environment (``sys.prefix``), not in another Python that a ``python3`` kernel spec
elsewhere on the machine might point to, and turns every warning into an error; a last
cell restores the warning filters, so that the kernel's own warnings at shutdown do not
print tracebacks.

A notebook fails on an error in any cell, on any warning, on any output on stderr, when
a cell that calls a figure function (``..._figure(``) shows no PNG image, when the whole
run takes more than :data:`NOTEBOOK_SECONDS`, and when it leaves a file behind in the
repository (notebooks write only into temporary folders, if at all).
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import nbclient
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))

#: A whole notebook, kernel start included, must run within this (the aim is under 30 s).
NOTEBOOK_SECONDS = 120
#: nbclient's limit for one cell.
CELL_SECONDS = 120

#: The cell put first into the copy that runs. It prints nothing, and its names start
#: with an underscore so that a notebook cannot come to rely on them.
FIRST_CELL = f"""\
import sys as _sys
import warnings as _warnings

assert _sys.prefix == {sys.prefix!r}, (
    f"the python3 kernel runs in {{_sys.prefix}}, not in the tests' {sys.prefix!r}"
)
_filters = _warnings.filters[:]
_warnings.simplefilter("error")"""
#: The cell put last: the kernel's own warnings at shutdown are not the notebook's.
LAST_CELL = "_warnings.filters[:] = _filters"

#: A cell that draws a figure calls one of the figure functions of ``sim.report.plots``.
DRAWS = re.compile(r"\w+_figure\(")


def _files(folder: Path) -> set[Path]:
    """Every file under ``folder`` (caches of Python and Jupyter left out)."""
    skip = {"__pycache__", ".ipynb_checkpoints"}
    return {p for p in folder.rglob("*") if p.is_file() and not skip & set(p.parts)}


def _top_level() -> set[str]:
    return {p.name for p in ROOT.iterdir()}


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, f"no notebooks in {NOTEBOOK_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path: Path) -> None:
    """Outputs and execution counts are not kept in the repository; each notebook is
    valid, has a numbered name, opens with a title and ends with a summary."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert re.fullmatch(r"\d\d-[a-z0-9-]+\.ipynb", path.name), path.name
    dirty = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"cells {dirty} of {path.name} have outputs or execution counts"
    first, last = nb.cells[0], nb.cells[-1]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "no title"
    assert last.cell_type == "markdown" and last.source.startswith("## Summary"), "no summary"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_runs_cleanly(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(FIRST_CELL))
    nb.cells.append(nbformat.v4.new_code_cell(LAST_CELL))
    client = nbclient.NotebookClient(
        nb,
        timeout=CELL_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    files, top = _files(NOTEBOOK_DIR), _top_level()
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError on an error (and on a warning, see above)
    seconds = time.perf_counter() - start

    # cells numbered as in the file (0 is the first), the injected ones left out
    code = [(i, c) for i, c in enumerate(nb.cells[1:-1]) if c.cell_type == "code"]
    stderr = [
        f"cell {i}: {out.text.strip()[:500]}"
        for i, cell in code
        for out in cell.outputs
        if out.output_type == "stream" and out.name == "stderr"
    ]
    assert not stderr, "output on stderr:\n" + "\n".join(stderr)
    blank = [
        i
        for i, cell in code
        if DRAWS.search(cell.source)
        and not any("image/png" in out.get("data", {}) for out in cell.outputs)
    ]
    assert not blank, f"cells {blank} draw a figure but show no PNG image"
    assert _files(NOTEBOOK_DIR) == files, "the notebook left files in notebooks/"
    assert _top_level() == top, "the notebook left files in the repository"
    assert seconds < NOTEBOOK_SECONDS, f"{path.name} took {seconds:.0f} s"
