"""The sweep's results folder: samples, chunk parts for resuming, final tables and manifest.

Layout of ``OUT``::

    samples.parquet     one row per point: point, seed, the swept parameters' values
    trajectories.parquet, events.parquet
                        with sweep.keep or --keep: every run's table as a batch writes it,
                        with ``point`` first and ``run`` the replication
    runs.parquet        one row per (point, replication): seed, end state, final indicators
                        (and ``world``, when drawn from a worlds file)
    points.parquet      one row per point: its values, end-state counts and shares,
                        indicator means and medians (and ``worlds`` drawn, with worlds)
    manifest.json       spec text and hash, seeds, code and dependency versions (written last)
    .parts/             while running: plan.json and one Parquet file per finished chunk

Every file is written atomically (temporary file, then rename): a killed sweep leaves only
whole chunk files, and ``--resume`` runs the chunks that are missing.
"""

from __future__ import annotations

import json
import os
import shutil
from importlib import metadata
from pathlib import Path

import numpy as np
import polars as pl

from sim.rules.classify import INDICATOR_NAMES
from sim.vocab import END_STATES

from ..store import (
    LOCK,
    atomic_write_json,
    atomic_write_parquet,
    code_version,
    folder_kind,
    kind_refusal,
    temp_file_in,
)
from ..store import dependency_versions as _base_versions
from .spec import SweepSpec

__all__ = [
    "SweepStoreError",
    "OWN_FILES",
    "prepare",
    "sweep_plan",
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


def sweep_plan(spec: SweepSpec) -> dict:
    """What a sweep folder's sweep is: the same plan resumes or reuses it."""
    code = code_version()
    return {
        "spec_hash": spec.hash,
        "points": spec.n_points,
        "replications": spec.replications,
        "chunk": spec.chunk,
        "code": {k: code.get(k) for k in ("package", "git_commit")},
        **({"keep": list(spec.keep)} if spec.keep else {}),  # older plans had no keep
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


# what a sweep and its analyses write: --force replaces these (other files stay)
OWN_FILES = (
    "samples.parquet",
    "runs.parquet",
    "points.parquet",
    "trajectories.parquet",
    "events.parquet",
    "manifest.json",
)
_ANALYSIS_PATTERNS = ("sensitivity.*", "discover_*", "match_*")


def _own(out: Path) -> list[Path]:
    found = [out / n for n in OWN_FILES if (out / n).exists()]
    for pattern in _ANALYSIS_PATTERNS:
        found += [p for p in out.glob(pattern) if p.is_file()]
    return found


def _is_temp(name: str) -> bool:
    return name.startswith(".") and name.endswith(".tmp")


def _replace(out: Path) -> None:
    """--force: remove the sweep files (manifest first: no half-old folder) and parts."""
    try:
        (out / "manifest.json").unlink(missing_ok=True)
        for path in _own(out):
            path.unlink(missing_ok=True)
        if (out / ".parts").is_dir():
            shutil.rmtree(out / ".parts")
    except OSError as exc:
        raise SweepStoreError(
            f"--out {out}: cannot replace the old results ({exc.strerror or exc})"
        ) from None


def _remove_stale_temps(out: Path) -> None:
    """Temporary files a killed sweep left: nothing reads them, and they block nothing."""
    for folder in (out, out / ".parts"):
        if folder.is_dir():
            for p in folder.iterdir():
                if _is_temp(p.name) and p.is_file():
                    p.unlink(missing_ok=True)


_FORCE = "or pass --force to replace aimarket's results there"


def prepare(out: Path, spec: SweepSpec, resume: bool, force: bool = False) -> Path:
    """Make ``out`` ready for ``spec``: a new folder, the same sweep's parts with --resume,
    or the same sweep's finished results (nothing to run: ``manifest.json`` is there).
    Another sweep's results, or files aimarket did not write, are refused unless ``force``,
    which removes the sweep files there (other files stay); a batch's folder is refused."""
    if out.exists() and not out.is_dir():
        raise SweepStoreError(f"--out {out}: expected a folder, found a file")
    if folder_kind(out) == "batch":
        raise SweepStoreError(kind_refusal(out, "batch", "sweep"))
    parts = out / ".parts"
    plan = sweep_plan(spec)
    _remove_stale_temps(out)
    if (out / "manifest.json").exists():
        done = read_manifest(out)
        same = done.get("plan") == plan if "plan" in done else done.get("spec_hash") == spec.hash
        if same:
            return parts
        if not force:
            raise SweepStoreError(
                f"--out {out}: holds a finished sweep ({done.get('name', '?')}) of another "
                f"spec, sample or code version; nothing was changed. Choose another folder, "
                f"{_FORCE}"
            )
        _replace(out)
    plan_file = parts / "plan.json"
    if plan_file.exists():
        try:
            old = json.loads(plan_file.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            old = None
        if old == plan and not resume and not force:
            raise SweepStoreError(
                f"--out {out}: holds an unfinished sweep; add --resume to finish it, "
                f"{_FORCE} and start again"
            )
        if old == plan and resume:
            if not (out / "samples.parquet").exists():
                atomic_write_parquet(out / "samples.parquet", samples_frame(spec))
            return parts
        if not force:
            raise SweepStoreError(
                f"--out {out}: holds an unfinished sweep of another spec, sample or code "
                f"version; finish it with its own spec, {_FORCE}"
            )
        _replace(out)
    if out.exists() and not force:
        own = {p.name for p in _own(out)} | {".parts", LOCK}
        strangers = sorted(n.name for n in out.iterdir() if n.name not in own)
        if strangers:
            raise SweepStoreError(
                f"--out {out}: expected an empty or new folder, found other files "
                f"({', '.join(strangers[:4])}{' ...' if len(strangers) > 4 else ''}); "
                f"choose another folder, {_FORCE}"
            )
    if out.exists():
        _replace(out)  # a sweep's files without a plan or manifest: start afresh
    parts.mkdir(parents=True, exist_ok=True)
    atomic_write_parquet(out / "samples.parquet", samples_frame(spec))
    atomic_write_json(plan_file, plan)  # last: its presence marks a started sweep
    return parts


def chunk_path(parts: Path, k: int, table: str = "runs") -> Path:
    """Chunk ``k``'s part of ``table`` (runs, or a kept table)."""
    tail = "" if table == "runs" else f".{table}"
    return parts / f"chunk-{k:06d}{tail}.parquet"


def finished_chunks(parts: Path, n_chunks: int) -> set[int]:
    return {k for k in range(n_chunks) if chunk_path(parts, k).exists()}


def write_chunk(parts: Path, k: int, runs: pl.DataFrame | dict[str, pl.DataFrame]) -> None:
    """Write chunk ``k``: kept tables first, its runs part last (that part marks it done, so
    a chunk killed halfway is run again whole)."""
    tables = runs if isinstance(runs, dict) else {"runs": runs}
    for name, df in tables.items():
        if name != "runs":
            atomic_write_parquet(chunk_path(parts, k, name), df)
    atomic_write_parquet(chunk_path(parts, k), tables["runs"])


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
    if "world" in runs.collect_schema().names():  # replications drawn from worlds
        aggs.append(pl.col("world").n_unique().cast(pl.Int64).alias("worlds"))
    agg = runs.group_by("point").agg(aggs)
    return samples.join(agg, on="point", how="left").sort("point")


def _sink(lazy: pl.LazyFrame, path: Path, statistics: bool = False) -> None:
    """Stream a lazy frame to Parquet atomically (memory flat in the number of rows)."""
    tmp = temp_file_in(path)
    try:
        lazy.sink_parquet(tmp, compression="zstd", statistics=statistics)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def finish(
    out: Path,
    parts: Path,
    spec: SweepSpec,
    n_chunks: int,
    manifest: dict,
    keep: tuple[str, ...] = (),
) -> None:
    """Assemble runs.parquet, points.parquet and the kept tables (one file each, in point
    order, with statistics so a point's rows are read alone) from the parts; manifest last;
    drop parts."""
    for name in keep:
        kept = pl.concat([pl.scan_parquet(chunk_path(parts, k, name)) for k in range(n_chunks)])
        _sink(kept, out / f"{name}.parquet", statistics=True)
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
