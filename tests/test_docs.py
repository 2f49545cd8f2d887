"""The README's Python example runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent


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


@pytest.mark.parametrize("name", ["equilibria.md", "tournaments.md", "sweeps.md"])
def test_doctests_in_docs(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``>>>`` examples in docs/ run and print what the page says."""
    import doctest

    monkeypatch.chdir(ROOT)
    failures, tried = doctest.testfile(
        str(ROOT / "docs" / name), module_relative=False, optionflags=doctest.ELLIPSIS
    )
    assert tried > 0 and failures == 0
