"""Turn pydantic validation errors into located problems a user can act on."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.errors import MAX_PROBLEMS, Problem


def format_location(loc: tuple[int | str, ...]) -> str:
    """``('players', 'CN', 'pain', 2)`` -> ``players.CN.pain[2]``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def pydantic_problems(exc: ValidationError, root: type[BaseModel]) -> list[Problem]:
    """One :class:`Problem` per pydantic error, with the file's own field names (the first
    :data:`~sim.errors.MAX_PROBLEMS`, then how many more there are)."""
    problems = []
    errors = exc.errors()
    for err in errors[:MAX_PROBLEMS]:
        loc = tuple(p for p in err["loc"] if not _is_validator_tag(p))
        is_key = "[key]" in loc  # the error is about a table's name, not its contents
        loc = tuple(p for p in loc if p != "[key]")
        where = format_location(loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            allowed = _allowed_keys(root, loc[:-1])
            hint = f"; expected one of: {', '.join(allowed)}" if allowed else ""
            msg = f"unknown key {loc[-1]!r}{hint}"
        elif kind == "missing":
            msg = "required but missing"
        else:
            msg = f"{err['msg']}, got {_short(err.get('input'))}"
        if is_key:
            msg = f"bad name: {msg}"
        problems.append(Problem(where, msg))
    if len(errors) > MAX_PROBLEMS:
        more = len(errors) - MAX_PROBLEMS
        problems.append(Problem("", f"and {more:,} more problems (fix those above first)"))
    return problems


def _is_validator_tag(part: int | str) -> bool:
    return isinstance(part, str) and part.startswith("function-")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _allowed_keys(root: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """Field names of the model found at ``loc`` under ``root`` (empty if not a model)."""
    tp: Any = root
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(str(part))
            if field is None:
                return []
            tp = field.annotation
        elif typing.get_origin(tp) in (dict, list):
            tp = typing.get_args(tp)[-1]
        else:
            return []
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return []


def _unwrap(tp: Any) -> Any:
    """Strip ``Annotated`` and ``X | None``."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_.\-\"' ]+?)\s*=")


def with_line(problem: Problem, text: str) -> Problem:
    """``problem`` with the line of the TOML ``text`` its location points at, found by
    reading table headers and keys (best effort: the deepest table or key that exists)."""
    parts = [p for p in re.split(r"[.\[\]]", problem.location) if p and not p.isdigit()]
    if not parts:
        return problem
    best: int | None = None
    table: list[str] = []
    depth = 0
    for number, raw in enumerate(text.splitlines(), 1):
        header = _HEADER.match(raw)
        if header:
            table = [k.strip().strip("\"'") for k in header.group(1).split(".")]
            if parts[: len(table)] == table and len(table) > depth:
                best, depth = number, len(table)
            continue
        key = _KEY.match(raw)
        if key:
            path = table + [k.strip().strip("\"'") for k in key.group(1).split(".")]
            if parts[: len(path)] == path and len(path) > depth:
                best, depth = number, len(path)
    return Problem(problem.location, problem.message, best) if best else problem
