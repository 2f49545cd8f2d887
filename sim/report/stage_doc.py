"""The stage-game report as a documented structure: what ``escalate equilibria --json``
prints and what ``stage_game.json`` holds.

The structure is a pydantic model, so it is validated when built, its JSON Schema is
published (``StageReport.model_json_schema()``, documented in ``docs/equilibria.md``),
and scripts can read the output back with ``StageReport.model_validate_json``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from sim._version import __version__
from sim.analysis import folk
from sim.analysis.equilibria import DESCRIPTION

if TYPE_CHECKING:
    from sim.analysis.equilibria import Equilibrium, EquilibriumSet
    from sim.analysis.stage import StageGame
    from sim.run.scenario import Scenario

#: Games with at most this many cells carry their matrices in the report and print them.
INLINE_CELLS = 256
#: At most this many profiles of a support are listed per player when printing.
SHOWN = 8


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Played(_Doc):
    """One level profile in an equilibrium strategy."""

    profile: int = Field(description="Index of the level profile (C order over instruments).")
    levels: str = Field(description="Its instruments' level labels joined by ' | '.")
    probability: float = Field(ge=0, le=1)
    exact: str | None = Field(None, description="The probability as 'p/q' from exact methods.")


class EquilibriumDoc(_Doc):
    pure: bool
    strategies: dict[str, list[Played]] = Field(
        description="Per player, the profiles it plays with positive probability."
    )
    payoffs: dict[str, float] = Field(description="Expected payoff per player.")
    regret: float = Field(
        ge=0, description="Largest gain from a pure deviation (the best-response check)."
    )


class EquilibriaDoc(_Doc):
    method: str = Field(
        description="What answered: pure, dominance, vertex, lemke-howson or "
        "vertex+lemke-howson (the enumeration ran out of time)."
    )
    description: str
    complete: bool = Field(
        description="All extreme equilibria are listed: the enumeration finished (a proof "
        "when exact is true; up to floating-point rounding otherwise)."
    )
    exact: bool = Field(description="Mixed equilibria computed in rational arithmetic.")
    degenerate: bool = Field(description="A witness of degeneracy was seen.")
    subsets: list[list[int]] = Field(
        default_factory=list,
        description="Maximal Nash subsets of a degenerate game, as indices into "
        "equilibria: every mix of a subset's row strategies with its column strategies "
        "is an equilibrium.",
    )
    timed_out: bool
    seconds: float
    reduced: dict[str, int] = Field(
        description="Profiles per player left after iterated strict dominance."
    )
    notes: list[str]
    count: int
    pure_count: int
    equilibria: list[EquilibriumDoc]


class SideDoc(_Doc):
    R: float
    S: float
    T: float
    P: float
    class_: str = Field(alias="class", description="This side's ordinal class.")


class ClassificationDoc(_Doc):
    class_: str = Field(
        alias="class", description="One of: " + ", ".join([*folk.CLASSES, "other"])
    )
    by_player: dict[str, SideDoc]
    definitions: dict[str, str] = Field(description="The ordinal definitions used.")


class DiscountDoc(_Doc):
    """Critical discount factors of the restrain-versus-escalate reduction (Nash
    thresholds against each player's best deviation; null: no discount factor below 1)."""

    grim_trigger: float | None = Field(
        description="(T-R)/(T-max(P,S)), the larger of the players'; null: never sustained."
    )
    tit_for_tat: float | None = Field(
        description="max((T-R)/(T-P), (T-R)/(R-S)), the larger of the players'; null: never."
    )
    by_player: dict[str, dict[str, float | None]]
    grim_subgame_perfect: bool = Field(
        description="Both escalating for ever is an equilibrium of the reduction (P >= S for "
        "both), so grim trigger's threat is credible and its threshold subgame perfect."
    )
    scenario_discount: float = Field(description="The scenario's [simulation] discount.")
    sustains: dict[str, bool] = Field(
        description="Whether the scenario's discount factor reaches each threshold."
    )


class MinmaxDoc(_Doc):
    pure: dict[str, float]
    mixed: dict[str, float]


class FeasibleDoc(_Doc):
    vertices: list[tuple[float, float]] = Field(description="Hull, counter-clockwise.")
    individually_rational: list[tuple[float, float]]
    minmax: tuple[float, float]
    cooperative: tuple[float, float] = Field(description="Both players at baseline.")
    nash: list[tuple[float, float]] = Field(description="Payoffs of the equilibria listed.")


class MatricesDoc(_Doc):
    shape: tuple[int, int]
    min: dict[str, float]
    max: dict[str, float]
    file: str | None = Field(None, description="CSV with every cell, when one was written.")
    payoffs: dict[str, list[list[float]]] | None = Field(
        None,
        description=f"Per player, the matrix (rows: first player); up to {INLINE_CELLS} cells.",
    )


class StageReport(_Doc):
    """The whole report."""

    tool: str = "escalation-sim"
    version: str = __version__
    scenario: str
    scenario_sha256: str | None
    round: int
    date: str | None = Field(description="Calendar date of the round, when the scenario has one.")
    decouples: bool = Field(description="Whether the game changes with the round.")
    players: list[str]
    instruments: dict[str, list[str]]
    profiles: dict[str, list[str]] = Field(description="Per player, the label of each profile.")
    matrices: MatricesDoc
    equilibria: EquilibriaDoc
    classification: ClassificationDoc
    critical_discount: DiscountDoc
    minmax: MinmaxDoc
    feasible: FeasibleDoc


def _played(stage: StageGame, e: Equilibrium, p: int) -> list[Played]:
    probs = e.row if p == 0 else e.col
    labels = stage.labels(p)
    exact = None if e.exact is None else e.exact[p]
    return [
        Played(
            profile=int(i),
            levels=labels[i],
            probability=float(probs[i]),
            exact=None if exact is None else exact[i],
        )
        for i in e.support(p)
    ]


def stage_report(
    stage: StageGame,
    eqs: EquilibriumSet,
    *,
    scenario: Scenario | None = None,
    matrices_file: str | None = None,
) -> StageReport:
    """Build the report of ``stage`` with the equilibria ``eqs``."""
    p0, p1 = stage.players
    a, b = stage.matrices()
    n0, n1 = stage.shape
    cls = stage.classify()
    cd = stage.critical_discount()
    mm = stage.minmax()
    region = stage.feasible_region()
    date = None
    if scenario is not None and scenario.plan.calendar is not None:
        date = scenario.plan.calendar.date_of(stage.round).isoformat()
    return StageReport(
        scenario=stage.name,
        scenario_sha256=None if scenario is None else scenario.sha256,
        round=stage.round,
        date=date,
        decouples=stage.decouples,
        players=[p0, p1],
        instruments={p0: stage.instruments(0), p1: stage.instruments(1)},
        profiles={p0: stage.labels(0), p1: stage.labels(1)},
        matrices=MatricesDoc(
            shape=(n0, n1),
            min={p0: float(a.min()), p1: float(b.min())},
            max={p0: float(a.max()), p1: float(b.max())},
            file=matrices_file,
            payoffs={p0: a.tolist(), p1: b.tolist()} if n0 * n1 <= INLINE_CELLS else None,
        ),
        equilibria=EquilibriaDoc(
            method=eqs.method,
            description=describe(eqs.method),
            complete=eqs.complete,
            exact=eqs.exact,
            degenerate=eqs.degenerate,
            subsets=[list(sub) for sub in eqs.subsets],
            timed_out=eqs.timed_out,
            seconds=eqs.seconds,
            reduced={p0: eqs.reduced[0], p1: eqs.reduced[1]},
            notes=list(eqs.notes),
            count=len(eqs),
            pure_count=len(eqs.pure),
            equilibria=[
                EquilibriumDoc(
                    pure=e.pure,
                    strategies={p0: _played(stage, e, 0), p1: _played(stage, e, 1)},
                    payoffs={p0: e.payoffs[0], p1: e.payoffs[1]},
                    regret=max(0.0, e.regret),
                )
                for e in eqs
            ],
        ),
        classification=ClassificationDoc(
            class_=cls.name,
            by_player={
                name: SideDoc(class_=cls.by_player[name], **cls.reductions[name].as_dict())
                for name in (p0, p1)
            },
            definitions=dict(folk.CLASSES),
        ),
        critical_discount=DiscountDoc(
            grim_trigger=cd.grim_trigger,
            tit_for_tat=cd.tit_for_tat,
            by_player=cd.by_player,
            grim_subgame_perfect=cd.grim_subgame_perfect,
            scenario_discount=cd.discount,
            sustains={k: cd.sustains(k) for k in ("grim_trigger", "tit_for_tat")},
        ),
        minmax=MinmaxDoc(
            pure={p0: mm.pure[0], p1: mm.pure[1]}, mixed={p0: mm.mixed[0], p1: mm.mixed[1]}
        ),
        feasible=FeasibleDoc(
            vertices=[(float(x), float(y)) for x, y in region.vertices],
            individually_rational=[(float(x), float(y)) for x, y in region.individually_rational],
            minmax=region.minmax,
            cooperative=region.cooperative,
            nash=[e.payoffs for e in eqs],
        ),
    )


def describe(method: str) -> str:
    """A sentence on what ``method`` did; ``vertex+lemke-howson`` means the enumeration ran
    out of time and Lemke–Howson added an equilibrium."""
    if "+" in method:
        first, then = method.split("+", 1)
        return f"{describe(first)} (ran out of time), then {describe(then)}"
    return DESCRIPTION.get(method, method)
