"""Chart builders on data: bands, shares, licences, comparisons, heatmaps."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from viz import charts


def _traj() -> pl.DataFrame:
    # 5 runs x 3 months; run r has open_share r/10 and meta open in odd runs
    rows = []
    for r in range(5):
        for m in range(3):
            rows.append((r, dt.date(2023, m + 1, 1), r / 10 + m, float(r % 2), 1.0))
    return pl.DataFrame(
        rows, schema=["run", "date", "open_share", "meta_open", "openai_open"], orient="row"
    )


def _data(chart) -> list[dict]:
    spec = chart.to_dict()
    return [row for rows in spec["datasets"].values() for row in rows]


def test_fan_bands_are_quantiles_across_runs():
    bands = charts.fan_bands(_traj(), ["open_share"], {"open_share": "open"})
    assert bands.columns == ["date", "series", "q05", "q25", "q50", "q75", "q95"]
    assert bands.height == 3 and set(bands["series"]) == {"open"}
    first = bands.row(0, named=True)
    assert first["q50"] == pytest.approx(0.2)
    assert first["q05"] == pytest.approx(0.02) and first["q95"] == pytest.approx(0.38)
    ordered = bands.select(
        (pl.col("q05") <= pl.col("q25"))
        & (pl.col("q25") <= pl.col("q50"))
        & (pl.col("q50") <= pl.col("q75"))
        & (pl.col("q75") <= pl.col("q95"))
    )
    assert ordered.to_series().all()
    chart = charts.fan_chart(bands, "Open share", "share")
    assert len(_data(chart)) == 3 and chart.to_dict()["title"] == "Open share"
    with pytest.raises(KeyError, match="nope"):
        charts.fan_bands(_traj(), ["nope"])


def _summary(share_open: float, runs: int = 100) -> dict:
    states = {}
    for name, share in (
        ("open_deepening", share_open),
        ("bigtech_oligopoly", 1 - share_open),
        ("gap_widens", 0.0),
    ):
        states[name] = {"share": share, "ci_low": max(0, share - 0.1), "ci_high": share + 0.1}
    return {"runs": runs, "end_states": states}


def test_shares_frame_and_chart_keep_intervals_and_expert():
    frame = charts.shares_frame(
        {"this": _summary(0.6), "base": _summary(0.5)}, {"open_deepening": 0.45}
    )
    assert frame.height == 7
    expert = frame.filter(pl.col("source") == "expert estimate").row(0, named=True)
    assert expert["share"] == expert["ci_low"] == expert["ci_high"] == 0.45
    this = frame.filter((pl.col("source") == "this") & (pl.col("end_state") == "open_deepening"))
    assert this["ci_low"][0] == pytest.approx(0.5) and this["ci_high"][0] == pytest.approx(0.7)
    spec = charts.shares_chart(frame).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "rule"]
    assert len(_data(charts.shares_chart(frame))) == 7


def test_licence_frame_is_the_share_of_runs_open():
    frame = charts.licence_frame(_traj(), ["meta", "openai", "absent"])
    meta = frame.filter(pl.col("lab") == "meta")
    assert meta.height == 3 and meta["share_open"].to_list() == pytest.approx([0.4] * 3)
    assert frame.filter(pl.col("lab") == "openai")["share_open"].to_list() == [1.0] * 3
    # one row per lab, a cell per month (lines of always-open and never-open labs would
    # lie on each other at 1 and at 0)
    spec = charts.licence_chart(frame).to_dict()
    assert spec["mark"]["type"] == "rect" and spec["encoding"]["y"]["field"] == "lab"
    assert spec["encoding"]["color"]["scale"]["domain"] == [0, 1]
    with pytest.raises(KeyError):
        charts.licence_frame(_traj(), ["absent"])


def _cmp() -> dict:
    base = _summary(0.5)
    other = _summary(0.7)
    zero = {"difference": 0.0, "ci_low": 0.0, "ci_high": 0.0, "p_value": 1.0}
    up = {"difference": 0.2, "ci_low": 0.1, "ci_high": 0.3, "p_value": 0.01}
    base["scenario"], other["scenario"] = "baseline", "other"
    base["vs_baseline"] = {s: zero for s in base["end_states"]}
    other["vs_baseline"] = {s: up for s in other["end_states"]}
    return {"baseline": "baseline", "scenarios": [base, other]}


def test_comparison_frame_and_difference_chart():
    frame = charts.comparison_frame(_cmp())
    assert frame.height == 6
    row = frame.filter((pl.col("scenario") == "other") & (pl.col("end_state") == "gap_widens"))
    assert row["difference"][0] == 0.2 and row["diff_low"][0] == 0.1
    diff = charts.difference_chart(frame, "baseline")
    scenarios = {r.get("scenario") for r in _data(diff)} - {None}
    assert scenarios == {"other"}
    assert len(_data(charts.comparison_chart(frame))) == 6


def test_run_and_timeline_charts_carry_the_events():
    traj = _traj().filter(pl.col("run") == 1)
    events = pl.DataFrame(
        {
            "date": [dt.date(2023, 2, 1)],
            "actor": ["Meta"],
            "kind": ["release"],
            "details": ["released an open-weight model"],
        }
    )
    chart = charts.run_chart(traj, ["open_share"], events, "run 1")
    rows = _data(chart)
    assert any(r.get("details") == "released an open-weight model" for r in rows)
    label = charts.series_label("open_share")
    assert label == "Share of enterprise tokens on open weights"
    assert sum(1 for r in rows if r.get("series") == label) == 3
    assert charts.timeline_chart(events).to_dict()["mark"]["type"] == "point"


def test_readable_series_labels_and_full_strength_swatches():
    assert charts.series_label("gap_months").startswith("Months the best open model trails")
    assert charts.series_label("meta_cash") == "meta: cash of a venture-funded lab"
    assert charts.series_label("no_such_series") == "no_such_series"
    bands = charts.fan_bands(_traj(), ["open_share"])
    assert set(bands["series"]) == {charts.series_label("open_share")}
    spec = charts.fan_chart(bands, "t", "share", symlog=True).to_dict()
    legend = spec["layer"][0]["encoding"]["color"]["legend"]
    assert legend["symbolOpacity"] == 1.0 and legend["labelLimit"] == 0
    assert spec["layer"][0]["encoding"]["y"]["scale"]["type"] == "symlog"
    # the same tick values on every layer (Vega-Lite's merged axis drops them otherwise)
    ticks = [layer["encoding"]["y"]["axis"]["values"] for layer in spec["layer"]]
    assert ticks[0] and all(t == ticks[0] for t in ticks) and 0 in ticks[0]


def test_timeline_gives_every_event_kind_its_own_colour_and_shape():
    from viz.kinds import SINGLE_KINDS

    kinds = [*SINGLE_KINDS, *(f"new_kind_{i}" for i in range(12))]  # more than 20 colours
    events = pl.DataFrame(
        {
            "date": [dt.date(2023, 1, 1)] * len(kinds),
            "actor": ["Meta"] * len(kinds),
            "kind": kinds,
            "details": [""] * len(kinds),
        }
    )
    enc = charts.timeline_chart(events, kinds).to_dict()["encoding"]
    pairs = list(zip(enc["color"]["scale"]["range"], enc["shape"]["scale"]["range"], strict=True))
    assert len(set(pairs)) == len(kinds) == len(enc["color"]["scale"]["domain"])
    # a kind keeps its colour when another is absent from the run
    one = charts.timeline_chart(events.filter(pl.col("kind") == kinds[5]), kinds).to_dict()
    assert one["encoding"]["color"]["scale"]["range"] == [pairs[5][0]]


def test_comparison_table_prints_p_values_as_the_cli():
    frame = charts.comparison_frame(_cmp()).with_columns(
        pl.when(pl.col("scenario") == "other").then(1.2e-06).otherwise(1.0).alias("p_value")
    )
    table = charts.comparison_table(frame)
    assert set(table["p_value"]) == {"1.2e-06", "1"}
    assert table["share"].dtype == pl.Float64


def test_heatmap_and_bars_encode_their_columns():
    frame = pl.DataFrame({"a": [0.0, 1.0], "b": [1.0, 2.0], "share_x": [0.2, 0.8]})
    spec = charts.heatmap_chart(frame, "a", "b", "share_x").to_dict()
    assert spec["encoding"]["color"]["aggregate"] == "mean"
    assert spec["encoding"]["x"]["bin"]["maxbins"] == 8
    # dotted parameter names reach Vega-Lite as plain fields (a dot reads as a nested field)
    dotted = frame.rename({"a": "drivers.ecosystem.strength", "b": "counterforces.x.growth"})
    spec = charts.heatmap_chart(dotted, *dotted.columns).to_dict()
    fields = [spec["encoding"][c]["field"] for c in ("x", "y", "color")]
    assert not any("." in f for f in fields)
    assert spec["encoding"]["x"]["title"] == "drivers.ecosystem.strength"
    rows = _data(charts.heatmap_chart(dotted, *dotted.columns))
    assert all("." not in key for row in rows for key in row)
    counts = pl.DataFrame({"deployment": ["hybrid", "closed_api"], "count": [3, 5]})
    assert len(_data(charts.count_chart(counts, "deployment", "d"))) == 2
    sens = pl.DataFrame({"parameter": ["p", "q"], "value": [0.7, 0.1]})
    y = charts.bar_chart(sens, "parameter", "value", "S").to_dict()["encoding"]["y"]
    assert y["sort"] == "-x" and y["axis"]["labelLimit"] == 0  # full parameter names


def test_long_fan_legends_wrap_and_the_timeline_names_every_actor():
    labs = ["meta", "mistral", "openai", "anthropic", "zhipu"]
    traj = pl.DataFrame(
        {
            "run": [0] * 2,
            "date": [dt.date(2023, 1, 1), dt.date(2023, 2, 1)],
            **{f"{lab}_cash": [1.0, 2.0] for lab in labs},
        }
    )
    many = charts.fan_chart(charts.fan_bands(traj, [f"{x}_cash" for x in labs]), "t", "USD B")
    legend = many.to_dict()["layer"][0]["encoding"]["color"]["legend"]
    assert legend["columns"] == charts.LEGEND_COLUMNS
    one = charts.fan_chart(charts.fan_bands(traj, ["meta_cash"]), "t", "USD B")
    assert "columns" not in one.to_dict()["layer"][0]["encoding"]["color"]["legend"]
    actors = [f"actor {i}" for i in range(20)]
    events = pl.DataFrame(
        {
            "date": [dt.date(2023, 1, 1)] * len(actors),
            "actor": actors,
            "kind": ["release"] * len(actors),
            "details": [""] * len(actors),
        }
    )
    spec = charts.timeline_chart(events).to_dict()
    assert spec["height"] >= charts.TIMELINE_ROW * len(actors)
    assert spec["encoding"]["y"]["axis"]["labelOverlap"] is False
    assert charts.timeline_chart(events.head(2)).to_dict()["height"] == 300
