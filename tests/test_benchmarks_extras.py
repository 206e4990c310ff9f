"""The harness's extra stages: the bare logit microkernel, per-run worlds, the wave, Dask."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from benchmarks.bare import logit_draws
from benchmarks.extras import BARE_SHARE, BATCH_OVER_BARE, WORLDS_LIMIT, extra_budgets, extra_lines

FIGURES = {
    "decisions": {
        "runs": 10,
        "enterprise_decisions": 2_000,
        "developer_decisions": 8_000,
        "engine_rate": 12e6,
    },
    "bare": {"rate_1": 30e6, "rate_2": 50e6},
    "product": {"batch_runs": 1_000, "batch_timings": {"total_seconds": 1.0}},
    "worlds": {
        "runs": 100,
        "threads": 2,
        "repeats": 3,
        "source": "100 worlds drawn from the priors (Latin hypercube)",
        "shared_s": 1.0,
        "own_s": 1.02,
        "drawn_s": 1.3,
        "own_ratio": 1.02,
        "drawn_ratio": 1.3,
        "own_identical": True,
    },
}


def test_extra_budgets_judge_worlds_and_the_bare_kernel():
    rows = {r["budget"].split(" ")[0]: r for r in extra_budgets(FIGURES)}
    worlds = rows["per-run"]
    assert worlds["value"] == 1.02 and worlds["limit"] == WORLDS_LIMIT and worlds["met"]
    share = rows["engine"]
    assert share["value"] == pytest.approx(0.4) and share["limit"] == BARE_SHARE and share["met"]
    # 1,000 decisions a run x 1,000 runs at 50 M/s: 0.02 s; the batch took 1 s, 50x
    batch = rows["written"]
    assert batch["value"] == pytest.approx(50.0) and batch["limit"] == BATCH_OVER_BARE
    assert not batch["met"]
    slower = {**FIGURES, "worlds": {**FIGURES["worlds"], "own_ratio": 1.2}}
    assert not next(r for r in extra_budgets(slower) if r["budget"].startswith("per-run"))["met"]


def test_extra_budgets_leave_out_stages_that_did_not_run():
    assert extra_budgets({}) == []
    assert [r["budget"][:7] for r in extra_budgets({"worlds": FIGURES["worlds"]})] == ["per-run"]


def test_extra_lines_report_each_stage_that_ran():
    wave = {
        "points": 200,
        "runs_per_world": 8,
        "threads": 2,
        "simulate_seconds": 9.0,
        "worlds_per_minute": 1333.3,
        "minutes_per_1000_worlds": 0.8,
    }
    dask = {"points": 160, "runs": 1600, "local_s": 10.0, "dask_s": 12.0, "ratio": 1.2,
            "identical": True}  # fmt: skip
    text = "\n".join(extra_lines({**FIGURES, "wave": wave, "dask": dask}))
    assert "| a vector per run, same values | 1.02 s | 1.020 (same trajectories) |" in text
    assert "| engine, decisions/s | 12.0 M (40%) | |" in text
    assert "1,333 worlds a minute" in text and "0.8 minutes (budget: 15)" in text
    assert "| Dask LocalCluster, 2 workers | 12.0 s | 1.20 (identical tables) |" in text
    assert "## A calibration wave" not in "\n".join(extra_lines(FIGURES))


def test_the_bare_kernel_draws_the_logit_shares_on_any_thread_count():
    util = np.tile(np.log([0.1, 0.2, 0.3, 0.4]), (4_000, 1))
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = logit_draws(util, np.int64(3), 1)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        assert logit_draws(util, np.int64(3), 1) == one  # counter-based: no thread order
    finally:
        numba.set_num_threads(before)
    # mean option index of one draw each: 0.1*0 + 0.2*1 + 0.3*2 + 0.4*3 = 2.0
    assert one / 4_000 == pytest.approx(2.0, abs=0.05)
