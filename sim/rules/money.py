"""Money: both segments' spend flows to labs, clouds and in-house infrastructure (step 6).

Every USD of spend is received by someone: a lab (API revenue, revenue shares), a cloud
(managed hosting, rented GPUs, its resale cut; the inference hosts for the platform segment's
open tokens) or the enterprise's own infrastructure; the trajectory's ``money_residual`` is
the difference and stays at zero.
"""

from ..params.spec import C, G, L
from ..state import LV, R_CLOSED, R_ONPREM
from ..vocab import Funding
from .jit import kernel
from .platform import HOSTS
from .technology import selfhost_fixed_factor

__all__ = ["settle_money"]


@kernel
def settle_money(s, t):
    """Step 6: enterprise spend flows to labs, clouds and in-house infrastructure (USD B)."""
    P, LP, CP, labs, clouds, mkt, vol, lv = s.P, s.LP, s.CP, s.labs, s.clouds, s.mkt, s.vol, s.lv
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
    fees_total = 0.0
    onprem_total = 0.0
    tokens = 0.0
    training = 0.0
    # the platform segment buys this many tokens (M a month at 2023 demand) as a multiple of
    # the adopting enterprises'
    ent_tokens = 0.0
    for r in range(vol.shape[0]):
        for k in range(n_labs):
            ent_tokens += max(0.0, vol[r, k])
    m.plat_tokens = P[G.PLAT_TOKEN_RATIO] * ent_tokens
    plat_total = 0.0
    for k in range(n_labs):
        # route volumes are running sums of deployments added and removed: a route every
        # deployment has left may keep a rounding residue below zero, which buys nothing
        v_closed = max(0.0, vol[R_CLOSED, k])
        closed = v_closed * lv[k, LV.PRICE] * scale
        spend += closed
        tokens += v_closed
        # the partner cloud keeps its resale cut
        kept = closed
        for c in range(n_clouds):
            if int(CP[c, C.PARTNER]) == k:
                clouds[c].revenue += resale * closed
                kept = (1.0 - resale) * closed
                break
        # revenue share on managed hosting of its open models; open-core fees on every
        # deployment of them (driver 3)
        rate = 0.0
        fee_rate = 0.0
        # (a fee is at most the deployment's own cost; a revenue share leaves the host at
        # least its serving cost, so strengths past 1 cannot make a host's revenue negative)
        if labs[k].cap_open > 0:
            rate = LP[k, L.HOSTING_REVSHARE] * P[G.MONETIZATION_STRENGTH]
            fee_rate = min(1.0, LP[k, L.OPEN_CORE_RATE] * P[G.MONETIZATION_STRENGTH])
        if labs[k].alive == 0:
            fee_rate = 0.0
        share_in = 0.0
        deployed = 0.0
        for c in range(n_clouds):
            v_managed = max(0.0, vol[c, k])
            v_rented = max(0.0, vol[n_clouds + c, k])
            managed = v_managed * lv[k, LV.OCOST] * clouds[c].markup * scale
            rented = v_rented * lv[k, LV.OCOST] * overhead * scale
            spend += managed + rented
            tokens += v_managed + v_rented
            deployed += managed + rented
            clouds[c].open_revenue += managed + rented
            cut = min(rate, 1.0 - 1.0 / clouds[c].markup)
            clouds[c].revenue += managed + rented - cut * managed
            share_in += cut * managed
        v_onprem = max(0.0, vol[R_ONPREM, k])
        onprem = v_onprem * lv[k, LV.OCOST] * overhead * scale
        tokens += v_onprem
        spend += onprem
        onprem_total += onprem
        deployed += onprem
        fees = fee_rate * deployed
        spend += fees
        # the platform segment: closed APIs bought directly, open families from the hosts
        # (platform shares are moving averages: a share that has decayed to nothing may
        # round below zero, and buys nothing)
        pv_flag, pv_open, pv_small = (
            max(0.0, s.pv[0, k]),
            max(0.0, s.pv[1, k]),
            max(0.0, s.pv[2, k]),
        )
        plat_closed = pv_flag * m.plat_tokens * lv[k, LV.PRICE] * scale
        plat_closed += pv_small * m.plat_tokens * lv[k, LV.SMALL_PRICE] * scale
        plat_open = pv_open * m.plat_tokens * lv[k, LV.OCOST] * clouds[HOSTS].markup * scale
        plat_total += plat_closed + plat_open
        clouds[HOSTS].open_revenue += plat_open
        cut = min(rate, 1.0 - 1.0 / clouds[HOSTS].markup)
        clouds[HOSTS].revenue += plat_open - cut * plat_open
        share_in += cut * plat_open
        fees_total += fees + share_in
        lb = labs[k]
        lb.revenue = kept + plat_closed + share_in + fees
        lb.open_revenue = share_in + fees
        lb.rev_slow += (lb.revenue - lb.rev_slow) / 12.0
        lab_total += lb.revenue
        if lb.alive:
            training += lb.spend
        if lb.funding == Funding.VENTURE and lb.alive:
            lb.cash += lb.revenue - LP[k, L.OPEX] - lb.spend
    # average price per token paid (variable costs, fees included): what demand answers
    if tokens > 0 and scale > 0:
        m.price_avg = spend / (tokens * scale)
    m.token_spend = spend + plat_total
    # in-house fixed costs: staff, security, half a GPU of rounding per self-hoster, the
    # integration of managed models and the coordination of hybrids
    fixed = (
        m.fixed_units * P[G.MLOPS_STAFF]
        + m.n_selfhost * P[G.SELFHOST_SECURITY]
        + m.hybrids * P[G.HYBRID_FIXED]
    ) * fixed_f
    fixed += 0.5 * m.n_selfhost * P[G.GPU_MONTH] + m.n_managed * P[G.MANAGED_FIXED]
    fixed *= m.weight / 1e9
    onprem_total += fixed
    spend += fixed
    cloud_total = 0.0
    for c in range(n_clouds):
        cloud_total += clouds[c].revenue
    m.spend = spend
    m.platform_spend = plat_total
    m.lab_receipts = lab_total
    m.cloud_receipts = cloud_total
    m.onprem_spend = onprem_total
    m.training_spend = training
    m.open_core_fees = fees_total
