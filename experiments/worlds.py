"""Worlds files: the calibrated ensemble a scenario's runs are drawn from.

``scenarios/<name>.worlds.parquet`` beside a scenario holds one row per world (``world``,
``weight``, ``implausibility`` and the value of every fitted key) and, in the Parquet
metadata under ``aimarket.worlds``, its provenance (targets, cutoff, waves, code version).
``aimarket calibrate --worlds`` writes it; ``aimarket run`` draws each run's world from it
(run ``k`` of seed ``s`` takes the world at a counter-based uniform of ``(s, k)`` in the
weights' cumulative sum, so a run's world does not depend on chunking, threads or how many
runs the batch has). A scenario that ``extends`` another uses its parent's worlds file;
whatever the scenario (or ``--set``) changes from the scenario the worlds were fitted to is
applied on top of every world. A backtest (``scenario.fit_until``) draws only from worlds
fitted with the same cut-off.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from sim.params.errors import ScenarioError
from sim.params.scenario import Scenario, load_scenario
from sim.rules.rng import run_seed

__all__ = [
    "Ensemble",
    "WorldsError",
    "worlds_path",
    "find_worlds",
    "write_worlds",
    "read_worlds",
    "load_ensemble",
    "assign_worlds",
]

SUFFIX = ".worlds.parquet"
META_KEY = b"aimarket.worlds"
_FIXED_COLUMNS = ("world", "weight", "implausibility")
# metadata formats read: 1, 2 (adds worlds_hash and each wave's NROY fields) and 3 (each wave's
# exact draw flag and the cap); a reader of the waves treats a field an older file lacks as
# not recorded
FORMATS = (1, 2, 3)
_WORLD_STREAM = 0x574F524C44  # 'WORLD': the stream of the draw of a run's world


class WorldsError(ScenarioError):
    """A malformed worlds file: the file, the key, what was expected, what was found."""


def worlds_path(scenario_path: str | Path) -> Path:
    """The worlds file that belongs beside a scenario file."""
    p = Path(scenario_path)
    return p.with_name(p.name.removesuffix(".toml") + SUFFIX)


def find_worlds(scenario: Scenario) -> Path | None:
    """The worlds file ``scenario`` draws from: its own, else its ``extends`` chain's."""
    path = Path(scenario.path)
    for _ in range(16):
        cand = worlds_path(path)
        if cand.is_file():
            return cand
        if not path.is_file():
            return None
        parent = load_scenario(path).values.get("scenario.extends", "")
        if not parent:
            return None
        path = path.parent / parent
    return None


@dataclass(frozen=True)
class Ensemble:
    """A worlds file read: per-world values of the fitted keys, weights and provenance."""

    path: Path
    digest: str
    keys: tuple[str, ...]
    values: np.ndarray  # (worlds, keys)
    weight: np.ndarray  # (worlds,) summing to 1
    implausibility: np.ndarray  # (worlds,)
    meta: dict[str, Any]

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    def scenarios(self, scenario: Scenario, fitted_to: Scenario | None = None) -> list[Scenario]:
        """``scenario`` once per world: the world's values, except where ``scenario`` differs
        from ``fitted_to`` (the scenario the worlds were fitted to), whose change applies on
        top of every world."""
        base = fitted_to.values if fitted_to is not None else {}
        keep = [k for k in self.keys if k in base and scenario.values[k] != base[k]]
        out = []
        for row in self.values:
            vals = {k: float(v) for k, v in zip(self.keys, row, strict=True) if k not in keep}
            out.append(scenario.with_values(**{k.replace(".", "__"): v for k, v in vals.items()}))
        return out

    def frame(self) -> pl.DataFrame:
        """The worlds as a table: world, weight, implausibility and the fitted keys."""
        cols: dict[str, Any] = {
            "world": np.arange(self.n),
            "weight": self.weight,
            "implausibility": self.implausibility,
        }
        cols.update({k: self.values[:, j] for j, k in enumerate(self.keys)})
        return pl.DataFrame(cols)


def assign_worlds(weight: np.ndarray, seed: int, runs: np.ndarray) -> np.ndarray:
    """Each run's world: a hashed uniform of (seed, run) placed in the weights' cumulative
    sum (independent of chunking and of the number of runs)."""
    cum = np.cumsum(np.asarray(weight, dtype=np.float64))
    cum /= cum[-1]
    u = np.array(
        [(run_seed(int(seed) ^ _WORLD_STREAM, int(r)) + 0.5) / 2.0**63 for r in runs],
        dtype=np.float64,
    )
    return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1).astype(np.int64)


def write_worlds(
    path: Path,
    keys: list[str],
    values: np.ndarray,
    implausibility: np.ndarray,
    meta: dict[str, Any],
    weight: np.ndarray | None = None,
) -> str:
    """Write a worlds file atomically (same inputs, same bytes); returns its digest."""
    from .store import atomic_write_bytes

    n = values.shape[0]
    weight = np.full(n, 1.0 / n) if weight is None else np.asarray(weight, dtype=np.float64)
    cols = {
        "world": pa.array(np.arange(n, dtype=np.int64)),
        "weight": pa.array(weight),
        "implausibility": pa.array(np.asarray(implausibility, dtype=np.float64)),
    }
    cols.update(
        {k: pa.array(np.asarray(values[:, j], dtype=np.float64)) for j, k in enumerate(keys)}
    )
    table = pa.table(cols)
    blob = json.dumps(meta, sort_keys=True, separators=(",", ":"), default=float)
    table = table.replace_schema_metadata({META_KEY: blob.encode()})
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd", write_statistics=False)
    data = buf.getvalue()
    atomic_write_bytes(path, data)
    return hashlib.sha256(data).hexdigest()


def read_worlds(path: str | Path) -> Ensemble:
    """Read and check a worlds file; a malformed one raises :class:`WorldsError`."""
    path = Path(path)
    name = str(path)
    try:
        data = path.read_bytes()
        table = pq.read_table(io.BytesIO(data))
    except OSError as exc:
        raise WorldsError(name, "", "a worlds file (Parquet)", f"unreadable ({exc})") from None
    except (pa.ArrowException, ValueError) as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0][:80]
        raise WorldsError(name, "", "a worlds file (Parquet)", f"not Parquet ({first})") from None
    raw = (table.schema.metadata or {}).get(META_KEY)
    try:
        meta = json.loads(raw) if raw is not None else None
    except ValueError:
        meta = None
    if not isinstance(meta, dict):
        raise WorldsError(name, "aimarket.worlds", "provenance metadata", "none")
    if meta.get("format", 1) not in FORMATS:
        raise WorldsError(
            name,
            "format",
            f"a worlds file of format {' or '.join(map(str, FORMATS))} (refit it with this "
            "aimarket: aimarket calibrate --worlds)",
            repr(meta.get("format")),
        )
    missing = [c for c in _FIXED_COLUMNS if c not in table.column_names]
    if missing:
        raise WorldsError(name, missing[0], "a column of every worlds file", "no such column")
    keys = tuple(c for c in table.column_names if c not in _FIXED_COLUMNS)
    if not keys or table.num_rows == 0:
        raise WorldsError(name, "", "at least one world and one parameter", "none")
    from sim.params.scenario import parameter

    for k in keys:
        if parameter(k) is None:
            raise WorldsError(name, k, "a column naming a scenario parameter", "an unknown key")
    try:
        values = np.column_stack([table[k].to_numpy().astype(np.float64) for k in keys])
        weight = table["weight"].to_numpy().astype(np.float64)
        impl = table["implausibility"].to_numpy().astype(np.float64)
    except (pa.ArrowException, TypeError, ValueError):
        raise WorldsError(name, "", "numeric columns without gaps", "another type") from None
    if not np.all(np.isfinite(values)):
        raise WorldsError(name, "", "finite parameter values", "NaN or infinity")
    if not np.all(np.isfinite(weight)) or np.any(weight < 0) or weight.sum() <= 0:
        raise WorldsError(name, "weight", "non-negative weights with a positive sum", "others")
    digest = hashlib.sha256(data).hexdigest()
    return Ensemble(path, digest, keys, values, weight / weight.sum(), impl, meta)


def load_ensemble(
    scenario: Scenario, path: str | Path | None = None
) -> tuple[Ensemble, list[Scenario]] | None:
    """The ensemble ``scenario`` draws from (``path``, else :func:`find_worlds`) and its
    per-world scenarios, or None without a worlds file. Values outside a parameter's
    admissible range raise :class:`WorldsError` naming the file."""
    where = Path(path) if path is not None else find_worlds(scenario)
    if where is None:
        return None
    ens = read_worlds(where)
    want = str(scenario.values.get("scenario.fit_until", ""))
    got = str(ens.meta.get("fit_until", ""))
    if want != got:  # a backtest never draws from worlds that saw later facts, nor vice versa
        raise WorldsError(
            str(where),
            "fit_until",
            f"worlds fitted to the facts dated up to {want or 'the latest'} ({scenario.path}); "
            f"run aimarket calibrate {scenario.path} --worlds",
            f"worlds fitted up to {got or 'the latest'}",
        )
    fitted_to = None
    source = ens.meta.get("scenario_path")
    if isinstance(source, str) and (where.parent / Path(source).name).is_file():
        fitted_to = load_scenario(where.parent / Path(source).name)
    try:
        worlds = ens.scenarios(scenario, fitted_to)
    except ScenarioError as exc:
        raise WorldsError(str(where), exc.key, exc.expected, exc.found) from None
    return ens, worlds
