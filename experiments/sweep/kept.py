"""Reading the runs a sweep kept (``sweep.keep`` or ``--keep``): a point's runs,
trajectories and events, the story of one of its runs and its typical run."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from ..story import StoryError, narrate, typical_run
from ..tables import tidy_details

__all__ = [
    "is_sweep",
    "kept_tables",
    "point_runs",
    "point_table",
    "point_typical_run",
    "sweep_story",
]


def is_sweep(folder: str | Path) -> bool:
    """Whether ``folder`` holds a finished sweep (its manifest says so)."""
    try:
        return json.loads((Path(folder) / "manifest.json").read_text()).get("kind") == "sweep"
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return False


def _manifest(folder: Path) -> dict:
    from .store import SweepStoreError, read_manifest

    try:
        return read_manifest(folder)
    except SweepStoreError as exc:
        raise StoryError(str(exc)) from None


def kept_tables(folder: str | Path) -> tuple[str, ...]:
    """The per-run tables the finished sweep in ``folder`` kept (none for older sweeps)."""
    return tuple(_manifest(Path(folder)).get("keep", []))


def _read(path: Path, point: int, run: int | None = None) -> pl.DataFrame:
    try:
        lazy = pl.scan_parquet(path).filter(pl.col("point") == point)
        if run is not None:
            lazy = lazy.filter(pl.col("run") == run)
        return lazy.collect()
    except (OSError, pl.exceptions.PolarsError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
        raise StoryError(
            f"{path}: expected a sweep's table, found one that cannot be read ({reason})"
        ) from None


def _point_check(folder: Path, manifest: dict, point: int) -> None:
    n = int(manifest.get("points", 0))
    if not 0 <= point < n:
        raise StoryError(f"--point: expected a point in 0..{n - 1} of {folder}, found {point}")


def point_runs(folder: str | Path, point: int) -> pl.DataFrame:
    """Point ``point``'s rows of runs.parquet, ``replication`` named ``run`` as in a batch."""
    folder = Path(folder)
    _point_check(folder, _manifest(folder), point)
    return _read(folder / "runs.parquet", point).rename({"replication": "run"})


def point_table(folder: str | Path, table: str, point: int) -> pl.DataFrame:
    """Point ``point``'s rows of a kept ``table`` (trajectories or events), without the
    ``point`` column: the table ``aimarket run --out`` writes for that point's batch."""
    folder = Path(folder)
    manifest = _manifest(folder)
    if table not in manifest.get("keep", []):
        raise StoryError(
            f"{folder}: expected a sweep that kept {table} (sweep.keep or --keep {table}), "
            f"found one that kept {', '.join(manifest.get('keep', [])) or 'none'}"
        )
    _point_check(folder, manifest, point)
    return _read(folder / f"{table}.parquet", point).drop("point")


def point_typical_run(runs: pl.DataFrame) -> tuple[str, int]:
    """A point's most frequent end state (ties: the first in the vocabulary) and its
    typical run (:func:`experiments.story.typical_run`); ``runs`` from :func:`point_runs`."""
    from sim.vocab import END_STATES

    counts = runs["end_state"].cast(pl.String).value_counts()
    n = dict(zip(counts["end_state"].to_list(), counts["count"].to_list(), strict=True))
    state = max(END_STATES, key=lambda s: (n.get(s, 0), -END_STATES.index(s)))
    return state, typical_run(runs, state)


def _point_values(folder: Path, manifest: dict, point: int) -> dict:
    """The point's scenario values: the base scenario's with the swept values."""
    values = dict(manifest["scenario"]["values"])
    sample = _read(folder / "samples.parquet", point)
    for key in sample.columns:
        if key not in ("point", "seed"):
            values[key] = sample[key][0]
    return values


def sweep_story(folder: str | Path, point: int, run: int) -> str:
    """The story of replication ``run`` of point ``point`` of the sweep in ``folder``."""
    folder = Path(folder)
    events = point_table(folder, "events", point).with_columns(tidy_details(pl.col("details")))
    runs = point_runs(folder, point)
    row = runs.filter(pl.col("run") == run)
    if row.height == 0:
        raise StoryError(f"--run: expected a run in 0..{runs.height - 1}, found {run}")
    manifest = _manifest(folder)
    try:
        values = _point_values(folder, manifest, point)
    except (KeyError, TypeError) as exc:
        raise StoryError(
            f"{folder}: expected scenario values in manifest.json, found no {exc}"
        ) from None
    title = (
        f"Run {run} of point {point} of sweep '{manifest.get('name', '?')}' on scenario "
        f"'{manifest['scenario']['name']}' (seed {row['seed'][0]})"
    )
    return narrate(title, events.filter(pl.col("run") == run), row, values, folder)
