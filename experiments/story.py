"""The story of one run: its event log as a dated narrative, ending in its end-state."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from sim.actors import ACTOR_LABELS
from sim.calendar import event_day
from sim.events import EVENT_TABLE

from .tables import tidy_details

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
    scaled by its spread), i.e. the most ordinary path into it; a StoryError if none ended
    so. The viewer's story page picks its typical run with this too."""
    sub = runs.filter(pl.col("end_state").cast(pl.String) == end_state)
    if sub.height == 0:
        raise StoryError(f"end state {end_state}: no run of this batch ended in it")
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
        runs = pl.read_parquet(path, columns=["run", "end_state", *_TYPICAL])
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
    """The end state and its indicators against the classifier's thresholds."""
    window = int(values["classifier.window_months"])
    persist = values["classifier.persistence"]

    def held(name: str) -> str:
        return "held" if r.get(f"held_{name}") else "not held"

    return [
        "",
        f"End state: {r['end_state']}",
        f"  conditions over the last {window} months (held: in at least {persist:.0%} of "
        "them), averages against the thresholds:",
        f"  gap {r['final_gap_months']:.1f} months, trend {r['final_gap_trend']:+.1f} a year "
        f"(gap_widens at >= {values['classifier.gap_widens_months']:g}): {held('gap_wide')}",
        f"  new deployments on open weights {r['final_new_open_share']:.3f} "
        f"(open_deepening needs >= {values['classifier.new_open_min']:g}): "
        f"{held('open_default')}",
        f"  self-hosted share of enterprise tokens {r['final_selfhost_share']:.3f} "
        f"(open_deepening needs >= {values['classifier.selfhost_min']:g}): "
        f"{held('selfhost_material')}",
        f"  concentration of open usage (HHI) {r['final_open_hhi']:.3f} "
        f"(open_deepening needs <= {values['classifier.open_hhi_max']:g}): "
        f"{held('open_spread')}",
        f"  independent labs releasing open weights at the end: "
        f"{int(r['final_independent_open'])} (open_deepening needs >= 1): {held('independent')}",
    ]
