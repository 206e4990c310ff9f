"""Batch runs of a scenario: chunked, resumable, written atomically.

A batch is split into chunks of runs, generated lazily. With an output folder (owned by the
batch's plan, see :mod:`experiments.store`), each finished chunk is written to ``OUT/.parts/``
at once, so an interrupted batch keeps every finished chunk and a second
call with the same plan resumes where it stopped. The final files are assembled from the
parts, each renamed into place, with ``manifest.json`` written last. Per-run seeds depend only
on (base seed, run index), so results do not depend on chunking, threads or resuming.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path

import numba
import numpy as np
import polars as pl

from sim.engine.batch import BatchArrays, simulate
from sim.params.scenario import Scenario

from .capacity import CapacityError, check_capacity
from .kernels import REFERENCE_NOTE, kernels_cached, prepare_kernels
from .store import (
    PARTS,
    StoreError,
    atomic_sink_parquet,
    atomic_write_json,
    atomic_write_parquet,
    claim_folder,
    code_version,
    dependency_versions,
)
from .tables import events_frame, runs_frame, trajectories_frame

__all__ = [
    "BatchResult",
    "BatchError",
    "run_scenario",
    "batch_plan",
    "chunk_ranges",
    "DEFAULT_CHUNK",
    "default_chunk",
]

DEFAULT_CHUNK = 250
_PART_COMPRESSION = "lz4"
_REFERENCE_CHUNK = 10  # the reference engine takes seconds per run: finer resume points


def default_chunk(engine: str) -> int:
    """Runs per resumable chunk by default for ``engine``."""
    return _REFERENCE_CHUNK if engine == "reference" else DEFAULT_CHUNK


class BatchError(StoreError):
    """A batch cannot start or resume (clear message, nothing lost)."""


@dataclass
class BatchResult:
    """What a batch produced: the runs table, where files went, and how long it took."""

    scenario: Scenario
    runs: pl.DataFrame
    out: Path | None
    timings: dict[str, float] = field(default_factory=dict)
    resumed_chunks: int = 0
    reused: bool = False


def batch_plan(scenario: Scenario, chunk: int, engine: str) -> dict:
    """What a results folder's batch is: a second call with the same plan resumes it."""
    code = code_version()
    return {
        "engine": engine,
        "scenario_hash": scenario.hash,
        "seed": scenario.seed,
        "runs": scenario.runs,
        "chunk_size": chunk,
        "code": {k: code.get(k) for k in ("package", "git_commit")},
    }


def chunk_ranges(n_runs: int, chunk_size: int) -> Iterator[tuple[int, range]]:
    """(index, runs) of each chunk, generated lazily: memory does not grow with ``n_runs``."""
    for k, a in enumerate(range(0, n_runs, chunk_size)):
        yield k, range(a, min(a + chunk_size, n_runs))


def _chunk_files(parts: Path, k: int) -> dict[str, Path]:
    return {
        name: parts / f"chunk-{k:05d}-{name}.parquet" for name in ("trajectories", "events", "runs")
    }


def _simulate(scenario: Scenario, runs: range, engine: str, progress) -> BatchArrays:
    """One chunk; the reference engine (seconds a run) reports each run as it finishes."""
    if engine != "reference" or progress is None or len(runs) <= 1:
        return simulate(scenario, runs, engine=engine)
    parts = []
    for r in runs:
        parts.append(simulate(scenario, range(r, r + 1), engine=engine))
        progress(1)
    return BatchArrays(
        **{f.name: np.concatenate([getattr(b, f.name) for b in parts]) for f in fields(BatchArrays)}
    )


def _write_failed(out: Path, exc: OSError) -> BatchError:
    return BatchError(
        f"{out}: cannot write results ({exc.strerror or exc}); finished chunks are kept, "
        f"run the same command again to resume"
    )


def run_scenario(
    scenario: Scenario,
    out: str | Path | None = None,
    threads: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Callable[[int], None] | None = None,
    engine: str = "fast",
    force: bool = False,
    notify: Callable[[str], None] | None = None,
) -> BatchResult:
    """Run ``scenario.runs`` runs; with ``out``, write results files there (resumable).

    The results folder must be new, empty or this plan's (see :func:`store.claim_folder`);
    ``force`` replaces another plan's results. ``progress`` gets the runs finished since its
    last call; ``notify`` gets one-line messages (kernel compilation, reuse of results)."""
    if threads is not None:
        if threads < 1 or threads > numba.config.NUMBA_NUM_THREADS:
            raise BatchError(
                f"--threads: expected 1 to {numba.config.NUMBA_NUM_THREADS}, found {threads}"
            )
        numba.set_num_threads(threads)
    n_runs = scenario.runs
    t_start = time.perf_counter()
    out_path = Path(out) if out is not None else None
    plan = batch_plan(scenario, chunk_size, engine)
    try:
        check_capacity(scenario, out_path)
    except CapacityError as exc:
        raise BatchError(str(exc)) from None
    parts = None
    if out_path is not None:
        state = claim_folder(out_path, plan, force)
        if state.status == "complete":
            if notify:
                notify(f"{out_path} already holds this batch's results: nothing to run")
            if progress:
                progress(n_runs)
            runs_all = pl.read_parquet(out_path / "runs.parquet")
            return BatchResult(scenario, runs_all, out_path, {}, 0, reused=True)
        parts = out_path / PARTS
    run_frames: list[pl.DataFrame] = []
    resumed = 0
    n_chunks = 0
    sim_seconds = summarise_seconds = write_seconds = 0.0
    kernels_ready = engine != "fast"
    kernel_seconds = None
    for k, runs in chunk_ranges(n_runs, chunk_size):
        n_chunks += 1
        if parts is not None:
            files = _chunk_files(parts, k)
            if files["runs"].exists():
                run_frames.append(pl.read_parquet(files["runs"]))
                resumed += 1
                if progress:
                    progress(len(runs))
                continue
        if not kernels_ready:
            kernel_seconds = prepare_kernels(scenario, notify)
            kernels_ready = True
        elif engine == "reference" and k == resumed and notify and not kernels_cached(engine):
            notify(REFERENCE_NOTE)
        t0 = time.perf_counter()
        arrays = _simulate(scenario, runs, engine, progress)
        t1 = time.perf_counter()
        sim_seconds += t1 - t0
        # each run's end state under moved classifier thresholds and earlier years
        runs_df = runs_frame(arrays, scenario.global_vector())
        if parts is not None:
            tables = {"trajectories": trajectories_frame(arrays), "events": events_frame(arrays)}
            t2 = time.perf_counter()
            # the runs part is written last: its presence marks the chunk as finished; parts
            # are lz4 (read once, into the zstd final files): faster both ways than zstd
            try:
                for name in ("trajectories", "events"):
                    atomic_write_parquet(files[name], tables.pop(name), _PART_COMPRESSION)
                atomic_write_parquet(files["runs"], runs_df, _PART_COMPRESSION)
            except OSError as exc:
                raise _write_failed(out_path, exc) from None
            write_seconds += time.perf_counter() - t2
        else:
            t2 = time.perf_counter()
        summarise_seconds += t2 - t1
        run_frames.append(runs_df)
        if progress and not (engine == "reference" and len(runs) > 1):
            progress(len(runs))
    runs_all = pl.concat(run_frames) if run_frames else pl.DataFrame()
    timings = {
        "simulate_seconds": round(sim_seconds, 3),
        "summarise_seconds": round(summarise_seconds, 3),
    }
    if kernel_seconds is not None:
        timings["kernels_seconds"] = round(kernel_seconds, 3)
    if out_path is not None and parts is not None:
        t0 = time.perf_counter()
        try:
            for name in ("trajectories", "events", "runs"):
                scans = [pl.scan_parquet(_chunk_files(parts, k)[name]) for k in range(n_chunks)]
                atomic_sink_parquet(out_path / f"{name}.parquet", pl.concat(scans))
        except OSError as exc:
            raise _write_failed(out_path, exc) from None
        timings["write_seconds"] = round(write_seconds + time.perf_counter() - t0, 3)
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
            "plan": plan,
            "threads": numba.get_num_threads(),
            "chunk_size": chunk_size,
            "resumed_chunks": resumed,
            "events_dropped": int(runs_all["events_dropped"].sum()) if n_runs else 0,
            "code": code_version(),
            "dependencies": dependency_versions(),
            "timings": timings,
            "files": ["runs.parquet", "trajectories.parquet", "events.parquet"],
        }
        try:
            atomic_write_json(out_path / "manifest.json", manifest)
        except OSError as exc:
            raise _write_failed(out_path, exc) from None
        shutil.rmtree(parts, ignore_errors=True)
    else:
        timings["total_seconds"] = round(time.perf_counter() - t_start, 3)
    return BatchResult(scenario, runs_all, out_path, timings, resumed)
