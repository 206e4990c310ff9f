"""Engine arrays to tidy polars tables: runs, trajectories and events."""

from __future__ import annotations

import numpy as np
import polars as pl

from sim.calendar import START_YEAR
from sim.engine.batch import BatchArrays
from sim.rules.classify import INDICATOR_NAMES
from sim.state import ACTOR_NAMES, END_STATES, EV, SERIES_NAMES

__all__ = ["runs_frame", "trajectories_frame", "events_frame", "EVENT_KINDS"]

EVENT_KINDS = tuple(k.name.lower() for k in EV)


def _date_expr(month: pl.Expr) -> pl.Expr:
    m = month.cast(pl.Int32)
    return pl.date(START_YEAR + m // 12, m % 12 + 1, 1)


def runs_frame(b: BatchArrays) -> pl.DataFrame:
    """One row per run: run, seed, end_state, the final indicators, dropped events."""
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
    return pl.DataFrame(cols)


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


def _details() -> pl.Expr:
    """A readable description of each event from its numeric fields."""
    v, v2, tg = pl.col("value"), pl.col("value2"), pl.col("target")
    r2 = lambda e: e.round(2).cast(pl.String)  # noqa: E731
    r1 = lambda e: e.round(1).cast(pl.String)  # noqa: E731
    k = pl.col("kind")
    return (
        pl.when(k == "release")
        .then(
            pl.format(
                "{} model, capability {} (log10 eff. FLOP), {} months behind the closed frontier",
                pl.when(tg == 1).then(pl.lit("open-weight")).otherwise(pl.lit("closed")),
                r2(v),
                r1(v2),
            )
        )
        .when(k == "license_switch")
        .then(
            pl.when(v2 == -1.0)
            .then(pl.lit("investors force the flagship closed"))
            .otherwise(
                pl.format(
                    "switches to {} releases (net value of open {})",
                    pl.when(v == 1).then(pl.lit("open-weight")).otherwise(pl.lit("closed")),
                    r2(v2),
                )
            )
        )
        .when(k == "price_cut")
        .then(pl.format("cuts its API price by {}% to {} USD per M tokens", r1(100 * v2), r2(v)))
        .when(k == "funding_round")
        .then(pl.format("raises USD {} B (cash USD {} B)", r2(v), r2(v2)))
        .when(k == "funding_failed")
        .then(pl.format("fails to raise (cash USD {} B)", r2(v2)))
        .when(k == "runway_exhausted")
        .then(pl.format("runs out of cash (USD {} B)", r2(v)))
        .when(k == "acquisition")
        .then(pl.lit("is acquired by a big-tech sponsor"))
        .when(k == "wind_down")
        .then(pl.lit("winds down; its open weights stay available"))
        .when(k == "safety_incident")
        .then(pl.format("a maliciously fine-tuned open model causes harm (pressure {})", r2(v)))
        .when(k == "liability_shock")
        .then(pl.lit("strict liability for open weights enacted; open-source exemption revoked"))
        .when(k == "export_control")
        .then(pl.format("export controls tighten (Chinese labs lose {} OOM of compute)", r2(v)))
        .when(k == "reg_phase")
        .then(pl.format("EU AI Act phase {} applies", v.cast(pl.Int32).cast(pl.String)))
        .when(k == "hardware_step")
        .then(pl.format("a GPU generation ships ({}x price-performance since 2023)", r2(v)))
        .when(k == "enterprise_reviews")
        .then(
            pl.format(
                "{} reviews, {} switched deployment, {} adopted",
                v2.cast(pl.Int64),
                v.cast(pl.Int64),
                tg,
            )
        )
        .when(k == "developer_switches")
        .then(pl.format("{} reviews, {} switched ecosystem", v2.cast(pl.Int64), v.cast(pl.Int64)))
        .otherwise(pl.lit(""))
    )


def events_frame(b: BatchArrays) -> pl.DataFrame:
    """Every logged event: run, time (months), date, kind, actor, numeric fields, details."""
    max_events = b.logs.shape[1]
    mask = np.arange(max_events)[None, :] < b.log_n[:, None]
    flat = b.logs[mask]
    run = np.repeat(b.runs, b.log_n)
    df = pl.DataFrame(
        {
            "run": run,
            "time": flat["time"],
            "kind": pl.Series("kind", np.array(EVENT_KINDS)[flat["kind"]], dtype=pl.String),
            "actor": pl.Series("actor", np.array(ACTOR_NAMES)[flat["actor"]], dtype=pl.String),
            "value": flat["value"],
            "value2": flat["value2"],
            "target": flat["target"],
        }
    )
    date = _date_expr(pl.col("time").floor()).alias("date")
    return df.with_columns(date, _details().alias("details")).select(
        "run", "time", "date", "kind", "actor", "value", "value2", "target", "details"
    )
