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
from ..vocab import End, enum_of
from .jit import kernel

__all__ = [
    "classify",
    "final_indicators",
    "N_INDICATORS",
    "INDICATOR_SERIES",
    "INDICATOR_NAMES",
    "IND",
]

# each final indicator is the window average of one trajectory series (independent_open: the
# last month's value); its name is the series' prefixed with final_
INDICATOR_SERIES = (
    S.OPEN_SHARE,
    S.GAP_MONTHS,
    S.BIGTECH_OPEN_SHARE,
    S.INDEPENDENT_OPEN,
    S.FRONTIER_PRICE,
    S.OPEN_PRICE,
    S.PRICE_AT_START_FRONTIER,
    S.DEV_OPEN_SHARE,
)
INDICATOR_NAMES = tuple(f"final_{s.name.lower()}" for s in INDICATOR_SERIES)
IND = enum_of("IND", tuple(s.name.lower() for s in INDICATOR_SERIES), "Final indicator columns.")
N_INDICATORS = len(INDICATOR_NAMES)
_COLS = np.array([int(s) for s in INDICATOR_SERIES], dtype=np.int64)


@kernel
def final_indicators(P: np.ndarray, traj: np.ndarray, months: int, out: np.ndarray) -> None:
    """Window averages of the deciding indicators (independent_open: last month's value)."""
    w = int(min(max(P[G.CLASS_WINDOW], 1.0), months))
    for j in range(_COLS.shape[0]):
        acc = 0.0
        for m in range(months - w, months):
            acc += traj[m, _COLS[j]]
        out[j] = acc / w
    out[IND.INDEPENDENT_OPEN] = traj[months - 1, S.INDEPENDENT_OPEN]


@kernel
def classify(P: np.ndarray, ind: np.ndarray) -> int:
    """End-state index from final indicators (see module docstring)."""
    if ind[IND.GAP_MONTHS] >= P[G.CLASS_GAP_WIDENS]:
        return End.GAP_WIDENS
    if (
        ind[IND.OPEN_SHARE] >= P[G.CLASS_OPEN_SHARE]
        and ind[IND.BIGTECH_OPEN_SHARE] <= P[G.CLASS_BIGTECH_SHARE]
        and ind[IND.INDEPENDENT_OPEN] >= 1.0
    ):
        return End.OPEN_DEEPENING
    return End.BIGTECH_OLIGOPOLY
