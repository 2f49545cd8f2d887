"""Load, validate, change and compile scenarios. The I/O boundary in.

>>> import sim
>>> sc = sim.load_scenario("scenarios/ipd.toml")
>>> sc.name
'ipd'
>>> sc.replace({"noise.execution": 0.0}).data.noise.execution
0.0
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.engine.rounds import Plan, Rules
from sim.errors import ModelError, Problem, ScenarioError
from sim.model import Game, Instrument, Interaction
from sim.scenario.errors import pydantic_problems, with_line
from sim.scenario.events import calendar_of, compile_schedule
from sim.scenario.schema import ScenarioFile, SweepFile, SweepSpec
from sim.scenario.uncertainty import compile_draws
from sim.strategies.base import Seat
from sim.strategies.registry import StrategyError, StrategySpec, spec


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "plan", _compile(self.data, self.source))

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


def read_toml(path: Path) -> tuple[bytes, dict[str, Any]]:
    """A TOML file's bytes and contents; :class:`ScenarioError` naming the file otherwise."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(
            str(path), [Problem("", f"cannot read file: {exc.strerror}")]
        ) from None
    try:
        return raw, tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError(str(path), [Problem("", "not a UTF-8 text file")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(path), [Problem("", f"TOML syntax error: {exc}")]) from None


def load_sweep_file(path: str | Path) -> SweepSpec:
    """Read a sweep file (a ``[sweep]`` table, as in a scenario) and validate it; errors
    name the file, the field and its line."""
    import pydantic

    p = Path(path)
    raw, data = read_toml(p)
    try:
        return SweepFile.model_validate(data).sweep
    except pydantic.ValidationError as exc:
        text = raw.decode("utf-8")
        problems = [with_line(problem, text) for problem in pydantic_problems(exc, SweepFile)]
        raise ScenarioError(str(p), problems) from None


def set_path(
    data: dict[str, Any], path: str, value: Any, *, merge: bool = False, source: str = "<change>"
) -> None:
    """Set ``data[a][b][c] = value`` for ``path = "a.b.c"``, and list items by index
    (``events[0].term``); tables and items along the way must exist (a typo is an error,
    not a new key). With ``merge``, a dict value updates a table."""
    steps = _steps(path, source)
    node: Any = data
    for i, step in enumerate(steps[:-1]):
        where = _where(steps[: i + 1])
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                raise ScenarioError(source, [Problem(path, f"no item {where} in the scenario")])
            node = node[step]
            continue
        if not (isinstance(node, dict) and step in node and node[step] is not None):
            raise ScenarioError(source, [Problem(path, f"no table {where!r} in the scenario")])
        if isinstance(node[step], str) and step == "strategy":  # given as a bare name
            node[step] = {"name": node[step]}
        elif not isinstance(node[step], dict | list):
            raise ScenarioError(source, [Problem(path, f"{where} is a value, not a table")])
        node = node[step]
    last = steps[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or last >= len(node):
            raise ScenarioError(source, [Problem(path, f"no item {path} in the scenario")])
        node[last] = copy.deepcopy(value)
        return
    if not isinstance(node, dict):
        raise ScenarioError(source, [Problem(path, f"{_where(steps[:-1])} is a list")])
    if steps[-2:-1] == ["strategy"] and last == "name" and node.get("name") != value:
        node.clear()  # another strategy: the old one's parameters do not apply
    if merge and isinstance(value, dict) and isinstance(node.get(last), dict):
        node[last] = {**node[last], **copy.deepcopy(value)}
    else:
        node[last] = copy.deepcopy(value)


def _steps(path: str, source: str) -> list[str | int]:
    """``"events[0].term"`` as ``["events", 0, "term"]``."""
    steps: list[str | int] = []
    for part in path.split("."):
        match = re.fullmatch(r"([^\[\]]+)((?:\[\d+\])*)", part)
        if match is None:
            raise ScenarioError(
                source, [Problem(path, "expected a dotted path such as events[0].term")]
            )
        steps.append(match[1])
        steps.extend(int(k) for k in re.findall(r"\[(\d+)\]", match[2]))
    return steps


def _where(steps: list[str | int]) -> str:
    return "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in steps).lstrip(".")


def _compile(data: ScenarioFile, source: str) -> Plan:
    """Turn validated file data into a :class:`Plan` (game, strategies, rules)."""
    problems: list[Problem] = []
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
        try:
            specs.append(spec(table.name, **(table.model_extra or {})))
        except StrategyError as exc:
            problems += [Problem(f"{where}.{p.location}", p.message) for p in exc.problems]
            continue
        if game is not None:
            found = specs[-1].cls.validate(specs[-1].params, Seat(game, seat, calendar))
            problems += [Problem(where, message) for message in found]
    if problems or game is None or schedule is None:
        raise ScenarioError(source, problems)
    sim_ = data.simulation

    def per_player(kind: str) -> tuple[float, float]:
        base = getattr(data.noise, kind)
        vals = []
        for p in names:
            own = data.players[p].noise
            v = getattr(own, kind) if own is not None else None
            vals.append(base if v is None else v)
        return (vals[0], vals[1])

    rules = Rules(
        rounds=sim_.rounds,
        discount=sim_.discount,
        max_step=sim_.max_step,
        execution=per_player("execution"),
        perception=per_player("perception"),
        tremble=per_player("tremble"),
    )
    draws = None
    if data.uncertainty is not None:
        draws, specs = compile_draws(data.uncertainty.draws, names, specs, rules, problems)
        if problems:
            raise ScenarioError(source, problems)
    return Plan(game, (specs[0], specs[1]), rules, schedule, calendar, draws)


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
