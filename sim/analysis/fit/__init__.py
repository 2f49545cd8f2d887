"""Fitting the model to a replayed record: estimates, model comparison, out-of-sample test.

``sim.fit(scenario)`` treats the scenario's replayed record (its events up to
``replay_until``) as observations of each player's moves, fits every hypothesis of its
``[fit]`` table by maximum likelihood (:mod:`.estimate`), ranks them by AIC and BIC, and,
with ``fit.train_until``, scores their one-step-ahead predictions of the later moves
against persistence and a frequency-matched random mover (:mod:`.predict`). The
likelihood and its assumptions are in docs/model.md ("Fitting to the record").

The two players' likelihoods factorise: given the record, each one's choices depend on the
record alone, so each player is fitted on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.analysis.fit.config import FitConfig, fit_config
from sim.analysis.fit.estimate import HypothesisFit, Played, fit_terms, play
from sim.analysis.fit.likelihood import Terms, terms
from sim.analysis.fit.predict import Score, calibration, frequency, hypothesis_score, persistence

if TYPE_CHECKING:
    import pandas as pd

    from sim.run.scenario import Scenario

__all__ = ["FitResult", "PlayerFit", "fit", "fit_config"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PlayerFit:
    """Everything fitted for one player.

    ``fits``: each hypothesis on the whole record (the scenario's own first); ``train``: on
    the training rounds (empty without a test); ``scores``: their out-of-sample scores,
    then the baselines'.
    """

    player: str
    fits: tuple[HypothesisFit, ...]
    train: tuple[HypothesisFit, ...] = ()
    scores: tuple[Score, ...] = ()
    moves: int = 0
    observations: int = 0

    @property
    def own(self) -> HypothesisFit:
        return self.fits[0]

    def ranking(self) -> list[HypothesisFit]:
        """The hypotheses by AIC, best first (ties: declaration order)."""
        return sorted(self.fits, key=lambda f: (f.aic, self.fits.index(f)))


@dataclass(frozen=True)
class FitResult:
    """The fit of a scenario to its record (``sim.fit``)."""

    scenario: Scenario
    config: FitConfig
    players: tuple[PlayerFit, PlayerFit]
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def seed(self) -> int | None:
        """The seed of the stochastic strategies' draws (and of the posterior draws)."""
        seed: int | None = self.info.get("seed")
        return seed

    def comparison(self) -> pd.DataFrame:
        """One row per player and hypothesis: log-likelihood, AIC, BIC, their differences
        from the player's best, Akaike weights, and the rank by AIC."""
        import pandas as pd

        rows = []
        for pf in self.players:
            ranked = pf.ranking()
            best_aic = ranked[0].aic
            best_bic = min(f.bic for f in pf.fits)
            w = np.array(
                [np.exp(-(f.aic - best_aic) / 2) if np.isfinite(f.aic) else 0.0 for f in pf.fits]
            )
            w = w / w.sum() if w.sum() > 0 else w
            for f, wt in zip(pf.fits, w, strict=True):
                rows.append(
                    {
                        "player": pf.player,
                        "hypothesis": f.hypothesis.label,
                        "strategy": f.strategy,
                        "own": f.hypothesis.own,
                        "k": f.k,
                        "n": f.n,
                        "loglik": f.loglik,
                        "aic": f.aic,
                        "bic": f.bic,
                        "delta_aic": f.aic - best_aic,
                        "delta_bic": f.bic - best_bic,
                        "akaike_weight": float(wt),
                        "impossible_moves": f.impossible,
                        "noise": f.noise.name,
                        "noise_estimate": f.noise.estimate,
                        "rank": ranked.index(f) + 1,
                    }
                )
        return (
            pd.DataFrame(rows)
            .sort_values(["player", "rank"], kind="stable")
            .reset_index(drop=True)
        )

    def estimates(self) -> pd.DataFrame:
        """One row per player, hypothesis and free parameter: estimate, 95% interval and
        whether the record pins it down."""
        import pandas as pd

        rows = []
        for pf in self.players:
            for f in pf.fits:
                for e in f.estimates:
                    rows.append(
                        {
                            "player": pf.player,
                            "hypothesis": f.hypothesis.label,
                            "parameter": e.name,
                        }
                        | e.as_dict()
                    )
        return pd.DataFrame(rows)

    def profiles(self) -> pd.DataFrame:
        """The profile log-likelihood of every free parameter (tidy: one row per value)."""
        import pandas as pd

        rows = []
        for pf in self.players:
            for f in pf.fits:
                for e in f.estimates:
                    for v, ll in zip(e.values, e.profile, strict=True):
                        rows.append(
                            {
                                "player": pf.player,
                                "hypothesis": f.hypothesis.label,
                                "parameter": e.name,
                                "value": v,
                                "profile_loglik": ll,
                            }
                        )
        return pd.DataFrame(rows)

    def out_of_sample(self) -> pd.DataFrame:
        """The out-of-sample scores per player and predictor (empty without a test)."""
        import pandas as pd

        rows = [{"player": pf.player} | s.as_dict() for pf in self.players for s in pf.scores]
        return pd.DataFrame(rows)

    def calibration(self) -> pd.DataFrame:
        """Calibration of the predicted move probabilities on the test rounds."""
        import pandas as pd

        rows = [
            {"player": pf.player} | row
            for pf in self.players
            for s in pf.scores
            for row in calibration(s)
        ]
        return pd.DataFrame(rows)

    def draws(self, n: int = 50, seed: int | None = None) -> dict[str, list[float]]:
        """``n`` joint draws of each player's free parameters and execution noise from the
        posterior of its own hypothesis under flat priors within the bounds (on the grid for
        the strategy parameters): the ``[uncertainty]`` table of a fitted scenario."""
        from sim.analysis.fit.posterior import draws

        key = (n, self.scenario.seed if seed is None else seed)
        cache = self.info.setdefault("draws", {})
        if key not in cache:
            cache[key] = draws(self, *key)
        out: dict[str, list[float]] = cache[key]
        return out


def fit(
    scenario: Scenario, *, seed: int | None = None, progress: Progress | None = None
) -> FitResult:
    """Fit ``scenario``'s hypotheses to its replayed record (see the module doc).

    Parameters
    ----------
    scenario : a scenario with ``simulation.replay_until`` (and usually a ``[fit]`` table)
    seed : seeds stochastic strategies' own draws (default: the scenario's)
    progress : called as ``progress(done, total)`` after each hypothesis

    Examples
    --------
    >>> import sim
    >>> sc = sim.load_scenario("scenarios/us-china-2025.toml")
    >>> res = sim.fit(sc)
    >>> res.comparison()[["player", "hypothesis", "rank"]].head(2).shape
    (2, 3)
    """
    import time

    t0 = time.perf_counter()
    cfg = fit_config(scenario)
    plan = scenario.plan
    record = plan.schedule.script[: cfg.rounds]
    seed = scenario.seed if seed is None else seed
    total = sum(len(p.hypotheses) for p in cfg.players)
    done = 0
    players = []
    for pc in cfg.players:
        fits, trains, scores = [], [], []
        split = cfg.train_rounds
        played0: Played | None = None
        for h in pc.hypotheses:
            played = play(plan, pc.player, h, record, cfg.copies, seed, pc.noise_args())
            played0 = played0 or played
            t_all = played.terms()
            fits.append(fit_terms(h, t_all, pc.bounds, pc.noise))
            if split is not None:
                tr = fit_terms(h, t_all.rounds(slice(0, split)), pc.bounds, pc.noise)
                trains.append(tr)
                stay = played.terms(after=played.before).rounds(slice(split, None))
                scores.append(
                    hypothesis_score(
                        h.label,
                        t_all.rounds(slice(split, None)),
                        stay,
                        tr.column,
                        tr.noise.estimate,
                    )
                )
            done += 1
            if progress is not None:
                progress(done, total)
        assert played0 is not None
        before, after = played0.before[:, :, 0], played0.after[:, :, 0]
        moved = int(np.sum(before != after))
        if split is not None:
            scores += _baselines(played0, split, pc.bounds)
        players.append(
            PlayerFit(pc.name, tuple(fits), tuple(trains), tuple(scores), moved, before.size)
        )
    info = {"seconds": time.perf_counter() - t0, "seed": seed}
    return FitResult(scenario, cfg, (players[0], players[1]), info)


def _baselines(played: Played, split: int, bounds: tuple[float, float]) -> list[Score]:
    b, a, top = played.before[:, :, :1], played.after[:, :, :1], played.top
    hold: Terms = terms(b, b, a, top, **played.noise)
    stay = terms(b, b, b, top, **played.noise)
    s_hold, _ = persistence(
        hold.rounds(slice(0, split)),
        hold.rounds(slice(split, None)),
        stay.rounds(slice(split, None)),
        bounds,
    )
    s_freq = frequency(b[:split, :, 0], a[:split, :, 0], b[split:, :, 0], a[split:, :, 0], top)
    return [s_hold, s_freq]
