"""A mutation fuzzer of the command line's input: scenario files, ``--set`` and ``--grid``.

Each case starts from a bundled scenario and breaks it one way (a key deleted or unknown,
a wrong type, NaN, +-inf, a huge or negative number, an empty or unicode string, deep
nesting, a huge array, a bad date, a reference to a missing player, instrument, truce or
event, a probability outside [0, 1], zero or enormous rounds and matches), or breaks the
file itself (malformed TOML, binary bytes, a directory, a missing file, a named pipe), or
passes a bad ``--set`` or ``--grid`` value. :func:`outcome` runs it through ``escalate``
in-process and returns what went wrong, if anything: every case must end either accepted
(``validate`` and a small ``run`` exit 0, and no output file holds NaN or inf) or
rejected (exit 2 with a message that names the file or option and what was expected), with
no traceback.

Cases are a pure function of their number (``case(i)``), so a failure is reproduced by
its number alone.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import random
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from sim.cli import app

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
#: The small run an accepted case must complete.
SMALL = ["--matches", "8", "--rounds", "12", "--workers", "1", "--no-figures"]

WEIRD: list[Any] = [
    math.nan,
    math.inf,
    -math.inf,
    1e308,
    -1e308,
    -1,
    0,
    -0.5,
    1.5,
    10**12,
    2**63,
    "",
    "ü∂ 中文 🙂",
    "../../etc/passwd",
    True,
    [],
    {},
    [1, 2, 3],
    {"deep": {"deeper": {"deepest": [1, {"x": 2}]}}},
    dt.date(1, 1, 1),
    "2025-13-40",
    "US",
    "nobody",
]


@dataclass
class Case:
    """One input: the scenario text (or a special file) and the extra options."""

    number: int
    what: str
    text: str | bytes | None = None  # None: see ``special``
    special: str | None = None  # "directory", "missing", "fifo"
    options: list[str] = field(default_factory=list)
    command: str = "run"  # or "sweep"


# ---------------------------------------------------------------------------- TOML out
def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k)


def toml_value(v: Any) -> str:
    """``v`` as an inline TOML value (tables inline, so any nesting fits one line)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def toml_text(data: dict[str, Any]) -> str:
    return "".join(f"{_key(k)} = {toml_value(v)}\n" for k, v in data.items())


# ---------------------------------------------------------------------------- mutations
def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if path else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*path, i))
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        node = node[k]
    return node


def _mutate(data: dict[str, Any], rng: random.Random) -> str:
    paths = _paths(data)
    path = rng.choice(paths)
    parent, last = _get(data, path[:-1]), path[-1]
    where = ".".join(str(p) for p in path)
    roll = rng.random()
    if roll < 0.12 and isinstance(parent, dict):
        del parent[last]
        return f"delete {where}"
    if roll < 0.2 and isinstance(parent, dict):
        parent[f"unknown_{rng.randrange(99)}"] = rng.choice(WEIRD)
        return f"unknown key beside {where}"
    if roll < 0.25:
        parent[last] = [rng.random()] * rng.choice([10_000, 200_000])
        return f"huge array at {where}"
    if roll < 0.3 and isinstance(_get(data, path), int | float):
        parent[last] = _get(data, path) * rng.choice([-1, 1e9, 1e300, 0])
        return f"scaled number at {where}"
    value = rng.choice(WEIRD)
    parent[last] = value
    return f"{where} = {value!r:.40}"


def _perturb(data: dict[str, Any], rng: random.Random) -> str:
    """A change a valid file may well survive: a number scaled, or noise set within [0, 1]
    (these cases test that what is accepted also runs and writes finite files)."""
    numbers = [p for p in _paths(data) if type(_get(data, p)) in (int, float)]
    if rng.random() < 0.3 or not numbers:
        key = rng.choice(["execution", "perception", "tremble"])
        data.setdefault("noise", {})[key] = rng.choice([0.0, 1.0, rng.random()])
        return f"noise.{key} = {data['noise'][key]}"
    path = rng.choice(numbers)
    old = _get(data, path)
    new = type(old)(old * rng.choice([0, 0.5, 2, 10]))
    _get(data, path[:-1])[path[-1]] = new
    return f"{'.'.join(map(str, path))}: {old} -> {new}"


def _targeted(data: dict[str, Any], rng: random.Random) -> str:
    """Breaks aimed at the model: references, probabilities, rounds and matches."""
    choice = rng.randrange(10)
    sim_ = data.setdefault("simulation", {})
    if choice == 0:
        sim_["rounds"] = rng.choice([0, -5, 10**9, 1_000_000])
        return f"simulation.rounds = {sim_['rounds']}"
    if choice == 1:
        sim_["matches"] = rng.choice([0, -1, 10**15, 10**9])
        return f"simulation.matches = {sim_['matches']}"
    if choice == 2:
        data.setdefault("noise", {})["execution"] = rng.choice([-0.1, 1.1, math.nan, 2])
        return "noise.execution outside [0, 1]"
    if choice == 3:
        players = data.get("players", {})
        if players:
            name = rng.choice(list(players))
            players[name]["strategy"] = rng.choice(
                [{"name": "no_such_strategy"}, "os.system", {"name": "tit_for_tat", "x": 1}]
            )
            return f"players.{name}.strategy unknown"
    if choice == 4 and data.get("events"):
        ev = rng.choice(data["events"])
        key = rng.choice(["player", "instrument", "truce", "date", "level"])
        ev[key] = rng.choice(["XX", "no_such", "2025-02-30", 99, -1])
        return f"events[].{key} missing reference"
    if choice == 5 and data.get("players"):
        name = rng.choice(list(data["players"]))
        inst = data["players"][name].get("instruments", {})
        if inst:
            iname = rng.choice(list(inst))
            inst[iname]["answers"] = "no_such_instrument"
            return f"players.{name}.instruments.{iname}.answers missing"
    if choice == 6:
        sim_["start"] = rng.choice(["1999-99-99", "tomorrow", 20250101, dt.date(9999, 12, 31)])
        return f"simulation.start = {sim_['start']!r}"
    if choice == 7:
        sim_["discount"] = rng.choice([0.0, 1.0000001, -1, 0.999999, math.inf])
        return f"simulation.discount = {sim_['discount']}"
    if choice == 8:  # payoffs near the float limits
        size = rng.choice([1e150, 1e200, 1.7e308, -1e307])
        if "payoffs" in data:
            name = rng.choice(list(data["payoffs"]))
            data["payoffs"][name][0][0] = size
            return f"payoffs.{name}[0][0] = {size}"
        name = rng.choice(list(data["players"]))
        data["players"][name]["base"] = size
        return f"players.{name}.base = {size}"
    node: Any = data
    for _ in range(rng.choice([50, 300])):
        node = node.setdefault("nest", {})
    return "deep nesting"


def _text_mutation(text: str, rng: random.Random) -> str | bytes:
    roll = rng.randrange(6)
    if roll == 0:
        return text[: rng.randrange(len(text))]
    if roll == 1:
        i = rng.randrange(len(text))
        return text[:i] + rng.choice(["[[", "]]", "=", '"', "\x00", "{", "\\u12"]) + text[i:]
    if roll == 2:  # a duplicate key or table (a second player or instrument of one name)
        lines = [s for s in text.splitlines(keepends=True) if "=" in s or s.startswith("[")]
        line = rng.choice(lines)
        return text + "\n" + line
    if roll == 3:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
    if roll == 4:
        return text.encode("utf-8")[:-7] + b"\xff\xfe"
    return ""


SET_PATHS = [
    "noise.execution",
    "simulation.rounds",
    "simulation.matches",
    "players.US.strategy",
    "players.US.strategy.name",
    "events[0].term",
    "events[99].term",
    "no.such.path",
    "players.XX.base",
    "",
    "a..b",
    "events[x]",
]
GRID_VALUES = ["0,0.1", "0:1:3", "", "a,b", "1:0:0", "0:1:1000000", "nan,inf", "[1,2]", "0:1"]


def case(i: int) -> Case:
    """The ``i``-th case (deterministic)."""
    rng = random.Random(i)
    base = rng.choice(SCENARIOS)
    text = base.read_text()
    kind = i % 20
    if kind < 4:
        data = tomllib.loads(text)
        return Case(i, f"{base.name}: {_perturb(data, rng)}", toml_text(data))
    if kind < 9:
        data = tomllib.loads(text)
        what = _mutate(data, rng)
        if rng.random() < 0.3:
            what += "; " + _mutate(data, rng)
        return Case(i, f"{base.name}: {what}", toml_text(data))
    if kind < 14:
        data = tomllib.loads(text)
        return Case(i, f"{base.name}: {_targeted(data, rng)}", toml_text(data))
    if kind < 16:
        return Case(i, f"{base.name}: text mutation", _text_mutation(text, rng))
    if kind == 16:
        special = rng.choice(["directory", "missing", "fifo"])
        return Case(i, f"special file: {special}", None, special)
    if kind < 19:
        path = rng.choice(SET_PATHS)
        value = rng.choice(
            [toml_value(rng.choice(WEIRD)), rng.choice(["x", "="]), "0.05", "tit_for_tat", "30"]
        )
        return Case(
            i, f"{base.name}: --set {path}={value}", text, options=["--set", f"{path}={value}"]
        )
    path = rng.choice(["noise.execution", "simulation.rounds", "no.such", "players.US.base"])
    grid = f"{path}={rng.choice(GRID_VALUES)}"
    return Case(i, f"{base.name}: --grid {grid}", text, options=["--grid", grid], command="sweep")


# ---------------------------------------------------------------------------- checking
def _strict_json(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise ValueError(f"{name} in JSON")

    return json.loads(text, parse_constant=refuse)


#: A CSV cell or JSON number that is not finite, as pandas and numpy write them.
NON_FINITE = re.compile(r"[-+]?(nan|inf|infinity)", re.IGNORECASE)


def non_finite(folder: Path) -> list[str]:
    """Files of a results folder holding NaN or inf as a value: every CSV cell is read as
    text (an empty cell is a missing value, not NaN), and JSON must parse strictly."""
    import csv

    bad = []
    for f in sorted(folder.rglob("*")):
        if f.suffix == ".json":
            try:
                _strict_json(f.read_text())
            except ValueError as exc:
                bad.append(f"{f.name}: {exc}")
        elif f.suffix == ".csv":
            with open(f, newline="") as fh:
                rows = csv.reader(fh)
                header = next(rows, [])
                for row in rows:
                    for name, cell in zip(header, row, strict=False):
                        if NON_FINITE.fullmatch(cell.strip()):
                            bad.append(f"{f.name}: {name} = {cell}")
                            break
    return bad


def _place(c: Case, tmp: Path) -> Path:
    path = tmp / f"case{c.number}.toml"
    if c.special == "directory":
        path.mkdir()
    elif c.special == "fifo":
        os.mkfifo(path)
    elif c.special == "missing":
        pass
    elif isinstance(c.text, bytes):
        path.write_bytes(c.text)
    else:
        assert c.text is not None
        path.write_text(c.text, encoding="utf-8")
    return path


#: Words by which a refusal says what was wrong or expected.
REASONS = re.compile(
    r"expected|unknown|missing|not a|not used|cannot|no item|no table|no figure|syntax error|"
    r"must|should|at most|at least|valid|got|refused|twice|again|empty|overflow|"
    r"needs about|required|give|one of|only|before|after|outside|than",
    re.IGNORECASE,
)


def _rejected_well(output: str, path: Path, c: Case) -> str | None:
    """A refusal: ``error: `` and the file (``FILE: PLACE: ...``) or the option with its
    value (``--set PATH``, ``--grid``), then a reason; no traceback."""
    if "Traceback" in output:
        return "a traceback"
    if not output.startswith("error: "):
        return f"no 'error: ' message: {output[:200]!r}"
    names = [f"{path}: "]
    if c.options:
        flag, value = c.options[0], c.options[1]
        names += [f"{flag} {value.split('=')[0]}".rstrip(), f"{flag}: "]
    if not any(n in output for n in names):
        return f"the message names neither the file nor the option: {output[:300]!r}"
    if not REASONS.search(output):
        return f"the message gives no reason: {output[:300]!r}"
    return None


def outcome(c: Case, tmp: Path, *, seconds: int = 60) -> tuple[str, str | None]:
    """``("accepted" | "rejected" | "failed", problem)`` of case ``c`` run in ``tmp``; a
    case that takes longer than ``seconds`` has failed (a hang)."""
    import signal

    def hang(*_: Any) -> None:
        raise TimeoutError(f"no end after {seconds} s")

    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        code, problem = _run(c, tmp)
    except TimeoutError as exc:
        return "failed", str(exc)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    if problem is not None:
        return "failed", problem
    return ("accepted" if code == 0 else "rejected"), None


def _run(c: Case, tmp: Path) -> tuple[int, str | None]:
    runner = CliRunner()
    path = _place(c, tmp)
    out = tmp / f"out{c.number}"
    if c.command == "sweep":
        args = ["sweep", str(path), *c.options, "--matches", "8", "--workers", "1"]
        args += ["--set", "simulation.rounds=12", "--out", str(out), "--no-figures"]
        r = runner.invoke(app, args)
    else:
        r = runner.invoke(app, ["validate", str(path)])
        if r.exit_code == 0:
            r = runner.invoke(app, ["run", str(path), *c.options, *SMALL, "--out", str(out)])
    if isinstance(r.exception, TimeoutError):
        raise r.exception
    if r.exit_code == 0:
        bad = non_finite(out) if out.exists() else []
        return 0, f"non-finite values: {bad}" if bad else None
    if r.exit_code == 2:
        return 2, _rejected_well(r.output, path, c)
    return r.exit_code, f"exit {r.exit_code}: {r.output[-400:]!r} {r.exception!r}"
