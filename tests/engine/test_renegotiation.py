"""busan-truce run long enough to see the Busan truce broken and truces renegotiated, and
broken and renegotiated again: the spells, renewals and breach attribution of
``truces.csv`` agree with ``summary.json`` and with the per-match columns of
``matches.csv``, read back from the folder ``escalate run`` writes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.stats.intervals import share_interval
from tests.conftest import SCENARIOS


@pytest.fixture(scope="module")
def busan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("busan") / "run"
    args = ["run", str(SCENARIOS / "busan-truce.toml"), "--out", str(out)]
    result = CliRunner().invoke(
        app, [*args, "--matches", "1024", "--no-figures", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    return out


def test_breaches_are_followed_by_negotiated_truces(busan: Path) -> None:
    """Busan is breached in most matches; after a breach a negotiated truce forms in
    most of those (the thresholds are within reach of the war that follows), and
    negotiated truces are themselves broken and struck again."""
    spells = pd.read_csv(busan / "truces.csv")
    first = spells[spells.truce == "Busan"].set_index("match")
    broken = first.index[first.ended == "breach"]
    assert len(broken) > 0.7 * 1024
    later = spells[(spells.truce == "negotiated") & spells.match.isin(broken)]
    after = later.merge(first[["end_round"]], left_on="match", right_index=True)
    assert (after.start_round > after.end_round_y).all()  # only after the breach
    assert after.match.nunique() > 0.5 * len(broken)
    negotiated = spells[spells.truce == "negotiated"].sort_values(["match", "start_round"])
    again = negotiated.groupby("match").filter(
        lambda g: len(g) >= 2 and (g.ended.iloc[:-1] == "breach").any()
    )
    assert again.match.nunique() > 50  # broken and renegotiated


def test_truces_table_agrees_with_the_summary(busan: Path) -> None:
    """Per truce: the spell count, the shares breached (by each side, by noise) and
    renewed recomputed from ``truces.csv`` equal ``summary.json`` with their Wilson
    intervals; each match's ``truce_spells`` in ``matches.csv`` counts its rows."""
    spells = pd.read_csv(busan / "truces.csv", keep_default_na=False)
    metrics = json.loads((busan / "summary.json").read_text())["metrics"]
    for truce, rows in spells.groupby("truce"):
        key = f"truce.{truce}"
        n = len(rows)
        assert metrics[f"{key}.spells"]["estimate"] == n
        breached = rows.ended == "breach"
        counts = {
            "breached": int(breached.sum()),
            "breached_by.US": int((rows.breached_by == "US").sum()),
            "breached_by.CN": int((rows.breached_by == "CN").sum()),
            "breached_by.both": int((rows.breached_by == "both").sum()),
            "renewed": int((rows.renewals > 0).sum()),
        }
        assert counts["breached"] == sum(counts[f"breached_by.{p}"] for p in ("US", "CN", "both"))
        for name, k in counts.items():
            m = metrics[f"{key}.{name}"]
            assert m["estimate"] == pytest.approx(k / n)
            assert (m["ci_low"], m["ci_high"]) == pytest.approx(share_interval(k, n))
        noise = int((rows.breach[breached] == "noise").sum())
        assert metrics[f"{key}.breach_by_noise"]["estimate"] == pytest.approx(
            noise / counts["breached"]
        )
        assert (rows.breach[~breached] == "").all()
        assert (rows.breached_by[~breached] == "").all()
    assert metrics["truce.negotiated.spells"]["estimate"] > 1024
    matches = pd.read_csv(busan / "matches.csv")
    per_match = np.bincount(spells.match, minlength=len(matches))
    np.testing.assert_array_equal(matches.truce_spells, per_match)


def test_first_escalator_columns_agree_with_the_summary(busan: Path) -> None:
    """``escalation.first*`` shares are the shares of ``first_escalator`` and
    ``first_deliberate_by`` in ``matches.csv``; China (never_strike_first) is the first
    deliberate escalator only in the few matches where it answered a misreading."""
    matches = pd.read_csv(busan / "matches.csv", keep_default_na=False)
    metrics = json.loads((busan / "summary.json").read_text())["metrics"]
    n = len(matches)
    for col, key in [("first_escalator", "first"), ("first_deliberate_by", "first_deliberate")]:
        for who in ("US", "CN", "both"):
            share = float((matches[col] == who).mean())
            assert metrics[f"escalation.{key}.{who}"]["estimate"] == pytest.approx(share)
    assert metrics["escalation.first_deliberate.CN"]["estimate"] < 0.05
    assert metrics["escalation.first_deliberate.US"]["estimate"] > 0.8
    assert (matches.first_deliberate_round[matches.first_deliberate_by == "none"] == "").all()
    assert n == 1024
