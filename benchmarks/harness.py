"""The performance harness: one command measures the fast engine side by side with the
reference engine, Mesa's batch runner and the machine's limit (the project's choice rules and
a bare logit draw in tight loops), per-run worlds against one shared parameter vector, a
calibration wave and a sweep on Dask against in process, prints the figures and writes them,
with plots and the budgets, to ``docs/performance.md``.

Usage (from the repository root)::

    uv run python -m benchmarks.harness            # full (about fifteen minutes)
    uv run python -m benchmarks.harness --quick    # reduced sizes (three minutes)

Every figure comes from the same scenario (``scenarios/baseline.toml``) and seeds (runs 0..n-1
of its base seed). Scaling points and the written batch run in fresh processes, so their peak
memory is their own. A scaling point whose batch lasts less than the plan's minimum is timed
over a longer batch (agent axes) or again (runs and threads), best of the plan's repeats, and
reported per run. A scaling point predicted to take longer than the plan's limit is
extrapolated from the points before it, and labelled so, instead of run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from .extras import bare_stage, ensemble_stages, extra_budgets, libm_stage
from .machine import (
    best_seconds,
    busy_cpu_seconds,
    describe,
    load_average,
    own_cpu_seconds,
    probe_text,
    speed_probe,
    speed_spread,
)
from .scaling import SUPERLINEAR, measure_point, scale_axis, timing_note
from .stages import STAGES, slowest_stage, split_stages

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"
DOC = ROOT / "docs" / "performance.md"
README_COMMAND = "uv run aimarket run scenarios/baseline.toml"


@dataclass(frozen=True)
class Plan:
    """The sizes a harness run measures."""

    name: str
    reference_runs: int  # runs timed on both engines, in pairs (same seeds)
    mesa_runs: int  # runs through mesa.batch_run
    roofline_runs: int  # fast-engine runs whose decisions are counted
    runs: tuple[int, ...]  # scaling in runs (baseline agents)
    enterprises: tuple[int, ...]  # scaling in enterprises, at agent_runs runs
    developers: tuple[int, ...]  # scaling in developers, at agent_runs runs
    agent_runs: int
    thread_runs: int  # runs timed on 1 and 2 threads
    batch_runs: int  # runs of the written batch (budget: 10,000)
    point_limit_s: float = 480.0  # a scaling point predicted to take longer is extrapolated
    # a scaling point whose batch lasts less is timed point_repeats times (best kept), on the
    # agent axes over a batch grown to last about this long
    min_point_s: float = 2.0
    point_repeats: int = 3
    roofline_seconds: float = 1.0  # how long each microkernel rate is timed
    readme: bool = True  # time the README's first command (1,000 runs)
    worlds_runs: int = 1_000  # runs timed with per-run worlds and with one shared vector
    worlds_repeats: int = 3
    wave_points: int = 200  # worlds of the calibration wave (0: no wave)
    wave_runs: int = 8  # runs per world
    wave_emulator: bool = True  # also time fitting and screening with the next wave's emulators
    calibration: bool = True  # time the whole calibration at its defaults (about 5 minutes)
    sweep_points: int = 8  # Sobol base points of the sweep run in process and on Dask (0: none)
    sweep_replications: int = 10


FULL = Plan(
    "full",
    reference_runs=12,
    mesa_runs=4,
    roofline_runs=500,
    runs=(1_000, 10_000, 100_000),
    enterprises=(1_000, 10_000, 100_000),
    developers=(10_000, 100_000, 1_000_000),
    agent_runs=20,
    thread_runs=1_000,
    batch_runs=10_000,
)
QUICK = Plan(
    "quick",
    reference_runs=3,
    mesa_runs=2,
    roofline_runs=100,
    runs=(100, 300, 1_000),
    enterprises=(1_000, 3_000, 10_000),
    developers=(10_000, 30_000, 100_000),
    agent_runs=10,
    thread_runs=300,
    batch_runs=1_000,
    point_limit_s=60.0,
    min_point_s=0.5,
    worlds_runs=200,
    wave_points=40,
    wave_emulator=False,
    calibration=False,
    sweep_points=2,
    sweep_replications=4,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The harness's options; ``plan`` is :data:`QUICK` with ``--quick``, else :data:`FULL`."""
    ap = argparse.ArgumentParser(prog="benchmarks.harness", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="reduced sizes (two minutes)")
    ap.add_argument("--doc", default=str(DOC), help="where to write the report (markdown)")
    ap.add_argument("--no-doc", action="store_true", help="print only; write no report")
    ap.add_argument(
        "--render",
        action="store_true",
        help="measure nothing: write the report again from its results.json (after a change "
        "to the report's text)",
    )
    args = ap.parse_args(argv)
    args.plan = QUICK if args.quick else FULL
    return args


def _say(msg: str) -> None:
    print(msg, flush=True)


def paired_ratios(fast: list[float], reference: list[float]) -> dict:
    """Per-run times and the speed-up from paired timings of the same runs: the median of
    the pairs' ratios (the budget's figure) with its lowest and highest."""
    ratios = sorted(r / f for f, r in zip(fast, reference, strict=True))
    n = len(ratios)
    median = ratios[n // 2] if n % 2 else 0.5 * (ratios[n // 2 - 1] + ratios[n // 2])
    return {
        "fast_s": sum(fast) / n,
        "reference_s": sum(reference) / n,
        "reference_ratio": median,
        "reference_ratio_min": ratios[0],
        "reference_ratio_max": ratios[-1],
    }


def engines(plan: Plan) -> dict:
    """Per run: fast engine (one thread) vs reference engine vs mesa.batch_run, same runs."""
    import mesa
    import numba

    from sim.engine.batch import simulate
    from sim.engine.reference import MarketModel
    from sim.params.scenario import load_scenario

    sc = load_scenario(BASELINE)
    simulate(sc, [0], engine="reference")  # load both engines' kernels
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        out: dict = {}
        # run by run, each run timed on both engines back to back: a drift of the host's
        # speed between the two timings of a pair is small, and the median pair ignores one
        # disturbed pair; the totals give the per-run times
        fast_times, ref_times = [], []
        for j in range(plan.reference_runs):
            fast_times.append(best_seconds(lambda j=j: simulate(sc, [j])))
            t0 = time.perf_counter()
            simulate(sc, [j], engine="reference")
            ref_times.append(time.perf_counter() - t0)
        out.update(paired_ratios(fast_times, ref_times))
        m = plan.mesa_runs
        out["mesa_runs"] = m
        out["fast_batch_s"] = best_seconds(lambda: simulate(sc, range(m)))
        t0 = time.perf_counter()
        mesa.batch_run(
            MarketModel,
            parameters={"run": range(m)},  # MarketModel's default scenario: the baseline
            rng=[None],
            number_processes=1,
            data_collection_period=-1,
            display_progress=False,
        )
        out["mesa_batch_s"] = time.perf_counter() - t0
        out["mesa_ratio"] = out["mesa_batch_s"] / out["fast_batch_s"]
    finally:
        numba.set_num_threads(threads)
    return out


def decisions(plan: Plan) -> dict:
    """Agent decisions per second per core: the engine against the choice-rule microkernel."""
    from sim.params.scenario import load_scenario

    from .roofline import roofline

    return roofline(load_scenario(BASELINE), plan.roofline_runs, plan.roofline_seconds)


def _measure(point: dict, plan: Plan, grow: bool) -> dict:
    load = load_average()
    r = measure_point(
        point["runs"],
        point["enterprises"],
        point["developers"],
        point["threads"],
        timeout=1.5 * plan.point_limit_s,
        min_seconds=plan.min_point_s,
        repeats=plan.point_repeats,
        grow=grow,
    )
    return {**r, "load": load}


def scaling(plan: Plan, say: Callable[[str], None] = _say) -> dict:
    """Time and peak memory against runs, enterprises, developers and threads.

    A point shorter than ``plan.min_point_s`` is timed ``plan.point_repeats`` times, best kept:
    on the agent axes over a batch grown to last about ``min_point_s`` (its time per run, times
    the axis's runs, is the point's time), on the runs axis and the threads points over the
    same batch (their runs are what is measured)."""
    base = {"runs": plan.agent_runs, "enterprises": 2_000, "developers": 10_000, "threads": 2}
    axes = {
        "runs": [dict(base, runs=n) for n in plan.runs],
        "enterprises": [dict(base, enterprises=n) for n in plan.enterprises],
        "developers": [dict(base, developers=n) for n in plan.developers],
    }
    out: dict = {}
    for axis, points in axes.items():
        grow = axis != "runs"

        def measure(p: dict, grow: bool = grow) -> dict:
            return _measure(p, plan, grow)

        out[axis] = scale_axis(axis, points, measure, plan.point_limit_s, say)
    rows = []
    for t in (1, 2):
        p = dict(base, runs=plan.thread_runs, threads=t)
        r = _measure(p, plan, grow=False)
        rows.append({**p, "peak_gib": float("nan"), **r, "status": "measured"})
        say(
            f"  threads      runs={p['runs']:>7,} threads={t}: {r['seconds']:8.2f} s  "
            f"({timing_note(rows[-1])})"
        )
    out["threads"] = {"points": rows, "speedup": rows[0]["seconds"] / rows[1]["seconds"]}
    say(f"  threads: 2 threads {out['threads']['speedup']:.2f}x faster than 1")
    return out


def _cli_command() -> list[str]:
    uv = shutil.which("uv")
    if uv:
        return [uv, "run", "--frozen", "aimarket"]
    return [sys.executable, "-m", "experiments.cli"]


def product(plan: Plan) -> dict:
    """The product's commands: a written batch (wall, stages, peak memory) in a fresh process,
    and the README's first command with the kernels' cache warm."""
    out: dict = {"batch_runs": plan.batch_runs}
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "benchmarks.peak", "run", str(BASELINE)]
        cmd += ["--runs", str(plan.batch_runs), "--threads", "2", "--json"]
        cmd += ["--out", str(Path(tmp) / "out")]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        out["batch_wall_s"] = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"written batch failed: {proc.stderr.strip()[-2000:]}")
    out["batch_timings"] = json.loads(proc.stdout)["timings"]
    out["batch_peak_gib"] = float(proc.stderr.strip().splitlines()[-1].split("=")[1])
    out["stages"] = split_stages(out["batch_timings"], out["batch_wall_s"])
    out["slowest"] = slowest_stage(out["stages"])
    if plan.readme:
        cmd = [*_cli_command(), "run", str(BASELINE.relative_to(ROOT))]
        subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)  # warm the cache
        walls = []
        for _ in range(2):
            t0 = time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
            walls.append(time.perf_counter() - t0)
        out["readme_s"] = min(walls)
        out["readme_command"] = README_COMMAND
    return out


def _budget(name: str, value: float, limit: float, unit: str, kind: str) -> dict:
    return {
        "budget": name,
        "value": value,
        "limit": limit,
        "unit": unit,
        "kind": kind,
        "ratio": value / limit,
        "met": value <= limit if kind == "max" else value >= limit,
    }


def budgets(res: dict) -> list[dict]:
    """One row per budget the harness measured: value, limit, ratio (value / limit), met.

    The written batch's time is scaled linearly to 10,000 runs when the plan ran fewer (and
    says so); growth is judged on the last segment of each axis's measured points."""
    prod = res["product"]
    n = prod["batch_runs"]
    scale = 10_000 / n
    note = "" if n == 10_000 else f" (extrapolated from {n:,} runs)"
    rows = [
        _budget(
            "10,000 baseline runs with results written, after compilation" + note,
            prod["batch_timings"]["total_seconds"] * scale,
            30.0,
            "s",
            "max",
        ),
        _budget(
            "speed-up per run over the reference engine",
            res["engines"]["reference_ratio"],
            200.0,
            "x",
            "min",
        ),
        _budget(
            "fraction of the choice-rule microkernel roofline",
            res["decisions"]["fraction"],
            0.30,
            "share",
            "min",
        ),
    ]
    # each axis's last segment against SUPERLINEAR plus its tolerance (the exponent's room
    # within the points' repeat-to-repeat spread): the worst axis is the nearest its limit
    growth = {}
    for axis in ("runs", "enterprises", "developers"):
        entry = res["scaling"][axis]
        if entry["last_slope"] == entry["last_slope"]:  # not NaN
            growth[axis] = (entry["last_slope"], SUPERLINEAR + entry.get("tolerance", 0.0))
    if growth:
        worst = max(growth, key=lambda a: growth[a][0] / growth[a][1])
        slope, limit = growth[worst]
        rows.append(
            _budget(
                f"growth exponent of time at the largest sizes, worst axis ({worst}; limit "
                f"{SUPERLINEAR} + {limit - SUPERLINEAR:.2f} for its repeat spread)",
                slope,
                limit,
                "",
                "max",
            )
        )
    rows.append(
        _budget(
            f"peak memory, {n:,} runs with results written",
            prod["batch_peak_gib"],
            2.0,
            "GiB",
            "max",
        )
    )
    if "readme_s" in prod:
        rows.append(
            _budget(
                "README's first command (1,000 runs, cache warm), wall",
                prod["readme_s"],
                10.0,
                "s",
                "max",
            )
        )
    return rows + extra_budgets(res)


def run(plan: Plan, say: Callable[[str], None] = _say) -> dict:
    """Measure everything ``plan`` asks for, printing as it goes; return the results."""
    res: dict = {"plan": asdict(plan), "machine": describe(), "load_start": load_average()}
    t_start = time.perf_counter()
    busy_start, own_start = busy_cpu_seconds(), own_cpu_seconds()
    say(f"aimarket performance harness ({plan.name}); load average {res['load_start']:.2f}")
    probes = res["speed_probes"] = {"start": speed_probe()}
    for k, v in res["machine"].items():
        say(f"  {k}: {v}")
    say("engines: fast vs reference vs mesa.batch_run (one thread, same runs)")
    e = res["engines"] = engines(plan)
    say(
        f"  per run: fast {e['fast_s'] * 1e3:.2f} ms, reference {e['reference_s']:.2f} s "
        f"-> {e['reference_ratio']:.0f}x (median of {plan.reference_runs} paired runs; "
        f"{e['reference_ratio_min']:.0f}-{e['reference_ratio_max']:.0f}x)"
    )
    say(
        f"  mesa.batch_run of {e['mesa_runs']} runs {e['mesa_batch_s']:.2f} s, fast batch "
        f"{e['fast_batch_s'] * 1e3:.1f} ms -> {e['mesa_ratio']:.0f}x"
    )
    probes["after engines"] = speed_probe()
    say("decisions per second per core: engine vs choice-rule microkernel")
    d = res["decisions"] = decisions(plan)
    say(
        f"  engine {d['engine_rate'] / 1e6:.1f} M/s, microkernel {d['kernel_rate'] / 1e6:.1f} "
        f"M/s (enterprise {d['kernel_enterprise_rate'] / 1e6:.1f}, developer "
        f"{d['kernel_developer_rate'] / 1e6:.1f}) -> {d['fraction']:.0%} of the roofline"
    )
    b = res["bare"] = bare_stage(plan.roofline_seconds)
    say(
        f"  bare logit microkernel {b['rate_1'] / 1e6:.1f} M/s on one thread, "
        f"{b['rate_2'] / 1e6:.1f} M/s on two -> engine at {d['engine_rate'] / b['rate_1']:.0%}"
    )
    lm = res["libm"] = libm_stage()
    say(
        "  maths calls per enterprise review that chooses: "
        + ", ".join(f"{k} {v:.1f}" for k, v in lm["choosing"].items())
        + "; ns a call: "
        + ", ".join(f"{k} {v:.1f}" for k, v in lm["costs"].items())
    )
    probes["after decisions"] = speed_probe()
    say(
        f"scaling (each point in a fresh process, kernels loaded first; points predicted over "
        f"{plan.point_limit_s:.0f} s are extrapolated)"
    )
    res["scaling"] = scaling(plan, say)
    probes["after scaling"] = speed_probe()
    say(f"written batch: {plan.batch_runs:,} runs, 2 threads, fresh process")
    p = res["product"] = product(plan)
    say(
        f"  aimarket run --runs {p['batch_runs']} --out: {p['batch_timings']['total_seconds']:.2f}"
        f" s in the batch, {p['batch_wall_s']:.2f} s wall, peak {p['batch_peak_gib']:.2f} GiB"
    )
    for name in STAGES:
        say(f"  {name:<13} {p['stages'][name]:8.2f} s")
    say(f"  slowest stage after loading: {p['slowest']}")
    if "readme_s" in p:
        say(f"  {p['readme_command']}: {p['readme_s']:.2f} s wall")
    ensemble_stages(plan, res, say)
    probes["end"] = speed_probe()
    say(
        f"fixed workloads (host speed; compute/memory) {probe_text(probes)}: the slowest "
        f"{speed_spread(probes):.0%} slower than the fastest"
    )
    res["load_end"] = load_average()
    res["harness_s"] = time.perf_counter() - t_start
    # other work on the machine: its busy CPU time less the harness's own (the load average
    # at the end counts the harness's own threads)
    other = (busy_cpu_seconds() - busy_start) - (own_cpu_seconds() - own_start)
    res["other_cpu_share"] = max(other, 0.0) / res["harness_s"] if other == other else 0.0
    res["budgets"] = budgets(res)
    say("budgets")
    for b in res["budgets"]:
        sign = "<=" if b["kind"] == "max" else ">="
        say(
            f"  {'met' if b['met'] else 'NOT MET':<8} {b['budget']}: {b['value']:.3g} {b['unit']}"
            f" {sign} {b['limit']:g} (ratio {b['ratio']:.2f})"
        )
    say(
        f"load average at end {res['load_end']:.2f}; other work used "
        f"{res['other_cpu_share']:.2f} of a core; harness took {res['harness_s']:.0f} s"
    )
    return res


def main(argv: list[str] | None = None) -> int:
    """Run the harness from the command line; write the report unless ``--no-doc``."""
    args = parse_args(argv)
    from .report import RESULTS_FILE, write_report

    if args.render:
        doc = Path(args.doc)
        saved = doc.parent / doc.stem / RESULTS_FILE
        try:
            res = json.loads(saved.read_text())
        except (OSError, ValueError) as exc:
            print(
                f"error: {saved}: expected the figures of a harness run, found {exc}",
                file=sys.stderr,
            )
            return 2
        _say(f"wrote {write_report(res, doc)} from {saved}")
        return 0
    res = run(args.plan)
    if not args.no_doc:
        _say(f"wrote {write_report(res, Path(args.doc))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
