"""The strategy registry: names to classes, parameter validation, and specs.

Scenario files name strategies by registry name with parameters; they never execute code.
A user's own strategy class is added from Python with :func:`register`. A *definition* is
a named strategy made of a registered kind and fixed parameters (``hard_tit_for_tat`` is a
``memory_n`` table): the shipped classics are registered definitions (:func:`define`), and
a scenario's ``[strategies]`` table makes definitions local to that scenario.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.errors import Problem, SimError
from sim.strategies.base import Facts, Seat, Strategy

_REGISTRY: dict[str, type[Strategy]] = {}
_DEFINED: dict[str, Definition] = {}


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
    if (cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls) or cls.name in _DEFINED:
        raise ValueError(f"a strategy named {cls.name!r} is already registered")
    _REGISTRY[cls.name] = cls
    return cls


def unregister(name: str) -> type[Strategy]:
    """Remove the strategy registered as ``name`` and return its class (a notebook that
    redefines a strategy class registers it again after this). A definition's name
    removes the definition and returns its kind's class."""
    cls = get(name)
    if _DEFINED.pop(name, None) is None:
        del _REGISTRY[name]
    return cls


def names() -> list[str]:
    """Registered strategy names (classes and definitions), sorted."""
    return sorted([*_REGISTRY, *_DEFINED])


def get(name: str) -> type[Strategy]:
    """The class that plays strategy ``name`` (a definition's kind for a definition)."""
    if name in _DEFINED:
        return _REGISTRY[_DEFINED[name].kind]
    try:
        return _REGISTRY[name]
    except KeyError:
        raise _unknown(name, names()) from None


def _unknown(name: str, known: list[str]) -> StrategyError:
    return StrategyError(
        [Problem("name", f"unknown strategy {name!r}; expected one of: {', '.join(known)}")]
    )


@dataclass(frozen=True)
class Definition:
    """A named strategy: a registered kind with fixed parameters, and what it is.

    Attributes
    ----------
    name : its name (in tables, in ``strategy = NAME`` and ``--strategies``)
    kind : the registered strategy class that plays it (``memory_n``, ``fsm``, ...)
    params : the kind's validated parameters
    summary : one line on what it does
    source : where it was defined (a file, or ``"python"``)
    reference : where the strategy comes from (a paper, a peer's class)
    """

    name: str
    kind: str
    params: Any
    summary: str = ""
    source: str = "python"
    reference: str = ""

    def spec(self, **changes: Any) -> StrategySpec:
        """This strategy with some parameters changed (validated like :func:`spec`)."""
        return StrategySpec(self.name, self.params, self.kind).replace(**changes)


def definition(
    name: str,
    kind: str,
    params: Mapping[str, Any],
    summary: str = "",
    source: str = "python",
    reference: str = "",
) -> Definition:
    """A definition of strategy ``name`` as ``kind`` with ``params``, validated (raises
    :class:`StrategyError` naming the parameter) but not registered."""
    if kind in _DEFINED or kind not in _REGISTRY:
        raise StrategyError(
            [
                Problem(
                    "kind",
                    f"{kind!r} is not a strategy class; expected one of: "
                    f"{', '.join(sorted(_REGISTRY))}",
                )
            ]
        )
    s = spec(kind, **params)
    return Definition(name, kind, s.params, summary or get(kind).summary, source, reference)


def definitions(
    table: Mapping[str, Mapping[str, Any]], source: str, problems: list[Problem] | None = None
) -> dict[str, Definition]:
    """The definitions of a ``[strategies]`` table, ``{NAME: {kind = ..., summary = ...,
    reference = ..., PARAM = ...}}`` (a scenario's, or the shipped classics'). Every
    problem is located at ``strategies.NAME...`` (a name taken by a registered strategy is
    one): appended to ``problems`` when given, with the good definitions returned, else
    raised as :class:`StrategyError`."""
    out: dict[str, Definition] = {}
    found: list[Problem] = []
    for name, entry in table.items():
        where = f"strategies.{name}"
        if name in _REGISTRY or name in _DEFINED:
            found.append(Problem(where, f"{name!r} is a registered strategy; choose another name"))
            continue
        params = dict(entry)
        kind, summary, reference = (params.pop(k, "") for k in ("kind", "summary", "reference"))
        if not isinstance(kind, str) or not kind:
            found.append(
                Problem(
                    f"{where}.kind",
                    "expected the name of a kind: memory_n, fsm, sequence or any strategy class",
                )
            )
            continue
        try:
            out[name] = definition(name, kind, params, str(summary), source, str(reference))
        except StrategyError as exc:
            found += [
                Problem(f"{where}.{p.location}".rstrip("."), p.message) for p in exc.problems
            ]
    if problems is not None:
        problems += found
    elif found:
        raise StrategyError(found)
    return out


def define(
    name: str,
    kind: str,
    params: Mapping[str, Any],
    summary: str = "",
    source: str = "python",
    reference: str = "",
) -> Definition:
    """Register strategy ``name`` as ``kind`` with ``params`` (see :class:`Definition`);
    ``spec(name)`` then plays it, and its parameters can still be changed there.

    >>> d = define("tft_as_table", "memory_n", {"restrain": {"*C": 1.0, "*D": 0.0}})
    >>> spec("tft_as_table").facts.retaliatory
    True
    >>> _ = unregister("tft_as_table")
    """
    d = definition(name, kind, params, summary, source, reference)
    add({name: d})
    return d


def add(found: Mapping[str, Definition]) -> None:
    """Register definitions made by :func:`definitions` (the shipped classics)."""
    for name, d in found.items():
        if name in _REGISTRY or name in _DEFINED:
            raise ValueError(f"a strategy named {name!r} is already registered")
        _DEFINED[name] = d


def defined(name: str, local: Mapping[str, Definition] | None = None) -> Definition | None:
    """The definition called ``name`` (one of ``local`` first, then the registered ones),
    or ``None`` (a class, or unknown)."""
    return (local or {}).get(name) or _DEFINED.get(name)


@dataclass(frozen=True)
class StrategySpec:
    """A registry name with validated parameters: enough to build the strategy anywhere
    (including in a worker process)."""

    name: str
    params: Any
    kind: str | None = None  # the class that plays it, when ``name`` is a definition's

    @property
    def cls(self) -> type[Strategy]:
        return get(self.kind or self.name)

    @property
    def facts(self) -> Facts:
        return self.cls.facts(self.params)

    @property
    def parts(self) -> tuple[StrategySpec, ...]:
        """The specs this one is made of: itself (a lineup has several)."""
        return (self,)

    def replace(self, **changes: Any) -> StrategySpec:
        """This strategy with some parameters changed, validated (its name is kept, also
        for a definition that is not registered here)."""
        current = {f.name: getattr(self.params, f.name) for f in dataclasses.fields(self.params)}
        s = spec(self.kind or self.name, **(current | changes))
        return StrategySpec(self.name, s.params, self.kind)

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
    :class:`StrategyError` naming the parameter and what was expected. A definition's
    name starts from its parameters.
    """
    if name in _DEFINED:
        return _DEFINED[name].spec(**params)
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
    value = cls.Params(**values)  # may raise StrategyError (checks across parameters)
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


def parse(text: str, local: Mapping[str, Definition] | None = None) -> tuple[str, StrategySpec]:
    """A strategy written as ``[LABEL=]NAME[:KEY=VALUE]...``: its label and spec.

    The label defaults to the text itself; values are read by :func:`parse_value`. ``NAME``
    may be one of the ``local`` definitions (a scenario's ``[strategies]``).

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
        return label, resolve(name, params, local)
    except StrategyError as exc:
        raise StrategyError(
            [
                Problem(f"{where}: {p.location}" if p.location else where, p.message)
                for p in exc.problems
            ]
        ) from None


def resolve(
    name: str, params: Mapping[str, Any], local: Mapping[str, Definition] | None = None
) -> StrategySpec:
    """``spec(name, **params)``, where ``name`` may also be one of the ``local``
    definitions (which come first)."""
    if local and name in local:
        return local[name].spec(**params)
    if local and name not in _REGISTRY and name not in _DEFINED:
        raise _unknown(name, sorted([*local, *names()]))
    return spec(name, **params)


def text(s: StrategySpec, local: Mapping[str, Definition] | None = None) -> str:
    """``NAME[:KEY=VALUE]...`` with the parameters that differ from the defaults (the
    inverse of :func:`parse` for specs whose values print as TOML)."""
    import json

    def shown(v: Any) -> str:
        bare = str(v).lower() if isinstance(v, bool) else str(v)
        return bare if parse_value(bare) == v else json.dumps(v, default=str)

    d = defined(s.name, local) if s.kind is not None else None
    default = d.params if d is not None else s.cls.Params()
    changed = [
        f"{f.name}={shown(v)}"
        for f in dataclasses.fields(s.params)
        if (v := getattr(s.params, f.name)) != getattr(default, f.name)
    ]
    return ":".join([s.name, *changed])


def _expected(err: Any) -> str:
    got = err.get("input")
    return f"{err['msg']} (got {got!r})"


def describe(name: str, local: Mapping[str, Definition] | None = None) -> dict[str, Any]:
    """Name, kind, summary, where it is defined, parameters (type, default, doc) and facts
    at the defaults. ``name`` may be one of the ``local`` definitions."""
    d = defined(name, local)
    cls = get(d.kind) if d is not None else get(name)
    value = d.params if d is not None else cls.Params()
    hints = typing.get_type_hints(cls.Params, include_extras=True)
    params = [
        {
            "name": f.name,
            "type": _type_name(hints[f.name]),
            "default": getattr(value, f.name),
            "doc": f.metadata.get("doc", ""),
        }
        for f in dataclasses.fields(cls.Params)
    ]
    return {
        "name": name,
        "kind": cls.name,
        "summary": d.summary if d is not None else cls.summary,
        "defined_in": d.source if d is not None else "sim (built in)",
        "reference": d.reference if d is not None else "",
        "params": params,
        "facts": cls.facts(value).as_dict(),
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
