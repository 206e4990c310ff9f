"""What agents decide on: the clearing's per-lab and per-region views (step 3).

Every review of a month reads these views, computed once at the start of the clearing, so a
review's outcome does not depend on which agents were reviewed before it.
"""

import numpy as np

from ..params.spec import C, G, L
from ..state import LV, R_CLOSED, R_ONPREM, RV
from .developer import ecosystem_appeal
from .geopolitics import origin_utility
from .jit import kernel
from .pricing import cloud_markup
from .technology import gap_months, lab_serve_cost, test_time_oom

__all__ = ["open_share_now", "compute_views", "NO_GAP"]

NO_GAP = 1000.0  # months behind the frontier of a model that does not exist


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
def _running_sums(rl: np.ndarray, kind: int, r: int) -> None:
    """Replace region ``r``'s choice weights of ``kind`` by their running sums, which every
    review's draw reads (:func:`sim.rules.enterprise.draw_cumulative`)."""
    acc = 0.0
    for k in range(rl.shape[2]):
        acc += rl[kind, r, k]
        rl[kind, r, k] = acc


@kernel
def compute_views(s, t):
    """Step 3: per-lab views, per-region choice weights (running sums for vendors and open
    families) and cloud markups."""
    P, LP, CP, labs, clouds, mkt = s.P, s.LP, s.CP, s.labs, s.clouds, s.mkt
    hist, vol, lv, rv, rl = s.hist, s.vol, s.lv, s.rv, s.rl
    m = mkt[0]
    month = m.month
    rate = P[G.FRONTIER_OOM_PER_MONTH]
    n_labs = labs.shape[0]
    # every model a lab sells, closed or open, flagship or small tier, is sold with the era's
    # test-time reasoning (o4-mini and Gemini Flash reason too): only a fixed capability's
    # cheapest offer does without
    reasoning = 10.0 ** test_time_oom(P, t)
    for k in range(n_labs):
        lb = labs[k]
        lv[k, LV.PRICE] = (
            lab_serve_cost(P, LP, k, lb.cap_closed, t, m.hw_oom) * reasoning * lb.markup
        )
        lv[k, LV.OCOST] = lab_serve_cost(P, LP, k, lb.cap_open, t, m.hw_oom) * reasoning
        lv[k, LV.GAP_OPEN] = (
            gap_months(hist, month, m.frontier, lb.cap_open, rate) if lb.cap_open > 0 else NO_GAP
        )
        lv[k, LV.GAP_CLOSED] = (
            gap_months(hist, month, m.frontier, lb.cap_closed, rate)
            if lb.cap_closed > 0
            else NO_GAP
        )
        # its small tier (GPT-4o-mini, Claude Haiku, Gemini Flash): the flagship distilled
        # into a model trailing it by small_tier_months, priced against open hosts at the
        # lowest markup a vendor accepts (the small tier is where it meets open weights on price)
        behind = P[G.SMALL_TIER_MONTHS]
        small = lb.cap_closed - behind * rate
        lv[k, LV.SMALL_PRICE] = (
            lab_serve_cost(P, LP, k, small, t, m.hw_oom) * reasoning * P[G.MARKUP_MIN]
        )
        lv[k, LV.GAP_SMALL] = lv[k, LV.GAP_CLOSED] + behind if lb.cap_closed > 0 else NO_GAP
        sells = lb.alive > 0 and lb.cap_closed > 0 and LP[k, L.SELLS_API] > 0
        # developers build on a lab's best model: its ecosystem is open weights unless a
        # closed API it sells is more capable than its open models (an open line beside a
        # closed flagship leaves the ecosystem an API ecosystem)
        eco_open = lb.cap_open > 0 and not (sells and lb.cap_closed > lb.cap_open)
        lv[k, LV.ECO_OPEN] = 1.0 if eco_open else 0.0
        if lb.cap_open > 0:
            lv[k, LV.ECO_GAP] = lv[k, LV.GAP_OPEN]
            if sells:
                lv[k, LV.ECO_GAP] = min(lv[k, LV.GAP_OPEN], lv[k, LV.GAP_CLOSED])
            lv[k, LV.AVAILABLE] = 1.0
        elif sells:
            lv[k, LV.ECO_GAP] = lv[k, LV.GAP_CLOSED]
            lv[k, LV.AVAILABLE] = 1.0
        else:
            lv[k, LV.ECO_GAP] = NO_GAP
            lv[k, LV.AVAILABLE] = 0.0
    a = P[G.COST_WEIGHT]
    qw = P[G.QUALITY_WEIGHT]
    eco_w = P[G.ECOSYSTEM_STRENGTH] * P[G.ECOSYSTEM_ENTERPRISE]
    w_front = m.work_share
    for r in range(rv.shape[0]):
        # closed vendors, for the firms' own tasks (row 0) and their frontier-bound work
        # (row 3), where a lab's edge on that work counts (Anthropic's in programming)
        for kind in (0, 3):
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
                    if kind == 3:
                        u += LP[k, L.WORK_EDGE]
                    rl[kind, r, k] = u
                    umax = max(umax, u)
                else:
                    rl[kind, r, k] = -1e300
            wsum = 0.0
            psum = 0.0
            gsum = 0.0
            for k in range(n_labs):
                w = np.exp(rl[kind, r, k] - umax) if rl[kind, r, k] > -1e299 else 0.0
                rl[kind, r, k] = w
                wsum += w
                psum += w * lv[k, LV.PRICE]
                gsum += w * max(lv[k, LV.GAP_CLOSED], 0.0)
            col_p = RV.P_CLOSED if kind == 0 else RV.P_CLOSED_FRONT
            col_g = RV.GAP_CLOSED if kind == 0 else RV.GAP_CLOSED_FRONT
            rv[r, col_p] = psum / wsum if wsum > 0 else 1e6
            rv[r, col_g] = gsum / wsum if wsum > 0 else NO_GAP
            _running_sums(rl, kind, r)
        # open families
        umax = -1e300
        for k in range(n_labs):
            lb = labs[k]
            if lb.cap_open > 0:
                u = (
                    -a * np.log(lv[k, LV.OCOST])
                    + w_front * LP[k, L.WORK_EDGE]
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
        rv[r, RV.GAP_OPEN] = gsum / wsum if wsum > 0 else NO_GAP
        _running_sums(rl, 1, r)
        # developer ecosystems
        for k in range(n_labs):
            if lv[k, LV.AVAILABLE] > 0:
                u = ecosystem_appeal(
                    P,
                    lv[k, LV.ECO_GAP],
                    labs[k].dev_share,
                    m.dev_open_share,
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
        onprem += max(0.0, vol[R_ONPREM, k])
        for c in range(n_clouds):
            selfv += max(0.0, vol[n_clouds + c, k])
    selfv += onprem
    share = min(1.0, onprem / selfv) if selfv > 0 else P[G.ONPREM_SHARE]
    for c in range(n_clouds):
        clouds[c].markup = cloud_markup(P, CP[c, C.PUSH] + P[G.CLOUD_PUSH], share)
