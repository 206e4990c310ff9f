"""The fast engine's compiled kernels: whether they are cached, and compiling them up front.

Numba compiles the event loop on its first call (about half a minute to a minute, cached on
disk afterwards). Compiling it on an empty batch before the first chunk lets the command line
say so and time it, instead of sitting at 0% of a progress bar.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from sim.engine.batch import simulate
from sim.params.scenario import Scenario

__all__ = ["kernels_cached", "prepare_kernels", "REFERENCE_NOTE"]

REFERENCE_NOTE = (
    "compiling the rulebook for the reference engine (first run after installing or changing "
    "sim/, about half a minute before the first run finishes)"
)


def kernels_cached(engine: str = "fast") -> bool:
    """Whether the engine's compiled entry point (the fast engine's event loop, the reference
    engine's release handler) is in numba's on-disk cache."""
    if engine == "reference":
        from sim.rules.lifecycle import on_release as kernel
    else:
        from sim.engine.fast import run_batch as kernel
    try:
        return Path(kernel._cache._cache_file._index_path).exists()
    except AttributeError:  # another numba layout: assume cached rather than claim a compile
        return True


def prepare_kernels(scenario: Scenario, notify: Callable[[str], None] | None = None) -> float:
    """Compile (or load) the fast engine's kernels on an empty batch; returns the seconds.

    With ``notify``, a compile is announced and its duration reported."""
    compiling = not kernels_cached()
    if compiling and notify:
        notify("compiling kernels (first run after installing or changing sim/, about a minute)")
    t0 = time.perf_counter()
    simulate(scenario, range(0))
    seconds = time.perf_counter() - t0
    if compiling and notify:
        notify(f"kernels compiled in {seconds:.0f} s (cached for later runs)")
    return seconds
