"""Write tests/golden/gambit_equilibria.json: every extreme Nash equilibrium of a set of
stored bimatrix games, in exact rationals, as Gambit computes them (``enummixed`` with
``rational=True``, and with pygambit 17 its cliques: the maximal sets of extreme
equilibria every mix of which is an equilibrium). The tests compare this project's
vertex enumeration with it, so the default test run needs neither pygambit nor its
compiler.

The games: seeded random games with payoffs of two decimals (3 x 3 to 8 x 8, and
rectangular ones), degenerate games with small integer payoffs (many ties), and classics
(the prisoner's dilemma, matching pennies, battle of the sexes, a game with a continuum of
equilibria). Payoffs are written as decimal strings; both sides read them exactly.

    pip install -e ".[gambit]"   # pygambit (16.x builds from source; 17 ships wheels)
    python benchmarks/gambit_golden.py [--out tests/golden/gambit_equilibria.json]
"""

from __future__ import annotations

import argparse
import json
import time
from fractions import Fraction
from importlib.metadata import version
from pathlib import Path

import numpy as np

SEED = 20251110


def stored_games() -> list[tuple[str, list[list[str]], list[list[str]]]]:
    """``(name, a, b)`` with payoffs as decimal strings."""
    rng = np.random.default_rng(SEED)
    out: list[tuple[str, list[list[str]], list[list[str]]]] = []

    def dec(u: np.ndarray) -> list[list[str]]:
        return [[f"{v:.2f}" for v in row] for row in u]

    def ints(u: np.ndarray) -> list[list[str]]:
        return [[str(int(v)) for v in row] for row in u]

    for shape in [(3, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, 8), (3, 6), (6, 4), (2, 8)]:
        for k in range(3):
            a, b = rng.random(shape), rng.random(shape)
            out.append((f"random {shape[0]}x{shape[1]} #{k}", dec(a), dec(b)))
    for shape, top in [((3, 3), 2), ((4, 4), 3), ((5, 5), 2), ((6, 6), 3), ((4, 7), 2)]:
        for k in range(3):
            a, b = rng.integers(0, top + 1, shape), rng.integers(0, top + 1, shape)
            out.append((f"degenerate {shape[0]}x{shape[1]} 0..{top} #{k}", ints(a), ints(b)))
    classics = {
        "prisoner's dilemma": ([[3, 0], [5, 1]], [[3, 5], [0, 1]]),
        "matching pennies": ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]]),
        "battle of the sexes": ([[2, 0], [0, 1]], [[1, 0], [0, 2]]),
        "a tie in the row player's payoffs": ([[1, 1], [0, 2]], [[2, 2], [3, 0]]),
        "all zero 3x3": ([[0] * 3] * 3, [[0] * 3] * 3),
        "rock paper scissors": (
            [[0, -1, 1], [1, 0, -1], [-1, 1, 0]],
            [[0, 1, -1], [-1, 0, 1], [1, -1, 0]],
        ),
    }
    for name, (a, b) in classics.items():
        out.append((name, ints(np.array(a)), ints(np.array(b))))
    return out


def main() -> None:
    import pygambit as gbt

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("tests/golden/gambit_equilibria.json"))
    args = parser.parse_args()
    records = []
    for name, a, b in stored_games():
        fa = np.array([[Fraction(v) for v in row] for row in a], dtype=object)
        fb = np.array([[Fraction(v) for v in row] for row in b], dtype=object)
        game = getattr(gbt, "StrategicGame", gbt.Game).from_arrays(fa, fb)  # 17 / 16
        start = time.perf_counter()
        with_cliques = int(version("pygambit").split(".")[0]) >= 17
        if not with_cliques:
            raise SystemExit("pygambit 17 or newer is needed (its enummixed lists cliques)")
        kwargs = {"cliques": True} if with_cliques else {}
        result = gbt.nash.enummixed_solve(game, rational=True, **kwargs)
        seconds = time.perf_counter() - start

        def profile(
            eq: object, game: object = game, with_cliques: bool = with_cliques
        ) -> list[list[str]]:
            if with_cliques:  # pygambit 17: profiles are read by player and strategy label
                return [
                    [str(Fraction(str(eq[pl][st]))) for st in game.get_strategies(pl)]  # type: ignore[attr-defined,index]
                    for pl in game.players  # type: ignore[attr-defined]
                ]
            return [
                [str(Fraction(str(eq[st]))) for st in pl.strategies]  # type: ignore[index]
                for pl in game.players
            ]  # type: ignore[attr-defined]

        eqs = [profile(eq) for eq in result.equilibria]
        record = {"name": name, "a": a, "b": b, "equilibria": eqs}
        if with_cliques:
            record["cliques"] = sorted(
                sorted(eqs.index(profile(eq)) for eq in clique) for clique in result.cliques
            )
        records.append(record)
        print(f"{name:48s} {len(eqs):4d} equilibria  {seconds:.3f} s")
    doc = {
        "generator": "benchmarks/gambit_golden.py",
        "pygambit": version("pygambit"),
        "method": "pygambit.nash.enummixed_solve(game, rational=True, cliques=True)",
        "games": records,
    }
    args.out.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {args.out} ({len(records)} games)")


if __name__ == "__main__":
    main()
