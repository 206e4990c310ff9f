"""Pure chart builders: polars frames in, Altair charts (or tidy frames for them) out.

Every function here is free of Streamlit and of model logic, so it is tested on data alone.
Uncertainty is always drawn: shares carry their 95% intervals, trajectories their 5-95% and
25-75% bands around the median.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

__all__ = [
    "QUANTILES",
    "fan_bands",
    "fan_chart",
    "shares_frame",
    "shares_chart",
    "sensitivity_frame",
    "licence_frame",
    "licence_chart",
    "timeline_chart",
    "run_chart",
    "comparison_frame",
    "comparison_chart",
    "difference_chart",
    "count_chart",
    "bar_chart",
    "heatmap_chart",
]

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
_Q = ("q05", "q25", "q50", "q75", "q95")
_STATE_ORDER = ["open_deepening", "bigtech_oligopoly", "gap_widens"]


def fan_bands(traj: pl.DataFrame, columns: list[str], labels: dict[str, str] | None = None):
    """Per month and series: the 5/25/50/75/95% quantiles across runs of each of ``columns``."""
    labels = labels or {}
    missing = [c for c in columns if c not in traj.columns]
    if missing:
        raise KeyError(f"trajectories lack {', '.join(missing)}")
    parts = []
    for col in columns:
        parts.append(
            traj.group_by("date")
            .agg(
                *(
                    pl.col(col).quantile(q, "linear").alias(n)
                    for q, n in zip(QUANTILES, _Q, strict=True)
                )
            )
            .with_columns(pl.lit(labels.get(col, col)).alias("series"))
        )
    return pl.concat(parts).sort("series", "date").select("date", "series", *_Q)


def fan_chart(bands: pl.DataFrame, title: str, y_title: str, log: bool = False) -> alt.Chart:
    """Median line with 25-75% and 5-95% bands, one colour per series."""
    scale = alt.Scale(type="log") if log else alt.Scale(zero=False)
    base = alt.Chart(bands).encode(
        x=alt.X("date:T", title=None), color=alt.Color("series:N", title=None)
    )
    outer = base.mark_area(opacity=0.15).encode(
        y=alt.Y("q05:Q", title=y_title, scale=scale), y2="q95:Q"
    )
    inner = base.mark_area(opacity=0.3).encode(y=alt.Y("q25:Q", scale=scale), y2="q75:Q")
    median = base.mark_line().encode(
        y=alt.Y("q50:Q", scale=scale),
        tooltip=[alt.Tooltip("date:T"), "series:N", alt.Tooltip("q50:Q", format=".3g")],
    )
    return (outer + inner + median).properties(title=title, height=260)


def shares_frame(summaries: dict[str, dict[str, Any]], expert: dict[str, float] | None = None):
    """End-state shares with 95% intervals per source (a summary per label from
    :func:`experiments.summary.summarize`), plus the expert estimate as a point source."""
    rows = []
    for label, s in summaries.items():
        for state, e in s["end_states"].items():
            rows.append((label, state, e["share"], e["ci_low"], e["ci_high"], s["runs"]))
    for state, p in (expert or {}).items():
        rows.append(("expert estimate", state, p, p, p, 0))
    return pl.DataFrame(
        rows,
        schema=["source", "end_state", "share", "ci_low", "ci_high", "runs"],
        orient="row",
    )


def shares_chart(frame: pl.DataFrame) -> alt.Chart:
    """Grouped bars of shares per end state with 95% interval whiskers."""
    sources = list(dict.fromkeys(frame["source"].to_list()))
    base = alt.Chart(frame).encode(
        x=alt.X("end_state:N", title=None, sort=_STATE_ORDER),
        xOffset=alt.XOffset("source:N", sort=sources),
        color=alt.Color("source:N", sort=sources, title=None),
    )
    bars = base.mark_bar().encode(
        y=alt.Y("share:Q", title="share of runs", scale=alt.Scale(domain=[0, 1])),
        tooltip=[
            "source:N",
            "end_state:N",
            alt.Tooltip("share:Q", format=".3f"),
            alt.Tooltip("ci_low:Q", format=".3f"),
            alt.Tooltip("ci_high:Q", format=".3f"),
        ],
    )
    whiskers = base.mark_rule(color="black").encode(y="ci_low:Q", y2="ci_high:Q")
    return (bars + whiskers).properties(title="End states with 95% intervals", height=280)


def licence_frame(traj: pl.DataFrame, labs: list[str]) -> pl.DataFrame:
    """Per month and lab: the share of runs in which the lab's flagship is open weights."""
    cols = [f"{lab}_open" for lab in labs if f"{lab}_open" in traj.columns]
    if not cols:
        raise KeyError("trajectories lack the labs' '<lab>_open' series")
    wide = traj.group_by("date").agg(pl.col(c).mean() for c in cols)
    long = wide.unpivot(index="date", on=cols, variable_name="lab", value_name="share_open")
    return long.with_columns(pl.col("lab").str.strip_suffix("_open")).sort("lab", "date")


def licence_chart(frame: pl.DataFrame) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("share_open:Q", title="share of runs open", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("lab:N", title=None),
            tooltip=["lab:N", alt.Tooltip("date:T"), alt.Tooltip("share_open:Q", format=".2f")],
        )
        .properties(title="Licences: flagship released as open weights", height=260)
    )


def timeline_chart(events: pl.DataFrame) -> alt.Chart:
    """One point per dated event, one row per actor, the readable details on hover."""
    return (
        alt.Chart(events.select("date", "actor", "kind", "details"))
        .mark_point(filled=True, size=70)
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
            y=alt.Y("actor:N", title=None),
            color=alt.Color("kind:N", title="event"),
            tooltip=[alt.Tooltip("date:T"), "actor:N", "kind:N", "details:N"],
        )
        .properties(title="Event timeline", height=300)
    )


def run_chart(traj: pl.DataFrame, columns: list[str], events: pl.DataFrame, title: str):
    """One run's series over time with its events marked as vertical rules."""
    long = traj.select("date", *columns).unpivot(
        index="date", on=columns, variable_name="series", value_name="value"
    )
    lines = (
        alt.Chart(long)
        .mark_line()
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("series:N", title=None),
        )
    )
    rules = (
        alt.Chart(events.select("date", "actor", "kind", "details"))
        .mark_rule(opacity=0.35, strokeDash=[3, 3])
        .encode(x="date:T", tooltip=[alt.Tooltip("date:T"), "actor:N", "kind:N", "details:N"])
    )
    return (rules + lines).properties(title=title, height=240)


def comparison_frame(cmp: dict[str, Any]) -> pl.DataFrame:
    """Long table of :func:`experiments.compare.compare_scenarios`: per scenario and end state,
    share with its interval and the paired difference from the first with its interval."""
    rows = []
    for s in cmp["scenarios"]:
        for state, e in s["end_states"].items():
            d = s["vs_baseline"][state]
            rows.append(
                (
                    s["scenario"],
                    state,
                    e["share"],
                    e["ci_low"],
                    e["ci_high"],
                    d["difference"],
                    d["ci_low"],
                    d["ci_high"],
                    d["p_value"],
                )
            )
    return pl.DataFrame(
        rows,
        schema=[
            "scenario",
            "end_state",
            "share",
            "ci_low",
            "ci_high",
            "difference",
            "diff_low",
            "diff_high",
            "p_value",
        ],
        orient="row",
    )


def comparison_chart(frame: pl.DataFrame) -> alt.Chart:
    """Shares per end state, one bar per scenario, with 95% intervals."""
    renamed = frame.rename({"scenario": "source"})
    return shares_chart(renamed).properties(title="End states by scenario, 95% intervals")


def difference_chart(frame: pl.DataFrame, baseline: str) -> alt.Chart:
    """Paired differences from the baseline with 95% intervals (the baseline itself left out)."""
    data = frame.filter(pl.col("scenario") != baseline)
    base = alt.Chart(data).encode(
        y=alt.Y("scenario:N", title=None),
        color=alt.Color("end_state:N", title=None, sort=_STATE_ORDER),
        yOffset=alt.YOffset("end_state:N", sort=_STATE_ORDER),
    )
    points = base.mark_point(filled=True, size=60).encode(
        x=alt.X("difference:Q", title=f"difference in share from {baseline}"),
        tooltip=[
            "scenario:N",
            "end_state:N",
            alt.Tooltip("difference:Q", format="+.3f"),
            alt.Tooltip("p_value:Q", format=".2g"),
        ],
    )
    bars = base.mark_rule().encode(x="diff_low:Q", x2="diff_high:Q")
    zero = alt.Chart(pl.DataFrame({"x": [0.0]})).mark_rule(color="gray").encode(x="x:Q")
    return (zero + bars + points).properties(title="Paired differences, 95% intervals")


def count_chart(frame: pl.DataFrame, category: str, title: str) -> alt.Chart:
    """Bars of a ``count`` column per ``category``."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{category}:N", title=None),
            y=alt.Y("count:Q", title="count"),
            tooltip=[f"{category}:N", "count:Q"],
        )
        .properties(title=title, height=220)
    )


def bar_chart(frame: pl.DataFrame, label: str, value: str, title: str) -> alt.Chart:
    """Horizontal bars of ``value`` per ``label``, largest first (e.g. sensitivity indices)."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(f"{label}:N", sort="-x", title=None),
            x=alt.X(f"{value}:Q", title=value),
            tooltip=[f"{label}:N", alt.Tooltip(f"{value}:Q", format=".3g")],
        )
        .properties(title=title)
    )


def heatmap_chart(frame: pl.DataFrame, x: str, y: str, value: str, bins: int = 8) -> alt.Chart:
    """Mean of ``value`` over a grid of binned ``x`` and ``y`` (e.g. an end state's probability
    over two parameters of a sweep)."""
    return (
        alt.Chart(frame.select(x, y, value))
        .mark_rect()
        .encode(
            x=alt.X(f"{x}:Q", bin=alt.Bin(maxbins=bins)),
            y=alt.Y(f"{y}:Q", bin=alt.Bin(maxbins=bins)),
            color=alt.Color(f"mean({value}):Q", scale=alt.Scale(domain=[0, 1])),
            tooltip=[alt.Tooltip(f"mean({value}):Q", format=".2f"), alt.Tooltip("count():Q")],
        )
        .properties(title=f"{value} over {x} and {y}")
    )


def sensitivity_frame(rows: list[dict]) -> pl.DataFrame:
    """The classifier's sensitivity rows (experiments.sensitivity) as a table: each variant
    with its end-state shares and their changes in points."""
    out: dict[str, list] = {"variant": [r["variant"] for r in rows]}
    for state in rows[0]["shares"] if rows else ():
        out[state] = [round(r["shares"][state], 3) for r in rows]
        out[f"{state} change, points"] = [round(100 * r["change"][state], 1) for r in rows]
    return pl.DataFrame(out)
