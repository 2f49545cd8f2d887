"""The docs run and stay true: the README's Python example, every ``>>>`` example in docs/,
the generated scenario file reference, the index of docs/ and CITATION.cff."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import sim

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
REFERENCE = DOCS / "scenario-reference.md"


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.DOTALL)


def test_readme_python_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks(ROOT / "README.md")
    assert blocks, "the README has a Python example"
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    assert isinstance(namespace["res"], object)
    summary = namespace["res"].summary()  # type: ignore[attr-defined]
    assert isinstance(summary, pd.DataFrame)
    assert "payoff.US.mean" in set(summary["metric"])
    sc3 = namespace["sc3"]
    assert sc3.data.players["CN"].strategy.name == "tit_for_tat"  # type: ignore[attr-defined]


# Every page with an example, found anew on each run: a new page is covered without a list.
DOCTEST_PAGES = sorted(p for p in DOCS.rglob("*.md") if ">>>" in p.read_text())


def test_docs_have_examples() -> None:
    assert len(DOCTEST_PAGES) >= 3


@pytest.mark.parametrize("page", DOCTEST_PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_doctests_in_docs(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``>>>`` examples of a docs page run, from the repository root, and print what
    the page says."""
    import doctest

    monkeypatch.chdir(ROOT)
    failures, tried = doctest.testfile(
        str(page), module_relative=False, optionflags=doctest.ELLIPSIS
    )
    assert tried > 0 and failures == 0


def test_docs_index_lists_every_page() -> None:
    """docs/README.md links every other page of docs/, and only pages that exist."""
    index = (DOCS / "README.md").read_text()
    linked = set(re.findall(r"\]\(([^)#]+)\)", index))
    pages = {
        str(p.relative_to(DOCS))
        for p in DOCS.rglob("*")
        if p.is_file() and p.suffix in (".md", ".json") and p.name != "README.md"
    }
    assert pages <= linked, f"docs/README.md does not link {sorted(pages - linked)}"
    missing = sorted(link for link in linked if not (DOCS / link).exists())
    assert not missing, f"docs/README.md links pages that do not exist: {missing}"


# -------------------------------------------------------------- the scenario file reference
def test_scenario_reference_is_up_to_date() -> None:
    from sim.scenario.reference import reference_markdown

    assert REFERENCE.read_text() == reference_markdown(), (
        "docs/scenario-reference.md is out of date with the scenario schema; regenerate it "
        "with: python -m sim.scenario.reference > docs/scenario-reference.md"
    )


def _schema_fields(node: dict[str, Any], defs: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Every field of a JSON Schema by its dotted path (``<name>`` for a map's keys,
    ``[<i>]`` for an array's items), with its schema."""
    if "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
    out: dict[str, Any] = {}
    for alt in node.get("anyOf", []) + node.get("oneOf", []):
        out |= _schema_fields(alt, defs, prefix)
    for name, prop in node.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        out[path] = prop
        out |= _schema_fields(prop, defs, path)
    for value in node.get("patternProperties", {}).values():
        out |= _schema_fields(value, defs, f"{prefix}.<name>")
    if isinstance(node.get("additionalProperties"), dict):
        out |= _schema_fields(node["additionalProperties"], defs, f"{prefix}.<key>")
    if isinstance(node.get("items"), dict):
        out |= _schema_fields(node["items"], defs, f"{prefix}[<i>]")
    return out


def test_scenario_reference_has_every_schema_field() -> None:
    """Every field of the JSON Schema that ``escalate schema`` prints has a row in the page
    (its dotted path in the first column) and a description to show there."""
    from sim.scenario.schema import ScenarioFile

    schema = ScenarioFile.model_json_schema()
    fields = _schema_fields(schema, schema["$defs"], "")
    rows = set(re.findall(r"^\| `([^`]+)` \|", REFERENCE.read_text(), flags=re.MULTILINE))
    assert len(fields) > 50
    missing = sorted(set(fields) - rows)
    assert not missing, f"docs/scenario-reference.md has no row for {missing}"
    undescribed = sorted(path for path, prop in fields.items() if not prop.get("description"))
    assert not undescribed, f"give these fields a description in the schema: {undescribed}"


def test_scenario_reference_module_prints_the_page() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "sim.scenario.reference"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == REFERENCE.read_text()


# -------------------------------------------------------------- CITATION.cff
def test_citation_file() -> None:
    """CITATION.cff is valid YAML with the keys CFF 1.2.0 requires, and cites this version."""
    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert {"cff-version", "message", "title", "authors"} <= set(cff)
    assert cff["cff-version"] == "1.2.0"
    assert cff["type"] == "software"
    assert cff["version"] == sim.__version__
    assert cff["license"] == "MIT"
    assert all("name" in a or "family-names" in a for a in cff["authors"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(cff["date-released"]))
