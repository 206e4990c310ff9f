"""The next wave's worlds on arrays, without simulating: on a 2-D problem whose facts allow
two separated discs, the worlds cover both in proportion to their areas (the old sampler, a box
around wave 1's survivors, saw one), uniformly within each, even when every survivor so far
lies in one; the screens run in turn; the same seed gives the same worlds."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.calibration.nroy import (
    latin,
    log_kernel_density,
    propose,
    reflect,
    screen,
)

A, RA = np.array([0.25, 0.3]), 0.15
B, RB = np.array([0.75, 0.7]), 0.075
SHARE_A = RA**2 / (RA**2 + RB**2)  # 0.8: the discs' areas
SURVIVORS = A + np.array([[0.01, 0.02], [-0.03, 0.01]])  # wave 1 found only disc A


def two_discs(u: np.ndarray, cutoff: float) -> np.ndarray:
    """An analytic screen: below the cutoff inside either disc."""
    return cutoff * np.minimum(
        np.linalg.norm(u - A, axis=1) / RA, np.linalg.norm(u - B, axis=1) / RB
    )


def _in(u: np.ndarray, c: np.ndarray, r: float) -> np.ndarray:
    return np.linalg.norm(u - c, axis=1) < r


@pytest.mark.parametrize(
    "points, n_latin", [(150, 2000), (300, 1000)], ids=["latin-enough", "perturbed"]
)
def test_the_worlds_cover_both_regions_in_proportion_to_their_areas(points, n_latin):
    p = propose([two_discs], SURVIVORS, points, n_latin, 3000, 3.0, seed=11)
    a, b = _in(p.u, A, RA), _in(p.u, B, RB)
    assert p.u.shape == (points, 2) and np.all(a | b)  # every world in the region allowed
    assert b.sum() >= 0.1 * points  # the disc no survivor was in is found
    assert a.mean() == pytest.approx(SHARE_A, abs=0.08)
    box_lo, box_hi = SURVIVORS.min(axis=0) - 0.05, SURVIVORS.max(axis=0) + 0.05
    outside = np.any((p.u < box_lo) | (p.u > box_hi), axis=1)
    assert outside.mean() > 0.5  # the survivors' padded box would have missed most of them
    assert p.latin == n_latin and p.nroy_fraction == pytest.approx(0.088, abs=0.02)
    assert (p.latin_accepted < points) == (p.proposed > n_latin)  # perturbed only if needed


def test_perturbations_do_not_crowd_the_survivors():
    """Within disc A, the worlds spread uniformly: a quarter within half its radius, and the
    survivors' own neighbourhood holds about its share of the area, not more."""
    inner, near = [], []
    for seed in range(3):
        p = propose([two_discs], SURVIVORS, 400, 1000, 3000, 3.0, seed=seed)
        assert p.proposed > p.latin  # the perturbation path
        u = p.u[_in(p.u, A, RA)]
        inner.append(np.mean(_in(u, A, RA / 2)))
        near.append(np.mean(_in(u, SURVIVORS[0], 0.05)))
    assert np.mean(inner) == pytest.approx(0.25, abs=0.06)
    assert np.mean(near) == pytest.approx((0.05 / RA) ** 2, abs=0.05)


def test_the_same_seed_gives_the_same_worlds_and_another_others():
    one = propose([two_discs], SURVIVORS, 300, 1000, 3000, 3.0, seed=5)
    again = propose([two_discs], SURVIVORS, 300, 1000, 3000, 3.0, seed=5)
    other = propose([two_discs], SURVIVORS, 300, 1000, 3000, 3.0, seed=6)
    assert np.array_equal(one.u, again.u)
    assert (one.proposed, one.accepted, one.latin_accepted) == (
        again.proposed,
        again.accepted,
        again.latin_accepted,
    )
    assert not np.array_equal(one.u, other.u)


def test_too_few_kept_simulates_all_of_them_and_the_nearest_misses():
    tiny = 0.02

    def speck(u, cutoff):
        return cutoff * np.linalg.norm(u - 0.5, axis=1) / tiny

    p = propose([speck], np.array([[0.5, 0.5]]), 800, 500, 600, 3.0, seed=1)
    kept = speck(p.u, 3.0) < 3.0
    assert kept.sum() == p.accepted < 800 and p.u.shape == (800, 2)
    assert p.proposed == 1100 and p.ruled_out == 1100 - p.accepted
    # the misses simulated are the nearest: none farther than any miss left out
    cand = latin(500, 2, 1)
    left_out = cand[~np.any(np.all(cand[:, None, :] == p.u[None, :, :], axis=2), axis=1)]
    assert speck(p.u[~kept], 3.0).max() <= speck(left_out, 3.0).min()


def test_screens_run_in_turn_and_skip_what_an_earlier_one_ruled_out():
    seen = []

    def first(u, cutoff):
        return np.where(u[:, 0] < 0.5, 0.0, 10.0)

    def second(u, cutoff):
        seen.append(u.shape[0])
        return np.where(u[:, 1] < 0.5, 1.0, 5.0)

    cand = latin(1000, 2, 0)
    score = screen([first, second], cand, 3.0)
    assert seen == [int(np.sum(cand[:, 0] < 0.5))]  # only the first's survivors
    keep = (cand[:, 0] < 0.5) & (cand[:, 1] < 0.5)
    assert np.array_equal(score < 3.0, keep)
    assert np.all(score[cand[:, 0] >= 0.5] == 10.0)


def test_reflection_and_the_perturbations_density():
    x = reflect(np.array([-0.2, 0.3, 1.1, 2.4, -1.7]))
    assert np.allclose(x, [0.2, 0.3, 0.9, 0.4, 0.3])
    # the reflected kernel mixture is a density on the cube: it integrates to 1
    g = (np.arange(200) + 0.5) / 200
    grid = np.column_stack([np.repeat(g, 200), np.tile(g, 200)])
    seeds = np.array([[0.02, 0.5], [0.9, 0.97]])
    dens = np.exp(log_kernel_density(grid, seeds, np.array([0.1, 0.05])))
    assert dens.mean() == pytest.approx(1.0, abs=0.01)
    # and matches a sample of reflected perturbations (a histogram's coarse check)
    rng = np.random.default_rng(0)
    s = seeds[rng.integers(2, size=200_000)] + rng.standard_normal((200_000, 2)) * [0.1, 0.05]
    s = reflect(s)
    corner = np.mean((s[:, 0] < 0.1) & (s[:, 1] > 0.4) & (s[:, 1] < 0.6))
    mask = (grid[:, 0] < 0.1) & (grid[:, 1] > 0.4) & (grid[:, 1] < 0.6)
    assert corner == pytest.approx(dens[mask].mean() * 0.1 * 0.2, rel=0.05)
