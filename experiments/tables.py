"""Engine arrays to tidy polars tables: runs, trajectories and events."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from sim.actors import ACTOR_NAMES, LAB_NAMES
from sim.calendar import START_YEAR
from sim.engine.batch import BatchArrays
from sim.events import EVENT_KINDS, EVENT_TABLE, EventKind
from sim.rules.classify import INDICATOR_NAMES
from sim.state import SERIES_NAMES, lab_series
from sim.vocab import END_STATES

__all__ = [
    "runs_frame",
    "trajectories_frame",
    "events_frame",
    "tidy_details",
    "event_dates",
    "started_open",
]

_KINDS = pl.Series("kind", EVENT_KINDS, dtype=pl.String)
_ACTORS = pl.Series("actor", ACTOR_NAMES, dtype=pl.String)


def _date_expr(month: pl.Expr) -> pl.Expr:
    m = month.cast(pl.Int32)
    return pl.date(START_YEAR + m // 12, m % 12 + 1, 1)


def event_dates(time: np.ndarray) -> np.ndarray:
    """The days of event times in months (``datetime64[D]``): each time's fraction of its
    month counted in that month's days, as sim.calendar.event_day (and so ``aimarket
    story``) dates it; vectorised, as a batch dates millions of events."""
    month = np.floor(time).astype(np.int64)
    first = np.datetime64(f"{START_YEAR}-01", "M") + month.astype("timedelta64[M]")
    start = first.astype("datetime64[D]")
    days = ((first + np.timedelta64(1, "M")).astype("datetime64[D]") - start).astype(np.int64)
    return start + np.floor((time - month) * days).astype(np.int64).astype("timedelta64[D]")


def tidy_details(details: pl.Expr) -> pl.Expr:
    """Readable gaps: '0.0 months behind' is 'at the frontier', '-2.3 months behind' is
    '2.3 months ahead of' (a model ahead of the best closed one)."""
    return details.str.replace_all(
        # a whole number 0.0, not the end of 10.0 (no look-behind in polars' regex)
        r"(^|[^\d.])-?0\.0 months behind (the \w+ frontier)",
        "${1}at ${2}",
    ).str.replace_all(r"-(\d+(?:\.\d+)?) months behind", "${1} months ahead of")


def runs_frame(b: BatchArrays, P: np.ndarray | None = None) -> pl.DataFrame:
    """One row per run: run, seed, end_state, how it was decided, the conditions held and the
    end states' scores (:func:`experiments.sensitivity.classifier_columns`), the final
    indicators, dropped events; with the scenario's parameter vector ``P``, also the end state
    under each classifier variant and horizon (:func:`experiments.sensitivity.variant_frame`)."""
    from .sensitivity import classifier_columns, variant_frame

    cols: dict[str, object] = {
        "run": b.runs,
        "seed": b.seeds,
        "end_state": pl.Series(
            "end_state", [END_STATES[i] for i in b.end_states], dtype=pl.Enum(END_STATES)
        ),
    }
    for j, name in enumerate(INDICATOR_NAMES):
        cols[name] = b.indicators[:, j]
    cols["events_dropped"] = b.dropped
    df = pl.DataFrame(cols)
    head = ["run", "seed", "end_state"]
    parts = [
        df.select(head),
        classifier_columns(b.decided, b.held, b.scores),
        df.drop(head),
    ]
    if P is not None:
        parts.append(variant_frame(P, b.trajectories))
    return pl.concat(parts, how="horizontal")


def trajectories_frame(b: BatchArrays) -> pl.DataFrame:
    """One row per run and month with every recorded series."""
    n, months, n_series = b.trajectories.shape
    flat = b.trajectories.reshape(n * months, n_series)
    cols: dict[str, object] = {
        "run": np.repeat(b.runs, months),
        "month": np.tile(np.arange(months, dtype=np.int32), n),
    }
    for j, name in enumerate(SERIES_NAMES):
        cols[name] = flat[:, j]
    df = pl.DataFrame(cols)
    return df.with_columns(_date_expr(pl.col("month")).alias("date")).select(
        "run", "month", "date", *SERIES_NAMES
    )


def _no_negative_zero(col: pl.Expr) -> pl.Expr:
    """A small negative number rounded to 0 reads 0, not -0."""
    return pl.when(col == 0).then(pl.lit(0.0)).otherwise(col)


def _field(spec: str) -> pl.Expr:
    """One field of an event table template (see sim.events) as text."""
    for mark in (":", "~", "%", "#", "?"):
        if mark in spec:
            name, arg = spec.split(mark, 1)
            break
    else:
        name, mark, arg = spec, "", ""
    col = pl.col(name)
    if mark == ":":
        return _no_negative_zero(col.round(int(arg))).cast(pl.String)
    if mark == "~":
        return _no_negative_zero(col.round_sig_figs(int(arg))).cast(pl.String)
    if mark == "%":
        return _no_negative_zero((100 * col).round(int(arg))).cast(pl.String)
    if mark == "#":
        return col.cast(pl.Int64).cast(pl.String)
    if mark == "?":  # ?open: 1 open-weight, 0 closed
        return pl.when(col == 1).then(pl.lit("open-weight")).otherwise(pl.lit("closed"))
    return col.cast(pl.String)


def _case(template: str, fields: tuple[str, ...]) -> pl.Expr:
    if not fields:
        return pl.lit(template)
    return pl.format(template, *(_field(f) for f in fields))


def _kind_details(kind: EventKind) -> pl.Expr:
    """The readable description of events of one kind from their numeric fields, as the event
    table (sim.events.EVENT_TABLE) says."""
    text = None
    for condition, template, fields in reversed(kind.details):
        case = _case(template, fields)
        if condition is None:
            text = case
        else:
            name, value = condition
            text = pl.when(pl.col(name) == value).then(case).otherwise(text)
    if any("months behind" in template for _, template, _ in kind.details):
        text = tidy_details(text)  # fields are numbers: only such templates need tidying
    return text


def started_open(b: BatchArrays, values: Mapping[str, object]) -> dict[str, np.ndarray]:
    """Per lab, per run of ``b``: whether it started with an open-weight model out (its
    2023 model exists, scenario ``values``, and its flagship was open in the first month)."""
    out = {}
    for k, lab in enumerate(LAB_NAMES):
        capability = values.get(f"labs.{lab}.capability_2023", 0)
        has_model = isinstance(capability, int | float) and capability > 0
        out[lab] = has_model & (b.trajectories[:, 0, lab_series(k, "open")] == 1)
    return out


def _derived(df: pl.DataFrame) -> pl.DataFrame:
    """The fields templates may use beside the logged ones (see sim.events): a price cut's
    ``price_before``, a license switch ``against`` its net value (a draw), and whether the
    lab had ``open_weights`` out (released before, or out from the start: ``_started``)."""
    kind, value, value2 = pl.col("kind"), pl.col("value"), pl.col("value2")
    released = kind.is_in(["release", "open_line"]) & (pl.col("target") == 1)
    return df.with_columns(
        (value / (1.0 - value2)).alias("price_before"),
        (((value == 1) & (value2 < 0)) | ((value == 0) & (value2 > 0)))
        .cast(pl.Float64)
        .alias("against"),
        (released.cum_max().over("run", "actor") | pl.col("_started"))
        .cast(pl.Float64)
        .alias("open_weights"),
    )


def _with_details(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with a ``details`` column, each kind's template evaluated on its rows alone."""
    if df.height == 0:
        return df.with_columns(pl.lit("", dtype=pl.String).alias("details"))
    kinds = {kind.name: kind for kind in EVENT_TABLE}
    parts = []
    extra = _derived(df).with_row_index("_row")
    for (name,), rows in extra.partition_by("kind", as_dict=True).items():
        text = _kind_details(kinds[name]) if name in kinds else pl.lit("")
        parts.append(rows.with_columns(text.cast(pl.String).alias("details")))
    return pl.concat(parts).sort("_row").select(*df.columns, "details")


def events_frame(b: BatchArrays, started: Mapping[str, np.ndarray] | None = None) -> pl.DataFrame:
    """Every logged event: run, time (months), date (its day), kind, actor, numeric fields,
    details. ``started`` (:func:`started_open`) says which labs had open weights out from
    the start of each run (for the details; none if not given)."""
    max_events = b.logs.shape[1]
    mask = np.arange(max_events)[None, :] < b.log_n[:, None]
    flat = b.logs[mask]
    run = np.repeat(b.runs, b.log_n)
    first = np.zeros((len(b.runs), len(ACTOR_NAMES)), dtype=bool)
    for lab, flags in (started or {}).items():
        first[:, ACTOR_NAMES.index(lab)] = flags
    actor = flat["actor"].astype(np.int64)
    df = pl.DataFrame(
        {
            "run": run,
            "time": flat["time"],
            "kind": _KINDS.gather(flat["kind"].astype(np.int64)),
            "actor": _ACTORS.gather(actor),
            "value": flat["value"],
            "value2": flat["value2"],
            "target": flat["target"],
            "_started": first[np.repeat(np.arange(len(b.runs)), b.log_n), actor],
        }
    )
    date = pl.Series("date", event_dates(flat["time"]), dtype=pl.Date)
    return _with_details(df.with_columns(date)).select(
        "run", "time", "date", "kind", "actor", "value", "value2", "target", "details"
    )
