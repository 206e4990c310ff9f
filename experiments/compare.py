"""Compare scenarios: end-state shares per scenario and their difference from the first.

Every scenario runs with the same base seed, so run k of each scenario draws from the same
random streams (common random numbers) and differences reflect the assumptions, not noise
in the draws.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.params.scenario import Scenario
from sim.vocab import END_STATES

from .ensemble import ensemble_summary
from .runner import DEFAULT_CHUNK, Drawn, batch_plan, run_scenario
from .stats import paired_difference
from .store import StoreError, inspect_folder, refusal
from .summary import summarize

__all__ = ["compare_scenarios", "render_comparison", "compare_folders"]


def compare_folders(out: str | Path, scenarios: list[Scenario]) -> list[Path]:
    """One results folder per scenario inside ``out``: ``NN-name`` (characters other than
    letters, digits and ``.+=-`` in the name, e.g. its overrides' spaces, read ``_``)."""
    return [
        Path(out) / f"{i:02d}-{re.sub(r'[^\w.+=-]+', '_', sc.name).strip('_')}"
        for i, sc in enumerate(scenarios)
    ]


def _check_compare_folder(
    out: Path,
    scenarios: list[Scenario],
    chunk_size: int,
    force: bool,
    ensembles: list[Drawn | None],
) -> None:
    """Refuse, before running anything, an ``out`` holding files a comparison did not write
    or a scenario folder holding another plan's results (unless ``force``)."""
    if out.exists() and not out.is_dir():
        raise StoreError(f"{out}: expected a folder for the comparison, found a file")
    folders = compare_folders(out, scenarios)
    if out.is_dir():
        mine = {"compare.json"} | {f.name for f in folders}
        strangers = sorted(n for n in (p.name for p in out.iterdir()) if n not in mine)
        if strangers and not force:
            shown = ", ".join(strangers[:4]) + (" ..." if len(strangers) > 4 else "")
            raise StoreError(
                f"{out}: holds {shown} (not this comparison's); nothing was changed. Choose "
                f"another folder, or pass --force to write the comparison beside them"
            )
    for folder, sc, ens in zip(folders, scenarios, ensembles, strict=True):
        state = inspect_folder(folder, batch_plan(sc, chunk_size, "fast", ens))
        if state.status in ("file", "sweep") or (
            not force and state.status in ("other", "foreign")
        ):  # a sweep's folder is never replaced, even with --force
            raise StoreError(refusal(state))


def compare_scenarios(
    scenarios: list[Scenario],
    out: str | Path | None = None,
    threads: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Callable[[int], None] | None = None,
    force: bool = False,
    notify: Callable[[str], None] | None = None,
    ensembles: list[Drawn | None] | None = None,
) -> dict[str, Any]:
    """Run each scenario and compare its end-state shares with the first (the baseline).
    ``ensembles[i]`` is the worlds scenario ``i``'s runs are drawn from (None: its point);
    scenarios sharing a worlds file and a seed draw the same world for run k, so the pairs
    stay paired.

    With ``out``, each scenario's results go to ``out/NN-name``; every folder is checked
    before the first run (see :func:`experiments.store.claim_folder`)."""
    folders: list[Path | None] = [None] * len(scenarios)
    ensembles = ensembles if ensembles is not None else [None] * len(scenarios)
    if out is not None:
        _check_compare_folder(Path(out), scenarios, chunk_size, force, ensembles)
        folders = list(compare_folders(out, scenarios))
    summaries = []
    ends = []
    for sc, folder, ens in zip(scenarios, folders, ensembles, strict=True):
        result = run_scenario(
            sc,
            out=folder,
            threads=threads,
            chunk_size=chunk_size,
            progress=progress,
            force=force,
            notify=notify,
            ensemble=ens,
        )
        s = summarize(result.runs, sc.name, sc.seed)
        s.update(ensemble_summary(result.runs, ens and ens[0], sc.seed, sc.path))
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
    """A plain-text table under 100 columns: per scenario, each end state's share with its
    95% interval, and below it the paired difference from the first scenario with its p."""
    width = 22
    head = f"{'scenario':<24}{'runs':>6}  " + "".join(f"{n:<{width}}" for n in END_STATES)
    lines = [head.rstrip()]
    for i, s in enumerate(cmp["scenarios"]):
        row = f"{s['scenario'][:23]:<24}{s['runs']:>6}  "
        for name in END_STATES:
            e = s["end_states"][name]
            row += f"{e['share']:.3f} [{e['ci_low']:.3f}, {e['ci_high']:.3f}]".ljust(width)
        lines.append(row.rstrip())
        if i:
            diff = f"{('  vs ' + cmp['baseline'])[:23]:<24}{'':>6}  "
            for name in END_STATES:
                d = s["vs_baseline"][name]
                diff += f"{d['difference']:+.3f} (p {d['p_value']:.2g})".ljust(width)
            lines.append(diff.rstrip())
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
    if any(s.get("worlds_file") for s in cmp["scenarios"]):
        lines += ["", f"{'over worlds and runs':<30}" + "".join(f"{n:<22}" for n in END_STATES)]
        for s in cmp["scenarios"]:
            if not s.get("worlds_file"):
                continue
            b = s["between_worlds_share"]
            head = f"{s['scenario'][:17]} ({s['worlds']}w, {'n/a' if b is None else f'{b:.2f}'})"
            row = f"{head[:29]:<30}"
            for name in END_STATES:
                e = s["shares_over_worlds"][name]
                row += f"{e['share']:.3f} [{e['lo']:.3f}, {e['hi']:.3f}]".ljust(22)
            lines.append(row.rstrip())
        lines += [
            "(Nw, b): N distinct worlds drawn, b the share of end-state variance between",
            "worlds; intervals: two-stage bootstrap over worlds, then runs",
        ]
    lines += [
        "",
        "share [95% Wilson interval] of runs ending in each end state; vs: share minus the",
        "first scenario's, paired by run (same seeds), p: two-sided test of that difference",
    ]
    return "\n".join(lines)
