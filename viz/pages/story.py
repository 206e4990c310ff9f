"""Story of a run: a run (or the typical run of an end state), its dated events, its
trajectories with events marked, and the indicators that decided its end state."""

from __future__ import annotations

import polars as pl
import streamlit as st

from experiments.story import StoryError, tell_story
from experiments.summary import DECIDED_LABELS
from sim.actors import ACTOR_LABELS
from sim.vocab import END_STATES
from viz import charts
from viz.common import load_results, results_or_baseline, results_picker
from viz.data import ViewError, deciding_indicators, shown_path, typical_run
from viz.kinds import AGGREGATE_KINDS, SINGLE_KINDS, rare_kinds


def _pick_run(runs: pl.DataFrame) -> int:
    mode = st.radio("Which run", ["typical run of an end state", "by number"], key="mode", index=0)
    if mode == "by number":
        last = int(runs["run"].max())
        return int(st.number_input(f"Run (0-{last})", 0, last, 0, key="run"))
    counts = runs["end_state"].cast(pl.String).value_counts(sort=True)
    present = [s for s in counts["end_state"].to_list() if s in END_STATES]
    state = st.selectbox("End state (most frequent first)", present, key="end_state")
    run = typical_run(runs, state)
    st.caption(f"run {run}: closest to the median final indicators of {state} runs")
    return run


def _page() -> None:
    st.title("Story of a run")
    folders = results_or_baseline()
    with st.sidebar:
        folder = results_picker(folders, key="folder")
    if not folder:
        return
    res = load_results(folder)
    st.caption(f"{res.name}: {res.runs.height} runs from {shown_path(res.folder)}")
    months = int(res.trajectories["date"].n_unique()) if res.trajectories.height else 0
    rare = rare_kinds(res.events, res.runs.height, months)
    with st.sidebar:
        run = _pick_run(res.runs)
        present = [k for k in SINGLE_KINDS if k in set(res.events["kind"].to_list())]
        marked = st.multiselect(
            "Events marked on the charts",
            present,
            default=rare,
            key="marked",
            help="by default the kinds that happen at most once every two years per run",
        )
    row = res.runs.filter(pl.col("run") == run).row(0, named=True)
    st.subheader(f"Run {run} ends in {row['end_state']}")
    decided = row.get("decided_by")
    if decided is not None:
        scores = ", ".join(
            f"{e} {row[f'score_{e}']:+.2f}" for e in END_STATES if f"score_{e}" in row
        )
        st.caption(f"{DECIDED_LABELS.get(decided, decided)}; scores: {scores}")
    values = res.manifest["scenario"].get("values", {})
    try:
        table = deciding_indicators(row, values)
        # whether each condition held beside it: last, it sat out of view past the long tests
        first = ["end state", "condition", "held"]
        st.dataframe(
            table.select(*first, pl.exclude(first)),
            hide_index=True,
            column_config={"held": st.column_config.CheckboxColumn("held", width="small")},
        )
    except KeyError as exc:
        st.warning(f"the manifest lacks the classifier's threshold {exc}")
    events = res.events.filter(pl.col("run") == run).with_columns(
        pl.col("actor").replace_strict(ACTOR_LABELS, default=pl.col("actor"))
    )
    singles = events.filter(~pl.col("kind").is_in(AGGREGATE_KINDS))
    turns = events.filter(pl.col("kind").is_in(marked))
    traj = res.trajectories.filter(pl.col("run") == run)
    st.altair_chart(charts.timeline_chart(singles, list(SINGLE_KINDS)), width="stretch")
    c1, c2 = st.columns(2)
    c1.altair_chart(
        charts.run_chart(
            traj, ["open_share", "bigtech_open_share"], turns, "Shares", charts.SHORT_LABELS
        ),
        width="stretch",
    )
    c2.altair_chart(
        charts.run_chart(traj, ["gap_months"], turns, "Open-closed gap, months"),
        width="stretch",
    )
    st.caption(f"dashed lines: {', '.join(marked) or 'no event kind chosen'}")
    with st.expander("Events", expanded=False):
        st.dataframe(singles.select("date", "actor", "kind", "details"), hide_index=True)
    with st.expander("The story as text", expanded=True):
        try:
            # a scrolling box of wrapped lines: the page stays short, no line is cut
            st.code(tell_story(res.folder, run), language=None, height=600, wrap_lines=True)
        except StoryError as exc:
            st.error(str(exc))


try:
    _page()
except ViewError as exc:
    st.error(str(exc))
