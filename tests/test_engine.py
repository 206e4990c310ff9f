"""The fast engine: determinism across calls, thread counts and batch composition;
invariants of every run over random parameter draws."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.batch import simulate
from sim.events import EV
from sim.params.spec import GLOBAL_PARAMS
from sim.state import S


def _same(a, b, rows_a=slice(None), rows_b=slice(None)):
    np.testing.assert_array_equal(a.trajectories[rows_a], b.trajectories[rows_b])
    np.testing.assert_array_equal(a.end_states[rows_a], b.end_states[rows_b])
    np.testing.assert_array_equal(a.log_n[rows_a], b.log_n[rows_b])
    np.testing.assert_array_equal(a.logs[rows_a], b.logs[rows_b])


def test_same_seed_same_results_on_one_or_two_threads(small):
    one = simulate(small, range(6), threads=1)
    two = simulate(small, range(6), threads=2)
    _same(one, two)
    _same(one, simulate(small, range(6), threads=2))


def test_run_independent_of_batch_composition(small):
    full = simulate(small, range(6))
    part = simulate(small, [3, 4, 5])
    _same(full, part, slice(3, 6), slice(None))


def test_runs_differ_and_logs_are_well_formed(small):
    b = simulate(small, range(6))
    assert len({b.trajectories[r].tobytes() for r in range(6)}) == 6
    kinds = {int(k) for k in EV}
    for r in range(6):
        log = b.logs[r, : b.log_n[r]]
        assert (np.diff(log["time"]) >= 0).all()
        assert set(np.unique(log["kind"]).tolist()) <= kinds
        assert {EV.RELEASE, EV.ENTERPRISE_REVIEWS, EV.DEVELOPER_SWITCHES} <= set(
            log["kind"].tolist()
        )
    assert set(b.end_states.tolist()) <= {0, 1, 2}
    assert (b.dropped == 0).all()


_SHARES = (
    S.OPEN_SHARE,
    S.BIGTECH_OPEN_SHARE,
    S.ADOPTED,
    S.DEV_OPEN_SHARE,
    S.SELFHOST_SHARE,
    S.MANAGED_SHARE,
    S.HYBRID_SHARE_LARGE,
)


def _check_invariants(b) -> None:
    tr = b.trajectories
    assert np.isfinite(tr).all()
    for s in _SHARES:
        assert (tr[:, :, s] >= -1e-12).all() and (tr[:, :, s] <= 1 + 1e-12).all(), s.name
    np.testing.assert_allclose(
        tr[:, :, S.SELFHOST_SHARE] + tr[:, :, S.MANAGED_SHARE],
        tr[:, :, S.OPEN_SHARE],
        atol=1e-9,
    )
    # money is conserved: enterprise spend = lab + cloud + in-house receipts
    assert (np.abs(tr[:, :, S.MONEY_RESIDUAL]) <= 1e-9 * tr[:, :, S.ENTERPRISE_SPEND] + 1e-12).all()
    assert (np.diff(tr[:, :, S.FRONTIER_CAP], axis=1) >= 0).all()
    for s in (S.FRONTIER_PRICE, S.OPEN_PRICE, S.PRICE_AT_START_FRONTIER):
        assert (tr[:, :, s] > 0).all(), s.name


@pytest.mark.slow
def test_invariants_over_random_parameter_draws(baseline):
    rng = np.random.default_rng(0)
    scaled = [
        p
        for p in GLOBAL_PARAMS.values()
        if p.key.endswith("strength")
        or p.key.startswith(("enterprises.", "developers."))
        and not p.key.startswith("enterprises.share_")
    ]
    for _ in range(12):
        over = {"run__enterprises": 200, "run__developers": 1000, "run__months": 60}
        for p in scaled:
            v = p.default * rng.uniform(0.5, 1.5) if p.default else rng.uniform(0, 1)
            if p.key.endswith("strength"):
                v = rng.uniform(0.0, 2.0)
            over[p.key.replace(".", "__")] = float(np.clip(v, p.lo, p.hi))
        _check_invariants(simulate(baseline.with_values(**over), range(2)))


def test_invariants_baseline(small):
    _check_invariants(simulate(small, range(4)))


@pytest.mark.parametrize("review_months", [0.5, 1.0, 1.5, 3.0, 6.0, 6.5, 12.0])
def test_the_review_ring_holds_every_wait(review_months):
    """The fast engine keeps agents' reviews in a ring of months: every wait that
    ``next_review_month`` can draw must land in another slot of the ring."""
    from sim.engine.fast import _ring_slots
    from sim.rules.enterprise import next_review_month

    slots = _ring_slots(review_months)
    for month in (0, 5, 107):
        for u in (0.0, 0.5, 1.0 - 1e-12):
            wait = next_review_month(review_months, u, month) - month
            assert 1 <= wait < slots, (review_months, u, wait, slots)
    # a firm that has not adopted looks again after a fixed wait, within the enterprises' ring
    from sim.rules.enterprise import ADOPTION_RECHECK_MONTHS

    assert ADOPTION_RECHECK_MONTHS < _ring_slots(max(review_months, ADOPTION_RECHECK_MONTHS))


@pytest.mark.parametrize("months", [1.0, 2.5])
def test_reviews_from_the_ring_match_the_reference_engine(small, months):
    """Short review cycles wrap the ring many times and put every agent in few slots: the
    fast engine still reviews in the reference engine's order (identical results)."""
    from sim.engine.differential import engine_differences

    sc = small.with_values(developers__review_months=months, enterprises__review_months=months)
    diffs, _ = engine_differences(sc, [0, 1])
    assert not diffs, "\n".join(diffs)
