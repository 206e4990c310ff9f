"""Explore: a scenario, its main parameters and driver strengths, a batch on the fast engine,
end-state shares with 95% intervals beside the baseline and the expert estimate, fan charts."""

from __future__ import annotations

import time

import polars as pl
import streamlit as st

from experiments.summary import CONDITION_LABELS, DECIDED_LABELS, EXPERT_ESTIMATE, summarize
from sim.actors import LAB_LABELS, LAB_NAMES
from sim.calendar import month_label
from viz import charts
from viz.common import load_results
from viz.data import ViewError, ensure_batch, open_scenario, scenario_files, shown_path

# the parameters the page lets one change: key, label
MAIN = (
    ("technology.catchup", "Research catch-up (share of the gap closed for free)"),
    ("counterforces.frontier_cost.growth", "Frontier training cost growth (x per year)"),
    ("counterforces.liability.strength", "Liability (strength multiplier)"),
    ("enterprises.open_friction", "Integration effort of open models in 2023 (utility)"),
    ("market.demand_growth_start", "Token demand growth in 2023 (x per year)"),
)
# the horizons a batch can run to: December 2031 (the default) or December 2033
HORIZONS = {"December 2031": 108, "December 2033": 132}
DRIVERS = (
    ("drivers.ecosystem.strength", "Ecosystem"),
    ("drivers.market_pressure.strength", "Market pressure"),
    ("drivers.monetization.strength", "Indirect monetization"),
    ("drivers.regulatory.strength", "Regulatory positioning"),
    ("drivers.feedback.strength", "Community feedback"),
)


def _controls():
    """The sidebar of settings; returns (scenario file, overrides, baseline file) or None."""
    try:
        files = scenario_files()
    except ViewError as exc:
        st.error(str(exc))
        return None
    name = st.selectbox("Scenario", list(files), key="scenario")
    try:
        sc = open_scenario(files[name])
    except ViewError as exc:
        st.error(f"Scenario {name}: {exc}")
        return None
    st.caption(sc.description)
    c1, c2 = st.columns(2)
    runs = c1.number_input("Runs", min_value=1, max_value=20000, value=200, step=100, key="runs")
    seed = c2.number_input("Seed", min_value=0, value=sc.seed, step=1, key=f"seed_{name}")
    own = int(sc.values["run.months"])
    horizons = {f"{month_label(own - 1)} (the scenario's)": own}
    horizons.update({k: v for k, v in HORIZONS.items() if v != own})
    horizon = st.selectbox(
        "Horizon (the answer as of December 2029, 2031 and 2033, those the runs reach)",
        list(horizons),
        key=f"horizon_{name}",
    )
    overrides = {"run.runs": int(runs), "run.seed": int(seed), "run.months": horizons[horizon]}
    with st.expander("Main parameters", expanded=False):
        for key, label in MAIN:
            overrides[key] = st.number_input(
                label, value=float(sc.values[key]), key=f"{name}:{key}", format="%.3f"
            )
    with st.expander("Driver strengths (0 off, 1 default, 2 double)", expanded=True):
        for key, label in DRIVERS:
            overrides[key] = st.number_input(
                label, value=float(sc.values[key]), step=0.25, key=f"{name}:{key}"
            )
    return files[name], overrides, files.get("baseline")


def _run(path, overrides, baseline_path) -> None:
    """Simulate (or read back) the batch and its baseline at the same runs and seed."""
    try:
        sc = open_scenario(path, overrides)
        same = {k: overrides[k] for k in ("run.runs", "run.seed", "run.months")}
        base = open_scenario(baseline_path, same) if baseline_path else None
    except ViewError as exc:
        st.error(str(exc))
        return
    todo = [sc] + ([base] if base is not None and base.hash != sc.hash else [])
    total = sum(s.runs for s in todo)
    bar = st.progress(0.0, text=f"simulating {total} runs")
    done = [0]

    def progress(n: int) -> None:
        done[0] += n
        bar.progress(min(1.0, done[0] / total), text=f"{done[0]} of {total} runs")

    t0 = time.perf_counter()
    try:
        folders = [str(ensure_batch(s, progress=progress)) for s in todo]
    except ViewError as exc:
        bar.empty()
        st.error(str(exc))
        return
    bar.empty()
    st.session_state["explore"] = {
        "folder": folders[0],
        "baseline": folders[-1] if base is not None else None,
        "seconds": round(time.perf_counter() - t0, 2),
    }


@st.cache_data(show_spinner=False, max_entries=32)
def _bands(folder: str, columns: tuple[str, ...], labels: tuple[tuple[str, str], ...]):
    return charts.fan_bands(load_results(folder).trajectories, list(columns), dict(labels))


def _fan(folder: str, columns: list[str], title: str, y: str, labels=None, **scale):
    bands = _bands(folder, tuple(columns), tuple((labels or {}).items()))
    st.altair_chart(charts.fan_chart(bands, title, y, **scale), width="stretch")


def _short(table: pl.DataFrame) -> dict:
    """Short headers so every column fits: a state's share, then its change beside it."""
    return {
        c: st.column_config.NumberColumn("Δ points", width="small", format="%+.1f")
        for c in table.columns
        if c.endswith(" change, points")
    }


def _classifier(summary: dict) -> None:
    """How each run was decided, the answer by horizon, how the shares move when a classifier
    threshold moves (the moves over the 10-point limit named, with why), and which of each
    definition's conditions held."""
    decided = summary.get("decided") or {}
    if decided:
        n = max(summary["runs"], 1)
        st.caption(
            "How the runs were decided: "
            + "; ".join(f"{DECIDED_LABELS[k]} {v / n:.1%}" for k, v in decided.items())
        )
    horizon = summary.get("by_horizon") or []
    if horizon:
        st.markdown("**The answer by horizon** (the same runs classified as of December of)")
        table = charts.sensitivity_frame(horizon)
        st.dataframe(table, hide_index=True, width="stretch", column_config=_short(table))
    rows = summary.get("classifier_sensitivity") or []
    if not rows:
        return
    st.markdown("**How the end-state shares move with the classifier**")
    hinges = summary.get("hinges") or []
    limit = summary.get("hinge_limit_points", 10.0)
    if hinges:
        st.warning("\n".join(f"- {sentence}" for sentence in hinges))
    else:
        st.caption(f"every move stays within the {limit:.0f}-point limit")
    table = charts.sensitivity_frame(rows)
    st.dataframe(table, hide_index=True, width="stretch", column_config=_short(table))
    held = summary.get("conditions_held") or {}
    definitions = summary.get("definitions") or {}
    st.dataframe(
        pl.DataFrame(
            [
                {
                    "end state": state,
                    "condition": CONDITION_LABELS.get(c, c),
                    "share of runs where it held": held.get(c, 0.0),
                }
                for state, conds in definitions.items()
                for c in conds
            ]
        ),
        hide_index=True,
    )


def _worlds(res) -> None:
    """The ensemble's line: worlds drawn, between-worlds share, shares over worlds and runs."""
    from experiments.ensemble import NOT_ESTIMABLE, folder_ensemble_summary
    from experiments.prior_influence import render_influence

    e = folder_ensemble_summary(res.runs, res.manifest)
    if not e.get("worlds_file"):
        st.caption("one parameter point (no worlds file): the intervals carry seed variation only")
        return
    b = e["between_worlds_share"]
    st.markdown(
        f"**{e['worlds']} worlds** drawn; between-worlds share of end-state variance "
        f"**{NOT_ESTIMABLE if b is None else f'{b:.2f}'}** · "
        + " · ".join(
            f"{k} {v['share']:.1%} [{v['lo']:.1%}, {v['hi']:.1%}]"
            for k, v in e["shares_over_worlds"].items()
        ),
        help="intervals from a two-stage bootstrap (worlds, then runs): they carry both what "
        "the facts leave open and the luck of a run",
    )
    if e["separating_parameters"]:
        st.caption(
            "parameters that most separate the end states (eta²): "
            + ", ".join(f"{r['key']} {r['eta2']:.2f}" for r in e["separating_parameters"])
        )
    influence = e.get("prior_influence")
    if influence is None:
        st.caption(render_influence(None))
    else:
        # the headline moves with the priors the facts do not pin down: say by how much
        st.warning(render_influence(influence, e.get("prior_influence_for", "")))


def _show(state: dict) -> None:
    res = load_results(state["folder"])
    seed = int(res.manifest.get("seed", 0))
    summaries = {f"{res.name} (this batch)": summarize(res.runs, res.name, seed)}
    if state.get("baseline") and state["baseline"] != state["folder"]:
        base = load_results(state["baseline"])
        summaries[f"{base.name} (baseline)"] = summarize(base.runs, base.name, seed)
    frame = charts.shares_frame(summaries, EXPERT_ESTIMATE)
    st.subheader(f"{res.name}: {res.runs.height} runs, seed {seed}")
    this = summaries[next(iter(summaries))]["end_states"]
    st.markdown(
        " · ".join(
            f"**{name}** {e['share']:.1%} [{e['ci_low']:.1%}, {e['ci_high']:.1%}]"
            for name, e in this.items()
        ),
        help="share of runs ending in each state, 95% Wilson interval",
    )
    _worlds(res)
    st.caption(f"results in {shown_path(res.folder)} under the results root ({state['seconds']} s)")
    left, right = st.columns([3, 2])
    left.altair_chart(charts.shares_chart(frame), width="stretch")
    table = frame.with_columns(
        pl.format(
            "{} [{}, {}]",
            pl.col("share").round(3),
            pl.col("ci_low").round(3),
            pl.col("ci_high").round(3),
        ).alias("share [95% CI]")
    ).pivot(on="source", index="end_state", values="share [95% CI]")
    right.dataframe(table, hide_index=True)
    _classifier(summaries[next(iter(summaries))])
    f = state["folder"]
    c1, c2 = st.columns(2)
    with c1:
        _fan(f, ["open_share"], "Open share of enterprise tokens", "share")
        _fan(
            f,
            ["frontier_price", "open_price"],
            "Prices",
            "USD per M tokens",
            {"frontier_price": "frontier (closed)", "open_price": "best open"},
            log=True,
        )
        _fan(
            f,
            # closed APIs are paid by both segments: without the platform's spend beside the
            # enterprises', the closed revenue looked larger than all the spend
            ["enterprise_spend", "platform_spend", "closed_revenue", "cloud_revenue"],
            "Spend and revenue",
            "USD B per month",
            {
                "enterprise_spend": "enterprises' spend",
                "platform_spend": "developers' spend",
                "closed_revenue": "paid for closed APIs",
                "cloud_revenue": "kept by clouds",
            },
        )
    with c2:
        _fan(f, ["gap_months"], "Open-closed gap", "months")
        _fan(f, ["bigtech_open_share"], "Big-tech share of open usage", "share")
        venture = [lab for lab in LAB_NAMES if res.trajectories[f"{lab}_cash"].max() > 0]
        _fan(
            f,
            [f"{lab}_cash" for lab in venture],
            "Labs' cash (venture-funded labs), symmetric log axis",
            "USD B",
            {f"{lab}_cash": LAB_LABELS[lab] for lab in venture},
            symlog=True,
        )
    lic = charts.licence_frame(res.trajectories, list(LAB_NAMES)).with_columns(
        pl.col("lab").replace_strict(LAB_LABELS, default=pl.col("lab"))
    )
    st.altair_chart(charts.licence_chart(lic), width="stretch")


st.title("Explore")
with st.sidebar:
    slot = st.container()  # Run batch above the settings, in sight
    settings = _controls()
if settings is not None:
    # the page opens on its default settings' batch (the baseline's: read back once made)
    first = "explore" not in st.session_state and not st.session_state.get("explore_opened")
    st.session_state["explore_opened"] = True
    if slot.button("Run batch", type="primary", key="run") or first:
        _run(*settings)
if "explore" in st.session_state:
    try:
        _show(st.session_state["explore"])
    except ViewError as exc:
        st.error(str(exc))
else:
    st.info("Choose a scenario and its settings in the sidebar, then press **Run batch**.")
