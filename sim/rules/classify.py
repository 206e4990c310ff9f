"""The end-state classifier: every run ends in exactly one of the three end-states.

An end state is a condition that persists: each is tested month by month over the last
``classifier.window_months`` of the classified horizon and holds when it holds in at least
``classifier.persistence`` of those months.

1. ``gap_widens``        if the best open model trails the closed frontier by at least
                         ``gap_widens_months`` persistently, or the last year's mean gap is at
                         least that and the gap rose over the window (widening again);
2. ``open_deepening``    else if, persistently, open weights are the default for new
                         deployments (``new_open_share >= new_open_min``), self-hosting carries
                         a material share of enterprise tokens (``selfhost_share >=
                         selfhost_min``), open usage is spread over families (``open_hhi <=
                         open_hhi_max``) and an independent lab still releases open weights;
3. ``bigtech_oligopoly`` otherwise: the gap is closed but open weights are not the enterprise
                         default, or open usage is concentrated on a few sponsors' families.

:func:`classify` takes the month that ends the classified window, so the same trajectory can
be classified as of earlier years (``experiments.sensitivity``).
"""

import numpy as np

from ..params.spec import G
from ..state import S
from ..vocab import End, enum_of
from .jit import kernel

__all__ = [
    "classify",
    "window_conditions",
    "CONDITIONS",
    "N_CONDITIONS",
    "final_indicators",
    "gap_trend",
    "N_INDICATORS",
    "INDICATOR_SERIES",
    "INDICATOR_NAMES",
    "IND",
]

# each final indicator is the window average of one trajectory series (independent_open: the
# last month's value); its name is the series' prefixed with final_; gap_trend is the gap's
# least-squares slope over the window, months per year
INDICATOR_SERIES = (
    S.OPEN_SHARE,
    S.GAP_MONTHS,
    S.BIGTECH_OPEN_SHARE,
    S.INDEPENDENT_OPEN,
    S.FRONTIER_PRICE,
    S.OPEN_PRICE,
    S.PRICE_AT_START_FRONTIER,
    S.DEV_OPEN_SHARE,
    S.NEW_OPEN_SHARE,
    S.SELFHOST_SHARE,
    S.OPEN_HHI,
    S.PLATFORM_OPEN_SHARE,
)
_NAMES = (*(s.name.lower() for s in INDICATOR_SERIES), "gap_trend")
INDICATOR_NAMES = tuple(f"final_{n}" for n in _NAMES)
IND = enum_of("IND", _NAMES, "Final indicator columns.")
N_INDICATORS = len(INDICATOR_NAMES)
_COLS = np.array([int(s) for s in INDICATOR_SERIES], dtype=np.int64)


@kernel
def _window(P: np.ndarray, end: int) -> int:
    return int(min(max(P[G.CLASS_WINDOW], 1.0), end))


@kernel
def gap_trend(traj: np.ndarray, start: int, end: int) -> float:
    """Least-squares slope of the gap over months [start, end), months per year."""
    n = end - start
    if n < 2:
        return 0.0
    mx = 0.5 * (start + end - 1)
    my = 0.0
    for m in range(start, end):
        my += traj[m, S.GAP_MONTHS]
    my /= n
    sxy = 0.0
    sxx = 0.0
    for m in range(start, end):
        sxy += (m - mx) * (traj[m, S.GAP_MONTHS] - my)
        sxx += (m - mx) * (m - mx)
    return 12.0 * sxy / sxx


@kernel
def final_indicators(P: np.ndarray, traj: np.ndarray, end: int, out: np.ndarray) -> None:
    """Window averages of the deciding indicators over the months before ``end``
    (independent_open: the last month's value; gap_trend: the slope)."""
    w = _window(P, end)
    for j in range(_COLS.shape[0]):
        acc = 0.0
        for m in range(end - w, end):
            acc += traj[m, _COLS[j]]
        out[j] = acc / w
    out[IND.INDEPENDENT_OPEN] = traj[end - 1, S.INDEPENDENT_OPEN]
    out[IND.GAP_TREND] = gap_trend(traj, end - w, end)


# the conditions tested month by month over the window (columns of window_conditions' output)
CONDITIONS = ("gap_wide", "open_default", "selfhost_material", "open_spread", "independent")
N_CONDITIONS = len(CONDITIONS) + 1  # and open deepening's four together


@kernel
def window_conditions(P: np.ndarray, traj: np.ndarray, end: int, out: np.ndarray) -> None:
    """Share of the window's months in which each condition of :data:`CONDITIONS` holds,
    then the share in which open deepening's four hold together."""
    w = _window(P, end)
    out[:] = 0.0
    for m in range(end - w, end):
        row = traj[m]
        c1 = row[S.NEW_OPEN_SHARE] >= P[G.CLASS_NEW_OPEN]
        c2 = row[S.SELFHOST_SHARE] >= P[G.CLASS_SELFHOST]
        c3 = row[S.OPEN_HHI] <= P[G.CLASS_HHI]
        c4 = row[S.INDEPENDENT_OPEN] >= 1.0
        out[0] += row[S.GAP_MONTHS] >= P[G.CLASS_GAP_WIDENS]
        out[1] += c1
        out[2] += c2
        out[3] += c3
        out[4] += c4
        out[5] += c1 and c2 and c3 and c4
    out /= w


@kernel
def classify(P: np.ndarray, traj: np.ndarray, end: int) -> int:
    """End-state index of a trajectory classified on the window ending before month ``end``
    (see the module docstring)."""
    w = _window(P, end)
    held = np.empty(N_CONDITIONS)
    window_conditions(P, traj, end, held)
    need = P[G.CLASS_PERSISTENCE]
    last = min(12, w)
    recent = 0.0
    for m in range(end - last, end):
        recent += traj[m, S.GAP_MONTHS]
    recent /= last
    if held[0] >= need or (recent >= P[G.CLASS_GAP_WIDENS] and gap_trend(traj, end - w, end) > 0.0):
        return End.GAP_WIDENS
    if held[N_CONDITIONS - 1] >= need:
        return End.OPEN_DEEPENING
    return End.BIGTECH_OLIGOPOLY
