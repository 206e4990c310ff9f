"""Running a sweep: chunks of points on the fast engine, in process or on Dask.

A chunk is a run of consecutive points; each point is its scenario (base scenario with the
point's values and seed) run ``replications`` times by the same batch function as
``aimarket run`` (:func:`sim.engine.batch.simulate`), tabulated by the same code
(:func:`experiments.tables.runs_frame`). Replication r of point p uses the seed
``run_seed(point_seed(p), r)``: a function of the spec's seed and the indices alone, never of
the worker or the order chunks finish in, so every back-end gives bit-identical files. The
client writes each finished chunk atomically as it arrives; a chunk lost with its worker is
resubmitted by Dask (``retries``).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from sim.params.scenario import Scenario

from ..capacity import CapacityError, check_capacity, check_disk
from ..store import FolderLock, StoreError, code_version
from ..worlds import assign_worlds
from . import store
from .spec import SweepSpec, point_scenario

__all__ = ["BACKENDS", "SweepResult", "SweepRunError", "chunks_of", "run_chunk", "run_sweep"]

BACKENDS = ("local", "dask")
_SIM_LOCK = threading.Lock()  # numba's parallel batches must not overlap within a process


class SweepRunError(RuntimeError):
    """A back-end that cannot run the sweep (clear message; finished chunks are kept)."""


@dataclass
class SweepResult:
    """Where a sweep went, how much of it was resumed, and how long it took."""

    out: Path
    points: int
    runs: int
    resumed_chunks: int
    chunks: int
    seconds: float
    backend: str
    workers: int | None = None
    timings: dict[str, float] = field(default_factory=dict)
    reused: bool = False  # the folder already held this sweep's results: nothing ran


def chunks_of(spec: SweepSpec) -> list[range]:
    n = spec.n_points
    return [range(a, min(a + spec.chunk, n)) for a in range(0, n, spec.chunk)]


def run_chunk(
    base: Scenario,
    keys: list[str],
    points: list[int],
    values: np.ndarray,
    seeds: list[int],
    replications: int,
    threads: int | None = None,
    keep: tuple[str, ...] = (),
    worlds: tuple[np.ndarray, list[Scenario]] | None = None,
) -> pl.DataFrame | dict[str, pl.DataFrame]:
    """Simulate ``replications`` runs of each point; one row per (point, replication).

    With ``worlds`` (the worlds' weights and the base scenario in each world), replication r
    of a point simulates the world :func:`experiments.worlds.assign_worlds` draws for (the
    point's seed, r), with the point's values on top; the runs table gains ``world``.

    With ``keep`` (some of :data:`KEEPABLE`), a dict of tables instead: ``runs`` (as a batch
    tabulates them, with the classifier's conditions and variants, ``run`` renamed
    ``replication``) and each kept table as ``aimarket run --out`` writes it, with a ``point``
    column first (its ``run`` is the replication)."""
    from sim.engine.batch import simulate

    from ..tables import events_frame, runs_frame, started_open, trajectories_frame

    frames: dict[str, list[pl.DataFrame]] = {name: [] for name in ("runs", *keep)}
    with _SIM_LOCK:
        if threads is not None:
            import numba

            numba.set_num_threads(max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS)))
        for p, row, seed in zip(points, values, seeds, strict=True):
            scen = point_scenario(base, keys, row, seed, replications)
            if worlds is None:
                arrays = simulate(scen, range(replications))
            else:
                world = assign_worlds(worlds[0], seed, np.arange(replications))
                drawn, local = np.unique(world, return_inverse=True)
                per = [point_scenario(worlds[1][w], keys, row, seed, replications) for w in drawn]
                arrays = simulate(scen, range(replications), worlds=per, world=local)
            point = pl.lit(p, dtype=pl.Int64).alias("point")
            P = scen.global_vector() if keep else None
            df = runs_frame(arrays, P).rename({"run": "replication"})
            if worlds is not None:
                df = df.insert_column(2, pl.Series("world", world, dtype=pl.Int64))
            frames["runs"].append(df.select(point, pl.all()))
            if "trajectories" in keep:
                frames["trajectories"].append(trajectories_frame(arrays).select(point, pl.all()))
            if "events" in keep:
                ev = events_frame(arrays, started_open(arrays, scen.values))
                frames["events"].append(ev.select(point, pl.all()))
    tables = {name: pl.concat(dfs) for name, dfs in frames.items()}
    return tables if keep else tables["runs"]


def _chunk_args(spec: SweepSpec, pts: range) -> tuple:
    idx = list(pts)
    return (
        spec.scenario,
        spec.keys,
        idx,
        spec.sample[idx[0] : idx[-1] + 1],
        [spec.point_seed(i) for i in idx],
        spec.replications,
    )


def _chunk_kwargs(spec: SweepSpec) -> dict:
    kw: dict = {"keep": spec.keep} if spec.keep else {}
    if spec.ensemble is not None:
        kw["worlds"] = (spec.ensemble[0].weight, spec.ensemble[1])
    return kw


def _local(spec, todo, chunks, threads, on_done) -> None:
    for k in todo:
        on_done(k, run_chunk(*_chunk_args(spec, chunks[k]), threads=threads, **_chunk_kwargs(spec)))


def _connect(scheduler: str):
    """A client of the running Dask scheduler at ``scheduler``, or a clear error."""
    from dask.distributed import Client

    try:
        return Client(scheduler, timeout="30s")
    except (OSError, TimeoutError, ValueError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
        raise SweepRunError(
            f"--scheduler {scheduler}: expected a running Dask scheduler, found none ({reason}); "
            "nothing was written"
        ) from None


def _dask(spec, todo, chunks, workers, scheduler, on_done, cluster=None, client=None) -> int:
    """Run the chunks on Dask: a given cluster (SLURM, ...), a running ``scheduler`` (its
    ``client`` already connected), or a LocalCluster of ``workers`` single-threaded
    processes."""
    from dask.distributed import Client, LocalCluster, as_completed

    own = None
    threads: int | None = 1
    if cluster is not None:
        client = Client(cluster)
    elif scheduler:
        client = client if client is not None else _connect(scheduler)
        threads = None  # the workers' own thread settings decide
    else:
        n = workers or max(1, os.cpu_count() or 1)
        own = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        )
        client = Client(own)
        threads = max(1, (os.cpu_count() or 1) // n)
    try:
        n_workers = len(client.scheduler_info().get("workers", {}))
        base = client.scatter(spec.scenario, broadcast=True)
        kwargs = _chunk_kwargs(spec)
        if "worlds" in kwargs:  # sent to every worker once, not with every chunk
            kwargs["worlds"] = client.scatter([kwargs["worlds"]], broadcast=True)[0]
        futures = {}
        for k in todo:
            args = _chunk_args(spec, chunks[k])
            fut = client.submit(
                run_chunk,
                base,
                *args[1:],
                threads=threads,
                retries=3,
                pure=False,
                **kwargs,
            )
            futures[fut] = k
        for fut in as_completed(futures):
            k = futures.pop(fut)
            on_done(k, fut.result())
            fut.release()
        return n_workers
    finally:
        client.close()
        if own is not None:
            own.close()


def run_sweep(
    spec: SweepSpec,
    out: str | Path,
    backend: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    threads: int | None = None,
    progress: Callable[[int], None] | None = None,
    cluster: object | None = None,
    force: bool = False,
    on_start: Callable[[], None] | None = None,
) -> SweepResult:
    """Run every point of ``spec`` into ``out`` (resumable with ``resume``).

    ``backend="dask"`` runs on ``cluster`` if given (e.g. a dask-jobqueue SLURMCluster), else
    on the scheduler at ``scheduler``, else on a LocalCluster of ``workers`` processes.
    A folder holding this sweep's finished results is reused (nothing runs); ``force``
    replaces another sweep's results (see :func:`store.prepare`). ``on_start`` is called
    once the folder is ready (before that, a refusal is the only output)."""
    if backend not in BACKENDS:
        raise ValueError(f"backend: expected one of {', '.join(BACKENDS)}, found {backend!r}")
    out = Path(out)
    try:  # a point's replications run as one batch: refused before the folder is touched
        check_capacity(spec.point_scenario(0), None, spec.replications)
        if spec.keep:  # kept tables: the batch's bytes per run-month, for every run
            check_disk(spec.point_scenario(0), spec.n_runs, out, "sweep.keep or --keep")
    except CapacityError as exc:
        raise store.SweepStoreError(str(exc)) from None
    # reach the scheduler before the folder is touched: an unreachable one leaves nothing
    client = _connect(scheduler) if backend == "dask" and scheduler and cluster is None else None
    try:
        lock = FolderLock(out).acquire()
    except StoreError as exc:
        if client is not None:
            client.close()
        raise store.SweepStoreError(str(exc)) from None
    try:
        return _run_locked(
            spec,
            out,
            backend,
            workers,
            scheduler,
            resume,
            threads,
            progress,
            cluster,
            force,
            on_start,
            client,
        )
    finally:
        lock.release()
        if client is not None and client.status != "closed":
            client.close()


def _run_locked(
    spec: SweepSpec,
    out: Path,
    backend: str,
    workers: int | None,
    scheduler: str | None,
    resume: bool,
    threads: int | None,
    progress: Callable[[int], None] | None,
    cluster: object | None,
    force: bool,
    on_start: Callable[[], None] | None,
    client: object | None = None,
) -> SweepResult:
    """:func:`run_sweep` once the folder is locked (``client``: connected to ``scheduler``)."""
    t0 = time.perf_counter()
    parts = store.prepare(out, spec, resume, force)
    if on_start:
        on_start()
    chunks = chunks_of(spec)
    if (out / "manifest.json").exists():  # this sweep's finished results: nothing to do
        if progress:
            progress(spec.n_runs)
        return SweepResult(
            out, spec.n_points, spec.n_runs, len(chunks), len(chunks), 0.0, backend, reused=True
        )
    done = store.finished_chunks(parts, len(chunks))
    if progress:
        progress(sum(len(chunks[k]) for k in done) * spec.replications)
    todo = [k for k in range(len(chunks)) if k not in done]

    def on_done(k: int, df: pl.DataFrame | dict[str, pl.DataFrame]) -> None:
        store.write_chunk(parts, k, df)
        if progress:
            progress(len(chunks[k]) * spec.replications)

    n_workers = None
    if todo and backend == "dask":
        n_workers = _dask(spec, todo, chunks, workers, scheduler, on_done, cluster, client)
    elif todo:
        _local(spec, todo, chunks, threads, on_done)
    sim_seconds = time.perf_counter() - t0
    manifest = {
        "kind": "sweep",
        "name": spec.name,
        "description": spec.description,
        "spec_path": spec.path,
        "spec_text": spec.text,
        "spec_hash": spec.hash,
        "plan": store.sweep_plan(spec),
        "sampler": spec.sampler,
        "parameters": [p.__dict__ for p in spec.parameters],
        "problem": spec.problem(),
        "points": spec.n_points,
        "base_points": spec.points,
        "second_order": spec.second_order,
        "levels": spec.levels,
        "replications": spec.replications,
        "runs": spec.n_runs,
        "seed": spec.seed,
        "common_random_numbers": spec.common_random_numbers,
        "seeds": "replication r of point p uses sim.rules.rng.run_seed(point seed, r); "
        "point seeds are in samples.parquet",
        "scenario": {
            "name": spec.scenario.name,
            "path": spec.scenario.path,
            "hash": spec.scenario.hash,
            "texts": spec.scenario.texts,
            "values": spec.scenario.values,
        },
        "chunk_points": spec.chunk,
        "chunks": len(chunks),
        "resumed_chunks": len(done),
        "backend": backend,
        "workers": n_workers,
        "code": code_version(),
        "dependencies": store.sweep_versions(),
        "timings": {"simulate_seconds": round(sim_seconds, 3)},
        "keep": list(spec.keep),
        "worlds": None
        if spec.ensemble is None
        else {
            "path": str(spec.ensemble[0].path),
            "sha256": spec.ensemble[0].digest,
            "worlds": spec.ensemble[0].n,
            "drawn": "replication r of point p takes experiments.worlds.assign_worlds(weights, "
            "point seed, r), the point's values on top",
        },
        "files": [
            "samples.parquet",
            "runs.parquet",
            "points.parquet",
            *(f"{name}.parquet" for name in spec.keep),
        ],
    }
    store.finish(out, parts, spec, len(chunks), manifest, spec.keep)
    return SweepResult(
        out,
        spec.n_points,
        spec.n_runs,
        len(done),
        len(chunks),
        round(time.perf_counter() - t0, 3),
        backend,
        n_workers,
        manifest["timings"],
    )
