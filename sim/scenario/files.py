"""Reading scenario and sweep files, and changing a scenario's values by dotted path.

Errors are :class:`~sim.errors.ScenarioError`: they name the file, the field and what was
expected.
"""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path
from typing import Any

from sim.errors import Problem, ScenarioError
from sim.scenario.errors import pydantic_problems, with_line
from sim.scenario.schema import SweepFile, SweepSpec


def read_toml(path: Path) -> tuple[bytes, dict[str, Any]]:
    """A TOML file's bytes and contents; :class:`ScenarioError` naming the file otherwise."""
    if path.exists() and not path.is_dir() and not path.is_file():
        # a named pipe or a device would block the read or never end
        raise ScenarioError(str(path), [Problem("", "not a regular file")])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(
            str(path), [Problem("", f"cannot read file: {exc.strerror}")]
        ) from None
    try:
        return raw, tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError(str(path), [Problem("", "not a UTF-8 text file")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(path), [Problem("", f"TOML syntax error: {exc}")]) from None


def load_sweep_file(path: str | Path) -> SweepSpec:
    """Read a sweep file (a ``[sweep]`` table, as in a scenario) and validate it; errors
    name the file, the field and its line."""
    import pydantic

    p = Path(path)
    raw, data = read_toml(p)
    try:
        return SweepFile.model_validate(data).sweep
    except pydantic.ValidationError as exc:
        text = raw.decode("utf-8")
        problems = [with_line(problem, text) for problem in pydantic_problems(exc, SweepFile)]
        raise ScenarioError(str(p), problems) from None


def set_path(
    data: dict[str, Any], path: str, value: Any, *, merge: bool = False, source: str = "<change>"
) -> None:
    """Set ``data[a][b][c] = value`` for ``path = "a.b.c"``, and list items by index
    (``events[0].term``); tables and items along the way must exist (a typo is an error,
    not a new key). With ``merge``, a dict value updates a table."""
    steps = _steps(path, source)
    node: Any = data
    for i, step in enumerate(steps[:-1]):
        where = _where(steps[: i + 1])
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                raise ScenarioError(source, [Problem(path, f"no item {where} in the scenario")])
            node = node[step]
            continue
        if not (isinstance(node, dict) and step in node and node[step] is not None):
            raise ScenarioError(source, [Problem(path, f"no table {where!r} in the scenario")])
        if isinstance(node[step], str) and step == "strategy":  # given as a bare name
            node[step] = {"name": node[step]}
        elif not isinstance(node[step], dict | list):
            raise ScenarioError(source, [Problem(path, f"{where} is a value, not a table")])
        node = node[step]
    last = steps[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or last >= len(node):
            raise ScenarioError(source, [Problem(path, f"no item {path} in the scenario")])
        node[last] = copy.deepcopy(value)
        return
    if not isinstance(node, dict):
        raise ScenarioError(source, [Problem(path, f"{_where(steps[:-1])} is a list")])
    if steps[-2:-1] == ["strategy"] and last == "name" and node.get("name") != value:
        node.clear()  # another strategy: the old one's parameters do not apply
    if merge and isinstance(value, dict) and isinstance(node.get(last), dict):
        node[last] = {**node[last], **copy.deepcopy(value)}
    else:
        node[last] = copy.deepcopy(value)


def get_path(data: dict[str, Any], path: str, *, source: str = "<change>") -> Any:
    """The value at ``path`` (as for :func:`set_path`); a missing table or key is an
    error."""
    node: Any = data
    for i, step in enumerate(_steps(path, source)):
        where = _where(_steps(path, source)[: i + 1])
        if isinstance(step, int):
            ok = isinstance(node, list) and step < len(node)
        else:
            ok = isinstance(node, dict) and node.get(step) is not None
        if not ok:
            raise ScenarioError(source, [Problem(path, f"no value {where!r} in the scenario")])
        node = node[step]
    return node


def _steps(path: str, source: str) -> list[str | int]:
    """``"events[0].term"`` as ``["events", 0, "term"]``."""
    steps: list[str | int] = []
    for part in path.split("."):
        match = re.fullmatch(r"([^\[\]]+)((?:\[\d+\])*)", part)
        if match is None:
            raise ScenarioError(
                source, [Problem(path, "expected a dotted path such as events[0].term")]
            )
        steps.append(match[1])
        steps.extend(int(k) for k in re.findall(r"\[(\d+)\]", match[2]))
    return steps


def _where(steps: list[str | int]) -> str:
    return "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in steps).lstrip(".")
