"""The monthly clearing: the steps of the month's plan, each a kernel on the run state.

The order of the steps is :data:`sim.plan.MONTH_PLAN` (``uv run aimarket plan`` prints it):
both engines iterate that table, the fast engine through code generated from it, the
reference engine in Python. A market step is one call of a ``step_*`` kernel below; a review
step is one call of :func:`developer_review` or :func:`enterprise_review` per agent due that
month. The views are in ``views.py``, money in ``money.py``, the month's record in
``record.py``. Reviews read only the views of the steps before them and each agent's own
state and stream, so choices do not depend on the order agents are visited; token volumes are
sums, so both engines visit the agents due in a month in the same order: first scheduled,
first reviewed.
"""

import numpy as np

from ..actors import A
from ..events import EV
from ..params.spec import G, L
from ..state import EC, LV, R_CLOSED, R_ONPREM, W_CTX, W_DEV_WEIGHTS, W_IS_OPEN, W_PROB, W_UTIL
from ..vocab import (
    N_OPTIONS,
    OPT,
    REGULATOR_DRAWS,
    REGULATOR_PURPOSE,
    Funding,
    LabDraw,
    RegDraw,
    Stream,
)
from .developer import developer_decision
from .enterprise import enterprise_context, enterprise_decision
from .eventlog import emit, log_event
from .jit import hot_kernel, kernel
from .money import settle_money
from .platform import platform_targets, update_platform
from .record import record_month
from .regulation import export_control_prob, incident_prob, liability_prob, pressure_decay
from .rng import stream_id, uniform
from .technology import (
    frontier_spend,
    log_flop_per_usd,
    phase_in_hardware,
    spend_budget,
    token_demand,
    training_window_keep,
)
from .views import compute_views
from .workload import enterprise_work_share, work_mix

__all__ = [
    "step_demand",
    "step_training",
    "step_views",
    "developers_open",
    "developer_review",
    "developers_close",
    "enterprise_review",
    "enterprises_close",
    "step_money",
    "step_funding",
    "step_regulators",
    "step_price_reviews",
    "step_record",
    "apply_enterprise",
]


@hot_kernel
def apply_enterprise(P, e, vol, hvol, mkt, sign):
    """Add (sign=+1) or remove (-1) an enterprise's tokens from the route volumes.

    Self-hosted open weights (wholly or a hybrid's open part) run on the firm's own hardware
    or on GPUs rented from its cloud, and count towards the in-house fixed costs. A closed
    buyer or a hybrid buys its own tasks' closed tokens from ``e.vendor`` and its
    frontier-bound work's from ``e.vendor_front``; a hybrid routes its own tasks and its
    frontier-bound work to open weights separately (``e.hybrid``, ``e.hybrid_front``). Both
    are mixed by the month's frontier-bound share ``mkt.work_share``; ``hvol`` keeps how the
    routes move with that share, so that :func:`step_demand` re-mixes every buyer's tokens
    monthly as the work shifts.
    """
    m = mkt[0]
    if e.option < 0:
        return
    n_clouds = (vol.shape[0] - 2) // 2
    v = sign * e.volume
    m.n_adopted += sign
    if e.large:
        m.large_adopted += sign
    hosted = e.option == OPT.SELF or (e.option == OPT.HYBRID and e.hybrid_self)
    open_route = e.cloud
    if hosted:
        open_route = R_ONPREM if e.onprem else n_clouds + e.cloud
        m.fixed_units += sign * (1.0 - P[G.SKILL_DISCOUNT] * e.skill)
        m.n_selfhost += sign
    w = m.work_share
    if e.option == OPT.MANAGED or e.option == OPT.SELF:
        vol[open_route, e.family] += v
        if e.option == OPT.MANAGED:
            m.n_managed += sign
        return
    # closed tokens: its own tasks' to e.vendor, its frontier-bound work's to e.vendor_front
    c_own, c_front = v, v
    if e.option == OPT.HYBRID:
        vol[open_route, e.family] += work_mix(w, e.hybrid, e.hybrid_front) * v
        hvol[open_route, e.family] += (e.hybrid_front - e.hybrid) * v
        c_own = (1.0 - e.hybrid) * v
        c_front = (1.0 - e.hybrid_front) * v
        m.hybrids += sign
        if e.large:
            m.large_hybrids += sign
    vol[R_CLOSED, e.vendor] += (1.0 - w) * c_own
    vol[R_CLOSED, e.vendor_front] += w * c_front
    hvol[R_CLOSED, e.vendor] -= c_own
    hvol[R_CLOSED, e.vendor_front] += c_front


@kernel
def step_demand(s):
    """The fleet renews (hardware phase-in), demand answers capability and price; buyers
    route the month's mix of work (hybrids' routers send each request where it is met, and
    frontier-bound work goes to its own vendor)."""
    P, mkt, vol, hvol = s.P, s.mkt, s.vol, s.hvol
    m = mkt[0]
    t = float(m.month)
    n_labs = s.labs.shape[0]
    phase_in_hardware(P, m)
    # last month's spend on tokens per unit of demand: what the budget bounds (in-house fixed
    # costs are staff and security, not model spend)
    per_unit = m.token_spend / m.demand if m.demand > 0 else 0.0
    m.demand = token_demand(
        P, m.frontier - m.start_frontier, m.price_avg / m.price0, per_unit, spend_budget(P, t)
    )
    w = enterprise_work_share(P, t)
    if w != m.work_share:
        dw = w - m.work_share
        for r in range(vol.shape[0]):
            for k in range(n_labs):
                vol[r, k] += dw * hvol[r, k]
        m.work_share = w


@kernel
def step_training(s):
    """Every lab's training compute accrues a month at today's FLOP per USD, over a window
    of ``technology.training_window_months`` (exponentially weighted): what its next release
    is trained on, whenever it comes."""
    P, labs = s.P, s.labs
    m = s.mkt[0]
    keep = training_window_keep(P)
    for k in range(labs.shape[0]):
        lb = labs[k]
        if lb.alive:
            lb.flop *= keep
            if lb.spend > 0:
                lb.flop += lb.spend * 1e9 * 10.0 ** (log_flop_per_usd(P, m.hw_oom) - lb.compute_pen)


@kernel
def step_views(s):
    """Per-lab and per-region views; platform buyers move towards the month's best offers."""
    t = float(s.mkt[0].month)
    compute_views(s, t)
    target = np.zeros((3, s.labs.shape[0]))
    platform_targets(s, target)
    update_platform(s, target)


@kernel
def developers_open(s):
    """The developers' month context: which ecosystems are open, the pull of staying put."""
    P, lv, work = s.P, s.lv, s.work
    m = s.mkt[0]
    for k in range(s.labs.shape[0]):
        work[W_IS_OPEN + k] = lv[k, LV.ECO_OPEN]
    m.dev_stay = np.exp(P[G.DEV_INERTIA])
    m.dev_stay_open = np.exp(P[G.DEV_SHARED_TOOLING] * P[G.DEV_INERTIA])
    m.dev_reviewed = 0
    m.dev_switched = 0


@hot_kernel
def developer_review(P, devs, labs, mkt, rl, work, i):
    """Step 4 for developer ``i``: choose an ecosystem, move its head count, set the next review.

    Reads only the views of the steps before it and the developer's own state and stream.
    """
    m = mkt[0]
    d = devs[i]
    n_labs = labs.shape[0]
    eco, nxt = developer_decision(
        P=P,
        d=d,
        idx=i,
        month=m.month,
        seed=m.seed,
        exp_appeal=rl[2],
        is_open=work[W_IS_OPEN : W_IS_OPEN + n_labs],
        stay=m.dev_stay,
        stay_open=m.dev_stay_open,
        weights=work[W_DEV_WEIGHTS : W_DEV_WEIGHTS + n_labs],
    )
    m.dev_reviewed += 1
    if eco != d.eco:
        labs[d.eco].devs -= 1.0
        labs[eco].devs += 1.0
        d.eco = eco
        m.dev_switched += 1
    d.next_review = nxt


@kernel
def developers_close(s):
    """Log the month's developer switches, update ecosystem shares; the enterprises' month
    context."""
    P, labs, devs, mkt, lv, work = s.P, s.labs, s.devs, s.mkt, s.lv, s.work
    m = mkt[0]
    t = float(m.month)
    n_labs = labs.shape[0]
    if m.dev_reviewed > 0:
        log_event(
            s,
            t + 1.0 - 1e-6,
            EV.DEVELOPER_SWITCHES,
            A.DEVELOPERS,
            float(m.dev_switched),
            float(m.dev_reviewed),
            0,
        )
    n_dev = float(devs.shape[0])
    open_devs = 0.0
    for k in range(n_labs):
        labs[k].dev_share = labs[k].devs / n_dev
        if lv[k, LV.ECO_OPEN] > 0:
            open_devs += labs[k].devs
    # enterprises this month still see last month's developer share
    m.dev_open_next = open_devs / n_dev
    enterprise_context(
        P,
        t,
        m.demand,
        m.dev_open_share,
        m.liability,
        m.eu_phase,
        m.adopted,
        work[W_CTX : W_CTX + EC.N],
    )
    m.ent_reviewed = 0
    m.ent_switched = 0
    m.ent_adopters = 0


@hot_kernel
def enterprise_review(P, ents, clouds, mkt, vol, hvol, rv, rl, work, i):
    """Step 5 for enterprise ``i``: adopt and choose a deployment, move its tokens, set the
    next review. Reads only the views of the steps before it and its own state and stream."""
    m = mkt[0]
    e = ents[i]
    option, family, vendor, front, nxt, h_own, h_front, hosted = enterprise_decision(
        P=P,
        e=e,
        idx=i,
        month=m.month,
        seed=m.seed,
        rv=rv,
        vweights=rl[0],
        fweights=rl[1],
        fvweights=rl[3],
        cloud_markup=clouds[e.cloud].markup,
        ctx=work[W_CTX : W_CTX + EC.N],
        util=work[W_UTIL : W_UTIL + N_OPTIONS],
        prob=work[W_PROB : W_PROB + N_OPTIONS],
    )
    if option != OPT.CLOSED and family < 0:
        option = OPT.CLOSED
        hosted = 0
    moved = option == OPT.HYBRID and e.option == OPT.HYBRID and hosted != e.hybrid_self
    rerouted = option == OPT.HYBRID and (h_own != e.hybrid or h_front != e.hybrid_front)
    revendored = vendor != e.vendor or front != e.vendor_front
    if option != e.option or family != e.family or revendored or rerouted or moved:
        if e.option < 0 or option != e.option or moved:
            # a new deployment, counted by its tokens: does it use open weights at all?
            m.new_total += e.volume
            if option == OPT.MANAGED or option == OPT.SELF:
                m.new_open += e.volume
            elif option == OPT.HYBRID and work_mix(m.work_share, h_own, h_front) > 0.0:
                m.new_open += e.volume
        if e.option < 0:
            m.ent_adopters += 1
        elif option != e.option:
            m.ent_switched += 1
        apply_enterprise(P, e, vol, hvol, mkt, -1.0)
        e.option = option
        e.family = family
        e.vendor = vendor
        e.vendor_front = front
        e.hybrid = h_own
        e.hybrid_front = h_front
        e.hybrid_self = hosted
        apply_enterprise(P, e, vol, hvol, mkt, 1.0)
    m.ent_reviewed += 1
    e.next_review = nxt


@kernel
def enterprises_close(s):
    """Log the month's enterprise reviews; adoption and the developers' open share as the
    next month sees them."""
    m = s.mkt[0]
    if m.ent_reviewed > 0:
        log_event(
            s,
            m.month + 1.0 - 1e-6,  # summaries of this month's reviews carry its date
            EV.ENTERPRISE_REVIEWS,
            A.ENTERPRISES,
            float(m.ent_switched),
            float(m.ent_reviewed),
            m.ent_adopters,
        )
    m.adopted = m.n_adopted / s.ents.shape[0]
    m.dev_open_share = m.dev_open_next


@kernel
def step_money(s):
    """Enterprise and platform spend is paid to vendors, clouds and in-house infrastructure;
    transfers settle; venture-funded labs update cash."""
    settle_money(s, float(s.mkt[0].month))


@kernel
def step_funding(s):
    """Venture-funded labs short of runway schedule a round, or run out of cash."""
    P, LP, labs = s.P, s.LP, s.labs
    m = s.mkt[0]
    month = m.month
    ev_time = month + 1.0
    for k in range(labs.shape[0]):
        lb = labs[k]
        if lb.funding != Funding.VENTURE or lb.alive == 0 or lb.funding_pending:
            continue
        # a lab raises to fund the race it wants, not just the run it can afford
        want = max(lb.spend, LP[k, L.AMBITION] * frontier_spend(P, float(month)))
        burn = LP[k, L.OPEX] + want - lb.revenue
        if lb.cash < 0:
            lb.funding_pending = 2
            emit(s, ev_time + 0.5, EV.RUNWAY_EXHAUSTED, k)
        elif burn > 0 and lb.cash / burn < P[G.RUNWAY_TRIGGER]:
            lb.funding_pending = 1
            u = uniform(m.seed, stream_id(Stream.LAB, k, LabDraw.FUNDING_TIME), month)
            emit(s, ev_time + u, EV.FUNDING_ROUND, k)


@kernel
def step_regulators(s):
    """Pressure decays; regulators may schedule an incident, strict liability, export
    controls."""
    P, labs, lv = s.P, s.labs, s.lv
    m = s.mkt[0]
    month = m.month
    seed = m.seed
    ev_time = month + 1.0
    st = stream_id(Stream.REGULATOR, 0, REGULATOR_PURPOSE)
    c = REGULATOR_DRAWS * month  # this month's draws of the regulators' stream
    m.reg_pressure *= pressure_decay(P)
    if uniform(seed, st, c + RegDraw.INCIDENT) < incident_prob(P, m.dev_open_share, m.open_best):
        # the misused model comes from the lab with the largest open developer base
        lab = 0
        most = -1.0
        for k in range(labs.shape[0]):
            if lv[k, LV.ECO_OPEN] > 0 and labs[k].devs > most:
                lab = k
                most = labs[k].devs
        emit(s, ev_time + uniform(seed, st, c + RegDraw.INCIDENT_TIME), EV.SAFETY_INCIDENT, lab)
    if m.liability == 0 and m.liability_pending == 0:
        u = uniform(seed, st, c + RegDraw.LIABILITY)
        if u < liability_prob(P, m.reg_pressure, m.dev_open_share):
            m.liability_pending = 1
            emit(
                s,
                ev_time + uniform(seed, st, c + RegDraw.LIABILITY_TIME),
                EV.LIABILITY_SHOCK,
                A.EU_REGULATOR,
            )
    if month >= 24 and uniform(seed, st, c + RegDraw.EXPORT) < export_control_prob(P):
        emit(
            s,
            ev_time + uniform(seed, st, c + RegDraw.EXPORT_TIME),
            EV.EXPORT_CONTROL,
            A.US_REGULATOR,
        )


@kernel
def step_price_reviews(s):
    """Closed vendors' price reviews (every vendors.price_review_months, staggered by lab)."""
    P, LP, labs = s.P, s.LP, s.labs
    month = s.mkt[0].month
    period = max(1, int(P[G.PRICE_REVIEW_MONTHS]))
    for k in range(labs.shape[0]):
        if (
            (month + k) % period == 0
            and labs[k].alive
            and labs[k].cap_closed > 0
            and LP[k, L.SELLS_API] > 0
        ):
            emit(s, month + 1.5, EV.PRICE_REVIEW, k)


@kernel
def step_record(s):
    """The month's trajectory row and the frontier history; the next month's clearing."""
    m = s.mkt[0]
    month = m.month
    record_month(s, float(month))
    m.month = month + 1
    if month + 1 < m.months:
        emit(s, month + 2.0, EV.CLEARING, A.MARKET)
