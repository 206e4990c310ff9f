"""The rulebook as plain Python: the compiled fast engine against the reference engine with
every rule interpreted (``NUMBA_DISABLE_JIT=1`` in a child process), over the scenario library
and over settings that switch on what the baseline leaves off."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.batch import simulate
from sim.engine.differential import batch_differences
from sim.engine.interpreted import simulate_interpreted
from sim.events import EV, SCHEDULED
from sim.params.scenario import load_scenario
from sim.params.spec import GLOBAL_PARAMS

from .conftest import ROOT
from .test_comparative_statics import OPEN_WORLD

SMALL = {"run__enterprises": 30, "run__developers": 100}
STRENGTHS = [p.key.replace(".", "__") for p in GLOBAL_PARAMS.values() if p.key.endswith("strength")]
# settings that switch on what the baseline leaves off, or push it to its ranges' edges
SETTINGS = {
    "pushed_clouds_tolerant_work": {
        "clouds__push": 1.5,
        "workload__frontier_tolerance_months": 6.0,
    },
    "open_world": OPEN_WORLD,
    "every_mechanism_doubled": dict.fromkeys(STRENGTHS, 2.0),
    "every_mechanism_off": dict.fromkeys(STRENGTHS, 0.0),
}
CASES = [(path.stem, path.name, {}) for path in sorted((ROOT / "scenarios").glob("*.toml"))]
CASES += [(name, "baseline.toml", over) for name, over in SETTINGS.items()]
RUNS = [0, 1]
# relative agreement; sums of money that cancel (the money residual, ~1e-17 of USD 1 B)
# differ in their last bits between compiled and interpreted arithmetic
RTOL, ATOL = 1e-9, 1e-12


def _scenario(file: str, over: dict):
    return load_scenario(ROOT / "scenarios" / file).with_values(**SMALL, **over)


@pytest.fixture(scope="module")
def pairs():
    """(compiled fast batch, interpreted reference batch) per case, one child process."""
    scenarios = [_scenario(file, over) for _, file, over in CASES]
    interpreted = simulate_interpreted([(sc, RUNS) for sc in scenarios])
    return {
        name: (simulate(sc, RUNS), ref)
        for (name, _, _), sc, ref in zip(CASES, scenarios, interpreted, strict=True)
    }


@pytest.mark.slow
@pytest.mark.parametrize("case", [name for name, _, _ in CASES])
def test_compiled_and_interpreted_rules_agree(pairs, case):
    fast, ref = pairs[case]
    diffs = batch_differences(fast, ref, rtol=RTOL, atol=ATOL)
    assert not diffs, "\n".join(diffs)
    assert fast.log_n.min() > 30  # the logs compared are real histories


@pytest.mark.slow
def test_cases_exercise_every_scheduled_event(pairs):
    """A handler wired to the wrong kind shows up only where its events happen."""
    seen = set()
    for fast, _ in pairs.values():
        for j in range(fast.runs.shape[0]):
            seen |= set(np.unique(fast.logs[j, : fast.log_n[j]]["kind"]).tolist())
    logged_by_handler = {EV.PRICE_REVIEW: EV.PRICE_CUT, EV.RUNWAY_EXHAUSTED: EV.WIND_DOWN}
    missing = [
        kind.name
        for kind in SCHEDULED
        if kind != EV.CLEARING and logged_by_handler.get(kind, kind) not in seen
    ]
    assert not missing, missing


@pytest.mark.slow
def test_differences_are_found_at_the_tolerance(pairs):
    fast, ref = pairs["baseline"]
    ref.trajectories[1, 30, 0] *= 1.0 + 10 * RTOL
    assert batch_differences(fast, ref, rtol=RTOL, atol=ATOL)
    ref.trajectories[1, 30, 0] = fast.trajectories[1, 30, 0]


def test_the_interpreted_child_refuses_compiled_rules(tmp_path):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "sim.engine.interpreted", "job", "out"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode != 0 and "NUMBA_DISABLE_JIT=1" in done.stderr
