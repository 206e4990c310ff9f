"""The reference engine's clock: a SimPy environment with appointments at exact times.

The fast engine orders its calendar by (time, priority, sequence). SimPy orders by (time,
priority, event id), and event ids grow in scheduling order, so scheduling the rulebook's
requests in request order, with the priorities below, gives the same order. Appointments are
placed at the absolute time the rulebook asked for (``now + (t - now)`` can differ from ``t``
in the last bit), by pushing onto the environment's queue as ``Environment.schedule`` does.
"""

from __future__ import annotations

from heapq import heappush
from typing import Any

import simpy

from ..events import EV, EVENT_PRIORITY
from ..plan import MONTH_PLAN

__all__ = ["Clock", "event_priority", "step_priority", "review_priority", "PRIO_CLEARING"]

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


class Clock(simpy.Environment):
    """A SimPy environment whose time is months since January 2023."""

    def appointment(self, time: float, priority: int, value: Any = None) -> simpy.Event:
        """An event that fires at exactly ``time`` with ``priority`` and value ``value``."""
        if time < self._now:
            raise ValueError(f"appointment at {time} is in the past (now {self._now})")
        ev = simpy.Event(self)
        ev._ok = True
        ev._value = value if value is not None else time
        heappush(self._queue, (time, priority, next(self._eid), ev))
        return ev
