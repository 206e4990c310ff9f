"""Compare scenarios: end-state shares per scenario and their difference from the first.

Every scenario runs with the same base seed, so run k of each scenario draws from the same
random streams (common random numbers) and differences reflect the assumptions, not noise
in the draws.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.params.scenario import Scenario
from sim.vocab import END_STATES

from .runner import DEFAULT_CHUNK, run_scenario
from .stats import paired_difference
from .summary import summarize

__all__ = ["compare_scenarios", "render_comparison"]


def compare_scenarios(
    scenarios: list[Scenario],
    out: str | Path | None = None,
    threads: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Run each scenario and compare its end-state shares with the first (the baseline)."""
    summaries = []
    ends = []
    for i, sc in enumerate(scenarios):
        folder = None
        if out is not None:
            folder = Path(out) / f"{i:02d}-{sc.name}"
        result = run_scenario(
            sc, out=folder, threads=threads, chunk_size=chunk_size, progress=progress
        )
        s = summarize(result.runs, sc.name, sc.seed)
        s["path"] = sc.path
        s["scenario_hash"] = sc.hash
        s["out"] = str(folder) if folder else None
        summaries.append(s)
        ends.append(result.runs.select("run", "end_state"))
    base = summaries[0]
    for s, e in zip(summaries, ends, strict=True):
        # run k of each scenario shares its random streams: pair the runs both have
        pairs = e.join(ends[0], on="run", suffix="_base")
        diffs = {}
        for name in END_STATES:
            d = paired_difference(
                (pairs["end_state"] == name).to_numpy(),
                (pairs["end_state_base"] == name).to_numpy(),
            )
            diffs[name] = {
                "difference": d.mean,
                "ci_low": d.ci_low,
                "ci_high": d.ci_high,
                "p_value": d.p_value,
                "paired_runs": d.n,
            }
        s["vs_baseline"] = diffs
    return {"baseline": base["scenario"], "scenarios": summaries}


def render_comparison(cmp: dict[str, Any]) -> str:
    """A plain-text table: one row per scenario, share and difference per end state."""
    head = f"{'scenario':<28}{'runs':>6}"
    for name in END_STATES:
        head += f"  {name:<36}"
    sub = f"  {'share [95% CI]':<17}{'diff':>6}{'p':>9}    "
    lines = [head, f"{'':<34}" + sub * len(END_STATES)]
    for s in cmp["scenarios"]:
        row = f"{s['scenario'][:27]:<28}{s['runs']:>6}"
        for name in END_STATES:
            e, d = s["end_states"][name], s["vs_baseline"][name]
            p_txt = f"{d['p_value']:.2g}" if s is not cmp["scenarios"][0] else ""
            ci = f"{e['share']:.2f} [{e['ci_low']:.2f},{e['ci_high']:.2f}]"
            row += f"  {ci:<17}{d['difference']:>+6.2f}{p_txt:>9}    "
        lines.append(row)
    lines += [
        "",
        f"{'median final indicators':<28}{'open share':>12}{'gap, months':>13}"
        f"{'big-tech share':>16}{'independents':>14}",
    ]
    for s in cmp["scenarios"]:
        m = s["median_indicators"]
        lines.append(
            f"{s['scenario'][:27]:<28}{m['final_open_share']:>12.3f}{m['final_gap_months']:>13.2f}"
            f"{m['final_bigtech_open_share']:>16.3f}{m['final_independent_open']:>14.1f}"
        )
    lines.append(
        "\ndiff: share minus the first scenario's, paired by run (same seeds); p: two-sided "
        "test on the mean of the paired differences"
    )
    return "\n".join(lines)
