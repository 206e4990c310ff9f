"""The machine a benchmark ran on: CPU, cores, memory, load and library versions."""

from __future__ import annotations

import math
import os
import platform
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

__all__ = [
    "best_seconds",
    "busy_cpu_seconds",
    "describe",
    "load_average",
    "own_cpu_seconds",
    "probe_text",
    "speed_probe",
    "speed_spread",
    "probe_times",
]


def load_average() -> float:
    """The 1-minute load average (how busy the shared machine is)."""
    return os.getloadavg()[0]


def _probe_compute(n: int) -> float:
    """A fixed single-core workload: exponentials, logarithms and a dependent sum."""
    acc = 0.0
    for i in range(n):
        acc += math.exp(-(i % 97) * 0.01) * math.log1p(acc % 3.0 + i % 5)
    return acc


def _probe_memory(nxt, steps: int) -> int:
    """A fixed memory-bound workload: a chain of dependent reads through a random cycle."""
    i = 0
    for _ in range(steps):
        i = nxt[i]
    return i


_PROBE_N = 400_000
_PROBE_TABLE = 1 << 22  # 4M int64: 32 MiB, the size of this machine's last-level cache
_PROBE_STEPS = 200_000
_probe = {}


def best_seconds(fn: Callable[[], object], min_total: float = 0.5, repeats: int = 3) -> float:
    """Best of ``repeats`` timings of ``fn()``, each repeated until it lasts ``min_total`` s."""
    best = float("inf")
    for _ in range(repeats):
        n, t0 = 0, time.perf_counter()
        while True:
            fn()
            n += 1
            dt = time.perf_counter() - t0
            if dt >= min_total:
                break
        best = min(best, dt / n)
    return best


def speed_probe() -> dict[str, float]:
    """Seconds two fixed workloads take on one core, best of three: ``compute``
    (exponentials) and ``memory`` (dependent reads through a table as large as the cache).

    A virtual machine's host can slow either down without any process inside it showing
    as busy (a busy neighbour takes the core, or the shared cache and memory); the probe,
    timed between the harness's stages, shows when the machine's speed moved during a run.
    """
    if not _probe:
        import numpy as np
        from numba import njit

        perm = np.random.default_rng(0).permutation(_PROBE_TABLE)
        nxt = np.empty(_PROBE_TABLE, dtype=np.int64)
        nxt[perm] = np.roll(perm, -1)  # one cycle through every slot
        _probe.update(
            compute=njit(cache=True)(_probe_compute),
            memory=njit(cache=True)(_probe_memory),
            table=nxt,
        )
        _probe["compute"](10)
        _probe["memory"](nxt, 10)
    return {
        "compute": best_seconds(lambda: _probe["compute"](_PROBE_N), min_total=0.0),
        "memory": best_seconds(
            lambda: _probe["memory"](_probe["table"], _PROBE_STEPS), min_total=0.0
        ),
    }


def probe_times(probes: dict[str, dict[str, float]], part: str) -> list[float]:
    """The times of one workload (``compute`` or ``memory``) over the probes taken."""
    return [p[part] for p in probes.values() if part in p]


def speed_spread(probes: dict[str, dict[str, float]]) -> float:
    """How much slower the slowest probe was than the fastest, on the workload that moved
    most (0.1: 10% slower)."""
    spread = 0.0
    for part in ("compute", "memory"):
        times = probe_times(probes, part)
        if times:
            spread = max(spread, max(times) / min(times) - 1.0)
    return spread


def probe_text(probes: dict[str, dict[str, float]]) -> str:
    """``stage compute/memory ms, ...`` for reports."""
    return ", ".join(
        f"{k} {v['compute'] * 1e3:.0f}/{v['memory'] * 1e3:.0f} ms" for k, v in probes.items()
    )


def busy_cpu_seconds() -> float:
    """CPU seconds every process on the machine has used since boot (all cores; NaN where
    /proc/stat is missing)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return float("nan")
    # user nice system idle iowait irq softirq steal ...: busy is all but idle and iowait
    ticks = [int(v) for v in fields[:8]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU seconds used by this process and the children it has waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return float("nan")


def describe() -> dict[str, str]:
    """Name -> value for the machine and the versions that matter to speed."""
    return {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "memory": f"{_memory_gib():.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        **{lib: version(lib) for lib in ("numba", "numpy", "polars", "mesa")},
    }
