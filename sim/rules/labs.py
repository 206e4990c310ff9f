"""Lab behaviour: training budgets, release capability, the license decision, funding.

The license decision weighs the five strategic drivers of open release (Trensee, 'The Open
Source AI Paradox') against the counter-forces ('The Long View'), each a named term in USD B
per month with its own strength parameter:

1. ecosystem   - developers in the lab's ecosystem bring talent and indirect value;
2. pressure    - an open release caps rivals' prices (commoditize the complement);
3. monetization- advertising (Meta), cloud pull-through (Alibaba), open core (Mistral);
4. regulatory  - the open-source exemption, until strict liability revokes it;
5. feedback    - community fine-tunes and QA improve the next model;

against expected liability under strict liability, the API margin given away (weighed more
heavily by investors when runway is short), and the sponsor's retreat when training cost
outgrows the cash value of openness.
"""

from collections import namedtuple

import numpy as np

from ..params.spec import G, L
from ..vocab import Funding, T
from .jit import kernel
from .technology import algorithmic_oom, frontier_spend

__all__ = [
    "training_budget",
    "release_capability",
    "license_terms",
    "LicenseCase",
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
    feedback (driver 5) add effective compute; a lab behind ``frontier`` (the closed frontier
    as it stood ``diffusion_months`` ago: what has been public long enough to copy) closes a
    share of its gap through published research and distillation (catch-up), by at most
    ``catchup_max_oom``.
    """
    cap = np.log10(max(flop, 1.0)) + algorithmic_oom(P, t) + LP[lab, L.TALENT]
    cap += P[G.ECOSYSTEM_STRENGTH] * P[G.ECOSYSTEM_TALENT_OOM] * dev_share
    if is_open:
        cap += P[G.FEEDBACK_STRENGTH] * P[G.FEEDBACK_OOM] * dev_share
    return cap + min(P[G.CATCHUP] * max(0.0, frontier - cap), P[G.CATCHUP_MAX])


LicenseCase = namedtuple(
    "LicenseCase",
    (
        "dev_share",  # share of developers in its ecosystem (or the reach of a new family)
        "rival_margin",  # API margin of closed rivals, USD B per month
        "open_share",  # share of tokens on open weights
        "cloud_open_revenue",  # its partner cloud's open-model hosting revenue, USD B/month
        "open_revenue",  # what it earned last month on its open models, USD B
        "forgone",  # API margin it would earn selling its open models' tokens, USD B/month
        "runway",  # months of cash (venture labs)
        "bill",  # training spend of the model, USD B per month
        "exemption",  # 1 while the open-source exemption holds
        "liability",  # 1 while strict liability for open weights is in force
        "funding",  # Funding
    ),
)
LicenseCase.__doc__ = """What a lab weighs when it decides a release's license (see
:func:`license_terms`); built with keywords, so no two can be swapped silently."""


@kernel
def license_terms(P: np.ndarray, LP: np.ndarray, lab: int, case, out: np.ndarray) -> None:
    """The value of releasing open weights over closed, term by term, in USD B per month.

    ``out`` receives TERM_NAMES in order; positive favours open. ``case`` is a
    :class:`LicenseCase`.
    """
    dev_share, rival_margin, open_share = case.dev_share, case.rival_margin, case.open_share
    open_revenue, forgone, runway = case.open_revenue, case.forgone, case.runway
    exemption, liability, funding = case.exemption, case.liability, case.funding
    cloud_open_revenue = case.cloud_open_revenue
    bill = case.bill
    bill = max(bill, 1e-6)
    # talent and feedback, valued as the training compute they save (driver 1, driver 5)
    out[T.ECOSYSTEM] = bill * (
        10.0 ** (P[G.ECOSYSTEM_STRENGTH] * P[G.ECOSYSTEM_TALENT_OOM] * dev_share) - 1.0
    )
    out[T.FEEDBACK] = bill * (
        10.0 ** (P[G.FEEDBACK_STRENGTH] * P[G.FEEDBACK_OOM] * dev_share) - 1.0
    )
    # rivals' API margin an open release denies them (driver 2)
    out[T.PRESSURE] = (
        P[G.PRESSURE_STRENGTH] * P[G.PRESSURE_MARGIN] * LP[lab, L.BIGTECH] * rival_margin
    )
    # the lab's business model (driver 3): a complement business, its cloud's open hosting
    # revenue, and what open core and hosting shares paid it (already scaled by the strength)
    value = LP[lab, L.COMPLEMENT_VALUE] * LP[lab, L.COMPLEMENT_REVENUE] * open_share
    value += LP[lab, L.CLOUD_PULLTHROUGH] * cloud_open_revenue
    out[T.MONETIZATION] = P[G.MONETIZATION_STRENGTH] * value + open_revenue
    # compliance an open release is spared while the exemption holds (driver 4)
    out[T.REGULATORY] = P[G.REGULATORY_STRENGTH] * P[G.REGULATORY_COMPLIANCE] * bill * exemption
    out[T.LIABILITY] = -liability * P[G.LIABILITY_STRENGTH] * P[G.LIABILITY_RELEASE_COST] * bill
    # API margin given away, weighed more heavily by investors when runway is short
    pressure = 0.0
    if funding == Funding.VENTURE:
        trigger = max(P[G.RUNWAY_TRIGGER], 1.0)
        pressure = max(0.0, 1.0 - runway / (2.0 * trigger))
    out[T.FORGONE_REVENUE] = -P[G.SUSTAIN_STRENGTH] * forgone * (1.0 + 2.0 * pressure)
    out[T.SPONSOR_RETREAT] = 0.0
    if funding == Funding.SPONSOR and LP[lab, L.COMPLEMENT_REVENUE] > 0:
        # shareholders weigh the cash case of giving frontier models away against their bill
        cash_value = out[T.PRESSURE] + out[T.MONETIZATION] + out[T.REGULATORY]
        out[T.SPONSOR_RETREAT] = -P[G.SUSTAIN_STRENGTH] * max(
            0.0, LP[lab, L.RETREAT_RATIO] * bill - cash_value
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
    P: np.ndarray,
    LP: np.ndarray,
    lab: int,
    revenue: float,
    dev_share: float,
    race_year: float,
    closeness: float,
) -> float:
    """USD B raised: 20% of a valuation on revenue, plus USD 200 B x the lab's developer share
    (investors price the ecosystem, driver 1), plus the value of a seat in the frontier race:
    ``frontier_valuation_years`` x a year of the training it wants (``race_year``, USD B),
    times its ``closeness`` to the frontier (1 at it, 0 at ``frontier_lab_gap_months``
    behind): frontier labs were valued far above their revenue multiples (Anthropic USD 61.5 B
    on about 1 B of revenue in March 2025)."""
    valuation = LP[lab, L.VALUATION_MULT] * 12.0 * revenue
    valuation += P[G.ECOSYSTEM_STRENGTH] * 200.0 * dev_share
    valuation += P[G.FRONTIER_VALUATION_YEARS] * race_year * min(1.0, max(0.0, closeness))
    return 0.2 * valuation
