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
    replay_until: dt.date | None = Field(
        None,
        description="Replay the scheduled events exactly up to and including the round of "
        "this date: the scripted levels override the strategies, without noise, renewal "
        "draws or negotiation; the strategies take over after it.",
    )


class Noise(_Strict):
    """``[noise]``: per-instrument, per-round error probabilities (both players)."""

    execution: Probability = Field(
        0.0, description="P(the level taking effect is one step off the intended one)."
    )
    perception: Probability = Field(
        0.0, description="P(a player sees an opponent level one step off)."
    )
    tremble: Probability = Field(
        0.0,
        description="P(a player's choice on an instrument is replaced by a random move from "
        "the level in force: down, hold or up one rung, equally likely where the ladder "
        "allows), before execution noise.",
    )


class PlayerNoise(_Strict):
    """``[players.X.noise]``: this player's own error probabilities (override ``[noise]``)."""

    execution: Probability | None = Field(
        None, description="This player's P(execution error); default [noise].execution."
    )
    perception: Probability | None = Field(
        None, description="This player's P(perception error); default [noise].perception."
    )
    tremble: Probability | None = Field(
        None, description="This player's P(tremble); default [noise].tremble."
    )


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
    (``{ name = "never_strike_first", ratio = 0.5 }``). Every key besides ``name`` is a
    parameter of the strategy, checked against its type. ``escalate strategies`` lists the
    strategies with their parameters."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=True)

    name: str = Field(description="Registry name of the strategy (escalate strategies).")


class StrategyDefinition(BaseModel):
    """``[strategies.NAME]``: a strategy defined in the file, with no code: a ``kind``
    (``memory_n``, ``fsm``, ``sequence``, or any registered strategy) and its parameters.
    ``NAME`` can then be a player's strategy and a tournament's entry. Every key besides
    ``kind``, ``summary`` and ``reference`` is a parameter of the kind, checked against
    its type (``escalate strategies`` lists them)."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=True)

    kind: str = Field(description="memory_n, fsm, sequence, or any registered strategy.")
    summary: str = Field("", description="One line on what it does (escalate strategies).")
    reference: str = Field("", description="Where the strategy comes from (a paper, a peer).")


class PlayerSpec(_Strict):
    """``[players.X]``: one player, its strategy and its instruments."""

    strategy: Annotated[StrategyTable, BeforeValidator(_named)] = Field(
        description='The strategy: a registry name ("tit_for_tat") or a table with its name '
        "and parameters."
    )
    base: float = Field(0.0, description="Base payoff per round (additive form).")
    noise: PlayerNoise | None = Field(
        None, description="This player's noise, overriding [noise] (optional)."
    )
    instruments: dict[Name, InstrumentSpec] = Field(
        min_length=1,
        description="The player's instruments by name. Their order counts: it pairs them "
        "with the opponent's by position where `answers` is not given, and orders level "
        "profiles.",
    )


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


Level = Annotated[
    int | str,
    Field(description="A rung: its index on the ladder (0 = baseline) or its label."),
]


class _Event(_Strict):
    date: dt.date | None = Field(
        None, description="Calendar date (needs scenario.start); or give `round`."
    )
    round: int | None = Field(None, ge=0, description="Round index; or give `date`.")
    note: str = Field("", description="What happened (shown in events.csv).")
    source: str = Field("", description="Where the fact comes from.")


class SetEvent(_Event):
    """``kind = "set"``: a player sets one of its instruments to a level in that round
    (bypassing max_step and noise)."""

    kind: Literal["set"] = Field(description="The kind of event.")
    player: Name = Field(description="The player who sets the level.")
    instrument: Name = Field(description="One of that player's instruments.")
    level: Level


class TruceEvent(_Event):
    """``kind = "truce"``: a truce starts: levels above its caps are lowered to them, and a
    level above a cap later is a breach that ends it. A truce starting while one of the same
    name is in force renews it; one of another name supersedes it."""

    kind: Literal["truce"] = Field(description="The kind of event.")
    name: Name = Field(description="Name of the truce (spells are grouped by it).")
    term: int = Field(ge=1, le=1_000_000, description="Length of one term, in rounds.")
    caps: dict[Name, dict[Name, Level]] = Field(
        default_factory=dict,
        description='Caps by player and instrument, e.g. { US.tariff = 1, CN.tariff = "10" }.',
    )
    others: Literal["freeze", "free"] = Field(
        "freeze",
        description="Instruments without a cap: frozen at their level when the truce starts, "
        "or free (not covered by the truce).",
    )
    renewal: Probability | None = Field(
        None, description="P(renewal at the end of a term); default truces.renewal."
    )
    bargained: bool = Field(
        False,
        description="The caps (and, with several [bargaining].terms, the term) come from "
        "the bargaining solution of [bargaining] at the levels in force; give no caps. A "
        "match whose sides gain nothing from any deal gets no truce.",
    )


class ThreatEvent(_Event):
    """``kind = "threat"``: a threat is recorded (events.csv, figures); no payoff effect."""

    kind: Literal["threat"] = Field(description="The kind of event.")
    player: Name = Field(description="The player who threatens.")
    instrument: Name | None = Field(
        None, description="One of that player's instruments, the one threatened (optional)."
    )
    value: float | None = Field(None, description="The threatened value (e.g. a rate).")


Event = Annotated[SetEvent | TruceEvent | ThreatEvent, Field(discriminator="kind")]


class Rapport(_Strict):
    """``[truces.rapport]``: the leaders' patience and trust, a number in [0, 1] per match."""

    initial: Probability = Field(1.0, description="Rapport at the start of every match.")
    erosion: float = Field(
        0.0, ge=0, description="Lost per rung either side steps up (any instrument)."
    )
    repair: float = Field(0.0, ge=0, description="Gained per round of a kept truce.")


class Negotiation(_Strict):
    """``[truces.negotiation]``: while no truce is in force, a truce forms with probability
    ``p_agree`` per round when every player's loss is at least its threshold and rapport is
    positive and at least ``min_rapport``."""

    threshold: dict[Name, Annotated[float, Field(ge=0)]] = Field(
        description="Per player, the loss per round (payoff at baseline minus payoff now, "
        "in payoff units) at which it will deal."
    )
    min_rapport: Probability = Field(0.0, description="Rapport needed to negotiate.")
    p_agree: Probability = Field(description="P(a truce forms) per round when both will deal.")
    term: int = Field(ge=1, le=1_000_000, description="Term of a negotiated truce, in rounds.")
    rollback: Literal["baseline", "freeze"] | Annotated[float, Field(gt=0, lt=1)] | None = Field(
        None,
        description="Caps of a negotiated truce: back to baseline (the default), freeze at "
        "current levels, or roll back this fraction of each level (rounded towards "
        "baseline). Not with [bargaining], whose solution sets the caps.",
    )
    name: Name = Field("negotiated", description="Name of negotiated truces.")


class BargainRecord(_Strict):
    """``[bargaining.record]``: the terms a real negotiation struck, for ``escalate
    bargain`` to compare with the model's."""

    date: dt.date | None = Field(
        None, description="When the talks happened (needs scenario.start); or give `round`."
    )
    round: int | None = Field(None, ge=0, description="Round of the talks; or give `date`.")
    caps: dict[Name, dict[Name, Level]] = Field(
        description="The levels each side lowered to, by player and instrument (instruments "
        "not named stay at their levels in force)."
    )
    term: int | None = Field(None, ge=1, description="The agreed term in rounds (optional).")
    source: str = Field("", description="Where the record comes from.")


class Bargaining(_Strict):
    """``[bargaining]``: truce terms struck by a bargaining solution. The outcomes on the
    table are every profile of levels at or below those in force (each side lowers or
    holds its own instruments), held for one of the candidate terms; disagreement keeps the
    levels in force. Negotiated truces ([truces.negotiation]) and scheduled ones marked
    ``bargained`` take their caps from it (docs/model.md, Bargained truces)."""

    solution: Literal["nash", "rubinstein"] = Field(
        "nash",
        description="nash: the Nash bargaining solution with weights; rubinstein: the "
        "subgame-perfect agreement of alternating offers.",
    )
    weights: dict[Name, Annotated[float, Field(ge=0)]] | None = Field(
        None,
        description="Nash bargaining weight per player (normalised to sum 1; default equal).",
    )
    discount: dict[Name, Annotated[float, Field(gt=0, lt=1)]] | None = Field(
        None,
        description="Rubinstein: each player's discount factor per offer, in (0, 1) "
        "(default 0.9 each).",
    )
    first: Name | None = Field(
        None, description="Rubinstein: the player who proposes first (default the first)."
    )
    terms: list[Annotated[int, Field(ge=1, le=1_000_000)]] = Field(
        default_factory=list,
        description="Candidate terms in rounds, bargained over with the levels (default: "
        "the truce's own term).",
    )
    record: BargainRecord | None = Field(
        None, description="The terms the record shows, compared by escalate bargain."
    )


class Truces(_Strict):
    """``[truces]``: renewal, rapport and negotiation."""

    renewal: Probability = Field(
        0.0, description="P(an unbroken truce is renewed for another term when it ends)."
    )
    rapport: Rapport = Field(
        Rapport(), description="Rapport: its initial value, erosion and repair."
    )
    negotiation: Negotiation | None = Field(
        None, description="The negotiation rule (none: truces are never negotiated)."
    )


FigureName = Literal["timeline", "survival", "payoffs", "feasible"]
DEFAULT_FIGURES: tuple[FigureName, ...] = ("timeline", "survival")


class Report(_Strict):
    """``[report]``: what ``escalate run`` writes besides the tables."""

    figures: list[FigureName] = Field(
        default_factory=lambda: list(DEFAULT_FIGURES),
        description="Figures to draw: timeline (levels over rounds), survival (truce "
        "survival, when there are truce spells), payoffs (the stage game's payoff heat map "
        "with its equilibria) and feasible (the feasible payoff region, minmax and Nash "
        "payoffs). The last two also write stage_game.json.",
    )
    stage_round: int = Field(
        0, ge=0, description="Round whose stage game the payoffs and feasible figures show."
    )


def _grid_values(value: Any) -> Any:
    if isinstance(value, dict):
        raise ValueError(
            "expected a list of values or 'START:STOP:COUNT'; write a dotted path as one "
            'quoted key, e.g. "noise.execution" = [0, 0.01]'
        )
    if not isinstance(value, list | str):
        raise ValueError(f"expected a list of values or 'START:STOP:COUNT', e.g. [{value!r}]")
    return value


class SweepSpec(_Strict):
    """``[sweep]``: what ``escalate sweep`` varies and measures (``run`` ignores it). The
    same table makes a sweep file (``escalate sweep SCENARIO --sweep FILE``)."""

    grid: dict[str, Annotated[list[Any] | str, BeforeValidator(_grid_values)]] = Field(
        min_length=1,
        description="Swept scenario paths (quoted dotted keys, as for --set) and their "
        "values: a list, or 'START:STOP:COUNT' for COUNT evenly spaced numbers. The cells "
        "are every combination, the first path varying slowest.",
    )
    metrics: list[str] = Field(
        default_factory=list,
        description="Metric names of the summary per cell (escalate sweep --list-metrics); "
        "default: peace share, mean payoffs and, with truces, P(the first truce survives "
        "its term).",
    )
    matches: int | None = Field(
        None, ge=1, description="Matches per cell (default: [simulation].matches)."
    )
    seed: int | None = Field(
        None,
        ge=0,
        description="Sweep seed (default: [simulation].seed); cell i runs with a "
        "seed derived from it and i.",
    )


class SweepFile(_Strict):
    """A sweep file: one ``[sweep]`` table."""

    sweep: SweepSpec = Field(description="What the sweep varies and measures.")


def _bounds(pair: list[float]) -> list[float]:
    lo, hi = pair
    if not (lo == lo and hi == hi) or abs(lo) == float("inf") or abs(hi) == float("inf"):
        raise ValueError("expected two finite numbers [low, high]")
    if lo > hi:
        raise ValueError(f"expected [low, high] with low <= high, got [{lo}, {hi}]")
    return pair


Bounds = Annotated[
    list[Annotated[float, BeforeValidator(lambda v: float(v) if type(v) is int else v)]],
    Field(min_length=2, max_length=2),
    AfterValidator(_bounds),
]


def _probabilities(pair: list[float]) -> list[float]:
    if pair[0] < 0 or pair[1] > 1:
        raise ValueError(f"expected bounds within [0, 1] (a probability), got {pair}")
    return pair


class FitCandidate(BaseModel):
    """One hypothesis about a player: a strategy, its fixed parameters, and the parameters
    to estimate with their bounds (``free = { lag = [0, 7] }``). Every key besides
    ``name``, ``label`` and ``free`` is a fixed parameter of the strategy."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=True)

    name: str = Field(description="Registry name of the strategy (escalate strategies).")
    label: str | None = Field(None, description="Name in the tables (default: the strategy's).")
    free: dict[str, Bounds] = Field(
        default_factory=dict,
        description="Parameters to estimate, each with its bounds [low, high] (integers for "
        "integer parameters: every integer in the bounds is tried, at most 61 of them evenly "
        "spaced).",
    )


class FitPlayer(_Strict):
    """``[fit.players.X]``: what to estimate for one player."""

    free: dict[str, Bounds] = Field(
        default_factory=dict,
        description="Parameters of the player's own strategy (players.X.strategy) to "
        "estimate, each with its bounds [low, high].",
    )
    noise: Literal["tremble", "execution"] = Field(
        "tremble",
        description="The noise estimated with every hypothesis (the other is held at the "
        "scenario's value): tremble (a choice replaced by a random move; every move of the "
        "record then has a positive probability) or execution (a level one rung off the "
        "choice; a move against the choice is then impossible).",
    )
    bounds: Annotated[Bounds, AfterValidator(_probabilities)] = Field(
        [0.0, 0.9], description="Bounds of the estimated noise, within [0, 1]."
    )
    candidates: list[FitCandidate] | None = Field(
        None,
        description="Alternative hypotheses fitted on the same record and ranked against "
        "the player's own strategy (default: tit_for_tat, grim_trigger, random).",
    )


class Fit(_Strict):
    """``[fit]``: how ``escalate fit`` estimates the model from the replayed record."""

    train_until: dt.date | None = Field(
        None,
        description="Last date of the training record for the out-of-sample test (the moves "
        "after it, to replay_until, are predicted). None: no out-of-sample test.",
    )
    grid: int = Field(41, ge=3, le=401, description="Grid points per continuous free parameter.")
    copies: int = Field(
        256,
        ge=16,
        le=8192,
        description="Copies of a stochastic strategy over which its choice probabilities "
        "are averaged (Monte Carlo over its own draws).",
    )
    players: dict[Name, FitPlayer] = Field(
        default_factory=dict, description="What to estimate for each player."
    )


class Uncertainty(_Strict):
    """``[uncertainty]``: parameter uncertainty that ``escalate run`` propagates. With ``D``
    draws, match ``g`` plays draw ``g % D``: its values replace the scenario's, so every
    projection band includes the parameters' uncertainty. ``escalate fit`` writes this
    table into a fitted scenario from the posterior of the fit."""

    draws: dict[str, list[float]] = Field(
        description="Dotted paths to one value per draw, all lists of one length (1 to "
        "1000). A path is players.X.noise.execution, .perception or .tremble, or "
        "players.X.strategy.PARAM (a numeric parameter of the player's strategy)."
    )
    source: str = Field("", description="Where the draws come from (e.g. the fit).")


class ScenarioFile(_Strict):
    """A whole scenario file."""

    scenario: Meta = Field(description="What the scenario is and when its rounds happen.")
    simulation: Simulation = Field(description="How many matches of how many rounds.")
    noise: Noise = Field(Noise(), description="Execution and perception noise.")
    players: dict[Name, PlayerSpec] = Field(
        min_length=2,
        max_length=2,
        description="Exactly two players. Names start with a "
        "letter, use letters, digits, _ and -, and are not 'both' or 'none'.",
    )
    interactions: list[InteractionSpec] = Field(
        default_factory=list,
        description="Interaction terms of the additive form (not with [payoffs] matrices).",
    )
    strategies: dict[Name, StrategyDefinition] = Field(
        default_factory=dict,
        description="Strategies defined in the file (memory-n tables, finite-state machines, "
        "sequences), by name; players and tournaments name them like registered ones.",
    )
    truces: Truces = Field(Truces(), description="Truce renewal, rapport and negotiation.")
    bargaining: Bargaining | None = Field(
        None, description="Truce terms from a bargaining solution (none: caps as given)."
    )
    events: list[Event] = Field(
        default_factory=list, description="Dated events: set, truce and threat."
    )
    report: Report = Field(Report(), description="What escalate run writes besides the tables.")
    sweep: SweepSpec | None = Field(
        None, description="A parameter sweep for escalate sweep (escalate run ignores it)."
    )
    fit: Fit | None = Field(
        None, description="What escalate fit estimates from the replayed record."
    )
    uncertainty: Uncertainty | None = Field(
        None, description="Parameter draws that escalate run propagates into its bands."
    )
    payoffs: dict[str, list[list[float]]] | None = Field(
        None,
        description="The stage game as payoff matrices (one per player, rows: the "
        "first player's level profiles, columns: the second's), instead of gain/cost/pain.",
    )
