"""The simulation state: record layouts, views, trajectory series, and one run's state.

Every actor kind is a numpy record array; the rulebook reads and writes these records, the
fast engine holds them inside the numba loop and the reference engine wraps them in Mesa
agents. :class:`RunState` bundles every array of a run, allocated in one place
(:func:`new_state`) and passed whole to the rulebook's state kernels by both engines.
"""

from __future__ import annotations

from collections import namedtuple
from enum import IntEnum

import numpy as np

from .actors import LAB_NAMES, N_CLOUDS, N_LABS
from .params.spec import GLOBAL_PARAMS, G
from .rules.jit import borrow, kernel, records
from .vocab import N_OPTIONS, N_REGIONS, N_TERMS, enum_of

__all__ = [
    "LAB_DTYPE",
    "CLOUD_DTYPE",
    "ENT_DTYPE",
    "DEV_DTYPE",
    "MKT_DTYPE",
    "EVENT_DTYPE",
    "HEAP_DTYPE",
    "S",
    "SERIES_NAMES",
    "LAB_SERIES",
    "MARKET_SERIES",
    "SERIES_DOCS",
    "S_LAB",
    "lab_series",
    "lab_column",
    "LAB_LAST",
    "EC",
    "W_IS_OPEN",
    "W_DEV_WEIGHTS",
    "W_UTIL",
    "W_PROB",
    "W_CTX",
    "W_N",
    "RunState",
    "STATE_FIELDS",
    "new_state",
    "borrow_state",
    "N_ROUTES",
    "R_CLOSED",
    "R_ONPREM",
    "RV",
    "LV",
    "OUTBOX_CAP",
    "MAX_EVENTS",
    "HEAP_CAP",
]

# token routes: managed on cloud c (0..3), self-hosted on rented GPUs of cloud c (4..7),
# self-hosted on-premises (8), closed API (9)
N_ROUTES = 2 * N_CLOUDS + 2
R_ONPREM = 2 * N_CLOUDS
R_CLOSED = 2 * N_CLOUDS + 1
MAX_EVENTS = 2048
# every event that can be pending fits: per lab a release, a funding round or runway event and
# a price review, and a pressure review for every closed seller after each open release within
# the review lag's range (a lab releases at most once a month)
_LAG_MAX = int(np.ceil(GLOBAL_PARAMS[G.PRESSURE_REVIEW_LAG].hi))
HEAP_CAP = 64 + N_LABS * (8 + N_LABS * (_LAG_MAX + 1))
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
        ("open_revenue", np.float64),  # USD B last month earned on its open models
        ("rev_slow", np.float64),  # 12-month moving average of revenue
        ("spend", np.float64),  # training spend, USD B per month
        ("flop", np.float64),  # training compute of its window: what its next release is trained on
        ("dev_share", np.float64),  # share of developers in its ecosystem
        ("compute_pen", np.float64),  # OOM of compute lost to export controls
        ("releases", np.int64),
        ("funding_pending", np.int64),  # 1 round scheduled, 2 runway exhaustion scheduled
        ("forced", np.int64),  # investors forced the flagship closed
        ("line", np.int64),  # 1 while it keeps a smaller open model line beside a closed flagship
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
        ("vendor", np.int64),  # closed lab whose API it buys for its own tasks
        ("vendor_front", np.int64),  # closed lab whose API it buys for frontier-bound work
        ("next_review", np.int64),
        ("volume", np.float64),  # M tokens per month at 2023 demand
        ("sensitivity", np.float64),
        ("skill", np.float64),
        ("tolerance", np.float64),  # months behind the frontier its median task tolerates
        ("log_tolerance", np.float64),  # its logarithm (0 when the tolerance is 0)
        ("hybrid", np.float64),  # share of its own tasks' tokens a hybrid routes to open models
        ("hybrid_front", np.float64),  # the same for its frontier-bound work (workload.py)
        ("hybrid_self", np.int64),  # 1 if a hybrid self-hosts its open part, 0 managed
    ]
)

DEV_DTYPE = np.dtype(
    [
        ("region", np.int64),
        ("eco", np.int64),  # lab whose ecosystem it builds in
        ("next_review", np.int64),
        ("taste", np.float64),  # exp(taste for open tooling)
    ]
)

MKT_DTYPE = np.dtype(
    [
        ("seed", np.int64),
        ("month", np.int64),  # month being simulated
        ("months", np.int64),  # horizon
        ("hw_oom", np.float64),  # hardware price-performance gain in the fleet since 2023, OOM
        ("hw_pending", np.float64),  # shipped but not yet in the fleet, OOM
        ("price0", np.float64),  # average USD per M tokens paid in January 2023
        ("price_avg", np.float64),  # average USD per M tokens paid last month
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
        ("frontier", np.float64),  # best closed capability now
        ("open_best", np.float64),  # best open capability now
        ("fixed_units", np.float64),  # sum over self-hosters of (1 - discount x skill)
        ("n_selfhost", np.float64),  # number of self-hosting enterprises
        ("n_managed", np.float64),  # number of enterprises on managed open models only
        ("hybrids", np.float64),  # number of hybrid enterprises
        ("n_adopted", np.float64),
        ("large_adopted", np.float64),
        ("large_hybrids", np.float64),
        ("work_share", np.float64),  # frontier-bound share of tokens in hybrids' routes (vol)
        ("start_frontier", np.float64),  # best closed capability in January 2023
        ("out_n", np.int64),  # events waiting in the outbox
        ("heap_n", np.int64),
        ("seq", np.int64),
        ("log_n", np.int64),
        ("dropped", np.int64),
        ("liability_pending", np.int64),
        ("spend", np.float64),  # enterprise spend last month, USD B
        ("lab_receipts", np.float64),
        ("cloud_receipts", np.float64),
        ("onprem_spend", np.float64),
        ("training_spend", np.float64),  # labs' training spend last month, USD B
        ("open_core_fees", np.float64),  # paid to labs for their open models, USD B
        ("dev_stay", np.float64),  # exp(developer inertia), this month's review context
        ("dev_stay_open", np.float64),  # exp(the part of inertia lost between open families)
        ("plat_tokens", np.float64),  # platform tokens, M per month at 2023 demand
        ("new_open", np.float64),  # this month's new deployments using open weights, M tokens
        ("new_total", np.float64),  # this month's new deployments (adoptions, switches), M tokens
        ("new_open_acc", np.float64),  # exponentially weighted tallies of both (12 months)
        ("new_total_acc", np.float64),
        ("platform_spend", np.float64),  # platform segment's spend last month, USD B
        ("token_spend", np.float64),  # both segments' spend on tokens last month (no fixed costs)
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


class LV(IntEnum):
    """Columns of the per-lab view computed at each clearing."""

    PRICE = 0  # closed API price, USD per M tokens
    OCOST = 1  # serving cost of its best open model, USD per M tokens
    GAP_OPEN = 2  # months its best open model trails the frontier
    GAP_CLOSED = 3
    ECO_OPEN = 4  # 1 if its developer ecosystem is built on open weights
    ECO_GAP = 5
    AVAILABLE = 6  # 1 if developers can build on it
    SMALL_PRICE = 7  # its small closed tier's API price, USD per M tokens (platform segment)
    GAP_SMALL = 8  # months its small closed tier trails the frontier
    N = 9


class RV(IntEnum):
    """Columns of the per-region view enterprises decide on."""

    P_CLOSED = 0  # USD per M tokens, closed APIs (choice-weighted)
    GAP_CLOSED = 1  # months behind the frontier
    C_OPEN = 2  # serving cost of open models, USD per M tokens
    GAP_OPEN = 3
    P_CLOSED_FRONT = 4  # the same on frontier-bound work (vendors chosen for that work)
    GAP_CLOSED_FRONT = 5
    N = 6


class EC(IntEnum):
    """Month-level context shared by every enterprise review (computed once per clearing)."""

    DEMAND = 0  # token demand multiplier since 2023
    FIXED = 1  # self-hosting staff cost of a firm with no in-house skill, USD/month
    HYBRID_FIXED = 2  # hybrid coordination cost, USD/month
    FINETUNE = 3  # months of quality gap a fully skilled firm closes by fine-tuning
    ECO = 4  # utility of the open developer ecosystem
    LIABILITY = 5  # utility lost by deploying open weights under strict liability
    EU_PRIV = 6  # multiplier on data sensitivity in the EU (AI Act phases)
    FRICTION = 7  # integration effort of open models, utility
    ADOPT = 8  # chance a non-adopter adopts at this review
    SECURITY = 9  # self-hosting monitoring and security, USD/month
    GPU = 10  # USD per GPU-month
    FRONTIER_WORK = 11  # share of tokens in frontier-bound work (programming, agents)
    LOG_FRONTIER_TOLERANCE = 12  # log of the months behind the frontier that work tolerates
    N = 13


# layout of the clearing's scratch vector ``work`` (length W_N)
W_IS_OPEN = 0  # per lab: 1 if its ecosystem is open weights
W_DEV_WEIGHTS = N_LABS  # per lab: running sums of a developer's choice weights
W_UTIL = W_DEV_WEIGHTS + N_LABS  # an enterprise's option utilities (N_OPTIONS)
W_PROB = W_UTIL + N_OPTIONS  # its option probabilities
W_CTX = W_PROB + N_OPTIONS  # enterprise month context (EC)
W_N = W_CTX + EC.N

# trajectory series: market-wide ones, then one block per lab (lab k's series j is column
# S_LAB + k * len(LAB_SERIES) + j, named <lab>_<series>)
SERIES_DOCS = {
    "open_share": "share of enterprise tokens on open weights",
    "platform_open_share": "share of platform tokens (developers and start-ups buying through "
    "APIs, routers and inference hosts) on open weights",
    "new_open_share": "share of enterprises' new deployments (adoptions, switches of option and "
    "hybrids moving their open part), by tokens, that use open weights (any hybrid routing to "
    "them counts whole); weighted over about a year (exponential, 12-month time constant)",
    "open_hhi": "Herfindahl index (0-1) of open-weight tokens of both segments over the labs "
    "whose families carry them",
    "gap_months": "months the best open model trails the closed frontier",
    "frontier_price": (
        "USD per M tokens of the flagship: the most capable closed API "
        "(the best open model on a cloud where none is sold)"
    ),
    "open_price": "USD per M tokens of the best open model on a cloud",
    "price_at_start_frontier": "cheapest USD per M tokens of January 2023's frontier",
    "bigtech_open_share": "share of open tokens on big-tech-sponsored models",
    "adopted": "share of enterprises that adopted",
    "dev_open_share": "share of developers in open ecosystems",
    "selfhost_share": "share of enterprise tokens self-hosted",
    "managed_share": "share of enterprise tokens on managed open models",
    "hybrid_share_large": "share of large adopters running hybrid",
    "frontier_cap": "best closed capability, log10 effective FLOP",
    "open_cap": "best open capability, log10 effective FLOP",
    "reg_pressure": "regulatory pressure",
    "liability": "1 while strict liability for open weights is in force",
    "enterprise_spend": "enterprises' spend on language models: APIs, managed and self-hosted "
    "open models, in-house infrastructure, USD B per month",
    "platform_spend": "developers' and start-ups' spend on model APIs and hosted open models "
    "(the platform segment), USD B per month",
    "closed_revenue": "USD B per month paid for closed APIs, both segments",
    "open_core_revenue": "USD B per month paid to labs for their open models (SLAs, support, "
    "paid large models, hosting revenue shares)",
    "training_spend": "labs' training spend, USD B per month (paid to clouds and chip vendors)",
    "token_demand": "tokens per adopting enterprise relative to January 2023 (capability and "
    "price)",
    "avg_price": "average USD per M tokens paid across deployments",
    "cloud_revenue": "USD B per month kept by clouds",
    "money_residual": "spend of both segments - receipts: 0 when money is conserved",
    "independent_open": "independent labs still releasing open weights",
    "export_controls": "export-control tightenings so far",
}
MARKET_SERIES = tuple(SERIES_DOCS)
LAB_SERIES_DOCS = {
    "open": "1 while the lab's flagship is open weights",
    "revenue": "the lab's revenue last month (API, open core, revenue shares), USD B",
    "spend": "the lab's training spend, USD B per month",
    "cash": "cash of a venture-funded lab, USD B (0 for sponsored labs)",
    "open_usage_platform": "the lab's share of the platform segment's open-weight tokens",
    "open_usage_enterprise": "the lab's share of enterprises' open-weight tokens",
}
LAB_SERIES = tuple(LAB_SERIES_DOCS)
# per-lab shares of a segment's open usage are named <series>_<lab> (open_usage_platform_meta),
# the other per-lab series <lab>_<series> (meta_revenue)
LAB_LAST = ("open_usage_platform", "open_usage_enterprise")


def lab_column(lab: str, name: str) -> str:
    """Trajectory column of per-lab series ``name`` of lab ``lab``."""
    return f"{name}_{lab}" if name in LAB_LAST else f"{lab}_{name}"


SERIES_DOCS.update(LAB_SERIES_DOCS)
S_LAB = len(MARKET_SERIES)
SERIES_NAMES = (
    *MARKET_SERIES,
    *(lab_column(lab, name) for lab in LAB_NAMES for name in LAB_SERIES),
)
S = enum_of("S", (*SERIES_NAMES, "n"), "Trajectory series columns (S.N: their number).")


def lab_series(lab: int, name: str) -> int:
    """Column of per-lab series ``name`` of lab ``lab``."""
    return S_LAB + lab * len(LAB_SERIES) + LAB_SERIES.index(name)


# Every array of one run, in order: (field, how new_state allocates it from its arguments
# P, LP, CP, n_ent, n_dev, months, traj, log, what it holds). RunState, new_state and
# borrow_state are derived from this table (``uv run python -m sim.codegen``).
STATE_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("P", "P", "global parameters (sim.params.spec G)"),
    ("LP", "LP", "per-lab parameters (lab x L)"),
    ("CP", "CP", "per-cloud parameters (cloud x C)"),
    ("labs", "records(np.zeros(LP.shape[0], dtype=LAB_DTYPE))", "labs' records"),
    ("clouds", "records(np.zeros(CP.shape[0], dtype=CLOUD_DTYPE))", "clouds' records"),
    ("ents", "records(np.zeros(n_ent, dtype=ENT_DTYPE))", "enterprises' records"),
    ("devs", "records(np.zeros(n_dev, dtype=DEV_DTYPE))", "developers' records"),
    ("mkt", "records(np.zeros(1, dtype=MKT_DTYPE))", "one record of market-wide state"),
    ("hist", "np.zeros(months + 1)", "frontier capability at the end of each month"),
    ("vol", "np.zeros((N_ROUTES, LP.shape[0]))", "tokens per (route, lab) at 2023 demand"),
    (
        "hvol",
        "np.zeros((N_ROUTES, LP.shape[0]))",
        "hybrids' tokens per (route, lab) that move when their work turns frontier-bound: "
        "d vol / d (frontier-bound share), at 2023 demand",
    ),
    ("lv", "np.zeros((LP.shape[0], LV.N))", "per-lab view (LV)"),
    ("rv", "np.zeros((N_REGIONS, RV.N))", "per-region view (RV)"),
    (
        "rl",
        "np.zeros((4, N_REGIONS, LP.shape[0]))",
        "per region: running sums of vendors' and open families' choice weights (rows 0, 1), "
        "ecosystems' exp(appeal) (row 2), vendors' on frontier-bound work (row 3)",
    ),
    (
        "pv",
        "np.zeros((3, LP.shape[0]))",
        "platform token shares of lab k: row 0 closed flagship, 1 open family, 2 small tier",
    ),
    ("work", "np.zeros(W_N)", "the clearing's scratch (W_*)"),
    ("terms", "np.zeros(N_TERMS)", "license-decision terms (vocab.T)"),
    ("heap", "records(np.zeros(HEAP_CAP, dtype=HEAP_DTYPE))", "the fast engine's event heap"),
    (
        "outbox",
        "records(np.zeros(OUTBOX_CAP, dtype=HEAP_DTYPE))",
        "events the rules ask engines to schedule",
    ),
    ("traj", "traj", "trajectory: months x series (S)"),
    ("log", "records(log)", "event log (EVENT_DTYPE)"),
)
RunState = namedtuple("RunState", [name for name, _, _ in STATE_FIELDS])
RunState.__doc__ = "Every array of one run (sim.state.STATE_FIELDS says what each holds)."


def render_new_state() -> str:
    """The body of :func:`new_state` for :data:`STATE_FIELDS`."""
    lines = ["    return RunState(\n"]
    lines += [f"        {alloc},\n" for _, alloc, _ in STATE_FIELDS]
    return "".join(lines) + "    )\n"


def render_borrow_state() -> str:
    """The body of :func:`borrow_state` for :data:`STATE_FIELDS`."""
    lines = ["    return RunState(\n"]
    lines += [f"        borrow(s.{name}),\n" for name, _, _ in STATE_FIELDS]
    return "".join(lines) + "    )\n"


@kernel
def new_state(P, LP, CP, n_ent, n_dev, months, traj, log):
    """Allocate the zeroed state of one run writing into ``traj`` and ``log``."""
    # new_state:begin (generated from sim.state.STATE_FIELDS)
    return RunState(
        P,
        LP,
        CP,
        records(np.zeros(LP.shape[0], dtype=LAB_DTYPE)),
        records(np.zeros(CP.shape[0], dtype=CLOUD_DTYPE)),
        records(np.zeros(n_ent, dtype=ENT_DTYPE)),
        records(np.zeros(n_dev, dtype=DEV_DTYPE)),
        records(np.zeros(1, dtype=MKT_DTYPE)),
        np.zeros(months + 1),
        np.zeros((N_ROUTES, LP.shape[0])),
        np.zeros((N_ROUTES, LP.shape[0])),
        np.zeros((LP.shape[0], LV.N)),
        np.zeros((N_REGIONS, RV.N)),
        np.zeros((4, N_REGIONS, LP.shape[0])),
        np.zeros((3, LP.shape[0])),
        np.zeros(W_N),
        np.zeros(N_TERMS),
        records(np.zeros(HEAP_CAP, dtype=HEAP_DTYPE)),
        records(np.zeros(OUTBOX_CAP, dtype=HEAP_DTYPE)),
        traj,
        records(log),
    )
    # new_state:end


@kernel
def borrow_state(s):
    """The same state as views that own no reference (for loops over agents' reviews).

    The caller must use the owned state ``s`` after its last use of the views: numba frees
    an array after its owner's last use, and views do not keep it alive.
    """
    # borrow_state:begin (generated from sim.state.STATE_FIELDS)
    return RunState(
        borrow(s.P),
        borrow(s.LP),
        borrow(s.CP),
        borrow(s.labs),
        borrow(s.clouds),
        borrow(s.ents),
        borrow(s.devs),
        borrow(s.mkt),
        borrow(s.hist),
        borrow(s.vol),
        borrow(s.hvol),
        borrow(s.lv),
        borrow(s.rv),
        borrow(s.rl),
        borrow(s.pv),
        borrow(s.work),
        borrow(s.terms),
        borrow(s.heap),
        borrow(s.outbox),
        borrow(s.traj),
        borrow(s.log),
    )
    # borrow_state:end
