"""Small statistics: Wilson score intervals and two-proportion tests."""

from __future__ import annotations

import math

__all__ = ["wilson_interval", "two_proportion_z"]


def wilson_interval(count: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """95% (by default) Wilson score interval for a binomial proportion ``count / n``."""
    if n <= 0:
        return (0.0, 1.0)
    p = count / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def two_proportion_z(c1: int, n1: int, c2: int, n2: int) -> tuple[float, float]:
    """Pooled two-proportion z statistic and its two-sided p-value."""
    if n1 == 0 or n2 == 0:
        return (0.0, 1.0)
    p = (c1 + c2) / (n1 + n2)
    se = math.sqrt(max(p * (1 - p) * (1 / n1 + 1 / n2), 1e-300))
    z = (c1 / n1 - c2 / n2) / se if se > 0 else 0.0
    return (z, math.erfc(abs(z) / math.sqrt(2)))
