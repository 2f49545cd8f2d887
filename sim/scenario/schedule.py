"""Scheduled events and truce rules, compiled to rounds and instrument indices.

Pure data, built by the scenario loader (:mod:`sim.scenario`) and read by the engine. No
dates here: the loader turns dates into rounds with :class:`sim.scenario.calendar.Calendar`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from sim.model.deal import Rule

#: Cap code in :attr:`TruceStart.caps` for an instrument frozen at its level at the start.
FREEZE = -1
#: Cap code for an instrument the truce does not cover.
FREE = -2


def resolve_caps(
    spec: tuple[int, ...], levels: NDArray[np.int8], top: NDArray[np.int8]
) -> NDArray[np.int8]:
    """Caps of a truce starting at ``levels`` (``(k,)`` or ``(k, n)``; ``top`` the same
    shape or broadcastable): the level a cap names, the level itself where frozen, the top
    where the truce leaves the instrument free."""
    code = np.asarray(spec, dtype=np.int16).reshape((-1,) + (1,) * (levels.ndim - 1))
    caps = np.where(code == FREEZE, levels, np.where(code == FREE, top, code))
    return caps.astype(np.int8)


@dataclass(frozen=True)
class TruceKind:
    """A named truce: its term (rounds) and the probability it is renewed when a term ends."""

    name: str
    term: int
    renewal: float


@dataclass(frozen=True)
class TruceStart:
    """A scheduled truce start: which kind, and a cap per instrument (a level, or
    :data:`FREEZE` or :data:`FREE`); a bargained start takes its caps and term from
    :attr:`Schedule.bargaining` at the levels in force instead."""

    kind: int
    caps: tuple[int, ...]
    bargained: bool = False


@dataclass(frozen=True)
class Record:
    """The terms a real negotiation struck (``[bargaining.record]``): its round, a cap per
    instrument (:data:`FREEZE` where the record names none) and the term, if known."""

    round: int
    caps: tuple[int, ...]
    term: int | None
    source: str = ""


@dataclass(frozen=True)
class Negotiation:
    """The negotiation rule (see :class:`sim.scenario.schema.Negotiation`)."""

    threshold: tuple[float, float]
    min_rapport: float
    p_agree: float
    kind: int  # index of the negotiated truce kind in Schedule.kinds
    rollback: str | float  # "baseline", "freeze" or a fraction rolled back


@dataclass(frozen=True)
class Schedule:
    """Everything about events, truces and rapport that the engine needs.

    Attributes
    ----------
    sets : round -> ``((instrument, level), ...)`` forced moves, in file order
    starts : round -> scheduled truce starts, in file order
    kinds : the truce kinds (scheduled ones by name, then the negotiated kind if any)
    replay : last replayed round (inclusive), or -1 for none
    script : ``(replay + 1, n_instruments)`` levels of the replayed rounds
    rapport : ``(initial, erosion per rung stepped up, repair per kept round)``
    negotiation : the negotiation rule, or ``None``
    bargaining : how bargained truces strike their terms (negotiated truces and scheduled
        ones marked ``bargained``), or ``None`` (caps as the file gives them)
    record : the record's bargain to compare with (``[bargaining.record]``), or ``None``
    """

    sets: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    starts: dict[int, tuple[TruceStart, ...]] = field(default_factory=dict)
    kinds: tuple[TruceKind, ...] = ()
    replay: int = -1
    script: NDArray[np.int8] = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int8))
    rapport: tuple[float, float, float] = (1.0, 0.0, 0.0)
    negotiation: Negotiation | None = None
    bargaining: Rule | None = None
    record: Record | None = None

    @property
    def truces(self) -> bool:
        """Whether any truce can exist (scheduled or negotiated)."""
        return bool(self.starts) or self.negotiation is not None

    @property
    def active(self) -> bool:
        """Whether the engine needs the event and truce machinery at all."""
        return (
            self.truces
            or bool(self.sets)
            or self.replay >= 0
            or self.rapport[1] > 0
            or self.rapport[2] > 0
        )

    @property
    def random(self) -> bool:
        """Whether truces draw random numbers (renewal or negotiation)."""
        return self.negotiation is not None or any(0 < k.renewal < 1 for k in self.kinds)
