"""Batch runs of a scenario: chunked, resumable, written atomically.

A batch is split into chunks of runs. With an output folder, each finished chunk is written
to ``OUT/.parts/`` at once, so an interrupted batch keeps every finished chunk and a second
call with the same plan resumes where it stopped. The final files are assembled from the
parts, each renamed into place, with ``manifest.json`` written last. Per-run seeds depend only
on (base seed, run index), so results do not depend on chunking, threads or resuming.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numba
import polars as pl

from sim.engine.batch import simulate
from sim.params.scenario import Scenario

from .store import (
    atomic_write_json,
    atomic_write_parquet,
    code_version,
    dependency_versions,
)
from .tables import events_frame, runs_frame, trajectories_frame

__all__ = ["BatchResult", "BatchError", "run_scenario", "DEFAULT_CHUNK", "default_chunk"]

DEFAULT_CHUNK = 250
_REFERENCE_CHUNK = 10  # the reference engine takes seconds per run: finer resume points


def default_chunk(engine: str) -> int:
    """Runs per resumable chunk by default for ``engine``."""
    return _REFERENCE_CHUNK if engine == "reference" else DEFAULT_CHUNK


_ROW_GROUP = 100_000


class BatchError(RuntimeError):
    """A batch cannot start or resume (clear message, nothing lost)."""


@dataclass
class BatchResult:
    """What a batch produced: the runs table, where files went, and how long it took."""

    scenario: Scenario
    runs: pl.DataFrame
    out: Path | None
    timings: dict[str, float] = field(default_factory=dict)
    resumed_chunks: int = 0


def _plan(scenario: Scenario, chunk: int, engine: str) -> dict:
    code = code_version()
    return {
        "engine": engine,
        "scenario_hash": scenario.hash,
        "seed": scenario.seed,
        "runs": scenario.runs,
        "chunk_size": chunk,
        "code": {k: code.get(k) for k in ("package", "git_commit")},
    }


def _check_out(out: Path, plan: dict) -> Path:
    """Prepare OUT/.parts for this plan; refuse to mix with another batch's parts."""
    if out.exists() and not out.is_dir():
        raise BatchError(f"--out {out}: expected a folder, found a file")
    parts = out / ".parts"
    plan_file = parts / "plan.json"
    if plan_file.exists():
        try:
            old = json.loads(plan_file.read_text())
        except (OSError, json.JSONDecodeError):
            old = None
        if old != plan:
            raise BatchError(
                f"{out} holds an unfinished batch with a different plan "
                f"(engine, scenario, seed, runs, chunk size or code version); finish it with "
                f"the same command, or remove {parts} to discard it"
            )
    else:
        parts.mkdir(parents=True, exist_ok=True)
        atomic_write_json(plan_file, plan)
    return parts


def _chunk_files(parts: Path, k: int) -> dict[str, Path]:
    return {
        name: parts / f"chunk-{k:05d}-{name}.parquet" for name in ("trajectories", "events", "runs")
    }


def run_scenario(
    scenario: Scenario,
    out: str | Path | None = None,
    threads: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Callable[[int], None] | None = None,
    engine: str = "fast",
) -> BatchResult:
    """Run ``scenario.runs`` runs; with ``out``, write results files there (resumable)."""
    if threads is not None:
        if threads < 1 or threads > numba.config.NUMBA_NUM_THREADS:
            raise BatchError(
                f"--threads: expected 1 to {numba.config.NUMBA_NUM_THREADS}, found {threads}"
            )
        numba.set_num_threads(threads)
    n_runs = scenario.runs
    chunks = [range(a, min(a + chunk_size, n_runs)) for a in range(0, n_runs, chunk_size)]
    t_start = time.perf_counter()
    out_path = Path(out) if out is not None else None
    plan = _plan(scenario, chunk_size, engine)
    parts = _check_out(out_path, plan) if out_path is not None else None
    run_frames: list[pl.DataFrame] = []
    resumed = 0
    sim_seconds = 0.0
    for k, runs in enumerate(chunks):
        if parts is not None:
            files = _chunk_files(parts, k)
            if files["runs"].exists():
                run_frames.append(pl.read_parquet(files["runs"]))
                resumed += 1
                if progress:
                    progress(len(runs))
                continue
        t0 = time.perf_counter()
        arrays = simulate(scenario, runs, engine=engine)
        sim_seconds += time.perf_counter() - t0
        runs_df = runs_frame(arrays)
        if parts is not None:
            # the runs part is written last: its presence marks the chunk as finished
            atomic_write_parquet(files["trajectories"], trajectories_frame(arrays))
            atomic_write_parquet(files["events"], events_frame(arrays))
            atomic_write_parquet(files["runs"], runs_df)
        run_frames.append(runs_df)
        if progress:
            progress(len(runs))
    runs_all = pl.concat(run_frames) if run_frames else pl.DataFrame()
    timings = {"simulate_seconds": round(sim_seconds, 3)}
    if out_path is not None and parts is not None:
        t0 = time.perf_counter()
        for name in ("trajectories", "events", "runs"):
            files = [_chunk_files(parts, k)[name] for k in range(len(chunks))]
            lazy = pl.concat([pl.scan_parquet(f) for f in files])
            atomic_write_parquet(out_path / f"{name}.parquet", lazy.collect())
        timings["write_seconds"] = round(time.perf_counter() - t0, 3)
        timings["total_seconds"] = round(time.perf_counter() - t_start, 3)
        manifest = {
            "scenario": {
                "name": scenario.name,
                "description": scenario.description,
                "path": scenario.path,
                "hash": scenario.hash,
                "texts": scenario.texts,
                "values": scenario.values,
            },
            "runs": n_runs,
            "seed": scenario.seed,
            "seeds": "run k uses sim.rules.rng.run_seed(seed, k); see runs.parquet",
            "engine": engine,
            "threads": numba.get_num_threads(),
            "chunk_size": chunk_size,
            "resumed_chunks": resumed,
            "events_dropped": int(runs_all["events_dropped"].sum()) if n_runs else 0,
            "code": code_version(),
            "dependencies": dependency_versions(),
            "timings": timings,
            "files": ["runs.parquet", "trajectories.parquet", "events.parquet"],
        }
        atomic_write_json(out_path / "manifest.json", manifest)
        shutil.rmtree(parts, ignore_errors=True)
    else:
        timings["total_seconds"] = round(time.perf_counter() - t_start, 3)
    return BatchResult(scenario, runs_all, out_path, timings, resumed)
