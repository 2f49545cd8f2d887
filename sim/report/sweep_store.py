"""Where a sweep keeps its finished cells, so that an interrupted sweep can resume.

A store is a folder holding ``sweep.json`` (the sweep's definition, see
:meth:`sim.analysis.sweep.SweepPlan.definition`) and ``cells/<index>.json``, one file per
finished cell, each written atomically (a temporary file, flushed to disk, then renamed):
a cell is either wholly there or not at all, whenever the sweep is stopped. A store only
resumes the sweep it was made for.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.errors import SimError
from sim.report.files import write_file_atomically


class StoreMismatch(SimError):
    """The store holds another sweep's cells."""


class CellStore:
    """The finished cells of one sweep in ``folder`` (created if needed)."""

    def __init__(self, folder: str | Path, definition: Mapping[str, Any]) -> None:
        self.folder = Path(folder)
        self.definition = _plain(definition)
        spec = self.folder / "sweep.json"
        if self.folder.exists() and any(self.folder.iterdir()) and not spec.exists():
            raise StoreMismatch(
                f"{self.folder} exists and does not hold a sweep's unfinished cells (no "
                "sweep.json); move it away or choose another results folder"
            )
        (self.folder / "cells").mkdir(parents=True, exist_ok=True)
        for stale in (self.folder / "cells").glob(".*.tmp-*"):  # left by a killed sweep
            if not _alive(stale.name.rsplit("-", 1)[1]):
                stale.unlink(missing_ok=True)
        if spec.exists():
            try:
                old = json.loads(spec.read_text())
            except ValueError:
                old = {}
            differ = sorted(
                k for k in set(old) | set(self.definition) if old.get(k) != self.definition.get(k)
            )
            if differ and any((self.folder / "cells").glob("*.json")):
                raise StoreMismatch(
                    f"{self.folder} holds the unfinished cells of another sweep (it differs "
                    f"in: {', '.join(differ)}); run that sweep again to finish it, or pass "
                    "--force (or delete the folder) to start this one"
                )
            if not differ:
                return
        _write(spec, json.dumps(self.definition, indent=1) + "\n")  # new, or no cell yet

    @staticmethod
    def is_store(folder: str | Path) -> bool:
        """Whether ``folder`` is a store (it holds a ``sweep.json``)."""
        return (Path(folder) / "sweep.json").is_file()

    def records(self) -> dict[int, dict[str, Any]]:
        """The finished cells, ``{index: record}``."""
        cells = int(self.definition["cells"])
        out: dict[int, dict[str, Any]] = {}
        for path in sorted((self.folder / "cells").glob("*.json")):
            record = json.loads(path.read_text())
            index = int(record["cell"])
            if path.stem != f"{index:06d}" or not 0 <= index < cells:
                raise StoreMismatch(f"{path} does not hold cell {path.stem} of this sweep")
            out[index] = record
        return out

    def put(self, record: Mapping[str, Any]) -> None:
        """Save one finished cell (atomically)."""
        path = self.folder / "cells" / f"{int(record['cell']):06d}.json"
        _write(path, json.dumps(record, default=str) + "\n")


def _plain(obj: Mapping[str, Any]) -> dict[str, Any]:
    """As it reads back from JSON (tuples as lists, dates as text)."""
    plain: dict[str, Any] = json.loads(json.dumps(obj, default=str))
    return plain


def _alive(pid: str) -> bool:
    """Whether process ``pid`` still runs (and so may still be writing its file)."""
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def _write(path: Path, text: str) -> None:
    write_file_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
