"""The strategy registry: names to classes, parameter validation, and specs.

Scenario files name strategies by registry name with parameters; they never execute code.
A user's own strategy class is added from Python with :func:`register`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any

from sim.errors import Problem, SimError
from sim.strategies.base import Facts, Seat, Strategy

_REGISTRY: dict[str, type[Strategy]] = {}


class StrategyError(SimError, ValueError):
    """An unknown strategy name or bad parameters; carries located problems."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, e.g. from a worker process
        return type(self), (self.problems,)


def register(cls: type[Strategy]) -> type[Strategy]:
    """Add a strategy class to the registry (usable as a class decorator).

    The class needs ``name``, ``summary``, a frozen dataclass ``Params``, ``facts`` and
    ``decide``. Registering a second class under a taken name is an error.
    """
    if not dataclasses.is_dataclass(cls.Params):
        raise TypeError(f"{cls.__name__}.Params must be a dataclass")
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"a strategy named {cls.name!r} is already registered")
    _REGISTRY[cls.name] = cls
    return cls


def unregister(name: str) -> type[Strategy]:
    """Remove the strategy registered as ``name`` and return its class (a notebook that
    redefines a strategy class registers it again after this)."""
    cls = get(name)
    del _REGISTRY[name]
    return cls


def names() -> list[str]:
    """Registered strategy names, sorted."""
    return sorted(_REGISTRY)


def get(name: str) -> type[Strategy]:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise StrategyError(
            [Problem("name", f"unknown strategy {name!r}; expected one of: {', '.join(names())}")]
        ) from None


@dataclass(frozen=True)
class StrategySpec:
    """A registry name with validated parameters: enough to build the strategy anywhere
    (including in a worker process)."""

    name: str
    params: Any

    @property
    def cls(self) -> type[Strategy]:
        return get(self.name)

    @property
    def facts(self) -> Facts:
        return self.cls.facts(self.params)

    @property
    def parts(self) -> tuple[StrategySpec, ...]:
        """The specs this one is made of: itself (a lineup has several)."""
        return (self,)

    def build(self, seat: Seat, n: int, *, start: int = 0) -> Strategy:
        """The strategy for a batch of ``n`` matches, the first with global index ``start``
        (which only a lineup uses)."""
        return self.cls(self.params, seat, n)

    def as_dict(self) -> dict[str, Any]:
        """Name and every parameter, as JSON-ready data (dates as ISO strings)."""
        import pydantic

        params = pydantic.TypeAdapter(type(self.params)).dump_python(self.params, mode="json")
        return {"name": self.name, **params}


def spec(name: str, /, **params: Any) -> StrategySpec:
    """Validate ``params`` for strategy ``name`` and return its spec.

    Unknown parameters and values of the wrong type or out of range raise
    :class:`StrategyError` naming the parameter and what was expected.
    """
    cls = get(name)
    fields = {f.name for f in dataclasses.fields(cls.Params)}
    unknown = sorted(set(params) - fields)
    if unknown:
        raise StrategyError(
            [
                Problem(
                    k,
                    f"unknown parameter of {name}; expected one of: "
                    f"{', '.join(sorted(fields)) or '(none)'}",
                )
                for k in unknown
            ]
        )
    import pydantic

    hints = typing.get_type_hints(cls.Params, include_extras=True)
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, raw in params.items():
        try:
            values[key] = pydantic.TypeAdapter(hints[key]).validate_python(raw, strict=True)
        except pydantic.ValidationError as exc:
            problems += [Problem(key, _expected(e)) for e in exc.errors()[:1]]
    if problems:
        raise StrategyError(problems)
    value = cls.Params(**values)
    return StrategySpec(name, value)


def parse_value(raw: str) -> Any:
    """A value written on the command line: a TOML value (``0.5``, ``true``, ``[1, 2]``,
    ``"x"``), or the text itself when it is not one (``tit_for_tat``)."""
    import tomllib

    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def split_items(text: str) -> list[str]:
    """Split at commas outside brackets and quotes, stripping each item (``a:x=[1, 2],b``
    is two items; ``'"a,b", c'`` too)."""
    items, depth, quote, current = [], 0, "", ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(current.strip())
            current = ""
            continue
        current += ch
    items.append(current.strip())
    return items


def parse(text: str) -> tuple[str, StrategySpec]:
    """A strategy written as ``[LABEL=]NAME[:KEY=VALUE]...``: its label and spec.

    The label defaults to the text itself; values are read by :func:`parse_value`.

    >>> parse("nsf-half=never_strike_first:ratio=0.5")[1].params.ratio
    0.5
    >>> parse("generous_tit_for_tat:g=0.1")[0]
    'generous_tit_for_tat:g=0.1'
    """
    text = text.strip()
    head, *pairs = text.split(":")
    label, sep, name = head.partition("=")
    if not sep:
        label, name = text, head
    label, name = label.strip(), name.strip()
    where = f"strategy {text!r}"
    if not name or not label:
        raise StrategyError([Problem(where, "expected [LABEL=]NAME[:KEY=VALUE]...")])
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise StrategyError([Problem(where, f"{pair!r}: expected KEY=VALUE")])
        params[key.strip()] = parse_value(raw.strip())
    try:
        return label, spec(name, **params)
    except StrategyError as exc:
        raise StrategyError(
            [
                Problem(f"{where}: {p.location}" if p.location else where, p.message)
                for p in exc.problems
            ]
        ) from None


def text(s: StrategySpec) -> str:
    """``NAME[:KEY=VALUE]...`` with the parameters that differ from the defaults (the
    inverse of :func:`parse` for specs whose values print as TOML)."""
    import json

    def shown(v: Any) -> str:
        bare = str(v).lower() if isinstance(v, bool) else str(v)
        return bare if parse_value(bare) == v else json.dumps(v, default=str)

    default = s.cls.Params()
    changed = [
        f"{f.name}={shown(v)}"
        for f in dataclasses.fields(s.params)
        if (v := getattr(s.params, f.name)) != getattr(default, f.name)
    ]
    return ":".join([s.name, *changed])


def _expected(err: Any) -> str:
    got = err.get("input")
    return f"{err['msg']} (got {got!r})"


def describe(name: str) -> dict[str, Any]:
    """Name, summary, parameters (type, default, doc) and facts at the defaults."""
    cls = get(name)
    hints = typing.get_type_hints(cls.Params, include_extras=True)
    params = []
    for f in dataclasses.fields(cls.Params):
        params.append(
            {
                "name": f.name,
                "type": _type_name(hints[f.name]),
                "default": f.default
                if f.default is not dataclasses.MISSING
                else f.default_factory()
                if f.default_factory is not dataclasses.MISSING
                else None,
                "doc": f.metadata.get("doc", ""),
            }
        )
    return {
        "name": cls.name,
        "summary": cls.summary,
        "params": params,
        "facts": cls.facts(cls.Params()).as_dict(),
    }


def parameter_type(cls: type[Strategy], name: str) -> type:
    """The base type of parameter ``name`` of strategy ``cls`` (``int`` for
    ``Annotated[int, Ge(1)] | None``): its annotation without metadata and ``None``."""
    tp = typing.get_type_hints(cls.Params, include_extras=True)[name]
    while True:
        if typing.get_origin(tp) is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif typing.get_origin(tp) in (typing.Union, types.UnionType):
            tp = next(a for a in typing.get_args(tp) if a is not type(None))
        else:
            return tp if isinstance(tp, type) else object


def _type_name(tp: Any) -> str:
    if typing.get_origin(tp) is typing.Annotated:
        base, *meta = typing.get_args(tp)
        bounds = [_bound(m) for m in meta if type(m).__module__.startswith("annotated_types")]
        return _type_name(base) + (f" {' '.join(bounds)}" if bounds else "")
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return " | ".join(_type_name(a) for a in typing.get_args(tp))
    if typing.get_origin(tp) is typing.Literal:
        return " | ".join(repr(a) for a in typing.get_args(tp))
    return "None" if tp is type(None) else getattr(tp, "__name__", str(tp))


def _bound(m: Any) -> str:
    ops = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
    return " ".join(
        f"{op}{getattr(m, k)}" for k, op in ops.items() if getattr(m, k, None) is not None
    )
