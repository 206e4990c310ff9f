"""The end-state classifier: each end state has its own definition; a run ends in exactly one.

An end state is a condition that persists. Each definition is a set of conditions on the
trajectory over the last ``classifier.window_months`` of the classified horizon: a condition
on shares holds when it holds in at least ``classifier.persistence`` of those months; the gap,
a saw-tooth that grows a month a month until the next open release, is judged by its mean over
the window (level) and how fast that mean moved from the window's length before (trend,
:func:`gap_trend`):

- ``open_deepening``: open weights the default for new deployments (``open_default``),
  self-hosting a material share of enterprise tokens (``selfhost_material``), open usage
  spread over families (``open_spread``), an independent lab releasing open weights
  (``independent``), the gap not widening: below its widening level or not rising
  (``gap_not_widening``, the negation of ``gap_widens``' two conditions together);
- ``bigtech_oligopoly``: big-tech sponsors' models carry most open usage (``bigtech_led``),
  open usage in a few families (``open_concentrated``), the gap below the widening level, so
  open weights stay close to the frontier on the surface (``gap_close``);
- ``gap_widens``: the gap at or above its widening level, ``gap_ratio`` times the run's own
  2023-2025 mean gap and at least ``gap_widens_months`` (``gap_wide``), and rising by at least
  ``gap_trend_min`` months a year over the window (``gap_rising``).

Every condition has a *margin*: how far its indicator lies past its threshold, relative to the
threshold and clipped to [-1, 1] (for a condition on shares, in the month that decides
persistence: the k-th best of the window, k the months persistence needs). A condition holds
when its margin is at least 0. An end state's *score* is its weakest condition's margin, so its
definition holds exactly when its score is at least 0. A run is **clear-cut** when exactly one
definition holds; when several hold, or none, it goes to the definition with the highest score
(the nearest; ties to the first in ``END_STATES`` order). No end state is what is left over.

:func:`decide` takes the month that ends the classified window, so the same trajectory can be
classified as of earlier years (``experiments.sensitivity``).
"""

import numpy as np

from ..params.spec import G
from ..state import S
from ..vocab import END_STATES, Decided, enum_of
from .jit import kernel

__all__ = [
    "classify",
    "decide",
    "condition_margins",
    "gap_reference",
    "gap_trend",
    "final_indicators",
    "CONDITIONS",
    "COND",
    "N_CONDITIONS",
    "DEFINITIONS",
    "MEMBERS",
    "REFERENCE_MONTHS",
    "N_INDICATORS",
    "INDICATOR_SERIES",
    "INDICATOR_NAMES",
    "IND",
]

# the 2023-2025 reference period: the gap's level is judged against its mean over these months
REFERENCE_MONTHS = 36

# each final indicator is the window average of one trajectory series (independent_open: the
# last month's value); its name is the series' prefixed with final_; gap_trend how fast the gap
# moved into the window (gap_trend), months per year; gap_reference its 2023-2025 mean
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
_NAMES = (*(s.name.lower() for s in INDICATOR_SERIES), "gap_trend", "gap_reference")
INDICATOR_NAMES = tuple(f"final_{n}" for n in _NAMES)
IND = enum_of("IND", _NAMES, "Final indicator columns.")
N_INDICATORS = len(INDICATOR_NAMES)
_COLS = np.array([int(s) for s in INDICATOR_SERIES], dtype=np.int64)

# the conditions, each tested on the window (bit j of a run's condition bits is CONDITIONS[j]):
# first those tested month by month (they hold when they hold persistently), then the gap's
_MONTHLY = (
    "open_default",
    "selfhost_material",
    "open_spread",
    "independent",
    "bigtech_led",
    "open_concentrated",
)
CONDITIONS = (*_MONTHLY, "gap_not_widening", "gap_close", "gap_wide", "gap_rising")
_N_MONTHLY = len(_MONTHLY)
COND = enum_of("COND", CONDITIONS, "Classifier conditions, in the order of CONDITIONS.")
N_CONDITIONS = len(CONDITIONS)

# each end state's definition: the conditions that must all hold
DEFINITIONS = {
    "open_deepening": (
        "open_default",
        "selfhost_material",
        "open_spread",
        "independent",
        "gap_not_widening",
    ),
    "bigtech_oligopoly": ("bigtech_led", "open_concentrated", "gap_close"),
    "gap_widens": ("gap_wide", "gap_rising"),
}
MEMBERS = np.array([[c in DEFINITIONS[e] for c in CONDITIONS] for e in END_STATES])
_N_END = len(END_STATES)
_TINY = 1e-12
_CLEAR, _SEVERAL, _NONE = (
    int(Decided.CLEAR_CUT),
    int(Decided.NEAREST_OF_SEVERAL),
    int(Decided.NEAREST_OF_NONE),
)


@kernel
def _window(P: np.ndarray, end: int) -> int:
    return int(min(max(P[G.CLASS_WINDOW], 1.0), end))


@kernel
def _above(x: float, t: float) -> float:
    """Margin of ``x >= t`` relative to ``t``, clipped to [-1, 1]."""
    return min(max((x - t) / max(abs(t), _TINY), -1.0), 1.0)


@kernel
def _below(x: float, t: float) -> float:
    """Margin of ``x <= t`` relative to ``t``, clipped to [-1, 1]."""
    return min(max((t - x) / max(abs(t), _TINY), -1.0), 1.0)


@kernel
def _months_needed(persistence: float, w: int) -> int:
    """The fewest months k of a window of ``w`` with k / w >= persistence (at least one)."""
    k = int(np.ceil(persistence * w - 1e-9))
    return min(max(k, 1), w)


@kernel
def _mean_gap(traj: np.ndarray, start: int, end: int) -> float:
    acc = 0.0
    for m in range(start, end):
        acc += traj[m, S.GAP_MONTHS]
    return acc / (end - start)


@kernel
def gap_trend(traj: np.ndarray, start: int, end: int) -> float:
    """How fast the gap moved into months [start, end), months per year: the change of its
    mean over those months from its mean over as many months before them (those of them the
    run has; with none, the change from the span's first half to its second). The gap is a
    saw-tooth whose least-squares slope over two years is mostly the phase of the last
    release; means over whole spans average the teeth out."""
    n = end - start
    a = max(start - n, 0)
    b = start
    if b - a < 1:  # nothing before the span: its halves
        if n < 2:
            return 0.0
        a, b, start = start, start + n // 2, start + n // 2
    centre_before = 0.5 * (a + b - 1)
    centre = 0.5 * (start + end - 1)
    change = _mean_gap(traj, start, end) - _mean_gap(traj, a, b)
    return 12.0 * change / (centre - centre_before)


@kernel
def gap_reference(traj: np.ndarray, end: int) -> float:
    """The run's mean gap over 2023-2025 (the months of it before ``end``), months."""
    n = max(min(REFERENCE_MONTHS, end), 1)
    acc = 0.0
    for m in range(n):
        acc += traj[m, S.GAP_MONTHS]
    return acc / n


@kernel
def final_indicators(P: np.ndarray, traj: np.ndarray, end: int, out: np.ndarray) -> None:
    """Window averages of the deciding indicators over the months before ``end``
    (independent_open: the last month's value; gap_trend: how fast it moved; gap_reference: the
    2023-2025 mean)."""
    w = _window(P, end)
    for j in range(_COLS.shape[0]):
        acc = 0.0
        for m in range(end - w, end):
            acc += traj[m, _COLS[j]]
        out[j] = acc / w
    out[IND.INDEPENDENT_OPEN] = traj[end - 1, S.INDEPENDENT_OPEN]
    out[IND.GAP_TREND] = gap_trend(traj, end - w, end)
    out[IND.GAP_REFERENCE] = gap_reference(traj, end)


@kernel
def condition_margins(P: np.ndarray, traj: np.ndarray, end: int, out: np.ndarray) -> None:
    """Each condition's margin (order of :data:`CONDITIONS`) on the window ending before
    month ``end``: at least 0 where the condition holds (see the module docstring)."""
    w = _window(P, end)
    level = max(P[G.CLASS_GAP_WIDENS], P[G.CLASS_GAP_RATIO] * gap_reference(traj, end))
    monthly = np.empty((_N_MONTHLY, w))
    mean_gap = 0.0
    for i in range(w):
        row = traj[end - w + i]
        mean_gap += row[S.GAP_MONTHS] / w
        monthly[COND.OPEN_DEFAULT, i] = _above(row[S.NEW_OPEN_SHARE], P[G.CLASS_NEW_OPEN])
        monthly[COND.SELFHOST_MATERIAL, i] = _above(row[S.SELFHOST_SHARE], P[G.CLASS_SELFHOST])
        monthly[COND.OPEN_SPREAD, i] = _below(row[S.OPEN_HHI], P[G.CLASS_HHI])
        monthly[COND.INDEPENDENT, i] = _above(row[S.INDEPENDENT_OPEN], 1.0)
        monthly[COND.BIGTECH_LED, i] = _above(row[S.BIGTECH_OPEN_SHARE], P[G.CLASS_BIGTECH])
        monthly[COND.OPEN_CONCENTRATED, i] = _above(row[S.OPEN_HHI], P[G.CLASS_OLIGOPOLY_HHI])
    k = _months_needed(P[G.CLASS_PERSISTENCE], w)
    for j in range(_N_MONTHLY):
        out[j] = np.sort(monthly[j])[w - k]  # the k-th best month
    # the gap is a saw-tooth (it grows a month a month until the next open release): its
    # level is the window's mean, its trend how fast that mean moved (gap_trend)
    out[COND.GAP_CLOSE] = _below(mean_gap, level)
    out[COND.GAP_WIDE] = _above(mean_gap, level)
    trend = gap_trend(traj, end - w, end)
    out[COND.GAP_RISING] = _above(trend, P[G.CLASS_GAP_TREND])
    # not widening: below the widening level or not rising (either suffices)
    out[COND.GAP_NOT_WIDENING] = max(out[COND.GAP_CLOSE], _below(trend, P[G.CLASS_GAP_TREND]))


@kernel
def decide(
    P: np.ndarray, traj: np.ndarray, end: int, margins: np.ndarray, scores: np.ndarray
) -> tuple[int, int, int]:
    """Classify the window ending before month ``end``: fills the conditions' ``margins`` and
    the end states' ``scores``; returns (end state, how it was decided (:data:`Decided`),
    condition bits: bit j set when condition j held)."""
    condition_margins(P, traj, end, margins)
    bits = 0
    for j in range(N_CONDITIONS):
        if margins[j] >= 0.0:
            bits |= 1 << j
    held = 0
    best = 0
    for e in range(_N_END):
        s = 1.0
        for j in range(N_CONDITIONS):
            if MEMBERS[e, j]:
                s = min(s, margins[j])
        scores[e] = s
        if s >= 0.0:
            held += 1
        if s > scores[best]:
            best = e
    how = _NONE
    if held == 1:
        how = _CLEAR
    elif held > 1:
        how = _SEVERAL
    return best, how, bits


@kernel
def classify(P: np.ndarray, traj: np.ndarray, end: int) -> int:
    """End-state index of a trajectory classified on the window ending before month ``end``."""
    margins = np.empty(N_CONDITIONS)
    scores = np.empty(_N_END)
    e, _, _ = decide(P, traj, end, margins, scores)
    return e
