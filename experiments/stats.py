"""Small statistics: Wilson score intervals and paired differences of common-random-number runs."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

__all__ = ["wilson_interval", "PairedDifference", "paired_difference"]

Z95 = 1.959963984540054


def wilson_interval(count: int, n: int, z: float = Z95) -> tuple[float, float]:
    """95% (by default) Wilson score interval for a binomial proportion ``count / n``."""
    if n <= 0:
        return (0.0, 1.0)
    p = count / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # at a share of 0 (or 1) the bound is exactly 0 (or 1), not a rounding residue above it
    low = 0.0 if count <= 0 else max(0.0, centre - half)
    high = 1.0 if count >= n else min(1.0, centre + half)
    return (low, high)


class PairedDifference(NamedTuple):
    """Mean of per-run differences, its standard error, 95% interval and two-sided p-value."""

    mean: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    n: int


def paired_difference(a: np.ndarray, b: np.ndarray, z: float = Z95) -> PairedDifference:
    """Paired difference ``a - b`` of per-run values of two scenarios run with the same seeds
    (common random numbers): run k of each shares its random streams, so the per-run
    differences cancel the draws' noise and the normal approximation on their mean applies.
    A zero standard error gives p = 1 for a zero mean and 0 otherwise."""
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    n = len(d)
    mean = float(d.mean()) if n else 0.0
    se = float(d.std(ddof=1) / math.sqrt(n)) if n > 1 else 0.0
    if se == 0.0:
        p = 1.0 if mean == 0.0 else 0.0
    else:
        p = math.erfc(abs(mean) / se / math.sqrt(2.0))
    return PairedDifference(mean, se, mean - z * se, mean + z * se, p, n)
