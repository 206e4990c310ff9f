"""Lab behaviour: training budgets, release capability, the license decision, funding.

The license decision weighs the five strategic drivers of open release (Trensee, 'The Open
Source AI Paradox') against the counter-forces ('The Long View'), each a named term with its
own strength parameter:

1. ecosystem   - developers in the lab's ecosystem bring talent and indirect value;
2. pressure    - an open release caps rivals' prices (commoditize the complement);
3. monetization- advertising (Meta), cloud pull-through (Alibaba), open core (Mistral);
4. regulatory  - the open-source exemption, until strict liability revokes it;
5. feedback    - community fine-tunes and QA improve the next model;

against liability under strict liability, investors' pressure when runway is short, and the
sponsor's retreat when training cost outgrows the strategic value of openness.
"""

import numpy as np

from ..params.spec import G, L
from ..vocab import Funding, T
from .jit import kernel
from .technology import algorithmic_oom, frontier_spend

__all__ = [
    "training_budget",
    "release_capability",
    "license_terms",
    "license_value",
    "funding_success_prob",
    "funding_amount",
]


@kernel
def training_budget(
    P: np.ndarray,
    LP: np.ndarray,
    lab: int,
    funding: int,
    cash: float,
    t: float,
    budget_cap: float,
    cloud_open_revenue: float,
) -> float:
    """Training spend (USD B per month) a lab commits to its next run.

    Every lab wants ``ambition`` x the frontier race's spend, which grows ~2.4x a year;
    sponsors grant a budget growing ~1.3x a year (the frontier-cost counter-force), cloud-funded
    labs add reinvested cloud revenue (driver 3), venture-funded labs spend what keeps ~18
    months of runway.
    """
    want = LP[lab, L.AMBITION] * frontier_spend(P, t)
    if funding == Funding.SPONSOR:
        cap = budget_cap * P[G.SPONSOR_GROWTH] ** (t / 12.0)
        return min(want, cap)
    if funding == Funding.CLOUD:
        cap = budget_cap * P[G.SPONSOR_GROWTH] ** (t / 12.0)
        cap += P[G.MONETIZATION_STRENGTH] * LP[lab, L.CLOUD_PULLTHROUGH] * cloud_open_revenue
        return min(want, cap)
    afford = max(0.0, cash) / 18.0 - LP[lab, L.OPEX]
    return max(0.0, min(want, afford))


@kernel
def release_capability(
    P: np.ndarray,
    LP: np.ndarray,
    lab: int,
    flop: float,
    t: float,
    dev_share: float,
    is_open: int,
    frontier: float,
) -> float:
    """Capability (log10 effective FLOP) of a model trained with ``flop`` FLOP.

    Talent drawn by the lab's developer ecosystem (driver 1) and, for open labs, community
    feedback (driver 5) add effective compute; a lab behind the closed ``frontier`` closes a
    share of its gap through published research and distillation (catch-up), by at most
    ``catchup_max_oom``.
    """
    cap = np.log10(max(flop, 1.0)) + algorithmic_oom(P, t) + LP[lab, L.TALENT]
    cap += P[G.ECOSYSTEM_STRENGTH] * P[G.ECOSYSTEM_TALENT_OOM] * dev_share
    if is_open:
        cap += P[G.FEEDBACK_STRENGTH] * P[G.FEEDBACK_OOM] * dev_share
    return cap + min(P[G.CATCHUP] * max(0.0, frontier - cap), P[G.CATCHUP_MAX])


@kernel
def license_terms(
    P: np.ndarray,
    LP: np.ndarray,
    lab: int,
    dev_share: float,
    rival_markup: float,
    open_share: float,
    cloud_open_revenue: float,
    revenue: float,
    runway: float,
    spend: float,
    exemption: int,
    liability: int,
    funding: int,
    out: np.ndarray,
) -> None:
    """The value of releasing open weights over closed, term by term (utility units).

    ``out`` receives TERM_NAMES in order; positive favours open. ``rival_markup`` is the mean
    closed-API markup, ``runway`` months of cash (venture labs), ``spend`` the training spend
    of the model in USD B per month.
    """
    n_labs = LP.shape[0]
    rel_share = min(3.0, dev_share * n_labs)
    out[T.ECOSYSTEM] = P[G.ECOSYSTEM_STRENGTH] * 0.5 * rel_share
    span = max(P[G.MARKUP_MAX] - P[G.MARKUP_MIN], 1e-9)
    out[T.PRESSURE] = (
        P[G.PRESSURE_STRENGTH]
        * 0.5
        * min(1.0, max(0.0, (rival_markup - P[G.MARKUP_MIN]) / span))
        * LP[lab, L.BIGTECH]
    )
    # indirect monetization, relative to the training bill it has to justify
    bill = max(spend, 1e-6)
    # (USD B per month) the lab's business model: a complement business, its cloud's open
    # hosting revenue, open-core sales
    value = LP[lab, L.COMPLEMENT_VALUE] * LP[lab, L.COMPLEMENT_REVENUE] * open_share
    value += LP[lab, L.CLOUD_PULLTHROUGH] * cloud_open_revenue
    value += LP[lab, L.OPEN_CORE_RATE] * revenue * 2.0
    out[T.MONETIZATION] = P[G.MONETIZATION_STRENGTH] * min(2.0, value / bill)
    out[T.REGULATORY] = P[G.REGULATORY_STRENGTH] * P[G.REGULATORY_EXEMPTION_VALUE] * exemption
    out[T.FEEDBACK] = P[G.FEEDBACK_STRENGTH] * 0.5 * rel_share
    out[T.LIABILITY] = -liability * P[G.LIABILITY_STRENGTH] * P[G.LIABILITY_RELEASE_COST]
    out[T.INVESTORS] = 0.0
    if funding == Funding.VENTURE:
        trigger = max(P[G.RUNWAY_TRIGGER], 1.0)
        out[T.INVESTORS] = -P[G.SUSTAIN_STRENGTH] * 2.0 * max(0.0, 1.0 - runway / (2.0 * trigger))
    out[T.SPONSOR_RETREAT] = 0.0
    if funding == Funding.SPONSOR and LP[lab, L.COMPLEMENT_REVENUE] > 0:
        strategic = (
            P[G.MONETIZATION_STRENGTH] * value + 0.5 * (out[T.ECOSYSTEM] + out[T.FEEDBACK]) * bill
        )
        ratio = strategic / bill
        out[T.SPONSOR_RETREAT] = P[G.SUSTAIN_STRENGTH] * min(
            0.0, np.log(max(ratio, 1e-6) / max(LP[lab, L.RETREAT_RATIO], 1e-6))
        )


@kernel
def license_value(terms: np.ndarray) -> float:
    """Net value of an open release: the sum of the driver and counter-force terms."""
    return terms.sum()


@kernel
def funding_success_prob(P: np.ndarray, revenue: float, rev_slow: float) -> float:
    """Chance a funding round closes: a base rate shifted by revenue growth."""
    base = min(max(P[G.FUNDING_BASE_PROB], 1e-6), 1 - 1e-6)
    growth = np.log(max(revenue, 1e-9) / max(rev_slow, 1e-9))
    z = np.log(base / (1 - base)) + P[G.FUNDING_GROWTH_WEIGHT] * growth
    return 1.0 / (1.0 + np.exp(-z))


@kernel
def funding_amount(
    P: np.ndarray, LP: np.ndarray, lab: int, revenue: float, dev_share: float
) -> float:
    """USD B raised: 20% of a valuation on revenue plus USD 200 B x the lab's developer share
    (investors price the ecosystem, driver 1)."""
    valuation = LP[lab, L.VALUATION_MULT] * 12.0 * revenue
    valuation += P[G.ECOSYSTEM_STRENGTH] * 200.0 * dev_share
    return 0.2 * valuation
