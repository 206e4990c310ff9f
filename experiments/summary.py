"""End-state frequencies with Wilson intervals and median indicators, as text or JSON."""

from __future__ import annotations

from typing import Any

import polars as pl

from sim.rules.classify import DEFINITIONS, INDICATOR_NAMES
from sim.vocab import END_STATES

from .sensitivity import (
    HINGE_POINTS,
    conditions_met,
    decided_counts,
    hinges,
    horizon_table,
    sensitivity_table,
)
from .stats import wilson_interval

__all__ = [
    "summarize",
    "render_table",
    "EXPERT_ESTIMATE",
    "CONDITION_LABELS",
    "DECIDED_LABELS",
]

# The probabilities of the author of Trensee's 'The Open Source AI Paradox' (docs/sources.md):
# a judgement to compare with, not a target.
EXPERT_ESTIMATE = {"open_deepening": 0.45, "bigtech_oligopoly": 0.35, "gap_widens": 0.20}


def summarize(runs: pl.DataFrame, scenario_name: str, seed: int) -> dict[str, Any]:
    """The JSON-ready summary of a batch's runs table."""
    n = runs.height
    counts = runs["end_state"].cast(pl.String).value_counts()
    by_state = dict(zip(counts["end_state"].to_list(), counts["count"].to_list(), strict=True))
    states = {}
    for name in END_STATES:
        c = int(by_state.get(name, 0))
        lo, hi = wilson_interval(c, n)
        states[name] = {
            "count": c,
            "share": c / n if n else 0.0,
            "ci_low": lo,
            "ci_high": hi,
            "expert_estimate": EXPERT_ESTIMATE[name],
        }
    medians = {
        name: (float(runs[name].median()) if n else None)
        for name in INDICATOR_NAMES
        if name in runs.columns
    }
    by_state_medians = {}
    for name in END_STATES:
        sub = runs.filter(pl.col("end_state") == name)
        if sub.height:
            by_state_medians[name] = {
                k: float(sub[k].median()) for k in ("final_open_share", "final_gap_months")
            }
    return {
        "scenario": scenario_name,
        "runs": n,
        "seed": seed,
        "end_states": states,
        "median_indicators": medians,
        "median_indicators_by_end_state": by_state_medians,
        "events_dropped": int(runs["events_dropped"].sum()) if n else 0,
        "decided": decided_counts(runs),
        "by_horizon": horizon_table(runs),
        "classifier_sensitivity": (rows := sensitivity_table(runs)),
        "hinge_limit_points": HINGE_POINTS * 100,
        "hinges": hinges(rows),
        "conditions_held": conditions_met(runs),
        "definitions": {k: list(v) for k, v in DEFINITIONS.items()},
    }


CONDITION_LABELS = {
    "open_default": "open weights the default for new deployments",
    "selfhost_material": "self-hosting a material share",
    "open_spread": "open usage spread over families",
    "independent": "an independent lab releasing openly",
    "gap_not_widening": "the gap not widening (low or not rising)",
    "bigtech_led": "big-tech sponsors carry most open usage",
    "open_concentrated": "open usage in a few families",
    "gap_close": "the gap below its widening level",
    "gap_wide": "the gap at its widening level or above",
    "gap_rising": "the gap rising",
}
DECIDED_LABELS = {
    "clear_cut": "clear-cut: exactly one definition held",
    "nearest_of_several": "several held: the highest score",
    "nearest_of_none": "none held: the nearest (highest score)",
}


def render_table(summary: dict[str, Any]) -> str:
    """A plain-text table of the summary for the terminal."""
    lines = [
        f"scenario {summary['scenario']}: {summary['runs']} runs, seed {summary['seed']}",
        "",
        f"{'end state':<20}{'count':>7}{'share':>8}   {'95% Wilson CI':<16}{'expert':>8}",
    ]
    for name, s in summary["end_states"].items():
        ci = f"[{s['ci_low']:.3f}, {s['ci_high']:.3f}]"
        lines.append(
            f"{name:<20}{s['count']:>7}{s['share']:>8.3f}   {ci:<16}{s['expert_estimate']:>8.2f}"
        )
    lines += [
        "",
        "share: of the runs; 95% Wilson CI: its score interval; expert: the probabilities the",
        "author of Trensee's 'The Open Source AI Paradox' gives, a judgement, not a target",
        "",
        "median final indicators (averages over the classifier's window):",
    ]
    labels = {
        "final_open_share": "open share of enterprise tokens",
        "final_gap_months": "open-closed gap, months",
        "final_bigtech_open_share": "big-tech share of open usage",
        "final_independent_open": "independent open labs releasing openly",
        "final_frontier_price": "frontier price, USD per M tokens",
        "final_open_price": "best open model price, USD per M tokens",
        "final_price_at_start_frontier": "price of the Jan-2023 frontier, USD/M",
        "final_dev_open_share": "developers on open ecosystems",
        "final_new_open_share": "new deployments on open weights",
        "final_selfhost_share": "self-hosted share of enterprise tokens",
        "final_open_hhi": "concentration of open usage (HHI)",
        "final_platform_open_share": "open share of platform tokens",
        "final_gap_trend": "gap trend, months per year",
        "final_gap_reference": "gap in 2023-2025 (its reference), months",
    }
    for k, v in summary["median_indicators"].items():
        lines.append(f"  {labels.get(k, k):<42}{v:>12.4g}")
    lines += _classifier_lines(summary)
    if summary.get("events_dropped"):
        lines.append(f"warning: {summary['events_dropped']} events exceeded the log capacity")
    return "\n".join(lines)


def _share_rows(rows: list[dict]) -> list[str]:
    out = [f"  {'':<44}{'open':>7}{'olig.':>7}{'gap':>7}"]
    for row in rows:
        sh = [row["shares"][s] for s in END_STATES]
        out.append(f"  {row['variant']:<44}{sh[0]:>7.2f}{sh[1]:>7.2f}{sh[2]:>7.2f}")
    return out


def _classifier_lines(summary: dict[str, Any]) -> list[str]:
    """How the runs were decided, the conditions held, the answer by horizon and the
    threshold-sensitivity table with the moves over the limit."""
    lines: list[str] = []
    decided = summary.get("decided") or {}
    n = max(summary["runs"], 1)
    if decided:
        lines += ["", "how each run's end state was decided (definitions: docs/model.md):"]
        for name, count in decided.items():
            lines.append(f"  {DECIDED_LABELS.get(name, name):<42}{count:>7}{count / n:>8.3f}")
    held = summary.get("conditions_held") or {}
    if held:
        lines += ["", "classifier conditions held over the window (share of runs):"]
        for state, conds in (summary.get("definitions") or {}).items():
            lines.append(f"  {state}:")
            for c in conds:
                lines.append(f"    {CONDITION_LABELS.get(c, c):<40}{held.get(c, 0.0):>12.3f}")
    horizon = summary.get("by_horizon") or []
    if horizon:
        lines += ["", "the answer by horizon (the same runs classified as of December of):"]
        lines += _share_rows(horizon)
    rows = summary.get("classifier_sensitivity") or []
    if rows:
        limit = summary.get("hinge_limit_points", 10.0)
        lines += ["", "end-state shares when a classifier threshold moves to an end of its range:"]
        lines += _share_rows(rows)
        found = summary.get("hinges") or []
        if found:
            lines += ["", f"moves over the {limit:.0f}-point limit, and why:"]
            lines += [f"  {h}" for h in found]
        else:
            lines += ["", f"every move stays within the {limit:.0f}-point limit"]
    return lines
