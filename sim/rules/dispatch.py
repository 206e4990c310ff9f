"""The fast engine's dispatch of scheduled events to their handlers, written from the table.

Every handler has the signature ``handler(state, actor, t)`` and is named by the event table
(:data:`sim.events.EVENT_TABLE`). Numba caches only functions whose callees are known when
it compiles, so the dispatch is an ``if`` chain generated from the table into this file
(``uv run python -m sim.codegen`` rewrites it; ``tests/test_codegen.py`` fails when it is
stale). The clearing is not dispatched here: each engine sequences its phases itself.
"""

from ..events import EV, EVENT_TABLE
from . import lifecycle
from .jit import kernel

__all__ = ["handle_event", "HANDLED", "render_dispatch"]

HANDLED = tuple(EV(i) for i, k in enumerate(EVENT_TABLE) if k.handler is not None)


def render_dispatch() -> str:
    """The body of :func:`handle_event` for the current table."""
    lines = []
    for j, kind in enumerate(HANDLED):
        word = "if" if j == 0 else "elif"
        lines.append(f"    {word} kind == EV.{kind.name}:\n")
        lines.append(f"        lifecycle.{EVENT_TABLE[kind].handler}(s, actor, t)\n")
    return "".join(lines)


@kernel
def handle_event(s, kind: int, actor: int, t: float) -> None:
    """Carry out one scheduled (non-clearing) event with the handler the table names."""
    # dispatch:begin (generated from sim.events.EVENT_TABLE)
    if kind == EV.REG_PHASE:
        lifecycle.on_reg_phase(s, actor, t)
    elif kind == EV.EXPORT_CONTROL:
        lifecycle.on_export_control(s, actor, t)
    elif kind == EV.LIABILITY_SHOCK:
        lifecycle.on_liability_shock(s, actor, t)
    elif kind == EV.SAFETY_INCIDENT:
        lifecycle.on_safety_incident(s, actor, t)
    elif kind == EV.HARDWARE_STEP:
        lifecycle.on_hardware_step(s, actor, t)
    elif kind == EV.RELEASE:
        lifecycle.on_release(s, actor, t)
    elif kind == EV.PRICE_REVIEW:
        lifecycle.on_price_review(s, actor, t)
    elif kind == EV.FUNDING_ROUND:
        lifecycle.on_funding_round(s, actor, t)
    elif kind == EV.RUNWAY_EXHAUSTED:
        lifecycle.on_runway_exhausted(s, actor, t)
    # dispatch:end
