"""The fast engine: a numba-compiled event loop, and a batch of runs in parallel.

One run is a heap of (time, priority, sequence, kind, actor) events over the run's state
(:class:`sim.state.RunState`); every event is dispatched to the rulebook (``sim.rules``). A
batch runs independent runs under ``prange``; each run draws only from its own counter-based
streams, so results are bit-identical whatever the number of threads.
"""

import numpy as np
from numba import njit, prange

from ..events import EV, EVENT_PRIORITY
from ..rules.classify import classify, final_indicators
from ..rules.clearing import (
    clearing_close,
    clearing_open,
    developer_review,
    developers_close,
    enterprise_review,
)
from ..rules.dispatch import handle_event
from ..rules.jit import hot_kernel, kernel
from ..rules.setup import init_state
from ..state import borrow_state, new_state
from .heap import heap_pop, heap_push

__all__ = ["run_one", "run_batch"]

_PRIO = np.array([EVENT_PRIORITY.get(EV(k), 99) for k in range(len(EV))], dtype=np.int64)

# rows of the review buckets (months wide): first and last agent due in each month
_DEV_HEAD, _DEV_TAIL, _ENT_HEAD, _ENT_TAIL = 0, 1, 2, 3


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
def _clearing(s):
    """The monthly clearing: the rulebook's phases, with the month's reviews from the buckets."""
    month = s.mkt[0].month
    clearing_open(s)
    # views whose null reference count LLVM sees: no reference counting in the review loops;
    # the per-agent kernels take only the arrays they touch (a whole bundle per review costs
    # a few percent of a run)
    b = borrow_state(s)
    hb = b.buckets
    i = hb[_DEV_HEAD, month]
    while i >= 0:
        nxt_i = b.devs[i].link
        developer_review(b.P, b.devs, b.labs, b.mkt, b.rl, b.work, i)
        _push(hb[_DEV_HEAD], hb[_DEV_TAIL], b.devs, i)
        i = nxt_i
    developers_close(s)
    i = hb[_ENT_HEAD, month]
    while i >= 0:
        nxt_i = b.ents[i].link
        enterprise_review(b.P, b.ents, b.clouds, b.mkt, b.vol, b.rv, b.rl, b.work, i)
        _push(hb[_ENT_HEAD], hb[_ENT_TAIL], b.ents, i)
        i = nxt_i
    clearing_close(s)


@kernel
def run_one(P, LP, CP, seed, months, n_ent, n_dev, traj, log, ind):
    """Simulate one run; fills ``traj`` (months x series), ``log`` and ``ind``.

    Returns (end state index, number of logged events, number of events dropped).
    """
    traj[:, :] = 0.0
    owner = new_state(P, LP, CP, n_ent, n_dev, months, traj, log)
    # the kernels below see borrowed views of the state ``owner`` keeps alive, so passing the
    # bundle costs no atomic reference counting per call
    s = borrow_state(owner)
    init_state(s, seed, months)
    for i in range(n_dev):
        _push(s.buckets[_DEV_HEAD], s.buckets[_DEV_TAIL], s.devs, i)
    for i in range(n_ent):
        _push(s.buckets[_ENT_HEAD], s.buckets[_ENT_TAIL], s.ents, i)
    _drain(s)
    m = s.mkt[0]
    while m.heap_n > 0:
        t, kind, actor, n = heap_pop(s.heap, m.heap_n)
        m.heap_n = n
        if kind == EV.CLEARING:
            _clearing(s)
            if m.month >= months:
                break
        elif t < months:
            handle_event(s, kind, actor, t)
        _drain(s)
    final_indicators(P, traj, months, ind)
    mo = owner.mkt[0]  # the owned state lives to the end of the run
    return classify(P, traj, months), mo.log_n, mo.dropped


@njit(cache=True, parallel=True, error_model="numpy")
def run_batch(P, LP, CP, seeds, months, n_ent, n_dev, traj, logs, log_n, ends, inds, dropped):
    """Run ``len(seeds)`` independent runs in parallel into preallocated outputs."""
    for r in prange(seeds.shape[0]):
        e, n, d = run_one(P, LP, CP, seeds[r], months, n_ent, n_dev, traj[r], logs[r], inds[r])
        ends[r] = e
        log_n[r] = n
        dropped[r] = d
