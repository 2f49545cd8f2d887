"""Our equilibrium sets against Gambit's exact ones, on stored games.

tests/golden/gambit_equilibria.json holds every extreme equilibrium of 48 games (random,
degenerate with small integer payoffs, classics) as Gambit's ``enummixed_solve(...,
rational=True, cliques=True)`` computes them (benchmarks/gambit_golden.py wrote it), so
these tests need no pygambit.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from sim.analysis.equilibria import regret, solve

GOLDEN = json.loads((Path(__file__).parents[1] / "golden" / "gambit_equilibria.json").read_text())
GAMES = GOLDEN["games"]


def _arrays(game: dict) -> tuple[np.ndarray, np.ndarray]:
    return (np.array(game["a"], dtype=float), np.array(game["b"], dtype=float))


def _theirs(game: dict) -> set[tuple[tuple[str, ...], tuple[str, ...]]]:
    return {(tuple(r), tuple(c)) for r, c in game["equilibria"]}


def test_the_golden_file_covers_what_it_says() -> None:
    names = [g["name"] for g in GAMES]
    assert len(names) == len(set(names)) == 48
    assert sum(n.startswith("degenerate") for n in names) == 15
    assert any(len(g["equilibria"]) >= 10 for g in GAMES)
    assert all("cliques" in g for g in GAMES)  # pygambit 17 wrote it
    assert any(any(len(c) > 1 for c in g["cliques"]) for g in GAMES)
    # most games reach the enumeration (not solved by dominance alone)
    reached = [g for g in GAMES if solve(*_arrays(g), method="vertex").method == "vertex"]
    assert len(reached) >= 40


@pytest.mark.parametrize("game", GAMES, ids=[g["name"] for g in GAMES])
def test_exact_enumeration_equals_gambit(game: dict) -> None:
    a, b = _arrays(game)
    eqs = solve(a, b, method="vertex", exact=True, time_limit=None)
    assert eqs.complete and eqs.exact and not eqs.timed_out
    ours = {(e.exact[0], e.exact[1]) for e in eqs if e.exact is not None}
    assert len(ours) == len(eqs)
    assert ours == _theirs(game)
    for e in eqs:  # exact: no pure deviation gains anything, in rationals
        x = [Fraction(v) for v in e.exact[0]]
        y = [Fraction(v) for v in e.exact[1]]
        fa = [[Fraction(v) for v in row] for row in game["a"]]
        fb = [[Fraction(v) for v in row] for row in game["b"]]
        ay = [sum(fa[i][j] * y[j] for j in range(len(y))) for i in range(len(x))]
        xb = [sum(fb[i][j] * x[i] for i in range(len(x))) for j in range(len(y))]
        assert max(ay) == sum(x[i] * ay[i] for i in range(len(x)))
        assert max(xb) == sum(y[j] * xb[j] for j in range(len(y)))


@pytest.mark.parametrize("game", GAMES, ids=[g["name"] for g in GAMES])
def test_floating_point_enumeration_equals_gambit(game: dict) -> None:
    a, b = _arrays(game)
    eqs = solve(a, b, method="vertex", time_limit=None)
    assert eqs.complete and not eqs.timed_out
    theirs = sorted(
        tuple(np.round([float(Fraction(v)) for v in (*r, *c)], 9)) for r, c in _theirs(game)
    )
    ours = sorted(tuple(np.round(np.r_[e.row, e.col], 9)) for e in eqs)
    assert ours == theirs
    assert all(regret(a, b, e.row, e.col) <= 1e-9 * max(1.0, np.ptp(a), np.ptp(b)) for e in eqs)


@pytest.mark.parametrize(
    "game",
    [g for g in GAMES if any(len(c) > 1 for c in g.get("cliques", []))],
    ids=lambda g: g["name"],
)
def test_maximal_nash_subsets_equal_gambits_cliques(game: dict) -> None:
    a, b = _arrays(game)
    eqs = solve(a, b, method="vertex", exact=True, time_limit=None)
    assert eqs.degenerate
    index = {(e.exact[0], e.exact[1]): k for k, e in enumerate(eqs) if e.exact is not None}
    profiles = [(tuple(r), tuple(c)) for r, c in game["equilibria"]]
    theirs = sorted(
        tuple(sorted({index[profiles[k]] for k in clique}))
        for clique in game["cliques"]
        if len(clique) > 1
    )
    assert sorted(eqs.subsets) == theirs
    rng = np.random.default_rng(7)
    for sub in eqs.subsets:  # any mix of a subset's rows against any mix of its columns
        rows = np.array([eqs[k].row for k in sub])
        cols = np.array([eqs[k].col for k in sub])
        for _ in range(5):
            x = rng.dirichlet(np.ones(len(sub))) @ rows
            y = rng.dirichlet(np.ones(len(sub))) @ cols
            assert regret(a, b, x, y) <= 1e-9
