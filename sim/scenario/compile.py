"""A scenario file's game and rules: the model-level objects the file describes, built from
validated file data (:class:`~sim.scenario.schema.ScenarioFile`). Every problem is located
in the file; strategies are bound elsewhere (:mod:`sim.run.scenario`), above the strategy
layer.
"""

from __future__ import annotations

from typing import Any

from sim.errors import ModelError, Problem
from sim.model import Game, Instrument, Interaction
from sim.scenario.rules import Rules
from sim.scenario.schema import ScenarioFile


def compile_game(data: ScenarioFile, problems: list[Problem]) -> Game | None:
    """The :class:`Game` of the file; its problems are appended to ``problems`` (``None``
    when the game cannot be built)."""
    names = list(data.players)
    instruments: list[Instrument] = []
    for owner, pname in enumerate(names):
        for iname, ins in data.players[pname].instruments.items():
            instruments.append(
                Instrument(
                    name=iname,
                    owner=owner,
                    labels=tuple(ins.labels),
                    values=None if ins.values is None else tuple(ins.values),
                    gain=_tuple(ins.gain),
                    cost=_tuple(ins.cost),
                    pain=_tuple(ins.pain),
                    unit=ins.unit,
                    initial=ins.initial,
                    answers=ins.answers,
                    decoupling=None
                    if ins.decoupling is None
                    else (ins.decoupling.half_life, ins.decoupling.floor),
                )
            )
    game: Game | None = None
    try:
        if data.payoffs is not None:
            for pname in names:
                if data.players[pname].base != 0:
                    problems.append(
                        Problem(
                            f"players.{pname}.base",
                            "not used with [payoffs] "
                            "matrices: put the base payoff into the matrix",
                        )
                    )
            if data.interactions:
                problems.append(
                    Problem(
                        "interactions",
                        "not used with [payoffs] matrices: "
                        "write the interaction into the matrices",
                    )
                )
            game = Game.from_matrices(names, instruments, _matrices(data, names, problems))
        else:
            base = [data.players[p].base for p in names]
            inter = _interactions(data, names, instruments, problems)
            game = Game.from_instruments(names, instruments, base=base, interactions=inter)
    except ModelError as exc:
        problems += exc.problems
    except ValueError as exc:  # ragged matrices
        problems.append(Problem("payoffs", f"expected rectangular matrices of numbers ({exc})"))
    return game


#: Largest ``|stage payoff| x rounds`` (and ``|level value|``) a run accepts: totals, means
#: and the squares behind their intervals stay finite in float64 (about 1.8e308).
MAGNITUDE = 1e150


def check_magnitudes(data: ScenarioFile, problems: list[Problem]) -> None:
    """Refuse numbers so large that a run's totals or intervals would overflow: level
    values, and a bound on the stage payoff (the largest matrix entry, or base plus every
    instrument's largest gain, cost and pain plus every interaction) times the rounds."""
    rounds = data.simulation.rounds
    limit = f"expected |payoff| x rounds at most {MAGNITUDE:.0e}"
    # A player's stage payoff sums its own gains and costs and the pain of the other's
    # instruments: all of them bound it.
    total, biggest, where = 0.0, 0.0, ""
    for pname, player in data.players.items():
        for iname, ins in player.instruments.items():
            at = f"players.{pname}.instruments.{iname}"
            value = max((abs(x) for x in ins.values or ()), default=0.0)
            if not value <= MAGNITUDE:
                problems.append(
                    Problem(f"{at}.values", f"values up to {value:.3g}; expected at most "
                            f"{MAGNITUDE:.0e}")
                )  # fmt: skip
            for kind in ("gain", "cost", "pain"):
                size = max((abs(x) for x in getattr(ins, kind) or ()), default=0.0)
                total += size
                if size > biggest:
                    biggest, where = size, f"{at}.{kind}"
    if data.payoffs is not None:
        for name, matrix in data.payoffs.items():
            try:
                big = max((abs(float(x)) for row in matrix for x in row), default=0.0)
            except (TypeError, ValueError):
                continue  # not a matrix of numbers: the game's own check says so
            if not big * rounds <= MAGNITUDE:
                problems.append(
                    Problem(
                        f"payoffs.{name}",
                        f"entries up to {big:.3g} over {rounds:,} "
                        f"rounds would overflow the totals; {limit}",
                    )
                )
        return
    inter = sum(abs(v) for it in data.interactions for v in it.payoff.values())
    for pname, player in data.players.items():
        bound = abs(player.base) + inter + total
        if not bound * rounds <= MAGNITUDE:
            at = where if biggest >= abs(player.base) else f"players.{pname}.base"
            problems.append(
                Problem(
                    at,
                    f"stage payoffs up to {bound:.3g} over {rounds:,} rounds would "
                    f"overflow the totals; {limit}",
                )
            )
            return


def rules_of(data: ScenarioFile) -> Rules:
    """The :class:`Rules` of the file: rounds, discount, step limit, noise per player (a
    player's own noise table overrides the scenario's)."""
    names = list(data.players)
    sim_ = data.simulation

    def per_player(kind: str) -> tuple[float, float]:
        base = getattr(data.noise, kind)
        vals = []
        for p in names:
            own = data.players[p].noise
            v = getattr(own, kind) if own is not None else None
            vals.append(base if v is None else v)
        return (vals[0], vals[1])

    return Rules(
        rounds=sim_.rounds,
        discount=sim_.discount,
        max_step=sim_.max_step,
        execution=per_player("execution"),
        perception=per_player("perception"),
        tremble=per_player("tremble"),
    )


def _tuple(x: list[float] | None) -> tuple[float, ...] | None:
    return None if x is None else tuple(x)


def _matrices(data: ScenarioFile, names: list[str], problems: list[Problem]) -> list[Any]:
    assert data.payoffs is not None
    missing = [p for p in names if p not in data.payoffs]
    extra = [p for p in data.payoffs if p not in names]
    for p in missing:
        problems.append(Problem(f"payoffs.{p}", "missing: give one matrix per player"))
    for p in extra:
        problems.append(Problem(f"payoffs.{p}", f"not a player; expected one of {names}"))
    if missing or extra:
        raise ModelError([])
    return [data.payoffs[p] for p in names]


def _interactions(
    data: ScenarioFile, names: list[str], instruments: list[Instrument], problems: list[Problem]
) -> list[Interaction]:
    ordered = sorted(instruments, key=lambda i: i.owner)
    index = {f"{names[i.owner]}.{i.name}": j for j, i in enumerate(ordered)}
    out = []
    for j, it in enumerate(data.interactions):
        where = f"interactions[{j}]"
        idx = []
        for q, key in enumerate(it.instruments):
            if key not in index:
                problems.append(
                    Problem(
                        f"{where}.instruments[{q}]",
                        f"unknown instrument {key!r}; expected one of {sorted(index)}",
                    )
                )
            idx.append(index.get(key, 0))
        bad = [p for p in it.payoff if p not in names]
        for p in bad:
            problems.append(Problem(f"{where}.payoff.{p}", f"not a player; expected {names}"))
        pay = (it.payoff.get(names[0], 0.0), it.payoff.get(names[1], 0.0))
        out.append(Interaction(idx[0], idx[1], it.levels[0], it.levels[1], pay))
    return out
