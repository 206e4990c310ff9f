"""Event handlers: what each scheduled event does to the state.

Each handler is the single definition of that event's behaviour; both engines call it and
then move whatever it emitted onto their own calendar.
"""

import numpy as np

from ..actors import A
from ..events import EV
from ..params.spec import C, G, L
from ..state import LV, R_CLOSED
from ..vocab import Funding, LabDraw, Region, Stream, T
from .eventlog import emit, log_event
from .geopolitics import export_control_compute_loss
from .jit import kernel
from .labs import (
    LicenseCase,
    funding_amount,
    funding_success_prob,
    license_terms,
    license_value,
    release_capability,
    training_budget,
)
from .pricing import adjust_markup, target_markup
from .rng import normal, stream_id, uniform
from .technology import frontier_at, frontier_spend, gap_months, lab_serve_cost, serve_cost
from .views import open_share_now

__all__ = [
    "on_release",
    "on_price_review",
    "on_funding_round",
    "on_runway_exhausted",
    "on_safety_incident",
    "on_liability_shock",
    "on_export_control",
    "on_reg_phase",
    "on_hardware_step",
    "refresh_frontier",
    "mean_closed_markup",
    "open_managed_price",
]


@kernel
def lab_draw(s, lab: int) -> float:
    """Next uniform from the lab's own stream."""
    c = s.labs[lab].ctr
    s.labs[lab].ctr = c + 1
    return uniform(s.mkt[0].seed, stream_id(Stream.LAB, lab, LabDraw.DECISIONS), c)


@kernel
def refresh_frontier(labs: np.ndarray, mkt: np.ndarray) -> None:
    """Best closed and best open capability now."""
    fr = 0.0
    ob = 0.0
    for k in range(labs.shape[0]):
        fr = max(fr, labs[k].cap_closed)
        ob = max(ob, labs[k].cap_open)
    mkt[0].frontier = fr
    mkt[0].open_best = ob


@kernel
def mean_closed_markup(LP: np.ndarray, labs: np.ndarray) -> float:
    """Mean markup of the closed APIs on offer."""
    acc = 0.0
    n = 0
    for k in range(labs.shape[0]):
        if labs[k].alive and labs[k].cap_closed > 0 and LP[k, L.SELLS_API] > 0:
            acc += labs[k].markup
            n += 1
    return acc / n if n > 0 else 1.0


@kernel
def open_managed_price(
    P: np.ndarray, clouds: np.ndarray, cap: float, t: float, hw_oom: float
) -> float:
    """USD per M tokens of an open model of capability ``cap`` on a cloud (mean markup)."""
    acc = 0.0
    for c in range(clouds.shape[0]):
        acc += clouds[c].markup
    return serve_cost(P, cap, t, hw_oom) * acc / clouds.shape[0]


@kernel
def partner_cloud_open_revenue(CP: np.ndarray, clouds: np.ndarray, lab: int) -> float:
    """Open-model revenue (USD B per month) of the cloud partnered with ``lab``, if any."""
    for c in range(clouds.shape[0]):
        if int(CP[c, C.PARTNER]) == lab:
            return clouds[c].open_revenue
    return 0.0


@kernel
def rival_api_margin(LP: np.ndarray, labs: np.ndarray, lab: int) -> float:
    """USD B per month closed rivals of ``lab`` earn over serving cost on their APIs."""
    acc = 0.0
    for k in range(labs.shape[0]):
        lb = labs[k]
        if k != lab and lb.alive and lb.cap_closed > 0 and LP[k, L.SELLS_API] > 0:
            api = max(0.0, lb.revenue - lb.open_revenue)
            acc += api * (1.0 - 1.0 / max(lb.markup, 1.0))
    return acc


@kernel
def forgone_api_margin(s, lab: int) -> float:
    """USD B per month a lab that sells an API would earn over serving cost selling the tokens
    of its open models itself, less what it earns on them open (open core, revenue shares)."""
    LP, labs, vol, lv = s.LP, s.labs, s.vol, s.lv
    if LP[lab, L.SELLS_API] == 0:
        return 0.0
    m = s.mkt[0]
    toks = 0.0
    for r in range(R_CLOSED):
        toks += vol[r, lab]
    toks += s.pv[1, lab] * m.plat_tokens  # the platform segment's tokens on its open models
    margin = toks * lv[lab, LV.OCOST] * (max(labs[lab].markup, 1.0) - 1.0)
    margin *= m.weight * m.demand / 1e9
    return max(0.0, margin - labs[lab].open_revenue)


@kernel
def on_release(s, lab: int, t: float) -> None:
    """A lab releases the model it trained, decides its license, and starts the next run."""
    P, LP, CP, labs, clouds, mkt, hist = s.P, s.LP, s.CP, s.labs, s.clouds, s.mkt, s.hist
    terms = s.terms
    open_share = open_share_now(s.vol)
    lb = labs[lab]
    m = mkt[0]
    if lb.alive == 0:
        return
    if lb.flop < 1e18:
        # nothing trained (no budget): try again after a quarter
        lb.spend = training_budget(
            P,
            LP,
            lab,
            lb.funding,
            lb.cash,
            t,
            lb.budget_cap,
            partner_cloud_open_revenue(CP, clouds, lab),
        )
        emit(s, t + 3.0, EV.RELEASE, lab)
        return
    is_open = 0
    delta = 0.0
    if LP[lab, L.OPEN0] > 0:
        runway = 999.0
        if lb.funding == Funding.VENTURE:
            burn = LP[lab, L.OPEX] + lb.spend - lb.revenue
            runway = lb.cash / burn if burn > 0 else 999.0
        bill = max(lb.spend, 1e-6)
        case = LicenseCase(
            dev_share=lb.dev_share,
            rival_margin=rival_api_margin(LP, labs, lab),
            open_share=open_share,
            cloud_open_revenue=partner_cloud_open_revenue(CP, clouds, lab),
            open_revenue=lb.open_revenue,
            forgone=forgone_api_margin(s, lab),
            runway=runway,
            bill=bill,
            exemption=m.exemption,
            liability=m.liability,
            funding=lb.funding,
        )
        license_terms(P, LP, lab, case, terms)
        # in USD B per month; the lab's mission, the cost of reversing its stance and a
        # forced closure count in shares of the training bill
        delta = license_value(terms) + LP[lab, L.OPEN_COMMITMENT] * bill
        delta += P[G.LICENSE_INERTIA] * bill * (1.0 if lb.open else -1.0)
        delta -= 2.0 * P[G.SUSTAIN_STRENGTH] * bill * lb.forced
        p_open = 1.0 / (1.0 + np.exp(-delta / (P[G.LICENSE_NOISE] * bill)))
        is_open = 1 if lab_draw(s, lab) < p_open else 0
    else:
        lab_draw(s, lab)  # keep stream positions aligned across scenarios
    month = min(m.month, hist.shape[0] - 1)
    rate = P[G.FRONTIER_OOM_PER_MONTH]
    copyable = frontier_at(hist, month, t, m.frontier, P[G.DIFFUSION], rate)
    cap = release_capability(P, LP, lab, lb.flop, t, lb.dev_share, is_open, copyable)
    u_line = lab_draw(s, lab)  # drawn by every release, so streams stay aligned
    if is_open:
        lb.cap_open = max(lb.cap_open, cap)
    else:
        lb.cap_closed = max(lb.cap_closed, cap)
        decide_open_line(s, lab, t, cap, open_share, u_line)
    lb.cap = cap
    lb.releases += 1
    if LP[lab, L.OPEN0] > 0 and is_open != lb.open:
        log_event(s, t, EV.LICENSE_SWITCH, lab, float(is_open), delta, 0)
        lb.open = is_open
    refresh_frontier(labs, mkt)
    gap = gap_months(hist, month, m.frontier, cap, rate)
    log_event(s, t, EV.RELEASE, lab, cap, gap, is_open)
    if is_open and P[G.PRESSURE_STRENGTH] > 0:
        for k in range(labs.shape[0]):
            if k != lab and labs[k].alive and labs[k].cap_closed > 0 and LP[k, L.SELLS_API] > 0:
                emit(s, t + P[G.PRESSURE_REVIEW_LAG], EV.PRICE_REVIEW, k)
    # the next model trains on (the window keeps accruing: runs overlap releases)
    lb.spend = training_budget(
        P,
        LP,
        lab,
        lb.funding,
        lb.cash,
        t,
        lb.budget_cap,
        partner_cloud_open_revenue(CP, clouds, lab),
    )
    cycle = LP[lab, L.CYCLE]
    z = normal(m.seed, stream_id(Stream.LAB, lab, LabDraw.CYCLE), lb.releases)
    cycle = min(2.0 * cycle, max(0.5 * cycle, cycle * (1.0 + P[G.RELEASE_JITTER] * z)))
    emit(s, t + max(cycle, 1.0), EV.RELEASE, lab)


@kernel
def decide_open_line(s, lab: int, t: float, cap: float, open_share: float, u: float) -> None:
    """A lab whose new flagship is closed decides whether to release a smaller open model
    beside it (an open line), on the same USD terms as a flagship licence: developers won
    (talent and feedback valued as the flagship's saved training cost), rivals' margin denied,
    its cloud's hosting revenue, open-core fees, minus the line's own cost, expected
    liability and the API margin its open models forgo."""
    P, LP, CP, labs, clouds, mkt = s.P, s.LP, s.CP, s.labs, s.clouds, s.mkt
    lb = labs[lab]
    m = mkt[0]
    if lb.forced or t < LP[lab, L.OPEN_LINE_FROM]:
        # investors forced it closed, or it has stated reasons not to release open weights yet
        lb.line = 0
        return
    bill = max(lb.spend, 1e-6)
    line_bill = P[G.OPEN_LINE_COST] * bill
    runway = 999.0
    if lb.funding == Funding.VENTURE:
        burn = LP[lab, L.OPEX] + lb.spend - lb.revenue
        runway = lb.cash / burn if burn > 0 else 999.0
    # developers an open family of its own can expect: its share of the open ecosystems,
    # split among the open families on offer and this one
    n_open = 1.0
    for k in range(labs.shape[0]):
        if k != lab and labs[k].cap_open > 0 and labs[k].alive:
            n_open += 1.0
    reach = (
        max(lb.dev_share, m.dev_open_share / n_open)
        if lb.cap_open > 0
        else (m.dev_open_share / n_open)
    )
    terms = s.terms
    case = LicenseCase(
        dev_share=reach,
        rival_margin=rival_api_margin(LP, labs, lab),
        open_share=open_share,
        cloud_open_revenue=partner_cloud_open_revenue(CP, clouds, lab),
        open_revenue=lb.open_revenue,
        forgone=forgone_api_margin(s, lab),
        runway=runway,
        bill=bill,
        exemption=0,  # the line has no closed twin whose compliance it would save
        liability=m.liability,
        funding=lb.funding,
    )
    license_terms(P, LP, lab, case, terms)
    terms[T.SPONSOR_RETREAT] = 0.0  # the line is not the frontier model a sponsor gives away
    terms[T.FEEDBACK] = 0.0  # community feedback improves open flagships only
    terms[T.LIABILITY] *= P[G.OPEN_LINE_COST]  # damages scale with the line, not the flagship
    delta = license_value(terms) - line_bill + LP[lab, L.OPEN_COMMITMENT] * line_bill
    delta += P[G.LICENSE_INERTIA] * line_bill * (1.0 if lb.line else -1.0)
    p_line = 1.0 / (1.0 + np.exp(-delta / (P[G.LICENSE_NOISE] * line_bill)))
    line = 1 if u < p_line else 0
    if line:
        lb.cap_open = max(lb.cap_open, cap - P[G.OPEN_LINE_OOM])
    if line != lb.line or line:
        log_event(s, t, EV.OPEN_LINE, lab, cap - P[G.OPEN_LINE_OOM], 1e3 * delta, line)
    lb.line = line


@kernel
def on_price_review(s, lab: int, t: float) -> None:
    """A closed vendor re-prices against the best open alternative (driver 2)."""
    P, LP, labs, clouds, mkt, hist = s.P, s.LP, s.labs, s.clouds, s.mkt, s.hist
    lb = labs[lab]
    m = mkt[0]
    if lb.alive == 0 or lb.cap_closed <= 0 or LP[lab, L.SELLS_API] == 0:
        return
    month = min(m.month, hist.shape[0] - 1)
    rate = P[G.FRONTIER_OOM_PER_MONTH]
    own_cost = lab_serve_cost(P, LP, lab, lb.cap_closed, t, m.hw_oom)
    open_price = open_managed_price(P, clouds, m.open_best, t, m.hw_oom)
    lead = gap_months(hist, month, m.frontier, m.open_best, rate) - gap_months(
        hist, month, m.frontier, lb.cap_closed, rate
    )
    target = target_markup(P, own_cost, open_price, lead)
    new = adjust_markup(P, lb.markup, target)
    if new < lb.markup * (1.0 - P[G.PRICE_CUT_EVENT]):
        log_event(s, t, EV.PRICE_CUT, lab, own_cost * new, 1.0 - new / lb.markup, 0)
    lb.markup = new


@kernel
def on_funding_round(s, lab: int, t: float) -> None:
    """A venture-funded lab tries to raise; investors may force an open lab closed."""
    P, LP, labs = s.P, s.LP, s.labs
    lb = labs[lab]
    lb.funding_pending = 0
    if lb.alive == 0 or lb.funding != Funding.VENTURE:
        return
    u = lab_draw(s, lab)
    u2 = lab_draw(s, lab)
    # a year of the training the lab wants, and how close its best closed model is to the
    # frontier (1 at it, 0 at counterforces.sustainability.partner_gap_months behind)
    race_year = LP[lab, L.AMBITION] * frontier_spend(P, t) * 12.0
    gap = s.lv[lab, LV.GAP_CLOSED]
    closeness = 1.0 - max(0.0, gap) / max(P[G.PARTNER_GAP_MONTHS], 1e-9)
    if u < funding_success_prob(P, lb.revenue, lb.rev_slow):
        amount = funding_amount(P, LP, lab, lb.revenue, lb.dev_share, race_year, closeness)
        lb.cash += amount
        lb.forced = 0
        log_event(s, t, EV.FUNDING_ROUND, lab, amount, lb.cash, 1)
        return
    # a lab still near the frontier is backed by its cloud partner (a strategic investment)
    for c in range(s.clouds.shape[0]):
        if int(s.CP[c, C.PARTNER]) == lab and closeness > 0.0:
            if lab_draw(s, lab) < P[G.PARTNER_RESCUE_PROB]:
                amount = P[G.PARTNER_STAKE_YEARS] * race_year
                lb.cash += amount
                lb.forced = 0
                log_event(s, t, EV.FUNDING_ROUND, lab, amount, lb.cash, 2)
                return
            break
    log_event(s, t, EV.FUNDING_FAILED, lab, 0.0, lb.cash, 0)
    force = min(1.0, P[G.FORCE_CLOSE_PROB] * P[G.SUSTAIN_STRENGTH])
    if LP[lab, L.OPEN0] > 0 and lb.forced == 0 and u2 < force:
        lb.forced = 1
        if lb.open:
            lb.open = 0
            log_event(s, t, EV.LICENSE_SWITCH, lab, 0.0, -1.0, 1)


@kernel
def on_runway_exhausted(s, lab: int, t: float) -> None:
    """Out of cash: acquired by big tech (funded from then on) or wound down."""
    P, LP, labs = s.P, s.LP, s.labs
    lb = labs[lab]
    lb.funding_pending = 0
    if lb.alive == 0 or lb.funding != Funding.VENTURE or lb.cash >= 0:
        return
    log_event(s, t, EV.RUNWAY_EXHAUSTED, lab, lb.cash, 0.0, 0)
    u = lab_draw(s, lab)
    if u < P[G.ACQUISITION_PROB] * min(1.0, P[G.SUSTAIN_STRENGTH]):
        lb.bigtech = 1
        lb.funding = Funding.SPONSOR
        lb.cash = 0.0
        lb.forced = 0
        growth = P[G.SPONSOR_GROWTH] ** (t / 12.0)
        lb.budget_cap = 1.5 * max(lb.spend, LP[lab, L.AMBITION] * P[G.FRONTIER_SPEND0]) / growth
        log_event(s, t, EV.ACQUISITION, lab, lb.budget_cap, 0.0, 0)
    else:
        lb.alive = 0
        lb.spend = 0.0
        lb.open = 0
        # liquidation writes off the unpaid bills (the shortfall is in the runway event)
        lb.cash = 0.0
        log_event(s, t, EV.WIND_DOWN, lab, 0.0, 0.0, 0)


@kernel
def on_safety_incident(s, lab: int, t: float) -> None:
    """A maliciously fine-tuned open model of ``lab`` causes harm: regulatory pressure rises."""
    P = s.P
    m = s.mkt[0]
    m.reg_pressure += P[G.INCIDENT_PRESSURE]
    m.incidents += 1
    log_event(s, t, EV.SAFETY_INCIDENT, lab, m.reg_pressure, float(m.incidents), 0)


@kernel
def on_liability_shock(s, actor: int, t: float) -> None:
    """Strict liability for open weights: the open-source exemption ends (the wild card)."""
    m = s.mkt[0]
    m.liability_pending = 0
    if m.liability:
        return
    m.liability = 1
    m.exemption = 0
    log_event(s, t, EV.LIABILITY_SHOCK, A.EU_REGULATOR, m.reg_pressure, 0.0, 0)


@kernel
def on_export_control(s, actor: int, t: float) -> None:
    """Export controls tighten: Chinese labs lose compute, trust across blocs falls."""
    P, LP, labs = s.P, s.LP, s.labs
    m = s.mkt[0]
    m.export_shocks += 1
    loss = export_control_compute_loss(P)
    total = 0.0
    for k in range(labs.shape[0]):
        if int(LP[k, L.HOME]) == Region.CN:
            labs[k].compute_pen += loss
            total = labs[k].compute_pen
    log_event(s, t, EV.EXPORT_CONTROL, A.US_REGULATOR, total, float(m.export_shocks), 0)


@kernel
def on_reg_phase(s, actor: int, t: float) -> None:
    """The next phase of the EU AI Act applies."""
    m = s.mkt[0]
    m.eu_phase += 1
    log_event(s, t, EV.REG_PHASE, A.EU_REGULATOR, float(m.eu_phase), 0.0, 0)


@kernel
def on_hardware_step(s, actor: int, t: float) -> None:
    """A GPU generation ships: two years' worth of price-performance, which reaches the fleet as
    it is renewed (:func:`sim.rules.technology.phase_in_hardware`)."""
    P = s.P
    m = s.mkt[0]
    step = P[G.HW_OOM_PER_YEAR] * P[G.HW_STEP_MONTHS] / 12.0
    m.hw_pending += step
    log_event(s, t, EV.HARDWARE_STEP, A.HARDWARE, 10.0 ** (m.hw_oom + m.hw_pending), step, 0)
    emit(s, t + P[G.HW_STEP_MONTHS], EV.HARDWARE_STEP, A.HARDWARE)
