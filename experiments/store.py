"""The results store: atomic writes, chunk parts for resuming, and the manifest."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl

__all__ = [
    "atomic_write_bytes",
    "atomic_write_json",
    "atomic_write_parquet",
    "code_version",
    "dependency_versions",
    "RESULT_FILES",
]

RESULT_FILES = ("runs.parquet", "trajectories.parquet", "events.parquet", "manifest.json")
_DEPENDENCIES = ("numpy", "numba", "polars", "mesa", "simpy", "networkx", "SALib", "dask")


def _tmp_in(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    return Path(name)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half."""
    tmp = _tmp_in(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_json(path: Path, obj: Any) -> None:
    atomic_write_bytes(path, (json.dumps(obj, indent=2, sort_keys=True) + "\n").encode())


def atomic_write_parquet(path: Path, df: pl.DataFrame) -> None:
    """Parquet written to a temporary file in the same folder, then renamed into place."""
    tmp = _tmp_in(path)
    try:
        df.write_parquet(tmp, compression="zstd", statistics=False)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def code_version() -> dict[str, Any]:
    """Package version and, inside a git checkout, the commit and whether the tree is dirty."""
    out: dict[str, Any] = {"package": _version("aimarket")}
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5
        )
        if commit.returncode == 0:
            out["git_commit"] = commit.stdout.strip()
            dirty = subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no"],
                cwd=root,
                capture_output=True,
                text=True,
                timeout=5,
            )
            out["git_dirty"] = bool(dirty.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return out


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def dependency_versions() -> dict[str, str]:
    vers = {name: _version(name) for name in _DEPENDENCIES}
    vers["python"] = platform.python_version()
    return vers
