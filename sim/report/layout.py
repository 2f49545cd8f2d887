"""Layout helpers shared by the figures: widths of text in the paper style's font, labels
shortened or wrapped to fit, round tick steps and thinned tick labels, new or given axes.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

IntArray = NDArray[np.intp]

#: Below this width (inches) a figure is laid out for one column: panels one above the other.
NARROW = 5.0


#: Mean width of a character in DejaVu Sans, as a share of the font size (for estimates).
CHAR = 0.6


def index_ticks(n: int, most: int = 8) -> IntArray:
    """At most about ``most`` evenly spaced profile indices in ``0..n-1``, on a round step
    (1, 2, 2.5 or 5 times a power of ten, an integer)."""
    raw = max(1.0, (n - 1) / most)
    steps = [m * 10.0 ** np.floor(np.log10(raw)) for m in (1, 2, 2.5, 5, 10)]
    step = int(next(s for s in steps if s >= raw and s.is_integer()))
    return np.arange(0, n, step, dtype=np.intp)


def unique_short(labels: Sequence[str], most: int) -> list[str]:
    """``labels`` cut to ``most`` characters (with an ellipsis), keeping them distinct: a
    label that would collide with another keeps its end instead of its start."""
    short = [x if len(x) <= most else x[: most - 1] + "…" for x in labels]
    for i, x in enumerate(short):
        if short.count(x) > 1:
            short[i] = labels[i] if len(labels[i]) <= most else "…" + labels[i][-(most - 1) :]
    return short


def given_axes(ax: Sequence[Axes], n: int) -> tuple[Figure, list[Axes]]:
    """The figure of the ``n`` axes a caller passed to draw into, checked."""
    from matplotlib.figure import Figure

    if len(ax) != n:
        raise ValueError(f"this figure draws {n} panel{'s' if n != 1 else ''}: pass {n} axes")
    root = ax[0].get_figure(root=True)
    if not isinstance(root, Figure):
        raise ValueError("ax must belong to a figure")
    return root, list(ax)


def text_inches(chars: int, size: float) -> float:
    """About how wide ``chars`` characters are at font ``size`` (points), in inches."""
    return chars * CHAR * size / 72


@functools.cache
def text_width(text: str, size: float) -> float:
    """How wide ``text`` is in the paper style's font at ``size`` points, in inches."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    font = FontProperties(family="DejaVu Sans", size=size)
    width, _, _ = TextToPath().get_text_width_height_descent(text, font, ismath=False)
    return float(width) / 72


def wrap(label: str, length: float, size: float = 8.0) -> str:
    """``label`` broken at spaces into lines that fit ``length`` inches at font ``size``
    (a word longer than a line stays whole)."""
    words = label.split(" ")
    lines = [words[0]]
    for word in words[1:]:
        if text_width(f"{lines[-1]} {word}", size) <= length:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


#: Font size of tick labels (the style's) and of values written in cells, in points.
TICK_FONT = 7.0


def wrap_name(name: str, length: float, size: float = 8.0) -> str:
    """A dotted name broken after dots into lines that fit ``length`` inches at font
    ``size`` (a part longer than a line stays whole).

    >>> print(wrap_name("truce.Busan.breached_by.US", 1.2))
    truce.Busan.
    breached_by.US
    """
    most = max(8, int(length / text_inches(1, size)))
    lines = [""]
    for part in name.replace(".", ".\n").splitlines():
        if lines[-1] and len(lines[-1]) + len(part) > most:
            lines.append("")
        lines[-1] += part
    return "\n".join(lines)


def tick_plan(
    labels: Sequence[str], length: float, categories: bool
) -> tuple[NDArray[np.intp], bool, float]:
    """Which of the x tick labels of grid positions ``0..n-1`` to show on an axis ``length``
    inches long, whether slanted, and how far they reach down from the axis (inches): all
    of them level when they fit; else numbers thinned to every k-th while at least three
    fit level; else (categories, or numbers too crowded) slanted at 45 degrees, thinned
    only if even so they would touch."""
    n = len(labels)
    line = 1.3 * TICK_FONT / 72  # a label's height, with the gap to the next
    wide = max(text_inches(len(label), TICK_FONT) for label in labels) + 0.08
    fit = int(length / wide)
    if fit >= n or (not categories and fit >= 3):
        return index_ticks(n, max(1, fit)), False, line
    at = index_ticks(n, max(1, int(length * math.sin(math.pi / 4) / line)))
    longest = max(len(labels[i]) for i in at)
    return at, True, (text_inches(longest, TICK_FONT) + line) * math.sin(math.pi / 4)


def grid_xticks(axis: Axes, labels: Sequence[str], length: float, categories: bool) -> None:
    """The x tick labels of grid positions, as :func:`tick_plan` says."""
    at, slanted, _ = tick_plan(labels, length, categories)
    slant: dict[str, Any] = {"rotation": 45, "ha": "right", "rotation_mode": "anchor"}
    axis.set_xticks(at, [labels[i] for i in at], **(slant if slanted else {}))


def grid_yticks(axis: Axes, labels: Sequence[str], length: float) -> None:
    """The y tick labels of grid positions, every k-th when they would touch."""
    at = index_ticks(len(labels), max(1, int(length / (1.3 * TICK_FONT / 72))))
    axis.set_yticks(at, [labels[i] for i in at])


def number_ticks(low: float, high: float, length: float) -> tuple[list[float], list[str]]:
    """Ticks on round steps between ``low`` and ``high`` for an axis ``length`` inches
    long, as many as fit level with their labels (``:g``) apart, and the labels.

    >>> number_ticks(0.0, 0.001, 1.4)
    ([0.0, 0.0005, 0.001], ['0', '0.0005', '0.001'])
    >>> number_ticks(0.0, 0.2, 2.5)[1]
    ['0', '0.05', '0.1', '0.15', '0.2']
    """
    from matplotlib.ticker import MaxNLocator

    if high <= low:
        return [low], [f"{low:g}"]
    span = 1e-9 * (high - low)
    for most in range(8, 0, -1):
        at = MaxNLocator(nbins=most, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
        ticks = [float(f"{t:.12g}") for t in at if low - span <= t <= high + span]
        labels = [f"{t:g}" for t in ticks]
        room = sum(text_inches(len(t), TICK_FONT) for t in labels) + 0.12 * (len(labels) - 1)
        if room <= length or len(ticks) <= 2:
            return ticks, labels
    return ticks, labels


def axes_inches(axis: Axes) -> tuple[float, float]:
    """About how wide and high given axes will be once laid out, in inches."""
    box = axis.get_position()
    w, h = axis.get_figure(root=True).get_size_inches()  # type: ignore[union-attr]
    return 0.85 * box.width * w, 0.8 * box.height * h
