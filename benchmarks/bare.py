"""The bare logit microkernel: the fastest a decision can be on this machine.

A decision here is the least an agent's choice can cost: four utilities (each moved by the
month, so nothing is hoisted out of the loop), their softmax and one draw from the project's
counter-based generator (:func:`sim.rules.rng.uniform`, a stream per agent, the month as
counter). The engine's decisions per second against this rate say how far the engine is from
the machine's limit for deciding at all; against the project's own choice rules
(:mod:`benchmarks.roofline`) they say how much of a run is spent outside deciding.
"""

from __future__ import annotations

import time

import numba
import numpy as np
from numba import njit, prange

from sim.rules.rng import uniform

__all__ = ["bare_rate", "logit_draws"]

OPTIONS = 4  # a 4-way choice, as the enterprise's nest of deployment options
AGENTS = 1 << 14  # agents whose utilities are read: cache-resident, as a run's agents are


@njit(cache=True, parallel=True, error_model="numpy")
def logit_draws(util: np.ndarray, seed: np.int64, months: np.int64) -> np.int64:
    """Each agent (row of ``util``, four utilities) chooses one of four options once a month
    for ``months`` months by a logit draw; returns the sum of the choices (so that the
    compiler keeps every draw)."""
    total = 0
    for i in prange(util.shape[0]):
        acc = 0
        for t in range(months):
            drift = 1e-3 * t
            u0 = util[i, 0]
            u1 = util[i, 1] + drift
            u2 = util[i, 2] + 2.0 * drift
            u3 = util[i, 3] + 3.0 * drift
            top = max(max(u0, u1), max(u2, u3))
            e0 = np.exp(u0 - top)
            e1 = np.exp(u1 - top)
            e2 = np.exp(u2 - top)
            e3 = np.exp(u3 - top)
            x = uniform(seed, i, t) * (e0 + e1 + e2 + e3)
            acc += (x > e0) + (x > e0 + e1) + (x > e0 + e1 + e2)
        total += acc
    return total


def bare_rate(threads: int = 1, seconds: float = 1.0) -> float:
    """Decisions per second of :func:`logit_draws` on ``threads`` threads, timed for about
    ``seconds`` (best of three)."""
    util = np.random.default_rng(0).normal(0.0, 1.0, (AGENTS, OPTIONS))
    before = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        logit_draws(util, np.int64(1), 1)  # compile or load
        months = 8
        while True:
            t0 = time.perf_counter()
            logit_draws(util, np.int64(1), months)
            dt = time.perf_counter() - t0
            if dt >= seconds / 3 or months >= 1 << 20:
                break
            months *= max(2, int(seconds / 3 / max(dt, 1e-4)))
        best = dt
        for _ in range(2):
            t0 = time.perf_counter()
            logit_draws(util, np.int64(1), months)
            best = min(best, time.perf_counter() - t0)
    finally:
        numba.set_num_threads(before)
    return AGENTS * months / best
