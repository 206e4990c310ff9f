"""What the viewer reads and asks for: scenarios, results folders and batches, with clear errors.

Batches run through :func:`experiments.runner.run_scenario` into a folder of the results
directory named by scenario hash, seed and runs, so a batch already made is read back instead
of simulated again (also across sessions). Nothing here knows the model's rules.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from experiments.runner import BatchError, run_scenario
from experiments.store import RESULT_FILES
from sim.params.scenario import Scenario, ScenarioError, load_scenario

__all__ = [
    "ViewError",
    "Results",
    "results_dir",
    "inside_results",
    "shown_path",
    "scenarios_dir",
    "scenario_files",
    "open_scenario",
    "scenario_worlds",
    "read_results",
    "find_results",
    "batch_folder",
    "ensure_batch",
    "typical_run",
    "deciding_indicators",
]

_ROOT = Path(__file__).resolve().parent.parent


class ViewError(ValueError):
    """Input the viewer cannot use; its message is shown in the page."""


@dataclass(frozen=True)
class Results:
    """A results folder's tables and manifest."""

    folder: Path
    runs: pl.DataFrame
    trajectories: pl.DataFrame
    events: pl.DataFrame
    manifest: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.manifest.get("scenario", {}).get("name", self.folder.name))


def results_dir() -> Path:
    """Where batches go and results are looked for: $AIMARKET_RESULTS, else ./results."""
    return Path(os.environ.get("AIMARKET_RESULTS", "results"))


def inside_results(text: str | Path, root: Path | None = None) -> Path:
    """The folder ``text`` names, resolved, if it lies under the results root (a relative path
    is read from the working folder, else from the root); anything else, existing or not, is
    the same ViewError, so the page tells no folder outside the root from a missing one."""
    root = (root or results_dir()).resolve()
    given = Path(text).expanduser()
    candidates = [given] if given.is_absolute() else [given, root / given]
    for candidate in candidates:
        resolved = candidate.resolve()
        if resolved.is_relative_to(root) and resolved.is_dir():
            return resolved
    raise ViewError(f"{text}: expected a folder under {root}, found none")


def shown_path(folder: str | Path, root: Path | None = None) -> str:
    """A folder as the pages name it: relative to the results root when under it."""
    root = (root or results_dir()).resolve()
    path = Path(folder).resolve()
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(folder)


def scenarios_dir() -> Path:
    """Scenario files: $AIMARKET_SCENARIOS, else the project's scenarios/."""
    env = os.environ.get("AIMARKET_SCENARIOS")
    if env:
        return Path(env)
    local = Path("scenarios")
    return local if local.is_dir() else _ROOT / "scenarios"


def scenario_files(folder: Path | None = None) -> dict[str, Path]:
    """Scenario files by stem, baseline first."""
    folder = folder or scenarios_dir()
    files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    if not files:
        raise ViewError(f"{folder}: expected scenario files (*.toml), found none")
    files.sort(key=lambda p: (p.stem != "baseline", p.stem))
    return {p.stem: p for p in files}


def open_scenario(path: Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load a scenario and apply dotted-key overrides; a bad value is a ViewError."""
    try:
        sc = load_scenario(path)
        if overrides:
            sc = sc.with_values(**{k.replace(".", "__"): v for k, v in overrides.items()})
    except ScenarioError as exc:
        raise ViewError(str(exc)) from None
    return sc


def scenario_worlds(sc: Scenario):
    """The worlds ``sc``'s runs are drawn from (its worlds file, as ``aimarket run`` finds
    it), or None; a malformed worlds file is a ViewError."""
    from experiments.worlds import WorldsError, load_ensemble

    try:
        return load_ensemble(sc)
    except WorldsError as exc:
        raise ViewError(str(exc)) from None


def read_results(folder: str | Path) -> Results:
    """Read a results folder written by ``aimarket run --out``; a foreign or empty one is a
    ViewError naming what is missing."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ViewError(f"{folder}: expected a results folder, found none")
    missing = [f for f in RESULT_FILES if not (folder / f).is_file()]
    if missing:
        raise ViewError(
            f"{folder}: expected a results folder ({', '.join(RESULT_FILES)}), "
            f"missing {', '.join(missing)}"
        )
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
        runs = pl.read_parquet(folder / "runs.parquet")
        traj = pl.read_parquet(folder / "trajectories.parquet")
        events = pl.read_parquet(folder / "events.parquet")
    except (OSError, ValueError, pl.exceptions.PolarsError) as exc:
        raise ViewError(f"{folder}: cannot read its results ({type(exc).__name__})") from None
    if not isinstance(manifest, dict) or "scenario" not in manifest:
        raise ViewError(f"{folder}/manifest.json: expected an aimarket manifest, found another")
    for need, frame in (("end_state", runs), ("open_share", traj), ("kind", events)):
        if need not in frame.columns:
            raise ViewError(f"{folder}: expected column '{need}' in its tables, found none")
    if runs.height == 0:
        raise ViewError(f"{folder}: expected runs, found an empty runs table")
    return Results(folder, runs, traj, events, manifest)


def find_results(root: Path | None = None, depth: int = 3) -> list[Path]:
    """Results folders of batches (every file of RESULT_FILES) under ``root``, newest first."""
    root = root or results_dir()
    if not root.is_dir():
        return []
    found = []
    for manifest in root.glob("**/manifest.json"):
        folder = manifest.parent
        rel = folder.relative_to(root)
        if len(rel.parts) <= depth and all((folder / f).is_file() for f in RESULT_FILES):
            found.append(folder)
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def batch_folder(sc: Scenario, root: Path | None = None, worlds: str = "") -> Path:
    """The viewer's folder for a batch: scenario name, parameter hash, seed, runs and the
    digest of the worlds file its runs are drawn from (if any)."""
    root = root or results_dir()
    tail = f"-worlds{worlds[:10]}" if worlds else ""
    return root / "view" / f"{sc.name}-{sc.hash[:10]}-seed{sc.seed}-runs{sc.runs}{tail}"


def _complete(folder: Path, sc: Scenario) -> bool:
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    return (
        manifest.get("scenario", {}).get("hash") == sc.hash
        and manifest.get("seed") == sc.seed
        and manifest.get("runs") == sc.runs
        and all((folder / f).is_file() for f in RESULT_FILES)
    )


def ensure_batch(
    sc: Scenario,
    root: Path | None = None,
    progress: Callable[[int], None] | None = None,
    threads: int | None = None,
) -> Path:
    """The results folder of ``sc``'s batch: read back if made before, else simulated now on the
    fast engine (resumable chunks), reporting finished runs to ``progress``. Runs are drawn
    from the scenario's worlds file when it has one (as ``aimarket run`` does)."""
    ensemble = scenario_worlds(sc)
    folder = batch_folder(sc, root, ensemble[0].digest if ensemble else "")
    if _complete(folder, sc):
        if progress:
            progress(sc.runs)
        return folder
    chunk = max(50, -(-sc.runs // 10))  # ten progress steps, chunks big enough to run in parallel
    try:
        run_scenario(
            sc, out=folder, threads=threads, chunk_size=chunk, progress=progress, ensemble=ensemble
        )
    except BatchError as exc:
        raise ViewError(str(exc)) from None
    except OSError as exc:
        raise ViewError(f"{folder}: cannot write results ({exc.strerror})") from None
    return folder


def typical_run(runs: pl.DataFrame, end_state: str) -> int:
    """The typical run of ``end_state`` (:func:`experiments.story.typical_run`, which
    ``aimarket story --typical`` uses too); a ViewError if no run ended so."""
    from experiments.story import StoryError
    from experiments.story import typical_run as _typical

    try:
        return _typical(runs, end_state)
    except StoryError as exc:
        raise ViewError(str(exc)) from None


def deciding_indicators(row: dict[str, Any], values: dict[str, Any]) -> pl.DataFrame:
    """Each end state's conditions with the run's indicators against the classifier's
    thresholds and whether they held (as the run's story states them,
    :func:`experiments.verdict.verdict_frame`), from the run row and the manifest's values."""
    from experiments.verdict import verdict_frame

    return verdict_frame(row, values)
