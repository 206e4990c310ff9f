"""Up-front bounds on a batch: refuse a run count whose results cannot fit, with the reason.

A batch keeps its runs table in memory (for the summary) and, with a results folder, writes
trajectories and events to disk twice over: chunk parts (to resume from) and final files. Both grow
with the number of runs; an absurd count is refused before anything starts.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sim.params.scenario import Scenario
from sim.rules.classify import N_CONDITIONS, N_INDICATORS
from sim.state import DEV_DTYPE, ENT_DTYPE, S

from .sensitivity import THRESHOLD_VARIANTS

__all__ = [
    "CapacityError",
    "check_capacity",
    "check_disk",
    "memory_available",
    "disk_bytes_per_run",
    "population_bytes",
]

# measured: the baseline (108 months) writes about 49 kB per run (runs, trajectories and
# events, lz4 parquet), i.e. 455 bytes per run-month, and its chunk parts (lz4) about 48 kB,
# 445 bytes per run-month; an underestimate only lets a batch start
_DISK_BYTES_PER_RUN_MONTH = 460
_PART_BYTES_PER_RUN_MONTH = 450
# the runs table: run, seed, end state, dropped events, the indicators, the classifier's
# conditions and variants, 8 bytes each, held about three times over while summarizing
_MEMORY_BYTES_PER_RUN = (4 + N_INDICATORS + N_CONDITIONS + len(THRESHOLD_VARIANTS) + 2) * 8 * 3


class CapacityError(ValueError):
    """The batch cannot fit in this machine's memory or the results folder's disk."""


def memory_available() -> int:
    """Bytes of memory available to new allocations (MemAvailable on Linux)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return 1 << 62


def disk_bytes_per_run(scenario: Scenario) -> int:
    """Approximate bytes a run takes in a results folder (parts plus assembled files)."""
    return (_DISK_BYTES_PER_RUN_MONTH + _PART_BYTES_PER_RUN_MONTH) * scenario.months


def _size(n: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB", "TB", "PB", "EB"):
        if n < 1000 or unit == "EB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    raise AssertionError


def _free_disk(out: Path) -> int | None:
    probe = Path(out).absolute()
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        usage = shutil.disk_usage(probe)
    except OSError:
        return None
    return usage.free if usage.total else None  # /proc and the like: no disk to measure


def population_bytes(scenario: Scenario) -> int:
    """Bytes one run's enterprises and developers take while it simulates (the fast engine
    holds one run per thread at once; the chunk's trajectories are counted too)."""
    return scenario.n_enterprises * ENT_DTYPE.itemsize + scenario.n_developers * DEV_DTYPE.itemsize


def check_capacity(scenario: Scenario, out: Path | None, chunk: int = 250) -> None:
    """Raise :class:`CapacityError` naming the count, the need and what is available, if
    ``scenario.runs`` runs cannot fit in memory (their runs table, a ``chunk`` of runs'
    trajectories, the populations of a run per thread) or on the disk of ``out``."""
    import numba

    n = scenario.runs
    what = f"{scenario.path}: runs (run.runs or --runs)"
    have = memory_available()
    per_run = _MEMORY_BYTES_PER_RUN + min(chunk, n) / n * (scenario.months + 1) * int(S.N) * 8
    need = int(n * per_run)
    if need > have:
        raise CapacityError(
            f"{what}: expected at most {int(have // per_run):,} on this machine, "
            f"found {n:,}: their runs table and trajectories would need about {_size(need)} "
            f"of memory, {_size(have)} are available"
        )
    at_once = max(1, min(numba.get_num_threads(), n))
    need += 2 * at_once * population_bytes(scenario)
    if need > have:
        raise CapacityError(
            f"{scenario.path}: run.enterprises and run.developers: expected populations "
            f"that fit in memory, found {scenario.n_enterprises:,} enterprises and "
            f"{scenario.n_developers:,} developers: {at_once} runs at once would need about "
            f"{_size(need)}, {_size(have)} are available"
        )
    if out is None:
        return
    need = n * disk_bytes_per_run(scenario)
    free = _free_disk(out)
    if free is not None and need > free:
        per = disk_bytes_per_run(scenario)
        raise CapacityError(
            f"{what}: expected at most {free // per:,} with --out {out}, found {n:,}: the "
            f"results would need about {_size(need)} on its disk, {_size(free)} are free"
        )


def check_disk(scenario: Scenario, n_runs: int, out: Path, what: str) -> None:
    """Raise :class:`CapacityError` if ``n_runs`` runs of ``scenario``'s length, at a batch's
    bytes per run (parts plus assembled files), cannot fit on the disk of ``out``."""
    per = disk_bytes_per_run(scenario)
    need, free = n_runs * per, _free_disk(out)
    if free is not None and need > free:
        raise CapacityError(
            f"{what}: expected at most {free // per:,} runs kept with --out {out}, found "
            f"{n_runs:,}: they would need about {_size(need)} on its disk, {_size(free)} are free"
        )
