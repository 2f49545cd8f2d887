"""Shared fixtures and helpers: the bundled scenarios and a direct round-by-round runner."""

from __future__ import annotations

import itertools
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from numpy.typing import NDArray

import sim.engine
from sim.engine import Plan, Step, iter_rounds
from sim.model import Game, Instrument
from sim.run import Scenario
from sim.stats.streams import BatchRandom

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
    ``BatchRandom``). ``tests/engine/test_properties.py`` checks this agrees with ``run_plan``."""
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


# ------------------------------------------------------------------ figure layout
# The layout check of every figure test: what a reader sees at one and two columns' width.


def _shown_ticklabels(axis: Any) -> list[Text]:
    """The tick labels drawn on an x or y axis: visible, not empty, inside the view."""
    k = 0 if axis.axis_name == "x" else 1
    low, high = sorted(axis.get_view_interval())
    span = 1e-9 * max(1.0, high - low)
    return [
        t
        for t in axis.get_ticklabels()
        if t.get_visible() and t.get_text() and low - span <= t.get_position()[k] <= high + span
    ]


def _apart(labels: list[Text], renderer: Any) -> bool:
    """Whether no two tick labels of one axis overlap: their boxes, or for labels slanted
    alike (parallel strips, whose boxes overlap even when the text does not), the distance
    between neighbouring baselines against a line's height."""
    angle = labels[0].get_rotation() % 180 if labels else 0
    if angle in (0, 90):
        boxes = [t.get_window_extent(renderer).padded(-0.5) for t in labels]
        return not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))
    line = 1.15 * labels[0].get_fontsize() * renderer.dpi / 72
    ends = sorted(t.get_window_extent(renderer).x1 for t in labels)  # right-aligned at the tick
    return all((b - a) * np.sin(np.radians(angle)) > line for a, b in itertools.pairwise(ends))


def assert_laid_out(fig: Figure, width: float | None = None) -> None:
    """Draw ``fig`` with Agg and check what a reader sees: ``width`` inches wide; tick
    labels at least 6 pt and apart on every axis (colour bars too); every axes with its
    labels, ticks, titles and colour-bar label inside the figure and clear of the others;
    every legend inside the figure and clear of every axes."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    if width is not None:
        assert fig.get_figwidth() == width
    page = fig.bbox.padded(1)  # a pixel of rounding

    def inside(box: Bbox, what: str) -> None:
        assert page.x0 <= box.x0 and box.x1 <= page.x1, f"{what} cut off at a side"
        assert page.y0 <= box.y0 and box.y1 <= page.y1, f"{what} cut off at the top or bottom"

    boxes = []
    for ax in fig.axes:
        ticks = []
        for axis in (ax.xaxis, ax.yaxis):
            labels = _shown_ticklabels(axis)
            assert all(t.get_fontsize() >= 6 for t in labels), "tick labels under 6 pt"
            assert _apart(labels, renderer), [t.get_text() for t in labels]
            ticks += labels
        titles = [ax.title, ax._left_title, ax._right_title]
        offsets = [ax.xaxis.get_offset_text(), ax.yaxis.get_offset_text()]
        words = [t for t in [ax.xaxis.label, ax.yaxis.label, *titles, *offsets] if t.get_text()]
        for a, b in itertools.combinations(words + ticks, 2):
            if a in words or b in words:  # labels and titles apart from each other and ticks
                apart = a.get_window_extent(renderer).padded(-0.5)
                assert not apart.overlaps(b.get_window_extent(renderer).padded(-0.5)), (
                    f"{a.get_text()!r} overlaps {b.get_text()!r}"
                )
        name = ax.get_title(loc="left") or ax.get_label()
        box = ax.get_tightbbox(renderer)
        assert box is not None
        inside(box, f"axes {name!r}")
        boxes.append((name, box.padded(-1)))
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"axes {a!r} and {b!r} overlap"
    for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]:
        if legend is not None:
            box = legend.get_window_extent(renderer)
            inside(box, "legend")
            if legend in fig.legends:
                for name, other in boxes:
                    assert not box.padded(-1).overlaps(other), f"legend over axes {name!r}"
    legends = [legend.get_window_extent(renderer) for legend in fig.legends]
    for text in fig.texts:  # a figure title or a label shared by the panels
        box = text.get_window_extent(renderer)
        inside(box, f"text {text.get_text()!r}")
        for other in legends + [b for _, b in boxes]:
            assert not box.padded(-1).overlaps(other), f"text {text.get_text()!r} overlaps"


def escalate_command() -> str:
    """The installed console script next to this interpreter (or on PATH)."""
    here = Path(sys.executable).parent / "escalate"
    found = str(here) if here.exists() else shutil.which("escalate")
    assert found, "the escalate command is not installed"
    return found
