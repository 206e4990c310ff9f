"""Prices: closed vendors' markup response (driver 2) and clouds' managed-model markup."""

import numpy as np

from ..params.spec import G
from .jit import kernel

__all__ = ["target_markup", "adjust_markup", "cloud_markup"]


@kernel
def target_markup(P: np.ndarray, own_cost: float, open_price: float, lead_months: float) -> float:
    """The markup a closed vendor aims for.

    Unchallenged it charges ``markup_max``. Market pressure (driver 2) caps its price at the
    open alternative's price times a premium for each month its model leads the best open one;
    the strength blends the two in log space.
    """
    lo, hi = np.log(P[G.MARKUP_MIN]), np.log(P[G.MARKUP_MAX])
    ceiling = np.log(max(open_price, 1e-12) / max(own_cost, 1e-12))
    ceiling += P[G.PRESSURE_PREMIUM_PER_MONTH] * max(lead_months, 0.0)
    target = hi - P[G.PRESSURE_STRENGTH] * max(0.0, hi - ceiling)
    return np.exp(min(hi, max(lo, target)))


@kernel
def adjust_markup(P: np.ndarray, current: float, target: float) -> float:
    """Move toward the target: cuts at ``markup_adjust`` per review, raises four times slower."""
    rate = P[G.MARKUP_ADJUST]
    if target > current:
        rate *= 0.25
    return current + rate * (target - current)


@kernel
def cloud_markup(P: np.ndarray, push: float, onprem_share: float) -> float:
    """A cloud's managed open-model markup.

    Clouds gain from open adoption (GPU demand) but lose when enterprises take open weights
    on-premises, so they price down as the on-premises share of self-hosting grows, and
    further when they push managed open models.
    """
    span = P[G.CLOUD_MARKUP_BASE] - P[G.CLOUD_MARKUP_MIN]
    return P[G.CLOUD_MARKUP_MIN] + span * (1.0 - onprem_share) * np.exp(-max(push, 0.0))
