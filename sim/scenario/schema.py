"""The scenario file schema (pydantic v2). Unknown keys are errors; every field is typed.

``escalate schema`` prints the JSON Schema generated from these models, so the schema a
user sees cannot drift from the one the loader applies.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

Probability = Annotated[float, Field(ge=0.0, le=1.0)]


#: Player and instrument names: they appear in dotted paths (``--set``) and column names.
def _not_reserved(name: str) -> str:
    if name in ("both", "none"):
        raise ValueError(
            f"{name!r} is reserved (results use it for 'both players' and "
            "'nobody'); choose another name"
        )
    return name


Name = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$"), AfterValidator(_not_reserved)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Meta(_Strict):
    """``[scenario]``: what the scenario is and when its rounds happen."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
        description="Short name, used in outputs and as the default results folder "
        "(letters, digits, '_', '.' and '-').",
    )
    payoff_unit: str = Field(
        "payoff units per round",
        description="What one round's payoff measures, e.g. "
        "'USD bn per year (annual rate while the levels stand)'; shown with the results.",
    )
    description: str = Field("", description="The question the scenario answers.")
    start: dt.date | None = Field(None, description="Calendar date of round 0 (optional).")
    period: Literal["day", "week", "month"] = Field(
        "week", description="Calendar length of one round."
    )


class Simulation(_Strict):
    """``[simulation]``: how many matches of how many rounds."""

    rounds: int = Field(ge=1, le=1_000_000, description="Rounds per match.")
    matches: int = Field(10_000, ge=1, description="Matches per run (Monte Carlo size).")
    seed: int = Field(0, ge=0, description="Seed of the run; one seed determines everything.")
    discount: float = Field(
        1.0, gt=0.0, le=1.0, description="Per-round discount factor delta (1: none)."
    )
    max_step: int | None = Field(
        None, ge=1, description="Most rungs an instrument may move per round (none: no limit)."
    )
    trajectories: int = Field(
        20, ge=0, description="Matches whose full paths are written to trajectories.csv."
    )


class Noise(_Strict):
    """``[noise]``: per-instrument, per-round error probabilities (both players)."""

    execution: Probability = Field(
        0.0, description="P(the level taking effect is one step off the intended one)."
    )
    perception: Probability = Field(
        0.0, description="P(a player sees an opponent level one step off)."
    )


class PlayerNoise(_Strict):
    """``[players.X.noise]``: this player's own error probabilities (override ``[noise]``)."""

    execution: Probability | None = None
    perception: Probability | None = None


class Decoupling(_Strict):
    """``[players.X.instruments.NAME.decoupling]``: the target adapts (new suppliers, own
    production), so its exposure ``e(t) = floor + (1 - floor) * 2**(-t / half_life)``."""

    half_life: float = Field(gt=0, description="Rounds for the exposure above the floor to halve.")
    floor: Probability = Field(description="Exposure that remains in the long run (0 to 1).")


class InstrumentSpec(_Strict):
    """``[players.X.instruments.NAME]``: one lever with its ladder and per-level payoffs."""

    labels: list[str] = Field(min_length=2, description="Ladder labels, level 0 first.")
    values: list[float] | None = Field(
        None, description="Real value of each level (e.g. tariff rate), same length."
    )
    unit: str = Field("", description="Unit of values (e.g. 'pct', 'elements').")
    gain: list[float] | None = Field(
        None, description="Per-round benefit to the owner at each level (0 at level 0)."
    )
    cost: list[float] | None = Field(
        None, description="Per-round harm to the owner at each level (>= 0; 0 at level 0)."
    )
    pain: list[float] | None = Field(
        None, description="Per-round harm to the target at each level (>= 0; 0 at level 0)."
    )
    initial: int = Field(0, ge=0, description="Level at the start of every match.")
    answers: str | None = Field(
        None, description="The opponent instrument this one mirrors (default: by position)."
    )
    decoupling: Decoupling | None = Field(
        None, description="The target's exposure to this instrument falls over time."
    )


def _named(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


class StrategyTable(BaseModel):
    """``strategy``: a registry name, alone (``"tit_for_tat"``) or with parameters
    (``{ name = "never_strike_first", ratio = 0.5 }``). ``escalate strategies`` lists them."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=True)

    name: str


class PlayerSpec(_Strict):
    """``[players.X]``: one player, its strategy and its instruments."""

    strategy: Annotated[StrategyTable, BeforeValidator(_named)]
    base: float = Field(0.0, description="Base payoff per round (additive form).")
    noise: PlayerNoise | None = None
    instruments: dict[Name, InstrumentSpec] = Field(min_length=1)


class InteractionSpec(_Strict):
    """``[[interactions]]``: extra payoff while two instruments are both at or above levels."""

    instruments: list[str] = Field(
        min_length=2, max_length=2, description="Two instruments as 'PLAYER.NAME'."
    )
    levels: list[int] = Field(
        default_factory=lambda: [1, 1],
        min_length=2,
        max_length=2,
        description="Levels at or above which the term applies.",
    )
    payoff: dict[str, float] = Field(description="Extra payoff per player per round.")


class ScenarioFile(_Strict):
    """A whole scenario file."""

    scenario: Meta
    simulation: Simulation
    noise: Noise = Noise()
    players: dict[Name, PlayerSpec] = Field(
        min_length=2,
        max_length=2,
        description="Exactly two players. Names start with a "
        "letter, use letters, digits, _ and -, and are not 'both' or 'none'.",
    )
    interactions: list[InteractionSpec] = Field(default_factory=list)
    payoffs: dict[str, list[list[float]]] | None = Field(
        None,
        description="The stage game as payoff matrices (one per player, rows: the "
        "first player's level profiles, columns: the second's), instead of gain/cost/pain.",
    )
