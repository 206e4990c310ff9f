"""The compiled screen of a wave's emulators: its predictions are scikit-learn's to 1e-10,
its kept set and their implausibility the reference screen's, and its output the same bits
with 1 thread and with 2 (each candidate is computed serially, whatever the thread count)."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from experiments.calibration.emulators import fit_wave_emulator
from experiments.calibration.implausibility import implausibility
from experiments.calibration.nroy import latin
from experiments.calibration.targets import TARGETS
from experiments.calibration.uncertainty import uncertainty_of

ON = [0, 1, 2, 3]
ACTIVE = np.isin(np.arange(len(TARGETS)), ON)


def model(u: np.ndarray) -> np.ndarray:
    """Smooth means of the targets ON in 5-D, the rest at their figures."""
    out = np.array([[t.value for t in TARGETS]] * u.shape[0], dtype=float)
    for k, j in enumerate(ON):
        sd = np.hypot(uncertainty_of(TARGETS[j]).obs, uncertainty_of(TARGETS[j]).discrepancy)
        out[:, j] += 5.0 * sd * np.sin(2.0 * u[:, k] + k - 1.0) * np.cos(1.5 * u[:, 4] - k)
    return out


@pytest.fixture(scope="module")
def em():
    u = latin(150, 5, 0)
    mean = model(u)
    imp = implausibility(mean, np.zeros_like(mean), 8, ACTIVE)
    return fit_wave_emulator(1, u, mean, imp, ACTIVE, 2, 3.0, 80, 0)


def test_the_compiled_kernel_predicts_what_scikit_learn_does(em):
    x = latin(300, 5, 7)
    for i, t in enumerate(em.targets):
        m, s = em.compiled.mean_sd(x, i)
        pm, ps = t.gp.predict(x, return_std=True)
        assert np.max(np.abs(m - (t.centre + t.scale * pm))) < 1e-10 * t.scale
        assert np.max(np.abs(s - t.scale * ps)) < 1e-10 * t.scale


@pytest.mark.parametrize("cutoff", [3.0, np.inf], ids=["early-stopped", "every-target"])
def test_the_compiled_screen_is_the_reference_screen(em, cutoff):
    x = latin(3000, 5, 3)
    fast, ref = em(x, cutoff), em.reference(x, cutoff)
    kept = ref < 3.0
    assert np.array_equal(fast < 3.0, kept) and 0 < kept.sum() < x.shape[0]
    assert np.allclose(fast[kept], ref[kept], rtol=1e-9, atol=1e-9)
    if cutoff == np.inf:  # nothing stopped early: every value exact
        assert np.allclose(fast, ref, rtol=1e-9, atol=1e-9)
    else:  # a candidate ruled out may stop at a lower bound of its implausibility
        assert np.all(fast[~kept] <= ref[~kept] * (1 + 1e-9))


@pytest.mark.skipif(
    numba.config.NUMBA_NUM_THREADS < 2, reason="one thread only: nothing to compare"
)
def test_the_screen_is_the_same_bits_with_one_thread_and_with_two(em):
    x = latin(5000, 5, 11)
    was = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = em(x, 3.0)
        numba.set_num_threads(2)
        two = em(x, 3.0)
    finally:
        numba.set_num_threads(was)
    assert np.array_equal(one, two)


def test_the_nearest_worlds_never_explain_more_variance_than_all_of_them(em):
    """The cheap bound of the posterior variance is a bound: the variance the 16 most
    correlated training worlds explain is at most what all of them explain."""
    from experiments.calibration.gp_screen import _NEAR, _nearest_bound, _reduction, _row

    cs = em.compiled
    x = latin(400, 5, 13)
    top, topk, kss = np.empty(_NEAR, dtype=np.int64), np.empty(_NEAR), np.empty((_NEAR, _NEAR))
    gaps = []
    for t in range(cs.n_train.shape[0]):
        n = int(cs.n_train[t])
        k, w = np.empty(n), np.empty(n)
        for xi in x:
            _row(xi, cs.length[t], cs.train[t], n, cs.alpha[t], cs.const[t], k)
            near = _nearest_bound(cs.train[t], k, n, cs.const[t], cs.diag[t], top, topk, kss, w)
            full = _reduction(cs.chol[t], n, k, w, np.inf)
            assert near <= full * (1 + 1e-9) + 1e-12
            gaps.append(full - near)
    assert max(gaps) > 0  # the bound is not trivially the full value
