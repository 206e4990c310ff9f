"""The fast engine: a numba-compiled event loop, and a batch of runs in parallel.

One run is a heap of (time, priority, sequence, kind, actor) events over the run's state
(:class:`sim.state.RunState`); every event is dispatched to the rulebook (``sim.rules``). A
batch runs independent runs under ``prange``; each run draws only from its own counter-based
streams, so results are bit-identical whatever the number of threads.
"""

import numpy as np
from numba import njit, prange

from ..events import EV, EVENT_PRIORITY
from ..params.spec import G
from ..rules import clearing
from ..rules.classify import N_CONDITIONS, decide, final_indicators
from ..rules.dispatch import handle_event
from ..rules.enterprise import ADOPTION_RECHECK_MONTHS
from ..rules.jit import borrow, hot_kernel, kernel, prefetch
from ..rules.setup import init_state
from ..state import borrow_state, new_state
from .heap import heap_pop, heap_push

__all__ = ["queue_reviews", "run_until", "run_one", "run_batch"]

_PRIO = np.array([EVENT_PRIORITY.get(EV(k), 99) for k in range(len(EV))], dtype=np.int64)


# reviews ahead whose records are prefetched
_AHEAD = 8


@hot_kernel
def _drain(s):
    """Move the rules' requested events onto the heap, in request order."""
    outbox, heap = s.outbox, s.heap
    m = s.mkt[0]
    for j in range(m.out_n):
        kind = outbox[j].kind
        m.heap_n = heap_push(
            heap, m.heap_n, outbox[j].time, _PRIO[kind], m.seq, kind, outbox[j].actor
        )
        m.seq += 1
    m.out_n = 0


@hot_kernel
def _ring_push(ring, count, recs, i, month, months):
    """Append agent ``i`` to the ring slot of its next review month (if before ``months``).

    First in, first out within a month: the order of enterprises' reviews fixes the order of
    their volume sums, so it is the reference engine's order.
    """
    nxt = recs[i].next_review
    if nxt >= months:
        return
    if nxt - month >= ring.shape[0] or nxt < month:
        raise ValueError("an agent's next review lies outside the review ring")
    slot = nxt & (ring.shape[0] - 1)
    ring[slot, count[slot]] = i
    count[slot] += 1


@kernel
def _ring_slots(review_months: float) -> int:
    """Ring slots for reviews: more than the longest wait ``next_review_month`` can draw
    (1 + the integer part of 2 x mean - 1 months), rounded up to a power of two so that a
    month's slot is a bit mask, not a division."""
    need = int(max(2.0 * review_months - 1.0, 1.0)) + 2
    slots = 1
    while slots < need:
        slots *= 2
    return slots


@kernel
def _ring(review_months: float, n: int):
    """An empty review ring for ``n`` agents: (slots x n agent indices, count per slot)."""
    slots = _ring_slots(review_months)
    return np.empty((slots, max(n, 1)), dtype=np.int32), np.zeros(slots, dtype=np.int64)


@kernel
def queue_reviews(s, n_ent, n_dev, months):
    """Queue every agent's first review: the review rings (developers' ring and counts,
    enterprises' ring and counts), in index order."""
    dring, dcount = _ring(s.P[G.DEV_REVIEW_MONTHS], n_dev)
    # a firm that has not adopted looks again after ADOPTION_RECHECK_MONTHS
    ering, ecount = _ring(max(s.P[G.REVIEW_MONTHS], float(ADOPTION_RECHECK_MONTHS)), n_ent)
    for i in range(n_dev):
        _ring_push(dring, dcount, s.devs, i, 0, months)
    for i in range(n_ent):
        _ring_push(ering, ecount, s.ents, i, 0, months)
    return dring, dcount, ering, ecount


# The agents due this month are listed in an array, not a linked list through their records,
# so the records of reviews a few places ahead are fetched while this one is decided: a
# population too large for the cache does not wait on one memory access per review (1M
# developers: 1.6 -> 0.38 s a run; baseline ~3% slower for the bookkeeping). Views whose null
# reference count LLVM sees: no reference counting in the review loops; the per-agent kernels
# take only the arrays they touch (a whole bundle per review costs a few percent of a run).


@hot_kernel
def _reviews_developers(s, months, rings, month):
    """Every developer due in ``month`` reviews, in ring order; each is queued again."""
    b = borrow_state(s)
    ring, count = borrow(rings[0]), borrow(rings[1])
    slot = month & (ring.shape[0] - 1)
    n = count[slot]
    for j in range(n):
        if j + _AHEAD < n:
            prefetch(b.devs, ring[slot, j + _AHEAD])
        i = ring[slot, j]
        clearing.developer_review(b.P, b.devs, b.labs, b.mkt, b.rl, b.work, i)
        _ring_push(ring, count, b.devs, i, month, months)
    count[slot] = 0


@hot_kernel
def _reviews_enterprises(s, months, rings, month):
    """Every enterprise due in ``month`` reviews, in ring order; each is queued again."""
    b = borrow_state(s)
    ring, count = borrow(rings[2]), borrow(rings[3])
    slot = month & (ring.shape[0] - 1)
    n = count[slot]
    for j in range(n):
        if j + _AHEAD < n:
            prefetch(b.ents, ring[slot, j + _AHEAD])
        i = ring[slot, j]
        clearing.enterprise_review(
            b.P, b.ents, b.clouds, b.mkt, b.vol, b.hvol, b.rv, b.rl, b.work, i
        )
        _ring_push(ring, count, b.ents, i, month, months)
    count[slot] = 0


@kernel
def _clearing(s, months, rings):
    """The monthly clearing: the steps of sim.plan.MONTH_PLAN, in order."""
    m = s.mkt[0]
    # plan:begin (generated from sim.plan.MONTH_PLAN)
    clearing.step_demand(s)
    clearing.step_training(s)
    clearing.step_views(s)
    clearing.developers_open(s)
    _reviews_developers(s, months, rings, m.month)
    clearing.developers_close(s)
    _reviews_enterprises(s, months, rings, m.month)
    clearing.enterprises_close(s)
    clearing.step_money(s)
    clearing.step_funding(s)
    clearing.step_regulators(s)
    clearing.step_price_reviews(s)
    clearing.step_record(s)
    # plan:end


@kernel
def run_until(s, months, rings, stop):
    """Run the calendar until month ``stop`` has cleared (``stop = months``: the whole run)."""
    _drain(s)
    m = s.mkt[0]
    while m.heap_n > 0 and m.month < stop:
        t, kind, actor, n = heap_pop(s.heap, m.heap_n)
        m.heap_n = n
        if kind == EV.CLEARING:
            _clearing(s, months, rings)
            if m.month >= months:
                break
        elif t < months:
            handle_event(s, kind, actor, t)
        _drain(s)


@kernel
def run_one(P, LP, CP, seed, months, n_ent, n_dev, traj, log, ind, scores):
    """Simulate one run; fills ``traj`` (months x series), ``log``, ``ind`` and the end
    states' ``scores``, the classifier running on the finished trajectory.

    Returns (end state index, how it was decided, condition bits, number of logged events,
    number of events dropped).
    """
    traj[:, :] = 0.0
    owner = new_state(P, LP, CP, n_ent, n_dev, months, traj, log)
    # the kernels below see borrowed views of the state ``owner`` keeps alive, so passing the
    # bundle costs no atomic reference counting per call
    s = borrow_state(owner)
    init_state(s, seed, months)
    rings = queue_reviews(s, n_ent, n_dev, months)
    run_until(s, months, rings, months)
    final_indicators(P, traj, months, ind)
    end, how, bits = decide(P, traj, months, np.empty(N_CONDITIONS), scores)
    mo = owner.mkt[0]  # the owned state lives to the end of the run
    return end, how, bits, mo.log_n, mo.dropped


# nogil: a batch's background thread builds and writes the previous chunk's tables meanwhile
@njit(cache=True, parallel=True, nogil=True, error_model="numpy")
def run_batch(
    P,
    LP,
    CP,
    world,
    seeds,
    months,
    n_ent,
    n_dev,
    traj,
    logs,
    log_n,
    ends,
    decided,
    held,
    scores,
    inds,
    dropped,
):
    """Run ``len(seeds)`` independent runs in parallel into preallocated outputs.

    ``P``, ``LP`` and ``CP`` hold one parameter set per world (stacked on a first axis); run
    ``r`` simulates world ``world[r]`` (a row of the stack: no copy, no loss of speed).
    """
    for r in prange(seeds.shape[0]):
        w = world[r]
        e, how, bits, n, d = run_one(
            P[w],
            LP[w],
            CP[w],
            seeds[r],
            months,
            n_ent,
            n_dev,
            traj[r],
            logs[r],
            inds[r],
            scores[r],
        )
        ends[r] = e
        decided[r] = how
        held[r] = bits
        log_n[r] = n
        dropped[r] = d
