"""Nash equilibria of random bimatrix games: this project against nashpy, QuantEcon and
Gambit, side by side in one run.

Games: ``n x n`` for each size, payoffs ``rng.random`` from one ``np.random.default_rng``
(seed 2026), so nondegenerate with probability 1. The games are drawn for every size in
turn whatever ``--sizes`` selects, so a subset runs the same games as the full run.
Three tasks per size:

``pure``
    Every pure equilibrium. Ours: ``sim.analysis.equilibria.pure_equilibria`` (vectorised
    best-response masks). nashpy has no pure method: a loop over every pure profile with
    ``nashpy.Game.is_best_response``. QuantEcon: ``pure_nash_brute``.
``all``
    Every equilibrium. Ours: ``solve(a, b, method="auto")`` (it reports the method that
    answered and whether the list is complete). nashpy ``support_enumeration()`` and
    ``vertex_enumeration()``; QuantEcon ``support_enumeration`` and ``vertex_enumeration``;
    Gambit ``enummixed_solve`` in floating point and in exact rationals. The peers are not
    attempted above ``--enum-max`` (their enumerations are exponential).
``one``
    One mixed equilibrium. Ours: ``solve(a, b, method="lemke-howson")``; nashpy
    ``lemke_howson(initial_dropped_label=0)``; QuantEcon ``lemke_howson``; Gambit
    ``lcp_solve(stop_after=1)``.

Sizes above ``--mixed-max`` (256: so 1000 x 1000) run the pure task only. "ours, fresh
process" is the same call in a new Python process, timed from its start to the answer
(interpreter, imports and all: what "counting start-up" means). Degenerate games (small
integer payoffs, many ties) are solved by ours in exact rationals and by Gambit's exact
enumeration, and the two sets compared.

Every peer call runs in a spawned process and is killed at the time limit (``--time-limit``,
the same limit ours gets). Imports and QuantEcon's numba compilation (one call on a 3 x 3
game) happen before the clock starts and are reported as warm-up; the peers' times include
building their game object from the arrays. A call is repeated as many times as its first
run fits in ``--repeat-budget`` seconds (at most ``--max-repeats``) and the median is
reported. Ours runs in this process (nothing to warm up). Every profile any method returns
is checked as a mutual best response: finite, non-negative, summing to 1, and regret at
most ``1e-6`` times the payoff range.

    python benchmarks/bench_equilibria.py [--sizes 4 8] [--time-limit 60] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

SIZES = (4, 8, 16, 64, 256, 1000)
DEGENERATE = ((4, 3), (6, 3), (8, 2), (10, 2))  # (size, top payoff): integers 0..top
SEED = 2026
MACHINE = "2 cores, shared"
#: Relative tolerance of the best-response check (times the payoff range).
VALID_TOL = 1e-6
#: Seconds a peer process may take to import its library and warm up.
STARTUP_LIMIT = 180.0

TASKS = {
    "pure": ("ours", "nashpy is_best_response loop", "quantecon pure_nash_brute"),
    "all": (
        "ours",
        "ours, fresh process",
        "nashpy support_enumeration",
        "nashpy vertex_enumeration",
        "quantecon support_enumeration",
        "quantecon vertex_enumeration",
        "gambit enummixed float",
        "gambit enummixed exact",
    ),
    "one": (
        "ours",
        "ours, fresh process",
        "nashpy lemke_howson",
        "quantecon lemke_howson",
        "gambit lcp",
    ),
}
OURS = {
    "pure": "pure_equilibria",
    "all": 'solve(method="auto")',
    "one": 'solve(method="lemke-howson")',
}

Profiles = list[tuple[np.ndarray, np.ndarray]]


def games(sizes: list[int]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """``n -> (a, b)``, drawn in the order of :data:`SIZES` from one generator."""
    rng = np.random.default_rng(SEED)
    out = {}
    for n in SIZES:
        a, b = rng.random((n, n)), rng.random((n, n))
        if n in sizes:
            out[n] = (a, b)
    return out


# --- the peers, run in a spawned process ----------------------------------------------


def _unit(n: int, i: int) -> np.ndarray:
    e = np.zeros(n)
    e[i] = 1.0
    return e


def _peer_call(tool: str) -> Callable[[np.ndarray, np.ndarray], tuple[Profiles, list[str]]]:
    """The function timed for ``tool``: arrays in, ``(profiles, notes)`` out."""
    if tool.startswith("nashpy"):
        import nashpy as nash

        if tool == "nashpy is_best_response loop":

            def run(a: np.ndarray, b: np.ndarray) -> tuple[Profiles, list[str]]:
                game = nash.Game(a, b)
                rows = [_unit(a.shape[0], i) for i in range(a.shape[0])]
                cols = [_unit(a.shape[1], j) for j in range(a.shape[1])]
                found = []
                for x in rows:
                    for y in cols:
                        r, c = game.is_best_response(x, y)
                        if r and c:
                            found.append((x, y))
                return found, []

        elif tool == "nashpy support_enumeration":

            def run(a: np.ndarray, b: np.ndarray) -> tuple[Profiles, list[str]]:
                return list(nash.Game(a, b).support_enumeration()), []

        elif tool == "nashpy vertex_enumeration":

            def run(a: np.ndarray, b: np.ndarray) -> tuple[Profiles, list[str]]:
                return list(nash.Game(a, b).vertex_enumeration()), []

        else:

            def run(a: np.ndarray, b: np.ndarray) -> tuple[Profiles, list[str]]:
                return [nash.Game(a, b).lemke_howson(initial_dropped_label=0)], []

        return run

    if tool.startswith("gambit"):
        return _gambit_call(tool)

    import quantecon.game_theory as gt

    def game(a: np.ndarray, b: np.ndarray) -> Any:
        return gt.NormalFormGame((gt.Player(a), gt.Player(b.T)))

    if tool == "quantecon pure_nash_brute":

        def run(a: np.ndarray, b: np.ndarray) -> tuple[Profiles, list[str]]:
            eqs = gt.pure_nash_brute(game(a, b))
            return [(_unit(a.shape[0], i), _unit(a.shape[1], j)) for i, j in eqs], []

    elif tool == "quantecon support_enumeration":

        def run(a: np.ndarray, b: np.ndarray) -> tuple[Profiles, list[str]]:
            return list(gt.support_enumeration(game(a, b))), []

    elif tool == "quantecon vertex_enumeration":

        def run(a: np.ndarray, b: np.ndarray) -> tuple[Profiles, list[str]]:
            return list(gt.vertex_enumeration(game(a, b))), []

    elif tool == "quantecon lemke_howson":

        def run(a: np.ndarray, b: np.ndarray) -> tuple[Profiles, list[str]]:
            ne, res = gt.lemke_howson(game(a, b), init_pivot=0, full_output=True)
            notes = [] if res.converged else [f"not converged after {res.num_iter} pivots"]
            return [ne], notes

    else:
        raise ValueError(f"unknown tool {tool!r}")
    return run


def _gambit_call(tool: str) -> Callable[[np.ndarray, np.ndarray], tuple[Profiles, list[str]]]:
    import pygambit as gbt

    new = hasattr(gbt, "StrategicGame")  # pygambit 17; 16 has Game.from_arrays

    def profiles(game: Any, eqs: Any) -> Profiles:
        out = []
        for eq in eqs:
            if new:
                x, y = (
                    np.array([float(eq[pl][st]) for st in game.get_strategies(pl)])
                    for pl in game.players
                )
            else:
                x, y = (np.array([float(eq[st]) for st in pl.strategies]) for pl in game.players)
            out.append((x, y))
        return out

    def make(a: np.ndarray, b: np.ndarray) -> Any:
        return (gbt.StrategicGame if new else gbt.Game).from_arrays(a, b)

    if tool == "gambit lcp":

        def run(a: np.ndarray, b: np.ndarray) -> tuple[Profiles, list[str]]:
            g = make(a, b)
            res = gbt.nash.lcp_solve(g, rational=False, stop_after=1)
            return profiles(g, res.equilibria), []

    else:
        exact = tool == "gambit enummixed exact"

        def run(a: np.ndarray, b: np.ndarray) -> tuple[Profiles, list[str]]:
            g = make(a, b)
            return profiles(g, gbt.nash.enummixed_solve(g, rational=exact).equilibria), []

    return run


def repeats(first: float, budget: float, most: int) -> int:
    """How many times to run a call whose first run took ``first`` seconds: as many as fit
    in ``budget`` seconds, at least 1 and at most ``most``."""
    return max(1, min(most, int(budget / max(first, 1e-9))))


def _peer(conn: Any, tool: str, a: np.ndarray, b: np.ndarray, budget: float, most: int) -> None:
    """The peer process: import, warm up, then run and report each call on ``conn``.
    Warnings of the timed call are sent as they happen (a call killed at the time limit
    still reports them)."""
    try:
        start = time.perf_counter()
        run = _peer_call(tool)
        imported = time.perf_counter() - start
        warm = 0.0
        if tool.startswith("quantecon"):  # compile the numba functions before timing
            rng = np.random.default_rng(0)
            start = time.perf_counter()
            run(rng.random((3, 3)), rng.random((3, 3)))
            warm = time.perf_counter() - start
        conn.send(("ready", imported, warm))
        seen: set[str] = set()

        def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
            text = f"{category.__name__}: {message}"
            if text not in seen:
                seen.add(text)
                conn.send(("warning", text))

        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = show
            start = time.perf_counter()
            profiles, notes = run(a, b)
            first = time.perf_counter() - start
        conn.send(("first", first, [(np.asarray(x), np.asarray(y)) for x, y in profiles], notes))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(repeats(first, budget, most) - 1):
                start = time.perf_counter()
                run(a, b)
                conn.send(("rep", time.perf_counter() - start))
        conn.send(("end",))
    except Exception as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_peer(
    tool: str, a: np.ndarray, b: np.ndarray, limit: float, budget: float, most: int
) -> dict[str, Any]:
    """Run ``tool`` on ``(a, b)`` in a spawned process, killed after ``limit`` seconds."""
    ctx = mp.get_context("spawn")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_peer, args=(send, tool, a, b, budget, most), daemon=True)
    proc.start()
    send.close()
    out: dict[str, Any] = {"status": "ok", "times": [], "notes": []}
    warned: list[str] = []

    def get(until: float) -> tuple[Any, ...] | None:
        """The next message other than a warning before ``until`` (monotonic clock)."""
        while True:
            try:
                if not recv.poll(max(0.0, until - time.monotonic())):
                    return None
                msg = recv.recv()
            except EOFError:
                return ("error", f"the peer process died (exit code {proc.exitcode})")
            if msg[0] != "warning":
                return msg  # type: ignore[no-any-return]
            warned.append(msg[1])

    try:
        msg = get(time.monotonic() + STARTUP_LIMIT)
        if msg is None or msg[0] != "ready":
            out.update(status="error", notes=[msg[1] if msg else "no start within limit"])
            return out
        out["import_seconds"], out["warmup_seconds"] = msg[1], msg[2]
        msg = get(time.monotonic() + limit)
        if msg is None:
            out.update(status="timeout", notes=[f"timeout > {limit:g} s", *warned])
            return out
        if msg[0] != "first":
            out.update(status="error", notes=[msg[1], *warned])
            return out
        _, first, profiles, notes = msg
        out["times"].append(first)
        out["profiles"], out["notes"] = profiles, [*notes, *warned]
        until = time.monotonic() + 2 * budget + 10.0  # a guard; the reps fit in budget
        while (msg := get(until)) and msg[0] == "rep":
            out["times"].append(msg[1])
        return out
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()


# --- ours, in this process ------------------------------------------------------------


def run_fresh(task: str, a: np.ndarray, b: np.ndarray, limit: float) -> dict[str, Any]:
    """``solve`` in a new Python process, timed from the process's start to the answer."""
    import subprocess
    import tempfile

    method = "auto" if task == "all" else "lemke-howson"
    with tempfile.TemporaryDirectory() as tmp:
        np.save(Path(tmp) / "a.npy", a)
        np.save(Path(tmp) / "b.npy", b)
        pa, pb = str(Path(tmp) / "a.npy"), str(Path(tmp) / "b.npy")
        code = (
            "import numpy as np, sys\n"
            "from sim.analysis.equilibria import solve\n"
            f"a, b = np.load({pa!r}), np.load({pb!r})\n"
            f"e = solve(a, b, method={method!r}, time_limit={limit!r})\n"
            "print(len(e), e.complete)\n"
        )
        start = time.perf_counter()
        p = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - start
    if p.returncode != 0:
        return {"status": "error", "times": [], "notes": [p.stderr.strip()[-200:]]}
    count, complete = p.stdout.split()
    return {
        "status": "ok",
        "times": [seconds],
        "notes": [],
        "fresh_count": int(count),
        "complete": complete == "True",
    }


def run_ours(
    task: str, a: np.ndarray, b: np.ndarray, limit: float, budget: float, most: int
) -> dict[str, Any]:
    from sim.analysis import equilibria

    out: dict[str, Any] = {"status": "ok", "times": [], "notes": []}
    while True:
        start = time.perf_counter()
        if task == "pure":
            found = equilibria.pure_equilibria(a, b)
        else:
            found = equilibria.solve(
                a, b, method="auto" if task == "all" else "lemke-howson", time_limit=limit
            )
        t = time.perf_counter() - start
        if not out["times"]:
            if task == "pure":
                out["profiles"] = [(_unit(a.shape[0], i), _unit(a.shape[1], j)) for i, j in found]
            else:
                out["profiles"] = [(e.row, e.col) for e in found]
                out["method"], out["complete"] = found.method, found.complete
                out["timed_out"], out["reduced"] = found.timed_out, list(found.reduced)
                out["notes"] = [f"method {found.method}", f"complete={found.complete}"]
                if found.timed_out:
                    out["notes"].append("a solver timed out")
                out["notes"] += list(found.notes)
        out["times"].append(t)
        if len(out["times"]) >= repeats(out["times"][0], budget, most):
            return out


# --- checks and report ----------------------------------------------------------------


def check(a: np.ndarray, b: np.ndarray, profiles: Profiles) -> tuple[list[bool], float]:
    """Whether each profile is a mutual best response, and the largest regret seen."""
    from sim.analysis.equilibria import regret

    tol = VALID_TOL * max(np.ptp(a), np.ptp(b))
    ok, worst = [], 0.0
    for x, y in profiles:
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        good = x.shape == (a.shape[0],) and y.shape == (a.shape[1],)
        good = good and bool(np.all(np.isfinite(x)) and np.all(np.isfinite(y)))
        if good:
            r = regret(a, b, x, y)
            worst = max(worst, r)
            good = (
                r <= tol
                and x.min() >= -tol
                and y.min() >= -tol
                and abs(x.sum() - 1) <= VALID_TOL
                and abs(y.sum() - 1) <= VALID_TOL
            )
        ok.append(bool(good))
    return ok, worst


def _distinct(profiles: Profiles) -> list[np.ndarray]:
    out: list[np.ndarray] = []
    for x, y in profiles:
        v = np.concatenate([x, y])
        if not any(np.max(np.abs(v - w)) <= 1e-6 for w in out):
            out.append(v)
    return out


def same_set(p: Profiles, q: Profiles) -> bool:
    dp, dq = _distinct(p), _distinct(q)
    return len(dp) == len(dq) and all(any(np.max(np.abs(v - w)) <= 1e-6 for w in dq) for v in dp)


def fmt_seconds(s: float) -> str:
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    if s < 1.0:
        return f"{s * 1e3:.1f} ms"
    return f"{s:.2f} s"


def cell(r: dict[str, Any]) -> str:
    """A compact table cell: time (equilibria found, and what is wrong or missing)."""
    if r["status"] == "ok" and "equilibria" not in r:  # a fresh process: count and time
        done = "complete" if r.get("complete") else "incomplete"
        return f"{fmt_seconds(r['seconds'])} ({r['fresh_count']}, {done})"
    if r["status"] == "ok":
        extra = []
        if r["valid"] != r["equilibria"]:
            extra.append(f"**{r['equilibria'] - r['valid']} invalid**")
        if r["tool"] == "ours" and r["task"] == "all" and r["method"] not in ("dominance",):
            extra.append(f"by {r['method']}")
        if r.get("complete") is False and r["task"] == "all":
            extra.append("incomplete")
        if any(n.startswith("no mixed equilibrium computed") for n in r["notes"]):
            extra.append("**no solver finished**, pure only")
        elif r.get("timed_out"):
            extra.append("after a solver timed out")
        text = ", ".join([str(r["equilibria"]), *extra])
        return f"{fmt_seconds(r['seconds'])} ({text})"
    if r["status"] == "timeout":
        return f"timeout > {r['time_limit']:g} s"
    if r["status"] == "not attempted":
        return "not attempted"
    return r["status"] + ": " + "; ".join(r["notes"])[:60]


def measure(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    limit, budget, reps = args.time_limit, args.repeat_budget, args.max_repeats
    results: list[dict[str, Any]] = []
    # Warm-up seconds, one entry per process started (numba caches some functions on disk,
    # so the first is the cold figure).
    warmup: dict[str, list[float]] = {}
    for n, (a, b) in games(args.sizes).items():
        for task, tools in TASKS.items():
            if task != "pure" and n > args.mixed_max:
                continue
            ref: Profiles | None = None
            for tool in tools:
                row: dict[str, Any] = {"size": n, "task": task, "tool": tool, "time_limit": limit}
                if tool == "ours":
                    row["call"] = OURS[task]
                if task == "all" and not tool.startswith("ours") and n > args.enum_max:
                    row.update(status="not attempted", notes=["not attempted: exponential"])
                    results.append(row)
                    print(f"{n:>4} {task:>4} {tool:32s} not attempted", flush=True)
                    continue
                if tool == "ours":
                    got = run_ours(task, a, b, limit, budget, reps)
                elif tool == "ours, fresh process":
                    got = run_fresh(task, a, b, limit)
                else:
                    got = run_peer(tool, a, b, limit, budget, reps)
                    if "warmup_seconds" in got and tool.startswith("quantecon"):
                        key = f"{tool} (numba, 3 x 3 game)"
                        warmup.setdefault(key, []).append(got["warmup_seconds"])
                profiles = got.pop("profiles", None)
                row.update(got)
                if row["times"]:
                    row["seconds"] = statistics.median(row["times"])
                    row["repeats"] = len(row["times"])
                if profiles is not None:
                    ok, worst = check(a, b, profiles)
                    row["equilibria"], row["valid"] = len(profiles), sum(ok)
                    row["distinct"] = len(_distinct(profiles))
                    row["max_regret"] = worst
                    valid = [p for p, k in zip(profiles, ok, strict=True) if k]
                    if tool == "ours":
                        if task == "pure" or row.get("complete"):
                            ref = valid
                    elif ref is not None and task in ("pure", "all"):
                        row["same_as_ours"] = same_set(valid, ref)
                        if not row["same_as_ours"]:
                            row["notes"].append("set differs from ours")
                    if row["valid"] < row["equilibria"]:
                        row["notes"].append(
                            f"{row['equilibria'] - row['valid']} invalid (max regret {worst:.3g})"
                        )
                results.append(row)
                print(f"{n:>4} {task:>4} {tool:32s} {cell(row)}", flush=True)
    return {
        "versions": {
            "escalation-sim": version("escalation-sim"),
            "nashpy": version("nashpy"),
            "pygambit": version("pygambit"),
            "quantecon": version("quantecon"),
            "numba": version("numba"),
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
        "machine": MACHINE,
        "load_average_1min": {"start": load_start, "end": os.getloadavg()[0]},
        "seed": SEED,
        "payoffs": "float, rng.random (nondegenerate with probability 1)",
        "time_limit": limit,
        "repeat_budget": budget,
        "max_repeats": reps,
        "enum_max": args.enum_max,
        "valid_tol": f"regret <= {VALID_TOL:g} x payoff range",
        "warmup_seconds": warmup,
        "results": results,
        "degenerate": degenerate_games(limit),
        "total_seconds": time.perf_counter() - started,
    }


def degenerate_games(limit: float) -> list[dict[str, Any]]:
    """Ours in exact rationals against Gambit's exact enumeration on games with ties."""
    from fractions import Fraction

    from sim.analysis.equilibria import solve

    rng = np.random.default_rng(SEED + 1)
    out = []
    for n, top in DEGENERATE:
        a = rng.integers(0, top + 1, (n, n)).astype(float)
        b = rng.integers(0, top + 1, (n, n)).astype(float)
        start = time.perf_counter()
        ours = solve(a, b, method="vertex", exact=True, time_limit=limit)
        ours_s = time.perf_counter() - start
        theirs = run_peer("gambit enummixed exact", a, b, limit, 0.0, 1)
        row: dict[str, Any] = {
            "size": n,
            "top": top,
            "ours_seconds": ours_s,
            "ours": len(ours),
            "ours_complete": ours.complete,
            "ours_subsets": len(ours.subsets),
            "gambit_status": theirs["status"],
        }
        if theirs["status"] == "ok":
            row["gambit_seconds"] = theirs["times"][0]
            row["gambit"] = len(_distinct(theirs["profiles"]))
            mine = [
                (
                    np.array([float(Fraction(v)) for v in e.exact[0]]),
                    np.array([float(Fraction(v)) for v in e.exact[1]]),
                )
                for e in ours
            ]
            row["same_set"] = same_set(mine, theirs["profiles"])
        out.append(row)
        print(f"degenerate {n}x{n} 0..{top}: {row}", flush=True)
    return out


def tables(result: dict[str, Any]) -> str:
    rows = result["results"]
    long = [
        "| size | task | tool | seconds (median) | repeats | equilibria | valid | notes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        secs = fmt_seconds(r["seconds"]) if "seconds" in r else r["status"]
        long.append(
            f"| {r['size']}x{r['size']} | {r['task']} | {r['tool']} | {secs} | "
            f"{r.get('repeats', '')} | {r.get('equilibria', '')} | {r.get('valid', '')} | "
            f"{'; '.join(r['notes'])} |"
        )
    sizes = sorted({r["size"] for r in rows})
    wide = [
        "| task | tool | " + " | ".join(f"{n}x{n}" for n in sizes) + " |",
        "|---|---|" + "---|" * len(sizes),
    ]
    for task, tools in TASKS.items():
        for tool in tools:
            cells = []
            for n in sizes:
                r = next(
                    (r for r in rows if (r["size"], r["task"], r["tool"]) == (n, task, tool)),
                    None,
                )
                cells.append("—" if r is None else cell(r))
            name = f"ours `{OURS[task]}`" if tool == "ours" else tool
            wide.append(f"| {task} | {name} | " + " | ".join(cells) + " |")
    return "\n".join(long) + "\n\n" + "\n".join(wide)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), choices=SIZES)
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds per call")
    ap.add_argument("--repeat-budget", type=float, default=3.0, help="seconds")
    ap.add_argument("--max-repeats", type=int, default=7)
    ap.add_argument("--enum-max", type=int, default=16, help="largest size peers enumerate")
    ap.add_argument("--mixed-max", type=int, default=256, help="larger sizes: pure task only")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()
    result = measure(args)
    print()
    print(tables(result))
    print()
    for k, v in result["warmup_seconds"].items():
        print(
            f"warm-up: {k}: first {v[0]:.2f} s, then {min(v[1:], default=v[0]):.2f} to "
            f"{max(v[1:], default=v[0]):.2f} s ({len(v)} processes)"
        )
    for d in result["degenerate"]:
        print(
            f"degenerate {d['size']}x{d['size']} (0..{d['top']}): ours exact "
            f"{fmt_seconds(d['ours_seconds'])} ({d['ours']}, {d['ours_subsets']} subsets); "
            f"gambit exact "
            + (
                f"{fmt_seconds(d['gambit_seconds'])} ({d['gambit']}); same set: {d['same_set']}"
                if d["gambit_status"] == "ok"
                else d["gambit_status"]
            )
        )
    print(
        f"versions: {result['versions']}; {MACHINE}; total {result['total_seconds']:.0f} s",
        file=sys.stdout,
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
