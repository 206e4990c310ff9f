"""The monthly clearing: what happens, in order, at the end of every month.

Order within the clearing of month m (event CLEARING at time m + 1, priority 0):

1. demand: token demand per adopter for month m;
2. training: every lab's training run accrues a month of compute at today's FLOP per USD;
3. views: per-lab prices, serving costs and gaps; per-region choice weights for closed vendors,
   open families and developer ecosystems; clouds set their managed markups;
4. developers due for review choose an ecosystem (against the views of step 3);
5. enterprises due for review adopt (Bass) and choose a deployment (against step 3);
6. money: enterprise spend is paid to vendors, clouds and in-house infrastructure; transfers
   (cloud resale, revenue shares) settle; venture-funded labs update cash;
7. funding: venture-funded labs short of runway schedule a round or run out of cash;
8. regulators: pressure decays; they may schedule an incident, strict liability, export controls;
   vendors' quarterly price reviews are scheduled;
9. record: the month's trajectory row and the frontier history.

Steps 1-3 are :func:`clearing_open`, each review of steps 4 and 5 is one call of
:func:`developer_review` or :func:`enterprise_review` (with :func:`developers_close` between
them), and steps 6-9 are :func:`clearing_close`; an engine sequences them. Reviews read only
start-of-clearing views and each agent's own state and stream, so choices do not depend on the
order agents are visited; token volumes are sums, so both engines visit the agents due in a
month in the same order: first scheduled, first reviewed.
"""

import numpy as np

from ..params.spec import C, G, L
from ..state import EV, LV, N_LABS, OPT, R_CLOSED, R_ONPREM, RV, A, S
from .developer import developer_decision, ecosystem_appeal
from .enterprise import EC, enterprise_context, enterprise_decision
from .eventlog import emit, log_event
from .geopolitics import origin_utility
from .jit import hot_kernel, kernel
from .pricing import cloud_markup
from .regulation import export_control_prob, incident_prob, liability_prob, pressure_decay
from .rng import stream_id, uniform
from .technology import (
    demand_level,
    gap_months,
    log_flop_per_usd,
    selfhost_fixed_factor,
    serve_cost,
)

__all__ = [
    "clearing_open",
    "developer_review",
    "developers_close",
    "enterprise_review",
    "clearing_close",
    "W_N",
    "apply_enterprise",
    "compute_views",
    "settle_money",
    "record_month",
    "open_share_now",
    "REG_STREAM",
]

REG_STREAM = 4
_NO_GAP = 1000.0

# layout of the clearing's scratch vector ``work`` (length W_N)
W_IS_OPEN = 0  # per lab: 1 if its ecosystem is open weights
W_DEV_WEIGHTS = N_LABS  # per lab: a developer's choice weights
W_UTIL = 2 * N_LABS  # 4 option utilities of an enterprise
W_PROB = 2 * N_LABS + 4  # 4 option probabilities
W_CTX = 2 * N_LABS + 8  # enterprise month context (EC)
W_N = 2 * N_LABS + 8 + EC.N


@kernel
def open_share_now(vol: np.ndarray) -> float:
    """Share of enterprise tokens on open weights from the route volumes."""
    open_v = 0.0
    for r in range(R_CLOSED):
        for k in range(vol.shape[1]):
            open_v += vol[r, k]
    closed_v = 0.0
    for k in range(vol.shape[1]):
        closed_v += vol[R_CLOSED, k]
    tot = open_v + closed_v
    return max(0.0, min(1.0, open_v / tot)) if tot > 0 else 0.0


@kernel
def compute_views(P, LP, CP, labs, clouds, mkt, hist, vol, lv, rv, rl, t):
    """Step 3: per-lab views, per-region choice weights and cloud markups."""
    m = mkt[0]
    month = m.month
    rate = P[G.FRONTIER_OOM_PER_MONTH]
    n_labs = labs.shape[0]
    for k in range(n_labs):
        lb = labs[k]
        lv[k, LV.PRICE] = serve_cost(P, lb.cap_closed, t, m.hw_oom) * lb.markup
        lv[k, LV.OCOST] = serve_cost(P, lb.cap_open, t, m.hw_oom)
        lv[k, LV.GAP_OPEN] = (
            gap_months(hist, month, m.frontier, lb.cap_open, rate) if lb.cap_open > 0 else _NO_GAP
        )
        lv[k, LV.GAP_CLOSED] = (
            gap_months(hist, month, m.frontier, lb.cap_closed, rate)
            if lb.cap_closed > 0
            else _NO_GAP
        )
        lv[k, LV.ECO_OPEN] = 1.0 if lb.cap_open > 0 else 0.0
        sells = lb.alive > 0 and lb.cap_closed > 0 and LP[k, L.SELLS_API] > 0
        if lb.cap_open > 0:
            lv[k, LV.ECO_GAP] = lv[k, LV.GAP_OPEN]
            lv[k, LV.AVAILABLE] = 1.0
        elif sells:
            lv[k, LV.ECO_GAP] = lv[k, LV.GAP_CLOSED]
            lv[k, LV.AVAILABLE] = 1.0
        else:
            lv[k, LV.ECO_GAP] = _NO_GAP
            lv[k, LV.AVAILABLE] = 0.0
    a = P[G.COST_WEIGHT]
    qw = P[G.QUALITY_WEIGHT]
    eco_w = P[G.ECOSYSTEM_STRENGTH] * P[G.ECOSYSTEM_ENTERPRISE]
    for r in range(rv.shape[0]):
        # closed vendors
        umax = -1e300
        for k in range(n_labs):
            lb = labs[k]
            if lb.alive > 0 and lb.cap_closed > 0 and LP[k, L.SELLS_API] > 0:
                u = (
                    LP[k, L.ENTERPRISE_APPEAL]
                    - a * np.log(lv[k, LV.PRICE])
                    - qw * max(lv[k, LV.GAP_CLOSED], 0.0)
                    + origin_utility(P, int(LP[k, L.HOME]), r, m.export_shocks)
                )
                rl[0, r, k] = u
                umax = max(umax, u)
            else:
                rl[0, r, k] = -1e300
        wsum = 0.0
        psum = 0.0
        gsum = 0.0
        for k in range(n_labs):
            w = np.exp(rl[0, r, k] - umax) if rl[0, r, k] > -1e299 else 0.0
            rl[0, r, k] = w
            wsum += w
            psum += w * lv[k, LV.PRICE]
            gsum += w * max(lv[k, LV.GAP_CLOSED], 0.0)
        rv[r, RV.P_CLOSED] = psum / wsum if wsum > 0 else 1e6
        rv[r, RV.GAP_CLOSED] = gsum / wsum if wsum > 0 else _NO_GAP
        # open families
        umax = -1e300
        for k in range(n_labs):
            lb = labs[k]
            if lb.cap_open > 0:
                u = (
                    LP[k, L.ENTERPRISE_APPEAL]
                    - a * np.log(lv[k, LV.OCOST])
                    - qw * max(lv[k, LV.GAP_OPEN], 0.0)
                    + eco_w * lb.dev_share
                    + origin_utility(P, int(LP[k, L.HOME]), r, m.export_shocks)
                )
                rl[1, r, k] = u
                umax = max(umax, u)
            else:
                rl[1, r, k] = -1e300
        wsum = 0.0
        psum = 0.0
        gsum = 0.0
        for k in range(n_labs):
            w = np.exp(rl[1, r, k] - umax) if rl[1, r, k] > -1e299 else 0.0
            rl[1, r, k] = w
            wsum += w
            psum += w * lv[k, LV.OCOST]
            gsum += w * max(lv[k, LV.GAP_OPEN], 0.0)
        rv[r, RV.C_OPEN] = psum / wsum if wsum > 0 else 1e6
        rv[r, RV.GAP_OPEN] = gsum / wsum if wsum > 0 else _NO_GAP
        # developer ecosystems
        for k in range(n_labs):
            if lv[k, LV.AVAILABLE] > 0:
                u = ecosystem_appeal(
                    P,
                    lv[k, LV.ECO_GAP],
                    labs[k].dev_share,
                    int(lv[k, LV.ECO_OPEN]),
                    -origin_utility(P, int(LP[k, L.HOME]), r, m.export_shocks),
                    m.liability,
                    t,
                )
                rl[2, r, k] = np.exp(min(u, 50.0))
            else:
                rl[2, r, k] = 0.0
    # clouds price managed open models against on-premises self-hosting
    onprem = 0.0
    selfv = 0.0
    n_clouds = clouds.shape[0]
    for k in range(n_labs):
        onprem += vol[R_ONPREM, k]
        for c in range(n_clouds):
            selfv += vol[n_clouds + c, k]
    selfv += onprem
    share = onprem / selfv if selfv > 0 else P[G.ONPREM_SHARE]
    for c in range(n_clouds):
        clouds[c].markup = cloud_markup(P, CP[c, C.PUSH] + P[G.CLOUD_PUSH], share)


@hot_kernel
def apply_enterprise(P, e, vol, mkt, sign):
    """Add (sign=+1) or remove (-1) an enterprise's tokens from the route volumes."""
    m = mkt[0]
    if e.option < 0:
        return
    n_clouds = (vol.shape[0] - 2) // 2
    v = sign * e.volume
    m.n_adopted += sign
    if e.large:
        m.large_adopted += sign
    if e.option == OPT.CLOSED:
        vol[R_CLOSED, e.vendor] += v
    elif e.option == OPT.MANAGED:
        vol[e.cloud, e.family] += v
    elif e.option == OPT.SELF:
        route = R_ONPREM if e.onprem else n_clouds + e.cloud
        vol[route, e.family] += v
        m.fixed_units += sign * (1.0 - P[G.SKILL_DISCOUNT] * e.skill)
    else:
        h = P[G.HYBRID_OPEN_SHARE]
        vol[e.cloud, e.family] += h * v
        vol[R_CLOSED, e.vendor] += (1.0 - h) * v
        m.hybrids += sign
        if e.large:
            m.large_hybrids += sign


@kernel
def settle_money(P, LP, CP, labs, clouds, mkt, vol, lv, t):
    """Step 6: enterprise spend flows to labs, clouds and in-house infrastructure (USD B)."""
    m = mkt[0]
    n_labs = labs.shape[0]
    n_clouds = clouds.shape[0]
    scale = m.weight * m.demand / 1e9
    fixed_f = selfhost_fixed_factor(P, t)
    resale = P[G.CLOUD_RESALE_CUT]
    overhead = P[G.SELFHOST_OVERHEAD]
    for c in range(n_clouds):
        clouds[c].revenue = 0.0
        clouds[c].open_revenue = 0.0
    spend = 0.0
    lab_total = 0.0
    for k in range(n_labs):
        closed = vol[R_CLOSED, k] * lv[k, LV.PRICE] * scale
        spend += closed
        # the partner cloud keeps its resale cut
        kept = closed
        for c in range(n_clouds):
            if int(CP[c, C.PARTNER]) == k:
                clouds[c].revenue += resale * closed
                kept = (1.0 - resale) * closed
                break
        # revenue share on managed hosting of its open models
        rate = 0.0
        if LP[k, L.OPEN0] > 0:
            if LP[k, L.SELLS_API] > 0:
                rate = P[G.MISTRAL_SLA_RATE] * P[G.MONETIZATION_STRENGTH]
            else:
                rate = P[G.CLOUD_REVSHARE] * P[G.MONETIZATION_STRENGTH]
        share_in = 0.0
        for c in range(n_clouds):
            managed = vol[c, k] * lv[k, LV.OCOST] * clouds[c].markup * scale
            rented = vol[n_clouds + c, k] * lv[k, LV.OCOST] * overhead * scale
            spend += managed + rented
            clouds[c].open_revenue += managed + rented
            clouds[c].revenue += managed + rented - rate * managed
            share_in += rate * managed
        onprem = vol[R_ONPREM, k] * lv[k, LV.OCOST] * overhead * scale
        spend += onprem
        lb = labs[k]
        lb.revenue = kept + share_in
        lb.rev_slow += (lb.revenue - lb.rev_slow) / 12.0
        lab_total += lb.revenue
        if lb.funding == 1 and lb.alive:
            lb.cash += lb.revenue - LP[k, L.OPEX] - lb.spend
    fixed = (m.fixed_units * P[G.SELFHOST_FIXED] + m.hybrids * P[G.HYBRID_FIXED]) * fixed_f
    fixed *= m.weight / 1e9
    onprem_total = fixed
    for k in range(n_labs):
        onprem_total += vol[R_ONPREM, k] * lv[k, LV.OCOST] * overhead * scale
    spend += fixed
    cloud_total = 0.0
    for c in range(n_clouds):
        cloud_total += clouds[c].revenue
    m.spend = spend
    m.lab_receipts = lab_total
    m.cloud_receipts = cloud_total
    m.onprem_spend = onprem_total


@kernel
def record_month(P, LP, labs, clouds, mkt, hist, vol, lv, traj, t):
    """Step 9: the month's indicators."""
    m = mkt[0]
    month = m.month
    n_labs = labs.shape[0]
    n_clouds = clouds.shape[0]
    rate = P[G.FRONTIER_OOM_PER_MONTH]
    row = traj[month]
    open_v = 0.0
    big_v = 0.0
    self_v = 0.0
    managed_v = 0.0
    closed_v = 0.0
    for k in range(n_labs):
        lab_open = 0.0
        for r in range(R_CLOSED):
            lab_open += vol[r, k]
            if r < n_clouds:
                managed_v += vol[r, k]
            else:
                self_v += vol[r, k]
        open_v += lab_open
        if labs[k].bigtech:
            big_v += lab_open
        closed_v += vol[R_CLOSED, k]
    tot = open_v + closed_v
    row[S.OPEN_SHARE] = max(0.0, min(1.0, open_v / tot)) if tot > 0 else 0.0
    row[S.SELFHOST_SHARE] = max(0.0, self_v / tot) if tot > 0 else 0.0
    row[S.MANAGED_SHARE] = max(0.0, managed_v / tot) if tot > 0 else 0.0
    row[S.BIGTECH_OPEN_SHARE] = max(0.0, min(1.0, big_v / open_v)) if open_v > 0 else 0.0
    row[S.GAP_MONTHS] = gap_months(hist, month, m.frontier, m.open_best, rate)
    # frontier price: the most capable closed model on sale
    best = -1
    for k in range(n_labs):
        if labs[k].alive and labs[k].cap_closed > 0 and LP[k, L.SELLS_API] > 0:
            if best < 0 or labs[k].cap_closed > labs[best].cap_closed:
                best = k
    row[S.FRONTIER_PRICE] = lv[best, LV.PRICE] if best >= 0 else np.nan
    mk_mean = 0.0
    mk_min = 1e300
    for c in range(n_clouds):
        mk_mean += clouds[c].markup / n_clouds
        mk_min = min(mk_min, clouds[c].markup)
    row[S.OPEN_PRICE] = serve_cost(P, m.open_best, t, m.hw_oom) * mk_mean
    c0 = m.start_frontier
    cheapest = 1e300
    base = serve_cost(P, c0, t, m.hw_oom)
    for k in range(n_labs):
        lb = labs[k]
        if lb.alive and lb.cap_closed >= c0 and LP[k, L.SELLS_API] > 0:
            cheapest = min(cheapest, base * lb.markup)
        if lb.cap_open >= c0:
            cheapest = min(cheapest, base * mk_min)
    row[S.PRICE_AT_START_FRONTIER] = cheapest
    row[S.ADOPTED] = m.adopted
    row[S.DEV_OPEN_SHARE] = m.dev_open_share
    row[S.HYBRID_SHARE_LARGE] = m.large_hybrids / m.large_adopted if m.large_adopted > 0 else 0.0
    row[S.FRONTIER_CAP] = m.frontier
    row[S.OPEN_CAP] = m.open_best
    row[S.REG_PRESSURE] = m.reg_pressure
    row[S.LIABILITY] = m.liability
    row[S.ENTERPRISE_SPEND] = m.spend
    closed_rev = 0.0
    for k in range(n_labs):
        closed_rev += vol[R_CLOSED, k] * lv[k, LV.PRICE] * m.weight * m.demand / 1e9
    row[S.CLOSED_REVENUE] = closed_rev
    row[S.CLOUD_REVENUE] = m.cloud_receipts
    row[S.MONEY_RESIDUAL] = m.spend - m.lab_receipts - m.cloud_receipts - m.onprem_spend
    row[S.META_OPEN] = labs[0].open
    row[S.MISTRAL_OPEN] = labs[1].open
    row[S.ALIBABA_OPEN] = labs[2].open
    row[S.MISTRAL_CASH] = labs[1].cash
    indep = 0.0
    for k in range(n_labs):
        lb = labs[k]
        releasing = lb.open or (LP[k, L.OPEN_CORE] > 0 and lb.forced == 0)
        if lb.alive and lb.bigtech == 0 and releasing and lb.cap_open > 0:
            indep += 1.0
    row[S.INDEPENDENT_OPEN] = indep
    row[S.EXPORT_CONTROLS] = m.export_shocks
    hist[month] = m.frontier


@kernel
def clearing_open(P, LP, CP, labs, clouds, mkt, hist, vol, lv, rv, rl, work):
    """Steps 1-3 of the clearing of month ``mkt.month``, and the developers' month context."""
    m = mkt[0]
    t = float(m.month)
    n_labs = labs.shape[0]
    # 1 demand
    m.demand = demand_level(P, t)
    # 2 training accrues compute
    for k in range(n_labs):
        lb = labs[k]
        if lb.alive and lb.spend > 0:
            lb.flop += lb.spend * 1e9 * 10.0 ** (log_flop_per_usd(P, m.hw_oom) - lb.compute_pen)
    # 3 views
    compute_views(P, LP, CP, labs, clouds, mkt, hist, vol, lv, rv, rl, t)
    # developers' context: which ecosystems are open, the pull of staying put
    for k in range(n_labs):
        work[W_IS_OPEN + k] = lv[k, LV.ECO_OPEN]
    m.dev_stay = np.exp(P[G.DEV_INERTIA])
    m.dev_reviewed = 0
    m.dev_switched = 0


@hot_kernel
def developer_review(P, devs, labs, mkt, rl, work, i):
    """Step 4 for developer ``i``: choose an ecosystem, move its head count, set the next review.

    Reads only the views of :func:`clearing_open` and the developer's own state and stream.
    """
    m = mkt[0]
    d = devs[i]
    n_labs = labs.shape[0]
    eco, nxt = developer_decision(
        P,
        d,
        i,
        m.month,
        m.seed,
        rl[2],
        work[W_IS_OPEN : W_IS_OPEN + n_labs],
        m.dev_stay,
        work[W_DEV_WEIGHTS : W_DEV_WEIGHTS + n_labs],
    )
    m.dev_reviewed += 1
    if eco != d.eco:
        labs[d.eco].devs -= 1.0
        labs[eco].devs += 1.0
        d.eco = eco
        m.dev_switched += 1
    d.next_review = nxt


@kernel
def developers_close(P, labs, devs, mkt, lv, log, work):
    """After step 4: log the month's switches, update ecosystem shares; then open step 5."""
    m = mkt[0]
    t = float(m.month)
    n_labs = labs.shape[0]
    if m.dev_reviewed > 0:
        log_event(
            log,
            mkt,
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
def enterprise_review(P, ents, clouds, mkt, vol, rv, rl, work, i):
    """Step 5 for enterprise ``i``: adopt and choose a deployment, move its tokens, set the
    next review. Reads only the views of :func:`clearing_open` and its own state and stream."""
    m = mkt[0]
    e = ents[i]
    option, family, vendor, nxt = enterprise_decision(
        P,
        e,
        i,
        m.month,
        m.seed,
        rv,
        rl[0],
        rl[1],
        clouds[e.cloud].markup,
        work[W_CTX : W_CTX + EC.N],
        work[W_UTIL : W_UTIL + 4],
        work[W_PROB : W_PROB + 4],
    )
    if option != OPT.CLOSED and family < 0:
        option = OPT.CLOSED
    if option != e.option or family != e.family or vendor != e.vendor:
        if e.option < 0:
            m.ent_adopters += 1
        elif option != e.option:
            m.ent_switched += 1
        apply_enterprise(P, e, vol, mkt, -1.0)
        e.option = option
        e.family = family
        e.vendor = vendor
        apply_enterprise(P, e, vol, mkt, 1.0)
    m.ent_reviewed += 1
    e.next_review = nxt


@kernel
def clearing_close(P, LP, CP, labs, clouds, ents, mkt, hist, vol, lv, traj, log, outbox):
    """Steps 6-9 of the clearing of month ``mkt.month``, then open the next month."""
    m = mkt[0]
    month = m.month
    t = float(month)
    seed = m.seed
    n_labs = labs.shape[0]
    ev_time = t + 1.0
    month_end = ev_time - 1e-6  # logged summaries of this month's reviews carry its date
    if m.ent_reviewed > 0:
        log_event(
            log,
            mkt,
            month_end,
            EV.ENTERPRISE_REVIEWS,
            A.ENTERPRISES,
            float(m.ent_switched),
            float(m.ent_reviewed),
            m.ent_adopters,
        )
    m.adopted = m.n_adopted / ents.shape[0]
    m.dev_open_share = m.dev_open_next
    # 6 money
    settle_money(P, LP, CP, labs, clouds, mkt, vol, lv, t)
    # 7 funding
    for k in range(n_labs):
        lb = labs[k]
        if lb.funding != 1 or lb.alive == 0 or lb.funding_pending:
            continue
        burn = LP[k, L.OPEX] + lb.spend - lb.revenue
        if lb.cash < 0:
            lb.funding_pending = 2
            emit(outbox, mkt, ev_time + 0.5, EV.RUNWAY_EXHAUSTED, k)
        elif burn > 0 and lb.cash / burn < P[G.RUNWAY_TRIGGER]:
            lb.funding_pending = 1
            u = uniform(seed, stream_id(1, k, 3), month)
            emit(outbox, mkt, ev_time + u, EV.FUNDING_ROUND, k)
    # 8 regulators and price reviews
    st = stream_id(REG_STREAM, 0, 1)
    m.reg_pressure *= pressure_decay(P)
    if uniform(seed, st, 8 * month) < incident_prob(P, m.dev_open_share, m.open_best):
        # the misused model comes from the lab with the largest open developer base
        lab = 0
        most = -1.0
        for k in range(n_labs):
            if lv[k, LV.ECO_OPEN] > 0 and labs[k].devs > most:
                lab = k
                most = labs[k].devs
        emit(outbox, mkt, ev_time + uniform(seed, st, 8 * month + 1), EV.SAFETY_INCIDENT, lab)
    if m.liability == 0 and m.liability_pending == 0:
        if uniform(seed, st, 8 * month + 2) < liability_prob(P, m.reg_pressure):
            m.liability_pending = 1
            emit(
                outbox,
                mkt,
                ev_time + uniform(seed, st, 8 * month + 3),
                EV.LIABILITY_SHOCK,
                A.EU_REGULATOR,
            )
    if month >= 24 and uniform(seed, st, 8 * month + 4) < export_control_prob(P):
        emit(
            outbox,
            mkt,
            ev_time + uniform(seed, st, 8 * month + 5),
            EV.EXPORT_CONTROL,
            A.US_REGULATOR,
        )
    period = max(1, int(P[G.PRICE_REVIEW_MONTHS]))
    for k in range(n_labs):
        if (
            (month + k) % period == 0
            and labs[k].alive
            and labs[k].cap_closed > 0
            and LP[k, L.SELLS_API] > 0
        ):
            emit(outbox, mkt, ev_time + 0.5, EV.PRICE_REVIEW, k)
    # 9 record
    record_month(P, LP, labs, clouds, mkt, hist, vol, lv, traj, t)
    m.month = month + 1
    if month + 1 < m.months:
        emit(outbox, mkt, ev_time + 1.0, EV.CLEARING, A.MARKET)
