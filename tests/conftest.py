"""Shared fixtures: the baseline and small, fast variants of it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from sim.engine.batch import BatchArrays, simulate
from sim.params.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"


@pytest.fixture(scope="session")
def baseline() -> Scenario:
    return load_scenario(BASELINE)


@pytest.fixture(scope="session")
def small(baseline: Scenario) -> Scenario:
    """The baseline with small populations: same mechanisms, a fraction of the cost."""
    return baseline.with_values(run__enterprises=300, run__developers=1500, run__runs=6)


@pytest.fixture(scope="session")
def library_batches() -> Callable[..., BatchArrays]:
    """:func:`~sim.engine.batch.simulate` with a memory: a batch of the same parameters and
    runs is simulated once per session. The calibration report's check and the scenario
    directions both run the scenario library's files over runs 0-999 (docs/calibration.md's
    table); held here, each is simulated once. The event logs are not kept (neither reads
    them; ``logs`` is None, so a reader fails loudly): about 80 MB a batch of 1,000 runs."""
    kept: dict[tuple, BatchArrays] = {}

    def simulate_once(scenario: Scenario, runs) -> BatchArrays:
        runs = tuple(int(r) for r in runs)
        key = (
            scenario.global_vector().tobytes(),
            scenario.lab_matrix().tobytes(),
            scenario.cloud_matrix().tobytes(),
            scenario.seed,
            scenario.months,
            scenario.n_enterprises,
            scenario.n_developers,
            runs,
        )
        if key not in kept:
            kept[key] = dataclasses.replace(simulate(scenario, runs), logs=None)
        return kept[key]

    return simulate_once


@pytest.fixture
def tiny_toml(tmp_path: Path) -> Path:
    """A scenario file extending the baseline: 4 runs, small populations, 24 months."""
    path = tmp_path / "tiny.toml"
    path.write_text(
        f'[scenario]\nname = "tiny"\nextends = "{BASELINE.as_posix()}"\n'
        "[run]\nruns = 4\nenterprises = 200\ndevelopers = 1000\nmonths = 24\n"
    )
    return path


TINY_KEYS = ["enterprises.open_friction", "technology.catchup"]
TINY_VALUES = np.array([[1.0, 0.1], [6.0, 0.5], [14.0, 0.9]])


@pytest.fixture
def tiny_worlds(tiny_toml: Path) -> Path:
    """tiny.toml with a three-world worlds file beside it."""
    from experiments.worlds import worlds_path, write_worlds

    meta = {"format": 1, "scenario_path": tiny_toml.name, "note": "written by the test"}
    write_worlds(worlds_path(tiny_toml), TINY_KEYS, TINY_VALUES, np.array([1.0, 2.0, 2.5]), meta)
    return tiny_toml
