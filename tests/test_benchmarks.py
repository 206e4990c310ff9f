"""The performance harness's behaviour (tests time nothing: the figures are the harness's job)."""

from __future__ import annotations

import math
import time

import pytest

from benchmarks.harness import FULL, QUICK, Plan, budgets, parse_args, run
from benchmarks.report import render, write_report
from benchmarks.scaling import (
    SUPERLINEAR,
    loglog_slope,
    measure_point,
    predict_seconds,
    scale_axis,
    superlinear,
)
from benchmarks.stages import STAGES, slowest_stage, split_stages


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


def test_prediction_grows_at_least_linearly():
    assert predict_seconds([100], [2.0], 1_000) == pytest.approx(20.0)
    # sub-linear so far: still predicted linear from the largest point
    assert predict_seconds([10, 100], [1.0, 2.0], 1_000) == pytest.approx(20.0)
    # quadratic last segment: predicted quadratic
    assert predict_seconds([10, 100, 1_000], [1.0, 1.0, 100.0], 10_000) == pytest.approx(1e4)


def _point(axis: str, size: int) -> dict:
    return {"runs": 10, "enterprises": 2_000, "developers": 10_000, "threads": 2, axis: size}


def test_scale_axis_extrapolates_points_over_the_limit_and_flags_the_last_segment():
    calls = []

    def measure(p):  # time grows as size**1.5 at the top, linearly below
        calls.append(p["developers"])
        t = {1_000: 1.0, 10_000: 10.0, 100_000: 400.0}[p["developers"]]
        return {"seconds": t, "peak_gib": 0.1 * t}

    pts = [_point("developers", n) for n in (1_000, 10_000, 100_000, 1_000_000)]
    entry = scale_axis("developers", pts, measure, limit_s=1_000.0, say=lambda _: None)
    assert calls == [1_000, 10_000, 100_000]  # the 1M point (about 25,000 s) is not run
    statuses = [r["status"] for r in entry["points"]]
    assert statuses == ["measured", "measured", "measured", "extrapolated"]
    big = entry["points"][-1]
    assert big["seconds"] == pytest.approx(400.0 * 40) and math.isnan(big["peak_gib"])
    assert entry["measured"] == 3
    assert entry["last_slope"] == pytest.approx(math.log10(40))
    assert entry["superlinear"]  # judged on the last measured segment
    assert entry["slope"] < entry["last_slope"]


def test_scale_axis_keeps_a_stopped_point_out_of_the_fit():
    def measure(p):
        if p["runs"] == 1_000:
            return {"stopped": True, "seconds": 90.0}
        return {"seconds": p["runs"] / 100, "peak_gib": 0.2}

    pts = [_point("runs", n) for n in (10, 100, 1_000)]
    entry = scale_axis("runs", pts, measure, limit_s=60.0, say=lambda _: None)
    assert [r["status"] for r in entry["points"]] == ["measured", "measured", "stopped"]
    assert "stopped" not in entry["points"][-1]
    assert entry["slope"] == pytest.approx(1.0) and not entry["superlinear"]

    lonely = scale_axis("runs", pts[:1], measure, limit_s=60.0, say=lambda _: None)
    assert math.isnan(lonely["slope"]) and not lonely["superlinear"]


def test_stages_split_the_wall_time_and_name_the_slowest():
    timings = {
        "kernels_seconds": 2.0,
        "simulate_seconds": 30.0,
        "summarise_seconds": 6.0,
        "write_seconds": 8.0,
        "total_seconds": 47.0,
    }
    st = split_stages(timings, wall_s=50.0)
    assert tuple(st) == STAGES
    assert st["compile/load"] == pytest.approx(5.0)  # 3 s start-up and imports + 2 s kernels
    assert st["other"] == pytest.approx(1.0)
    assert sum(st.values()) == pytest.approx(50.0)
    assert slowest_stage(st) == "simulate"
    assert slowest_stage({**st, "write": 40.0}) == "write"


def _result(batch_seconds: float = 25.0, batch_runs: int = 10_000, ratio: float = 250.0) -> dict:
    """A harness result as :func:`benchmarks.harness.run` returns it, with made-up figures."""

    def axis(name, sizes, seconds, last_slope, status=None):
        status = status or ["measured"] * len(sizes)
        pts = [
            {**_point(name, n), "seconds": t, "peak_gib": 0.2, "load": 1.0, "status": s}
            for n, t, s in zip(sizes, seconds, status, strict=True)
        ]
        return {
            "points": pts,
            "measured": status.count("measured"),
            "slope": 1.0,
            "last_slope": last_slope,
            "memory_slope": 0.05,
            "superlinear": last_slope > SUPERLINEAR,
        }

    timings = {
        "kernels_seconds": 1.5,
        "simulate_seconds": 0.6 * batch_seconds,
        "summarise_seconds": 0.2 * batch_seconds,
        "write_seconds": 0.15 * batch_seconds,
        "total_seconds": batch_seconds,
    }
    stages = split_stages(timings, batch_seconds + 2.0)
    return {
        "plan": {**FULL.__dict__},
        "machine": {"CPU": "test CPU", "cores": "2"},
        "load_start": 0.1,
        "load_end": 0.2,
        "harness_s": 600.0,
        "engines": {
            "fast_s": 0.006,
            "reference_s": 0.006 * ratio,
            "reference_ratio": ratio,
            "mesa_runs": 4,
            "fast_batch_s": 0.024,
            "mesa_batch_s": 4.8,
            "mesa_ratio": 200.0,
        },
        "decisions": {
            "runs": 500,
            "enterprise_decisions": 1_000,
            "developer_decisions": 3_000,
            "engine_seconds": 0.2,
            "engine_rate": 2e4,
            "kernel_enterprise_rate": 1e4,
            "kernel_developer_rate": 4e4,
            "kernel_rate": 2.5e4,
            "fraction": 0.8,
        },
        "scaling": {
            "runs": axis("runs", [1_000, 10_000, 100_000], [3.0, 30.0, 300.0], 1.0),
            "enterprises": axis("enterprises", [1_000, 10_000, 100_000], [0.1, 0.2, 2.5], 1.1),
            "developers": axis(
                "developers",
                [10_000, 100_000, 1_000_000],
                [0.1, 0.7, 7000.0],
                1.3,
                ["measured", "measured", "extrapolated"],
            ),
            "threads": {
                "points": [
                    {
                        **_point("runs", 2_000),
                        "threads": t,
                        "seconds": s,
                        "peak_gib": 0.3,
                        "status": "measured",
                    }
                    for t, s in ((1, 14.0), (2, 7.5))
                ],
                "speedup": 14.0 / 7.5,
            },
        },
        "product": {
            "batch_runs": batch_runs,
            "batch_wall_s": batch_seconds + 2.0,
            "batch_timings": timings,
            "batch_peak_gib": 0.6,
            "stages": stages,
            "slowest": slowest_stage(stages),
            "readme_s": 6.0,
            "readme_command": "uv run aimarket run scenarios/baseline.toml",
        },
    }


def test_budgets_extrapolate_and_judge_each_limit():
    rows = {b["budget"].split(",")[0]: b for b in budgets(_result(5.0, 1_000, 150.0))}
    batch = rows["10"]  # "10,000 baseline runs ..."
    assert batch["value"] == pytest.approx(50.0) and not batch["met"]
    assert batch["ratio"] == pytest.approx(50.0 / 30.0)
    assert "extrapolated from 1,000 runs" in batch["budget"]
    assert not rows["speed-up per run over the reference engine"]["met"]
    growth = next(b for b in rows.values() if b["budget"].startswith("growth exponent"))
    assert "(developers)" in growth["budget"] and not growth["met"]  # the worst last segment
    assert rows["README's first command (1"]["met"]

    fine = {b["budget"]: b for b in budgets(_result())}
    assert all("extrapolated" not in k for k in fine)
    assert fine["10,000 baseline runs with results written, after compilation"]["met"]
    assert fine["speed-up per run over the reference engine"]["met"]
    assert fine["fraction of the choice-rule microkernel roofline"]["ratio"] == pytest.approx(
        0.8 / 0.3
    )


def test_budgets_leave_out_what_the_plan_did_not_measure():
    res = _result()
    del res["product"]["readme_s"]
    for axis in ("runs", "enterprises", "developers"):
        res["scaling"][axis]["last_slope"] = math.nan
    names = " ".join(b["budget"] for b in budgets(res))
    assert "README" not in names and "growth" not in names
    assert len(budgets(res)) == 4


def test_report_has_the_machine_budgets_tables_and_plots(tmp_path):
    res = _result()
    res["budgets"] = budgets(res)
    path = write_report(res, tmp_path / "performance.md")
    text = path.read_text()
    assert (tmp_path / "performance" / "scaling.png").stat().st_size > 0
    assert (tmp_path / "performance" / "stages.png").stat().st_size > 0
    assert "](performance/scaling.png)" in text and "](performance/stages.png)" in text
    assert "| CPU | test CPU |" in text
    assert "`uv run python -m benchmarks.harness`" in text
    # one budget row each, judged
    assert text.count("| met |") + text.count("| **not met** |") == len(res["budgets"])
    assert "| speed-up per run over the reference engine | 250x | ≥ 200x | 1.25 | met |" in text
    # the extrapolated point is labelled, and its axis flagged on the last segment
    assert "| developers | 10 | 2,000 | 1,000,000 | 2 | 7000.0 (extrapolated, not run) |" in text
    assert "| developers | 1.00 | 1.30 | 0.05 | **super-linear** |" in text
    assert "| runs | 1.00 | 1.00 | 0.05 | linear or better |" in text
    assert "2 threads 1.87x faster than 1" in text
    for stage in STAGES:
        assert f"| {stage} | " in text
    assert "Slowest stage after loading: **simulate**" in text
    assert "shared machine" not in text  # load averages were low


def test_report_says_when_the_machine_was_shared():
    res = _result()
    res["load_end"] = 2.3  # the harness's own two threads: not other work
    res["other_cpu_share"] = 0.05
    res["budgets"] = budgets(res)
    assert "Measured on a shared machine" not in render(res, "performance", ["a.png", "b.png"])
    res["other_cpu_share"] = 0.6
    assert "Measured on a shared machine" in render(res, "performance", ["a.png", "b.png"])
    res["other_cpu_share"] = 0.0
    res["load_start"] = 1.2
    assert "Measured on a shared machine" in render(res, "performance", ["a.png", "b.png"])


def test_other_work_is_busy_time_less_our_own():
    from benchmarks.machine import busy_cpu_seconds, own_cpu_seconds

    b0, o0 = busy_cpu_seconds(), own_cpu_seconds()
    t = time.perf_counter()
    while time.perf_counter() - t < 0.3:  # burn a little CPU ourselves
        sum(range(1000))
    busy, own = busy_cpu_seconds() - b0, own_cpu_seconds() - o0
    assert own > 0.2 and busy >= own - 0.05  # the machine saw at least our own work


def test_plans_cover_the_issue_ranges():
    assert parse_args(["--quick"]).plan == QUICK and parse_args([]).plan == FULL
    assert parse_args(["--no-doc"]).no_doc
    assert FULL.runs[0] == 1_000 and FULL.runs[-1] == 100_000
    assert FULL.enterprises[0] == 1_000 and FULL.enterprises[-1] == 100_000
    assert FULL.developers[0] == 10_000 and FULL.developers[-1] == 1_000_000
    assert FULL.batch_runs == 10_000 and FULL.readme


@pytest.mark.slow
def test_a_scaling_point_runs_in_a_fresh_process():
    point = measure_point(runs=4, enterprises=200, developers=500, threads=1)
    assert point["seconds"] > 0 and point["peak_gib"] > 0


TINY = Plan(
    "tiny",
    reference_runs=1,
    mesa_runs=1,
    roofline_runs=4,
    runs=(4, 8),
    enterprises=(200, 400),
    developers=(500, 1_000, 10**9),  # the last point is far over the limit: extrapolated
    agent_runs=2,
    thread_runs=4,
    batch_runs=8,
    point_limit_s=60.0,
    roofline_seconds=0.05,
    readme=False,
)


@pytest.mark.slow
def test_the_harness_end_to_end_on_tiny_sizes(tmp_path):
    lines: list[str] = []
    res = run(TINY, say=lines.append)
    assert res["engines"]["reference_ratio"] > 1 and res["engines"]["mesa_ratio"] > 1
    assert 0 < res["decisions"]["fraction"]
    dev = res["scaling"]["developers"]["points"]
    assert [p["status"] for p in dev] == ["measured", "measured", "extrapolated"]
    assert any("not run, extrapolated" in line for line in lines)
    assert res["product"]["batch_runs"] == 8 and res["product"]["batch_peak_gib"] > 0
    assert set(res["product"]["stages"]) == set(STAGES)
    assert "10,000 baseline runs" in res["budgets"][0]["budget"]
    assert "extrapolated from 8 runs" in res["budgets"][0]["budget"]
    assert any(line.startswith("  NOT MET") or line.startswith("  met") for line in lines)
    text = write_report(res, tmp_path / "perf.md").read_text()
    assert "(tiny plan," in text and "(extrapolated, not run)" in text
