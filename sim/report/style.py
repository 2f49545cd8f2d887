"""The paper style: sizes, colours and the matplotlib settings every figure is drawn with.

The settings live in ``paper.mplstyle`` beside this module. :func:`paper_style` applies them
for the duration of a ``with`` block only, so nothing process-wide changes.

>>> inches("one"), inches("two"), inches(5)
(3.5, 7.0, 5.0)
>>> player_colour(0), player_colour(1)
('#0072B2', '#D55E00')
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from matplotlib.figure import Figure

__all__ = [
    "PLAYER_COLOURS",
    "SERIES",
    "STYLE_FILE",
    "WIDTHS",
    "inches",
    "new_figure",
    "paper_style",
    "player_colour",
    "series_colour",
]

#: The style sheet.
STYLE_FILE = Path(__file__).with_name("paper.mplstyle")
#: Figure widths in inches: one journal column, or two (the page).
WIDTHS = {"one": 3.5, "two": 7.0}
#: Each player's colour in every figure (Okabe-Ito blue and vermillion): player 0, player 1.
PLAYER_COLOURS = ("#0072B2", "#D55E00")
#: The colours of other series (truces, strategies, metrics): the rest of Okabe-Ito but
#: its yellow, which is too light for lines on white.
SERIES = ("#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


def inches(width: str | float) -> float:
    """A figure width in inches: ``"one"`` (3.5), ``"two"`` (7) or a number of inches."""
    if isinstance(width, str):
        if width not in WIDTHS:
            raise ValueError(f"width {width!r}: expected one of {', '.join(WIDTHS)} or inches")
        return WIDTHS[width]
    if not 1.0 <= float(width) <= 20.0:
        raise ValueError(f"width {width!r}: expected between 1 and 20 inches")
    return float(width)


def player_colour(player: int) -> str:
    """The colour of player 0 or 1."""
    return PLAYER_COLOURS[player]


def series_colour(i: int) -> str:
    """The ``i``-th colour of other series, cycling."""
    return SERIES[i % len(SERIES)]


@functools.cache
def _settings() -> Any:
    import matplotlib as mpl

    params: Any = mpl.rc_params_from_file(str(STYLE_FILE), use_default_template=False)
    return dict(params)


def paper_style() -> AbstractContextManager[None]:
    """A context in which matplotlib draws and saves in the paper style."""
    import matplotlib as mpl

    context: AbstractContextManager[None] = mpl.rc_context(_settings())
    return context


def new_figure(width: str | float, height: float) -> Figure:
    """A figure ``width`` wide (see :func:`inches`) and ``height`` inches high, laid out by
    constrained layout so that titles, legends and colour bars stay inside it."""
    from matplotlib.figure import Figure

    return Figure(figsize=(inches(width), height), layout="constrained")
