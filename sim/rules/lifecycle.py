"""Event handlers: what each scheduled event does to the state.

Each handler is the single definition of that event's behaviour; both engines call it and
then move whatever it emitted onto their own calendar.
"""

import numpy as np

from ..params.spec import C, G, L
from ..state import EV, A
from .eventlog import emit, log_event
from .geopolitics import export_control_compute_loss
from .jit import kernel
from .labs import (
    VENTURE,
    funding_amount,
    funding_success_prob,
    license_terms,
    license_value,
    release_capability,
    training_budget,
)
from .pricing import adjust_markup, target_markup
from .rng import normal, stream_id, uniform
from .technology import gap_months, serve_cost

__all__ = [
    "handle_event",
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
    "LAB_STREAM",
]

LAB_STREAM = 1
_CN = 2


@kernel
def lab_draw(labs: np.ndarray, mkt: np.ndarray, lab: int) -> float:
    """Next uniform from the lab's own stream."""
    c = labs[lab].ctr
    labs[lab].ctr = c + 1
    return uniform(mkt[0].seed, stream_id(LAB_STREAM, lab, 1), c)


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
def on_release(
    P: np.ndarray,
    LP: np.ndarray,
    CP: np.ndarray,
    labs: np.ndarray,
    clouds: np.ndarray,
    mkt: np.ndarray,
    hist: np.ndarray,
    log: np.ndarray,
    outbox: np.ndarray,
    terms: np.ndarray,
    lab: int,
    t: float,
    open_share: float,
) -> None:
    """A lab releases the model it trained, decides its license, and starts the next run."""
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
        emit(outbox, mkt, t + 3.0, EV.RELEASE, lab)
        return
    is_open = 0
    delta = 0.0
    if LP[lab, L.OPEN0] > 0:
        runway = 999.0
        if lb.funding == VENTURE:
            burn = LP[lab, L.OPEX] + lb.spend - lb.revenue
            runway = lb.cash / burn if burn > 0 else 999.0
        license_terms(
            P,
            LP,
            lab,
            lb.dev_share,
            mean_closed_markup(LP, labs),
            open_share,
            partner_cloud_open_revenue(CP, clouds, lab),
            lb.revenue,
            runway,
            lb.spend,
            m.exemption,
            m.liability,
            lb.funding,
            terms,
        )
        delta = license_value(terms) + LP[lab, L.OPEN_COMMITMENT]
        delta += P[G.LICENSE_INERTIA] * (1.0 if lb.open else -1.0)
        delta -= 2.0 * P[G.SUSTAIN_STRENGTH] * lb.forced
        p_open = 1.0 / (1.0 + np.exp(-delta / P[G.LICENSE_NOISE]))
        is_open = 1 if lab_draw(labs, mkt, lab) < p_open else 0
    else:
        lab_draw(labs, mkt, lab)  # keep stream positions aligned across scenarios
    cap = release_capability(P, LP, lab, lb.flop, t, lb.dev_share, is_open, m.frontier)
    if is_open:
        lb.cap_open = max(lb.cap_open, cap)
    else:
        lb.cap_closed = max(lb.cap_closed, cap)
        if LP[lab, L.OPEN_CORE] > 0 and lb.forced == 0:
            lb.cap_open = max(lb.cap_open, cap - 0.5)
    lb.cap = cap
    lb.releases += 1
    if LP[lab, L.OPEN0] > 0 and is_open != lb.open:
        log_event(log, mkt, t, EV.LICENSE_SWITCH, lab, float(is_open), delta, 0)
        lb.open = is_open
    refresh_frontier(labs, mkt)
    month = min(m.month, hist.shape[0] - 1)
    gap = gap_months(hist, month, m.frontier, cap, P[G.FRONTIER_OOM_PER_MONTH])
    log_event(log, mkt, t, EV.RELEASE, lab, cap, gap, is_open)
    if is_open and P[G.PRESSURE_STRENGTH] > 0:
        for k in range(labs.shape[0]):
            if k != lab and labs[k].alive and labs[k].cap_closed > 0 and LP[k, L.SELLS_API] > 0:
                emit(outbox, mkt, t + P[G.PRESSURE_REVIEW_LAG], EV.PRICE_REVIEW, k)
    # next training run
    lb.flop = 0.0
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
    z = normal(m.seed, stream_id(LAB_STREAM, lab, 2), lb.releases)
    cycle = min(2.0 * cycle, max(0.5 * cycle, cycle * (1.0 + P[G.RELEASE_JITTER] * z)))
    emit(outbox, mkt, t + max(cycle, 1.0), EV.RELEASE, lab)


@kernel
def on_price_review(
    P: np.ndarray,
    LP: np.ndarray,
    labs: np.ndarray,
    clouds: np.ndarray,
    mkt: np.ndarray,
    hist: np.ndarray,
    log: np.ndarray,
    lab: int,
    t: float,
) -> None:
    """A closed vendor re-prices against the best open alternative (driver 2)."""
    lb = labs[lab]
    m = mkt[0]
    if lb.alive == 0 or lb.cap_closed <= 0 or LP[lab, L.SELLS_API] == 0:
        return
    month = min(m.month, hist.shape[0] - 1)
    rate = P[G.FRONTIER_OOM_PER_MONTH]
    own_cost = serve_cost(P, lb.cap_closed, t, m.hw_oom)
    open_price = open_managed_price(P, clouds, m.open_best, t, m.hw_oom)
    lead = gap_months(hist, month, m.frontier, m.open_best, rate) - gap_months(
        hist, month, m.frontier, lb.cap_closed, rate
    )
    target = target_markup(P, own_cost, open_price, lead)
    new = adjust_markup(P, lb.markup, target)
    if new < lb.markup * (1.0 - P[G.PRICE_CUT_EVENT]):
        log_event(log, mkt, t, EV.PRICE_CUT, lab, own_cost * new, 1.0 - new / lb.markup, 0)
    lb.markup = new


@kernel
def on_funding_round(
    P: np.ndarray,
    LP: np.ndarray,
    labs: np.ndarray,
    mkt: np.ndarray,
    log: np.ndarray,
    lab: int,
    t: float,
) -> None:
    """A venture-funded lab tries to raise; investors may force an open lab closed."""
    lb = labs[lab]
    lb.funding_pending = 0
    if lb.alive == 0 or lb.funding != VENTURE:
        return
    u = lab_draw(labs, mkt, lab)
    u2 = lab_draw(labs, mkt, lab)
    if u < funding_success_prob(P, lb.revenue, lb.rev_slow):
        amount = funding_amount(P, LP, lab, lb.revenue, lb.dev_share)
        lb.cash += amount
        lb.forced = 0
        log_event(log, mkt, t, EV.FUNDING_ROUND, lab, amount, lb.cash, 1)
        return
    log_event(log, mkt, t, EV.FUNDING_FAILED, lab, 0.0, lb.cash, 0)
    force = min(1.0, P[G.FORCE_CLOSE_PROB] * P[G.SUSTAIN_STRENGTH])
    if LP[lab, L.OPEN0] > 0 and lb.forced == 0 and u2 < force:
        lb.forced = 1
        if lb.open:
            lb.open = 0
            log_event(log, mkt, t, EV.LICENSE_SWITCH, lab, 0.0, -1.0, 1)


@kernel
def on_runway_exhausted(
    P: np.ndarray,
    LP: np.ndarray,
    labs: np.ndarray,
    mkt: np.ndarray,
    log: np.ndarray,
    lab: int,
    t: float,
) -> None:
    """Out of cash: acquired by big tech (funded from then on) or wound down."""
    lb = labs[lab]
    lb.funding_pending = 0
    if lb.alive == 0 or lb.funding != VENTURE or lb.cash >= 0:
        return
    log_event(log, mkt, t, EV.RUNWAY_EXHAUSTED, lab, lb.cash, 0.0, 0)
    u = lab_draw(labs, mkt, lab)
    if u < P[G.ACQUISITION_PROB] * min(1.0, P[G.SUSTAIN_STRENGTH]):
        lb.bigtech = 1
        lb.funding = 0
        lb.cash = 0.0
        lb.forced = 0
        growth = P[G.SPONSOR_GROWTH] ** (t / 12.0)
        lb.budget_cap = 1.5 * max(lb.spend, LP[lab, L.AMBITION] * P[G.FRONTIER_SPEND0]) / growth
        log_event(log, mkt, t, EV.ACQUISITION, lab, lb.budget_cap, 0.0, 0)
    else:
        lb.alive = 0
        lb.spend = 0.0
        lb.open = 0
        log_event(log, mkt, t, EV.WIND_DOWN, lab, 0.0, 0.0, 0)


@kernel
def on_safety_incident(P: np.ndarray, mkt: np.ndarray, log: np.ndarray, lab: int, t: float) -> None:
    """A maliciously fine-tuned open model causes harm: regulatory pressure rises."""
    m = mkt[0]
    m.reg_pressure += P[G.INCIDENT_PRESSURE]
    m.incidents += 1
    log_event(log, mkt, t, EV.SAFETY_INCIDENT, lab, m.reg_pressure, float(m.incidents), 0)


@kernel
def on_liability_shock(mkt: np.ndarray, log: np.ndarray, t: float) -> None:
    """Strict liability for open weights: the open-source exemption ends (the wild card)."""
    m = mkt[0]
    m.liability_pending = 0
    if m.liability:
        return
    m.liability = 1
    m.exemption = 0
    log_event(log, mkt, t, EV.LIABILITY_SHOCK, A.EU_REGULATOR, m.reg_pressure, 0.0, 0)


@kernel
def on_export_control(
    P: np.ndarray, LP: np.ndarray, labs: np.ndarray, mkt: np.ndarray, log: np.ndarray, t: float
) -> None:
    """Export controls tighten: Chinese labs lose compute, trust across blocs falls."""
    m = mkt[0]
    m.export_shocks += 1
    loss = export_control_compute_loss(P)
    total = 0.0
    for k in range(labs.shape[0]):
        if int(LP[k, L.HOME]) == _CN:
            labs[k].compute_pen += loss
            total = labs[k].compute_pen
    log_event(log, mkt, t, EV.EXPORT_CONTROL, A.US_REGULATOR, total, float(m.export_shocks), 0)


@kernel
def on_reg_phase(mkt: np.ndarray, log: np.ndarray, t: float) -> None:
    """The next phase of the EU AI Act applies."""
    m = mkt[0]
    m.eu_phase += 1
    log_event(log, mkt, t, EV.REG_PHASE, A.EU_REGULATOR, float(m.eu_phase), 0.0, 0)


@kernel
def on_hardware_step(
    P: np.ndarray, mkt: np.ndarray, log: np.ndarray, outbox: np.ndarray, t: float
) -> None:
    """A GPU generation ships: price-performance jumps by two years' worth."""
    m = mkt[0]
    step = P[G.HW_OOM_PER_YEAR] * P[G.HW_STEP_MONTHS] / 12.0
    m.hw_oom += step
    m.hw_steps += 1
    log_event(log, mkt, t, EV.HARDWARE_STEP, A.HARDWARE, 10.0**m.hw_oom, step, 0)
    emit(outbox, mkt, t + P[G.HW_STEP_MONTHS], EV.HARDWARE_STEP, A.HARDWARE)


@kernel
def handle_event(
    P: np.ndarray,
    LP: np.ndarray,
    CP: np.ndarray,
    labs: np.ndarray,
    clouds: np.ndarray,
    mkt: np.ndarray,
    hist: np.ndarray,
    log: np.ndarray,
    outbox: np.ndarray,
    terms: np.ndarray,
    kind: int,
    actor: int,
    t: float,
    open_share: float,
) -> None:
    """Dispatch one non-clearing event to its handler."""
    if kind == EV.RELEASE:
        on_release(P, LP, CP, labs, clouds, mkt, hist, log, outbox, terms, actor, t, open_share)
    elif kind == EV.PRICE_REVIEW:
        on_price_review(P, LP, labs, clouds, mkt, hist, log, actor, t)
    elif kind == EV.FUNDING_ROUND:
        on_funding_round(P, LP, labs, mkt, log, actor, t)
    elif kind == EV.RUNWAY_EXHAUSTED:
        on_runway_exhausted(P, LP, labs, mkt, log, actor, t)
    elif kind == EV.SAFETY_INCIDENT:
        on_safety_incident(P, mkt, log, actor, t)
    elif kind == EV.LIABILITY_SHOCK:
        on_liability_shock(mkt, log, t)
    elif kind == EV.EXPORT_CONTROL:
        on_export_control(P, LP, labs, mkt, log, t)
    elif kind == EV.REG_PHASE:
        on_reg_phase(mkt, log, t)
    elif kind == EV.HARDWARE_STEP:
        on_hardware_step(P, mkt, log, outbox, t)
