"""Enterprise behaviour: Bass adoption and a nested-logit deployment choice.

An enterprise chooses among a closed API, a managed open model on its cloud, self-hosted open
weights, or a hybrid (open for routine work, closed for the rest). The two open options share
a nest so that they are closer substitutes for each other than for the closed API (Train 2009,
ch. 4). Utilities weigh log cost (price against total cost of ownership), the quality shortfall
against the months-behind-frontier its tasks tolerate, data sensitivity under regulation, the
developer ecosystem, liability and lock-in.
"""

import numpy as np
from numba import njit

from ..params.spec import G
from ..state import OPT, RV
from .rng import stream_id, uniform
from .technology import enabler_level, selfhost_fixed_factor

__all__ = [
    "option_utilities",
    "nested_logit_probs",
    "draw_index",
    "bass_adoption_prob",
    "enterprise_decision",
    "next_review_month",
    "ENT_STREAM",
]

ENT_STREAM = 2  # actor kind code of enterprises in stream ids


@njit(cache=True)
def option_utilities(P: np.ndarray, e, rv: np.ndarray, cloud_markup: float, t: float,
                     dev_open_share: float, liability: int, eu_phase: int, demand: float,
                     out: np.ndarray) -> None:
    """Deterministic utility of each deployment option for enterprise record ``e``."""
    x = e.volume * demand                      # M tokens per month
    h = P[G.HYBRID_OPEN_SHARE]
    fixed = P[G.SELFHOST_FIXED] * (1.0 - P[G.SKILL_DISCOUNT] * e.skill)
    fixed *= selfhost_fixed_factor(P, t)
    c_closed = x * rv[RV.P_CLOSED]
    c_managed = x * rv[RV.C_OPEN] * cloud_markup
    c_self = x * rv[RV.C_OPEN] * P[G.SELFHOST_OVERHEAD] + fixed
    c_hybrid = (1.0 - h) * c_closed + h * c_managed + P[G.HYBRID_FIXED] * selfhost_fixed_factor(P, t)
    enab = enabler_level(P, t)
    finetune = P[G.FINETUNE_MONTHS] * e.skill * enab
    q_closed = max(0.0, rv[RV.GAP_CLOSED] - e.tolerance)
    q_open = max(0.0, rv[RV.GAP_OPEN] - e.tolerance - finetune)
    q_hybrid = (1.0 - h) * q_closed + 0.5 * h * q_open
    priv = e.sensitivity
    if e.region == 1:
        priv *= 1.0 + P[G.EU_PHASE_PRIVACY] * eu_phase
    d_closed = P[G.PRIVACY_CLOSED] * priv
    d_managed = P[G.PRIVACY_MANAGED] * priv
    eco = P[G.ECOSYSTEM_STRENGTH] * P[G.ECOSYSTEM_ENTERPRISE] * dev_open_share
    liab = liability * P[G.LIABILITY_STRENGTH] * P[G.LIABILITY_USER_PENALTY]
    a = P[G.COST_WEIGHT]
    qw = P[G.QUALITY_WEIGHT]
    out[OPT.CLOSED] = -a * np.log(c_closed) - qw * q_closed - d_closed
    out[OPT.MANAGED] = (-a * np.log(c_managed) - qw * q_open - d_managed + eco - 0.5 * liab
                        + P[G.CLOUD_PUSH])
    out[OPT.SELF] = -a * np.log(c_self) - qw * q_open + eco - liab
    out[OPT.HYBRID] = (-a * np.log(c_hybrid) - qw * q_hybrid
                       - (1.0 - h) * d_closed - h * d_managed + h * (eco - 0.5 * liab)
                       + P[G.HYBRID_LARGE_BONUS] * e.large - 1.0)
    if e.option >= 0:
        out[e.option] += P[G.INERTIA]


@njit(cache=True)
def nested_logit_probs(v: np.ndarray, lam: float, out: np.ndarray) -> None:
    """Nested-logit probabilities with the open options (MANAGED, SELF) in one nest."""
    m = max(v[0], v[1], v[2], v[3])
    e1 = np.exp((v[OPT.MANAGED] - m) / lam)
    e2 = np.exp((v[OPT.SELF] - m) / lam)
    inc = e1 + e2
    nest = inc**lam
    e0 = np.exp(v[OPT.CLOSED] - m)
    e3 = np.exp(v[OPT.HYBRID] - m)
    tot = e0 + nest + e3
    out[OPT.CLOSED] = e0 / tot
    out[OPT.HYBRID] = e3 / tot
    out[OPT.MANAGED] = nest / tot * e1 / inc
    out[OPT.SELF] = nest / tot * e2 / inc


@njit(cache=True)
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


@njit(cache=True)
def bass_adoption_prob(P: np.ndarray, adopted: float, months: float) -> float:
    """Probability that a non-adopter adopts within ``months`` (Bass 1969 hazard)."""
    hazard = (P[G.BASS_P] + P[G.BASS_Q] * adopted) / 12.0
    return 1.0 - np.exp(-hazard * months)


@njit(cache=True)
def next_review_month(mean_months: float, u: float, month: int) -> int:
    """Month of the next review: geometric waiting time with the given mean (>= 1)."""
    p = 1.0 / max(mean_months, 1.0)
    if p >= 1.0:
        return month + 1
    return month + 1 + int(np.floor(np.log(u) / np.log(1.0 - p)))


@njit(cache=True)
def enterprise_decision(P: np.ndarray, e, idx: int, month: int, seed: np.int64, rv: np.ndarray,
                        vweights: np.ndarray, fweights: np.ndarray, cloud_markup: float,
                        adopted: float, dev_open_share: float, liability: int, eu_phase: int,
                        demand: float, util: np.ndarray, prob: np.ndarray):
    """An enterprise's review: (option, family, vendor, next review month).

    Draws come from the enterprise's own stream keyed by month, so the result does not depend
    on the order in which enterprises are reviewed.
    """
    st = stream_id(ENT_STREAM, idx, 1)
    base = 8 * month
    option, family, vendor = e.option, e.family, e.vendor
    if option < 0:
        if uniform(seed, st, base) >= bass_adoption_prob(P, adopted, 3.0):
            return option, family, vendor, month + 3
    option_utilities(P, e, rv, cloud_markup, float(month), dev_open_share, liability, eu_phase,
                     demand, util)
    nested_logit_probs(util, P[G.NEST_LAMBDA], prob)
    option = draw_index(prob, uniform(seed, st, base + 1))
    if option != OPT.CLOSED:
        family = draw_index(fweights, uniform(seed, st, base + 2))
    if option == OPT.CLOSED or option == OPT.HYBRID:
        vendor = draw_index(vweights, uniform(seed, st, base + 3))
    nxt = next_review_month(P[G.REVIEW_MONTHS], uniform(seed, st, base + 4), month)
    return option, family, vendor, nxt
