"""Scaling points measured in a fresh process each (time and peak memory), and the growth check.

A point runs a batch of the scenario with some runs, enterprises, developers and threads, after
a warm-up run that loads the compiled kernels, and reports the batch's seconds and the process's
peak resident memory (``VmHWM``). Growth is judged by the slope of log(time) on log(size): 1 is
linear; above :data:`SUPERLINEAR` it is flagged.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["SUPERLINEAR", "loglog_slope", "superlinear", "measure_point", "peak_rss_gib"]

SUPERLINEAR = 1.15
ROOT = Path(__file__).resolve().parent.parent


def loglog_slope(sizes: list[float], values: list[float]) -> float:
    """Least-squares slope of log(value) on log(size) (the growth exponent)."""
    if len(sizes) != len(values) or len(sizes) < 2:
        raise ValueError("need at least two (size, value) pairs of equal length")
    xs = [math.log(s) for s in sizes]
    ys = [math.log(v) for v in values]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        raise ValueError("sizes must differ")
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def superlinear(sizes: list[float], values: list[float], limit: float = SUPERLINEAR) -> bool:
    """Whether values grow faster than linearly in sizes (log-log slope above ``limit``)."""
    return loglog_slope(sizes, values) > limit


def peak_rss_gib() -> float:
    """This process's peak resident memory in GiB (``VmHWM`` from /proc/self/status)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 2**20
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def measure_point(runs: int, enterprises: int, developers: int, threads: int) -> dict:
    """Seconds and peak memory of one batch, measured in a fresh process."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.scaling",
            f"--runs={runs}",
            f"--enterprises={enterprises}",
            f"--developers={developers}",
            f"--threads={threads}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"scaling point failed: {proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _child() -> None:
    ap = argparse.ArgumentParser(description="one scaling point (run by the harness)")
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--enterprises", type=int, required=True)
    ap.add_argument("--developers", type=int, required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "baseline.toml"))
    args = ap.parse_args()
    from experiments.runner import run_scenario
    from sim.engine.batch import simulate
    from sim.params.scenario import load_scenario

    sc = load_scenario(args.scenario).with_values(
        run__runs=args.runs, run__enterprises=args.enterprises, run__developers=args.developers
    )
    simulate(sc, [0], threads=args.threads)  # load the kernels
    t0 = time.perf_counter()
    run_scenario(sc, threads=args.threads)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "peak_gib": peak_rss_gib()}))


if __name__ == "__main__":
    _child()
