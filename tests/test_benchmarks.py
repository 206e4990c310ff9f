"""The performance harness's logic (tests time nothing: the figures are the harness's job)."""

from __future__ import annotations

import math

import pytest

from benchmarks.harness import FULL, QUICK, budgets, parse_args
from benchmarks.scaling import SUPERLINEAR, loglog_slope, measure_point, superlinear


def test_growth_exponent_and_superlinear_flag():
    sizes = [1_000, 10_000, 100_000]
    assert loglog_slope(sizes, [2.0 * s for s in sizes]) == pytest.approx(1.0)
    assert loglog_slope(sizes, [3.0 * s**1.5 for s in sizes]) == pytest.approx(1.5)
    assert not superlinear(sizes, [s**0.9 for s in sizes])
    assert superlinear(sizes, [s * math.log(s) ** 2 for s in sizes])
    assert SUPERLINEAR > 1.0
    with pytest.raises(ValueError):
        loglog_slope([10], [1.0])
    with pytest.raises(ValueError):
        loglog_slope([10, 10], [1.0, 2.0])


def _result(batch_seconds: float, batch_runs: int, ratio: float) -> dict:
    return {
        "plan": {},
        "product": {
            "batch_runs": batch_runs,
            "batch_timings": {"total_seconds": batch_seconds},
            "batch_peak_gib": 0.5,
            "readme_s": 6.0,
        },
        "scaling": {
            "runs": {"slope": 0.9},
            "enterprises": {"slope": 1.3},
            "developers": {"slope": 0.8},
        },
        "engines": {"reference_ratio": ratio},
        "decisions": {"fraction": 0.5},
    }


def test_budgets_extrapolate_and_judge_each_limit():
    rows = {b["budget"].split(",")[0]: b for b in budgets(_result(5.0, 1_000, 250.0))}
    batch = rows["10"]  # "10,000 baseline runs ..."
    assert batch["value"] == pytest.approx(50.0) and not batch["met"]
    assert "extrapolated from 1,000 runs" in batch["budget"]
    assert rows["speed-up per run over the reference engine"]["met"]
    growth = next(b for b in rows.values() if b["budget"].startswith("growth exponent"))
    assert "(enterprises)" in growth["budget"] and not growth["met"]  # the worst axis
    slow = {b["budget"]: b for b in budgets(_result(25.0, 10_000, 150.0))}
    assert all("extrapolated" not in k for k in slow)
    assert slow["10,000 baseline runs with results written, after compilation"]["met"]
    assert not slow["speed-up per run over the reference engine"]["met"]


def test_plans_cover_the_issue_ranges():
    assert parse_args(["--quick"]).plan == QUICK and parse_args([]).plan == FULL
    assert FULL.runs[0] == 1_000 and FULL.runs[-1] == 100_000
    assert FULL.enterprises[-1] == 100_000 and FULL.developers[-1] == 1_000_000
    assert FULL.batch_runs == 10_000


@pytest.mark.slow
def test_a_scaling_point_runs_in_a_fresh_process():
    point = measure_point(runs=4, enterprises=200, developers=500, threads=1)
    assert point["seconds"] > 0 and point["peak_gib"] > 0
