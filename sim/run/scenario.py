"""A scenario bound to its strategies: what a run takes. Load, validate, change, compile.

The scenario layer (:mod:`sim.scenario`) reads and checks the file and builds its game,
calendar, schedule and rules; here the strategies the file names are looked up in the
registry and checked in their seats, and everything becomes the engine's :class:`Plan`.

>>> import sim
>>> sc = sim.load_scenario("scenarios/ipd.toml")
>>> sc.name
'ipd'
>>> sc.replace({"noise.execution": 0.0}).data.noise.execution
0.0
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.engine.rounds import Plan
from sim.errors import Problem, ScenarioError
from sim.model import Game
from sim.scenario.compile import check_magnitudes, compile_game, rules_of
from sim.scenario.errors import pydantic_problems, with_line
from sim.scenario.events import calendar_of, compile_schedule
from sim.scenario.files import read_toml, set_path
from sim.scenario.schema import ScenarioFile
from sim.scenario.uncertainty import ParamDraws, compile_draws
from sim.strategies.base import Seat
from sim.strategies.lineup import lineup
from sim.strategies.registry import (
    Definition,
    StrategyError,
    StrategySpec,
    definitions,
    parameter_type,
    resolve,
)


@dataclass(frozen=True, eq=False)
class Scenario:
    """A validated scenario: the typed file contents and the compiled plan.

    Build with :meth:`from_file` (or :func:`sim.load_scenario`) or :meth:`from_dict`;
    change with :meth:`replace`, which validates again and returns a new scenario.
    """

    data: ScenarioFile
    source: str = "<scenario>"
    source_sha256: str | None = None
    changes: tuple[str, ...] = ()
    plan: Plan = field(init=False, repr=False)
    defined: Mapping[str, Definition] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        defined, plan = _compile(self.data, self.source)
        object.__setattr__(self, "defined", defined)
        object.__setattr__(self, "plan", plan)

    # ---------------------------------------------------------------- construction
    @classmethod
    def from_file(cls, path: str | Path) -> Scenario:
        """Read and validate a TOML scenario file.

        Raises :class:`~sim.errors.ScenarioError` naming the file and, for every problem, the
        field and what was expected (TOML syntax errors give their line and column).
        """
        p = Path(path)
        raw, data = read_toml(p)
        try:
            return cls.from_dict(data, source=str(p), sha256=hashlib.sha256(raw).hexdigest())
        except ScenarioError as exc:
            text = raw.decode("utf-8")
            raise ScenarioError(
                exc.source, [with_line(problem, text) for problem in exc.problems]
            ) from None

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str = "<scenario>", sha256: str | None = None
    ) -> Scenario:
        """Validate a scenario given as a dictionary (the parsed TOML)."""
        import pydantic

        try:
            model = ScenarioFile.model_validate(dict(data))
        except pydantic.ValidationError as exc:
            raise ScenarioError(source, pydantic_problems(exc, ScenarioFile)) from None
        return cls(model, source, sha256)

    @classmethod
    def from_json(cls, text: str | bytes, *, source: str = "<scenario>") -> Scenario:
        """Validate a scenario given as JSON, such as :meth:`to_json`'s output (a results
        folder's ``manifest.json`` holds it): the same scenario, with the same
        :attr:`sha256`.

        >>> import sim
        >>> sc = sim.load_scenario("scenarios/busan-truce.toml")
        >>> again = Scenario.from_json(sc.to_json())
        >>> again.sha256 == sc.sha256, again.players == sc.players
        (True, True)
        """
        import pydantic

        try:
            model = ScenarioFile.model_validate_json(text)
        except pydantic.ValidationError as exc:
            raise ScenarioError(source, pydantic_problems(exc, ScenarioFile)) from None
        return cls(model, source)

    def replace(self, changes: Mapping[str, Any] | None = None, /, **sections: Any) -> Scenario:
        """A new scenario with some values changed, validated like a file.

        ``changes`` maps dotted paths (the same as ``escalate run --set``) to new values;
        keyword arguments replace or merge whole sections.

        >>> import sim
        >>> sc = sim.load_scenario("scenarios/ipd.toml")
        >>> sc2 = sc.replace({"players.US.strategy": "grim_trigger"}, simulation={"rounds": 50})
        >>> sc2.data.players["US"].strategy.name, sc2.rounds
        ('grim_trigger', 50)
        """
        data = self.to_dict()
        log = list(self.changes)
        for key, value in sections.items():
            set_path(data, key, value, merge=True, source=self.source)
            log.append(f"{key}={value!r}")
        # A new strategy name clears that strategy's table, so names go first: parameters
        # given in the same call then apply to the new strategy.
        ordered = sorted(
            (changes or {}).items(),
            key=lambda kv: not kv[0].endswith((".strategy", ".strategy.name")),
        )
        for path, value in ordered:
            set_path(data, path, value, source=self.source)
            log.append(f"{path}={value!r}")
        new = Scenario.from_dict(data, source=self.source, sha256=self.source_sha256)
        return Scenario(new.data, new.source, new.source_sha256, tuple(log))

    # ---------------------------------------------------------------- views
    def to_dict(self) -> dict[str, Any]:
        """The resolved scenario (every default filled in) as plain data."""
        return self.data.model_dump(mode="python")

    def to_json(self) -> str:
        """The resolved scenario as JSON, strategies with every parameter (defaults too).
        Keys keep the file's order: the order of the players and of their instruments is
        part of the model (player 0 and player 1, ladders in order)."""
        return json.dumps(self._resolved(), indent=1)

    def _resolved(self) -> dict[str, Any]:
        data: dict[str, Any] = self.data.model_dump(mode="json", exclude={"sweep"})
        for name, strategy in zip(self.players, self.plan.strategies, strict=True):
            data["players"][name]["strategy"] = strategy.as_dict()
        return data

    @property
    def sha256(self) -> str:
        """SHA-256 of the resolved scenario (canonical JSON), stable across comments and
        formatting of the file and leaving out its ``[sweep]`` table, which no run uses;
        :attr:`source_sha256` is that of the file's bytes."""
        canon = json.dumps(self._resolved(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canon.encode()).hexdigest()

    @property
    def name(self) -> str:
        return self.data.scenario.name

    @property
    def game(self) -> Game:
        return self.plan.game

    @property
    def rounds(self) -> int:
        return self.data.simulation.rounds

    @property
    def matches(self) -> int:
        return self.data.simulation.matches

    @property
    def seed(self) -> int:
        return self.data.simulation.seed

    @property
    def players(self) -> tuple[str, str]:
        return self.plan.game.players

    def __repr__(self) -> str:
        return f"Scenario({self.name!r}, source={self.source!r})"


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a TOML scenario file (see :meth:`Scenario.from_file`)."""
    return Scenario.from_file(path)


def _compile(data: ScenarioFile, source: str) -> tuple[dict[str, Definition], Plan]:
    """Turn validated file data into its strategy definitions and a :class:`Plan` (game,
    strategies, rules)."""
    problems: list[Problem] = []
    local = definitions({k: v.model_dump() for k, v in data.strategies.items()}, source, problems)
    names = list(data.players)
    game = compile_game(data, problems)
    check_magnitudes(data, problems)
    if data.report.stage_round >= data.simulation.rounds:
        problems.append(
            Problem(
                "report.stage_round",
                f"expected a round in 0..{data.simulation.rounds - 1}, "
                f"got {data.report.stage_round}",
            )
        )
    calendar = calendar_of(data)
    schedule = compile_schedule(data, game, problems) if game is not None else None
    specs: list[StrategySpec] = []
    for seat, pname in enumerate(names):
        table = data.players[pname].strategy
        where = f"players.{pname}.strategy"
        if table.name in data.strategies and table.name not in local:
            continue  # its definition's problems are reported
        try:
            specs.append(resolve(table.name, table.model_extra or {}, local))
        except StrategyError as exc:
            problems += [Problem(f"{where}.{p.location}", p.message) for p in exc.problems]
            continue
        if game is not None:
            found = specs[-1].cls.validate(specs[-1].params, Seat(game, seat, calendar))
            problems += [Problem(where, message) for message in found]
    if problems or game is None or schedule is None:
        raise ScenarioError(source, problems)
    rules = rules_of(data)
    draws = None
    if data.uncertainty is not None:
        compiled = compile_draws(data.uncertainty.draws, names, rules, problems)
        if compiled is not None:
            draws, params = compiled
            specs = strategy_draws(params, draws.count, names, specs, problems)
        if problems:
            raise ScenarioError(source, problems)
    return local, Plan(game, (specs[0], specs[1]), rules, schedule, calendar, draws)


def strategy_draws(
    params: ParamDraws,
    count: int,
    names: list[str],
    specs: list[StrategySpec],
    problems: list[Problem],
) -> list[StrategySpec]:
    """Each player's strategy, a lineup of its ``count`` parameter draws where
    ``[uncertainty]`` draws its parameters (match ``g`` plays draw ``g % count``)."""
    where = "uncertainty.draws"
    out = list(specs)
    for p in (0, 1):
        if not params[p]:
            continue
        base = specs[p]
        known = {f.name for f in dataclasses.fields(base.params)}
        ints = {k for k in params[p] if k in known and parameter_type(base.cls, k) is int}
        built = []
        try:
            for d in range(count):
                change = {
                    k: int(v[d]) if k in ints and float(v[d]).is_integer() else v[d]
                    for k, v in params[p].items()
                }
                built.append(base.replace(**change))
        except StrategyError as exc:
            for prob in exc.problems:
                problems.append(
                    Problem(f'{where}."players.{names[p]}.strategy.{prob.location}"', prob.message)
                )
            return specs
        out[p] = lineup(tuple(built), divisor=1)
    return out
