"""Runs drawn from several parameter sets (worlds) in one batch."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.batch import simulate
from sim.engine.differential import batch_differences

FIELDS = ("end_states", "indicators", "trajectories", "logs", "log_n", "dropped")


@pytest.fixture(scope="module")
def worlds(small):
    base = small.with_values(run__enterprises=200, run__developers=800)
    other = base.with_values(
        counterforces__enablers__strength=2.0, drivers__market_pressure__strength=0.0
    )
    return base, other


def test_a_run_in_a_mixed_batch_is_the_run_of_its_world(worlds):
    base, other = worlds
    world = np.array([0, 1, 1, 0, 1])
    mixed = simulate(base, range(5), worlds=[base, other], world=world)
    alone = [simulate(w, range(5)) for w in (base, other)]
    assert mixed.world.tolist() == world.tolist()
    for j, w in enumerate(world):
        for field in FIELDS:
            assert np.array_equal(getattr(mixed, field)[j], getattr(alone[w], field)[j]), field
    # the worlds differ: the mechanism moved something
    assert not np.array_equal(alone[0].trajectories, alone[1].trajectories)


def test_default_world_is_the_scenario(worlds):
    base, _ = worlds
    a = simulate(base, range(3))
    b = simulate(base, range(3), worlds=[base], world=[0, 0, 0])
    assert a.world.tolist() == [0, 0, 0]
    assert batch_differences(a, b, rtol=0.0) == []


def test_reference_engine_runs_each_run_in_its_world(worlds):
    base, other = worlds
    kw = {"worlds": [base, other], "world": [1, 0]}
    fast = simulate(base, [2, 3], **kw)
    ref = simulate(base, [2, 3], engine="reference", **kw)
    assert batch_differences(fast, ref, rtol=1e-9) == []


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"worlds": [], "world": [0, 0]}, "at least one parameter set"),
        ({"world": [0]}, "one index per run"),
        ({"world": [0, 1]}, "indices in 0..0"),
        ({"worlds": "months", "world": [0, 0]}, "months, enterprises and developers"),
    ],
)
def test_worlds_that_do_not_fit_are_refused(worlds, kw, message):
    base, _ = worlds
    if kw.get("worlds") == "months":
        kw = {**kw, "worlds": [base.with_values(run__months=24)]}
    with pytest.raises(ValueError, match=message):
        simulate(base, range(2), **kw)
