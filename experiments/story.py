"""The story of one run: its event log as a dated narrative, ending in its end-state."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from sim.actors import ACTOR_LABELS
from sim.calendar import event_day
from sim.events import EVENT_TABLE

from .tables import tidy_details
from .verdict import verdict_lines

__all__ = ["StoryError", "narrate", "tell_story", "typical_run", "typical_run_of"]

_NAMES = ACTOR_LABELS
# the populations' monthly summaries (told per year), from the event table
_AGGREGATE = tuple(k.name for k in EVENT_TABLE if k.actor == "population")


class StoryError(ValueError):
    """The folder or run cannot be read (clear message for the CLI)."""


def _day(time: float) -> str:
    return event_day(time).isoformat()


def _unreadable(path: Path, exc: BaseException) -> StoryError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StoryError(
        f"{path}: expected a results file written by aimarket, found one that "
        f"cannot be read ({reason[:120]}); rerun the batch into a new folder"
    )


_TYPICAL = ("final_open_share", "final_gap_months", "final_bigtech_open_share")


def typical_run(runs: pl.DataFrame, end_state: str) -> int:
    """The run of ``end_state`` closest to that end state's median final indicators (each
    scaled by its spread), i.e. the most ordinary path into it, among the runs whose end
    state was clear-cut if there are any (``decided_by``: its definition alone held); a
    StoryError if none ended so. The viewer's story page picks its typical run with this
    too."""
    sub = runs.filter(pl.col("end_state").cast(pl.String) == end_state)
    if sub.height == 0:
        raise StoryError(f"end state {end_state}: no run of this batch ended in it")
    if "decided_by" in sub.columns:
        clear = sub.filter(pl.col("decided_by").cast(pl.String) == "clear_cut")
        sub = clear if clear.height else sub
    dist = pl.lit(0.0)
    for col in _TYPICAL:
        spread = sub[col].std() or 1.0
        dist = dist + ((pl.col(col) - sub[col].median()) / spread) ** 2
    return int(sub.with_columns(dist.alias("d")).sort("d", "run")["run"][0])


def typical_run_of(folder: str | Path, end_state: str) -> int:
    """:func:`typical_run` of ``end_state`` among the runs of results folder ``folder``."""
    from sim.vocab import END_STATES

    if end_state not in END_STATES:
        raise StoryError(f"--typical: expected one of {', '.join(END_STATES)}, found {end_state!r}")
    path = Path(folder) / "runs.parquet"
    if not path.is_file():
        raise StoryError(f"{folder}: expected a results folder with runs.parquet, found none")
    try:
        have = pl.read_parquet_schema(path)
        extra = ["decided_by"] if "decided_by" in have else []
        runs = pl.read_parquet(path, columns=["run", "end_state", *_TYPICAL, *extra])
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise _unreadable(path, exc) from None
    return typical_run(runs, end_state)


def tell_story(folder: str | Path, run: int) -> str:
    """Narrative of run ``run`` in results folder ``folder``."""
    folder = Path(folder)
    for name in ("events.parquet", "runs.parquet", "manifest.json"):
        if not (folder / name).is_file():
            raise StoryError(f"{folder}: expected a results folder with {name}, found none")
    try:
        runs = pl.read_parquet(folder / "runs.parquet")
        row = runs.filter(pl.col("run") == run)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise _unreadable(folder / "runs.parquet", exc) from None
    if row.height == 0:
        raise StoryError(f"--run: expected a run in 0..{runs['run'].max()}, found {run}")
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
        values = manifest["scenario"]["values"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise _unreadable(folder / "manifest.json", exc) from None
    try:
        events = (
            pl.scan_parquet(folder / "events.parquet")
            .filter(pl.col("run") == run)
            .with_columns(tidy_details(pl.col("details")))
            .collect()
        )
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise _unreadable(folder / "events.parquet", exc) from None
    title = f"Run {run} of scenario '{manifest['scenario']['name']}' (seed {row['seed'][0]})"
    return narrate(title, events, row, values, folder / "runs.parquet")


def narrate(title: str, events: pl.DataFrame, row: pl.DataFrame, values: dict, source: Path) -> str:
    """The story under ``title``: a run's ``events`` (details tidied) by year, then its end
    state from its runs ``row`` against the classifier's thresholds in scenario ``values``
    (``source`` is named if the row lacks a column)."""
    lines = [title, ""]
    singles = events.filter(~pl.col("kind").is_in(_AGGREGATE)).sort("time", maintain_order=True)
    agg = (
        events.filter(pl.col("kind").is_in(_AGGREGATE))
        .with_columns(pl.col("date").dt.year().alias("year"))
        .group_by("year", "kind")
        .agg(
            pl.col("value").sum().alias("switched"),
            pl.col("value2").sum().alias("reviewed"),
            pl.col("target").sum().alias("adopted"),
        )
    )
    years = sorted(set(singles["date"].dt.year().to_list()) | set(agg["year"].to_list()))
    for year in years:
        lines.append(f"{year}")
        for ev in singles.filter(pl.col("date").dt.year() == year).iter_rows(named=True):
            who = _NAMES.get(ev["actor"], ev["actor"])
            lines.append(f"  {_day(ev['time'])}  {who}: {ev['details']}")
        for ev in agg.filter(pl.col("year") == year).sort("kind").iter_rows(named=True):
            if ev["kind"] == "enterprise_reviews":
                lines.append(
                    f"  {year} in all  Enterprises: {int(ev['reviewed'])} deployment reviews, "
                    f"{int(ev['adopted'])} first adoptions, {int(ev['switched'])} switches"
                )
            else:
                lines.append(
                    f"  {year} in all  Developers: {int(ev['reviewed'])} reviews, "
                    f"{int(ev['switched'])} switched ecosystem"
                )
    try:
        return "\n".join(lines + _ending(row.row(0, named=True), values))
    except (KeyError, TypeError, ValueError) as exc:
        raise _unreadable(source, KeyError(f"no {exc}")) from None


def _ending(r: dict, values: dict) -> list[str]:
    """The end state, how it was decided and each definition's conditions against the
    classifier's thresholds (:func:`experiments.verdict.verdict_lines`)."""
    return verdict_lines(r, values)
