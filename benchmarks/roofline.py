"""Agent decisions per second: the fast engine beside a microkernel of the same choice rule.

The fast engine's reviews are counted from its event log (the monthly summaries
``enterprise_reviews`` and ``developer_switches`` carry the month's review count in
``value2``). The microkernel runs the fast engine's event loop to the middle of a run, so the
views, context and agents' records are those of a real month, then calls the rulebook's
``enterprise_decision`` and ``developer_decision`` over every agent in a tight compiled loop
with nothing else around them: the rate this machine allows for the choice rule alone, the
roofline. The engine's fraction of it is the share of its time spent deciding.
"""

from __future__ import annotations

import time

import numba
import numpy as np
from numba import njit

from sim.engine.fast import queue_reviews, run_until
from sim.events import EV
from sim.params.scenario import Scenario
from sim.rules.developer import developer_decision
from sim.rules.enterprise import enterprise_decision
from sim.rules.setup import init_state
from sim.state import (
    EC,
    EVENT_DTYPE,
    MAX_EVENTS,
    W_CTX,
    W_DEV_WEIGHTS,
    W_IS_OPEN,
    W_PROB,
    W_UTIL,
    S,
    borrow_state,
    new_state,
)
from sim.vocab import N_OPTIONS

__all__ = ["engine_decisions", "microkernel_rates", "roofline"]


def engine_decisions(logs: np.ndarray, log_n: np.ndarray) -> tuple[int, int]:
    """(enterprise reviews, developer reviews) summed over a batch's event logs."""
    ent = dev = 0
    for r in range(log_n.shape[0]):
        log = logs[r, : log_n[r]]
        ent += int(log["value2"][log["kind"] == EV.ENTERPRISE_REVIEWS].sum())
        dev += int(log["value2"][log["kind"] == EV.DEVELOPER_SWITCHES].sum())
    return ent, dev


@njit(cache=True, error_model="numpy")
def _decide(P, LP, CP, seed, months, n_ent, n_dev, traj, log, stop, reps_ent, reps_dev):
    """Run to month ``stop`` as the fast engine does, then decide ``reps`` times per agent.

    Returns a checksum of the choices so that the compiler keeps every call.
    """
    owner = new_state(P, LP, CP, n_ent, n_dev, months, traj, log)
    s = borrow_state(owner)
    init_state(s, seed, months)
    run_until(s, months, queue_reviews(s, n_ent, n_dev, months), stop)
    m = s.mkt[0]
    n_labs = s.labs.shape[0]
    month = m.month
    ctx = s.work[W_CTX : W_CTX + EC.N]
    util = s.work[W_UTIL : W_UTIL + N_OPTIONS]
    prob = s.work[W_PROB : W_PROB + N_OPTIONS]
    is_open = s.work[W_IS_OPEN : W_IS_OPEN + n_labs]
    weights = s.work[W_DEV_WEIGHTS : W_DEV_WEIGHTS + n_labs]
    stay = m.dev_stay
    stay_open = m.dev_stay_open
    check = 0
    for rep in range(reps_ent):
        mo = month + rep % 12  # fresh draws on each pass, same views
        for i in range(n_ent):
            e = s.ents[i]
            o, f, v, vf, nxt, h, hf, hs = enterprise_decision(
                P=s.P,
                e=e,
                idx=i,
                month=mo,
                seed=m.seed,
                rv=s.rv,
                vweights=s.rl[0],
                fweights=s.rl[1],
                fvweights=s.rl[3],
                cloud_markup=s.clouds[e.cloud].markup,
                ctx=ctx,
                util=util,
                prob=prob,
            )
            check += o + f + v + vf + nxt + int(h > 0.5) + int(hs)
    for rep in range(reps_dev):
        mo = month + rep % 12
        for i in range(n_dev):
            eco, nxt = developer_decision(
                P=s.P,
                d=s.devs[i],
                idx=i,
                month=mo,
                seed=m.seed,
                exp_appeal=s.rl[2],
                is_open=is_open,
                stay=stay,
                stay_open=stay_open,
                weights=weights,
            )
            check += eco + nxt
    # the owned state must live to the end: ``s`` only borrows its arrays (read after the last
    # use of ``owner``, numba would free them while ``s`` still points at them)
    return check + owner.mkt[0].month * 0


def _time_decide(sc: Scenario, stop: int, reps_ent: int, reps_dev: int) -> float:
    traj = np.zeros((sc.months, int(S.N)))
    log = np.zeros(MAX_EVENTS, dtype=EVENT_DTYPE)
    args = (
        sc.global_vector(),
        sc.lab_matrix(),
        sc.cloud_matrix(),
        np.int64(sc.seed),
        sc.months,
        sc.n_enterprises,
        sc.n_developers,
        traj,
        log,
        stop,
    )
    t0 = time.perf_counter()
    _decide(*args, reps_ent, reps_dev)
    return time.perf_counter() - t0


def microkernel_rates(sc: Scenario, seconds: float = 1.0) -> tuple[float, float]:
    """Decisions per second on one core: (enterprise, developer), at mid-run state."""
    stop = sc.months // 2
    _time_decide(sc, stop, 1, 1)  # compile or load
    setup = min(_time_decide(sc, stop, 0, 0) for _ in range(3))
    rates = []
    for which in (0, 1):
        n = sc.n_enterprises if which == 0 else sc.n_developers
        reps = 4
        while True:
            dt = _time_decide(sc, stop, reps if which == 0 else 0, reps if which == 1 else 0)
            dt -= setup
            if dt >= seconds or reps >= 1 << 20:
                break
            reps *= max(2, int(seconds / max(dt, 1e-3)))
        rates.append(reps * n / dt)
    return rates[0], rates[1]


def roofline(sc: Scenario, runs: int = 200, seconds: float = 1.0) -> dict[str, float]:
    """The fast engine's decisions per second per core beside the microkernel's (one thread)."""
    from sim.engine.batch import simulate

    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        simulate(sc, [0])
        best = float("inf")
        for _ in range(2):
            t0 = time.perf_counter()
            b = simulate(sc, range(runs))
            best = min(best, time.perf_counter() - t0)
        ent, dev = engine_decisions(b.logs, b.log_n)
        ent_rate, dev_rate = microkernel_rates(sc, seconds)
    finally:
        numba.set_num_threads(threads)
    engine_rate = (ent + dev) / best
    # the microkernel's rate for the engine's own mix of enterprise and developer decisions
    kernel_rate = (ent + dev) / (ent / ent_rate + dev / dev_rate)
    return {
        "runs": runs,
        "enterprise_decisions": ent,
        "developer_decisions": dev,
        "engine_seconds": best,
        "engine_rate": engine_rate,
        "kernel_enterprise_rate": ent_rate,
        "kernel_developer_rate": dev_rate,
        "kernel_rate": kernel_rate,
        "fraction": engine_rate / kernel_rate,
    }
