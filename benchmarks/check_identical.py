"""Fingerprint of 24 baseline runs, and single-thread ms per run: a speed-up must leave the
fingerprint unchanged. Usage: uv run python benchmarks/check_identical.py"""

from __future__ import annotations

import hashlib
import time

import numba

from sim.engine.batch import simulate
from sim.params.scenario import load_scenario


def fingerprint(runs: int = 24) -> str:
    b = simulate(load_scenario("scenarios/baseline.toml"), range(runs))
    h = hashlib.sha256()
    h.update(b.trajectories.tobytes())
    for r in range(runs):
        h.update(b.logs[r, : b.log_n[r]].tobytes())
    h.update(b.end_states.tobytes())
    h.update(b.indicators.tobytes())
    return h.hexdigest()


def ms_per_run(runs: int = 20, repeats: int = 3) -> float:
    numba.set_num_threads(1)
    sc = load_scenario("scenarios/baseline.toml")
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        simulate(sc, range(runs))
        best = min(best, time.perf_counter() - t0)
    return best / runs * 1000


if __name__ == "__main__":
    print("fingerprint", fingerprint())
    print(f"single thread: {ms_per_run():.2f} ms per run")
