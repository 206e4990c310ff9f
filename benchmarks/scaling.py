"""Scaling points measured in a fresh process each (time and peak memory), and the growth check.

A point runs a batch of the scenario with some runs, enterprises, developers and threads, after
a warm-up run that loads the compiled kernels, and reports the batch's seconds and the process's
peak resident memory (``VmHWM``). Growth is judged by the slope of log(time) on log(size): 1 is
linear; above :data:`SUPERLINEAR` it is flagged. The flag looks at the last segment (the two
largest sizes), where fixed costs no longer hide how time grows.

A point whose time, extrapolated from the points measured before it, exceeds the axis's time
limit is not run: its row carries the extrapolation, marked as such. A point that runs past
its timeout is stopped and its row says so (its time is then a lower bound).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "SUPERLINEAR",
    "loglog_slope",
    "superlinear",
    "predict_seconds",
    "scale_axis",
    "measure_point",
    "peak_rss_gib",
]

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


def predict_seconds(sizes: list[float], seconds: list[float], size: float) -> float:
    """Time at ``size`` extrapolated from measured points: the largest one grown at the
    steeper of linear growth and its last segment's exponent."""
    if not sizes:
        raise ValueError("need at least one measured point")
    exponent = 1.0
    if len(sizes) >= 2:
        exponent = max(1.0, loglog_slope(sizes[-2:], seconds[-2:]))
    return seconds[-1] * (size / sizes[-1]) ** exponent


def scale_axis(
    axis: str,
    points: list[dict],
    measure: Callable[[dict], dict],
    limit_s: float,
    say: Callable[[str], None] = print,
) -> dict:
    """Measure ``points`` (dicts holding ``axis``) in increasing size with ``measure``.

    ``measure(point)`` returns ``{"seconds", "peak_gib"}`` or, when it had to be stopped,
    ``{"stopped": True, "seconds": <timeout>}``. A point predicted to take more than
    ``limit_s`` is extrapolated instead of run. Returns the rows (each with ``status``:
    measured, extrapolated or stopped), the fitted exponent (``slope``), the last segment's
    (``last_slope``), the memory exponent and the super-linear flag, over measured points.
    """
    rows: list[dict] = []
    for p in points:
        done = [r for r in rows if r["status"] == "measured"]
        guess = None
        if done:
            guess = predict_seconds([r[axis] for r in done], [r["seconds"] for r in done], p[axis])
        if guess is not None and guess > limit_s:
            row = {**p, "seconds": guess, "peak_gib": math.nan, "status": "extrapolated"}
            say(
                f"  {axis:<12} {axis}={p[axis]:>9,}: not run, extrapolated {guess:8.1f} s "
                f"(over the {limit_s:.0f} s limit)"
            )
        else:
            r = measure(p)
            status = "stopped" if r.get("stopped") else "measured"
            row = {**p, "peak_gib": math.nan, **r, "status": status}
            row.pop("stopped", None)
            if status == "stopped":
                say(f"  {axis:<12} {axis}={p[axis]:>9,}: stopped after {r['seconds']:.0f} s")
            else:
                say(
                    f"  {axis:<12} runs={p['runs']:>7,} enterprises={p['enterprises']:>9,} "
                    f"developers={p['developers']:>9,} threads={p['threads']}: "
                    f"{r['seconds']:8.2f} s  peak {r['peak_gib']:.2f} GiB"
                )
        rows.append(row)
    done = [r for r in rows if r["status"] == "measured"]
    entry: dict = {"points": rows, "measured": len(done)}
    if len(done) >= 2:
        sizes = [float(r[axis]) for r in done]
        secs = [r["seconds"] for r in done]
        entry["slope"] = loglog_slope(sizes, secs)
        entry["last_slope"] = loglog_slope(sizes[-2:], secs[-2:])
        entry["memory_slope"] = loglog_slope(sizes, [r["peak_gib"] for r in done])
        entry["superlinear"] = entry["last_slope"] > SUPERLINEAR
        flag = "  SUPER-LINEAR" if entry["superlinear"] else ""
        say(
            f"  {axis}: time grows as size^{entry['slope']:.2f} over the measured points, "
            f"^{entry['last_slope']:.2f} over the last segment{flag}"
        )
    else:
        entry.update(slope=math.nan, last_slope=math.nan, memory_slope=math.nan)
        entry["superlinear"] = False
        say(f"  {axis}: fewer than two measured points, no growth exponent")
    return entry


def peak_rss_gib() -> float:
    """This process's peak resident memory in GiB (``VmHWM`` from /proc/self/status)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 2**20
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def measure_point(
    runs: int, enterprises: int, developers: int, threads: int, timeout: float | None = None
) -> dict:
    """Seconds and peak memory of one batch, measured in a fresh process; past ``timeout``
    seconds the process is stopped and ``{"stopped": True, "seconds": timeout}`` returned."""
    cmd = [sys.executable, "-m", "benchmarks.scaling", f"--runs={runs}"]
    cmd += [f"--enterprises={enterprises}", f"--developers={developers}", f"--threads={threads}"]
    try:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"stopped": True, "seconds": float(timeout or 0)}
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
