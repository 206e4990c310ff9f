"""Geopolitical fragmentation: trust in foreign models and export controls on compute."""

import numpy as np

from ..params.spec import G
from ..vocab import Region
from .jit import kernel

__all__ = ["foreign_penalty", "origin_utility", "export_control_compute_loss"]


@kernel
def foreign_penalty(P: np.ndarray, home: int, region: int, export_shocks: int) -> float:
    """Utility lost when a user in ``region`` relies on a lab from ``home``.

    Chinese models lose trust in North America and Europe and US/EU models are barely
    available in China; the rest of the world is in between. Each export-control tightening
    deepens the split by a quarter.
    """
    if home == region:
        return 0.0
    base = P[G.FOREIGN_TRUST_PENALTY] * P[G.GEOPOLITICS_STRENGTH] * (1.0 + 0.25 * export_shocks)
    if home == Region.CN or region == Region.CN:
        if region == Region.ROW or home == Region.ROW:
            return 0.5 * base
        return base
    return 0.0


@kernel
def origin_utility(P: np.ndarray, home: int, region: int, export_shocks: int) -> float:
    """Utility of a lab's origin for users in ``region``: European users' sovereignty
    preference for European labs, minus the foreign-trust penalty."""
    bonus = P[G.EU_SOVEREIGNTY] if (home == Region.EU and region == Region.EU) else 0.0
    return bonus - foreign_penalty(P, home, region, export_shocks)


@kernel
def export_control_compute_loss(P: np.ndarray) -> float:
    """OOM of effective compute a Chinese lab loses at each export-control tightening."""
    return P[G.EXPORT_CONTROL_STEP] * P[G.GEOPOLITICS_STRENGTH]
