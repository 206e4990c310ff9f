"""The harness's scaling points and stage split (tests time nothing: figures are the
harness's job)."""

from __future__ import annotations

import math

import pytest

from benchmarks import harness
from benchmarks.harness import QUICK
from benchmarks.scaling import (
    MAX_GROWTH,
    SUPERLINEAR,
    loglog_slope,
    predict_seconds,
    scale_axis,
    segment_tolerance,
    superlinear,
    time_point,
)
from benchmarks.stages import STAGES, hidden_seconds, slowest_stage, split_stages


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


class FakeBatch:
    """``batch(n)`` for :func:`time_point`: seconds from a per-run cost, a fixed cost per batch
    and a queue of slow-downs (other work on the machine), recording each call."""

    def __init__(self, per_run: float, fixed: float = 0.0, slowdowns: tuple = ()):
        self.per_run, self.fixed, self.slowdowns = per_run, fixed, list(slowdowns)
        self.calls: list[int] = []

    def __call__(self, n: int) -> float:
        self.calls.append(n)
        slow = self.slowdowns.pop(0) if self.slowdowns else 1.0
        return (self.fixed + self.per_run * n) * slow


def test_a_long_point_is_timed_once_over_its_own_batch():
    batch = FakeBatch(per_run=0.5)
    r = time_point(batch, runs=20, min_seconds=2.0, repeats=3, grow=True)
    assert batch.calls == [20]
    assert r["seconds"] == pytest.approx(10.0) and r["per_run_s"] == pytest.approx(0.5)
    assert r["runs_timed"] == 20 and r["repeats"] == 1 and math.isnan(r["spread"])


def test_a_short_agent_point_is_grown_and_the_best_of_its_repeats_kept():
    # 20 runs last 0.2 s + a 0.1 s fixed cost: too short; the repeats meet other work
    batch = FakeBatch(per_run=0.01, fixed=0.1, slowdowns=(1.0, 1.3, 1.0, 1.1))
    peaks = []
    r = time_point(
        batch,
        20,
        min_seconds=2.0,
        repeats=3,
        grow=True,
        after_first=lambda: peaks.append(batch.calls[:]),
    )
    assert peaks == [[20]]  # memory read after the point's own batch, before the grown ones
    grown = math.ceil(20 * 2.0 / 0.3)
    assert batch.calls == [20, grown, grown, grown]
    assert r["runs_timed"] == grown and r["repeats"] == 3
    best = (0.1 + 0.01 * grown) / grown  # the undisturbed repeat; the fixed cost amortised
    assert r["per_run_s"] == pytest.approx(best)
    assert r["seconds"] == pytest.approx(best * 20)  # per run, times the point's own runs
    assert r["spread"] == pytest.approx(0.3)  # slowest repeat over the best
    # the short first batch (0.3 s for 20 runs: 0.015 s a run) is not among the timings
    assert r["per_run_s"] < 0.011


def test_a_grown_batch_still_short_of_the_minimum_is_grown_again():
    # a 0.5 s fixed cost makes 20 runs look 0.035 s a run: grown to 58 runs, which last
    # 1.08 s (under 3/4 of 2 s), so grown again to 108 runs (1.58 s), timed three times
    batch = FakeBatch(per_run=0.01, fixed=0.5, slowdowns=(1.0, 1.0, 1.0, 1.3, 1.1))
    r = time_point(batch, 20, min_seconds=2.0, repeats=3, grow=True)
    assert batch.calls == [20, 58, 108, 108, 108]
    assert r["runs_timed"] == 108 and r["repeats"] == 3
    assert r["per_run_s"] == pytest.approx(1.58 / 108)  # the 58-run timing is left out
    assert r["spread"] == pytest.approx(0.3)
    # a first batch near the minimum is repeated as it is, not grown
    near = FakeBatch(per_run=0.09)
    r = time_point(near, 20, min_seconds=2.0, repeats=3, grow=True)
    assert near.calls == [20, 20, 20] and r["runs_timed"] == 20


def test_a_short_point_on_the_runs_axis_repeats_its_own_batch():
    batch = FakeBatch(per_run=0.01, slowdowns=(1.2, 1.0, 1.5))
    r = time_point(batch, runs=50, min_seconds=2.0, repeats=3, grow=False)
    assert batch.calls == [50, 50, 50]  # the first timing counts: same batch
    assert r["runs_timed"] == 50 and r["repeats"] == 3
    assert r["seconds"] == pytest.approx(0.5) and r["spread"] == pytest.approx(0.5)


def test_time_point_growth_is_capped_and_a_zero_minimum_times_once():
    batch = FakeBatch(per_run=1e-9)
    r = time_point(batch, runs=2, min_seconds=5.0, repeats=2, grow=True)
    assert batch.calls == [2, 2 * MAX_GROWTH, 2 * MAX_GROWTH]
    assert r["runs_timed"] == 2 * MAX_GROWTH
    once = FakeBatch(per_run=1e-3)
    assert time_point(once, runs=4)["repeats"] == 1 and once.calls == [4]
    with pytest.raises(ValueError):
        time_point(once, runs=0)


def test_segment_tolerance_is_the_slope_room_within_the_spreads():
    assert segment_tolerance([10, 100], [0.0, 0.0]) == 0.0
    tol = segment_tolerance([10, 100], [0.1, 0.2])
    assert tol == pytest.approx((math.log(1.1) + math.log(1.2)) / math.log(10))
    # the slope with the points moved apart by their spreads is the slope plus the tolerance
    low, high = 1.0 / 1.1, 10.0 * 1.2
    assert loglog_slope([10, 100], [low, high]) == pytest.approx(1.0 + tol)
    assert segment_tolerance([100, 1_000], [0.1, 0.1]) < segment_tolerance([100, 200], [0.1, 0.1])
    with pytest.raises(ValueError):
        segment_tolerance([10, 10], [0.1, 0.1])


def scaling_point(axis: str, size: int) -> dict:
    return {"runs": 10, "enterprises": 2_000, "developers": 10_000, "threads": 2, axis: size}


def test_scale_axis_extrapolates_points_over_the_limit_and_flags_the_last_segment():
    calls = []

    def measure(p):  # time grows as size**1.5 at the top, linearly below
        calls.append(p["developers"])
        t = {1_000: 1.0, 10_000: 10.0, 100_000: 400.0}[p["developers"]]
        return {"seconds": t, "peak_gib": 0.1 * t}

    pts = [scaling_point("developers", n) for n in (1_000, 10_000, 100_000, 1_000_000)]
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

    pts = [scaling_point("runs", n) for n in (10, 100, 1_000)]
    entry = scale_axis("runs", pts, measure, limit_s=60.0, say=lambda _: None)
    assert [r["status"] for r in entry["points"]] == ["measured", "measured", "stopped"]
    assert "stopped" not in entry["points"][-1]
    assert entry["slope"] == pytest.approx(1.0) and not entry["superlinear"]

    lonely = scale_axis("runs", pts[:1], measure, limit_s=60.0, say=lambda _: None)
    assert math.isnan(lonely["slope"]) and not lonely["superlinear"]


def test_the_superlinear_flag_allows_for_the_measured_repeat_spread():
    sizes = (10_000, 100_000, 1_000_000)
    seconds = {10_000: 0.1, 100_000: 1.0, 1_000_000: 10.0 * 10**0.2}  # last segment ^1.2

    def axis_with(spreads):
        def measure(p):
            n = p["developers"]
            return {"seconds": seconds[n], "peak_gib": 0.2, "spread": spreads[n]}

        pts = [scaling_point("developers", n) for n in sizes]
        return scale_axis("developers", pts, measure, limit_s=1e9, say=lambda _: None)

    steady = axis_with({n: 0.01 for n in sizes})
    assert steady["last_slope"] == pytest.approx(1.2)
    assert steady["tolerance"] == pytest.approx(2 * math.log(1.01) / math.log(10))
    assert steady["superlinear"]  # 1.2 is past 1.15 + 0.009
    noisy = axis_with({10_000: 0.01, 100_000: 0.2, 1_000_000: 0.05})
    assert noisy["tolerance"] > 1.2 - SUPERLINEAR and not noisy["superlinear"]
    # a point timed once (no spread) borrows the largest spread measured on the axis
    once = axis_with({10_000: 0.3, 100_000: 0.02, 1_000_000: math.nan})
    assert once["tolerance"] == pytest.approx((math.log(1.02) + math.log(1.3)) / math.log(10))
    assert not once["superlinear"]
    # nothing repeated: no room, the bare limit
    bare = axis_with({n: math.nan for n in sizes})
    assert bare["tolerance"] == 0.0 and bare["superlinear"]


def test_scaling_grows_agent_points_and_repeats_runs_and_thread_points(monkeypatch):
    calls = []

    def fake_measure_point(runs, enterprises, developers, threads, **kw):
        calls.append(({"runs": runs, "enterprises": enterprises, "developers": developers}, kw))
        per_run = 1e-3 * (enterprises / 2_000 + developers / 10_000) / threads
        return {"seconds": per_run * runs, "peak_gib": 0.2, "per_run_s": per_run, "spread": 0.01}

    monkeypatch.setattr(harness, "measure_point", fake_measure_point)
    monkeypatch.setattr(harness, "load_average", lambda: 0.5)
    out = harness.scaling(QUICK, say=lambda _: None)
    assert len(calls) == 3 * 3 + 2
    for point, kw in calls:
        assert kw["min_seconds"] == QUICK.min_point_s and kw["repeats"] == QUICK.point_repeats
        assert kw["timeout"] == pytest.approx(1.5 * QUICK.point_limit_s)
        agent = point["runs"] == QUICK.agent_runs
        assert kw["grow"] == agent  # runs-axis and thread points keep their runs
    assert [p["status"] for p in out["developers"]["points"]] == ["measured"] * 3
    assert out["developers"]["last_slope"] == pytest.approx(math.log(11 / 4) / math.log(10 / 3))
    assert out["threads"]["speedup"] == pytest.approx(2.0)
    assert all(p["load"] == 0.5 for p in out["runs"]["points"])


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
    assert hidden_seconds(timings) == 0.0  # timings without a wait: nothing overlapped


def test_stages_count_only_the_summarising_and_writing_the_batch_waited_for():
    """Summarise and write run beside the next chunk's simulation: of their 14 s the batch
    waited 3.5 s, shared between them as their times are; the rest was hidden."""
    timings = {
        "kernels_seconds": 2.0,
        "simulate_seconds": 33.0,
        "summarise_seconds": 6.0,
        "write_seconds": 8.0,
        "waiting_seconds": 3.5,
        "total_seconds": 39.0,
    }
    st = split_stages(timings, wall_s=42.0)
    assert st["summarise"] == pytest.approx(1.5) and st["write"] == pytest.approx(2.0)
    assert sum(st.values()) == pytest.approx(42.0)
    assert st["other"] == pytest.approx(0.5)
    assert hidden_seconds(timings) == pytest.approx(10.5)
    # 1 s of the wait put the final files in place: writing that nothing hides; the other
    # 2.5 s are shared over the 13 s that could overlap (summarise 6, write 7)
    closing = split_stages({**timings, "closing_seconds": 1.0}, wall_s=42.0)
    assert closing["summarise"] == pytest.approx(6 * 2.5 / 13)
    assert closing["write"] == pytest.approx(7 * 2.5 / 13 + 1.0)
    assert sum(closing.values()) == pytest.approx(42.0)
    assert hidden_seconds({**timings, "closing_seconds": 1.0}) == pytest.approx(10.5)
