"""Unit tests of rulebook kernels on small arrays."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.stats import paired_difference, wilson_interval
from sim.engine.heap import heap_pop, heap_push
from sim.params.spec import G
from sim.rules.enterprise import draw_cumulative, draw_index, nested_logit_probs
from sim.rules.pricing import target_markup
from sim.rules.rng import normal, run_seed, uniform
from sim.rules.technology import demand_level, frontier_at, gap_months, serve_cost
from sim.state import HEAP_DTYPE


@pytest.fixture(scope="module")
def P(baseline):
    return baseline.global_vector()


def test_uniform_is_deterministic_and_in_range():
    u = np.array([uniform(7, 3, c) for c in range(100_000)])
    assert ((u > 0) & (u < 1)).all()
    assert abs(u.mean() - 0.5) < 0.005 and abs(u.var() - 1 / 12) < 0.002
    assert uniform(7, 3, 5) == uniform(7, 3, 5)
    assert uniform(7, 3, 5) != uniform(7, 4, 5) != uniform(8, 3, 5)


def test_normal_moments():
    z = np.array([normal(1, 2, c) for c in range(50_000)])
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1) < 0.02


def test_run_seeds_distinct():
    seeds = {run_seed(20230101, r) for r in range(10_000)}
    assert len(seeds) == 10_000


def test_heap_orders_by_time_priority_sequence():
    rng = np.random.default_rng(1)
    h = np.zeros(256, dtype=HEAP_DTYPE)
    items = []
    n = 0
    for seq in range(200):
        t = float(rng.integers(0, 20)) + (0.5 if rng.random() < 0.5 else 0.0)
        prio = int(rng.integers(0, 5))
        n = heap_push(h, n, t, prio, seq, prio, seq)
        items.append((t, prio, seq))
    out = []
    while n > 0:
        t, kind, actor, n = heap_pop(h, n)
        out.append(actor)
    assert out == [s for _, _, s in sorted(items)]


def test_nested_logit_sums_to_one_and_nest_substitution():
    v = np.array([0.0, 0.5, 0.2, -0.3])
    p = np.zeros(4)
    nested_logit_probs(v, 0.5, p)
    assert p.sum() == pytest.approx(1.0)
    v2 = v.copy()
    v2[2] += 1.0  # a better self-hosting option draws mostly from its nest-mate
    p2 = np.zeros(4)
    nested_logit_probs(v2, 0.5, p2)
    assert p2[1] / p[1] < p2[0] / p[0]


def test_draw_index_follows_weights():
    w = np.array([0.0, 1.0, 3.0])
    draws = [draw_index(w, u) for u in np.linspace(0.001, 0.999, 1000)]
    assert draws.count(0) == 0
    assert draws.count(2) == pytest.approx(750, abs=2)


def test_gap_months():
    hist = np.array([24.0, 24.1, 24.2, 24.3, 24.4, 0, 0])
    assert gap_months(hist, 5, 24.5, 24.6, 0.1) == pytest.approx(-1.0)
    assert gap_months(hist, 5, 24.5, 24.2, 0.1) == pytest.approx(3.0)
    assert gap_months(hist, 5, 24.5, 23.9, 0.1) == pytest.approx(6.0)
    caps = np.linspace(23.5, 24.5, 21)
    gaps = [gap_months(hist, 5, 24.5, c, 0.1) for c in caps]
    assert all(a >= b for a, b in zip(gaps, gaps[1:], strict=False))


def test_frontier_at_reads_the_recorded_frontier_back():
    # hist[s] is recorded by the clearing at time s + 1; at t = 5.5 records run to time 5
    hist = np.array([24.0, 24.1, 24.2, 24.3, 24.4, 0, 0])
    assert frontier_at(hist, 5, 5.5, 24.5, 0.0, 0.1) == 24.5
    assert frontier_at(hist, 5, 5.5, 24.5, 2.5, 0.1) == pytest.approx(24.2)  # time 3: hist[2]
    assert frontier_at(hist, 5, 5.5, 24.5, 3.0, 0.1) == pytest.approx(24.15)  # time 2.5
    assert frontier_at(hist, 5, 5.5, 24.5, 0.25, 0.1) == pytest.approx(24.45)  # last record..now
    assert frontier_at(hist, 5, 5.5, 24.5, 0.5, 0.1) == pytest.approx(24.4)  # time 5: hist[4]
    assert frontier_at(hist, 5, 5.5, 24.5, 7.0, 0.1) == pytest.approx(23.75)  # before the record
    assert frontier_at(hist, 0, 0.5, 24.5, 3.0, 0.1) == pytest.approx(24.2)  # nothing recorded
    # a release in month 1 (one record, at time 1) with a lag under a month
    assert frontier_at(hist, 1, 1.5, 24.2, 0.25, 0.1) == pytest.approx(24.1)
    lags = [frontier_at(hist, 5, 5.5, 24.5, d, 0.1) for d in np.linspace(0, 8, 33)]
    assert all(a >= b for a, b in zip(lags, lags[1:], strict=False))
    # continuous across the last record and the start of the record
    for d in (0.5, 4.5):
        lo, hi = (frontier_at(hist, 5, 5.5, 24.5, d + e, 0.1) for e in (1e-9, -1e-9))
        assert hi == pytest.approx(lo, abs=1e-6)


def test_costs_and_demand(P):
    assert serve_cost(P, 26.0, 0.0, 0.0) > serve_cost(P, 25.0, 0.0, 0.0)
    assert serve_cost(P, 25.0, 24.0, 0.3) < serve_cost(P, 25.0, 0.0, 0.0)
    assert demand_level(P, 0.0) == pytest.approx(1.0)
    d = [demand_level(P, float(t)) for t in range(0, 108, 6)]
    assert all(b > a for a, b in zip(d, d[1:], strict=False))


def test_target_markup_bounded_and_pressured(P):
    lo, hi = P[G.MARKUP_MIN], P[G.MARKUP_MAX]
    prices = [10.0, 3.0, 1.0, 0.3, 0.01]
    marks = [target_markup(P, 1.0, p, 2.0) for p in prices]
    assert all(lo - 1e-12 <= m <= hi + 1e-12 for m in marks)
    assert all(b <= a for a, b in zip(marks, marks[1:], strict=False))
    assert target_markup(P, 1.0, 0.01, 2.0) == pytest.approx(lo)


def test_wilson_interval():
    lo, hi = wilson_interval(0, 10)
    assert lo == 0.0 and 0.2 < hi < 0.35
    lo, hi = wilson_interval(5, 10)
    assert lo == pytest.approx(1 - hi)


def test_paired_difference():
    rng = np.random.default_rng(1)
    noise = rng.normal(size=400)
    # common noise cancels: a small shift is detected that an unpaired test would miss
    d = paired_difference(noise + 0.05, noise)
    assert d.mean == pytest.approx(0.05) and d.se < 1e-12 and d.p_value == 0.0
    same = paired_difference(noise, noise)
    assert same.mean == 0.0 and same.p_value == 1.0
    d = paired_difference(noise + rng.normal(scale=0.1, size=400), noise)
    assert d.ci_low < d.mean < d.ci_high and 0.0 <= d.p_value <= 1.0 and d.n == 400


def test_draws_from_running_sums_are_draw_index():
    """Enterprises draw vendors and families from running sums of the weights (computed once
    a clearing): the same index as draw_index on the weights, zeros and rounding included."""
    rng = np.random.default_rng(3)
    for _ in range(200):
        w = rng.exponential(size=7) * (rng.random(7) < 0.6)
        cum = np.cumsum(w)[None, :].repeat(2, axis=0)
        for u in (*rng.random(20), 0.0, 1.0 - 1e-16, 1.0):
            assert draw_cumulative(cum, 1, u) == draw_index(w, u), (w, u)
