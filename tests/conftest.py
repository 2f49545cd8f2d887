"""Shared fixtures and helpers: the bundled scenarios and a direct round-by-round runner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

import sim.engine
from sim._rng import BatchRandom
from sim.engine import Plan, Step, iter_rounds
from sim.model import Game, Instrument
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def scenarios_dir() -> Path:
    """The repository's ``scenarios/`` directory."""
    return SCENARIOS


@pytest.fixture(scope="session")
def ipd() -> Scenario:
    """``scenarios/ipd.toml``, loaded and validated."""
    return Scenario.from_file(SCENARIOS / "ipd.toml")


def load_ipd() -> Scenario:
    return Scenario.from_file(SCENARIOS / "ipd.toml")


def ipd_with(us: str, cn: str, noise: float = 0.0, rounds: int = 200) -> Scenario:
    """The IPD scenario with the given strategy names, execution noise and rounds."""
    return load_ipd().replace(
        {"players.US.strategy": us, "players.CN.strategy": cn, "noise.execution": noise},
        simulation={"rounds": rounds},
    )


def streams(seed: int, n: int) -> Any:
    """The random streams ``run_block`` gives matches ``0..n-1`` of a run seeded ``seed``
    (``sim.engine.Streams`` where the engine has separate streams per purpose, else one
    ``BatchRandom``). ``tests/test_properties.py`` checks this agrees with ``run_plan``."""
    if hasattr(sim.engine, "Streams"):
        return sim.engine.Streams.for_matches(seed, 0, n)
    return BatchRandom.for_matches(seed, 0, n)


def run_steps(plan: Plan, n: int = 1, seed: int = 0) -> list[Step]:
    """All steps of matches ``0..n-1`` of a run seeded with ``seed`` (as ``run_block`` does)."""
    return list(iter_rounds(plan, n, streams(seed, n)))


def play(plan: Plan, n: int = 1, seed: int = 0) -> NDArray[np.int8]:
    """Levels in effect each round: shape ``(n_rounds, n_instruments, n_matches)``."""
    return np.stack([st.levels.copy() for st in run_steps(plan, n, seed)])


def play_with_payoffs(
    plan: Plan, n: int = 1, seed: int = 0
) -> tuple[NDArray[np.int8], NDArray[np.float64]]:
    """Levels ``(R, K, n)`` and stage payoffs ``(R, 2, n)`` of matches ``0..n-1``."""
    steps = run_steps(plan, n, seed)
    levels = np.stack([st.levels.copy() for st in steps])
    payoffs = np.stack([st.payoffs.copy() for st in steps])
    return levels, payoffs


def multi_game(players: tuple[str, str] = ("US", "CN")) -> Game:
    """An additive dilemma with two instruments per player (ladders of 3 and 4 rungs):
    escalating pays the escalator (gain > cost) but hurts the target more, pain is positive
    above baseline, and CN's rare earths inflict the most pain per unit of own cost."""

    def inst(
        name: str,
        owner: int,
        gain: tuple[float, ...],
        cost: tuple[float, ...],
        pain: tuple[float, ...],
    ) -> Instrument:
        n = len(pain)
        return Instrument(
            name, owner, tuple(f"{name}{i}" for i in range(n)), gain=gain, cost=cost, pain=pain
        )

    return Game.from_instruments(
        players,
        [
            inst("tariff", 0, (0, 1.5, 3), (0, 0.5, 1.5), (0, 1, 3)),
            inst("chips", 0, (0, 0.5, 1, 1.5), (0, 0.2, 0.4, 0.8), (0, 1, 2.5, 4)),
            inst("tariff", 1, (0, 1, 2), (0, 0.5, 1), (0, 1.5, 3)),
            inst("rare_earths", 1, (0, 0.5, 1, 1.5), (0, 0.1, 0.2, 0.3), (0, 2, 3, 6)),
        ],
    )


def playable(plan: Plan) -> bool:
    """Whether both strategies can play the plan's game (their ``validate`` is empty)."""
    from sim.strategies.base import Seat

    return not any(
        s.cls.validate(s.params, Seat(plan.game, p)) for p, s in enumerate(plan.strategies)
    )


def run_args(
    out: Path | str,
    *extra: str,
    matches: int = 1024,
    rounds: int = 2,
    workers: int = 1,
    figures: bool = False,
) -> list[str]:
    """Arguments of a quick ``escalate run`` of the IPD scenario into ``out``."""
    args = [
        "run",
        str(ROOT / "scenarios" / "ipd.toml"),
        "--out",
        str(out),
        "--matches",
        str(matches),
        "--rounds",
        str(rounds),
        "--workers",
        str(workers),
    ]
    return [*args, *([] if figures else ["--no-figures"]), *extra]


class IndexedTask:
    """A task of :func:`sim.analysis.workers.run_tasks` that is only its index."""

    def __init__(self, index: int) -> None:
        self.index = index


def kills_its_worker_once(folder: str, task: Any) -> dict[str, Any]:
    """A task for worker tests: logs its index in ``folder/runs.txt``, and task 1 kills the
    process running it the first time (workers import it from here, the tests folder)."""
    import os
    import signal

    log = Path(folder)
    with open(log / "runs.txt", "a") as fh:
        fh.write(f"{task.index}\n")
    if task.index == 1 and not (log / "died").exists():
        (log / "died").touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return {"cell": task.index}


def assert_legible(fig: Any, *, min_points: float = 6.0) -> None:
    """Draw ``fig`` with Agg and check what a reader sees: every title, axis label, tick
    label and legend lies inside the figure, none of them overlaps another, and tick labels
    are at least ``min_points`` high. Text written inside the axes (cell values) is not
    checked."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.legend import Legend
    from matplotlib.text import Text

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    page = fig.bbox
    texts: list[tuple[str, Text]] = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for k, axis in enumerate((ax.xaxis, ax.yaxis)):
            low, high = sorted(axis.get_view_interval())
            span = 1e-9 * max(1.0, high - low)
            for label in axis.get_ticklabels():
                inside = low - span <= label.get_position()[k] <= high + span  # else not drawn
                if inside and label.get_visible() and label.get_text():
                    assert label.get_fontsize() >= min_points, label.get_text()
                    texts.append(("tick", label))
            if axis.label.get_visible() and axis.label.get_text():
                texts.append(("label", axis.label))
        for title in (ax.title, ax._left_title, ax._right_title):
            if title.get_visible() and title.get_text():
                texts.append(("title", title))
    legends = [a for a in fig.findobj(Legend) if a.get_visible()]
    for legend in legends:
        box = legend.get_window_extent(renderer)
        assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1, "legend outside the figure"
        assert page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1, "legend outside the figure"
        texts += [("legend", t) for t in legend.get_texts() if t.get_text()]
    if fig._suptitle is not None and fig._suptitle.get_text():
        texts.append(("title", fig._suptitle))
    boxes = []
    for kind, text in texts:
        box = text.get_window_extent(renderer)
        where = f"{kind} {text.get_text()!r}"
        assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1, f"{where} is cut off"
        assert page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1, f"{where} is cut off"
        boxes.append((where, box.padded(-0.5)))  # touching is not overlapping
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            assert not box_a.overlaps(box_b), f"{a} overlaps {b}"
