"""The performance harness: one command measures the fast engine side by side with the
reference engine, Mesa's batch runner and the machine's limit, prints the figures and writes
them, with plots and the budgets, to ``docs/performance.md``.

Usage (from the repository root)::

    uv run python -m benchmarks.harness            # full (about a quarter of an hour)
    uv run python -m benchmarks.harness --quick    # reduced sizes (a few minutes)

Every figure comes from the same scenario (``scenarios/baseline.toml``) and seeds (runs 0..n-1
of its base seed). Scaling points and the batch stages run in fresh processes, so their peak
memory is their own.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .machine import describe, load_average
from .scaling import SUPERLINEAR, loglog_slope, measure_point
from .stages import STAGES, measure_stages

__all__ = ["Plan", "FULL", "QUICK", "parse_args", "main"]

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"
DOC = ROOT / "docs" / "performance.md"


@dataclass(frozen=True)
class Plan:
    """The sizes a harness run measures."""

    name: str
    reference_runs: int  # runs on the reference engine (and on the fast one, same seeds)
    mesa_runs: int  # runs through mesa.batch_run
    roofline_runs: int  # fast-engine runs whose decisions are counted
    runs: tuple[int, ...]  # scaling in runs (baseline agents)
    enterprises: tuple[int, ...]  # scaling in enterprises, at agent_runs runs
    developers: tuple[int, ...]  # scaling in developers, at agent_runs runs
    agent_runs: int
    thread_runs: int  # runs timed on 1 and 2 threads
    batch_runs: int  # runs of the written batch (budget: 10,000)


FULL = Plan(
    "full",
    reference_runs=4,
    mesa_runs=4,
    roofline_runs=500,
    runs=(1_000, 10_000, 100_000),
    enterprises=(1_000, 10_000, 100_000),
    developers=(10_000, 100_000, 1_000_000),
    agent_runs=20,
    thread_runs=2_000,
    batch_runs=10_000,
)
QUICK = Plan(
    "quick",
    reference_runs=2,
    mesa_runs=2,
    roofline_runs=100,
    runs=(100, 300, 1_000),
    enterprises=(1_000, 3_000, 10_000),
    developers=(10_000, 30_000, 100_000),
    agent_runs=10,
    thread_runs=300,
    batch_runs=1_000,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The harness's options; ``plan`` is :data:`QUICK` with ``--quick``, else :data:`FULL`."""
    ap = argparse.ArgumentParser(prog="benchmarks.harness", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="reduced sizes (a few minutes)")
    ap.add_argument("--doc", default=str(DOC), help="where to write the report (markdown)")
    ap.add_argument("--no-doc", action="store_true", help="print only; write no report")
    args = ap.parse_args(argv)
    args.plan = QUICK if args.quick else FULL
    return args


def _say(msg: str) -> None:
    print(msg, flush=True)


def _best_seconds(fn, min_total: float = 0.5, repeats: int = 3) -> float:
    """Best of ``repeats`` timings of ``fn()``, each repeated until it lasts ``min_total`` s."""
    best = float("inf")
    for _ in range(repeats):
        n, t0 = 0, time.perf_counter()
        while True:
            fn()
            n += 1
            dt = time.perf_counter() - t0
            if dt >= min_total:
                break
        best = min(best, dt / n)
    return best


def engines(plan: Plan) -> dict:
    """Per run: fast engine (one thread) vs reference engine vs mesa.batch_run, same runs."""
    import mesa
    import numba

    from sim.engine.batch import simulate
    from sim.engine.reference import MarketModel
    from sim.params.scenario import load_scenario

    sc = load_scenario(BASELINE)
    simulate(sc, [0], engine="reference")  # load both engines' kernels
    numba.set_num_threads(1)
    out: dict = {}
    k = plan.reference_runs
    out["fast_s"] = _best_seconds(lambda: simulate(sc, range(k))) / k
    t0 = time.perf_counter()
    simulate(sc, range(k), engine="reference")
    out["reference_s"] = (time.perf_counter() - t0) / k
    out["reference_ratio"] = out["reference_s"] / out["fast_s"]
    m = plan.mesa_runs
    out["mesa_runs"] = m
    out["fast_batch_s"] = _best_seconds(lambda: simulate(sc, range(m)))
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
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    return out


def decisions(plan: Plan) -> dict:
    """Agent decisions per second per core: the engine against the choice-rule microkernel."""
    from sim.params.scenario import load_scenario

    from .roofline import roofline

    return roofline(load_scenario(BASELINE), runs=plan.roofline_runs)


def scaling(plan: Plan) -> dict:
    """Time and peak memory against runs, enterprises, developers and threads."""
    base = {"runs": plan.agent_runs, "enterprises": 2_000, "developers": 10_000, "threads": 2}
    axes = {
        "runs": [dict(base, runs=n) for n in plan.runs],
        "enterprises": [dict(base, enterprises=n) for n in plan.enterprises],
        "developers": [dict(base, developers=n) for n in plan.developers],
        "threads": [dict(base, runs=plan.thread_runs, threads=t) for t in (1, 2)],
    }
    out: dict = {}
    for axis, points in axes.items():
        rows = []
        for p in points:
            r = measure_point(p["runs"], p["enterprises"], p["developers"], p["threads"])
            rows.append({**p, **r})
            _say(
                f"  {axis:<12} runs={p['runs']:>7} enterprises={p['enterprises']:>7} "
                f"developers={p['developers']:>8} threads={p['threads']}: "
                f"{r['seconds']:8.2f} s  peak {r['peak_gib']:.2f} GiB"
            )
        entry: dict = {"points": rows}
        if axis != "threads":
            sizes = [float(r[axis]) for r in rows]
            entry["slope"] = loglog_slope(sizes, [r["seconds"] for r in rows])
            entry["memory_slope"] = loglog_slope(sizes, [r["peak_gib"] for r in rows])
            entry["superlinear"] = entry["slope"] > SUPERLINEAR
            flag = "  SUPER-LINEAR" if entry["superlinear"] else ""
            _say(f"  {axis}: time grows as size^{entry['slope']:.2f}{flag}")
        else:
            entry["speedup"] = rows[0]["seconds"] / rows[1]["seconds"]
            _say(f"  threads: 2 threads {entry['speedup']:.2f}x faster than 1")
        out[axis] = entry
    return out


def _cli_command() -> list[str]:
    uv = shutil.which("uv")
    if uv:
        return [uv, "run", "--frozen", "aimarket"]
    return [sys.executable, "-m", "experiments.cli"]


def product(plan: Plan) -> dict:
    """The product's commands: a written batch (wall, peak memory) and the README's first."""
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "benchmarks.peak", "run", str(BASELINE)]
        cmd += ["--runs", str(plan.batch_runs), "--threads", "2", "--json"]
        cmd += ["--out", str(Path(tmp) / "out")]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
        out["batch_wall_s"] = time.perf_counter() - t0
        out["batch_runs"] = plan.batch_runs
        out["batch_timings"] = json.loads(proc.stdout)["timings"]
        out["batch_peak_gib"] = float(proc.stderr.strip().splitlines()[-1].split("=")[1])
    cmd = [*_cli_command(), "run", str(BASELINE.relative_to(ROOT))]
    subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)  # warm the cache
    walls = []
    for _ in range(2):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
        walls.append(time.perf_counter() - t0)
    out["readme_s"] = min(walls)
    out["readme_command"] = "uv run aimarket run scenarios/baseline.toml"
    return out


def budgets(res: dict) -> list[dict]:
    """One row per budget: measured value, limit, ratio (value / limit), met."""
    prod, plan = res["product"], res["plan"]
    scale = 10_000 / prod["batch_runs"]
    batch = prod["batch_timings"]["total_seconds"] * scale
    note = "" if scale == 1 else f" (extrapolated from {prod['batch_runs']:,} runs)"
    slopes = {a: res["scaling"][a]["slope"] for a in ("runs", "enterprises", "developers")}
    worst = max(slopes, key=slopes.get)
    rows = [
        (
            "10,000 baseline runs with results written, after compilation" + note,
            batch,
            30.0,
            "s",
            "max",
        ),
        (
            "speed-up per run over the reference engine",
            res["engines"]["reference_ratio"],
            200.0,
            "x",
            "min",
        ),
        (
            "fraction of the choice-rule microkernel roofline",
            res["decisions"]["fraction"],
            0.30,
            "",
            "min",
        ),
        (f"growth exponent of time, worst axis ({worst})", slopes[worst], SUPERLINEAR, "", "max"),
        (
            f"peak memory, {prod['batch_runs']:,} runs with results written",
            prod["batch_peak_gib"],
            2.0,
            "GiB",
            "max",
        ),
        (
            "README's first command (1,000 runs, cache warm), wall",
            prod["readme_s"],
            10.0,
            "s",
            "max",
        ),
    ]
    del plan
    return [
        {
            "budget": name,
            "value": value,
            "limit": limit,
            "unit": unit,
            "kind": kind,
            "ratio": value / limit,
            "met": value <= limit if kind == "max" else value >= limit,
        }
        for name, value, limit, unit, kind in rows
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan: Plan = args.plan
    res: dict = {"plan": asdict(plan), "machine": describe(), "load_start": load_average()}
    t_start = time.perf_counter()
    _say(f"aimarket performance harness ({plan.name}); load average {res['load_start']:.2f}")
    for k, v in res["machine"].items():
        _say(f"  {k}: {v}")
    _say("engines: fast vs reference vs mesa.batch_run (one thread, same runs)")
    e = res["engines"] = engines(plan)
    _say(
        f"  per run: fast {e['fast_s'] * 1e3:.2f} ms, reference {e['reference_s']:.2f} s "
        f"-> {e['reference_ratio']:.0f}x"
    )
    _say(
        f"  mesa.batch_run of {e['mesa_runs']} runs {e['mesa_batch_s']:.2f} s, fast batch "
        f"{e['fast_batch_s'] * 1e3:.1f} ms -> {e['mesa_ratio']:.0f}x"
    )
    _say("decisions per second per core: engine vs choice-rule microkernel")
    d = res["decisions"] = decisions(plan)
    _say(
        f"  engine {d['engine_rate'] / 1e6:.1f} M/s, microkernel {d['kernel_rate'] / 1e6:.1f} "
        f"M/s (enterprise {d['kernel_enterprise_rate'] / 1e6:.1f}, developer "
        f"{d['kernel_developer_rate'] / 1e6:.1f}) -> {d['fraction']:.0%} of the roofline"
    )
    _say("scaling (each point in a fresh process, kernels loaded first)")
    res["scaling"] = scaling(plan)
    _say(f"stages of {plan.batch_runs:,} runs written (fresh process, 2 threads)")
    st = res["stages"] = measure_stages(plan.batch_runs, 2)
    for name in STAGES:
        _say(f"  {name:<13} {st['stages'][name]:8.2f} s")
    slowest = max(STAGES[1:], key=lambda n: st["stages"][n])
    st["slowest"] = slowest
    _say(f"  slowest stage after loading: {slowest}")
    _say("product commands")
    p = res["product"] = product(plan)
    _say(
        f"  aimarket run --runs {p['batch_runs']} --out: {p['batch_timings']['total_seconds']:.2f}"
        f" s in the batch, {p['batch_wall_s']:.2f} s wall, peak {p['batch_peak_gib']:.2f} GiB"
    )
    _say(f"  {p['readme_command']}: {p['readme_s']:.2f} s wall")
    res["load_end"] = load_average()
    res["harness_s"] = time.perf_counter() - t_start
    res["budgets"] = budgets(res)
    _say("budgets")
    for b in res["budgets"]:
        sign = "<=" if b["kind"] == "max" else ">="
        _say(
            f"  {'met' if b['met'] else 'NOT MET':<8} {b['budget']}: {b['value']:.3g} {b['unit']}"
            f" {sign} {b['limit']:g} (ratio {b['ratio']:.2f})"
        )
    _say(f"load average at end {res['load_end']:.2f}; harness took {res['harness_s']:.0f} s")
    if not args.no_doc:
        from .report import write_report

        path = write_report(res, Path(args.doc))
        _say(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
