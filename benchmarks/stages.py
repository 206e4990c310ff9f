"""A batch's wall time split into stages, measured in a fresh process.

The stages are those of ``experiments.runner.run_scenario`` with an output folder, timed one
by one with the same functions: compile/load (imports and loading the kernels from numba's
cache), simulate (``sim.engine.batch.simulate`` per chunk), summarise (the tables of
``experiments.tables``) and write (``experiments.store``'s atomic parquet writes of each chunk,
then the final files assembled from the parts, then the manifest).
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

__all__ = ["STAGES", "measure_stages"]

STAGES = ("compile/load", "simulate", "summarise", "write")
ROOT = Path(__file__).resolve().parent.parent


def measure_stages(runs: int, threads: int) -> dict:
    """Seconds per stage, wall seconds and peak memory of ``runs`` baseline runs written."""
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.stages", f"--runs={runs}", f"--threads={threads}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"stage split failed: {proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _child() -> None:
    ap = argparse.ArgumentParser(description="a batch's stages (run by the harness)")
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--threads", type=int, required=True)
    args = ap.parse_args()
    import numba
    import polars as pl

    from experiments.runner import DEFAULT_CHUNK
    from experiments.store import atomic_write_json, atomic_write_parquet
    from experiments.tables import events_frame, runs_frame, trajectories_frame
    from sim.engine.batch import simulate
    from sim.params.scenario import load_scenario

    from .scaling import peak_rss_gib

    numba.set_num_threads(args.threads)
    sc = load_scenario(ROOT / "scenarios" / "baseline.toml").with_values(run__runs=args.runs)
    simulate(sc, [0])
    t = dict.fromkeys(STAGES, 0.0)
    t["compile/load"] = time.perf_counter() - T_START
    t_batch = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        names = ("trajectories", "events", "runs")
        parts: dict[str, list[Path]] = {n: [] for n in names}
        for k, a in enumerate(range(0, args.runs, DEFAULT_CHUNK)):
            t0 = time.perf_counter()
            arrays = simulate(sc, range(a, min(a + DEFAULT_CHUNK, args.runs)))
            t1 = time.perf_counter()
            frames = {
                "trajectories": trajectories_frame(arrays),
                "events": events_frame(arrays),
                "runs": runs_frame(arrays),
            }
            t2 = time.perf_counter()
            for n in names:
                parts[n].append(out / f"chunk-{k:05d}-{n}.parquet")
                atomic_write_parquet(parts[n][-1], frames[n])
            t3 = time.perf_counter()
            t["simulate"] += t1 - t0
            t["summarise"] += t2 - t1
            t["write"] += t3 - t2
        t0 = time.perf_counter()
        for n in names:
            lazy = pl.concat([pl.scan_parquet(f) for f in parts[n]])
            atomic_write_parquet(out / f"{n}.parquet", lazy.collect())
        atomic_write_json(out / "manifest.json", {"runs": args.runs, "scenario": sc.hash})
        t["write"] += time.perf_counter() - t0
    batch = time.perf_counter() - t_batch
    print(json.dumps({"stages": t, "batch_seconds": batch, "peak_gib": peak_rss_gib()}))


if __name__ == "__main__":
    _child()
