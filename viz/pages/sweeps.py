"""Sweeps: open a sweep folder; sensitivity bars, discovery boxes and a heatmap of an end
state's probability over two parameters. Without a sweep, how to make one."""

from __future__ import annotations

import polars as pl
import streamlit as st

from viz import charts
from viz.common import results_picker
from viz.data import ViewError, results_dir
from viz.sweeps import find_sweeps, read_sweep


def _has_sweep_command() -> bool:
    from experiments.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return "sweep" in sub.choices


def _how_to() -> None:
    if _has_sweep_command():
        st.markdown(
            "Make a sweep with `uv run aimarket sweep SPEC.toml --out results/NAME` "
            "(a spec names the base scenario, the parameters and their ranges, the sampler, "
            "replications and seed), then open its folder here. "
            f"Sweep folders are looked for under `{results_dir()}`."
        )
    else:
        st.markdown(
            "Sweeps come with the experiments' sweep package (`aimarket sweep`). Until it is "
            "installed, vary one setting at a time on **Explore**, or compare scenario files "
            "on **Scenarios**; a sweep folder (manifest.json and points.parquet) placed under "
            f"`{results_dir()}` is shown here."
        )


def _page() -> None:
    st.title("Sweeps")
    folders = find_sweeps()
    if not folders:
        st.info("No sweep folder found.")
        _how_to()
    with st.sidebar:
        folder = results_picker(folders, key="sweep", label="Sweep folder")
    if not folder:
        return
    sweep = read_sweep(folder)
    m = sweep.manifest
    st.subheader(
        f"{m.get('name', sweep.folder.name)}: {sweep.points.height} points"
        + (f", {m['runs']} runs" if "runs" in m else "")
        + (f", sampler {m['sampler']}" if "sampler" in m else "")
    )
    if sweep.sensitivity is not None and {"parameter", "value"} <= set(sweep.sensitivity.columns):
        sens = sweep.sensitivity
        for col in ("output", "index"):
            if col in sens.columns:
                pick = st.selectbox(col.capitalize(), sens[col].unique().sort().to_list(), key=col)
                sens = sens.filter(pl.col(col) == pick)
        st.altair_chart(
            charts.bar_chart(sens, "parameter", "value", "Sensitivity"), width="stretch"
        )
    else:
        st.caption("No sensitivity analysis in this folder (aimarket sweep's analysis adds one).")
    if len(sweep.parameters) >= 2 and sweep.states:
        c1, c2, c3 = st.columns(3)
        x = c1.selectbox("x", sweep.parameters, index=0, key="x")
        y = c2.selectbox("y", sweep.parameters, index=1, key="y")
        # the end state whose probability varies most over the points comes first
        spread = {s: sweep.points[f"share_{s}"].std() or 0.0 for s in sweep.states}
        states = sorted(sweep.states, key=lambda s: -spread[s])
        state = c3.selectbox("End state (most varying first)", states, key="state")
        if x == y:
            st.warning("Choose two different parameters.")
        else:
            st.altair_chart(
                charts.heatmap_chart(sweep.points, x, y, f"share_{state}"), width="stretch"
            )
    else:
        st.caption("A heatmap needs two swept parameters and end-state shares per point.")
    for state, box in sweep.boxes.items():
        st.markdown(f"**Discovery box: {state}**")
        st.dataframe(box, hide_index=True)
    with st.expander("Points"):
        st.dataframe(sweep.points, hide_index=True)
    _point_runs(sweep)


_FANS = (
    (["open_share"], "Open share of enterprise tokens", "share"),
    (["gap_months"], "Open-closed gap", "months"),
    (["bigtech_open_share"], "Big-tech share of open usage", "share"),
)


def _point_runs(sweep) -> None:
    """A point's fan charts (kept trajectories) and its typical run's story (kept events)."""
    from experiments.story import StoryError
    from experiments.sweep.kept import point_runs, point_table, point_typical_run, sweep_story
    from viz.kinds import AGGREGATE_KINDS, SINGLE_KINDS

    keep = sweep.manifest.get("keep") or []
    st.markdown("**A point's runs**")
    if not keep:
        st.caption(
            "This sweep kept no runs' tables: rerun it with `--keep trajectories,events` "
            "(or `keep` in the spec's [sweep] table) to see a point's fan chart and stories."
        )
        return
    last = sweep.points.height - 1
    point = int(st.number_input(f"Point (0-{last})", 0, last, 0, key="point"))
    try:
        if "trajectories" in keep:
            traj = point_table(sweep.folder, "trajectories", point)
            cols = st.columns(len(_FANS))
            for col, (series, title, y) in zip(cols, _FANS, strict=True):
                bands = charts.fan_bands(traj, series)
                col.altair_chart(charts.fan_chart(bands, title, y), width="stretch")
        if "events" in keep:
            state, run = point_typical_run(point_runs(sweep.folder, point))
            st.caption(
                f"run {run}: the typical run of {state}, the point's most frequent end state"
            )
            events = point_table(sweep.folder, "events", point).filter(pl.col("run") == run)
            singles = events.filter(~pl.col("kind").is_in(AGGREGATE_KINDS))
            st.altair_chart(charts.timeline_chart(singles, list(SINGLE_KINDS)), width="stretch")
            with st.expander("The story as text", expanded=True):
                st.code(sweep_story(sweep.folder, point, run), language=None)
    except StoryError as exc:
        st.error(str(exc))


try:
    _page()
except ViewError as exc:
    st.error(str(exc))
