"""The machine a benchmark ran on: CPU, cores, memory, load and library versions."""

from __future__ import annotations

import math
import os
import platform
import time
from importlib.metadata import version
from pathlib import Path

__all__ = [
    "busy_cpu_seconds",
    "describe",
    "load_average",
    "own_cpu_seconds",
    "speed_probe",
    "speed_spread",
]


def load_average() -> float:
    """The 1-minute load average (how busy the shared machine is)."""
    return os.getloadavg()[0]


def _probe_work(n: int) -> float:
    """A fixed single-core workload: exponentials, logarithms and a dependent sum."""
    acc = 0.0
    for i in range(n):
        acc += math.exp(-(i % 97) * 0.01) * math.log1p(acc % 3.0 + i % 5)
    return acc


_PROBE_N = 400_000


def speed_probe() -> float:
    """Seconds the fixed workload takes on one core (best of three; compiled once).

    A virtual machine's host can slow it down without any process inside it showing as
    busy; the probe, timed between the harness's stages, shows when the machine's speed
    moved during a run, so that figures from different stages are compared knowingly.
    """
    from numba import njit

    global _probe_kernel
    if _probe_kernel is None:
        _probe_kernel = njit(cache=True)(_probe_work)
        _probe_kernel(10)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        _probe_kernel(_PROBE_N)
        best = min(best, time.perf_counter() - t0)
    return best


_probe_kernel = None


def speed_spread(probes: dict[str, float]) -> float:
    """How much slower the slowest probe was than the fastest (0.1: 10% slower)."""
    if not probes:
        return 0.0
    return max(probes.values()) / min(probes.values()) - 1.0


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
