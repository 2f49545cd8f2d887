"""Results folders, written atomically: the manifest and summary documents, JSON and CSV
conventions, and the check and rename every folder writer uses (the run's own folder is
:mod:`sim.report.run_out`).

The folder is assembled in a hidden sibling directory and renamed into place, so a reader
never sees a half-written folder; an existing folder is only replaced with ``force``.
"""

from __future__ import annotations

import datetime as dt
import errno
import importlib.metadata
import json
import math
import os
import platform
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim._version import __version__
from sim.errors import SimError
from sim.run.result import Result
from sim.stats.streams import STREAM_UNIT

if TYPE_CHECKING:
    from sim.run.scenario import Scenario

#: Floats in CSV tables: 12 significant digits (binary noise such as 2.8940300000000003
#: would otherwise show).
FLOAT = "%.12g"

#: Dependencies whose versions go into every manifest.
TRACKED = (
    "numpy",
    "scipy",
    "pandas",
    "matplotlib",
    "pydantic",
    "typer",
    "rich",
    "nashpy",
)


class OutputExistsError(SimError, FileExistsError):
    """The results folder exists and ``force`` was not given."""


class OutputWriteError(SimError, OSError):
    """The results folder could not be written (a read-only or full disk); whatever was
    there before is kept."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - another user's process
        return True
    return True


#: A file in every folder being written (``.<name>.tmp-<pid>``), so that only this tool's
#: half-written folders are ever removed.
WRITING = ".escalation-sim-writing"


def recover_interrupted(out: Path) -> None:
    """Tidy up after a writer of ``out`` that was killed (SIGKILL, a power cut): remove its
    half-written ``.<name>.tmp-<pid>`` folder (it holds :data:`WRITING`), and put back the
    previous results it had moved aside (``.<name>.old-<pid>``, a results folder of this
    tool) when it died before the new ones were in place. Only exact sibling names of
    ``out`` of a process that is no longer running are touched."""
    if not out.parent.is_dir():
        return
    pattern = re.compile(re.escape(f".{out.name}.") + r"(tmp|old)-(\d+)")
    for sibling in sorted(out.parent.iterdir()):
        match = pattern.fullmatch(sibling.name)
        if match is None or sibling.is_symlink() or not sibling.is_dir():
            continue
        if _alive(int(match[2])):
            continue
        if match[1] == "tmp" and (sibling / WRITING).exists():
            shutil.rmtree(sibling, ignore_errors=True)
        elif match[1] == "old" and _ours(sibling) and not out.exists() and not out.is_symlink():
            os.replace(sibling, out)


def versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "escalation-sim": __version__}
    for name in TRACKED:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _clean(value: Any) -> Any:
    """JSON-safe: NaN and infinities become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def dump_json(obj: Any) -> str:
    return json.dumps(_clean(obj), indent=1, sort_keys=False, default=str) + "\n"


def summary_document(result: Result) -> dict[str, Any]:
    sc = result.scenario
    return {
        "scenario": sc.name,
        "scenario_sha256": sc.sha256,
        "seed": result.seed,
        "matches": result.matches_count,
        "rounds": result.rounds_count,
        "players": list(sc.players),
        "payoff_unit": sc.data.scenario.payoff_unit,
        "metrics": result.metrics(),
    }


def scenario_document(sc: Scenario) -> dict[str, Any]:
    """A manifest's account of the scenario: name, file, hashes, changes, resolved values."""
    return {
        "name": sc.name,
        "source": sc.source,
        "source_sha256": sc.source_sha256,
        "sha256": sc.sha256,
        "changes": list(sc.changes),
        "resolved": json.loads(sc.to_json()),
    }


def command_manifest(
    command: list[str],
    started: dt.datetime,
    files: list[str],
    fields: dict[str, Any],
    *,
    extra_versions: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The manifest of a command's results folder: the tool, its version and the command
    line, then ``fields`` in their order, then when it started and finished (now), the
    dependencies' versions (with ``extra_versions``) and the files."""
    return {
        "tool": "escalation-sim",
        "version": __version__,
        "command": command,
        **fields,
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "versions": {**versions(), **(extra_versions or {})},
        "files": files,
    }


def manifest_document(
    result: Result, command: list[str], started: dt.datetime, files: list[str]
) -> dict[str, Any]:
    """The manifest of ``escalate run``'s folder."""
    fields = {
        "scenario": scenario_document(result.scenario),
        "seed": result.seed,
        "matches": result.matches_count,
        "rounds": result.rounds_count,
        "stream_unit": STREAM_UNIT,
        "workers": result.info.get("workers"),
        "block_size": result.info.get("block_size"),
        "simulation_seconds": result.info.get("seconds"),
    }
    return command_manifest(command, started, files, fields)


def check_output(out: Path | str, *, force: bool = False) -> Path:
    """Check that ``out`` may receive a results folder; return it as an absolute path.

    Refused (:class:`OutputExistsError`): the current folder or one containing it, a
    symbolic link, and an existing file or folder unless ``force``; with ``force``, only
    a file, an empty folder or a folder this tool wrote (it holds an escalation-sim
    ``manifest.json``) is replaced, never any other folder.
    """
    out = Path(out).absolute()
    recover_interrupted(out)
    if out.is_symlink():
        raise OutputExistsError(f"{out} is a symbolic link; give the folder itself")
    if Path.cwd().resolve().is_relative_to(out.resolve()):
        raise OutputExistsError(
            f"{out} is the current folder or contains it; choose a results folder of its own"
        )
    if not out.exists():
        return out
    if not force:
        raise OutputExistsError(f"{out} already exists; pass --force to replace it")
    if out.is_dir() and any(out.iterdir()) and not _ours(out):
        raise OutputExistsError(
            f"{out} is a folder this tool did not write (no escalation-sim manifest.json); "
            "--force only replaces results folders"
        )
    return out


def _ours(folder: Path) -> bool:
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("tool") == "escalation-sim"


def write_file_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Write the file ``path`` by calling ``write(tmp)`` on a temporary sibling, flushing it
    to disk and renaming it: a reader, or a later run after a crash, sees the old file or
    the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomically(out: Path, fill: Callable[[Path], None], *, force: bool = False) -> None:
    """Create directory ``out`` by calling ``fill(tmp)`` on a temporary sibling and renaming.

    ``out`` is checked with :func:`check_output`. If ``fill`` or the final rename fails,
    whatever was at ``out`` stays as it was and the temporary folder is removed.
    """
    out = check_output(out, force=force)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        (tmp / WRITING).touch()
        fill(tmp)
        (tmp / WRITING).unlink()
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError) and _disk_error(exc):
            raise _write_error(out, exc) from None
        raise
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    moved = False
    try:
        if out.exists():
            os.replace(out, old)
            moved = True
        os.replace(tmp, out)
    except BaseException as exc:
        if moved:
            os.replace(old, out)
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError) and _disk_error(exc):
            raise _write_error(out, exc) from None
        raise
    if old.is_dir():
        shutil.rmtree(old, ignore_errors=True)
    else:
        old.unlink(missing_ok=True)


#: What a disk says when a folder cannot be written: full, read-only, no permission.
DISK_ERRORS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT, errno.EIO}


def _disk_error(exc: OSError) -> bool:
    return not isinstance(exc, SimError) and exc.errno in DISK_ERRORS


def _write_error(out: Path, exc: OSError) -> OutputWriteError:
    reason = exc.strerror or str(exc)
    kept = "; the previous results are kept" if out.exists() else ""
    return OutputWriteError(f"cannot write the results folder {out}: {reason}{kept}")
