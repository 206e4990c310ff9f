"""The reference engine's clock: a SimPy environment with appointments at exact times.

The fast engine orders its calendar by (time, priority, sequence). SimPy orders by (time,
priority, event id), and event ids grow in scheduling order, so scheduling the rulebook's
requests in request order, with the priorities below, gives the same order. Appointments are
placed at the absolute time the rulebook asked for: SimPy schedules at ``now + delay``, and
``now + (t - now)`` can differ from ``t`` in the last bit, so the delay is the float whose sum
with ``now`` is exactly ``t`` (:func:`exact_delay`). Only SimPy's public API is used
(``Event.succeed``, ``Environment.schedule``, ``Environment.now``); ``tests/test_clock.py``
fails if SimPy stops computing ``now + delay`` as it does in 4.1.
"""

from __future__ import annotations

from typing import Any

import simpy

from ..events import EV, EVENT_PRIORITY
from ..plan import MONTH_PLAN

__all__ = [
    "Clock",
    "exact_delay",
    "event_priority",
    "step_priority",
    "review_priority",
    "PRIO_CLEARING",
]

# SimPy keeps 0 (urgent) and 1 (normal) for its own events. The clearing's steps (sim.plan)
# take the priorities from PRIO_CLEARING on, one each, all before any other event at the same
# time; a review step's priority is that of its agents' appointments.
PRIO_CLEARING = 2


def step_priority(step: int) -> int:
    """SimPy priority of step ``step`` (its index in :data:`sim.plan.MONTH_PLAN`)."""
    return PRIO_CLEARING + step


def review_priority(who: str) -> int:
    """SimPy priority of the review appointments of population ``who``."""
    return step_priority([step.who for step in MONTH_PLAN].index(who))


def event_priority(kind: int) -> int:
    """SimPy priority of a rulebook event kind (same order as the fast engine's heap): the
    clearing (priority 0) at its first step, the others after its last."""
    return PRIO_CLEARING + len(MONTH_PLAN) * EVENT_PRIORITY[EV(kind)]


class _Delay(float):
    """A delay that lands exactly on its target: ``now + delay`` is ``target``.

    SimPy schedules at ``now + delay``; with floats, ``now + (target - now)`` can miss
    ``target`` by an ulp, and no float delay reaches it when the sum ties. Python asks a
    subclass on the right of ``+`` first (``__radd__``), so the sum is the target itself.
    """

    target: float

    def __new__(cls, now: float, target: float) -> _Delay:
        delay = super().__new__(cls, target - now)
        delay.target = target
        return delay

    def __radd__(self, now: float) -> float:
        return self.target


def exact_delay(now: float, time: float) -> float:
    """The delay for which SimPy's ``now + delay`` is exactly ``time``."""
    return _Delay(now, time)


class Clock(simpy.Environment):
    """A SimPy environment whose time is months since January 2023."""

    def __init__(self, initial_time: float = 0) -> None:
        super().__init__(initial_time)
        self._appointment: tuple[float, int] | None = None

    def appointment(self, time: float, priority: int, value: Any = None) -> simpy.Event:
        """An event that fires at exactly ``time`` with ``priority`` and value ``value``."""
        if time < self.now:
            raise ValueError(f"appointment at {time} is in the past (now {self.now})")
        ev = self.event()
        self._appointment = (time, priority)
        try:
            ev.succeed(value if value is not None else time)  # calls self.schedule(ev)
        finally:
            self._appointment = None
        return ev

    def schedule(
        self, event: simpy.Event, priority: int = simpy.core.NORMAL, delay: float = 0
    ) -> None:
        """SimPy's ``schedule``; an appointment being made takes its own time and priority."""
        if self._appointment is not None:
            time, priority = self._appointment
            self._appointment = None
            delay = exact_delay(self.now, time)
        super().schedule(event, priority, delay)
