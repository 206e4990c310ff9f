"""The normal distribution function's approximation: its stated error bound, checked."""

from __future__ import annotations

import math

import numpy as np

from sim.rules.enterprise import tasks_met
from sim.rules.special import NORMAL_CDF_MAX_ERROR, normal_cdf


def _phi(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def test_normal_cdf_is_within_its_stated_bound_on_a_dense_grid():
    # the error peaks within a few standard deviations; the tails are checked out to 40
    grid = np.concatenate([np.linspace(-8.0, 8.0, 160_001), np.linspace(-40.0, 40.0, 8_001)])
    err = max(abs(normal_cdf(z) - _phi(z)) for z in grid)
    assert err < NORMAL_CDF_MAX_ERROR
    assert err > NORMAL_CDF_MAX_ERROR / 10  # the bound is the approximation's, not slack


def test_normal_cdf_limits_symmetry_and_order():
    assert abs(normal_cdf(0.0) - 0.5) < 1e-9
    assert normal_cdf(60.0) == 1.0 and normal_cdf(-60.0) == 0.0
    z = np.linspace(-6.0, 6.0, 2_001)
    p = np.array([normal_cdf(x) for x in z])
    off = z != 0.0  # at 0 both sides take 1 - tail(0), half the error bound's own jump
    np.testing.assert_allclose((p + p[::-1])[off], 1.0, rtol=0, atol=1e-15)  # Phi(-z) = 1 - Phi(z)
    assert np.all(np.diff(p) >= -2 * NORMAL_CDF_MAX_ERROR)


def test_tasks_met_is_the_lognormal_share_to_the_bound():
    for tol, gap, sigma in ((3.0, 0.5, 1.0), (3.0, 3.0, 0.7), (9.0, 3.0, 1.3), (1.0, 24.0, 1.0)):
        exact = _phi((math.log(tol) - math.log(gap)) / sigma)
        got = tasks_met(tol, math.log(tol), gap, math.log(gap), sigma)
        assert abs(got - exact) < NORMAL_CDF_MAX_ERROR
    assert abs(tasks_met(3.0, math.log(3.0), 3.0, math.log(3.0), 1.0) - 0.5) < 1e-9
