"""A finished sweep's folder as its analyses read and write it: the manifest and points,
and tables (Parquet and CSV) and PNG plots written atomically beside them."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from ..store import atomic_write_bytes, atomic_write_parquet
from .store import SweepStoreError, read_manifest

__all__ = ["AnalysisError", "load", "write_table", "write_png"]


class AnalysisError(ValueError):
    """A sweep folder that cannot be analysed this way (clear message)."""


def load(folder: Path) -> tuple[dict, pl.DataFrame, list[str]]:
    """The manifest, the points table and the swept parameters' keys."""
    try:
        manifest = read_manifest(folder)
    except SweepStoreError as exc:
        raise AnalysisError(str(exc)) from None
    points = pl.read_parquet(Path(folder) / "points.parquet")
    keys = list(manifest["problem"]["names"])
    return manifest, points, keys


def write_table(folder: Path, stem: str, df: pl.DataFrame) -> list[str]:
    """``stem``.parquet and ``stem``.csv; their names."""
    atomic_write_parquet(folder / f"{stem}.parquet", df)
    buf = io.BytesIO()
    df.write_csv(buf)
    atomic_write_bytes(folder / f"{stem}.csv", buf.getvalue())
    return [f"{stem}.parquet", f"{stem}.csv"]


def write_png(folder: Path, name: str, fig) -> str:
    """A matplotlib figure as a PNG (closed after); its name."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    atomic_write_bytes(folder / name, buf.getvalue())
    return name
