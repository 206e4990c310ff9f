"""The run's event log and the outbox through which rules ask for future events.

Rules never touch an engine's scheduler: they append requests (time, kind, actor) to the
outbox, and each engine moves them onto its own calendar (a heap in the fast engine, SimPy in
the reference engine) in the order they were made.
"""

from .jit import hot_kernel

__all__ = ["log_event", "emit"]


@hot_kernel
def log_event(s, t: float, kind: int, actor: int, value: float, value2: float, target: int) -> None:
    """Append an event to the run's log; past capacity it is counted as dropped."""
    log = s.log
    m = s.mkt[0]
    n = m.log_n
    if n >= log.shape[0]:
        m.dropped += 1
        return
    log[n].time = t
    log[n].kind = kind
    log[n].actor = actor
    log[n].value = value
    log[n].value2 = value2
    log[n].target = target
    m.log_n = n + 1


@hot_kernel
def emit(s, t: float, kind: int, actor: int) -> None:
    """Ask the engine to schedule event ``kind`` for ``actor`` at time ``t``."""
    outbox = s.outbox
    m = s.mkt[0]
    n = m.out_n
    if n >= outbox.shape[0]:
        raise RuntimeError("event outbox overflow")
    outbox[n].time = t
    outbox[n].kind = kind
    outbox[n].actor = actor
    m.out_n = n + 1
