"""Batch runs of a scenario: chunked, resumable, written atomically.

A batch is split into chunks of runs, generated lazily. With an output folder (owned by the
batch's plan, see :mod:`experiments.store`), each finished chunk is written to ``OUT/.parts/``
at once, so an interrupted batch keeps every finished chunk and a second
call with the same plan resumes where it stopped. The final files grow chunk by chunk in
temporary files, each renamed into place at the end, with ``manifest.json`` written last.
A chunk's tables are built and written by a background thread while the next chunk
simulates (the compiled engine releases the GIL). Per-run seeds depend only on (base seed,
run index), so results do not depend on chunking, threads, resuming or that overlap.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
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
    AtomicParquetWriter,
    FolderLock,
    StoreError,
    atomic_write_json,
    atomic_write_parquet,
    claim_folder,
    code_version,
    dependency_versions,
)
from .tables import events_frame, runs_frame, started_open, trajectories_frame
from .worlds import Ensemble, assign_worlds

Drawn = tuple[Ensemble, list[Scenario]]  # a worlds file and the scenario in each world

__all__ = [
    "BatchResult",
    "BatchError",
    "run_scenario",
    "batch_plan",
    "chunk_ranges",
    "DEFAULT_CHUNK",
    "default_chunk",
    "Drawn",
]

DEFAULT_CHUNK = 250
_PART_COMPRESSION = "lz4"
_TABLES = ("trajectories", "events")  # appended to the final files chunk by chunk
# lz4 for the large final files too: written in half zstd's time and read in half, for about
# a tenth more disk (trajectories) and two fifths (events, mostly text)
_FINAL_COMPRESSION = "lz4"
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
    ensemble: Drawn | None = None  # the worlds the runs were drawn from


def batch_plan(scenario: Scenario, chunk: int, engine: str, ensemble: Drawn | None = None) -> dict:
    """What a results folder's batch is: a second call with the same plan resumes it."""
    code = code_version()
    plan = {
        "engine": engine,
        "scenario_hash": scenario.hash,
        "seed": scenario.seed,
        "runs": scenario.runs,
        "chunk_size": chunk,
        "code": {k: code.get(k) for k in ("package", "git_commit")},
    }
    if ensemble is not None:
        plan["worlds_digest"] = ensemble[0].digest
    return plan


def chunk_ranges(n_runs: int, chunk_size: int) -> Iterator[tuple[int, range]]:
    """(index, runs) of each chunk, generated lazily: memory does not grow with ``n_runs``."""
    for k, a in enumerate(range(0, n_runs, chunk_size)):
        yield k, range(a, min(a + chunk_size, n_runs))


def _chunk_files(parts: Path, k: int) -> dict[str, Path]:
    return {
        name: parts / f"chunk-{k:05d}-{name}.parquet" for name in ("trajectories", "events", "runs")
    }


def _simulate(
    scenario: Scenario,
    runs: range,
    engine: str,
    progress,
    check: Callable[[], None],
    ensemble: Drawn | None = None,
) -> BatchArrays:
    """One chunk (each run in its world when drawn from an ensemble); the reference engine
    (seconds a run) reports each run as it finishes and runs ``check`` after each (the
    previous chunk's write may have failed meanwhile)."""

    def sim(rs: range) -> BatchArrays:
        if ensemble is None:
            return simulate(scenario, rs, engine=engine)
        world = assign_worlds(ensemble[0].weight, scenario.seed, np.asarray(rs))
        return simulate(scenario, rs, engine=engine, worlds=ensemble[1], world=world)

    if engine != "reference" or len(runs) <= 1:
        return sim(runs)
    parts = []
    for r in runs:
        parts.append(sim(range(r, r + 1)))
        if progress is not None:
            progress(1)
        check()
    return BatchArrays(
        **{f.name: np.concatenate([getattr(b, f.name) for b in parts]) for f in fields(BatchArrays)}
    )


def _write_failed(out: Path, exc: OSError) -> BatchError:
    return BatchError(
        f"{out}: cannot write results ({exc.strerror or exc}); finished chunks are kept, "
        f"run the same command again to resume"
    )


class _Finisher:
    """Each chunk's tables built, its parts written and its rows appended to the final files,
    in chunk order, by one background thread while the main thread simulates the next chunk.

    At most one chunk is in flight: :meth:`submit` waits for the previous one first (the
    time waited is the part of summarising and writing the batch does not hide). A chunk's
    runs part is written after its other parts, so its presence marks the chunk as kept.
    """

    def __init__(
        self,
        scenario: Scenario,
        out: Path | None,
        parts: Path | None,
        progress,
        worlds: bool = False,
    ) -> None:
        self._worlds = worlds  # runs drawn from an ensemble: runs.parquet gains ``world``
        self._P = scenario.global_vector()
        self._values = scenario.values
        self._out = out
        self._parts = parts
        self._final = (
            {
                name: AtomicParquetWriter(out / f"{name}.parquet", _FINAL_COMPRESSION)
                for name in _TABLES
            }
            if parts is not None
            else {}
        )
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aimarket-finish")
        self._pending: tuple[Future, int] | None = None
        self._shut = False  # the worker is gone (close() reached the commit)
        self._progress = progress
        self.run_frames: list[pl.DataFrame] = []
        self.summarise_seconds = 0.0
        self.write_seconds = 0.0
        self.waiting_seconds = 0.0  # the batch waited for the worker (closing included)
        self.closing_seconds = 0.0  # the final files put in place: writing nothing hides

    def _finish(self, k: int, arrays: BatchArrays) -> pl.DataFrame:
        t0 = time.perf_counter()
        # each run's end state under moved classifier thresholds and earlier years
        runs_df = runs_frame(arrays, self._P)
        if self._worlds:
            runs_df = runs_df.insert_column(2, pl.Series("world", arrays.world, dtype=pl.Int64))
        if self._parts is None:
            self.summarise_seconds += time.perf_counter() - t0
            return runs_df
        tables = {
            "trajectories": trajectories_frame(arrays),
            "events": events_frame(arrays, started_open(arrays, self._values)),
        }
        t1 = time.perf_counter()
        self.summarise_seconds += t1 - t0
        # parts are lz4 (read back only on resuming): faster both ways than zstd
        files = _chunk_files(self._parts, k)
        for name in _TABLES:
            atomic_write_parquet(files[name], tables[name], _PART_COMPRESSION)
        atomic_write_parquet(files["runs"], runs_df, _PART_COMPRESSION)
        for name in _TABLES:
            self._final[name].append(tables[name])
        self.write_seconds += time.perf_counter() - t1
        return runs_df

    def _resume(self, k: int) -> pl.DataFrame:
        t0 = time.perf_counter()
        files = _chunk_files(self._parts, k)
        for name in _TABLES:
            self._final[name].append(pl.read_parquet(files[name]))
        runs_df = pl.read_parquet(files["runs"])
        self.write_seconds += time.perf_counter() - t0
        return runs_df

    def _collect(self) -> None:
        if self._pending is None:
            return
        future, n = self._pending
        self._pending = None
        t0 = time.perf_counter()
        try:
            self.run_frames.append(future.result())
        except OSError as exc:
            raise _write_failed(self._out, exc) from None
        finally:
            self.waiting_seconds += time.perf_counter() - t0
        if self._progress and n:
            self._progress(n)

    def check(self) -> None:
        """Raise now if the chunk in flight failed (rather than after the next chunk)."""
        if self._pending is not None and self._pending[0].done():
            if self._pending[0].exception() is not None:
                self._collect()

    def submit(self, k: int, arrays: BatchArrays, n: int) -> None:
        """Finish chunk ``k`` in the background, after the previous one; ``n`` runs are
        reported to the progress callback once it is kept (0: already reported)."""
        self._collect()
        self._pending = (self._pool.submit(self._finish, k, arrays), n)

    def submit_kept(self, k: int, n: int) -> None:
        """Chunk ``k`` (``n`` runs) was kept by an earlier call: its parts go into the final
        files."""
        self._collect()
        self._pending = (self._pool.submit(self._resume, k), n)

    def close(self) -> None:
        """Wait for the last chunk and put the final files in place (the runs table from
        every chunk's runs)."""
        self._collect()
        self._pool.shutdown()
        self._shut = True
        if self._parts is None:
            return
        t0 = time.perf_counter()
        try:
            for name in _TABLES:
                self._final[name].commit()
            atomic_write_parquet(self._out / "runs.parquet", self.runs_table())
        except OSError as exc:
            raise _write_failed(self._out, exc) from None
        finally:
            elapsed = time.perf_counter() - t0
            self.write_seconds += elapsed
            self.waiting_seconds += elapsed
            self.closing_seconds += elapsed

    def runs_table(self) -> pl.DataFrame:
        """Every collected chunk's runs, in chunk order."""
        return pl.concat(self.run_frames) if self.run_frames else pl.DataFrame()

    def _drop_final(self) -> None:
        for writer in self._final.values():
            writer.abort()

    def abort(self) -> None:
        """After an error or an interruption: let the chunk in flight finish (it is kept),
        then drop the unfinished final files. The worker drops them after that chunk, so no
        file is touched from two threads, and it still does if a second Ctrl-C interrupts
        this wait (the worker is joined at exit)."""
        self._pending = None  # its error, if any, is not the one to report
        if self._shut:  # failed while committing: no worker left, this thread drops them
            self._drop_final()
            return
        self._pool.submit(self._drop_final)
        self._pool.shutdown(wait=True)


def run_scenario(
    scenario: Scenario,
    out: str | Path | None = None,
    threads: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Callable[[int], None] | None = None,
    engine: str = "fast",
    force: bool = False,
    notify: Callable[[str], None] | None = None,
    ensemble: Drawn | None = None,
) -> BatchResult:
    """Run ``scenario.runs`` runs; with ``out``, write results files there (resumable).
    With ``ensemble`` (:func:`experiments.worlds.load_ensemble`), each run simulates the world
    :func:`~experiments.worlds.assign_worlds` draws for it.

    The results folder must be new, empty or this plan's (see :func:`store.claim_folder`);
    ``force`` replaces another plan's results. ``progress`` gets the runs finished since its
    last call; ``notify`` gets one-line messages (kernel compilation, reuse of results)."""
    if threads is not None:
        if threads < 1 or threads > numba.config.NUMBA_NUM_THREADS:
            raise BatchError(
                f"--threads: expected 1 to {numba.config.NUMBA_NUM_THREADS}, found {threads}"
            )
        numba.set_num_threads(threads)
    t_start = time.perf_counter()
    out_path = Path(out) if out is not None else None
    plan = batch_plan(scenario, chunk_size, engine, ensemble)
    try:
        check_capacity(scenario, out_path, chunk_size)
    except CapacityError as exc:
        raise BatchError(str(exc)) from None
    lock = FolderLock(out_path).acquire() if out_path is not None else None
    try:
        return _run_claimed(
            scenario, out_path, plan, chunk_size, progress, engine, force, notify, t_start, ensemble
        )
    finally:
        if lock is not None:
            lock.release()


def _run_claimed(
    scenario: Scenario,
    out_path: Path | None,
    plan: dict,
    chunk_size: int,
    progress: Callable[[int], None] | None,
    engine: str,
    force: bool,
    notify: Callable[[str], None] | None,
    t_start: float,
    ensemble: Drawn | None = None,
) -> BatchResult:
    """:func:`run_scenario` once the folder is locked: claim it, run, write."""
    n_runs = scenario.runs
    parts = None
    if out_path is not None:
        state = claim_folder(out_path, plan, force)
        if state.status == "complete":
            if notify:
                notify(f"{out_path} already holds this batch's results: nothing to run")
            if progress:
                progress(n_runs)
            runs_all = pl.read_parquet(out_path / "runs.parquet")
            return BatchResult(scenario, runs_all, out_path, {}, 0, True, ensemble)
        parts = out_path / PARTS
    resumed = 0
    sim_seconds = 0.0
    kernels_ready = engine != "fast"
    kernel_seconds = None
    finisher = _Finisher(scenario, out_path, parts, progress, ensemble is not None)
    try:
        for k, runs in chunk_ranges(n_runs, chunk_size):
            if parts is not None and _chunk_files(parts, k)["runs"].exists():
                finisher.submit_kept(k, len(runs))
                resumed += 1
                continue
            if not kernels_ready:
                kernel_seconds = prepare_kernels(scenario, notify)
                kernels_ready = True
            elif engine == "reference" and k == resumed and notify and not kernels_cached(engine):
                notify(REFERENCE_NOTE)
            t0 = time.perf_counter()
            arrays = _simulate(scenario, runs, engine, progress, finisher.check, ensemble)
            sim_seconds += time.perf_counter() - t0
            reported = engine == "reference" and len(runs) > 1 and progress is not None
            finisher.submit(k, arrays, 0 if reported else len(runs))
        finisher.close()
    except BaseException:
        finisher.abort()
        raise
    runs_all = finisher.runs_table()
    timings = {
        "simulate_seconds": round(sim_seconds, 3),
        "summarise_seconds": round(finisher.summarise_seconds, 3),
        "write_seconds": round(finisher.write_seconds, 3),
        "waiting_seconds": round(finisher.waiting_seconds, 3),
        "closing_seconds": round(finisher.closing_seconds, 3),
    }
    if kernel_seconds is not None:
        timings["kernels_seconds"] = round(kernel_seconds, 3)
    if out_path is not None and parts is not None:
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
            "worlds": None
            if ensemble is None
            else {
                "path": str(ensemble[0].path),
                "sha256": ensemble[0].digest,
                "worlds": ensemble[0].n,
                "drawn": "run k takes experiments.worlds.assign_worlds(weights, seed, k)",
            },
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
    return BatchResult(scenario, runs_all, out_path, timings, resumed, False, ensemble)
