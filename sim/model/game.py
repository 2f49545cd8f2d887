"""The compiled stage game: instruments with ladders, payoffs, leverage.

Both payoff forms of DESIGN.md section 2 compile to one :class:`Game`:

* the additive form, ``u_i = base_i + sum_{k owned by i} (gain_k - cost_k)[l_k]
  - sum_{k owned by j} e_k * pain_k[l_k] + interaction terms``;
* the direct matrix form, one payoff matrix per player over the two players' level
  profiles (for textbook games whose payoffs are not additive, e.g. the prisoner's dilemma).

Payoff evaluation is vectorised over matches: levels have shape ``(n_matches, n_instruments)``.
This module does no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from sim.errors import ModelError, Problem

if TYPE_CHECKING:
    import pandas as pd

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.integer]

#: Costs below this count as zero when leverage divides pain by cost.
LEVERAGE_EPS = 1e-9
#: Levels are stored as int8 in the engine.
LEVEL_DTYPE = np.int8
MAX_LEVELS = 127
#: Up to this many joint level profiles, payoffs are looked up in a precomputed table.
TABLE_PROFILES = 1 << 16
#: The same under decoupling, where the table changes every round (both paths add the
#: same terms in the same order, so they give identical payoffs).
DECOUPLED_TABLE_PROFILES = 1 << 10


@dataclass(frozen=True)
class Instrument:
    """One lever a player holds against the other, with its ladder.

    Parameters
    ----------
    name : str
        Unique among the owner's instruments (``tariff``, ``rare_earths`` ...).
    owner : int
        Index of the owning player (0 or 1).
    labels : tuple of str
        Ladder labels, level 0 first ("no measure").
    values : tuple of float, optional
        Real value of each level (a tariff rate in %, a count of controlled elements...).
    gain, cost, pain : tuple of float, optional
        Per-round benefit to the owner, harm to the owner and harm to the target at each
        level (all 0 at level 0). ``None`` in the matrix form.
    unit : str
        Unit of ``values``.
    initial : int
        Level at the start of every match.
    answers : str, optional
        Name of the opponent instrument this one mirrors (``tit_for_tat`` and the
        ``mirror`` choice of ``never_strike_first``). Default: pairing by position.
    decoupling : (half_life, floor), optional
        The target's exposure in round ``t`` is
        ``floor + (1 - floor) * 2 ** (-t / half_life)``; 1 throughout when omitted.
    """

    name: str
    owner: int
    labels: tuple[str, ...]
    values: tuple[float, ...] | None = None
    gain: tuple[float, ...] | None = None
    cost: tuple[float, ...] | None = None
    pain: tuple[float, ...] | None = None
    unit: str = ""
    initial: int = 0
    answers: str | None = None
    decoupling: tuple[float, float] | None = None

    @property
    def n_levels(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class Interaction:
    """Extra per-round payoff while instrument ``a`` is at least ``level_a`` and ``b`` at least
    ``level_b`` at the same time (lets additive games express any 2x2 ordering)."""

    a: int
    b: int
    level_a: int
    level_b: int
    payoff: tuple[float, float]


def _check_ladder(inst: Instrument, where: str, additive: bool) -> list[Problem]:
    problems: list[Problem] = []
    n = inst.n_levels
    if not 2 <= n <= MAX_LEVELS:
        problems.append(
            Problem(f"{where}.labels", f"a ladder needs 2 to {MAX_LEVELS} levels, got {n}")
        )
    if len(set(inst.labels)) != n:
        problems.append(Problem(f"{where}.labels", "ladder labels must be distinct"))
    if inst.values is not None:
        if len(inst.values) != n:
            problems.append(
                Problem(
                    f"{where}.values",
                    f"expected {n} values (one per ladder level), got {len(inst.values)}",
                )
            )
        elif not all(np.isfinite(inst.values)):
            problems.append(Problem(f"{where}.values", "values must be finite numbers"))
        elif any(b < a for a, b in zip(inst.values, inst.values[1:], strict=False)) and any(
            b > a for a, b in zip(inst.values, inst.values[1:], strict=False)
        ):
            problems.append(Problem(f"{where}.values", "values must be monotone along the ladder"))
    if inst.decoupling is not None and not (
        inst.decoupling[0] > 0 and 0 <= inst.decoupling[1] <= 1
    ):
        problems.append(
            Problem(f"{where}.decoupling", "expected half_life > 0 and 0 <= floor <= 1")
        )
    if not 0 <= inst.initial < max(n, 1):
        problems.append(
            Problem(f"{where}.initial", f"expected a level in 0..{n - 1}, got {inst.initial}")
        )
    for key in ("gain", "cost", "pain"):
        arr = getattr(inst, key)
        if arr is None:
            if additive:
                problems.append(
                    Problem(
                        f"{where}.{key}",
                        "required in the additive payoff form "
                        "(or give the game as [payoffs] matrices)",
                    )
                )
            continue
        if not additive:
            problems.append(
                Problem(
                    f"{where}.{key}", "not allowed when the game is given as [payoffs] matrices"
                )
            )
            continue
        if len(arr) != n:
            problems.append(
                Problem(
                    f"{where}.{key}",
                    f"expected {n} numbers (one per ladder level), got {len(arr)}",
                )
            )
            continue
        if arr[0] != 0:
            problems.append(
                Problem(
                    f"{where}.{key}[0]", f"level 0 means 'no measure' and must be 0, got {arr[0]}"
                )
            )
        for i, x in enumerate(arr):
            if not np.isfinite(x):
                problems.append(
                    Problem(f"{where}.{key}[{i}]", f"expected a finite number, got {x}")
                )
            elif key in ("pain", "cost") and x < 0:
                problems.append(Problem(f"{where}.{key}[{i}]", f"{key} must be >= 0, got {x}"))
    return problems


@dataclass(frozen=True, eq=False)
class Game:
    """A two-player stage game over instrument ladders, compiled for vectorised evaluation.

    Build with :meth:`from_instruments` (additive form) or :meth:`from_matrices`.
    Instruments are ordered player 0's first, then player 1's.
    """

    players: tuple[str, str]
    instruments: tuple[Instrument, ...]
    base: tuple[float, float] = (0.0, 0.0)
    interactions: tuple[Interaction, ...] = ()
    matrices: FloatArray | None = field(default=None, repr=False)
    # derived, filled in __post_init__
    owner: IntArray = field(init=False, repr=False)
    n_levels: IntArray = field(init=False, repr=False)
    net: FloatArray = field(init=False, repr=False)
    pain: FloatArray = field(init=False, repr=False)
    cost: FloatArray = field(init=False, repr=False)
    answer_of: IntArray = field(init=False, repr=False)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_instruments(
        cls,
        players: Sequence[str],
        instruments: Sequence[Instrument],
        *,
        base: Sequence[float] = (0.0, 0.0),
        interactions: Sequence[Interaction] = (),
    ) -> Game:
        """The additive form: every instrument carries ``gain``, ``cost`` and ``pain``."""
        return cls(_two(players), _ordered(instruments), _two_f(base), tuple(interactions), None)

    @classmethod
    def from_matrices(
        cls,
        players: Sequence[str],
        instruments: Sequence[Instrument],
        matrices: Sequence[Sequence[Sequence[float]]] | FloatArray,
    ) -> Game:
        """The matrix form: ``matrices[i][a][b]`` is player ``i``'s payoff when player 0 plays
        level profile ``a`` and player 1 plays ``b`` (profiles in C order over each player's
        instruments, so with one instrument per player a profile is just its level)."""
        arr = np.asarray(matrices, dtype=float)
        return cls(_two(players), _ordered(instruments), (0.0, 0.0), (), arr)

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        additive = self.matrices is None
        for inst in self.instruments:
            where = f"players.{self.players[inst.owner]}.instruments.{inst.name}"
            problems += _check_ladder(inst, where, additive)
        for p in (0, 1):
            names = [i.name for i in self.instruments if i.owner == p]
            if not names:
                problems.append(
                    Problem(
                        f"players.{self.players[p]}.instruments",
                        "each player needs at least one instrument",
                    )
                )
            if len(set(names)) != len(names):
                problems.append(
                    Problem(
                        f"players.{self.players[p]}.instruments", "instrument names must be unique"
                    )
                )
        if self.players[0] == self.players[1]:
            problems.append(Problem("players", "the two players need different names"))
        if problems:
            raise ModelError(problems)
        k = len(self.instruments)
        n_levels = np.array([i.n_levels for i in self.instruments], dtype=np.int64)
        lmax = int(n_levels.max())
        net = np.zeros((k, lmax))
        pain = np.zeros((k, lmax))
        cost = np.zeros((k, lmax))
        if self.matrices is not None:
            self._check_matrices(problems)
            if problems:
                raise ModelError(problems)
        for j, inst in enumerate(self.instruments):
            if inst.gain is not None and inst.cost is not None and inst.pain is not None:
                net[j, : inst.n_levels] = np.subtract(inst.gain, inst.cost)
                pain[j, : inst.n_levels] = inst.pain
                cost[j, : inst.n_levels] = inst.cost
        object.__setattr__(self, "owner", np.array([i.owner for i in self.instruments]))
        object.__setattr__(self, "n_levels", n_levels)
        if self.matrices is not None:
            net, pain = self._unilateral_effects(lmax)
            cost = np.maximum(-net, 0.0)
        for j, inter in enumerate(self.interactions):
            for idx, lv in ((inter.a, inter.level_a), (inter.b, inter.level_b)):
                if not 0 <= idx < k or not 1 <= lv < n_levels[idx]:
                    problems.append(
                        Problem(f"interactions[{j}]", "instrument or level outside the game")
                    )
        if problems:
            raise ModelError(problems)
        object.__setattr__(self, "net", net)
        object.__setattr__(self, "pain", pain)
        object.__setattr__(self, "cost", cost)
        object.__setattr__(self, "answer_of", self._answers(problems))
        if problems:
            raise ModelError(problems)

    def _check_matrices(self, problems: list[Problem]) -> None:
        assert self.matrices is not None
        want = (2, *self.profile_counts)
        if self.matrices.shape != want:
            problems.append(
                Problem(
                    "payoffs",
                    f"expected two matrices of shape {want[1:]} "
                    f"(level profiles of {self.players[0]} x {self.players[1]}), "
                    f"got an array of shape {self.matrices.shape}",
                )
            )
        elif not np.all(np.isfinite(self.matrices)):
            problems.append(Problem("payoffs", "payoffs must be finite numbers"))

    def _unilateral_effects(self, lmax: int) -> tuple[FloatArray, FloatArray]:
        """For the matrix form: net[k, l] and pain[k, l] as the change in the owner's and the
        target's payoff when instrument k alone moves from baseline to level l."""
        k = len(self.instruments)
        net = np.zeros((k, lmax))
        pain = np.zeros((k, lmax))
        zero = np.zeros((1, k), dtype=np.int64)
        u0 = self.payoffs(zero)[0]
        for j, inst in enumerate(self.instruments):
            lv = np.zeros((inst.n_levels, k), dtype=np.int64)
            lv[:, j] = np.arange(inst.n_levels)
            u = self.payoffs(lv)
            net[j, : inst.n_levels] = u[:, inst.owner] - u0[inst.owner]
            pain[j, : inst.n_levels] = u0[1 - inst.owner] - u[:, 1 - inst.owner]
        return net, pain

    def _answers(self, problems: list[Problem]) -> IntArray:
        """answer_of[j] = index of the instrument that answers opponent instrument j."""
        answer_of = np.full(len(self.instruments), -1, dtype=np.int64)
        for i, inst in enumerate(self.instruments):
            if inst.answers is None:
                continue
            opp = [j for j in self.of(1 - inst.owner) if self.instruments[j].name == inst.answers]
            if not opp:
                problems.append(
                    Problem(
                        f"players.{self.players[inst.owner]}.instruments.{inst.name}.answers",
                        f"no instrument {inst.answers!r} of {self.players[1 - inst.owner]}; "
                        f"expected one of "
                        f"{[self.instruments[j].name for j in self.of(1 - inst.owner)]}",
                    )
                )
            elif answer_of[opp[0]] >= 0:
                other = self.instruments[int(answer_of[opp[0]])].name
                problems.append(
                    Problem(
                        f"players.{self.players[inst.owner]}.instruments.{inst.name}.answers",
                        f"{inst.answers!r} is already answered by {other!r}; each opponent "
                        f"instrument is answered by one instrument",
                    )
                )
            else:
                answer_of[opp[0]] = i
        for p in (0, 1):
            own, opp = self.of(p), self.of(1 - p)
            for pos, j in enumerate(opp):
                if answer_of[j] < 0:
                    answer_of[j] = own[pos % len(own)]
        return answer_of

    # ------------------------------------------------------------------ structure
    @property
    def n_instruments(self) -> int:
        return len(self.instruments)

    def of(self, player: int) -> list[int]:
        """Indices of the instruments owned by ``player``."""
        return [i for i, inst in enumerate(self.instruments) if inst.owner == player]

    @cached_property
    def spans(self) -> tuple[slice, slice]:
        """Each player's instruments as a slice of the instrument axis (owners are ordered)."""
        s0, s1 = (slice(self.of(p)[0], self.of(p)[-1] + 1) for p in (0, 1))
        return s0, s1

    @cached_property
    def profile_counts(self) -> tuple[int, int]:
        """Number of level profiles of each player (product of its ladder lengths)."""
        counts = [1, 1]
        for inst in self.instruments:
            counts[inst.owner] *= inst.n_levels
        return counts[0], counts[1]

    @cached_property
    def decouples(self) -> bool:
        """Whether any exposure changes over time."""
        return any(i.decoupling is not None for i in self.instruments)

    def exposure(self, t: int | FloatArray) -> FloatArray:
        """Each target's exposure to each instrument in round ``t``: shape
        ``(n_instruments,)``, or ``(len(t), n_instruments)`` for an array of rounds.

        ``e_k(t) = floor_k + (1 - floor_k) * 2 ** (-t / half_life_k)`` (DESIGN.md section 2),
        1 for instruments without decoupling.
        """
        rounds = np.asarray(t, dtype=float)
        out = np.ones((*rounds.shape, self.n_instruments))
        for j, inst in enumerate(self.instruments):
            if inst.decoupling is not None:
                half_life, floor = inst.decoupling
                out[..., j] = floor + (1.0 - floor) * np.exp2(-rounds / half_life)
        return out

    @property
    def initial_levels(self) -> IntArray:
        """Shape ``(n_instruments,)``."""
        return np.array([i.initial for i in self.instruments], dtype=np.int64)

    def instrument_index(self, player: str, name: str) -> int:
        for i, inst in enumerate(self.instruments):
            if self.players[inst.owner] == player and inst.name == name:
                return i
        raise KeyError(f"{player}.{name}")

    # ------------------------------------------------------------------ payoffs
    def payoffs(self, levels: IntArray, exposure: FloatArray | None = None) -> FloatArray:
        """Stage payoffs of both players.

        Parameters
        ----------
        levels : int array, shape ``(n_matches, n_instruments)``
        exposure : float array, shape ``(n_instruments,)``, optional
            Target's exposure to each instrument (decoupling); 1 where omitted.

        Returns
        -------
        float array, shape ``(n_matches, 2)``
        """
        lv = np.asarray(levels)
        if lv.ndim != 2 or lv.shape[1] != self.n_instruments:
            raise ValueError(
                f"levels must have shape (n_matches, {self.n_instruments}), got {lv.shape}"
            )
        if np.any(lv < 0) or np.any(lv >= self.n_levels):
            raise ValueError("levels outside the ladders")
        return self.payoffs_by_instrument(lv.T, exposure).T

    def payoffs_by_instrument(
        self, levels: IntArray, exposure: FloatArray | None = None, out: FloatArray | None = None
    ) -> FloatArray:
        """As :meth:`payoffs` with transposed layout: levels ``(n_instruments, n_matches)`` in,
        payoffs ``(2, n_matches)`` out. The engine's hot path; does not validate levels.

        Small games (up to :data:`TABLE_PROFILES` joint profiles) look payoffs up in a table
        over joint profiles; larger ones add instrument effects one by one.
        """
        n = levels.shape[1]
        if out is None:
            out = np.empty((2, n))
        n0, n1 = self.profile_counts
        limit = DECOUPLED_TABLE_PROFILES if self.decouples else TABLE_PROFILES
        if self.matrices is None and n0 * n1 > limit:
            return self._additive(levels, exposure, out)
        table = self.profile_table(exposure)
        idx = self.profile_index(levels).astype(np.intp)  # take would convert it twice
        np.take(table[0], idx, out=out[0], mode="clip")
        np.take(table[1], idx, out=out[1], mode="clip")
        return out

    @property
    def n_profiles(self) -> int:
        """Number of joint level profiles (product of all ladder lengths)."""
        n0, n1 = self.profile_counts
        return n0 * n1

    @cached_property
    def profile_dtype(self) -> type[np.integer[Any]]:
        """The narrowest integer type that holds a joint profile index."""
        p = self.n_profiles
        return np.int8 if p <= 127 else np.int16 if p <= 32767 else np.intp

    def profile_index(self, levels: IntArray, out: IntArray | None = None) -> IntArray:
        """Joint profile of each match, ``(n_matches,)``: the C-order ravel of its levels
        ``(n_instruments, n_matches)`` over all instruments, in the narrowest integer type
        that holds :attr:`n_profiles` (or written into ``out``, of that type)."""
        kind = self.profile_dtype
        # Each player has an instrument, so there are at least two. The first product
        # makes (or fills) the result: one pass fewer than a copy.
        idx: IntArray = np.multiply(levels[0], self.instruments[1].n_levels, dtype=kind, out=out)
        idx += levels[1]
        for j in range(2, self.n_instruments):
            idx *= kind(self.instruments[j].n_levels)
            idx += levels[j]
        return idx

    def profile_table(self, exposure: FloatArray | None = None) -> FloatArray:
        """Payoffs of both players over joint profiles (see :meth:`profile_index`), shape
        ``(2, n_profiles)``; cached for the last exposure seen (none means all ones)."""
        e = np.ones(self.n_instruments) if exposure is None else np.asarray(exposure, float)
        key = e.tobytes()
        cache: dict[bytes, FloatArray] = self.__dict__.setdefault("_table_cache", {})
        if key not in cache:
            if self.matrices is not None:
                table = self.matrices.reshape(2, -1).copy()
            else:
                grid = np.indices([i.n_levels for i in self.instruments]).reshape(
                    self.n_instruments, -1
                )
                table = self._additive(grid, e, np.empty((2, grid.shape[1])))
            cache.clear()
            cache[key] = table
        return cache[key]

    def _additive(
        self, levels: IntArray, exposure: FloatArray | None, out: FloatArray
    ) -> FloatArray:
        table = self.effect_table(exposure)
        out[0].fill(self.base[0])
        out[1].fill(self.base[1])
        for j in range(self.n_instruments):
            out += table[j].take(levels[j], axis=1)
        for inter in self.interactions:
            both = (levels[inter.a] >= inter.level_a) & (levels[inter.b] >= inter.level_b)
            out[0] += both * inter.payoff[0]
            out[1] += both * inter.payoff[1]
        return out

    def effect_table(self, exposure: FloatArray | None = None) -> FloatArray:
        """Shape ``(n_instruments, 2, max_levels)``: each level's additive effect on each
        player's payoff (``net`` for the owner, ``-exposure * pain`` for the target)."""
        k, lmax = self.net.shape
        e = np.ones(k) if exposure is None else np.asarray(exposure, dtype=float)
        table = np.zeros((k, 2, lmax))
        for j in range(k):
            o = int(self.owner[j])
            table[j, o] = self.net[j]
            table[j, 1 - o] = -e[j] * self.pain[j]
        return table

    def profiles(self, player: int) -> IntArray:
        """All level profiles of ``player``: shape ``(n_profiles, n_own_instruments)``, C order."""
        sizes = [self.instruments[j].n_levels for j in self.of(player)]
        grid = np.indices(sizes).reshape(len(sizes), -1).T
        return grid.astype(np.int64)

    def payoff_matrices(self, exposure: FloatArray | None = None) -> FloatArray:
        """Shape ``(2, n_profiles_0, n_profiles_1)``: the stage game over level profiles."""
        if self.matrices is not None:
            return self.matrices.copy()
        return self._additive_matrices(exposure)

    def _additive_matrices(self, exposure: FloatArray | None) -> FloatArray:
        """:meth:`payoff_matrices` of the additive form in O(n0 * n1) memory: each player's
        profiles contribute a vector to both payoffs, and the matrices are their outer sum
        (plus interaction terms, each an outer product of two profile indicators)."""
        table = self.effect_table(exposure)  # (k, 2, max_levels)
        n0, n1 = self.profile_counts
        level: dict[int, IntArray] = {}  # instrument -> its level in each of its owner's profiles
        contrib = []
        for p in (0, 1):
            prof = self.profiles(p)
            part = np.zeros((2, len(prof)))
            for col, j in enumerate(self.of(p)):
                level[j] = prof[:, col]
                part += table[j][:, level[j]]
            contrib.append(part)
        out = np.empty((2, n0, n1))
        for i in (0, 1):
            out[i] = self.base[i] + contrib[0][i][:, None] + contrib[1][i][None, :]

        def indicator(j: int, lv: int) -> FloatArray:
            on = (level[j] >= lv).astype(float)
            return on[:, None] if self.owner[j] == 0 else on[None, :]

        for inter in self.interactions:
            both = indicator(inter.a, inter.level_a) * indicator(inter.b, inter.level_b)
            out[0] += both * inter.payoff[0]
            out[1] += both * inter.payoff[1]
        return out

    def reduction(self, player: int = 0) -> dict[str, float]:
        """The restrain-versus-escalate reduction from ``player``'s side: its payoffs R (both
        restrain: all instruments at baseline), S (it restrains, the other escalates every
        instrument to the top), T (the reverse) and P (both escalate)."""
        k = self.n_instruments
        top = self.n_levels - 1
        lv = np.zeros((4, k), dtype=np.int64)
        mine, theirs = self.of(player), self.of(1 - player)
        lv[1, theirs] = top[theirs]  # S
        lv[2, mine] = top[mine]  # T
        lv[3] = top  # P
        u = self.payoffs(lv)[:, player]
        return {"R": float(u[0]), "S": float(u[1]), "T": float(u[2]), "P": float(u[3])}

    # ------------------------------------------------------------------ leverage
    def pain_per_cost(self, exposure: FloatArray | None = None) -> FloatArray:
        """Shape ``(n_instruments, max_levels)``: ``e_k * pain_k[l] / max(cost_k[l], eps)``
        (in the matrix form, cost is the owner's own loss ``max(-net, 0)``); 0 at level 0."""
        e = np.ones(self.n_instruments) if exposure is None else np.asarray(exposure, float)
        own_cost = np.maximum(self.cost, LEVERAGE_EPS)
        ratio = e[:, None] * self.pain / own_cost
        ratio[:, 0] = 0.0
        return ratio

    def leverage_order(self, player: int, exposure: FloatArray | None = None) -> list[int]:
        """The player's instruments, highest top-level pain-to-own-cost ratio first (ties:
        more pain first, then declaration order)."""
        ratio = self.pain_per_cost(exposure)
        top = self.n_levels - 1
        own = self.of(player)
        return sorted(own, key=lambda j: (-ratio[j, top[j]], -self.pain[j, top[j]], j))

    def leverage_trend(self, rounds: Sequence[int]) -> pd.DataFrame:
        """:meth:`leverage` in each of ``rounds`` under decoupling, stacked, with a ``round``
        column: how each lever loses force over time."""
        import pandas as pd

        frames = [self.leverage(self.exposure(t)).assign(round=t) for t in rounds]
        table = pd.concat(frames, ignore_index=True)
        return table[["round", *[c for c in table.columns if c != "round"]]]

    def leverage(self, exposure: FloatArray | None = None) -> pd.DataFrame:
        """Each instrument's leverage as a table (one row per instrument): the pain its top
        level inflicts, the owner's own cost there and their ratio."""
        import pandas as pd

        e = np.ones(self.n_instruments) if exposure is None else np.asarray(exposure, float)
        ratio = self.pain_per_cost(exposure)
        rows = []
        for j, inst in enumerate(self.instruments):
            top = inst.n_levels - 1
            rows.append(
                {
                    "player": self.players[inst.owner],
                    "instrument": inst.name,
                    "top_level": inst.labels[top],
                    "exposure": e[j],
                    "top_pain": e[j] * self.pain[j, top],
                    "top_own_cost": self.cost[j, top],
                    "pain_per_cost": ratio[j, top],
                }
            )
        return pd.DataFrame(rows)


def _two(players: Sequence[str]) -> tuple[str, str]:
    if len(players) != 2:
        raise ModelError([Problem("players", f"expected exactly 2 players, got {len(players)}")])
    return (str(players[0]), str(players[1]))


def _two_f(base: Sequence[float]) -> tuple[float, float]:
    return (float(base[0]), float(base[1]))


def _ordered(instruments: Sequence[Instrument]) -> tuple[Instrument, ...]:
    return tuple(sorted(instruments, key=lambda i: i.owner))
