"""The sweep's results folder: samples, chunk parts for resuming, final tables and manifest.

Layout of ``OUT``::

    samples.parquet     one row per point: point, seed, the swept parameters' values
    runs.parquet        one row per (point, replication): seed, end state, final indicators
    points.parquet      one row per point: its values, end-state counts and shares,
                        indicator means and medians
    manifest.json       spec text and hash, seeds, code and dependency versions (written last)
    .parts/             while running: plan.json and one Parquet file per finished chunk

Every file is written atomically (temporary file, then rename): a killed sweep leaves only
whole chunk files, and ``--resume`` runs the chunks that are missing.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from importlib import metadata
from pathlib import Path

import numpy as np
import polars as pl

from sim.rules.classify import INDICATOR_NAMES
from sim.vocab import END_STATES

from ..store import atomic_write_json, atomic_write_parquet, code_version
from ..store import dependency_versions as _base_versions
from .spec import SweepSpec

__all__ = [
    "SweepStoreError",
    "prepare",
    "chunk_path",
    "finished_chunks",
    "write_chunk",
    "finish",
    "samples_frame",
    "points_frame",
    "sweep_versions",
    "read_manifest",
]


class SweepStoreError(RuntimeError):
    """A results folder that cannot take this sweep (clear message, nothing lost)."""


def _plan(spec: SweepSpec) -> dict:
    code = code_version()
    return {
        "spec_hash": spec.hash,
        "points": spec.n_points,
        "replications": spec.replications,
        "chunk": spec.chunk,
        "code": {k: code.get(k) for k in ("package", "git_commit")},
    }


def sweep_versions() -> dict[str, str]:
    """Dependency versions for the manifest, including the analysis packages."""
    vers = _base_versions()
    for name in ("SALib", "dask", "distributed", "scikit-learn", "ema-workbench"):
        try:
            vers[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            vers[name] = "unknown"
    return vers


def samples_frame(spec: SweepSpec) -> pl.DataFrame:
    cols: dict[str, object] = {
        "point": np.arange(spec.n_points, dtype=np.int64),
        "seed": np.array([spec.point_seed(i) for i in range(spec.n_points)], dtype=np.int64),
    }
    for j, key in enumerate(spec.keys):
        cols[key] = spec.sample[:, j]
    return pl.DataFrame(cols)


def prepare(out: Path, spec: SweepSpec, resume: bool) -> Path:
    """Make ``out`` ready for ``spec``: a new folder, or the same sweep's parts with --resume."""
    if out.exists() and not out.is_dir():
        raise SweepStoreError(f"--out {out}: expected a folder, found a file")
    parts = out / ".parts"
    plan = _plan(spec)
    if (out / "manifest.json").exists():
        done = read_manifest(out)
        if resume and done.get("spec_hash") == spec.hash:
            return parts
        raise SweepStoreError(
            f"--out {out}: expected an empty or new folder, found a finished sweep "
            f"({done.get('name', '?')}); choose another folder"
        )
    plan_file = parts / "plan.json"
    if plan_file.exists():
        try:
            old = json.loads(plan_file.read_text())
        except (OSError, json.JSONDecodeError):
            old = None
        if not resume:
            raise SweepStoreError(
                f"--out {out}: holds an unfinished sweep; add --resume to finish it, "
                f"or remove {out} to start again"
            )
        if old != plan:
            raise SweepStoreError(
                f"--out {out}: holds an unfinished sweep of another spec, sample or code "
                f"version; finish it with its own spec, or remove {parts} to discard it"
            )
        if not (out / "samples.parquet").exists():
            atomic_write_parquet(out / "samples.parquet", samples_frame(spec))
        return parts
    if out.exists() and any(p.name not in (".parts", "samples.parquet") for p in out.iterdir()):
        raise SweepStoreError(f"--out {out}: expected an empty or new folder, found other files")
    parts.mkdir(parents=True, exist_ok=True)
    atomic_write_parquet(out / "samples.parquet", samples_frame(spec))
    atomic_write_json(plan_file, plan)  # last: its presence marks a started sweep
    return parts


def chunk_path(parts: Path, k: int) -> Path:
    return parts / f"chunk-{k:06d}.parquet"


def finished_chunks(parts: Path, n_chunks: int) -> set[int]:
    return {k for k in range(n_chunks) if chunk_path(parts, k).exists()}


def write_chunk(parts: Path, k: int, runs: pl.DataFrame) -> None:
    atomic_write_parquet(chunk_path(parts, k), runs)


def points_frame(runs: pl.LazyFrame, samples: pl.LazyFrame) -> pl.LazyFrame:
    """Per point: end-state counts and shares, indicator means and medians."""
    es = pl.col("end_state").cast(pl.String)
    aggs: list[pl.Expr] = [pl.len().alias("replications")]
    for name in END_STATES:
        aggs.append((es == name).sum().cast(pl.Int64).alias(f"count_{name}"))
        aggs.append((es == name).mean().alias(f"share_{name}"))
    for name in INDICATOR_NAMES:
        aggs.append(pl.col(name).mean().alias(f"mean_{name}"))
        aggs.append(pl.col(name).median().alias(f"median_{name}"))
    agg = runs.group_by("point").agg(aggs)
    return samples.join(agg, on="point", how="left").sort("point")


def _sink(lazy: pl.LazyFrame, path: Path) -> None:
    """Stream a lazy frame to Parquet atomically (memory flat in the number of rows)."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        lazy.sink_parquet(tmp, compression="zstd", statistics=False)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def finish(out: Path, parts: Path, spec: SweepSpec, n_chunks: int, manifest: dict) -> None:
    """Assemble runs.parquet and points.parquet from the parts; manifest last; drop parts."""
    files = [chunk_path(parts, k) for k in range(n_chunks)]
    runs = pl.concat([pl.scan_parquet(f) for f in files])
    _sink(runs, out / "runs.parquet")
    pts = points_frame(
        pl.scan_parquet(out / "runs.parquet"), pl.scan_parquet(out / "samples.parquet")
    )
    _sink(pts, out / "points.parquet")
    atomic_write_json(out / "manifest.json", manifest)
    shutil.rmtree(parts, ignore_errors=True)


def read_manifest(folder: Path) -> dict:
    """The manifest of a finished sweep, or a clear error."""
    path = Path(folder) / "manifest.json"
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise SweepStoreError(
            f"{folder}: expected a finished sweep folder (manifest.json), found none"
        ) from None
    except (OSError, json.JSONDecodeError) as exc:
        raise SweepStoreError(f"{path}: expected JSON, found {type(exc).__name__}") from None
    if data.get("kind") != "sweep":
        raise SweepStoreError(f"{folder}: expected a sweep's results, found another kind")
    return data
