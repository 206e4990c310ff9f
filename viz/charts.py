"""Pure chart builders: polars frames in, Altair charts (or tidy frames for them) out.

Every function here is free of Streamlit and of model logic, so it is tested on data alone.
Uncertainty is always drawn: shares carry their 95% intervals, trajectories their 5-95% and
25-75% bands around the median.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

from sim.state import SERIES_DOCS

__all__ = [
    "QUANTILES",
    "LEGEND_COLUMNS",
    "TIMELINE_ROW",
    "KIND_COLOURS",
    "series_label",
    "SHORT_LABELS",
    "comparison_table",
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
# Tableau's 20 colours, dark and light alternating (the event timeline's kinds)
KIND_COLOURS = (
    "#4c78a8", "#9ecae9", "#f58518", "#ffbf79", "#54a24b", "#88d27a", "#b79a20", "#f2cf5b",
    "#439894", "#83bcb6", "#e45756", "#ff9d98", "#79706e", "#bab0ac", "#d67195", "#fcbfd2",
    "#b279a2", "#d6a5c9", "#9e765f", "#d8b5a5",
)  # fmt: skip
_SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down")
# legends: full-strength swatches (the bands' fill is pale), labels never cut
_LEGEND = {
    "symbolOpacity": 1.0,
    "symbolStrokeWidth": 3,
    "labelLimit": 0,
    "orient": "bottom",
    "direction": "horizontal",
}
LEGEND_COLUMNS = 3  # a fan chart's legend entries per row
TIMELINE_ROW = 24  # pixels per actor on the event timeline: every actor's name fits
_SYMLOG_TICKS = [-100, -10, 0, 10, 100, 1000, 10000]


# names of the shares charted side by side, short enough for a legend in one row
SHORT_LABELS = {
    "open_share": "open share of enterprise tokens",
    "bigtech_open_share": "big tech's share of open usage",
    "dev_open_share": "developers in open ecosystems",
}


def series_label(name: str) -> str:
    """A trajectory column's readable name from sim.state.SERIES_DOCS (its first clause), the
    per-lab ones (``meta_cash``) with the lab's name; unknown names are returned as they are."""
    doc = SERIES_DOCS.get(name)
    prefix = ""
    if doc is None and "_" in name:
        lab, rest = name.split("_", 1)
        doc, prefix = SERIES_DOCS.get(rest), f"{lab}: "
    if doc is None:
        return name
    short = doc.split(",")[0].split(" (")[0].split(":")[0].strip()
    return prefix + short[:1].upper() + short[1:] if not prefix else prefix + short


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
            .with_columns(pl.lit(labels.get(col) or series_label(col)).alias("series"))
        )
    return pl.concat(parts).sort("series", "date").select("date", "series", *_Q)


def fan_chart(
    bands: pl.DataFrame, title: str, y_title: str, log: bool = False, symlog: bool = False
) -> alt.Chart:
    """Median line with 25-75% and 5-95% bands, one colour per series; ``log`` for a log axis,
    ``symlog`` for one that also takes 0 and negatives (cash spanning orders of magnitude)."""
    axis = alt.Axis()
    if log:
        scale = alt.Scale(type="log")
    elif symlog:
        scale = alt.Scale(type="symlog", constant=1.0)
        axis = alt.Axis(
            values=_SYMLOG_TICKS, labelExpr="format(datum.value, ',')", labelOverlap=False
        )
    else:
        scale = alt.Scale(zero=False)
    # a long legend wraps into rows of LEGEND_COLUMNS (one row overflows a half-width chart)
    wrap = {"columns": LEGEND_COLUMNS} if bands["series"].n_unique() > LEGEND_COLUMNS else {}
    base = alt.Chart(bands).encode(
        x=alt.X("date:T", title=None),
        color=alt.Color("series:N", title=None, legend=alt.Legend(**_LEGEND, **wrap)),
    )
    outer = base.mark_area(opacity=0.15).encode(
        y=alt.Y("q05:Q", title=y_title, scale=scale, axis=axis), y2="q95:Q"
    )
    # every layer carries the same axis (merged axes drop explicit tick values)
    inner = base.mark_area(opacity=0.3).encode(y=alt.Y("q25:Q", scale=scale, axis=axis), y2="q75:Q")
    median = base.mark_line().encode(
        y=alt.Y("q50:Q", scale=scale, axis=axis),
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
    """One row per lab, one cell per month, coloured by the share of runs in which the lab's
    flagship is open (lines of labs always open or never would lie on each other at 1 and 0)."""
    labs = list(dict.fromkeys(frame["lab"].to_list()))
    return (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X("yearmonth(date):T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
            y=alt.Y("lab:N", title=None, sort=labs),
            color=alt.Color(
                "share_open:Q",
                title="share of runs open",
                scale=alt.Scale(domain=[0, 1], scheme="blues"),
            ),
            tooltip=["lab:N", alt.Tooltip("date:T"), alt.Tooltip("share_open:Q", format=".2f")],
        )
        .properties(title="Licences: share of runs with the lab's flagship open weights")
    )


def timeline_chart(events: pl.DataFrame, kinds: list[str] | None = None) -> alt.Chart:
    """One point per dated event, one row per actor, the readable details on hover. Each of
    ``kinds`` (default: those present) has its own colour and shape pair, given by its position
    there, so a kind keeps its colour from run to run; the legend lists the kinds present."""
    kinds = kinds or sorted(set(events["kind"].to_list()))
    present = set(events["kind"].to_list())
    n = len(KIND_COLOURS)
    slots = [(k, i) for i, k in enumerate(kinds) if k in present]  # the legend lists these
    colours = [KIND_COLOURS[i % n] for _, i in slots]
    shapes = [_SHAPES[i % len(_SHAPES)] for _, i in slots]  # 20 x 6 colours: unique to 60
    kinds = [k for k, _ in slots]
    legend = alt.Legend(columns=2, symbolOpacity=1.0, labelLimit=0)
    return (
        alt.Chart(events.select("date", "actor", "kind", "details"))
        .mark_point(filled=True, size=80, opacity=0.9)
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
            y=alt.Y("actor:N", title=None, axis=alt.Axis(labelOverlap=False)),
            color=alt.Color(
                "kind:N", title="event", scale=alt.Scale(domain=kinds, range=colours), legend=legend
            ),
            shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=shapes), legend=None),
            tooltip=[alt.Tooltip("date:T"), "actor:N", "kind:N", "details:N"],
        )
        .properties(
            title="Event timeline",
            # a fixed height squeezed the rows and Vega-Lite hid every other actor's name
            height=max(300, TIMELINE_ROW * events["actor"].n_unique()),
        )
    )


def run_chart(
    traj: pl.DataFrame,
    columns: list[str],
    events: pl.DataFrame,
    title: str,
    labels: dict[str, str] | None = None,
) -> alt.LayerChart:
    """One run's series over time (named by ``labels``, else :func:`series_label`) with its
    events marked as vertical rules."""
    labels = labels or {}
    named = {c: labels.get(c) or series_label(c) for c in columns}
    long = (
        traj.select("date", *columns)
        .rename(named)
        .unpivot(index="date", on=list(named.values()), variable_name="series", value_name="value")
    )
    lines = (
        alt.Chart(long)
        .mark_line()
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("series:N", title=None, legend=alt.Legend(**_LEGEND)),
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


def comparison_table(frame: pl.DataFrame) -> pl.DataFrame:
    """:func:`comparison_frame` for display: shares to 3 decimals, p-values as
    ``aimarket compare`` prints them (2 significant digits, so 1.2e-06 does not read 0)."""
    return frame.with_columns(
        pl.col(pl.Float64).exclude("p_value").round(3),
        pl.col("p_value").map_elements(lambda p: f"{p:.2g}", return_dtype=pl.String),
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
            y=alt.Y(f"{label}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=0)),
            x=alt.X(f"{value}:Q", title=value),
            tooltip=[f"{label}:N", alt.Tooltip(f"{value}:Q", format=".3g")],
        )
        .properties(title=title)
    )


def heatmap_chart(frame: pl.DataFrame, x: str, y: str, value: str, bins: int = 8) -> alt.Chart:
    """Mean of ``value`` over a grid of binned ``x`` and ``y`` (e.g. an end state's probability
    over two parameters of a sweep). The columns are renamed for Vega-Lite, which would read a
    dotted name (``drivers.ecosystem.strength``) as a nested field and draw nothing."""
    data = frame.select(pl.col(x).alias("x"), pl.col(y).alias("y"), pl.col(value).alias("v"))
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("x:Q", bin=alt.Bin(maxbins=bins), title=x),
            y=alt.Y("y:Q", bin=alt.Bin(maxbins=bins), title=y),
            color=alt.Color("mean(v):Q", title=value, scale=alt.Scale(domain=[0, 1])),
            tooltip=[
                alt.Tooltip("mean(v):Q", title=value, format=".2f"),
                alt.Tooltip("count():Q", title="points"),
            ],
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
