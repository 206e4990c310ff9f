"""The fast engine: a numba-compiled event loop, and a batch of runs in parallel.

One run is a heap of (time, priority, sequence, kind, actor) events over struct-of-records
state; every event is dispatched to the rulebook (``sim.rules``). A batch runs independent
runs under ``prange``; each run draws only from its own counter-based streams, so results are
bit-identical whatever the number of threads.
"""

import numpy as np
from numba import njit, prange

from ..rules.classify import N_INDICATORS, classify, final_indicators
from ..rules.clearing import (
    W_N,
    clearing_close,
    clearing_open,
    developer_review,
    developers_close,
    enterprise_review,
    open_share_now,
)
from ..rules.jit import borrow, hot_kernel, kernel
from ..rules.labs import N_TERMS
from ..rules.lifecycle import handle_event
from ..rules.setup import init_state
from ..state import (
    CLOUD_DTYPE,
    DEV_DTYPE,
    ENT_DTYPE,
    EV,
    EVENT_PRIORITY,
    HEAP_CAP,
    HEAP_DTYPE,
    LAB_DTYPE,
    LV,
    MKT_DTYPE,
    N_CLOUDS,
    N_LABS,
    N_REGIONS,
    N_ROUTES,
    OUTBOX_CAP,
    RV,
)
from .heap import heap_pop, heap_push

__all__ = ["run_one", "run_batch", "N_INDICATORS"]

_PRIO = np.array([EVENT_PRIORITY.get(EV(k), 99) for k in range(len(EV))], dtype=np.int64)


@kernel
def _drain(outbox, mkt, heap):
    """Move the rules' requested events onto the heap, in request order."""
    m = mkt[0]
    for j in range(m.out_n):
        kind = outbox[j].kind
        m.heap_n = heap_push(
            heap, m.heap_n, outbox[j].time, _PRIO[kind], m.seq, kind, outbox[j].actor
        )
        m.seq += 1
    m.out_n = 0


# rows of the review buckets (months wide): first and last agent due in each month
_DEV_HEAD, _DEV_TAIL, _ENT_HEAD, _ENT_TAIL = 0, 1, 2, 3


@hot_kernel
def _push(head, tail, recs, i):
    """Append agent ``i`` to the review bucket of its next review month (first in, first out)."""
    nxt = recs[i].next_review
    if nxt >= head.shape[0]:
        return
    recs[i].link = -1
    if tail[nxt] >= 0:
        recs[tail[nxt]].link = i
    else:
        head[nxt] = i
    tail[nxt] = i


@kernel
def _clearing(
    P,
    LP,
    CP,
    labs,
    clouds,
    ents,
    devs,
    mkt,
    hist,
    vol,
    lv,
    rv,
    rl,
    buckets,
    traj,
    log,
    outbox,
    work,
):
    """The monthly clearing: the rulebook's phases, with the month's reviews from the buckets."""
    month = mkt[0].month
    clearing_open(P, LP, CP, labs, clouds, mkt, hist, vol, lv, rv, rl, work)
    # the review loops see borrowed views: no atomic reference counting per review
    Pb = borrow(P)
    rlb = borrow(rl)
    rvb = borrow(rv)
    wb = borrow(work)
    devsb = borrow(devs)
    entsb = borrow(ents)
    labsb = borrow(labs)
    cloudsb = borrow(clouds)
    volb = borrow(vol)
    mktb = borrow(mkt)
    hb = borrow(buckets)
    i = hb[_DEV_HEAD, month]
    while i >= 0:
        nxt_i = devsb[i].link
        developer_review(Pb, devsb, labsb, mktb, rlb, wb, i)
        _push(hb[_DEV_HEAD], hb[_DEV_TAIL], devsb, i)
        i = nxt_i
    developers_close(P, labs, devs, mkt, lv, log, work)
    i = hb[_ENT_HEAD, month]
    while i >= 0:
        nxt_i = entsb[i].link
        enterprise_review(Pb, entsb, cloudsb, mktb, volb, rvb, rlb, wb, i)
        _push(hb[_ENT_HEAD], hb[_ENT_TAIL], entsb, i)
        i = nxt_i
    clearing_close(P, LP, CP, labs, clouds, ents, mkt, hist, vol, lv, traj, log, outbox)


@kernel
def run_one(P, LP, CP, seed, months, n_ent, n_dev, traj, log, ind):
    """Simulate one run; fills ``traj`` (months x series), ``log`` and ``ind``.

    Returns (end state index, number of logged events, number of events dropped).
    """
    labs = np.zeros(N_LABS, dtype=LAB_DTYPE)
    clouds = np.zeros(N_CLOUDS, dtype=CLOUD_DTYPE)
    ents = np.zeros(n_ent, dtype=ENT_DTYPE)
    devs = np.zeros(n_dev, dtype=DEV_DTYPE)
    mkt = np.zeros(1, dtype=MKT_DTYPE)
    heap = np.zeros(HEAP_CAP, dtype=HEAP_DTYPE)
    outbox = np.zeros(OUTBOX_CAP, dtype=HEAP_DTYPE)
    hist = np.zeros(months + 1)
    vol = np.zeros((N_ROUTES, N_LABS))
    lv = np.zeros((N_LABS, LV.N))
    rv = np.zeros((N_REGIONS, RV.N))
    rl = np.zeros((3, N_REGIONS, N_LABS))
    buckets = np.full((4, months), -1, dtype=np.int64)
    work = np.zeros(W_N)
    terms = np.zeros(N_TERMS)
    traj[:, :] = 0.0
    init_state(
        P,
        LP,
        CP,
        seed,
        months,
        labs,
        clouds,
        ents,
        devs,
        mkt,
        hist,
        vol,
        outbox,
    )
    hb = borrow(buckets)
    devsb = borrow(devs)
    entsb = borrow(ents)
    for i in range(n_dev):
        _push(hb[_DEV_HEAD], hb[_DEV_TAIL], devsb, i)
    for i in range(n_ent):
        _push(hb[_ENT_HEAD], hb[_ENT_TAIL], entsb, i)
    _drain(outbox, mkt, heap)
    m = mkt[0]
    while m.heap_n > 0:
        t, kind, actor, n = heap_pop(heap, m.heap_n)
        m.heap_n = n
        if kind == EV.CLEARING:
            _clearing(
                P,
                LP,
                CP,
                labs,
                clouds,
                ents,
                devs,
                mkt,
                hist,
                vol,
                lv,
                rv,
                rl,
                buckets,
                traj,
                log,
                outbox,
                work,
            )
            if m.month >= months:
                break
        elif t < months:
            handle_event(
                P,
                LP,
                CP,
                labs,
                clouds,
                mkt,
                hist,
                log,
                outbox,
                terms,
                kind,
                actor,
                t,
                open_share_now(vol),
            )
        _drain(outbox, mkt, heap)
    final_indicators(P, traj, months, ind)
    return classify(P, ind), m.log_n, m.dropped


@njit(cache=True, parallel=True, error_model="numpy")
def run_batch(P, LP, CP, seeds, months, n_ent, n_dev, traj, logs, log_n, ends, inds, dropped):
    """Run ``len(seeds)`` independent runs in parallel into preallocated outputs."""
    for r in prange(seeds.shape[0]):
        e, n, d = run_one(P, LP, CP, seeds[r], months, n_ent, n_dev, traj[r], logs[r], inds[r])
        ends[r] = e
        log_n[r] = n
        dropped[r] = d
