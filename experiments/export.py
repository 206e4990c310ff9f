"""``aimarket export FOLDER --csv OUT``: a finished batch's or sweep's tables as CSV files.

Each table streams from its Parquet file into ``OUT/<table>.csv`` (memory flat in the number
of rows), written atomically; an existing CSV is replaced only with ``--force``.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from .store import StoreError, folder_kind, temp_file_in

__all__ = ["ExportError", "TABLES", "export_csv"]

TABLES = {
    "batch": ("runs", "trajectories", "events"),
    "sweep": ("samples", "runs", "points"),
}


class ExportError(StoreError):
    """A folder that cannot be exported as asked (one line, nothing written)."""


def export_csv(folder: str | Path, out: str | Path, force: bool = False) -> list[Path]:
    """Write each table of the finished results folder ``folder`` to ``out`` as CSV; the
    files written, in order."""
    folder, out = Path(folder), Path(out)
    kind = folder_kind(folder) if folder.is_dir() else None
    if kind is None or not (folder / "manifest.json").is_file():
        raise ExportError(
            f"{folder}: expected a finished results folder of 'aimarket run --out' or "
            "'aimarket sweep', found none"
        )
    names = TABLES[kind]
    if kind == "sweep":  # the runs' tables a sweep kept (sweep.keep or --keep)
        names += tuple(n for n in ("trajectories", "events") if (folder / f"{n}.parquet").is_file())
    targets = [out / f"{name}.csv" for name in names]
    if out.exists() and not out.is_dir():
        raise ExportError(f"--csv {out}: expected a folder, found a file")
    present = [t.name for t in targets if t.exists()]
    if present and not force:
        raise ExportError(
            f"--csv {out}: holds {', '.join(present)}; nothing was written. Choose another "
            "folder, or pass --force to replace them"
        )
    for name, target in zip(names, targets, strict=True):
        source = folder / f"{name}.parquet"
        tmp = temp_file_in(target)
        try:
            pl.scan_parquet(source).sink_csv(tmp)
            os.replace(tmp, target)
        except pl.exceptions.PolarsError as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
            raise ExportError(f"{source}: cannot be exported ({reason})") from None
        finally:
            tmp.unlink(missing_ok=True)
    return targets
