"""The fuzzer (tests/fuzz/cases.py) on 500 cases: every one accepted and run, or rejected
with exit 2 and a located message; no traceback, no hang, no NaN or inf in any file.
``benchmarks/fuzz.py`` runs 10,000."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.fuzz.cases import case, outcome

CASES = 500
CHUNK = 50


@pytest.mark.slow
@pytest.mark.parametrize("start", range(0, CASES, CHUNK))
def test_every_case_ends_well(start: int, tmp_path: Path) -> None:
    counts: Counter[str] = Counter()
    failures = []
    for i in range(start, start + CHUNK):
        c = case(i)
        folder = tmp_path / str(i)
        folder.mkdir()
        kind, problem = outcome(c, folder)
        counts[kind] += 1
        if problem is not None:
            failures.append(f"case {i} ({c.what}): {problem}")
    assert failures == []
    assert counts["accepted"] + counts["rejected"] == CHUNK


def test_the_cases_are_reproducible_and_reach_both_ends(tmp_path: Path) -> None:
    """A case is a function of its number, and the mix both runs scenarios and refuses
    them (a fuzzer whose every case is rejected at the first key tests little)."""
    assert case(123) == case(123) and case(123) != case(124)
    kinds = Counter(case(i).what.split(": ")[0] for i in range(200))
    assert len(kinds) >= 6  # every bundled scenario and the special files
    seen = Counter(
        outcome(case(i), tmp_path / str(i))[0]
        for i in range(0, 120, 3)
        if not (tmp_path / str(i)).mkdir()
    )
    assert seen["accepted"] >= 5 and seen["rejected"] >= 5, seen
