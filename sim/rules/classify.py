"""The end-state classifier: every run ends in exactly one of the three end-states.

Indicators are averaged over the last ``classifier.window_months`` of the horizon:

1. ``gap_widens``        if the open-closed gap is at least ``gap_widens_months``;
2. ``open_deepening``    else if open weights carry at least ``open_share_min`` of enterprise
                         tokens, big-tech sponsors' models carry at most ``bigtech_share_max``
                         of open usage, and an independent open lab is still releasing openly;
3. ``bigtech_oligopoly`` otherwise: the gap is closed but open usage is thin or controlled by
                         a few sponsors.
"""

import numpy as np

from ..params.spec import G
from ..state import S
from .jit import kernel

__all__ = [
    "classify",
    "final_indicators",
    "OPEN_DEEPENING",
    "BIGTECH_OLIGOPOLY",
    "GAP_WIDENS",
    "N_INDICATORS",
    "INDICATOR_NAMES",
]

OPEN_DEEPENING = 0
BIGTECH_OLIGOPOLY = 1
GAP_WIDENS = 2

INDICATOR_NAMES = (
    "final_open_share",
    "final_gap_months",
    "final_bigtech_open_share",
    "final_independent_open",
    "final_frontier_price",
    "final_open_price",
    "final_price_at_start_frontier",
    "final_dev_open_share",
)
N_INDICATORS = len(INDICATOR_NAMES)


@kernel
def final_indicators(P: np.ndarray, traj: np.ndarray, months: int, out: np.ndarray) -> None:
    """Window averages of the deciding indicators (independent_open: last month's value)."""
    w = int(min(max(P[G.CLASS_WINDOW], 1.0), months))
    cols = (
        S.OPEN_SHARE,
        S.GAP_MONTHS,
        S.BIGTECH_OPEN_SHARE,
        S.INDEPENDENT_OPEN,
        S.FRONTIER_PRICE,
        S.OPEN_PRICE,
        S.PRICE_AT_START_FRONTIER,
        S.DEV_OPEN_SHARE,
    )
    for j in range(len(cols)):
        acc = 0.0
        for m in range(months - w, months):
            acc += traj[m, cols[j]]
        out[j] = acc / w
    out[3] = traj[months - 1, S.INDEPENDENT_OPEN]


@kernel
def classify(P: np.ndarray, ind: np.ndarray) -> int:
    """End-state index from final indicators (see module docstring)."""
    if ind[1] >= P[G.CLASS_GAP_WIDENS]:
        return GAP_WIDENS
    if ind[0] >= P[G.CLASS_OPEN_SHARE] and ind[2] <= P[G.CLASS_BIGTECH_SHARE] and ind[3] >= 1.0:
        return OPEN_DEEPENING
    return BIGTECH_OLIGOPOLY
