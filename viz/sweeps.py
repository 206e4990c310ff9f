"""Reading sweep folders tolerantly: whatever of a sweep's tables exist is shown, the rest is a
clear message. A sweep folder holds manifest.json (``"kind": "sweep"``) and points.parquet
(one row per point: the swept parameters' values and ``share_<end state>``), and after
analysis sensitivity.parquet and discover_<end state>_box.parquet."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from .data import ViewError, results_dir

__all__ = ["Sweep", "find_sweeps", "read_sweep"]


@dataclass
class Sweep:
    """A sweep folder's manifest, swept parameters, points and the analyses found."""

    folder: Path
    manifest: dict[str, Any]
    parameters: list[str]
    points: pl.DataFrame
    sensitivity: pl.DataFrame | None = None
    boxes: dict[str, pl.DataFrame] = field(default_factory=dict)

    @property
    def states(self) -> list[str]:
        return [c.removeprefix("share_") for c in self.points.columns if c.startswith("share_")]


def _manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def find_sweeps(root: Path | None = None, depth: int = 3) -> list[Path]:
    """Sweep folders (manifest kind 'sweep', or points.parquet beside a manifest) under root."""
    root = root or results_dir()
    if not root.is_dir():
        return []
    found = []
    for path in root.glob("**/manifest.json"):
        folder = path.parent
        if len(folder.relative_to(root).parts) > depth:
            continue
        m = _manifest(folder)
        if m is not None and (m.get("kind") == "sweep" or (folder / "points.parquet").is_file()):
            found.append(folder)
    return sorted(found)


def read_sweep(folder: str | Path) -> Sweep:
    """A sweep folder's tables; a folder that is not a finished sweep is a ViewError."""
    folder = Path(folder)
    m = _manifest(folder)
    if m is None:
        raise ViewError(f"{folder}: expected a sweep folder with manifest.json, found none")
    if not (folder / "points.parquet").is_file():
        raise ViewError(f"{folder}: expected a finished sweep with points.parquet, found none")
    try:
        points = pl.read_parquet(folder / "points.parquet")
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise ViewError(f"{folder}/points.parquet: cannot read it ({type(exc).__name__})") from None
    names = (m.get("problem") or {}).get("names")
    if not names:
        skip = {"point", "seed", "replications", "runs"}
        names = [
            c
            for c in points.columns
            if c not in skip
            and not c.startswith(("share_", "count_", "mean_", "median_"))
            and points[c].dtype.is_numeric()
        ]
    params = [n for n in names if n in points.columns]
    sweep = Sweep(folder, m, params, points)
    if (folder / "sensitivity.parquet").is_file():
        try:
            sweep.sensitivity = pl.read_parquet(folder / "sensitivity.parquet")
        except (OSError, pl.exceptions.PolarsError):
            sweep.sensitivity = None
    for box in sorted(folder.glob("discover_*_box.parquet")):
        state = box.name.removeprefix("discover_").removesuffix("_box.parquet")
        try:
            sweep.boxes[state] = pl.read_parquet(box)
        except (OSError, pl.exceptions.PolarsError):
            continue
    return sweep
