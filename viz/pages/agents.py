"""Agents: step the reference engine (Mesa agents on a SimPy clock) month by month and look at
a lab, a cloud, an enterprise or a developer; filter the enterprise population."""

from __future__ import annotations

import polars as pl
import streamlit as st

from sim.actors import ACTOR_LABELS, LAB_NAMES
from sim.calendar import month_date
from sim.engine.reference import MarketModel
from sim.vocab import OPTION_NAMES, REGION_NAMES
from viz import charts
from viz.data import ViewError, open_scenario, scenario_files
from viz.kinds import rare_kinds
from viz.population import (
    SECTORS,
    clouds_frame,
    developers_frame,
    enterprises_frame,
    filter_enterprises,
    labs_frame,
    model_events,
    model_series,
    readable_state,
)


def _start(path, run: int) -> None:
    sc = open_scenario(path)
    with st.spinner("building the agents"):
        st.session_state["model"] = MarketModel(sc, run=run, collect=False)


def _step(months: int) -> None:
    model = st.session_state["model"]
    with st.spinner(f"simulating {months} month(s)"):
        for _ in range(months):
            if model.end_state is not None:
                break
            model.step()


def _sidebar() -> None:
    files = scenario_files()
    name = st.selectbox("Scenario", list(files), key="scenario")
    run = int(st.number_input("Run", 0, 1_000_000, 0, key="run"))
    # the page opens on the first scenario's run 0 after its first month
    first = "model" not in st.session_state and not st.session_state.get("agents_opened")
    st.session_state["agents_opened"] = True
    if st.button("Start model", type="primary", key="start"):
        _start(files[name], run)
    elif first:
        _start(files[name], run)
        _step(1)
    if "model" in st.session_state:
        if st.button("+1 month", key="step1"):
            _step(1)
        if st.button("+12 months", key="step12"):
            _step(12)
        if st.button("to the end", key="step_all"):
            _step(st.session_state["model"].months)


def _labs(model) -> None:
    st.dataframe(labs_frame(model), hide_index=True, key="labs")
    lab = st.selectbox("Lab", list(LAB_NAMES), key="lab", format_func=ACTOR_LABELS.get)
    agent = model.labs_by_name[lab]
    c1, c2 = st.columns([1, 2])
    c1.json(readable_state(agent.state))
    events = model_events(model)
    own = events.filter(pl.col("actor") == ACTOR_LABELS[lab])
    c2.dataframe(own, hide_index=True, key="lab_events")


def _enterprises(model) -> None:
    frame = enterprises_frame(model)
    c1, c2, c3, c4 = st.columns(4)
    regions = c1.multiselect("Region", list(REGION_NAMES), key="f_region")
    sizes = c2.multiselect("Size", ["large", "small"], key="f_size")
    sectors = c3.multiselect("Sector", list(SECTORS), key="f_sector")
    deployments = c4.multiselect("Deployment", ["not adopted", *OPTION_NAMES], key="f_deployment")
    sub = filter_enterprises(frame, regions, sizes, sectors, deployments)
    st.metric("Enterprises matching", f"{sub.height} of {frame.height}")
    counts = sub.group_by("deployment").len("count").sort("deployment")
    left, right = st.columns([1, 2])
    left.altair_chart(charts.count_chart(counts, "deployment", "Deployment"), width="stretch")
    right.dataframe(sub, hide_index=True, key="enterprises", height=260)
    if sub.height:
        pick = int(st.selectbox("Enterprise", sub["enterprise"].to_list()[:500], key="enterprise"))
        agent = model.enterprises[pick]
        st.json(readable_state(agent.state))


def _developers(model) -> None:
    frame = developers_frame(model)
    regions = st.multiselect("Region", list(REGION_NAMES), key="d_region")
    sub = frame.filter(pl.col("region").is_in(regions)) if regions else frame
    counts = sub.group_by("ecosystem").len("count").sort("ecosystem")
    st.altair_chart(charts.count_chart(counts, "ecosystem", "Ecosystem"), width="stretch")
    last = frame.height - 1
    pick = int(st.number_input(f"Developer (0-{last})", 0, last, 0, key="developer"))
    agent = model.developers[pick]
    st.json(readable_state(agent.state))


def _page() -> None:
    st.title("Agents")
    with st.sidebar:
        _sidebar()
    model = st.session_state.get("model")
    if model is None:
        st.info(
            "Pick a scenario and a run, press **Start model**, then step it month by month. "
            "This is the reference engine: every actor is a Mesa agent, seconds per run."
        )
        return
    closed = model.month
    shown = month_date(closed - 1).strftime("%B %Y") if closed else "before January 2023"
    st.subheader(
        f"{model.market_scenario.name}, run {model.run}: {closed} of {model.months} months "
        f"simulated (through {shown})"
        + (f", end state {model.end_state}" if model.end_state else "")
    )
    if closed:
        series = model_series(model, ["open_share", "bigtech_open_share", "dev_open_share"])
        events = model_events(model)
        marked = events.filter(pl.col("kind").is_in(rare_kinds(events, 1, model.months)))
        st.altair_chart(
            charts.run_chart(
                series, series.columns[1:], marked, "Shares so far", charts.SHORT_LABELS
            ),
            width="stretch",
        )
        st.caption("dashed lines: events rarer than once in two years (hover for details)")
    labs, clouds, ents, devs = st.tabs(["Labs", "Clouds", "Enterprises", "Developers"])
    with labs:
        _labs(model)
    with clouds:
        st.dataframe(clouds_frame(model), hide_index=True, key="clouds")
    with ents:
        _enterprises(model)
    with devs:
        _developers(model)


try:
    _page()
except ViewError as exc:
    st.error(str(exc))
