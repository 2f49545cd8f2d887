"""Gambit's solvers (the ``pygambit`` package) behind a time limit.

Gambit's C++ solvers cannot be interrupted from Python, and its floating-point LCP can
stall on some large games. So :func:`call` sends the game to a solver process that stays
up between calls (importing pygambit takes about 3 s, once) and kills it when the time
limit passes. Without a limit the solver runs in this process.

Methods (McKelvey, McLennan & Turocy, *Gambit: Software Tools for Game Theory*,
https://www.gambit-project.org):

``enummixed``
    Every extreme Nash equilibrium by vertex enumeration of the best-response polytopes,
    in exact rational arithmetic (Avis, Rosenberg, Savani & von Stengel 2010).
``enummixed-float``
    The same in floating point: much faster, complete up to rounding.
``lcp``
    One equilibrium by the Lemke–Howson path (Lemke & Howson 1964), floating point.
``lcp-all``
    Every equilibrium reachable from the artificial equilibrium by Lemke–Howson paths
    (not always all of them).
``ipa``
    One equilibrium by iterated polymatrix approximation (Govindan & Wilson 2004).
"""

from __future__ import annotations

import atexit
import os
import pickle
import select
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: Seconds the solver process may take to start (importing pygambit takes a few).
STARTUP_LIMIT = 120.0

METHODS = ("enummixed", "enummixed-float", "lcp", "lcp-all", "ipa")
#: Methods that return every (extreme) equilibrium.
COMPLETE = frozenset({"enummixed", "enummixed-float"})
DESCRIPTION = {
    "enummixed": "Gambit vertex enumeration, exact rationals",
    "enummixed-float": "Gambit vertex enumeration, floating point",
    "lcp": "Gambit Lemke-Howson (LCP), one equilibrium",
    "lcp-all": "Gambit Lemke-Howson (LCP), the equilibria its paths reach",
    "ipa": "Gambit iterated polymatrix approximation, one equilibrium",
}


@dataclass(frozen=True)
class Found:
    """What a solver returned: profiles ``(row, col)`` and, for exact runs, the same
    probabilities as fractions written ``"p/q"``."""

    profiles: tuple[tuple[FloatArray, FloatArray], ...]
    exact: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] | None
    seconds: float


class SolverTimeout(Exception):
    """The solver did not finish within the time limit (it was stopped)."""


def solve(a: FloatArray, b: FloatArray, method: str) -> Found:
    """Run one Gambit method on the bimatrix game ``(a, b)``, each ``(n0, n1)``, here."""
    import pygambit as gbt

    start = time.perf_counter()
    # Gambit reads each payoff through its decimal string, so 0.1 is exactly 1/10.
    game = gbt.Game.from_arrays(a, b)
    p0, p1 = list(game.players)
    rows, cols = list(p0.strategies), list(p1.strategies)
    rational = method == "enummixed"
    if method in ("enummixed", "enummixed-float"):
        result = gbt.nash.enummixed_solve(game, rational=rational)
    elif method in ("lcp", "lcp-all"):
        result = gbt.nash.lcp_solve(
            game, rational=False, use_strategic=True, stop_after=1 if method == "lcp" else None
        )
    elif method == "ipa":
        result = gbt.nash.ipa_solve(game)
    else:
        raise ValueError(f"unknown Gambit method {method!r}; expected one of {METHODS}")
    profiles = []
    exact = []
    for eq in result.equilibria:
        x = np.array([float(eq[s]) for s in rows])
        y = np.array([float(eq[s]) for s in cols])
        profiles.append((x, y))
        if rational:
            exact.append(
                (
                    tuple(str(Fraction(str(eq[s]))) for s in rows),
                    tuple(str(Fraction(str(eq[s]))) for s in cols),
                )
            )
    return Found(tuple(profiles), tuple(exact) if rational else None, time.perf_counter() - start)


class _Server:
    """A child Python process with pygambit imported that solves games sent to it as
    length-prefixed pickles on its stdin and answers on its stdout. It is started on first
    use, kept for the next call, and killed when a call runs past its time limit (the next
    call starts a new one). A plain subprocess, not multiprocessing: it works from scripts
    without a ``__main__`` guard, from notebooks and from daemonic pool workers alike."""

    def __init__(self) -> None:
        self.log = tempfile.TemporaryFile()  # noqa: SIM115  # closed in close()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", f"from {__name__} import _serve; _serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
        )
        try:
            ready = _read(self.proc, STARTUP_LIMIT)
        except (SolverTimeout, _NoAnswer) as exc:
            ready = f"no answer ({type(exc).__name__})"
        if ready != "ready":
            self.log.seek(0)
            tail = self.log.read().decode(errors="replace").strip().splitlines()[-3:]
            self.close()
            raise RuntimeError(
                "the Gambit solver process did not start (is pygambit installed?): "
                + (" / ".join(tail) or str(ready))
            )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def ask(self, request: Any, time_limit: float) -> Any:
        assert self.proc.stdin is not None
        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        self.proc.stdin.write(struct.pack("<Q", len(data)) + data)
        self.proc.stdin.flush()
        return _read(self.proc, time_limit)

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()
        self.log.close()


class _NoAnswer(Exception):
    pass


def _read(proc: subprocess.Popen[bytes], time_limit: float) -> Any:
    """One length-prefixed pickle from ``proc``'s stdout within ``time_limit`` seconds."""
    assert proc.stdout is not None
    deadline = time.monotonic() + time_limit
    fd = proc.stdout.fileno()
    buf = bytearray()
    need = 8
    size = None
    while True:
        while len(buf) < need:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise SolverTimeout
            chunk = os.read(fd, max(need - len(buf), 1 << 16))
            if not chunk:
                raise _NoAnswer
            buf += chunk
        if size is None:
            size = struct.unpack("<Q", bytes(buf[:8]))[0]
            need = 8 + size
            continue
        return pickle.loads(bytes(buf[8:need]))


_server: _Server | None = None
_lock = threading.Lock()


@atexit.register
def _drop_server() -> None:
    """Kill the solver process, if any (also at exit)."""
    global _server
    if _server is not None:
        _server.close()
        _server = None


def call(a: FloatArray, b: FloatArray, method: str, time_limit: float | None) -> Found:
    """:func:`solve` with a time limit in seconds (``None``: no limit, in this process).

    Raises :class:`SolverTimeout` when the limit passes (the solver process is killed), and
    ``RuntimeError`` when the solver fails.
    """
    if time_limit is None:
        return solve(a, b, method)
    with _lock:
        server = _running()
        try:
            status, payload = server.ask((a, b, method), max(time_limit, 0.0))
        except SolverTimeout:
            _drop_server()
            raise SolverTimeout(
                f"{DESCRIPTION[method]} did not finish within {time_limit:.3g} s"
            ) from None
        except (_NoAnswer, BrokenPipeError):
            code = server.proc.poll()
            _drop_server()
            raise RuntimeError(
                f"{DESCRIPTION[method]} stopped without an answer (exit code {code})"
            ) from None
        except BaseException:
            # Interrupted (Ctrl-C) or failed while the request was out: the process may
            # still answer it later, so it cannot serve the next request.
            _drop_server()
            raise
    if status != "ok":
        raise RuntimeError(f"{DESCRIPTION[method]} failed: {payload}")
    found: Found = payload
    return found


def _running() -> _Server:
    """The solver process, started if it is not running (call with ``_lock`` held)."""
    global _server
    if _server is None or not _server.alive():
        _server = _Server()
    return _server


def start() -> None:
    """Start the solver process now if it is not running (so that its start, about 3 s,
    is not taken from a time limit)."""
    with _lock:
        _running()


def _write(out: Any, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(struct.pack("<Q", len(data)) + data)
    out.flush()


def _serve() -> None:
    """The solver process: answer requests until stdin closes."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints from libraries must not corrupt the answers
    import pygambit  # noqa: F401  # import before saying ready

    _write(out, "ready")
    inp = sys.stdin.buffer
    while True:
        head = inp.read(8)
        if len(head) < 8:
            return
        a, b, method = pickle.loads(inp.read(struct.unpack("<Q", head)[0]))
        try:
            _write(out, ("ok", solve(a, b, method)))
        except Exception as exc:
            _write(out, ("error", f"{type(exc).__name__}: {exc}"))
