"""The exact draw: Latin chunks of the whole cube are screened until they alone keep the
wave's worlds, which are then uniform on the region the facts allow (two separated boxes
holding 0.5% of a 6-D cube: the worlds split in proportion to their volumes, uniform within
each, no perturbation, effective sample size the count kept); a cap reached first falls
back to the perturbations and says so; the same seed gives the same worlds; a wave whose
predecessor kept no simulated world proceeds from the emulators' kept candidates, and stops
with one line when they keep none."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.calibration.history import HistoryConfig, HistoryError, WaveResult, _propose
from experiments.calibration.nroy import MIN_CHUNK, Proposal, propose
from experiments.calibration.targets import TARGETS

D = 6
LO_A, SIDE_A = 0.05, 0.004 ** (1 / D)  # box A: 0.4% of the cube
LO_B, SIDE_B = 0.6, 0.001 ** (1 / D)  # box B: 0.1%
SHARE_A = 0.8


def _in(u: np.ndarray, lo: float, side: float) -> np.ndarray:
    return np.all((u >= lo) & (u < lo + side), axis=1)


def two_boxes(u: np.ndarray, cutoff: float) -> np.ndarray:
    """Below the cutoff inside either box, 2 cutoffs outside."""
    return np.where(_in(u, LO_A, SIDE_A) | _in(u, LO_B, SIDE_B), 0.5 * cutoff, 2.0 * cutoff)


def test_the_grown_latin_sample_draws_the_worlds_uniformly_on_nroy():
    none = np.empty((0, D))
    p = propose([two_boxes], none, 300, 2000, 3000, 3.0, seed=3, max_candidates=10**6)
    a, b = _in(p.u, LO_A, SIDE_A), _in(p.u, LO_B, SIDE_B)
    assert p.exact and p.u.shape == (300, D) and np.all(a | b)
    assert p.proposed == p.latin > 2000  # grown in chunks, no perturbation
    assert p.latin_accepted == p.accepted >= 300 and p.weights_ess == p.accepted
    assert (p.latin - 2000) % MIN_CHUNK == 0 and p.latin - MIN_CHUNK < 300 / 0.005 * 1.5
    assert p.nroy_fraction == pytest.approx(0.005, rel=0.15)
    assert a.mean() == pytest.approx(SHARE_A, abs=0.07)
    # uniform within each box: every coordinate's mean and spread those of a uniform
    for ok, lo, side in ((a, LO_A, SIDE_A), (b, LO_B, SIDE_B)):
        z = (p.u[ok] - lo) / side
        assert np.allclose(z.mean(axis=0), 0.5, atol=0.1 if ok.sum() > 100 else 0.2)
        assert np.allclose(z.std(axis=0), np.sqrt(1 / 12), atol=0.06 if ok.sum() > 100 else 0.1)


def test_the_same_seed_gives_the_same_exact_draw_and_another_another():
    none = np.empty((0, D))
    one = propose([two_boxes], none, 100, 2000, 0, 3.0, seed=5, max_candidates=10**6)
    again = propose([two_boxes], none, 100, 2000, 0, 3.0, seed=5, max_candidates=10**6)
    other = propose([two_boxes], none, 100, 2000, 0, 3.0, seed=6, max_candidates=10**6)
    assert np.array_equal(one.u, again.u) and one.latin == again.latin
    assert not np.array_equal(one.u, other.u)


def test_the_cap_falls_back_to_the_perturbations_and_records_it():
    seeds = np.full((2, D), LO_A + SIDE_A / 2)
    p = propose([two_boxes], seeds, 300, 2000, 3000, 3.0, seed=3, max_candidates=22_000)
    assert not p.exact and p.latin == 22_000 and p.latin_accepted < 300
    assert p.proposed == 22_000 + 3000 and p.accepted > p.latin_accepted
    assert p.weights_ess < p.accepted


class _Screen:
    """An analytic screen with the cost a wave's emulators carry."""

    cost = 1

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, u, cutoff):
        return self.fn(u, cutoff)


def _wave_without_survivors() -> WaveResult:
    u = np.random.default_rng(0).random((40, D))
    imp = np.full((40, len(TARGETS)), 9.0)  # every world ruled out
    prop = Proposal(u, 40, 40, 40, 40)
    return WaveResult(1, u, imp, np.zeros_like(imp), imp, prop, 2)


def test_a_wave_after_one_without_survivors_proceeds_from_the_emulators():
    cfg = HistoryConfig(points=50, candidates=40, max_candidates=10**6)
    p = _propose([_wave_without_survivors()], [_Screen(two_boxes)], cfg, 1, D)
    assert p.exact and p.u.shape == (50, D)
    assert np.all(_in(p.u, LO_A, SIDE_A) | _in(p.u, LO_B, SIDE_B))


def test_nothing_kept_within_the_cap_is_one_line():
    cfg = HistoryConfig(points=50, candidates=40, max_candidates=30_000)
    nothing = _Screen(lambda u, cutoff: np.full(u.shape[0], 2.0 * cutoff))
    with pytest.raises(HistoryError, match="^wave 2: expected some candidates") as e:
        _propose([_wave_without_survivors()], [nothing], cfg, 1, D)
    assert "\n" not in str(e.value) and "30,000" in str(e.value)
