"""Technology and demand: algorithmic progress, hardware, serving cost, the gap measure.

Capability is log10 of effective training compute (FLOP at January-2023 algorithms), so one
unit is one order of magnitude (OOM). The frontier moves ~1.1 OOM a year: compute grows 4-5x
(Epoch AI 2024) and algorithms halve the compute needed every ~8 months (Ho et al. 2024).
"""

import numpy as np

from ..params.spec import G, L
from .jit import kernel

__all__ = [
    "algorithmic_oom",
    "serve_cost",
    "lab_serve_cost",
    "log_flop_per_usd",
    "demand_level",
    "log_demand_level",
    "token_demand",
    "spend_budget",
    "test_time_oom",
    "phase_in_hardware",
    "gap_months",
    "frontier_at",
    "enabler_level",
    "selfhost_fixed_factor",
    "frontier_spend",
    "training_window_keep",
    "window_months",
]


# demand beyond this many e-folds of the budget is the budget itself (exp(-50) ~ 2e-22)
_SATURATED = 50.0
# log of the largest demand multiple kept when nothing is spent yet (no price to bound it)
_LOG_DEMAND_MAX = 230.0


@kernel
def algorithmic_oom(P: np.ndarray, t: float) -> float:
    """OOM of effective compute gained from algorithms since 2023-01."""
    return P[G.ALGO_OOM_PER_YEAR] * t / 12.0


@kernel
def serve_cost(P: np.ndarray, cap: float, t: float, hw_oom: float) -> float:
    """USD per million tokens to serve a model of capability ``cap`` at month ``t``.

    Serving cost grows with the model's size, so with the physical training compute that
    reaches ``cap`` with month ``t``'s algorithms (its effective compute less
    :func:`algorithmic_oom`), raised to ``technology.serve_cost_exponent``. At a fixed
    capability it falls with algorithms, inference efficiency and hardware; the floor
    (``technology.serve_cost_floor``: memory, energy and operations per token, paid even for
    the smallest useful model) falls with hardware alone, so a fixed capability's price falls
    about tenfold a year until it nears the floor, and never reaches zero.
    """
    physical = cap - algorithmic_oom(P, t) - P[G.CAP_REF]
    oom = P[G.SERVE_COST_EXP] * physical - P[G.INFER_OOM_PER_YEAR] * t / 12.0 - hw_oom
    return P[G.SERVE_COST0] * 10.0**oom + P[G.SERVE_COST_FLOOR] * 10.0 ** (-hw_oom)


@kernel
def test_time_oom(P: np.ndarray, t: float) -> float:
    """OOM of extra serving compute per token of a flagship model sold with reasoning.

    From ``technology.test_time_start_month`` (OpenAI's o1, September 2024) flagships think
    before they answer: long chains of thought occupy the accelerators' memory for the whole
    answer, so a token of a reasoning flagship costs more to serve than a token of a model of
    the same capability without it. The premium grows at ``test_time_oom_per_year`` up to
    ``test_time_oom_max``. A fixed capability's price does not carry it (the cheapest way to
    reach a capability need not reason).
    """
    since = max(0.0, t - P[G.TEST_TIME_START]) / 12.0
    return min(P[G.TEST_TIME_MAX], P[G.TEST_TIME_RATE] * since)


@kernel
def lab_serve_cost(
    P: np.ndarray, LP: np.ndarray, lab: int, cap: float, t: float, hw_oom: float
) -> float:
    """USD per million tokens to serve lab ``lab``'s model of capability ``cap``: the market's
    cost curve less the lab's own serving efficiency (sparse mixture-of-experts models run
    fewer parameters per token for the same capability)."""
    return serve_cost(P, cap, t, hw_oom) * 10.0 ** (-LP[lab, L.SERVE_EFF])


@kernel
def log_flop_per_usd(P: np.ndarray, hw_oom: float) -> float:
    """log10 training FLOP bought per USD."""
    return P[G.FLOP_PER_USD0] + hw_oom


@kernel
def training_window_keep(P: np.ndarray) -> float:
    """Share of a lab's accrued training compute kept from one month to the next: the
    exponential window of ``technology.training_window_months``."""
    return np.exp(-1.0 / P[G.TRAINING_WINDOW])


@kernel
def window_months(P: np.ndarray, months: float) -> float:
    """Monthly accruals' worth of compute the window holds after ``months`` months of
    steady spend (``months`` itself for an endless window)."""
    keep = training_window_keep(P)
    return (1.0 - keep**months) / (1.0 - keep)


@kernel
def frontier_spend(P: np.ndarray, t: float) -> float:
    """Training spend (USD B per month) the frontier race demands at month ``t``."""
    return P[G.FRONTIER_SPEND0] * P[G.FRONTIER_COST_GROWTH] ** (t / 12.0)


@kernel
def log_demand_level(P: np.ndarray, t: float) -> float:
    """Log of :func:`demand_level`."""
    g0 = np.log(P[G.DEMAND_GROWTH_START])
    g1 = np.log(P[G.DEMAND_GROWTH_END])
    tau = P[G.DEMAND_GROWTH_DECAY]
    return g1 * t / 12.0 + (g0 - g1) * tau / 12.0 * (1.0 - np.exp(-t / tau))


@kernel
def demand_level(P: np.ndarray, t: float) -> float:
    """Token demand per adopting enterprise relative to 2023-01, at constant prices.

    The yearly growth factor decays from ``demand_growth_start`` towards ``demand_growth_end``
    with e-folding time ``demand_growth_decay_months``; this is its closed-form integral.
    """
    return np.exp(min(log_demand_level(P, t), _LOG_DEMAND_MAX))


@kernel
def spend_budget(P: np.ndarray, t: float) -> float:
    """What buyers can spend on models at month ``t``, USD B a month: a share
    (``market.model_budget_share``) of the world's IT spending, which grows at
    ``market.it_spend_growth`` a year from ``market.it_spend_2023``."""
    years = t / 12.0
    return P[G.MODEL_BUDGET_SHARE] * P[G.IT_SPEND0] * P[G.IT_SPEND_GROWTH] ** years


@kernel
def token_demand(
    P: np.ndarray, progress_oom: float, price_ratio: float, spend_per_demand: float, budget: float
) -> float:
    """Tokens per adopting enterprise relative to January 2023.

    Demand answers capability: its need follows :func:`demand_level` on a clock that runs with
    the frontier's progress (``progress_oom`` since January 2023, in months at the 2023 pace),
    so new tasks open up only as models improve; it answers price with elasticity
    ``market.price_elasticity`` (``price_ratio``: average price paid now over January 2023's).
    Spend saturates: with ``spend_per_demand`` the USD B a month one unit of this multiple
    costs at last month's prices, the unbounded spend U becomes ``budget * (1 - exp(-U /
    budget))``, so spend never exceeds what buyers can spend (:func:`spend_budget`) and the
    tokens' price elasticity falls from the constant one towards 1 as spend nears the budget.
    Computed in logs: no parameters inside their ranges overflow it.
    """
    clock = max(0.0, progress_oom) / P[G.FRONTIER_OOM_PER_MONTH]
    ratio = max(price_ratio, 1e-300)
    log_d = log_demand_level(P, clock) - P[G.PRICE_ELASTICITY] * np.log(ratio)
    if spend_per_demand <= 0.0 or budget <= 0.0:
        return np.exp(min(log_d, _LOG_DEMAND_MAX))
    log_u = log_d + np.log(spend_per_demand) - np.log(budget)  # unbounded spend / budget
    if log_u > np.log(_SATURATED):
        return budget / spend_per_demand
    u = np.exp(log_u)
    if u < 1e-8:
        return np.exp(min(log_d, _LOG_DEMAND_MAX))
    return -np.expm1(-u) * budget / spend_per_demand


@kernel
def phase_in_hardware(P: np.ndarray, m) -> None:
    """Move a month's share of shipped GPU generations into the serving and training fleet."""
    step = P[G.HW_OOM_PER_YEAR] * P[G.HW_STEP_MONTHS] / 12.0
    inc = min(m.hw_pending, step / max(P[G.FLEET_RENEWAL], 1.0))
    m.hw_oom += inc
    m.hw_pending -= inc


@kernel
def enabler_level(P: np.ndarray, t: float) -> float:
    """Maturity of LoRA/QLoRA, quantization, serving stacks and hubs: half in January 2023,
    rising linearly to full at ``enablers.maturity_months``."""
    ramp = min(1.0, t / P[G.ENABLERS_MATURITY_MONTHS])
    return P[G.ENABLERS_STRENGTH] * (0.5 + 0.5 * ramp)


@kernel
def selfhost_fixed_factor(P: np.ndarray, t: float) -> float:
    """Multiplier on the fixed cost of self-hosting: tooling makes operations cheaper."""
    decline = min(0.99, P[G.ENABLERS_COST_DECLINE] * P[G.ENABLERS_STRENGTH])
    return (1.0 - decline) ** (t / 12.0)


@kernel
def gap_months(hist: np.ndarray, month: int, frontier_now: float, cap: float, rate: float) -> float:
    """How many months ago the closed frontier first reached capability ``cap``.

    ``hist[s]`` is the best closed capability at the end of month s (non-decreasing). Before
    the recorded history, and for a model ahead of the frontier (negative gap), differences
    convert to months at ``rate`` OOM per month.
    """
    if cap >= frontier_now:
        return -(cap - frontier_now) / rate
    now = float(month)
    if month == 0 or cap <= hist[0]:
        start = hist[0] if month > 0 else frontier_now
        return now + (start - cap) / rate
    # first s in [1, month-1] with hist[s] >= cap (binary search on a monotone array)
    lo, hi = 0, month - 1
    if hist[hi] < cap:
        # reached only during the current month
        return 0.0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if hist[mid] >= cap:
            hi = mid
        else:
            lo = mid
    span = hist[hi] - hist[lo]
    frac = 1.0 if span <= 0.0 else (cap - hist[lo]) / span
    return now - (lo + frac)


@kernel
def frontier_at(
    hist: np.ndarray, month: int, t: float, frontier_now: float, months_ago: float, rate: float
) -> float:
    """The closed frontier's capability ``months_ago`` months before time ``t``.

    ``hist[s]`` is the frontier recorded by the clearing at time s + 1, for s < ``month``;
    the frontier at ``t`` (not before the last record) is ``frontier_now``. Between these
    points it is interpolated in time; before the first record it falls back at ``rate`` OOM
    per month.
    """
    if months_ago <= 0.0:
        return frontier_now
    tau = t - months_ago
    if month <= 0:
        return frontier_now - months_ago * rate
    if tau <= 1.0:
        return min(frontier_now, hist[0] - (1.0 - tau) * rate)
    last = float(month)  # time of the last record, hist[month - 1]
    if tau >= last:
        span = t - last
        frac = 1.0 if span <= 0.0 else (tau - last) / span
        a = hist[month - 1]
        return min(frontier_now, a + frac * (frontier_now - a))
    pos = tau - 1.0
    lo = int(pos)
    frac = pos - lo
    return min(frontier_now, hist[lo] + frac * (hist[lo + 1] - hist[lo]))
