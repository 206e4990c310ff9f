"""The simulation state: struct-of-records arrays shared by both engines.

Every actor kind is a numpy record array; the rulebook reads and writes these records, the
fast engine holds them inside the numba loop and the reference engine wraps them in Mesa
agents. Record layouts, actor ids, event kinds and trajectory series are defined here once.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from .params.spec import CLOUD_NAMES, LAB_NAMES

__all__ = [
    "LAB_DTYPE",
    "CLOUD_DTYPE",
    "ENT_DTYPE",
    "DEV_DTYPE",
    "MKT_DTYPE",
    "EVENT_DTYPE",
    "HEAP_DTYPE",
    "EV",
    "EVENT_PRIORITY",
    "S",
    "SERIES_NAMES",
    "A",
    "ACTOR_NAMES",
    "OPT",
    "N_LABS",
    "N_CLOUDS",
    "N_REGIONS",
    "N_ROUTES",
    "R_CLOSED",
    "R_ONPREM",
    "RV",
    "LV",
    "OUTBOX_CAP",
    "END_STATES",
    "MAX_EVENTS",
    "HEAP_CAP",
]

N_LABS = len(LAB_NAMES)
N_CLOUDS = len(CLOUD_NAMES)
N_REGIONS = 4
# token routes: managed on cloud c (0..3), self-hosted on rented GPUs of cloud c (4..7),
# self-hosted on-premises (8), closed API (9)
N_ROUTES = 2 * N_CLOUDS + 2
R_ONPREM = 2 * N_CLOUDS
R_CLOSED = 2 * N_CLOUDS + 1
MAX_EVENTS = 2048
HEAP_CAP = 256
OUTBOX_CAP = 64

LAB_DTYPE = np.dtype(
    [
        ("open", np.int64),  # stance of the flagship: 1 open weights, 0 closed
        ("alive", np.int64),  # 0 once wound down
        ("bigtech", np.int64),  # sponsored by big tech (initially or after acquisition)
        ("funding", np.int64),  # 0 sponsor, 1 venture, 2 cloud-funded
        ("cap", np.float64),  # capability of the latest flagship (log10 effective FLOP)
        ("cap_open", np.float64),  # best open-weight model it has released (0 = none)
        ("cap_closed", np.float64),  # best closed model it offers (0 = none)
        ("markup", np.float64),  # API price / serving cost
        ("cash", np.float64),  # USD B
        ("revenue", np.float64),  # USD B last month
        ("rev_slow", np.float64),  # 12-month moving average of revenue
        ("spend", np.float64),  # training spend, USD B per month
        ("flop", np.float64),  # training compute accumulated for the next release
        ("next_release", np.float64),
        ("dev_share", np.float64),  # share of developers in its ecosystem
        ("compute_pen", np.float64),  # OOM of compute lost to export controls
        ("releases", np.int64),
        ("funding_pending", np.int64),  # 1 round scheduled, 2 runway exhaustion scheduled
        ("forced", np.int64),  # investors forced the flagship closed
        ("budget_cap", np.float64),  # sponsor budget at 2023 terms, USD B per month
        ("devs", np.float64),  # developers in its ecosystem
        ("ctr", np.int64),  # RNG counter of the lab's own stream
    ]
)

CLOUD_DTYPE = np.dtype(
    [
        ("markup", np.float64),  # managed open-model price / serving cost
        ("revenue", np.float64),  # USD B last month, net of transfers to labs
        ("open_revenue", np.float64),  # USD B last month from hosting open models
    ]
)

ENT_DTYPE = np.dtype(
    [
        ("region", np.int64),
        ("large", np.int64),
        ("cloud", np.int64),
        ("onprem", np.int64),
        ("option", np.int64),  # -1 not adopted, else OPT
        ("family", np.int64),  # open lab whose models it runs
        ("vendor", np.int64),  # closed lab whose API it buys
        ("next_review", np.int64),
        ("link", np.int64),  # next enterprise in the same review bucket
        ("volume", np.float64),  # M tokens per month at 2023 demand
        ("sensitivity", np.float64),
        ("skill", np.float64),
        ("tolerance", np.float64),  # months behind the frontier its tasks tolerate
    ]
)

DEV_DTYPE = np.dtype(
    [
        ("region", np.int64),
        ("eco", np.int64),  # lab whose ecosystem it builds in
        ("next_review", np.int64),
        ("link", np.int64),
        ("taste", np.float64),  # exp(taste for open tooling)
    ]
)

MKT_DTYPE = np.dtype(
    [
        ("seed", np.int64),
        ("month", np.int64),  # month being simulated
        ("months", np.int64),  # horizon
        ("hw_oom", np.float64),  # hardware price-performance gain since 2023, OOM
        ("demand", np.float64),  # token demand multiplier since 2023
        ("weight", np.float64),  # real firms represented by one simulated enterprise
        ("adopted", np.float64),  # share of enterprises that adopted
        ("dev_open_share", np.float64),
        ("reg_pressure", np.float64),
        ("liability", np.int64),  # strict liability for open weights in force
        ("exemption", np.int64),  # open-source exemption in force
        ("eu_phase", np.int64),
        ("export_shocks", np.int64),
        ("incidents", np.int64),
        ("hw_steps", np.int64),
        ("frontier", np.float64),  # best closed capability now
        ("open_best", np.float64),  # best open capability now
        ("fixed_units", np.float64),  # sum over self-hosters of (1 - discount x skill)
        ("hybrids", np.float64),  # number of hybrid enterprises
        ("n_adopted", np.float64),
        ("large_adopted", np.float64),
        ("large_hybrids", np.float64),
        ("start_frontier", np.float64),  # best closed capability in January 2023
        ("out_n", np.int64),  # events waiting in the outbox
        ("heap_n", np.int64),
        ("seq", np.int64),
        ("log_n", np.int64),
        ("dropped", np.int64),
        ("reg_ctr", np.int64),
        ("liability_pending", np.int64),
        ("spend", np.float64),  # enterprise spend last month, USD B
        ("lab_receipts", np.float64),
        ("cloud_receipts", np.float64),
        ("onprem_spend", np.float64),
        ("dev_stay", np.float64),  # exp(developer inertia), this month's review context
        ("dev_open_next", np.float64),  # developers' open share after this month's reviews
        ("dev_reviewed", np.int64),  # this month's review tallies, logged at month end
        ("dev_switched", np.int64),
        ("ent_reviewed", np.int64),
        ("ent_switched", np.int64),
        ("ent_adopters", np.int64),
    ]
)

EVENT_DTYPE = np.dtype(
    [
        ("time", np.float64),
        ("kind", np.int64),
        ("actor", np.int64),
        ("value", np.float64),
        ("value2", np.float64),
        ("target", np.int64),
    ]
)

HEAP_DTYPE = np.dtype(
    [
        ("time", np.float64),
        ("prio", np.int64),
        ("seq", np.int64),
        ("kind", np.int64),
        ("actor", np.int64),
    ]
)


class OPT(IntEnum):
    """Enterprise deployment options."""

    CLOSED = 0
    MANAGED = 1
    SELF = 2
    HYBRID = 3


class EV(IntEnum):
    """Event kinds. Scheduled kinds have a priority; the rest are only logged."""

    CLEARING = 0
    REG_PHASE = 1
    EXPORT_CONTROL = 2
    LIABILITY_SHOCK = 3
    SAFETY_INCIDENT = 4
    HARDWARE_STEP = 5
    RELEASE = 6
    PRICE_REVIEW = 7
    FUNDING_ROUND = 8
    RUNWAY_EXHAUSTED = 9
    # logged only
    LICENSE_SWITCH = 10
    PRICE_CUT = 11
    ACQUISITION = 12
    WIND_DOWN = 13
    ENTERPRISE_REVIEWS = 14
    DEVELOPER_SWITCHES = 15
    FUNDING_FAILED = 16


# Lower runs first among events at the same time; CLEARING closes the previous month first.
EVENT_PRIORITY = {
    EV.CLEARING: 0,
    EV.REG_PHASE: 1,
    EV.EXPORT_CONTROL: 2,
    EV.LIABILITY_SHOCK: 3,
    EV.SAFETY_INCIDENT: 4,
    EV.HARDWARE_STEP: 5,
    EV.RELEASE: 6,
    EV.PRICE_REVIEW: 7,
    EV.FUNDING_ROUND: 8,
    EV.RUNWAY_EXHAUSTED: 9,
}


class A(IntEnum):
    """Actor ids in the event log beyond labs (0-5) and clouds (6-9)."""

    EU_REGULATOR = 10
    US_REGULATOR = 11
    ENTERPRISES = 12
    DEVELOPERS = 13
    HARDWARE = 14
    MARKET = 15


ACTOR_NAMES = (
    *LAB_NAMES,
    *CLOUD_NAMES,
    "eu_regulator",
    "us_regulator",
    "enterprises",
    "developers",
    "hardware",
    "market",
)


class LV(IntEnum):
    """Columns of the per-lab view computed at each clearing."""

    PRICE = 0  # closed API price, USD per M tokens
    OCOST = 1  # serving cost of its best open model, USD per M tokens
    GAP_OPEN = 2  # months its best open model trails the frontier
    GAP_CLOSED = 3
    ECO_OPEN = 4  # 1 if its developer ecosystem is built on open weights
    ECO_GAP = 5
    AVAILABLE = 6  # 1 if developers can build on it
    N = 7


class RV(IntEnum):
    """Columns of the per-region view enterprises decide on."""

    P_CLOSED = 0  # USD per M tokens, closed APIs (choice-weighted)
    GAP_CLOSED = 1  # months behind the frontier
    C_OPEN = 2  # serving cost of open models, USD per M tokens
    GAP_OPEN = 3
    N = 4


class S(IntEnum):
    """Trajectory series recorded at the end of each month."""

    OPEN_SHARE = 0
    GAP_MONTHS = 1
    FRONTIER_PRICE = 2
    OPEN_PRICE = 3
    PRICE_AT_START_FRONTIER = 4
    BIGTECH_OPEN_SHARE = 5
    ADOPTED = 6
    DEV_OPEN_SHARE = 7
    SELFHOST_SHARE = 8
    MANAGED_SHARE = 9
    HYBRID_SHARE_LARGE = 10
    FRONTIER_CAP = 11
    OPEN_CAP = 12
    REG_PRESSURE = 13
    LIABILITY = 14
    ENTERPRISE_SPEND = 15
    CLOSED_REVENUE = 16
    CLOUD_REVENUE = 17
    MONEY_RESIDUAL = 18
    META_OPEN = 19
    MISTRAL_OPEN = 20
    ALIBABA_OPEN = 21
    MISTRAL_CASH = 22
    INDEPENDENT_OPEN = 23
    EXPORT_CONTROLS = 24
    N = 25


SERIES_NAMES = tuple(s.name.lower() for s in S if s is not S.N)
END_STATES = ("open_deepening", "bigtech_oligopoly", "gap_widens")
