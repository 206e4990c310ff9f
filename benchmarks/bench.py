"""Performance harness: prints figures and ratios to the budgets, measured side by side.

Budgets:
- 10,000 baseline runs in at most 60 s on a 2-core machine after compilation;
- a cold start with numba's cache warm in at most 5 s;
- peak memory at most 2 GiB for 10,000 runs (with results written);
- one baseline run on the reference engine in at most 30 s, reported beside its ratio to
  one run of the fast engine on one thread (measured in the same process, same runs).

Usage: uv run python benchmarks/bench.py [--runs 10000] [--threads 2] [--reference-runs 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"


def _cli(*args: str) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "experiments.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - t0, proc


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=10_000)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--reference-runs", type=int, default=3)
    args = p.parse_args()
    ref_s, fast_s = _reference_vs_fast(args.reference_runs)

    # compile (or load) the kernels once so the cache is warm
    _cli("run", str(BASELINE), "--runs", "2", "--json")
    cold, _ = min(
        (_cli("run", str(BASELINE), "--runs", "1", "--json") for _ in range(3)), key=lambda r: r[0]
    )

    with tempfile.TemporaryDirectory() as tmp:
        wall, proc = _cli(
            "run",
            str(BASELINE),
            "--runs",
            str(args.runs),
            "--threads",
            str(args.threads),
            "--out",
            str(Path(tmp) / "out"),
            "--json",
        )
    summary = json.loads(proc.stdout)
    sim_s = summary["timings"]["simulate_seconds"]
    peak_gib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20

    per_10k = sim_s * 10_000 / args.runs
    rows = [
        ("simulate 10,000 runs (s)", per_10k, 60.0),
        ("cold start, warm cache, 1 run (s)", cold, 5.0),
        (f"peak memory, {args.runs} runs with --out (GiB)", peak_gib, 2.0),
        ("reference engine, 1 baseline run (s)", ref_s, 30.0),
    ]
    print(f"aimarket benchmark: {args.runs} baseline runs on {args.threads} threads")
    print(
        f"  batch wall time incl. writing results: {wall:.1f} s "
        f"(simulate {sim_s:.1f} s, {args.runs / sim_s:.0f} runs/s)"
    )
    print(f"{'measure':<46}{'value':>10}{'budget':>10}{'ratio':>8}")
    for name, value, budget in rows:
        flag = "" if value <= budget else "  OVER"
        print(f"{name:<46}{value:>10.2f}{budget:>10.2f}{value / budget:>8.2f}{flag}")
    print(
        f"reference / fast engine, per run on one thread: {ref_s:.2f} s / "
        f"{fast_s * 1000:.1f} ms = {ref_s / fast_s:.0f}x"
    )


def _reference_vs_fast(runs: int) -> tuple[float, float]:
    """Seconds per baseline run: reference engine, and fast engine on one thread."""
    import numba

    from sim.engine.batch import simulate
    from sim.params.scenario import load_scenario

    sc = load_scenario(BASELINE)
    simulate(sc, [0], engine="reference")  # load both engines' kernels
    numba.set_num_threads(1)
    simulate(sc, [0])
    t0 = time.perf_counter()
    simulate(sc, range(runs), engine="reference")
    ref = (time.perf_counter() - t0) / runs
    t0 = time.perf_counter()
    simulate(sc, range(runs))
    fast = (time.perf_counter() - t0) / runs
    return ref, fast


if __name__ == "__main__":
    main()
