"""The reference engine's clock: appointments at exact times, in (time, priority, request)
order, through SimPy's public API."""

from __future__ import annotations

import random

import pytest

from sim.engine.clock import Clock, exact_delay

# times where SimPy's own now + (t - now) misses t by an ulp
MISSES = [(0.15664043053446397, 7.2964790047645325), (0.13466881412873777, 5.976651342031979)]


@pytest.mark.parametrize(("now", "time"), MISSES)
def test_appointments_fire_at_exactly_the_time_asked(now, time):
    assert now + (time - now) != time  # the case the exact delay is for
    assert now + exact_delay(now, time) == time
    clock = Clock()
    clock.run(until=now)
    fired = []
    clock.appointment(time, 3).callbacks.append(lambda e: fired.append((clock.now, e.value)))
    clock.run()
    assert fired == [(time, time)]


def test_appointments_over_random_times():
    rng = random.Random(7)
    clock = Clock()
    for _ in range(2_000):
        time = clock.now + rng.random() * rng.choice([1e-6, 1.0, 200.0])
        ev = clock.appointment(time, 3)
        clock.run(until=ev)
        assert clock.now == time and ev.value == time
        assert exact_delay(clock.now, time) == 0.0


def test_order_is_time_then_priority_then_request():
    clock = Clock()
    fired = []
    for time, prio, name in [(2.0, 5, "c"), (2.0, 2, "a"), (1.5, 9, "first"), (2.0, 5, "d")]:
        ev = clock.appointment(time, prio, name)
        ev.callbacks.append(lambda e: fired.append(e.value))
    # a plain SimPy event scheduled meanwhile keeps SimPy's own behaviour
    clock.timeout(2.0, "timeout").callbacks.append(lambda e: fired.append(e.value))
    clock.run()
    assert fired == ["first", "timeout", "a", "c", "d"]


def test_appointments_in_the_past_are_refused():
    clock = Clock()
    clock.run(until=3.0)
    with pytest.raises(ValueError, match="in the past"):
        clock.appointment(2.0, 1)
