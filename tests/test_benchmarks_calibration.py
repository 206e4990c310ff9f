"""The whole calibration's timing: its split into simulation and emulator work from the
progress messages, the cluster extrapolation and the budget rows."""

from __future__ import annotations

import pytest

from benchmarks.calibration_run import on_workers, split_phases
from benchmarks.extras import CALIBRATION_LIMIT_S, WAVE_LIMIT_S, extra_budgets, extra_lines

MARKS = [
    (1.0, "wave 1: 1/2 chunks of worlds simulated"),
    (2.0, "wave 1: 2/2 chunks of worlds simulated"),
    (2.5, "emulators of wave 1: fitting 23 targets"),
    (
        6.0,
        "wave 2: 40 of 200 candidates not ruled out (NROY about 0.2 of the prior); simulating 10",
    ),
    (9.0, "wave 2: 2/2 chunks of worlds simulated"),
]
CAL = {"waves": 2, "points": 500, "runs": 8, "threads": 2, "total_s": 600.0, "worlds": 90,
       "simulate_s": 400.0, "emulator_s": 200.0}  # fmt: skip


def test_phases_are_split_at_the_emulator_messages():
    # simulation: 0-2.5 and 6-10; emulators: 2.5-6
    assert split_phases(MARKS, 0.0, 10.0) == {"simulate_s": 6.5, "emulator_s": 3.5}
    # stopped while fitting: the rest is the emulators'
    assert split_phases(MARKS[:3], 0.0, 4.0) == {"simulate_s": 2.5, "emulator_s": 1.5}


def test_a_cluster_divides_the_simulation_not_the_emulators():
    assert on_workers(CAL, 32) == pytest.approx(400.0 * 2 / 32 + 200.0)
    assert on_workers(CAL, 2) == CAL["total_s"]


def test_budget_rows_and_the_section():
    rows = {r["budget"][:8]: r for r in extra_budgets({"calibration": CAL})}
    wave = rows["a calibr"]
    # 400 s over 2 waves of 500 worlds: 400 s per 1,000 worlds
    assert wave["value"] == pytest.approx(400.0) and wave["limit"] == WAVE_LIMIT_S and wave["met"]
    whole = rows["the whol"]
    assert whole["value"] == 600.0 and whole["limit"] == CALIBRATION_LIMIT_S and whole["met"]
    text = "\n".join(extra_lines({"calibration": CAL}))
    assert "took 10.0 minutes on 2 threads and kept 90 worlds" in text
    assert "about 3.8 minutes (extrapolated" in text
