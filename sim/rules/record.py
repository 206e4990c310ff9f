"""The month's record: the trajectory row every engine writes at the end of a clearing (step 9)."""

from ..params.spec import G, L
from ..state import LV, R_CLOSED, S, lab_series
from .jit import kernel
from .technology import gap_months, serve_cost, test_time_oom

__all__ = ["record_month"]

_LAB_OPEN = lab_series(0, "open")
_LAB_CASH = lab_series(0, "cash")
_LAB_REVENUE = lab_series(0, "revenue")
_LAB_SPEND = lab_series(0, "spend")
_LAB_PLAT_OPEN = lab_series(0, "open_usage_platform")
_LAB_ENT_OPEN = lab_series(0, "open_usage_enterprise")
_LAB_STRIDE = lab_series(1, "open") - lab_series(0, "open")


@kernel
def record_month(s, t):
    """Step 9: the month's indicators."""
    P, LP, labs, clouds, mkt, hist, vol, lv = (
        s.P,
        s.LP,
        s.labs,
        s.clouds,
        s.mkt,
        s.hist,
        s.vol,
        s.lv,
    )
    traj = s.traj
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
    mk_mean = 0.0
    mk_min = 1e300
    for c in range(n_clouds):
        mk_mean += clouds[c].markup / n_clouds
        mk_min = min(mk_min, clouds[c].markup)
    reasoning = 10.0 ** test_time_oom(P, t)
    row[S.OPEN_PRICE] = serve_cost(P, m.open_best, t, m.hw_oom) * reasoning * mk_mean
    # the flagship's price: the most capable closed model on sale; where no closed API is
    # sold, the best open model as clouds sell it
    best = -1
    for k in range(n_labs):
        if labs[k].alive and labs[k].cap_closed > 0 and LP[k, L.SELLS_API] > 0:
            if best < 0 or labs[k].cap_closed > labs[best].cap_closed:
                best = k
    row[S.FRONTIER_PRICE] = lv[best, LV.PRICE] if best >= 0 else row[S.OPEN_PRICE]
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
    row[S.PLATFORM_SPEND] = m.platform_spend
    closed_rev = 0.0
    plat_open = 0.0
    plat_all = 0.0
    for k in range(n_labs):
        closed_tok = max(0.0, vol[R_CLOSED, k]) + max(0.0, s.pv[0, k]) * m.plat_tokens
        closed_rev += closed_tok * lv[k, LV.PRICE] * m.weight * m.demand / 1e9
        small = max(0.0, s.pv[2, k]) * m.plat_tokens
        closed_rev += small * lv[k, LV.SMALL_PRICE] * m.weight * m.demand / 1e9
        plat_open += s.pv[1, k]
        plat_all += s.pv[0, k] + s.pv[1, k] + s.pv[2, k]
    row[S.CLOSED_REVENUE] = closed_rev
    row[S.PLATFORM_OPEN_SHARE] = plat_open / plat_all if plat_all > 0 else 0.0
    # open usage by family: each segment's shares, and the concentration of both together
    # (a family's volume is a running sum of deployments added and removed: a family every
    # deployment has left may keep a rounding residue below zero, counted as none)
    ent_open_total = 0.0
    for k in range(n_labs):
        lab_ent = 0.0
        for r in range(R_CLOSED):
            lab_ent += vol[r, k]
        ent_open_total += max(0.0, lab_ent)
    hhi = 0.0
    both = ent_open_total + plat_open * m.plat_tokens
    for k in range(n_labs):
        row[_LAB_PLAT_OPEN + k * _LAB_STRIDE] = s.pv[1, k] / plat_open if plat_open > 0 else 0.0
        lab_ent = 0.0
        for r in range(R_CLOSED):
            lab_ent += vol[r, k]
        lab_ent = max(0.0, lab_ent)
        row[_LAB_ENT_OPEN + k * _LAB_STRIDE] = (
            lab_ent / ent_open_total if ent_open_total > 0 else 0.0
        )
        if both > 0:
            q = (lab_ent + s.pv[1, k] * m.plat_tokens) / both
            hhi += q * q
    row[S.OPEN_HHI] = hhi
    # new deployments on open weights, weighted over about a year
    decay = 1.0 - 1.0 / 12.0
    m.new_open_acc = decay * m.new_open_acc + m.new_open
    m.new_total_acc = decay * m.new_total_acc + m.new_total
    row[S.NEW_OPEN_SHARE] = m.new_open_acc / m.new_total_acc if m.new_total_acc > 0 else 0.0
    m.new_open = 0.0
    m.new_total = 0.0
    row[S.OPEN_CORE_REVENUE] = m.open_core_fees
    row[S.TRAINING_SPEND] = m.training_spend
    row[S.TOKEN_DEMAND] = m.demand
    row[S.AVG_PRICE] = m.price_avg
    row[S.CLOUD_REVENUE] = m.cloud_receipts
    row[S.MONEY_RESIDUAL] = (
        m.spend + m.platform_spend - m.lab_receipts - m.cloud_receipts - m.onprem_spend
    )
    for k in range(n_labs):
        row[_LAB_OPEN + k * _LAB_STRIDE] = labs[k].open
        # a lab short of cash runs up unpaid bills until its runway event (within two
        # months): its cash balance reads zero meanwhile, the shortfall is in that event
        row[_LAB_CASH + k * _LAB_STRIDE] = max(0.0, labs[k].cash)
        row[_LAB_REVENUE + k * _LAB_STRIDE] = labs[k].revenue
        row[_LAB_SPEND + k * _LAB_STRIDE] = labs[k].spend
    indep = 0.0
    for k in range(n_labs):
        lb = labs[k]
        releasing = lb.open or lb.line
        if lb.alive and lb.bigtech == 0 and releasing and lb.cap_open > 0:
            indep += 1.0
    row[S.INDEPENDENT_OPEN] = indep
    row[S.EXPORT_CONTROLS] = m.export_shocks
    hist[month] = m.frontier
