"""Enterprise behaviour: Bass adoption and a nested-logit deployment choice.

An enterprise chooses among a closed API, a managed open model on its cloud, self-hosted open
weights, or a hybrid (each task routed to an open or a closed model). The two open options
share a nest so that they are closer substitutes for each other than for the closed API (Train
2009, ch. 4); a hybrid's open part chooses between the same two hosts by total cost of
ownership, in a nest of its own with the same dissimilarity. Utilities weigh log cost in
USD a month (tokens at the going prices; for self-hosting whole GPUs, staff and security),
the quality shortfall against the
months-behind-frontier its tasks tolerate (its own tasks and a growing share of
frontier-bound work, ``workload.py``), data sensitivity under regulation, the developer
ecosystem, liability and lock-in.
"""

import math

import numpy as np

from ..params.spec import G
from ..state import EC, RV
from ..vocab import ENT_DRAWS, OPT, AgentDraw, EntDraw, Region, Stream
from .jit import hot_kernel, kernel
from .rng import stream_id, uniform
from .special import normal_cdf
from .technology import enabler_level, selfhost_fixed_factor
from .workload import enterprise_work_share, work_mix

__all__ = [
    "enterprise_context",
    "option_utilities",
    "selfhost_cost",
    "tasks_met",
    "hybrid_open_share",
    "hybrid_hosts",
    "nested_logit_probs",
    "draw_index",
    "draw_cumulative",
    "bass_adoption_prob",
    "enterprise_decision",
    "next_review_month",
    "ADOPTION_RECHECK_MONTHS",
]

# months until a firm that has not adopted considers adopting again (the Bass hazard of
# enterprise_context is taken over this many months)
ADOPTION_RECHECK_MONTHS = 3


@kernel
def enterprise_context(
    P: np.ndarray,
    t: float,
    demand: float,
    dev_open_share: float,
    liability: int,
    eu_phase: int,
    adopted: float,
    out: np.ndarray,
) -> None:
    """Fill the month-level context ``out`` (indexed by :class:`EC`)."""
    factor = selfhost_fixed_factor(P, t)
    enab = enabler_level(P, t)
    out[EC.DEMAND] = demand
    out[EC.FIXED] = P[G.MLOPS_STAFF] * factor
    out[EC.SECURITY] = P[G.SELFHOST_SECURITY] * factor
    out[EC.GPU] = P[G.GPU_MONTH]
    out[EC.HYBRID_FIXED] = P[G.HYBRID_FIXED] * factor
    out[EC.FINETUNE] = P[G.FINETUNE_MONTHS] * enab
    out[EC.ECO] = P[G.ECOSYSTEM_STRENGTH] * P[G.ECOSYSTEM_ENTERPRISE] * dev_open_share
    out[EC.LIABILITY] = liability * P[G.LIABILITY_STRENGTH] * P[G.LIABILITY_USER_PENALTY]
    out[EC.EU_PRIV] = 1.0 + P[G.EU_PHASE_PRIVACY] * eu_phase
    out[EC.FRICTION] = P[G.OPEN_FRICTION] * max(0.0, 1.5 - enab)
    out[EC.ADOPT] = bass_adoption_prob(P, adopted, float(ADOPTION_RECHECK_MONTHS))
    out[EC.FRONTIER_WORK] = enterprise_work_share(P, t)
    tf = P[G.WORKLOAD_FRONTIER_TOLERANCE]
    out[EC.LOG_FRONTIER_TOLERANCE] = np.log(tf) if tf > 0.0 else 0.0


@hot_kernel
def selfhost_cost(serve_usd: float, gpu_month: float, fixed: float) -> float:
    """USD a month of self-hosting: whole GPUs for a workload worth ``serve_usd`` of GPU time
    (at least one), plus staff and security ``fixed``."""
    n = max(1.0, math.ceil(serve_usd / gpu_month))
    return n * gpu_month + fixed


@hot_kernel
def tasks_met(
    tolerance: float, log_tolerance: float, open_gap: float, log_gap: float, sigma: float
) -> float:
    """Share of a firm's tasks an open model ``open_gap`` months behind the frontier meets.

    The tasks' tolerances (months behind the frontier) are lognormal around the median
    ``tolerance`` with spread ``sigma``; the logarithms come precomputed (``log_tolerance``
    once per firm, ``log_gap`` once per review), so that a review's four routed shares cost
    two normal distribution functions, each :func:`~sim.rules.special.normal_cdf` (one
    exponential, absolute error under ``NORMAL_CDF_MAX_ERROR`` = 7.5e-8; the library's error
    function costs 2.3 times as much).
    """
    if open_gap <= 0.0:
        return 1.0
    if tolerance <= 0.0:
        return 0.0
    return normal_cdf((log_tolerance - log_gap) / max(sigma, 1e-6))


@hot_kernel
def hybrid_open_share(
    tolerance: float, sigma: float, open_gap: float, open_price: float, closed_price: float
) -> float:
    """Share of a hybrid's tokens routed to open models.

    Its tasks' tolerances (months behind the frontier) are lognormal around the firm's median
    ``tolerance`` with spread ``sigma``; a task goes to the open model when that model meets
    the task's need (``open_gap`` after fine-tuning, :func:`tasks_met`) and costs less per
    token than the API.
    """
    if open_price >= closed_price:
        return 0.0
    log_tol = np.log(tolerance) if tolerance > 0.0 else 0.0
    log_gap = np.log(open_gap) if open_gap > 0.0 else 0.0
    return tasks_met(tolerance, log_tol, open_gap, log_gap, sigma)


@hot_kernel
def hybrid_hosts(v_managed: float, v_self: float, lam: float) -> tuple[float, float]:
    """The hybrid nest: inclusive value of a hybrid's two hosts for its open part (managed on
    its cloud, self-hosted) with dissimilarity ``lam``, and the chance it self-hosts."""
    # the larger utility's term is exp(0) = 1 exactly: one exponential, not two
    if v_managed >= v_self:
        top, a, b = v_managed, 1.0, np.exp((v_self - v_managed) / lam)
    else:
        top, a, b = v_self, np.exp((v_managed - v_self) / lam), 1.0
    return top + lam * np.log(a + b), b / (a + b)


@hot_kernel
def option_utilities(
    P: np.ndarray, e, rv: np.ndarray, cloud_markup: float, ctx: np.ndarray, out: np.ndarray
) -> tuple[float, float, float, float, float]:
    """Deterministic utility of each deployment option for enterprise record ``e``; returns the
    shares of its own tasks' and of its frontier-bound work's tokens a hybrid would route to
    open models if it ran them managed, the same if it self-hosted them, and the chance that
    a hybrid self-hosts.

    Costs in USD per month: closed = x p; managed = x c m + F_m; self-hosted = whole GPUs for
    x c o, staff (1 - d skill) and security; hybrid = (1 - h) closed + its open part + F_h,
    the open part run managed (h x c m) or self-hosted (whole GPUs for h x c o, staff and
    security); with x tokens, p the closed price, c the open serving cost, m the cloud markup,
    o the in-house utilisation overhead and h the routed share (:func:`hybrid_open_share` at
    the host's cost per token). The hybrid's utility is the inclusive value of its two hosts
    (:func:`hybrid_hosts`, the open options' nest parameter). Quality shortfalls and the
    routed share are averaged over the firm's own tasks and its frontier-bound work (share
    ``ctx[EC.FRONTIER_WORK]``, ``workload.py``).
    """
    r = e.region
    x = e.volume * ctx[EC.DEMAND]  # M tokens per month
    # the closed vendors it would buy from: one for its own tasks, one for its frontier-bound
    # work (share w), where a lab's edge on that work counts
    w = ctx[EC.FRONTIER_WORK]
    p_closed = work_mix(w, rv[r, RV.P_CLOSED], rv[r, RV.P_CLOSED_FRONT])
    p_managed = rv[r, RV.C_OPEN] * cloud_markup
    p_self = rv[r, RV.C_OPEN] * P[G.SELFHOST_OVERHEAD]
    fixed_self = ctx[EC.FIXED] * (1.0 - P[G.SKILL_DISCOUNT] * e.skill) + ctx[EC.SECURITY]
    c_closed = x * p_closed
    c_managed = x * p_managed + P[G.MANAGED_FIXED]
    c_self = selfhost_cost(x * p_self, ctx[EC.GPU], fixed_self)
    # a share w of the firm's tokens is frontier-bound work (tolerating tf months behind the
    # frontier), the rest its own tasks (median tolerance e.tolerance)
    tf = P[G.WORKLOAD_FRONTIER_TOLERANCE]
    qc_own = max(0.0, rv[r, RV.GAP_CLOSED] - e.tolerance)
    qc_front = max(0.0, rv[r, RV.GAP_CLOSED_FRONT] - tf)
    q_closed = work_mix(w, qc_own, qc_front)
    open_gap = rv[r, RV.GAP_OPEN] - ctx[EC.FINETUNE] * e.skill
    q_open = work_mix(w, max(0.0, open_gap - e.tolerance), max(0.0, open_gap - tf))
    sigma = P[G.TOLERANCE_SIGMA]
    priv = e.sensitivity * (ctx[EC.EU_PRIV] if e.region == Region.EU else 1.0)
    d_closed = P[G.PRIVACY_CLOSED] * priv
    d_managed = P[G.PRIVACY_MANAGED] * priv
    open_extra = ctx[EC.ECO] - ctx[EC.FRICTION]
    liab = ctx[EC.LIABILITY]
    a = P[G.COST_WEIGHT]
    qw = P[G.QUALITY_WEIGHT]
    inertia = P[G.INERTIA]
    out[OPT.CLOSED] = -a * np.log(c_closed) - qw * q_closed - d_closed
    out[OPT.MANAGED] = (
        -a * np.log(c_managed) - qw * q_open - d_managed + open_extra - 0.5 * liab + P[G.CLOUD_PUSH]
    )
    out[OPT.SELF] = -a * np.log(c_self) - qw * q_open + open_extra - liab
    # the hybrid's two hosts: each routes the tasks its open model meets at its cost per token
    # (hybrid_open_share for each host and work: the tasks met are the same for both hosts)
    log_gap = np.log(open_gap) if open_gap > 0.0 else 0.0
    met_own = tasks_met(e.tolerance, e.log_tolerance, open_gap, log_gap, sigma)
    met_front = tasks_met(tf, ctx[EC.LOG_FRONTIER_TOLERANCE], open_gap, log_gap, sigma)
    hm_own = met_own if p_managed < p_closed else 0.0
    hm_front = met_front if p_managed < p_closed else 0.0
    hs_own = met_own if p_self < p_closed else 0.0
    hs_front = met_front if p_self < p_closed else 0.0
    hm = work_mix(w, hm_own, hm_front)
    hs = work_mix(w, hs_own, hs_front)
    c_hm = (1.0 - hm) * c_closed + hm * x * p_managed + ctx[EC.HYBRID_FIXED]
    c_hs = (1.0 - hs) * c_closed + selfhost_cost(hs * x * p_self, ctx[EC.GPU], fixed_self)
    c_hs += ctx[EC.HYBRID_FIXED]
    # routed tasks are those the open model meets: the shortfall is the closed part's
    q_hm = (1.0 - w) * (1.0 - hm_own) * qc_own + w * (1.0 - hm_front) * qc_front
    q_hs = (1.0 - w) * (1.0 - hs_own) * qc_own + w * (1.0 - hs_front) * qc_front
    bonus = P[G.HYBRID_LARGE_BONUS] * e.large
    v_hm = (
        -a * np.log(c_hm)
        - qw * q_hm
        - (1.0 - hm) * d_closed
        + hm * (open_extra - d_managed - 0.5 * liab + P[G.CLOUD_PUSH])
        + bonus
    )
    v_hs = -a * np.log(c_hs) - qw * q_hs - (1.0 - hs) * d_closed + hs * (open_extra - liab) + bonus
    if e.option == OPT.HYBRID:
        if e.hybrid_self:
            v_hs += inertia
        else:
            v_hm += inertia
    elif e.option >= 0:
        out[e.option] += inertia
    out[OPT.HYBRID], p_hs = hybrid_hosts(v_hm, v_hs, P[G.NEST_LAMBDA])
    return hm_own, hm_front, hs_own, hs_front, p_hs


@hot_kernel
def nested_logit_probs(v: np.ndarray, lam: float, out: np.ndarray) -> None:
    """Nested-logit probabilities with the open options (MANAGED, SELF) in one nest."""
    m = max(v[0], v[1], v[2], v[3])
    e1 = np.exp((v[OPT.MANAGED] - m) / lam)
    e2 = np.exp((v[OPT.SELF] - m) / lam)
    inc = e1 + e2
    nest = np.exp(lam * np.log(inc))
    e0 = np.exp(v[OPT.CLOSED] - m)
    e3 = np.exp(v[OPT.HYBRID] - m)
    tot = e0 + nest + e3
    out[OPT.CLOSED] = e0 / tot
    out[OPT.HYBRID] = e3 / tot
    out[OPT.MANAGED] = nest / tot * e1 / inc
    out[OPT.SELF] = nest / tot * e2 / inc


@hot_kernel
def draw_index(weights: np.ndarray, u: float) -> int:
    """Index drawn from non-negative ``weights`` (need not sum to 1) with uniform ``u``."""
    tot = 0.0
    for k in range(weights.shape[0]):
        tot += weights[k]
    target = u * tot
    acc = 0.0
    last = -1
    for k in range(weights.shape[0]):
        if weights[k] > 0.0:
            acc += weights[k]
            last = k
            if target < acc:
                return k
    return last


@hot_kernel
def draw_cumulative(cum: np.ndarray, row: int, u: float) -> int:
    """:func:`draw_index` from row ``row`` of running sums of the weights, without a view
    (the same draw: the same additions in the same order, and the first sum past the target
    belongs to a positive weight)."""
    n = cum.shape[1]
    target = u * cum[row, n - 1]
    # running sums are non-decreasing: those not past the target are a prefix (counted
    # without branches: an early exit is a mispredicted branch per review)
    passed = 0
    for k in range(n):
        passed += not (target < cum[row, k])
    if passed < n:
        return passed
    # rounding put the target at the total: the last positive weight, as draw_index
    for k in range(n - 1, -1, -1):
        if cum[row, k] > (cum[row, k - 1] if k > 0 else 0.0):
            return k
    return -1


@kernel
def bass_adoption_prob(P: np.ndarray, adopted: float, months: float) -> float:
    """Probability that a non-adopter adopts within ``months`` (Bass 1969 hazard)."""
    hazard = (P[G.BASS_P] + P[G.BASS_Q] * adopted) / 12.0
    return 1.0 - np.exp(-hazard * months)


@hot_kernel
def next_review_month(mean_months: float, u: float, month: int) -> int:
    """Month of the next review: a wait drawn uniformly from 1 to 2 x mean - 1 months."""
    span = max(2.0 * mean_months - 1.0, 1.0)
    return month + 1 + int(u * span)


@hot_kernel
def enterprise_decision(
    P: np.ndarray,
    e,
    idx: int,
    month: int,
    seed: np.int64,
    rv: np.ndarray,
    vweights: np.ndarray,
    fweights: np.ndarray,
    fvweights: np.ndarray,
    cloud_markup: float,
    ctx: np.ndarray,
    util: np.ndarray,
    prob: np.ndarray,
):
    """An enterprise's review: (option, family, vendor of its own tasks, vendor of its
    frontier-bound work, next review month, a hybrid's open shares of its own tasks and of its
    frontier-bound work, and whether a hybrid self-hosts its open part).

    ``rv`` is the per-region view (region x RV), ``vweights``/``fweights``/``fvweights`` the
    per-region running sums of the choice weights of closed vendors, open families and closed
    vendors on frontier-bound work (region x lab).

    A non-adopter adopts with the Bass chance in ``ctx`` (three months of hazard since its
    last look) and then chooses like everyone else.
    Draws come from the enterprise's own stream keyed by month, so the result does not depend
    on the order in which enterprises are reviewed.
    """
    st = stream_id(Stream.ENTERPRISE, idx, AgentDraw.REVIEWS)
    base = ENT_DRAWS * month
    option, family, vendor, front = e.option, e.family, e.vendor, e.vendor_front
    if option < 0:
        if uniform(seed, st, base + EntDraw.ADOPT) >= ctx[EC.ADOPT]:
            recheck = month + ADOPTION_RECHECK_MONTHS
            return (option, family, vendor, front, recheck, e.hybrid, e.hybrid_front, e.hybrid_self)
    h_own, h_front, hs_own, hs_front, p_self = option_utilities(P, e, rv, cloud_markup, ctx, util)
    nested_logit_probs(util, P[G.NEST_LAMBDA], prob)
    option = draw_index(prob, uniform(seed, st, base + EntDraw.OPTION))
    if option != OPT.CLOSED:
        family = draw_cumulative(fweights, e.region, uniform(seed, st, base + EntDraw.FAMILY))
    if option == OPT.CLOSED or option == OPT.HYBRID:
        vendor = draw_cumulative(vweights, e.region, uniform(seed, st, base + EntDraw.VENDOR))
        front = draw_cumulative(fvweights, e.region, uniform(seed, st, base + EntDraw.VENDOR_FRONT))
    hybrid_self = 0
    if option == OPT.HYBRID and uniform(seed, st, base + EntDraw.HYBRID_HOST) < p_self:
        hybrid_self = 1
        h_own, h_front = hs_own, hs_front
    nxt = next_review_month(
        P[G.REVIEW_MONTHS], uniform(seed, st, base + EntDraw.NEXT_REVIEW), month
    )
    return option, family, vendor, front, nxt, h_own, h_front, hybrid_self
