"""Feedback on a terminal for long commands: a progress bar and a spinner, both on
standard error, and nothing at all when it is not a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


def progress(
    label: str, *, unit: str | None = None
) -> tuple[Callable[[int, int], None] | None, Callable[[], None]]:
    """A rich progress bar on a terminal (stderr); nothing otherwise. With ``unit`` (e.g.
    ``"cells"``) it also shows how many are left. Work already done when the first update
    comes (a resumed sweep) does not count towards the speed and the time left."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        return None, lambda: None
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    left = [TextColumn(f"{unit}, {{task.fields[left]}} left")] if unit else []
    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        *left,
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task(label, total=None, left="?")
    bar.start()
    first = True

    def update(done: int, total: int) -> None:
        nonlocal first
        if first:
            bar.reset(task, total=total, completed=done, left=total - done)
            first = False
        bar.update(task, completed=done, total=total, left=total - done)

    return update, bar.stop


@contextmanager
def tracked(label: str, *, unit: str | None = None) -> Iterator[Callable[[int, int], None] | None]:
    """:func:`progress` as a context: yields the update function and stops the bar on
    leaving, however the work ends."""
    update, stop = progress(label, unit=unit)
    try:
        yield update
    finally:
        stop()


@contextmanager
def status(text: str) -> Iterator[None]:
    """A spinner on a terminal (stderr) while work runs; nothing otherwise."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield
        return
    with console.status(text):
        yield
