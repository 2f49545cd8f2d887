"""A results folder read back: the tables its figures are drawn from, without simulating.

Each reader gives the figure functions what the live object would (a run's
:class:`~sim.run.result.Result`, a tournament's or an evolution's result, a stage game, a
sweep's cells), from the folder's CSV and JSON files and the scenario its
``manifest.json`` holds. :func:`read_folder` recognises the kind of folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.errors import SimError

if TYPE_CHECKING:
    import pandas as pd

    from sim.analysis.equilibria import EquilibriumSet
    from sim.analysis.folk import FeasibleRegion
    from sim.run.scenario import Scenario

__all__ = [
    "KINDS",
    "EvolutionTables",
    "FolderError",
    "RunTables",
    "StageTables",
    "SweepTables",
    "TournamentTables",
    "folder_kind",
    "read_folder",
]

#: The kinds of results folder, by the command that writes them.
KINDS = ("run", "tournament", "evolve", "sweep", "equilibria")


class FolderError(SimError, ValueError):
    """A folder that is not a readable results folder: names the file and what is wrong."""


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise FolderError(f"{path}: missing; is this a results folder?") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FolderError(f"{path}: not readable as JSON ({exc})") from None
    if not isinstance(data, dict):
        raise FolderError(f"{path}: expected a JSON object")
    return data


def _csv(path: Path, dates: tuple[str, ...] = (), *, rows: bool = True) -> pd.DataFrame:
    """A table of the folder; the named date columns (when present) as datetimes. Unless
    ``rows`` is false, a table without rows is an error (a truncated file)."""
    import pandas as pd

    try:
        frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise FolderError(f"{path}: missing; the folder is incomplete") from None
    except pd.errors.EmptyDataError:
        raise FolderError(f"{path}: empty; expected a header and rows") from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise FolderError(f"{path}: not readable as CSV ({exc})") from None
    if rows and frame.empty:
        raise FolderError(f"{path}: a header but no rows; the folder is incomplete")
    for column in dates:
        if column in frame:
            try:
                parsed = pd.to_datetime(frame[column], format="ISO8601")
            except (ValueError, TypeError):
                message = f"{path}: column {column}: expected dates such as 2025-11-10"
                raise FolderError(message) from None
            frame[column] = parsed.astype("datetime64[s]")
    return frame


def _manifest(folder: Path) -> dict[str, Any]:
    manifest = _json(folder / "manifest.json")
    if manifest.get("tool") != "escalation-sim":
        raise FolderError(f"{folder / 'manifest.json'}: not written by escalation-sim")
    return manifest


def _in_table_order(resolved: dict[str, Any], header: list[str]) -> dict[str, Any]:
    """``resolved`` with its players and their instruments in the order of a table's
    columns: a run's ``rounds.csv`` (``payoff_<player>``, ``<player>.<instrument>.mean``) or
    a tournament's ``scores.csv`` (``score_as_<player>``). Earlier versions wrote the
    manifest's scenario with sorted keys, which lost that order (a sweep's folder has no
    table that shows it)."""
    players = resolved.get("players")
    if not isinstance(players, dict):
        return resolved
    order = [c.removeprefix("payoff_") for c in header if c.startswith("payoff_")]
    order = order or [c.removeprefix("score_as_") for c in header if c.startswith("score_as_")]
    if sorted(order) != sorted(players):
        return resolved
    ordered = {}
    for name in order:
        player = dict(players[name])
        instruments = player.get("instruments")
        if isinstance(instruments, dict):
            mine = [
                c.split(".")[1] for c in header if c.startswith(f"{name}.") and c.endswith(".mean")
            ]
            if sorted(mine) == sorted(instruments):
                player["instruments"] = {k: instruments[k] for k in mine}
        ordered[name] = player
    return {**resolved, "players": ordered}


def _scenario(folder: Path, manifest: dict[str, Any]) -> Scenario:
    """The resolved scenario the manifest holds, checked against its SHA-256."""
    from sim.run.scenario import Scenario

    where = folder / "manifest.json"
    document = manifest.get("scenario")
    if not isinstance(document, dict) or "resolved" not in document:
        raise FolderError(f"{where}: scenario.resolved: missing")
    resolved = document["resolved"]
    for name in ("rounds.csv", "scores.csv"):
        if (folder / name).exists():
            with (folder / name).open() as fh:
                resolved = _in_table_order(resolved, fh.readline().strip().split(","))
            break
    sc = Scenario.from_json(json.dumps(resolved), source=f"{where}: scenario")
    if document.get("sha256") not in (None, sc.sha256):
        raise FolderError(
            f"{where}: scenario.sha256 is {document['sha256']}, but the resolved scenario's "
            f"is {sc.sha256}: the manifest was edited or written by another version"
        )
    return sc


def folder_kind(folder: Path | str) -> str:
    """Which command wrote the results folder (one of :data:`KINDS`), from its files."""
    return _opened(Path(folder))[0]


def _opened(folder: Path) -> tuple[str, dict[str, Any]]:
    """The folder's kind (see :func:`folder_kind`) and its manifest."""
    if not folder.exists():
        raise FolderError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise FolderError(f"{folder}: not a folder")
    manifest = _manifest(folder)
    return _kind(folder), manifest


def _kind(folder: Path) -> str:
    if (folder / "cells.csv").exists():
        return "sweep"
    if (folder / "trajectory.csv").exists() or (folder / "takeover.csv").exists():
        return "evolve"
    if (folder / "ranking.csv").exists():
        return "tournament"
    if (folder / "rounds.csv").exists():
        return "run"
    if (folder / "stage_game.json").exists():
        return "equilibria"
    raise FolderError(
        f"{folder}: a manifest but none of the tables of a run, tournament, evolve, sweep or "
        "equilibria folder (rounds.csv, ranking.csv, trajectory.csv, cells.csv, "
        "stage_game.json)"
    )


@dataclass(frozen=True)
class RunTables:
    """A run's folder: what its figures need of a :class:`~sim.run.result.Result`."""

    folder: Path
    scenario: Scenario
    seed: int
    matches_count: int

    def rounds(self) -> pd.DataFrame:
        return self._rounds

    def truces(self) -> pd.DataFrame:
        return self._truces

    def survival(self, by: str | None = "truce") -> dict[str, Any]:
        from sim.stats.survival import survival_curves

        return survival_curves(self.truces(), by=by)

    @property
    def has_truces(self) -> bool:
        return self.scenario.plan.schedule.active

    @cached_property
    def _rounds(self) -> pd.DataFrame:
        return _csv(self.folder / "rounds.csv", ("date",))

    @cached_property
    def _truces(self) -> pd.DataFrame:
        frame = _csv(self.folder / "truces.csv", ("start_date", "end_date"), rows=False)
        for column in ("truce", "ended", "breached_by", "breach"):
            if column in frame:
                frame[column] = frame[column].fillna("").astype(str)
        return frame


@dataclass(frozen=True)
class TournamentTables:
    """A tournament's folder: its ranking and its score of every ordered pair."""

    folder: Path
    scenario: Scenario
    seed: int

    def ranking(self) -> pd.DataFrame:
        return _csv(self.folder / "ranking.csv")

    def scores(self) -> pd.DataFrame:
        return _csv(self.folder / "scores.csv")


@dataclass(frozen=True)
class EvolutionTables:
    """An evolution's folder: the replicator trajectory and rest points, or the Moran
    process's takeovers and abundances."""

    folder: Path
    scenario: Scenario
    seed: int
    method: str
    params: dict[str, Any] = field(default_factory=dict)

    def trajectory(self) -> pd.DataFrame:
        return _csv(self.folder / "trajectory.csv")

    def rest_points(self) -> pd.DataFrame:
        return _csv(self.folder / "rest_points.csv", rows=False)

    def takeover(self) -> pd.DataFrame:
        return _csv(self.folder / "takeover.csv")

    def abundance_table(self) -> pd.DataFrame:
        return _csv(self.folder / "abundance.csv")


@dataclass(frozen=True)
class SweepTables:
    """A sweep's folder: its cells, swept parameters and metrics."""

    folder: Path
    scenario: Scenario
    seed: int
    axes: tuple[str, ...]
    metrics: tuple[str, ...]

    def cells(self) -> pd.DataFrame:
        return _csv(self.folder / "cells.csv")


class StageTables:
    """A stage game's tables (``stage_game.json``, ``payoffs.csv``, ``equilibria.csv``):
    what the stage-game figures need of a :class:`~sim.analysis.stage.StageGame`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        doc = _json(folder / "stage_game.json")
        try:
            self.name: str = doc["scenario"]
            self.scenario_sha256: str | None = doc.get("scenario_sha256")
            self.round: int = int(doc["round"])
            self.players: tuple[str, str] = (doc["players"][0], doc["players"][1])
            self._instruments = [list(doc["instruments"][p]) for p in self.players]
            self._equilibria_doc = doc["equilibria"]
            self._feasible_doc = doc["feasible"]
            self._minmax = doc["minmax"]["mixed"]
        except (KeyError, IndexError, TypeError) as exc:
            raise FolderError(f"{folder / 'stage_game.json'}: missing {exc}") from None

    @cached_property
    def _payoffs(self) -> tuple[Any, Any, list[list[str]]]:
        """The two payoff matrices and the profiles' labels, from ``payoffs.csv``."""
        folder = self.folder
        table = _csv(folder / "payoffs.csv")
        p0, p1 = self.players
        try:
            rows = table.sort_values([f"{p0}_profile", f"{p1}_profile"], kind="stable")
            n0 = int(rows[f"{p0}_profile"].max()) + 1
            n1 = int(rows[f"{p1}_profile"].max()) + 1
            if len(rows) != n0 * n1:
                raise FolderError(
                    f"{folder / 'payoffs.csv'}: {len(rows)} rows, expected {n0} x {n1}"
                )
            a = rows[f"{p0}_payoff"].to_numpy(dtype=float).reshape(n0, n1)
            b = rows[f"{p1}_payoff"].to_numpy(dtype=float).reshape(n0, n1)
            first = [rows[rows[f"{p1}_profile"] == 0], rows[rows[f"{p0}_profile"] == 0]]
            labels = [
                first[0][f"{p0}_levels"].astype(str).tolist(),
                first[1][f"{p1}_levels"].astype(str).tolist(),
            ]
        except KeyError as exc:
            raise FolderError(f"{folder / 'payoffs.csv'}: no column {exc}") from None
        except (TypeError, ValueError) as exc:
            raise FolderError(f"{folder / 'payoffs.csv'}: {exc}") from None
        return a, b, labels

    @property
    def shape(self) -> tuple[int, int]:
        a = self._payoffs[0]
        return (a.shape[0], a.shape[1])

    def instruments(self, player: int) -> list[str]:
        return list(self._instruments[player])

    def labels(self, player: int) -> list[str]:
        return list(self._payoffs[2][player])

    def matrices(self) -> tuple[Any, Any]:
        return self._payoffs[0], self._payoffs[1]

    def feasible_region(self) -> FeasibleRegion:
        from sim.analysis.folk import FeasibleRegion

        doc = self._feasible_doc
        try:
            rational = np.array(doc["individually_rational"], dtype=float).reshape(-1, 2)
            low = [float(self._minmax[p]) for p in self.players]
            return FeasibleRegion(
                vertices=np.array(doc["vertices"], dtype=float).reshape(-1, 2),
                individually_rational=rational,
                minmax=(low[0], low[1]),
                cooperative=(float(doc["cooperative"][0]), float(doc["cooperative"][1])),
            )
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise FolderError(f"{self.folder / 'stage_game.json'}: feasible: {exc}") from None

    def equilibria(self) -> EquilibriumSet:
        """The equilibria of ``equilibria.csv``, with what ``stage_game.json`` says of the
        list (method, completeness); read once."""
        return self._equilibria

    @cached_property
    def _equilibria(self) -> EquilibriumSet:
        from sim.analysis.equilibria import Equilibrium, EquilibriumSet

        table = _csv(self.folder / "equilibria.csv")
        found = []
        try:
            for _, rows in table.groupby("equilibrium", sort=True):
                mixed = []
                for p, n in enumerate(self.shape):
                    mine = rows[rows["player"] == self.players[p]]
                    x = np.zeros(n)
                    x[mine["profile"].to_numpy(dtype=int)] = mine["probability"].to_numpy(float)
                    mixed.append(x)
                payoff = [float(rows[rows["player"] == p]["payoff"].iloc[0]) for p in self.players]
                found.append(Equilibrium(mixed[0], mixed[1], (payoff[0], payoff[1]), 0.0))
            doc = self._equilibria_doc
            return EquilibriumSet(
                tuple(found),
                method=str(doc["method"]),
                complete=bool(doc["complete"]),
                exact=bool(doc.get("exact", False)),
                degenerate=bool(doc.get("degenerate", False)),
                timed_out=bool(doc.get("timed_out", False)),
                seconds=float(doc.get("seconds", 0.0)),
                reduced=tuple(int(doc["reduced"][p]) for p in self.players),  # type: ignore[arg-type]
                notes=tuple(doc.get("notes", ())),
            )
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise FolderError(f"{self.folder / 'equilibria.csv'}: {exc}") from None


Tables = RunTables | TournamentTables | EvolutionTables | SweepTables | StageTables


def read_folder(folder: Path | str) -> tuple[str, Tables]:
    """The kind of the results folder (see :func:`folder_kind`) and its tables' reader."""
    folder = Path(folder)
    kind, manifest = _opened(folder)
    if kind == "equilibria":
        return kind, StageTables(folder)
    sc = _scenario(folder, manifest)
    try:
        seed = int(manifest["seed"])
        if kind == "run":
            return kind, RunTables(folder, sc, seed, int(manifest["matches"]))
        if kind == "tournament":
            return kind, TournamentTables(folder, sc, seed)
        if kind == "evolve":
            method, params = str(manifest["method"]), dict(manifest.get("parameters") or {})
            return kind, EvolutionTables(folder, sc, seed, method, params)
        definition = manifest["sweep"]
        return kind, SweepTables(
            folder, sc, seed, tuple(definition["grid"]), tuple(definition["metrics"])
        )
    except KeyError as exc:
        raise FolderError(f"{folder / 'manifest.json'}: no field {exc}") from None
    except (TypeError, ValueError) as exc:
        raise FolderError(
            f"{folder / 'manifest.json'}: seed, matches, method or sweep is not what a "
            f"results folder holds ({exc})"
        ) from None
