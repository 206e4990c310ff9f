"""The harness's figures as ``docs/performance.md``: machine, budgets, tables and plots."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

from experiments.store import atomic_write_bytes

from .extras import extra_lines, obstacle_lines
from .machine import probe_text, probe_times, speed_spread
from .scaling import SUPERLINEAR
from .stages import hidden_seconds

__all__ = ["write_report", "render", "plot", "host_against_previous", "RESULTS_FILE"]

# the figures of the latest report, beside its plots: the next report compares its host's
# speed with this one's
RESULTS_FILE = "results.json"

_AGENT_AXES = ("runs", "enterprises", "developers")

# spread of the fixed workload's times beyond which the host's speed moved during a run
# (repeats on an idle machine stay within a few percent)
HOST_SPREAD = 0.10


def plot(res: dict, folder: Path) -> list[str]:
    """Scaling (time log-log, memory) and stage plots as PNG files in ``folder``; their names."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    sc = res["scaling"]
    fig, axes = plt.subplots(2, 3, figsize=(12, 7))
    for j, axis in enumerate(_AGENT_AXES):
        pts = sc[axis]["points"]
        done = [p for p in pts if p["status"] == "measured"]
        rest = [p for p in pts if p["status"] != "measured"]
        ax = axes[0, j]
        ax.loglog([p[axis] for p in done], [p["seconds"] for p in done], "o-", label="measured")
        if rest:
            ax.loglog(
                [p[axis] for p in rest],
                [p["seconds"] for p in rest],
                "x",
                color="C3",
                label="extrapolated or stopped",
            )
        if done:  # linear growth through the largest measured point
            x0, y0 = done[-1][axis], done[-1]["seconds"]
            xs = [p[axis] for p in pts]
            ax.loglog(xs, [y0 * v / x0 for v in xs], "--", color="grey", label="linear")
        tol = sc[axis].get("tolerance", 0.0)
        ax.set_title(f"{axis}: last-segment slope {sc[axis]['last_slope']:.2f} ± {tol:.2f}")
        ax.set_xlabel(axis)
        ax.set_ylabel(f"time (s) of {pts[0]['runs']:,} runs" if axis != "runs" else "time (s)")
        ax.legend(fontsize=8)
        ax = axes[1, j]
        ax.semilogx([p[axis] for p in done], [p["peak_gib"] for p in done], "o-")
        ax.set_ylim(bottom=0)
        ax.set_xlabel(axis)
        ax.set_ylabel("peak memory (GiB)")
    fig.tight_layout()
    fig.savefig(folder / "scaling.png", dpi=90)
    plt.close(fig)

    st = res["product"]["stages"]
    fig, ax = plt.subplots(figsize=(7, 2.8))
    ax.barh(list(st), list(st.values()), color=["grey", "C0", "C1", "C2", "C7"][: len(st)])
    ax.invert_yaxis()
    ax.set_xlabel("seconds")
    ax.set_title(f"{res['product']['batch_runs']:,} runs written, 2 threads")
    fig.tight_layout()
    fig.savefig(folder / "stages.png", dpi=90)
    plt.close(fig)
    return ["scaling.png", "stages.png"]


def _f(v: float, unit: str) -> str:
    if unit == "x":
        return f"{v:,.0f}x"
    if unit == "share":
        return f"{v:.0%}"
    if unit == "":
        return f"{v:.2f}"
    return f"{v:.2f} {unit}"


def _budget_lines(res: dict) -> list[str]:
    lines = ["| budget | measured | limit | ratio | |", "|---|---|---|---|---|"]
    for b in res["budgets"]:
        sign = "≤" if b["kind"] == "max" else "≥"
        lines.append(
            f"| {b['budget']} | {_f(b['value'], b['unit'])} | {sign} {_f(b['limit'], b['unit'])}"
            f" | {b['ratio']:.2f} | {'met' if b['met'] else '**not met**'} |"
        )
    return lines


_ENGINES_TEXT = (
    "Each run is timed on the fast engine (best of three) and at once on the reference engine, "
    "run by run, so that a change in the host's speed falls on both timings of a pair; the "
    "speed-up is the median of the runs' ratios, with the lowest and highest beside it."
)


def _engine_lines(res: dict) -> list[str]:
    e, plan = res["engines"], res["plan"]
    return [
        "| | time | ratio to the fast engine |",
        "|---|---|---|",
        f"| fast engine, per run (mean of {plan['reference_runs']} runs) | "
        f"{e['fast_s'] * 1e3:.2f} ms | 1 |",
        f"| reference engine (Mesa agents on a SimPy clock), per run (same runs) | "
        f"{e['reference_s']:.2f} s | {e['reference_ratio']:,.0f}x (median of the runs' "
        f"ratios; {e['reference_ratio_min']:,.0f}-{e['reference_ratio_max']:,.0f}x) |",
        f"| fast engine, batch of {e['mesa_runs']} runs | {e['fast_batch_s'] * 1e3:.1f} ms | 1 |",
        f"| `mesa.batch_run(MarketModel, parameters={{'run': range({e['mesa_runs']})}})`, "
        f"one process, a DataCollector row per month | {e['mesa_batch_s']:.2f} s | "
        f"{e['mesa_ratio']:,.0f}x |",
    ]


def _decision_lines(res: dict) -> list[str]:
    d = res["decisions"]
    return [
        f"Enterprise and developer reviews of {d['runs']} baseline runs on one thread, counted "
        "from the event logs' monthly summaries, beside a microkernel that calls the same "
        "choice rules (`enterprise_decision`, `developer_decision`) over every agent of a "
        "mid-run state in a tight compiled loop (`benchmarks/roofline.py`).",
        "",
        "| | enterprise | developer | mix of the engine |",
        "|---|---|---|---|",
        f"| decisions in the engine | {d['enterprise_decisions']:,} | "
        f"{d['developer_decisions']:,} | {d['engine_seconds']:.2f} s |",
        f"| microkernel (roofline), decisions/s | {d['kernel_enterprise_rate'] / 1e6:.1f} M | "
        f"{d['kernel_developer_rate'] / 1e6:.1f} M | {d['kernel_rate'] / 1e6:.1f} M |",
        f"| engine, decisions/s | | | {d['engine_rate'] / 1e6:.1f} M "
        f"({d['fraction']:.0%} of the roofline) |",
        "",
        "The engine's rate counts the whole run (events, clearing, bookkeeping of each review) "
        "against decisions alone: the fraction is the share of a run spent deciding.",
    ]


def _point_time(r: dict) -> str:
    if r["status"] == "extrapolated":
        return f"{r['seconds']:.1f} (extrapolated, not run)"
    if r["status"] == "stopped":
        return f"> {r['seconds']:.0f} (stopped)"
    return f"{r['seconds']:.2f}"


def _ms(v: float) -> str:
    """Milliseconds to three significant figures, without exponents: 0.0342, 3.42, 785, 3,140."""
    return f"{v:,.0f}" if v >= 100 else f"{v:.3g}"


def _point_timing(r: dict) -> tuple[str, str, str]:
    """A point's timing cells: timings x runs per timing, ms per run, spread."""
    if r["status"] != "measured":
        return "", "", ""
    per_run = r.get("per_run_s", r["seconds"] / r["runs"])
    spread = r.get("spread", math.nan)
    return (
        f"{r.get('repeats', 1)} x {r.get('runs_timed', r['runs']):,}",
        _ms(per_run * 1e3),
        "" if math.isnan(spread) else f"{spread:.0%}",
    )


def _scaling_lines(res: dict) -> list[str]:
    plan, sc = res["plan"], res["scaling"]
    min_s, repeats = plan.get("min_point_s", 0.0), plan.get("point_repeats", 1)
    lines = [
        "Each point runs in a fresh process (kernels loaded from the cache first; the time is "
        "the batch's with its runs table, without writing files) and reports its peak resident "
        "memory (VmHWM, after the point's own batch) and the machine's 1-minute load average "
        f"when it started. A point whose batch lasts under {min_s:g} s is too little work to "
        f"time stably: it is timed {repeats} times and the best kept, on the agent axes over a "
        f"batch grown to last about {min_s:g} s (more runs of the same populations), on the "
        "runs axis and the threads points over the same batch (their runs are what is "
        "measured). *timed* is timings x runs per timing; *per run* is the best timing's time "
        "per run; *time* is that times the point's runs, so points timed over different "
        "batches compare; *spread* is the slowest timing over the best, less one. Agent axes "
        f"are points of {plan['agent_runs']} runs with the other population at its baseline "
        "size. Growth exponents are log-log slopes of time over the measured points and over "
        "the last segment (the two largest sizes, where fixed costs no longer hide growth); a "
        f"last segment above {SUPERLINEAR} plus its tolerance is flagged super-linear. The "
        "tolerance is how far the segment's slope can move within its two points' spreads, "
        "(log(1+s1) + log(1+s2)) / log(size ratio); a point timed once is given the largest "
        "spread measured on its axis (none if no point there was repeated). A point "
        f"predicted to take over {plan['point_limit_s']:.0f} s is extrapolated from the "
        "points before it (at the steeper of linear growth and the last segment's) instead of "
        "run.",
        "",
        "| axis | runs | enterprises | developers | threads | timed | per run (ms) | time (s) "
        "| spread | peak (GiB) | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for axis, entry in sc.items():
        for r in entry["points"]:
            peak = "" if math.isnan(r["peak_gib"]) else f"{r['peak_gib']:.2f}"
            load = f"{r['load']:.1f}" if "load" in r else ""
            timed, per_run, spread = _point_timing(r)
            lines.append(
                f"| {axis} | {r['runs']:,} | {r['enterprises']:,} | {r['developers']:,} | "
                f"{r['threads']} | {timed} | {per_run} | {_point_time(r)} | {spread} | {peak} "
                f"| {load} |"
            )
    lines += [
        "",
        "| axis | time exponent | last segment | tolerance | memory exponent | |",
        "|---|---|---|---|---|---|",
    ]
    for axis in _AGENT_AXES:
        s = sc[axis]
        if s["measured"] < 2:
            flag = "fewer than two measured points"
        else:
            flag = "**super-linear**" if s["superlinear"] else "linear or better"
        lines.append(
            f"| {axis} | {s['slope']:.2f} | {s['last_slope']:.2f} | "
            f"{s.get('tolerance', 0.0):.2f} | {s['memory_slope']:.2f} | {flag} |"
        )
    lines.append(
        f"| threads | 2 threads {sc['threads']['speedup']:.2f}x faster than 1 "
        f"({plan['thread_runs']:,} runs) | | | | |"
    )
    return lines


def _stage_lines(res: dict) -> list[str]:
    p = res["product"]
    st, t = p["stages"], p["batch_timings"]
    lines = [
        f"`aimarket run scenarios/baseline.toml --runs {p['batch_runs']} --threads 2 --out DIR` "
        "in a fresh process: the batch's own timings (`timings` in its manifest) beside the "
        "command's wall time. compile/load is the process's start-up, imports and loading the "
        "kernels from numba's cache; summarise builds the runs (with the classifier's "
        "variants), trajectories and events tables; write is each chunk's parquet parts and "
        "its rows appended to the final files, then the final files put in place; other is "
        "the rest of the batch. Summarise and write run in a background thread while the next "
        "chunk simulates: the table gives each the share of it the batch waited for, the rest "
        "was hidden behind the simulation (below).",
        "",
        "| stage | seconds | share of the batch |",
        "|---|---|---|",
    ]
    batch = sum(v for k, v in st.items() if k != "compile/load")
    for name, v in st.items():
        share = "" if name == "compile/load" else f"{v / batch:.0%}"
        lines.append(f"| {name} | {v:.2f} | {share} |")
    lines += [
        f"| wall, whole command | {p['batch_wall_s']:.2f} | |",
        "",
        f"Slowest stage after loading: **{p['slowest']}**. The batch took "
        f"{t['total_seconds']:.2f} s (kernels loaded in {t.get('kernels_seconds', 0):.2f} s); "
        f"peak memory {p['batch_peak_gib']:.2f} GiB. Summarising took "
        f"{t.get('summarise_seconds', 0):.2f} s and writing {t.get('write_seconds', 0):.2f} s "
        f"in all, {hidden_seconds(t):.2f} s of it beside the simulation.",
    ]
    if "readme_s" in p:
        lines += [
            "",
            f"`{p['readme_command']}` (1,000 runs, cache warm, best of two after a warm-up): "
            f"{p['readme_s']:.2f} s wall.",
        ]
    return lines


def render(res: dict, image_folder: str, pngs: list[str]) -> str:
    """The report's markdown; plots are linked as ``image_folder/<png>``."""
    plan = res["plan"]
    # shared: other work used a quarter of a core during the run (busy CPU time less the
    # harness's own); load averages do not decide: the one at the start trails the minute
    # before the run, the one at the end counts the harness's own threads
    other = res.get("other_cpu_share", 0.0)
    shared = other >= 0.25
    # a host that slows the virtual machine down shows in no process inside it: a fixed
    # workload timed between the stages shows it (spread beyond run-to-run noise)
    probes = res.get("speed_probes", {})
    spread = speed_spread(probes)
    host_slowed = spread > HOST_SPREAD
    cmd = "uv run python -m benchmarks.harness" + (" --quick" if plan["name"] == "quick" else "")
    lines = [
        "# Performance",
        "",
        f"Generated by `{cmd}` on {dt.date.today().isoformat()} ({plan['name']} plan, "
        f"{res['harness_s'] / 60:.0f} minutes); rerun it to refresh every figure below. "
        "Speed is measured here, never asserted in tests.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in res["machine"].items()],
        f"| 1-minute load average | {res['load_start']:.2f} at start, "
        f"{res['load_end']:.2f} at end (the harness's own work included) |",
        f"| other work during the run | {other:.2f} of a core (busy CPU time less the harness's) |",
        *(
            [
                "| fixed workloads between stages (host speed; compute/memory) | "
                + probe_text(probes)
                + f"; slowest {spread:.0%} slower than fastest |"
            ]
            if probes
            else []
        ),
        "",
    ]
    if shared:
        lines += [
            "Measured on a shared machine (other work was running, see the load and other work "
            "above): "
            "times are upper bounds of what the machine does idle.",
            "",
        ]
    if host_slowed:
        lines += [
            f"The machine's speed moved during this run: a fixed workload timed between the "
            f"stages took up to {spread:.0%} longer than its fastest (table above), with no "
            "other work inside the machine to explain it (a virtual machine's host was busy). "
            "Figures from different stages, and from runs on other days, are not directly "
            "comparable; the budgets below are upper bounds of what the machine does at full "
            "speed.",
            "",
        ]
    against = host_against_previous(res)
    if against:
        lines += [against, ""]
    lines += ["## Budgets", "", *_budget_lines(res), ""]
    lines += obstacle_lines(res)
    lines += ["## Engines, same runs, one thread", "", _ENGINES_TEXT, "", *_engine_lines(res), ""]
    lines += ["## Agent decisions per second per core", "", *_decision_lines(res), ""]
    lines += ["## Scaling", "", *_scaling_lines(res), ""]
    lines += [f"![scaling]({image_folder}/{pngs[0]})", ""]
    lines += ["## Where a written batch spends its time", "", *_stage_lines(res), ""]
    lines += [f"![stages]({image_folder}/{pngs[1]})", ""]
    lines += extra_lines(res)
    return "\n".join(lines)


def host_against_previous(res: dict) -> str:
    """A sentence comparing this run's host speed (the fixed compute workload at its
    fastest) with the previous report's, or "" without a previous report or probes."""
    prev = res.get("previous")
    if not prev:
        return ""
    now = probe_times(res.get("speed_probes", {}), "compute")
    then = probe_times(prev.get("speed_probes") or {}, "compute")
    if not now or not then:
        return ""
    now, then = min(now), min(then)
    ratio = now / then
    if abs(ratio - 1.0) < 0.1:
        how = "about as fast as"
    elif ratio > 1.0:
        how = f"{ratio:.2f}x slower than"
    else:
        how = f"{1.0 / ratio:.2f}x faster than"
    text = (
        f"Against the previous report ({prev.get('date', 'undated')}): the fixed compute "
        f"workload took {now * 1e3:.0f} ms at its fastest against {then * 1e3:.0f} ms, so this "
        f"host ran {how} that one; a figure that moved by about that factor moved with the "
        "host, not with the code."
    )
    fast_now = (res.get("engines") or {}).get("fast_s")
    fast_then = (prev.get("engines") or {}).get("fast_s")
    if fast_now and fast_then:
        text += (
            f" The fast engine took {fast_now * 1e3:.2f} ms a run against "
            f"{fast_then * 1e3:.2f} ms ({fast_now / fast_then:.2f}x); where that factor "
            "differs from the host's, timing the two commits alternately on one host "
            "(`benchmarks/check_identical.py --time`) tells the code from the host."
        )
    return text


def write_report(res: dict, path: Path) -> Path:
    """Write the report to ``path`` (plots and the figures as ``results.json`` beside it in
    ``<stem>/``, compared with the previous report's, which the figures then carry: a report
    rendered again from them compares with the same one); return the path."""
    folder = path.parent / path.stem
    previous = folder / RESULTS_FILE
    if "previous" not in res and previous.exists():
        try:
            old = json.loads(previous.read_text())
            keep = ("date", "speed_probes", "engines")
            res = {**res, "previous": {k: old.get(k) for k in keep}}
        except (OSError, ValueError):
            pass  # an unreadable previous report: nothing to compare with
    pngs = plot(res, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, render(res, folder.name, pngs).encode())
    saved = dict(res)
    saved.setdefault("date", dt.date.today().isoformat())
    atomic_write_bytes(previous, json.dumps(saved, indent=1, default=str).encode())
    return path
