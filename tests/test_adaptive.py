"""Adaptive batches stop at the first step where every end-state's interval is narrow enough,
and their runs are exactly those of a fixed batch of that size."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from experiments.adaptive import AdaptiveError, run_until_narrow, widest_interval
from experiments.cli import main
from experiments.runner import run_scenario
from sim.params.scenario import load_scenario
from sim.vocab import END_STATES


def test_stops_at_the_first_narrow_enough_step(tiny_toml: Path) -> None:
    scenario = load_scenario(tiny_toml)
    seen: list[tuple[int, float]] = []
    result = run_until_narrow(scenario, 0.3, step=8, progress=lambda n, w: seen.append((n, w)))
    assert result.widest < 0.3
    assert all(w >= 0.3 for _, w in seen[:-1])
    assert seen[-1] == (result.runs, result.widest) and result.runs == 8 * len(seen)
    fixed = run_scenario(scenario.with_values(run__runs=result.runs))
    assert result.table.equals(fixed.runs)
    codes = np.array([END_STATES.index(s) for s in fixed.runs["end_state"].cast(str)])
    assert widest_interval(codes) == result.widest


def test_unreachable_or_bad_width_is_an_error(tiny_toml: Path) -> None:
    scenario = load_scenario(tiny_toml)
    with pytest.raises(AdaptiveError, match="at most 8 runs"):
        run_until_narrow(scenario, 0.01, step=4, max_runs=8)
    with pytest.raises(AdaptiveError, match=r"expected a number in \(0, 1\)"):
        run_until_narrow(scenario, 1.5)


def test_cli_reports_how_many_runs_it_took(tiny_toml: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["run", str(tiny_toml), "--point", "--ci-width", "0.25", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["adaptive"]["widest_interval"] < 0.25
    assert doc["runs"] == doc["adaptive"]["runs"]
    for s in doc["end_states"].values():
        assert s["ci_high"] - s["ci_low"] < 0.25
