"""Money: enterprise spend flows to labs, clouds and in-house infrastructure (step 6).

Every USD of spend is received by someone: a lab (API revenue, revenue shares), a cloud
(managed hosting, rented GPUs, its resale cut) or the enterprise's own infrastructure; the
trajectory's ``money_residual`` is the difference and stays at zero.
"""

from ..params.spec import C, G, L
from ..state import LV, R_CLOSED, R_ONPREM
from ..vocab import Funding
from .jit import kernel
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
            rate = LP[k, L.HOSTING_REVSHARE] * P[G.MONETIZATION_STRENGTH]
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
        if lb.funding == Funding.VENTURE and lb.alive:
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
