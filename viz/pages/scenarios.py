"""Scenarios side by side: the compare table of experiments.compare, charted, with paired
differences from the first scenario (same seeds, so differences reflect the assumptions)."""

from __future__ import annotations

import streamlit as st

from experiments.compare import compare_scenarios, render_comparison
from experiments.ensemble import NOT_ESTIMABLE
from experiments.runner import BatchError
from viz import charts
from viz.data import ViewError, open_scenario, scenario_files, scenario_worlds


@st.cache_data(show_spinner=False, max_entries=16)
def _compare(keys: tuple[tuple[str, str, str], ...], runs: int, seed: int, _progress=None):
    """compare_scenarios on the files in ``keys`` (path, hash, worlds file digest), each
    scenario's runs drawn from its worlds file as ``aimarket compare`` does: cached by
    content."""
    over = {"run.runs": runs, "run.seed": seed}
    scs = [open_scenario(path, over) for path, _, _ in keys]
    return compare_scenarios(scs, progress=_progress, ensembles=[scenario_worlds(s) for s in scs])


def _key(path, runs: int) -> tuple[str, str, str]:
    sc = open_scenario(path, {"run.runs": runs})
    drawn = scenario_worlds(sc)
    return (str(path), sc.hash, drawn[0].digest if drawn else "")


def _page() -> None:
    st.title("Scenarios")
    files = scenario_files()
    with st.sidebar:
        names = st.multiselect(
            "Scenarios (the first is the baseline)",
            list(files),
            default=list(files)[: min(3, len(files))],
            key="names",
        )
        runs = int(st.number_input("Runs per scenario", 1, 20000, 200, 100, key="runs"))
        seed = int(st.number_input("Seed", 0, 2**53 - 1, 20230101, 1, key="seed"))
        go = st.button("Compare", type="primary", key="compare")
    # the page opens on the comparison of its default choice (the library's first scenarios)
    first = "comparison" not in st.session_state and not st.session_state.get("compare_opened")
    st.session_state["compare_opened"] = True
    if go or (first and len(names) >= 2):
        if len(names) < 2:
            st.error("Choose at least two scenarios to compare.")
            return
        keys = tuple(_key(files[n], runs) for n in names)
        total = runs * len(names)
        bar = st.progress(0.0, text=f"simulating {total} runs")
        done = [0]

        def progress(n: int) -> None:
            done[0] += n
            bar.progress(min(1.0, done[0] / total), text=f"{done[0]} of {total} runs")

        try:
            st.session_state["comparison"] = _compare(keys, runs, seed, _progress=progress)
        except BatchError as exc:
            st.error(str(exc))
        bar.empty()
    cmp = st.session_state.get("comparison")
    if cmp is None:
        st.info("Choose scenarios in the sidebar and press **Compare**.")
        return
    frame = charts.comparison_frame(cmp)
    st.subheader(f"{len(cmp['scenarios'])} scenarios, {cmp['scenarios'][0]['runs']} runs each")
    drawn = [s for s in cmp["scenarios"] if s.get("worlds_file")]
    if drawn:

        def share(s) -> str:
            b = s["between_worlds_share"]
            return NOT_ESTIMABLE if b is None else f"{b:.2f}"

        st.caption(
            "Runs drawn from worlds files: "
            + "; ".join(
                f"{s['scenario']} {s['worlds']} worlds, between-worlds share {share(s)}"
                for s in drawn
            )
            + " (the expander below has the shares with intervals over worlds and runs)"
        )
    c1, c2 = st.columns(2)
    c1.altair_chart(charts.comparison_chart(frame), width="stretch")
    c2.altair_chart(charts.difference_chart(frame, cmp["baseline"]), width="stretch")
    st.dataframe(charts.comparison_table(frame), hide_index=True, key="table")
    with st.expander("As `aimarket compare` prints it"):
        st.code(render_comparison(cmp), language=None)


try:
    _page()
except ViewError as exc:
    st.error(str(exc))
