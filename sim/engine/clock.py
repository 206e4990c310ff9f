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

__all__ = [
    "Clock",
    "event_priority",
    "PRIO_CLEARING",
    "PRIO_DEV_REVIEW",
    "PRIO_DEV_CLOSE",
    "PRIO_ENT_REVIEW",
    "PRIO_CLOSE",
]

# SimPy keeps 0 (urgent) and 1 (normal) for its own events; the clearing of a month runs in
# five sub-steps, all before any other event at the same time (rulebook priorities >= 1).
PRIO_CLEARING = 2  # steps 1-3
PRIO_DEV_REVIEW = 3  # step 4, one appointment per developer due
PRIO_DEV_CLOSE = 4  # developers' tally; enterprises' month context
PRIO_ENT_REVIEW = 5  # step 5, one appointment per enterprise due
PRIO_CLOSE = 6  # steps 6-9


def event_priority(kind: int) -> int:
    """SimPy priority of a rulebook event kind (same order as the fast engine's heap)."""
    return PRIO_CLEARING + 10 * EVENT_PRIORITY[EV(kind)]


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
