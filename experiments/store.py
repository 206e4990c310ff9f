"""The results store: atomic writes, folder ownership, chunk parts for resuming, the manifest.

A results folder belongs to one plan (what was asked for: engine, scenario, seed, runs, ...).
:func:`claim_folder` creates it, resumes the same plan, and refuses, naming what it found,
a folder holding another plan's results or anything aimarket did not write, unless forced.
Batches and sweeps share these rules.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl

from .jsontext import json_text

__all__ = [
    "StoreError",
    "FolderState",
    "inspect_folder",
    "claim_folder",
    "atomic_write_bytes",
    "temp_file_in",
    "folder_kind",
    "FolderLock",
    "LOCK",
    "kind_refusal",
    "atomic_write_json",
    "atomic_write_parquet",
    "AtomicParquetWriter",
    "refusal",
    "code_version",
    "dependency_versions",
    "RESULT_FILES",
]

RESULT_FILES = ("runs.parquet", "trajectories.parquet", "events.parquet", "manifest.json")
PARTS = ".parts"
LOCK = ".aimarket.lock"  # held (flock) by the batch or sweep writing the folder
_DEPENDENCIES = ("numpy", "numba", "polars", "mesa", "simpy", "networkx", "SALib", "dask")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# results files get the usual mode (0644 under umask 022), not mkstemp's private 0600
_FILE_MODE = 0o666 & ~_umask()


def temp_file_in(path: Path) -> Path:
    """A new empty temporary file beside ``path`` (to be renamed onto it), with the mode the
    umask gives new files (0644 under 022), not mkstemp's private 0600. Every atomic write
    of results goes through here."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _FILE_MODE)
    finally:
        os.close(fd)
    return Path(name)


class StoreError(RuntimeError):
    """A results folder cannot be used as asked (clear one-line message, nothing touched)."""


PLAN_LABELS = {
    "engine": "engine",
    "scenario_hash": "scenario parameters",
    "seed": "seed",
    "runs": "number of runs",
    "chunk_size": "chunk size",
    "code": "code version",
}


def _is_temp(name: str) -> bool:
    return name.startswith(".") and name.endswith(".tmp")


def _ignored(name: str) -> bool:
    """Temporary files and the lock: never results, never strangers."""
    return name == LOCK or _is_temp(name)


class FolderLock:
    """An exclusive lock on a results folder for a batch's or sweep's whole life: a second
    writer into the same folder is refused in one line instead of deleting the first's
    files in flight. ``flock`` on ``OUT/.aimarket.lock``: the kernel releases it when the
    process dies, so a killed batch never leaves the folder locked."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self._fd: int | None = None
        self._created = False

    def acquire(self) -> FolderLock:
        import fcntl

        path = self.out / LOCK
        if self.out.exists() and not self.out.is_dir():
            raise StoreError(
                f"{self.out}: expected a results folder, found a file; nothing was changed"
            )
        try:
            if not self.out.exists():
                self.out.mkdir(parents=True)
                self._created = True
            while True:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, _FILE_MODE)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(fd)
                    self._drop_folder()
                    raise StoreError(
                        f"{self.out}: another aimarket batch or sweep is writing there "
                        f"(it holds {LOCK}); nothing was changed. Wait for it to finish, "
                        f"or choose another folder"
                    ) from None
                try:
                    same = os.fstat(fd).st_ino == os.stat(path).st_ino
                except FileNotFoundError:
                    same = False
                if same:  # not a lock file its last holder removed meanwhile
                    self._fd = fd
                    return self
                os.close(fd)
        except OSError as exc:
            raise StoreError(
                f"{self.out}: cannot create the results folder ({_reason(exc)})"
            ) from None

    def _drop_folder(self) -> None:
        if self._created:
            try:
                self.out.rmdir()
            except OSError:
                pass

    def release(self) -> None:
        """Remove the lock file and unlock (an empty folder this lock created goes too)."""
        if self._fd is None:
            return
        (self.out / LOCK).unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = None
        self._drop_folder()

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None


@dataclass(frozen=True)
class FolderState:
    """What a results folder holds for a plan.

    ``status`` is 'new' (missing or empty), 'resume' (this plan's unfinished parts),
    'complete' (this plan's finished results), 'other' (another plan's results),
    'foreign' (files aimarket did not write), 'sweep' (a sweep's results: never replaced by
    a batch) or 'file' (not a folder); ``found`` says what makes it so.
    """

    path: Path
    status: str
    found: str = ""


def folder_kind(out: Path) -> str | None:
    """'sweep' or 'batch' if ``out`` holds (finished or unfinished) results of that kind,
    from its manifest or its plan; ``None`` otherwise. Neither may write into the other's."""
    out = Path(out)
    doc = _read_json(out / "manifest.json") if (out / "manifest.json").is_file() else None
    if isinstance(doc, dict):
        if doc.get("kind") == "sweep":
            return "sweep"
        if isinstance(doc.get("plan"), dict) and "engine" in doc["plan"]:
            return "batch"
    plan = _read_json(out / PARTS / "plan.json") if (out / PARTS / "plan.json").is_file() else None
    if isinstance(plan, dict):
        if "spec_hash" in plan:
            return "sweep"
        if "engine" in plan:
            return "batch"
    return None


def kind_refusal(out: Path, found: str, wanted: str) -> str:
    """The one-line message refusing to write ``wanted`` results over ``found`` ones."""
    command = {"sweep": "aimarket sweep", "batch": "aimarket run"}
    return (
        f"{out}: holds a {found}'s results ({command[found]}), not a {wanted}'s; nothing was "
        f"changed, and --force does not mix them. Choose another folder for the {wanted}"
    )


def _plan_difference(old: Any, plan: dict) -> str:
    if not isinstance(old, dict):
        return "a plan this version cannot read"
    keys = [k for k in plan if old.get(k) != plan[k]] + [k for k in old if k not in plan]
    return "differs in " + ", ".join(PLAN_LABELS.get(k, k) for k in keys)


def inspect_folder(out: Path, plan: dict, own: Sequence[str] = RESULT_FILES) -> FolderState:
    """Classify ``out`` for ``plan`` without changing anything (see :class:`FolderState`)."""
    out = Path(out)
    if not out.exists() and not out.is_symlink():
        return FolderState(out, "new")
    if not out.is_dir():
        return FolderState(out, "file", "a file, not a folder")
    if folder_kind(out) == "sweep":
        return FolderState(out, "sweep", "a sweep's results")
    try:
        names = sorted(os.listdir(out))
    except OSError as exc:
        raise StoreError(f"{out}: cannot read the folder ({exc.strerror or exc})") from None
    mine = set(own) | {PARTS}
    strangers = [n for n in names if n not in mine and not _ignored(n)]
    if strangers:
        shown = [n + ("/" if (out / n).is_dir() else "") for n in strangers[:4]]
        more = f" and {len(strangers) - 4} more" if len(strangers) > 4 else ""
        return FolderState(out, "foreign", ", ".join(shown) + more + " (not written by aimarket)")
    if not [n for n in names if not _ignored(n)]:
        return FolderState(out, "new")
    parts_plan = out / PARTS / "plan.json"
    if parts_plan.exists():
        old = _read_json(parts_plan)
        if old == plan:
            return FolderState(out, "resume")
        why = _plan_difference(old, plan)
        return FolderState(out, "other", f"an unfinished batch whose plan {why}")
    if (out / PARTS).exists():
        return FolderState(out, "foreign", f"{PARTS}/ without a plan")
    manifest = out / "manifest.json"
    if not manifest.exists():
        present = ", ".join(n for n in names if not _ignored(n))
        return FolderState(out, "foreign", f"{present} without a manifest.json")
    doc = _read_json(manifest)
    if not isinstance(doc, dict):
        return FolderState(out, "foreign", "a manifest.json aimarket cannot read")
    if doc.get("plan") == plan and all((out / n).exists() for n in own):
        return FolderState(out, "complete")
    scenario = doc.get("scenario") if isinstance(doc.get("scenario"), dict) else {}
    what = f"results of scenario '{scenario.get('name', '?')}', {doc.get('runs', '?')} runs"
    return FolderState(
        out, "other", f"{what}, whose plan {_plan_difference(doc.get('plan'), plan)}"
    )


def claim_folder(
    out: Path, plan: dict, force: bool = False, own: Sequence[str] = RESULT_FILES
) -> FolderState:
    """Make ``out`` this plan's folder, with ``out/.parts/plan.json`` recording the plan.

    A new folder is created, this plan's unfinished or finished results are kept (resume);
    another plan's results or files aimarket did not write raise :class:`StoreError` unless
    ``force``, which removes aimarket's own files there (other files stay) and starts afresh.
    """
    out = Path(out)
    state = inspect_folder(out, plan, own)
    if state.status == "complete" and "runs.parquet" in own:
        try:  # the runs table is read back for the summary: a damaged one is refused here
            pl.read_parquet(out / "runs.parquet")
        except (OSError, pl.exceptions.PolarsError) as exc:
            why = _first_line(exc)[:100]
            state = FolderState(
                out, "other", f"finished results whose runs.parquet is damaged ({why})"
            )
    if state.status in ("other", "foreign", "file", "sweep"):
        if not force or state.status in ("file", "sweep"):
            raise StoreError(refusal(state))
        try:
            for name in ("manifest.json", *own):  # the manifest first: no half-old folder
                (out / name).unlink(missing_ok=True)
            if (out / PARTS).is_dir():
                shutil.rmtree(out / PARTS)
        except OSError as exc:
            raise StoreError(f"{out}: cannot replace the old results ({_reason(exc)})") from None
        state = FolderState(out, "new")
    if state.status == "new":
        try:
            (out / PARTS).mkdir(parents=True, exist_ok=True)
            atomic_write_json(out / PARTS / "plan.json", plan)
        except OSError as exc:
            raise StoreError(f"{out}: cannot create the results folder ({_reason(exc)})") from None
    _remove_stale_temps(out)
    return state


def _remove_stale_temps(out: Path) -> None:
    """Temporary files a killed batch left (its final files grow in them for the whole
    batch): nothing reads them, and a resumed batch writes new ones."""
    for folder in (out, out / PARTS):
        if folder.is_dir():
            for p in folder.iterdir():
                if _is_temp(p.name) and p.is_file():
                    p.unlink(missing_ok=True)


def refusal(state: FolderState) -> str:
    """The one-line message refusing ``state``'s folder."""
    if state.status == "file":
        return f"{state.path}: expected a results folder, found a file; nothing was changed"
    if state.status == "sweep":
        return kind_refusal(state.path, "sweep", "batch")
    return (
        f"{state.path}: holds {state.found}; nothing was changed. Choose another folder, "
        f"or pass --force to replace aimarket's results there"
    )


def _reason(exc: OSError) -> str:
    if isinstance(exc, FileExistsError | NotADirectoryError):
        return "a file is in the way of the path"
    return exc.strerror or str(exc)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half."""
    tmp = temp_file_in(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_json(path: Path, obj: Any) -> None:
    atomic_write_bytes(path, (json_text(obj, indent=2, sort_keys=True) + "\n").encode())


class AtomicParquetWriter:
    """A parquet file written frame by frame (a row group each) into a temporary file in its
    folder, renamed into place by :meth:`commit`; :meth:`abort` (or an error) leaves nothing.

    Lets a batch assemble its final files as its chunks finish instead of rereading every
    part at the end. Frames must share one schema.
    """

    def __init__(self, path: Path, compression: str = "zstd") -> None:
        self.path = path
        self._compression = compression
        self._tmp: Path | None = None
        self._writer = None  # a pyarrow.parquet.ParquetWriter once a frame came

    def append(self, df: pl.DataFrame) -> None:
        """Add ``df``'s rows after those appended before."""
        import pyarrow as pa  # only for writing batches: every command imports this module
        import pyarrow.parquet as pq

        table = df.to_arrow()
        if self._writer is None:
            self._tmp = temp_file_in(self.path)
            # dictionaries for text only (numbers gain nothing and cost time), zstd at
            # polars' level, so the file is as polars would write it
            text = [f.name for f in table.schema if pa.types.is_large_string(f.type)]
            self._writer = pq.ParquetWriter(
                self._tmp,
                table.schema,
                compression=self._compression,
                compression_level=3 if self._compression == "zstd" else None,
                use_dictionary=text,
                write_statistics=False,
            )
        self._writer.write_table(table)

    def commit(self, empty: pl.DataFrame | None = None) -> None:
        """Close the file and rename it into place (``empty``'s schema if nothing came)."""
        if self._writer is None:
            atomic_write_parquet(self.path, empty if empty is not None else pl.DataFrame())
            return
        self._writer.close()
        self._writer = None
        os.replace(self._tmp, self.path)
        self._tmp = None

    def abort(self) -> None:
        """Drop what was written; never raises (it runs while another error is reported)."""
        writer, tmp = self._writer, self._tmp
        self._writer = self._tmp = None
        try:
            if writer is not None:
                writer.close()  # writes a footer: fails on a full disk, which is fine here
        except Exception:  # noqa: BLE001 - the file is dropped whatever went wrong
            pass
        finally:
            if tmp is not None:
                tmp.unlink(missing_ok=True)


def atomic_write_parquet(path: Path, df: pl.DataFrame, compression: str = "zstd") -> None:
    """Parquet written to a temporary file in the same folder, then renamed into place
    (``compression="lz4"`` for parts read back soon: faster to write and to read)."""
    tmp = temp_file_in(path)
    try:
        try:
            df.write_parquet(tmp, compression=compression, statistics=False)
        except pl.exceptions.PolarsError as exc:
            # polars reports a failed write (a full disk) as its own error, not an OSError
            raise OSError(f"{path.name}: {_first_line(exc)}") from exc
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


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
