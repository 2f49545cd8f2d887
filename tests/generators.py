"""Hypothesis generators shared by the property tests: random games (ladders of any sign),
valid strategy specs with random parameters, rules and plans."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st

from sim import strategies
from sim.engine import Plan, Rules
from sim.model import Game, Instrument
from sim.strategies import StrategySpec, spec
from tests.conftest import playable

#: The bundled strategies (test modules may register scripted ones; they are left out here).
BUNDLED = [n for n in strategies.names() if strategies.get(n).__module__.startswith("sim.")]
NICE = [n for n in BUNDLED if spec(n).facts.nice]
PLAYERS = ("US", "CN")

probabilities = st.sampled_from([0.0, 0.1, 0.25, 1 / 3, 0.5, 0.9, 1.0])
small = st.integers(0, 40).map(lambda x: x / 4)  # 0, 0.25, ..., 10 (exact binary fractions)


def param_specs(name: str) -> st.SearchStrategy[StrategySpec]:
    """The defaults, or random valid parameters for the strategies that take some."""
    default = st.just(spec(name))
    if name == "never_strike_first":
        return st.one_of(
            default,
            st.builds(
                lambda ratio, lag, cap, choice, forgive: spec(
                    name, ratio=ratio, lag=lag, cap=cap, instrument_choice=choice, forgive=forgive
                ),
                st.sampled_from([0.0, 0.5, 1.0, 1.5, 3.0]),
                st.integers(0, 3),
                st.one_of(st.none(), small),
                st.sampled_from(["mirror", "most_leverage", "spread"]),
                st.booleans(),
            ),
        )
    if name == "memory_one":
        return st.one_of(
            default,
            st.builds(
                lambda a, b, c, d, e: spec(name, p_cc=a, p_cd=b, p_dc=c, p_dd=d, p0=e),
                probabilities,
                probabilities,
                probabilities,
                probabilities,
                probabilities,
            ),
        )
    if name == "generous_tit_for_tat":
        return st.one_of(default, probabilities.map(lambda g: spec(name, g=g)))
    if name == "random":
        return st.one_of(default, probabilities.map(lambda p: spec(name, p=p)))
    return default


strategy_specs = st.sampled_from(BUNDLED).flatmap(param_specs)
nice_specs = st.sampled_from(NICE).flatmap(param_specs).filter(lambda s: s.facts.nice)


@st.composite
def ladders(draw: Any, owner: int, index: int, max_levels: int, initial: bool) -> Instrument:
    """One instrument: 2..max_levels rungs, gain of any sign, cost and pain >= 0, all 0 at
    level 0."""
    n = draw(st.integers(2, max_levels))

    def row(elements: st.SearchStrategy[float]) -> tuple[float, ...]:
        return (0.0, *draw(st.lists(elements, min_size=n - 1, max_size=n - 1)))

    return Instrument(
        name=f"i{index}",
        owner=owner,
        labels=tuple(f"L{lv}" for lv in range(n)),
        gain=row(small.map(lambda x: x - 3.0)),
        cost=row(small),
        pain=row(small),
        initial=draw(st.integers(0, n - 1)) if initial else 0,
    )


@st.composite
def games(draw: Any, max_levels: int = 5, initial: bool = False) -> Game:
    """A random additive game: 2 players with 1-3 instruments each."""
    insts = [
        draw(ladders(owner, i, max_levels, initial))
        for owner in (0, 1)
        for i in range(draw(st.integers(1, 3)))
    ]
    return Game.from_instruments(PLAYERS, insts, base=(draw(small), draw(small)))


@st.composite
def rules(draw: Any, max_rounds: int = 12, noisy: bool = True, max_step: int = 4) -> Rules:
    noise = st.sampled_from([0.0, 0.05, 0.3]) if noisy else st.just(0.0)
    return Rules(
        rounds=draw(st.integers(1, max_rounds)),
        max_step=draw(st.one_of(st.none(), st.integers(1, max_step))),
        execution=(draw(noise), draw(noise)),
        perception=(draw(noise), draw(noise)),
    )


@st.composite
def plans(
    draw: Any, max_levels: int = 5, max_rounds: int = 12, noisy: bool = True, initial: bool = True
) -> Plan:
    game = draw(games(max_levels, initial))
    plan = Plan(
        game,
        (draw(strategy_specs), draw(strategy_specs)),
        draw(rules(max_rounds, noisy, max_step=max(4, max_levels - 1))),
    )
    assume(playable(plan))  # e.g. extortion is defined on two-level dilemmas only
    return plan


seeds = st.integers(0, 2**32)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
