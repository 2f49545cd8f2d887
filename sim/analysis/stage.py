"""The one-round game behind a scenario, and what the repeated game can sustain.

>>> import sim
>>> g = sim.stage_game(sim.load_scenario("scenarios/ipd.toml"))
>>> g.classify().name
'prisoners_dilemma'
>>> [(e.support(0).tolist(), e.support(1).tolist()) for e in g.pure_equilibria()]
[([1], [1])]
>>> g.critical_discount().grim_trigger, round(g.critical_discount().tit_for_tat, 4)
(0.5, 0.6667)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from sim.analysis import equilibria as eq
from sim.analysis import folk
from sim.errors import ModelError, Problem

if TYPE_CHECKING:
    import nashpy
    import pandas as pd

    from sim.model import Game
    from sim.run.scenario import Scenario

FloatArray = NDArray[np.float64]

#: Games with more cells than this are refused (two float64 matrices of 512 MiB).
MAX_CELLS = 1 << 25
#: Separator between instruments in a profile label.
SEP = " | "


@dataclass(frozen=True)
class Classification:
    """The class of the restrain-versus-escalate reduction (:data:`folk.CLASSES`)."""

    name: str
    by_player: dict[str, str]
    reductions: dict[str, folk.Reduction]


@dataclass(frozen=True)
class CriticalDiscount:
    """Critical discount factors of the reduction (literature.md section 2), per player and
    for the game (the larger of the two; ``None``: no discount factor sustains restraint),
    with the scenario's own discount factor."""

    grim_trigger: float | None
    tit_for_tat: float | None
    by_player: dict[str, dict[str, float | None]]
    discount: float
    #: Whether grim trigger's punishment, both escalating for ever, is itself an equilibrium
    #: of the reduction (``P >= S`` for both), so that its threshold is subgame perfect too.
    grim_subgame_perfect: bool

    def sustains(self, which: str) -> bool:
        """Whether the scenario's discount factor reaches the threshold of ``which``
        (``grim_trigger`` or ``tit_for_tat``)."""
        threshold = getattr(self, which)
        return threshold is not None and self.discount >= threshold


class StageGame:
    """The stage game of a scenario in one round, as two payoff matrices over the players'
    level profiles (each the product of its instruments' ladders, in C order).

    Build with :func:`stage_game`. Methods forward to plain functions over the matrices
    (:mod:`sim.analysis.equilibria`, :mod:`sim.analysis.folk`).
    """

    def __init__(
        self,
        game: Game,
        *,
        round: int = 0,
        discount: float = 1.0,
        name: str = "game",
        scenario_sha256: str | None = None,
    ) -> None:
        n0, n1 = game.profile_counts
        if n0 * n1 > MAX_CELLS:
            raise ModelError(
                [
                    Problem(
                        "players",
                        f"the stage game has {n0:,} x {n1:,} level profiles, more than "
                        f"the {MAX_CELLS:,} cells this analysis holds in memory",
                    )
                ]
            )
        self.game = game
        self.round = round
        self.discount = discount
        self.name = name
        self.scenario_sha256 = scenario_sha256
        a, b = game.payoff_matrices(game.exposure(round))
        a.flags.writeable = False
        b.flags.writeable = False
        self._a, self._b = a, b
        self._solved: dict[tuple[str, float | None, bool], eq.EquilibriumSet] = {}

    def __repr__(self) -> str:
        n0, n1 = self.shape
        return f"StageGame({self.name!r}, round={self.round}, {n0} x {n1})"

    # ------------------------------------------------------------------ structure
    @property
    def players(self) -> tuple[str, str]:
        return self.game.players

    @property
    def shape(self) -> tuple[int, int]:
        return self._a.shape[0], self._a.shape[1]

    def instruments(self, player: int) -> list[str]:
        return [self.game.instruments[j].name for j in self.game.of(player)]

    def labels(self, player: int) -> list[str]:
        """A label per level profile of ``player``: its instruments' level labels joined by
        ``" | "`` in the order of :meth:`instruments` (one instrument: the level label)."""
        return list(self._labels[player])

    @cached_property
    def _labels(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        def of(player: int) -> tuple[str, ...]:
            own = [self.game.instruments[j] for j in self.game.of(player)]
            return tuple(
                SEP.join(inst.labels[lv] for inst, lv in zip(own, prof, strict=True))
                for prof in self.game.profiles(player)
            )

        return of(0), of(1)

    @property
    def decouples(self) -> bool:
        """Whether the game changes with the round (decoupling)."""
        return self.game.decouples

    def matrices(self) -> tuple[FloatArray, FloatArray]:
        """``(a, b)``, each ``(n0, n1)``: the row player's and the column player's payoff
        when the row player plays profile ``i`` and the column player profile ``j``
        (read-only views)."""
        return self._a, self._b

    def table(self) -> pd.DataFrame:
        """Every cell as a row: both profiles (index and label) and both payoffs."""
        import pandas as pd

        n0, n1 = self.shape
        p0, p1 = self.players
        rows, cols = np.divmod(np.arange(n0 * n1), n1)
        l0, l1 = np.array(self.labels(0)), np.array(self.labels(1))
        return pd.DataFrame(
            {
                f"{p0}_profile": rows,
                f"{p1}_profile": cols,
                f"{p0}_levels": l0[rows],
                f"{p1}_levels": l1[cols],
                f"{p0}_payoff": self._a.ravel(),
                f"{p1}_payoff": self._b.ravel(),
            }
        )

    def to_nashpy(self) -> nashpy.Game:
        """The same game as a ``nashpy.Game`` (for its algorithms and learning dynamics)."""
        import nashpy

        return nashpy.Game(np.array(self._a), np.array(self._b))

    # ------------------------------------------------------------------ equilibria
    def pure_equilibria(self) -> list[eq.Equilibrium]:
        """Every pure Nash equilibrium (vectorised best-response masks), row-major."""
        return list(self.equilibria(method="pure"))

    def equilibria(
        self,
        method: str = "auto",
        time_limit: float | None = eq.TIME_LIMIT,
        *,
        exact: bool = False,
    ) -> eq.EquilibriumSet:
        """Nash equilibria, pure and mixed; see :func:`sim.analysis.equilibria.solve` for the
        methods, exact arithmetic, the time limit and what ``complete`` means. Cached per
        arguments."""
        key = (method, time_limit, exact)
        if key not in self._solved:
            self._solved[key] = eq.solve(
                self._a, self._b, method=method, exact=exact, time_limit=time_limit
            )
        return self._solved[key]

    # ------------------------------------------------------------------ repeated game
    def reductions(self) -> tuple[folk.Reduction, folk.Reduction]:
        return folk.reductions(self._a, self._b)

    def classify(self) -> Classification:
        """The class of the restrain-versus-escalate reduction: prisoners_dilemma, chicken,
        stag_hunt, deadlock, harmony or other (:data:`sim.analysis.folk.CLASSES`)."""
        name, sides = folk.classify(self._a, self._b)
        p0, p1 = self.players
        r0, r1 = self.reductions()
        return Classification(name, {p0: sides[0], p1: sides[1]}, {p0: r0, p1: r1})

    def critical_discount(self) -> CriticalDiscount:
        """Critical discount factors of grim trigger and tit-for-tat for the reduction."""
        by_player: dict[str, dict[str, float | None]] = {}
        for name, r in zip(self.players, self.reductions(), strict=True):
            by_player[name] = {
                "grim_trigger": folk.grim_trigger_threshold(r),
                "tit_for_tat": folk.tit_for_tat_threshold(r),
            }

        def game_level(which: str) -> float | None:
            values = [v[which] for v in by_player.values()]
            return (
                None if any(v is None for v in values) else max(v for v in values if v is not None)
            )

        perfect = all(r.P >= r.S for r in self.reductions())
        return CriticalDiscount(
            game_level("grim_trigger"),
            game_level("tit_for_tat"),
            by_player,
            self.discount,
            perfect,
        )

    @cached_property
    def _minmax(self) -> folk.Minmax:
        return folk.minmax(self._a, self._b)

    def minmax(self) -> folk.Minmax:
        """Each player's pure and mixed minmax value (linear programs)."""
        return self._minmax

    @cached_property
    def _region(self) -> folk.FeasibleRegion:
        return folk.feasible_region(self._a, self._b, self._minmax)

    def feasible_region(self) -> folk.FeasibleRegion:
        """The convex hull of the pure payoff pairs and its individually rational part."""
        return self._region

    def summary(self) -> dict[str, Any]:
        """Headline facts as a flat dictionary (for notebooks)."""
        cd = self.critical_discount()
        mm = self.minmax()
        return {
            "shape": self.shape,
            "class": self.classify().name,
            "grim_trigger": cd.grim_trigger,
            "tit_for_tat": cd.tit_for_tat,
            "discount": self.discount,
            "pure_equilibria": len(self.pure_equilibria()),
            "minmax_mixed": mm.mixed,
        }


def stage_game(scenario: Scenario | Game, round: int = 0) -> StageGame:
    """The stage game of ``scenario`` in round ``round`` (decoupling lowers exposure over
    rounds, so the game can change with time).

    Raises :class:`~sim.errors.ModelError` for a round outside the scenario's horizon or a
    game too large to hold.
    """
    from sim.model import Game

    if isinstance(scenario, Game):
        game, discount, name, horizon, sha = scenario, 1.0, "game", None, None
    else:
        game, sha = scenario.game, scenario.sha256
        discount, name, horizon = scenario.plan.rules.discount, scenario.name, scenario.rounds
    if round < 0 or (horizon is not None and round >= horizon):
        where = f"0..{horizon - 1}" if horizon is not None else ">= 0"
        raise ModelError([Problem("round", f"expected a round in {where}, got {round}")])
    return StageGame(game, round=round, discount=discount, name=name, scenario_sha256=sha)
