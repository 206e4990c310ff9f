"""The state in January 2023: labs and clouds from the scenario, a drawn population, the
calendar's first events."""

import numpy as np

from ..actors import A
from ..events import EV
from ..params.spec import C, G, L
from ..state import R_CLOSED
from ..vocab import OPT, AgentDraw, LabDraw, Region, Stream
from .clearing import apply_enterprise
from .enterprise import ADOPTION_RECHECK_MONTHS, draw_index
from .eventlog import emit
from .jit import kernel
from .regulation import EU_PHASE_MONTHS, EXPORT_CONTROL_MONTHS
from .rng import normal, stream_id, uniform
from .technology import lab_serve_cost, log_flop_per_usd, serve_cost, window_months
from .workload import enterprise_work_share

__all__ = ["init_state"]


@kernel
def _region(P: np.ndarray, u: float) -> int:
    eu, cn, row = P[G.REGION_EU], P[G.REGION_CN], P[G.REGION_ROW]
    na = max(0.0, 1.0 - eu - cn - row)
    if u < na:
        return Region.NA
    if u < na + eu:
        return Region.EU
    if u < na + eu + cn:
        return Region.CN
    return Region.ROW


@kernel
def init_state(s, seed, months):
    """Fill a freshly allocated run state (:func:`sim.state.new_state`) for one run and emit
    the first events."""
    P, LP, CP, labs, clouds, ents, devs = s.P, s.LP, s.CP, s.labs, s.clouds, s.ents, s.devs
    mkt, hist, vol = s.mkt, s.hist, s.vol
    m = mkt[0]
    m.seed = seed
    m.month = 0
    m.months = months
    m.demand = 1.0
    m.exemption = 1
    n_labs = labs.shape[0]
    n_clouds = clouds.shape[0]
    vol[:, :] = 0.0
    s.hvol[:, :] = 0.0
    m.work_share = enterprise_work_share(P, 0.0)
    hist[:] = 0.0
    # labs
    for k in range(n_labs):
        lb = labs[k]
        lb.open = int(LP[k, L.OPEN0])
        lb.alive = 1
        lb.bigtech = int(LP[k, L.BIGTECH])
        lb.funding = int(LP[k, L.FUNDING])
        lb.cap = LP[k, L.CAP0]
        if LP[k, L.CAP0] > 0:
            if lb.open:
                lb.cap_open = LP[k, L.CAP0]
            else:
                lb.cap_closed = LP[k, L.CAP0]
        lb.markup = LP[k, L.MARKUP0]
        lb.cash = LP[k, L.CASH0]
        lb.budget_cap = LP[k, L.SPONSOR_CAP]
        first = LP[k, L.FIRST_RELEASE] + uniform(
            seed, stream_id(Stream.LAB, k, LabDraw.FIRST_RELEASE), 0
        )
        # the first run on the calendar is sized to its historical training compute
        lb.spend = (
            10.0 ** (LP[k, L.FIRST_FLOP] - log_flop_per_usd(P, 0.0))
            / 1e9
            / window_months(P, max(first, 1.0))
        )
        emit(s, first, EV.RELEASE, k)
    fr = 0.0
    ob = 0.0
    for k in range(n_labs):
        fr = max(fr, labs[k].cap_closed)
        ob = max(ob, labs[k].cap_open)
    m.frontier = fr
    m.open_best = ob
    m.start_frontier = fr
    for c in range(n_clouds):
        clouds[c].markup = P[G.CLOUD_MARKUP_BASE]
    # developers: open builders start on the best open model, the rest on closed APIs
    best_open = 0
    for k in range(n_labs):
        if labs[k].cap_open > labs[best_open].cap_open:
            best_open = k
    closed_w = np.zeros(n_labs)
    for k in range(n_labs):
        if labs[k].cap_closed > 0 and LP[k, L.SELLS_API] > 0:
            closed_w[k] = np.exp(LP[k, L.ENTERPRISE_APPEAL])
    n_dev = devs.shape[0]
    for i in range(n_dev):
        d = devs[i]
        st = stream_id(Stream.DEVELOPER, i, AgentDraw.SETUP)
        d.region = _region(P, uniform(seed, st, 0))
        d.taste = np.exp(P[G.DEV_OPEN_TASTE_SIGMA] * normal(seed, st, 1))
        if uniform(seed, st, 4) < P[G.DEV_OPEN_SHARE0]:
            d.eco = best_open
        else:
            d.eco = draw_index(closed_w, uniform(seed, st, 5))
        labs[d.eco].devs += 1.0
        nxt = int(uniform(seed, st, 6) * P[G.DEV_REVIEW_MONTHS])
        d.next_review = nxt
    open_devs = 0.0
    for k in range(n_labs):
        labs[k].dev_share = labs[k].devs / n_dev
        if labs[k].cap_open > 0:
            open_devs += labs[k].devs
    m.dev_open_share = open_devs / n_dev
    # enterprises
    n_ent = ents.shape[0]
    p_ref = serve_cost(P, fr, 0.0, 0.0)
    for k in range(n_labs):
        if labs[k].cap_closed == fr:
            p_ref *= labs[k].markup
            break
    total = 0.0
    share = np.zeros(n_clouds)
    for i in range(n_ent):
        e = ents[i]
        st = stream_id(Stream.ENTERPRISE, i, AgentDraw.SETUP)
        e.region = _region(P, uniform(seed, st, 0))
        e.large = 1 if uniform(seed, st, 1) < P[G.LARGE_SHARE] else 0
        size = P[G.MEDIAN_TOKENS] * (P[G.LARGE_FACTOR] if e.large else 1.0)
        e.volume = size * np.exp(P[G.SIZE_SIGMA] * normal(seed, st, 1))
        sensitive = uniform(seed, st, 4) < P[G.SENSITIVE_SHARE]
        u = uniform(seed, st, 5)
        e.sensitivity = 0.5 + 0.5 * u if sensitive else 0.3 * u
        u = uniform(seed, st, 6)
        e.skill = 0.3 + 0.7 * u if e.large else 0.6 * u
        e.tolerance = P[G.TOLERANCE_MEDIAN] * np.exp(P[G.TOLERANCE_SIGMA] * normal(seed, st, 4))
        e.log_tolerance = np.log(e.tolerance) if e.tolerance > 0.0 else 0.0
        for c in range(n_clouds):
            share[c] = CP[c, C.SHARE_NA + e.region]
        e.cloud = draw_index(share, uniform(seed, st, 10))
        onprem_p = min(1.0, P[G.ONPREM_SHARE] * (1.5 if e.large else 0.75))
        e.onprem = 1 if uniform(seed, st, 11) < onprem_p else 0
        e.option = -1
        e.family = best_open
        e.vendor = draw_index(closed_w, uniform(seed, st, 12))
        e.vendor_front = e.vendor  # frontier-bound work is a tenth of 2023's: one vendor
        early = P[G.ADOPTED0] * (2.0 if e.large else 1.0)
        if uniform(seed, st, 13) < early:
            e.option = OPT.CLOSED
            apply_enterprise(P, e, vol, s.hvol, mkt, 1.0)
        total += e.volume * p_ref
        wait = P[G.REVIEW_MONTHS] if e.option >= 0 else float(ADOPTION_RECHECK_MONTHS)
        nxt = int(uniform(seed, st, 14) * wait)
        e.next_review = nxt
    m.adopted = m.n_adopted / n_ent
    # January 2023's average price per token paid: the reference of price-elastic demand
    paid = 0.0
    toks = 0.0
    for k in range(n_labs):
        if vol[R_CLOSED, k] > 0:
            unit = lab_serve_cost(P, LP, k, labs[k].cap_closed, 0.0, 0.0) * labs[k].markup
            paid += vol[R_CLOSED, k] * unit
            toks += vol[R_CLOSED, k]
    m.price0 = paid / toks if toks > 0 else p_ref
    m.price_avg = m.price0
    # one simulated enterprise stands for this many USD of potential spend
    m.weight = P[G.POTENTIAL_SPEND] * 1e9 / total
    # the calendar
    emit(s, 1.0, EV.CLEARING, A.MARKET)
    for mm in EU_PHASE_MONTHS:
        if mm < months:
            emit(s, mm + 0.5, EV.REG_PHASE, A.EU_REGULATOR)
    for mm in EXPORT_CONTROL_MONTHS:
        if mm < months:
            emit(s, mm + 0.5, EV.EXPORT_CONTROL, A.US_REGULATOR)
    emit(s, P[G.HW_STEP_MONTHS], EV.HARDWARE_STEP, A.HARDWARE)
