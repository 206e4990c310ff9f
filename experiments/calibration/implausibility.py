"""Implausibility: how far a world's simulated (or emulated) targets miss the facts, in
standard deviations of everything the miss may owe to chance and to the model's known gaps
(Vernon, Goldstein & Bower 2010).

    I_t(x) = |miss(mean_t(x))| / sqrt(obs_t^2 + discrepancy_t^2 + var_t(x) / runs)

One-sided targets count only the violating side; a world's deciding implausibility is its
``rank``-th largest over the targets (:func:`ranked`). Written once here for the simulated
worlds (:mod:`.history`) and the emulators' candidates (:mod:`.emulators`).
"""

from __future__ import annotations

import numpy as np

from .targets import TARGETS
from .uncertainty import uncertainty_of

__all__ = ["implausibility", "target_implausibility", "ranked", "active_targets"]


def active_targets(until: str = "") -> np.ndarray:
    """Which targets a calibration fits: those dated up to ``until`` (YYYY-MM; "": all)."""
    return np.array([not until or uncertainty_of(t).dated <= until for t in TARGETS])


def target_implausibility(j: int, mean: np.ndarray, var: np.ndarray, runs: int) -> np.ndarray:
    """Target ``j``'s implausibility at points whose mean is ``mean`` and whose variance of
    one run (or of the emulator, ``runs`` 1) is ``var`` (both 1-D); a non-finite mean: inf."""
    t = TARGETS[j]
    u = uncertainty_of(t)
    d = mean - t.value
    if t.bound > 0:
        d = np.minimum(d, 0.0)
    elif t.bound < 0:
        d = np.maximum(d, 0.0)
    sd = np.sqrt(u.obs**2 + u.discrepancy**2 + np.maximum(var, 0.0) / max(runs, 1))
    return np.where(np.isfinite(d), np.abs(d) / sd, np.inf)


def implausibility(
    mean: np.ndarray, var: np.ndarray, runs: int, active: np.ndarray | None = None
) -> np.ndarray:
    """Per-world, per-target implausibility (``mean`` and ``var`` are (worlds, targets));
    targets not ``active`` (a backtest's later facts) count 0."""
    out = np.zeros_like(mean)
    for j in range(len(TARGETS)):
        if active is None or active[j]:
            out[:, j] = target_implausibility(j, mean[:, j], var[:, j], runs)
    return out


def ranked(imp: np.ndarray, rank: int) -> np.ndarray:
    """Each row's ``rank``-th largest value (its deciding implausibility)."""
    return -np.sort(-imp, axis=1)[:, min(rank, imp.shape[1]) - 1]
