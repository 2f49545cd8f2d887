"""The result of a simulation, as pandas tables: summary, rounds, matches, trajectories.

Tables are computed from the reduced run on demand; pandas and scipy are imported only here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from sim.engine.reduce import BOTH, NOBODY, RunData
from sim.stats.intervals import count_quantile, mean, point, share

if TYPE_CHECKING:
    import pandas as pd

    from sim.run.scenario import Scenario


#: Quantiles of levels across matches reported per round.
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True, eq=False)
class Result:
    """Many matches of one scenario, reduced.

    Attributes
    ----------
    scenario : the scenario that was run (with any overrides applied)
    seed : the seed of the run
    data : the raw reduced arrays (:class:`sim.engine.RunData`)
    info : how it ran (workers, block size, seconds)
    """

    scenario: Scenario
    seed: int
    data: RunData = field(repr=False)
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def matches_count(self) -> int:
        return self.data.n_matches

    @property
    def rounds_count(self) -> int:
        return int(self.data.level_counts.shape[0])

    # ------------------------------------------------------------------ dates
    def dates(self) -> pd.DatetimeIndex | None:
        """Calendar date of each round, or ``None`` when the scenario gives no start."""
        import pandas as pd

        cal = self.scenario.plan.calendar
        if cal is None:
            return None
        return pd.DatetimeIndex(cal.dates(self.rounds_count))

    @property
    def has_truces(self) -> bool:
        """Whether the scenario has truce, rapport or event machinery."""
        return self.scenario.plan.schedule.active

    # ------------------------------------------------------------------ tables
    def rounds(self) -> pd.DataFrame:
        """One row per round: mean payoffs, the share of matches at peace (every instrument
        at baseline) and escalating, and per instrument the mean level and the 5, 25, 50,
        75 and 95% quantiles across matches (exact, from level counts); with ``values`` on
        the ladder, also the mean value."""
        import pandas as pd

        d, game = self.data, self.scenario.game
        m = self.matches_count
        cols: dict[str, Any] = {"round": np.arange(self.rounds_count)}
        dates = self.dates()
        if dates is not None:
            cols["date"] = dates
        pay = d.pay_sum / m
        for p, name in enumerate(game.players):
            cols[f"payoff_{name}"] = pay[:, p]
        cols["peace_share"] = d.peace / m
        for p, name in enumerate(game.players):
            cols[f"escalating_{name}"] = d.escalating[:, p] / m
        for j, inst in enumerate(game.instruments):
            key = f"{game.players[inst.owner]}.{inst.name}"
            counts = d.level_counts[:, j, : inst.n_levels]
            levels = np.arange(inst.n_levels)
            cols[f"{key}.mean"] = counts @ levels / m
            for q in QUANTILES:
                cols[f"{key}.q{round(q * 100):02d}"] = count_quantile(counts, q)
            if inst.values is not None:
                cols[f"{key}.value_mean"] = counts @ np.asarray(inst.values) / m
        if self.has_truces:
            cols["truce_share"] = d.in_truce / m
            cols["rapport_mean"] = d.rapport_sum / m
        return pd.DataFrame(cols)

    def matches(self) -> pd.DataFrame:
        """One row per match: mean payoff per round and discounted payoff of each player,
        the payoff summed over rounds, the first escalation (round and who: a player,
        ``both`` or ``none``) that happened, including those caused by execution noise, and
        the first deliberate one (a strategy chose a level above the current one, perhaps
        answering an escalation caused by noise or misperceived), the rungs each player
        stepped up, the rounds at peace and the final level of each instrument."""
        import pandas as pd

        d, game = self.data, self.scenario.game
        r = self.rounds_count
        cols: dict[str, Any] = {"match": np.arange(self.matches_count)}
        for p, name in enumerate(game.players):
            cols[f"payoff_{name}"] = d.total[p] / r
        for p, name in enumerate(game.players):
            cols[f"total_{name}"] = d.total[p]
        for p, name in enumerate(game.players):
            cols[f"discounted_{name}"] = d.discounted[p]
        cols["first_escalation_round"] = pd.Series(d.first_round, dtype="Int64").mask(
            d.first_round < 0
        )
        labels = np.array([*game.players, "both", "none"], dtype=object)
        cols["first_escalator"] = labels[np.where(d.first_who == NOBODY, 3, d.first_who)]
        cols["first_deliberate_round"] = pd.Series(d.chosen_round, dtype="Int64").mask(
            d.chosen_round < 0
        )
        cols["first_deliberate_by"] = labels[np.where(d.chosen_who == NOBODY, 3, d.chosen_who)]
        dates = self.dates()
        if dates is not None:
            for col in ("first_escalation", "first_deliberate"):
                rounds = cols[f"{col}_round"]
                cols[f"{col}_date"] = pd.Series(dates[rounds.fillna(0).to_numpy(dtype=int)]).where(
                    rounds.notna().to_numpy()
                )
        for p, name in enumerate(game.players):
            cols[f"steps_{name}"] = d.steps[p]
        cols["peace_rounds"] = d.peace_rounds
        for j, inst in enumerate(game.instruments):
            cols[f"final.{game.players[inst.owner]}.{inst.name}"] = d.final[j]
        if self.has_truces:
            cols["truce_rounds"] = d.truce_rounds
            spells = d.spells.match - d.offset
            cols["truce_spells"] = np.bincount(spells, minlength=self.matches_count)
            cols["rapport_final"] = d.rapport_final
        return pd.DataFrame(cols)

    def truces(self) -> pd.DataFrame:
        """One row per truce spell (see :func:`sim.run.truces.spells_table`); the table
        written to ``truces.csv``."""
        from sim.run.truces import spells_table

        return spells_table(self.data, self.scenario, self.rounds_count)

    @property
    def bargains(self) -> bool:
        """Whether the scenario's truces are bargained (a ``[bargaining]`` table)."""
        return self.scenario.plan.schedule.bargaining is not None

    def deals(self) -> pd.DataFrame:
        """One row per bargained deal (see :func:`sim.run.deals.deals_table`); the table
        written to ``deals.csv``."""
        from sim.run.deals import deals_table

        return deals_table(self.data, self.scenario)

    def survival(self, by: str | None = "truce") -> dict[str, Any]:
        """Kaplan–Meier curves of the truce spells, per truce name (``by=None``: pooled),
        as :class:`sim.analysis.Survival` objects."""
        from sim.stats.survival import survival_curves

        return survival_curves(self.truces(), by=by)

    def events(self) -> pd.DataFrame:
        """The scenario's scheduled events with their rounds (and dates): the table written
        to ``events.csv``."""
        from sim.scenario.events import events_table

        return events_table(self.scenario)

    def trajectories(self) -> pd.DataFrame:
        """Full paths of the sampled matches (the first ones), one row per match and round:
        every instrument's level and both payoffs."""
        import pandas as pd

        d, game = self.data, self.scenario.game
        r, _, s = d.traj_levels.shape
        cols: dict[str, Any] = {
            "match": np.repeat(np.arange(s), r),
            "round": np.tile(np.arange(r), s),
        }
        dates = self.dates()
        if dates is not None:
            cols["date"] = np.tile(dates.to_numpy(), s)
        for j, inst in enumerate(game.instruments):
            cols[f"{game.players[inst.owner]}.{inst.name}"] = d.traj_levels[:, j, :].T.ravel()
        for p, name in enumerate(game.players):
            cols[f"payoff_{name}"] = d.traj_payoffs[:, p, :].T.ravel()
        if self.has_truces:
            cols["truce"] = d.traj_truce.T.ravel()
        return pd.DataFrame(cols)

    def summary(self) -> pd.DataFrame:
        """Headline metrics with 95% confidence intervals, one row per metric."""
        import pandas as pd

        rows = [{"metric": k, **v} for k, v in self.metrics().items()]
        return pd.DataFrame(
            rows, columns=["metric", "estimate", "ci_low", "ci_high", "description"]
        )

    def metrics(self) -> dict[str, dict[str, Any]]:
        """The summary as ``{name: {estimate, ci_low, ci_high, description}}``.

        Intervals are 95% and come from :mod:`sim.stats.intervals`: Wilson for shares, Student-t
        for means (a percentile bootstrap for a bounded mean whose t interval would leave
        its range). Names are stable: every name is present whatever
        happened in the run (NaN where a metric is undefined, e.g. the median round of a
        first escalation when no match escalated), and sweeps refer to them.
        """
        d, game = self.data, self.scenario.game
        r = self.rounds_count
        out: dict[str, dict[str, Any]] = {}
        unit = self.scenario.data.scenario.payoff_unit
        for p, name in enumerate(game.players):
            out[f"payoff.{name}.mean"] = mean(
                d.total[p] / r, f"{name}'s mean payoff per round ({unit})"
            )
            out[f"payoff.{name}.discounted"] = mean(
                d.discounted[p],
                f"{name}'s discounted payoff summed over rounds "
                f"(sum of discount^t x payoff; {unit} x rounds)",
            )
        escalated = d.first_round >= 0
        out.update(_first_movers("first", "escalated", escalated, d.first_who, game.players))
        out.update(
            _first_movers(
                "first_deliberate",
                "chose to escalate",
                d.chosen_round >= 0,
                d.chosen_who,
                game.players,
            )
        )
        first = d.first_round[escalated]
        out["escalation.first_round.median"] = point(
            float(np.median(first)) if first.size else math.nan,
            "median round of the first escalation (escalated matches; NaN when none did)",
        )
        for p, name in enumerate(game.players):
            out[f"escalation.steps.{name}"] = mean(
                d.steps[p].astype(float),
                f"rungs {name} stepped up per match (chosen or noise)",
                bounds=(0.0, math.inf),
            )
        out["peace_share"] = mean(
            d.peace_rounds / r,
            "share of rounds with every instrument at baseline (mean over matches)",
            bounds=(0.0, 1.0),
        )
        for j, inst in enumerate(game.instruments):
            key = f"{game.players[inst.owner]}.{inst.name}"
            out[f"level.{key}.final"] = mean(
                d.final[j].astype(float),
                f"mean level (rung) of {key} in the last round",
                bounds=(0.0, float(inst.n_levels - 1)),
            )
        if self.has_truces:
            from sim.run.truces import outlook_metrics, truce_metrics

            out["truce.share"] = mean(
                d.truce_rounds / r, "share of rounds with a truce in force", bounds=(0.0, 1.0)
            )
            out["rapport.final"] = mean(
                d.rapport_final, "rapport in the last round (0 to 1)", bounds=(0.0, 1.0)
            )
            out.update(truce_metrics(self.data, self.scenario))
            out.update(outlook_metrics(self.data, self.scenario, self.rounds_count))
        if self.bargains:
            from sim.run.deals import deal_metrics

            out.update(deal_metrics(self.data, self.scenario))
        return out


def _first_movers(
    key: str,
    verb: str,
    happened: NDArray[np.bool_],
    who: NDArray[np.int8],
    players: tuple[str, str],
) -> dict[str, dict[str, Any]]:
    """Share of matches where any escalation happened (``escalation.p_any`` or
    ``escalation.p_deliberate``) and where each player, or both at once, did it first."""
    m = happened.size
    name = "escalation.p_any" if key == "first" else "escalation.p_deliberate"
    out = {name: share(int(happened.sum()), m, f"share of matches where a player {verb}")}
    for code, label in [(0, players[0]), (1, players[1]), (BOTH, "both")]:
        text = (
            f"share of matches where {label} {verb} first"
            if code != BOTH
            else f"share of matches where both {verb} first, in the same round"
        )
        out[f"escalation.{key}.{label}"] = share(int(np.count_nonzero(who == code)), m, text)
    return out
