"""The scenario file reference, generated from the schema so that it cannot drift.

:func:`reference_markdown` renders every table and field of a scenario file from the JSON
Schema of :class:`~sim.scenario.schema.ScenarioFile`, the one ``escalate schema`` prints:
each field's dotted TOML path, its type, whether it is required or its default, its
constraints and its description. ``docs/scenario-reference.md`` is this page; regenerate
it with ``python -m sim.scenario.reference > docs/scenario-reference.md`` (a test keeps
the two equal).

>>> page = reference_markdown()
>>> "| `players.<name>.instruments.<name>.pain` |" in page
True
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import core_schema

from sim.scenario.schema import ScenarioFile

Node = dict[str, Any]

INTRO = """\
# Scenario file reference

Every table and field of a scenario file. This page is generated from the schema the
loader applies (`sim/scenario/schema.py`, whose JSON Schema `escalate schema` prints):
edit the schema's descriptions, not this page, and regenerate it with

    python -m sim.scenario.reference > docs/scenario-reference.md

(`tests/test_docs.py` fails when the two differ). What the fields mean in the model is
explained in [model.md](model.md) and, for truces, events and replay, in
[truces.md](truces.md). The smallest complete example is `scenarios/ipd.toml`; the
US–China scenarios comment every number with its source.

## How to read it

- **Paths.** A scenario file is TOML. A field is named by its dotted path from the top of
  the file: `simulation.rounds` is the key `rounds` of the `[simulation]` table.
  `<name>` stands for a name you choose (a player, an instrument) and `<i>` for the
  position of an item in an array of tables, from 0 (`events[0].term` is the term of the
  first `[[events]]` block). Error messages, `escalate run --set PATH=VALUE`,
  `Scenario.replace({{PATH: value}})` and `escalate sweep --grid` use the same paths.
- **Names** of players, instruments and truces start with a letter and use letters,
  digits, `_` and `-`; `both` and `none` are reserved. The pattern is
  `{name_pattern}`.
- **Types.** A *number* may be written as an integer or a float (`1` or `1.0`); an
  *integer* must be an integer (`1`, not `1.0`); a *date* is a TOML date (`2025-11-10`);
  a *table* is a `[section]` or an inline table (`{{ key = value }}`).
- **Required / default.** A field that is not required may be left out: it then takes
  the default shown; *optional* means that it is then absent (none); a table marked
  *field defaults* takes the defaults of its fields.
- **Unknown keys are errors**, except in a strategy's table, whose other keys are the
  strategy's parameters.

The schema checks each field on its own. Loading a scenario (`escalate validate`,
`sim.load_scenario`) then checks how the fields fit together, and reports every problem
with its path. For example: `gain`, `cost`, `pain` and `values` have one number per
ladder level; `gain`, `cost` and `pain` are 0 at level 0, and `cost` and `pain` are never
negative; ladders have at most 127 levels, with distinct labels; either every instrument
has `gain`, `cost` and `pain` (the additive form) or the game is given as `payoffs`
matrices (then without `base` or `interactions`); `answers` names an instrument of the
other player that no other instrument answers; events name existing players, instruments
and ladder levels and fall inside the horizon; scheduled truces do not overlap; the
negotiation gives a threshold for each player; and a strategy's parameters are those it
takes.
"""


class _WithFactoryDefaults(GenerateJsonSchema):
    """JSON Schema generation that also shows the defaults of ``default_factory`` fields
    (an empty list for ``events``), which pydantic leaves out."""

    def get_default_value(self, schema: core_schema.WithDefaultSchema) -> Any:
        factory = schema.get("default_factory")
        if factory is not None and not schema.get("default_factory_takes_data"):
            return cast(Callable[[], Any], factory)()
        return super().get_default_value(schema)


def scenario_schema() -> Node:
    """The JSON Schema of scenario files, with every default filled in."""
    return ScenarioFile.model_json_schema(schema_generator=_WithFactoryDefaults)


@dataclass
class _Row:
    path: str
    type: str
    presence: str
    constraints: str
    description: str


@dataclass
class _Section:
    heading: str
    text: str
    rows: list[_Row] = field(default_factory=list)


@dataclass(frozen=True)
class _Table:
    """A table to document: its schema node, its heading and the path of its fields."""

    node: Node
    heading: str
    prefix: str


class _Renderer:
    def __init__(self, schema: Node) -> None:
        self.defs: dict[str, Node] = schema.get("$defs", {})
        self.sections: list[_Section] = []

    def resolve(self, node: Node) -> Node:
        ref = node.get("$ref")
        return self.defs[ref.rsplit("/", 1)[1]] if isinstance(ref, str) else node

    # ---------------------------------------------------------------- tables
    def table(self, table: _Table, text: str | None = None) -> None:
        """Document ``table``'s fields, then the tables nested in it."""
        model = self.resolve(table.node)
        section = _Section(table.heading, text if text is not None else _model_text(model))
        self.sections.append(section)
        required = set(model.get("required", []))
        nested: list[_Table] = []
        for name, prop in model.get("properties", {}).items():
            path = f"{table.prefix}.{name}" if table.prefix else name
            inner = self.nested(prop, path)
            section.rows.append(self.row(path, prop, name in required, inner))
            nested += inner
        if model.get("additionalProperties") is True:
            section.rows.append(
                _Row(
                    f"{table.prefix}.<key>",
                    "any",
                    "optional",
                    "",
                    "Any other key is accepted here and checked when the scenario is loaded "
                    "(see above).",
                )
            )
        for inner_table in nested:
            self.table(inner_table)

    def nested(self, node: Node, path: str) -> list[_Table]:
        """The tables that ``node`` (the schema of the field at ``path``) holds."""
        if "$ref" in node:
            model = self.resolve(node)
            return [_Table(node, f"`[{path}]`", path)] if "properties" in model else []
        out: list[_Table] = []
        for alt in node.get("anyOf", []):
            out += self.nested(alt, path)
        if node.get("type") == "object":
            value, key = _map_value(node)
            if value is not None:
                out += self.nested(value, f"{path}.{key}")
        if node.get("type") == "array" and node.get("items"):
            items, item_path = node["items"], f"{path}[<i>]"
            if "oneOf" in items:  # a discriminated union: one table per kind
                prop = items["discriminator"]["propertyName"]
                for alt in items["oneOf"]:
                    const = self.resolve(alt)["properties"][prop]["const"]
                    heading = f"`[[{path}]]` with `{prop} = {_toml(const)}`"
                    out.append(_Table(alt, heading, item_path))
            elif "properties" in self.resolve(items):
                out.append(_Table(items, f"`[[{path}]]`", item_path))
        return out

    # ---------------------------------------------------------------- one field
    def row(self, path: str, prop: Node, required: bool, inner: list[_Table]) -> _Row:
        description = _text(prop.get("description", ""))
        if inner:
            where = ", ".join(t.heading for t in inner)
            description += f" See {where} below." if description else f"See {where} below."
        return _Row(
            path,
            self.type_name(prop),
            "required" if required else _presence(prop),
            "; ".join(self.constraints(prop)),
            description,
        )

    def type_name(self, node: Node) -> str:
        """The type of ``node`` in TOML terms, e.g. ``array of numbers``."""
        node = self.resolve(node) if "$ref" in node else node
        if "anyOf" in node:
            names = [self.type_name(a) for a in _not_null(node["anyOf"])]
            return " or ".join(dict.fromkeys(names))
        if "oneOf" in node or "properties" in node:
            return "table"
        kind = node.get("type")
        if kind == "string":
            return "date" if node.get("format") == "date" else "string"
        if kind in ("number", "integer", "boolean"):
            return str(kind)
        if kind == "array":
            items = node.get("items")
            return f"array of {self.plural(items)}" if items else "array"
        if kind == "object":
            value, _ = _map_value(node)
            return f"table of {self.plural(value)}" if value is not None else "table"
        return "any"

    def plural(self, node: Node) -> str:
        """The type of ``node`` for several values: ``numbers``, ``arrays of numbers``."""
        if "anyOf" in node:
            names = [self.plural(a) for a in _not_null(node["anyOf"])]
            return " or ".join(dict.fromkeys(names))
        head, sep, rest = self.type_name(node).partition(" of ")
        return {"any": "values"}.get(head, f"{head}s") + sep + rest

    def constraints(self, node: Node) -> list[str]:
        """What the schema requires of a value of ``node``, beyond its type."""
        node = self.resolve(node) if "$ref" in node else node
        if "anyOf" in node:
            alts = _not_null(node["anyOf"])
            parts = [(self.type_name(a), self.constraints(a)) for a in alts]
            if len(alts) == 1:
                return parts[0][1]
            return [f"{name}: {', '.join(c)}" for name, c in parts if c]
        out = []
        if "const" in node:
            out.append(f"must be `{_toml(node['const'])}`")
        if "enum" in node:
            out.append("one of " + ", ".join(f"`{_toml(v)}`" for v in node["enum"]))
        if "pattern" in node:
            out.append(f"matches `{node['pattern']}`")
        bounds = _bounds(node)
        if bounds:
            out.append(bounds)
        out += _counts(node, "minItems", "maxItems", "item")
        out += _counts(node, "minProperties", "maxProperties", "key")
        for pattern in node.get("patternProperties", {}):
            out.append(f"keys match `{pattern}`")
        value, _ = _map_value(node) if node.get("type") == "object" else (None, "")
        if value is not None and "properties" not in self.resolve(value):
            inner = self.constraints(value)
            if inner:
                out.append("each value: " + ", ".join(inner))
        items = node.get("items") if node.get("type") == "array" else None
        if items and "properties" not in self.resolve(items):
            inner = self.constraints(items)
            if inner:
                out.append("each item: " + ", ".join(inner))
        return out

    # ---------------------------------------------------------------- page
    def markdown(self, intro: str) -> str:
        parts = [intro]
        for section in self.sections:
            parts.append(f"## {section.heading}\n")
            if section.text:
                parts.append(f"{section.text}\n")
            parts.append(
                "| Key | Type | Required / default | Constraints | Description |\n"
                "|---|---|---|---|---|\n"
                + "".join(
                    f"| `{r.path}` | {_cell(r.type)} | {_cell(r.presence)} | "
                    f"{_cell(r.constraints)} | {_cell(r.description)} |\n"
                    for r in section.rows
                )
            )
        return "\n".join(parts)


def reference_markdown() -> str:
    """The scenario file reference as Markdown (``docs/scenario-reference.md``)."""
    schema = scenario_schema()
    name_pattern = next(iter(schema["properties"]["players"]["patternProperties"]))
    renderer = _Renderer(schema)
    renderer.table(
        _Table(schema, "The top level", ""),
        text="The tables of a scenario file. `scenario`, `simulation` and `players` are "
        "required; the others may be left out.",
    )
    return renderer.markdown(INTRO.format(name_pattern=name_pattern))


# -------------------------------------------------------------------- helpers
def _not_null(alternatives: list[Node]) -> list[Node]:
    return [a for a in alternatives if a.get("type") != "null"]


def _map_value(node: Node) -> tuple[Node | None, str]:
    """The schema of a map's values and the placeholder of its keys, or ``(None, "")``."""
    patterns = node.get("patternProperties")
    if patterns:
        return next(iter(patterns.values())), "<name>"
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        return extra, "<key>"
    return None, ""


def _presence(prop: Node) -> str:
    if "default" not in prop:
        return "optional"
    value = prop["default"]
    if value is None:
        return "optional"
    if isinstance(value, dict):
        return "field defaults"
    return f"default `{_toml(value)}`"


def _bounds(node: Node) -> str:
    """``0 ≤ x ≤ 1``, ``x > 0`` ... from the numeric bounds of ``node``."""
    low = (
        f"{_num(node['minimum'])} ≤ "
        if "minimum" in node
        else f"{_num(node['exclusiveMinimum'])} < "
        if "exclusiveMinimum" in node
        else ""
    )
    high = (
        f" ≤ {_num(node['maximum'])}"
        if "maximum" in node
        else f" < {_num(node['exclusiveMaximum'])}"
        if "exclusiveMaximum" in node
        else ""
    )
    if not (low or high):
        return ""
    if low and not high:  # "x ≥ 0" reads better than "0 ≤ x"
        flipped = low.replace(" ≤ ", "").replace(" < ", "")
        return f"x {'≥' if '≤' in low else '>'} {flipped}"
    return f"{low}x{high}"


def _counts(node: Node, low_key: str, high_key: str, noun: str) -> list[str]:
    low, high = node.get(low_key), node.get(high_key)
    if low is None and high is None:
        return []
    if low == high:
        return [f"exactly {low} {noun}{'s' if low != 1 else ''}"]
    if high is None:
        return [f"at least {low} {noun}{'s' if low != 1 else ''}"]
    if low is None:
        return [f"at most {high} {noun}{'s' if high != 1 else ''}"]
    return [f"{low} to {high} {noun}s"]


def _num(value: float) -> str:
    """A bound as written in a scenario: ``0``, ``0.5``, ``1000000``."""
    return str(int(value)) if float(value).is_integer() else repr(value)


def _toml(value: Any) -> str:
    """``value`` as a TOML literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    return repr(value)


def _text(raw: str) -> str:
    """A description as Markdown: one line, reStructuredText literals as code spans."""
    return re.sub(r"``(.+?)``", r"`\1`", " ".join(raw.split()))


def _model_text(model: Node) -> str:
    """A model's docstring without the table name it starts with (the heading shows it)."""
    text = _text(model.get("description", ""))
    text = re.sub(r"^`[^`]+`: ", "", text)
    return text[:1].upper() + text[1:]


def _cell(text: str) -> str:
    return text.replace("|", "\\|") if text else ""


def main() -> None:
    """Print the page (``python -m sim.scenario.reference``)."""
    sys.stdout.write(reference_markdown())


if __name__ == "__main__":
    main()
