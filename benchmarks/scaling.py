"""Scaling points measured in a fresh process each (time and peak memory), and the growth check.

A point is a batch of the scenario with some runs, enterprises, developers and threads. In its
own process, after a warm-up run that loads the compiled kernels, the point's batch is timed
once and the process's peak resident memory (``VmHWM``) read. A batch shorter than the plan's
minimum (``min_seconds``) is too little work to time stably, so (:func:`time_point`) it is timed
again: on the agent axes the batch is first grown to last about the minimum (more runs of the
same populations), on the runs and threads axes (where the runs are what is measured) the same
batch is repeated; either way ``repeats`` timings are taken and the best one kept. Every point
reports its time per run, and its ``seconds`` are that time times the point's own runs, so
points timed over different batches stay comparable; ``spread`` is the repeat-to-repeat
spread (slowest over best timing, less one).

Growth is judged by the slope of log(time) on log(size): 1 is linear; above :data:`SUPERLINEAR`
plus a tolerance it is flagged. The flag looks at the last segment (the two largest sizes),
where fixed costs no longer hide how time grows; the tolerance is how far that segment's slope
can move within its two points' measured spread (:func:`segment_tolerance`; a point timed once
is given the largest spread measured on its axis).

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
    "MAX_GROWTH",
    "SHORT",
    "loglog_slope",
    "superlinear",
    "segment_tolerance",
    "time_point",
    "timing_note",
    "predict_seconds",
    "scale_axis",
    "measure_point",
    "peak_rss_gib",
]

SUPERLINEAR = 1.15
MAX_GROWTH = 1_000  # a short point's batch grows to at most this many times its runs
SHORT = 0.75  # a grown batch lasting under this share of the minimum is grown again
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


def segment_tolerance(sizes: list[float], spreads: list[float]) -> float:
    """How far the slope between two points can move if each point's time is off by its
    relative ``spread`` (in opposite directions): (log(1+s0) + log(1+s1)) / log(n1/n0)."""
    if len(sizes) != 2 or len(spreads) != 2 or sizes[0] == sizes[1]:
        raise ValueError("need two different sizes and their two spreads")
    return (math.log1p(spreads[0]) + math.log1p(spreads[1])) / abs(math.log(sizes[1] / sizes[0]))


def time_point(
    batch: Callable[[int], float],
    runs: int,
    min_seconds: float = 0.0,
    repeats: int = 1,
    grow: bool = False,
    after_first: Callable[[], None] | None = None,
) -> dict:
    """Time a point whose batch has ``runs`` runs; ``batch(n)`` runs n runs and returns seconds.

    The point's own batch is timed first (``after_first`` is called after it, to read its peak
    memory). If it lasted ``min_seconds`` or more, that one timing is the point's. Otherwise it
    is timed until there are ``repeats`` timings: without ``grow``, over the same batch; with
    it, over a batch grown in proportion to last ``min_seconds``, grown again while a grown
    batch lasts under :data:`SHORT` of that (the first timing's fixed costs made it look
    slower per run than it is), at most :data:`MAX_GROWTH` times the runs; timings of smaller
    batches are left out. Returns the best time per run (``per_run_s``), ``seconds`` (that
    times ``runs``), the runs per timing (``runs_timed``), the number of timings
    (``repeats``) and their ``spread`` (slowest over best, less one; NaN for one timing)."""
    if runs < 1 or repeats < 1:
        raise ValueError("runs and repeats must be at least 1")
    first = batch(runs)
    if after_first is not None:
        after_first()
    timed, last = runs, first
    if first < min_seconds and grow:
        cap = runs * MAX_GROWTH
        while last < SHORT * min_seconds and timed < cap:
            want = math.ceil(timed * min_seconds / max(last, 1e-9))
            timed = min(max(want, timed + 1), cap)
            last = batch(timed)
    per_run = [last / timed]
    if first < min_seconds:
        per_run += [batch(timed) / timed for _ in range(repeats - 1)]
    best = min(per_run)
    spread = max(per_run) / best - 1.0 if len(per_run) > 1 else math.nan
    return {
        "seconds": best * runs,
        "per_run_s": best,
        "runs_timed": timed,
        "repeats": len(per_run),
        "spread": spread,
    }


def predict_seconds(sizes: list[float], seconds: list[float], size: float) -> float:
    """Time at ``size`` extrapolated from measured points: the largest one grown at the
    steeper of linear growth and its last segment's exponent."""
    if not sizes:
        raise ValueError("need at least one measured point")
    exponent = 1.0
    if len(sizes) >= 2:
        exponent = max(1.0, loglog_slope(sizes[-2:], seconds[-2:]))
    return seconds[-1] * (size / sizes[-1]) ** exponent


def timing_note(r: dict) -> str:
    """How a measured point was timed, e.g. ``best of 3 x 560 runs, 0.14 ms/run, spread 2%``."""
    n = r.get("repeats", 1)
    how = f"best of {n} x {r.get('runs_timed', r['runs']):,} runs" if n > 1 else "timed once"
    per_run = r.get("per_run_s", r["seconds"] / r["runs"])
    spread = r.get("spread", math.nan)
    tail = "" if math.isnan(spread) else f", spread {spread:.0%}"
    return f"{how}, {per_run * 1e3:.2f} ms/run{tail}"


def scale_axis(
    axis: str,
    points: list[dict],
    measure: Callable[[dict], dict],
    limit_s: float,
    say: Callable[[str], None] = print,
) -> dict:
    """Measure ``points`` (dicts holding ``axis``) in increasing size with ``measure``.

    ``measure(point)`` returns ``{"seconds", "peak_gib"}`` (and, from :func:`measure_point`,
    ``per_run_s``, ``runs_timed``, ``repeats``, ``spread``) or, when it had to be stopped,
    ``{"stopped": True, "seconds": <timeout>}``. ``seconds`` is the time of the point's own
    batch (its time per run times its runs). A point predicted to take more than ``limit_s`` is
    extrapolated instead of run. Returns the rows (each with ``status``: measured, extrapolated
    or stopped), the fitted exponent (``slope``), the last segment's (``last_slope``), its
    ``tolerance`` (see :func:`segment_tolerance`), the memory exponent and the super-linear
    flag (last segment above :data:`SUPERLINEAR` plus the tolerance), over measured points.
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
                    f"{r['seconds']:8.2f} s  peak {r['peak_gib']:.2f} GiB  ({timing_note(row)})"
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
        # a point timed once borrows the largest spread measured on the axis (0 if none was)
        spreads = [r.get("spread", math.nan) for r in done]
        known = [v for v in spreads if not math.isnan(v)]
        fallback = max(known, default=0.0)
        last = [fallback if math.isnan(v) else v for v in spreads[-2:]]
        entry["tolerance"] = segment_tolerance(sizes[-2:], last)
        entry["superlinear"] = entry["last_slope"] > SUPERLINEAR + entry["tolerance"]
        flag = "  SUPER-LINEAR" if entry["superlinear"] else ""
        say(
            f"  {axis}: time grows as size^{entry['slope']:.2f} over the measured points, "
            f"^{entry['last_slope']:.2f} over the last segment (flagged above "
            f"{SUPERLINEAR} + {entry['tolerance']:.2f} for its repeat spread){flag}"
        )
    else:
        entry.update(slope=math.nan, last_slope=math.nan, memory_slope=math.nan, tolerance=0.0)
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
    runs: int,
    enterprises: int,
    developers: int,
    threads: int,
    timeout: float | None = None,
    min_seconds: float = 0.0,
    repeats: int = 1,
    grow: bool = False,
) -> dict:
    """One point measured in a fresh process (:func:`time_point`'s figures and ``peak_gib``,
    the peak memory after the point's own batch); past ``timeout`` seconds the process is
    stopped and ``{"stopped": True, "seconds": timeout}`` returned."""
    cmd = [sys.executable, "-m", "benchmarks.scaling", f"--runs={runs}"]
    cmd += [f"--enterprises={enterprises}", f"--developers={developers}", f"--threads={threads}"]
    cmd += [f"--min-seconds={min_seconds}", f"--repeats={repeats}"]
    cmd += ["--grow"] if grow else []
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
    ap.add_argument("--min-seconds", type=float, default=0.0)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--grow", action="store_true", help="grow a short batch (more runs)")
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "baseline.toml"))
    args = ap.parse_args()
    from experiments.runner import run_scenario
    from sim.engine.batch import simulate
    from sim.params.scenario import load_scenario

    sc = load_scenario(args.scenario).with_values(
        run__enterprises=args.enterprises, run__developers=args.developers
    )
    simulate(sc, [0], threads=args.threads)  # load the kernels

    def batch(n: int) -> float:
        scn = sc.with_values(run__runs=n)
        t0 = time.perf_counter()
        run_scenario(scn, threads=args.threads)
        return time.perf_counter() - t0

    peak: list[float] = []
    r = time_point(
        batch,
        args.runs,
        args.min_seconds,
        args.repeats,
        args.grow,
        after_first=lambda: peak.append(peak_rss_gib()),
    )
    print(json.dumps({**r, "peak_gib": peak[0]}))


if __name__ == "__main__":
    _child()
