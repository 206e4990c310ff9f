"""A wave's emulators as a screen: they reproduce a smooth model's implausibility, the
early-stopped screen keeps exactly the candidates the full one keeps, hyperparameters are
fitted on a bounded subset (least implausible first) and the process conditioned on every
world, and batching does not change a value."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.calibration import emulators
from experiments.calibration.emulators import fit_wave_emulator, training_subset
from experiments.calibration.implausibility import implausibility, ranked
from experiments.calibration.nroy import latin
from experiments.calibration.targets import TARGETS
from experiments.calibration.uncertainty import uncertainty_of

ON = [0, 1, 2]  # the targets this synthetic model has
ACTIVE = np.isin(np.arange(len(TARGETS)), ON)


def model(u: np.ndarray) -> np.ndarray:
    """Smooth means of the targets ON (the rest at their figures), in 2-D."""
    out = np.array([[t.value for t in TARGETS]] * u.shape[0], dtype=float)
    for k, j in enumerate(ON):
        sd = np.hypot(uncertainty_of(TARGETS[j]).obs, uncertainty_of(TARGETS[j]).discrepancy)
        out[:, j] += 6.0 * sd * np.sin(2.0 * u[:, 0] + k - 1.0) * np.cos(1.5 * u[:, 1] - k)
    return out


@pytest.fixture(scope="module")
def fitted():
    u = latin(120, 2, 0)
    mean = model(u)
    imp = implausibility(mean, np.zeros_like(mean), 8, ACTIVE)
    return u, fit_wave_emulator(1, u, mean, imp, ACTIVE, 1, 3.0, 60, 0)


def test_the_emulators_reproduce_the_models_implausibility(fitted):
    _, em = fitted
    x = latin(400, 2, 9)
    mean = model(x)
    truth = ranked(implausibility(mean, np.zeros_like(mean), 8, ACTIVE), 1)
    emulated = em(x, np.inf)  # no early stop: every target evaluated
    assert np.corrcoef(truth, emulated)[0, 1] > 0.99
    agree = (truth < 3.0) == (emulated < 3.0)
    assert agree.mean() > 0.95
    assert [t.j for t in em.targets] and {t.j for t in em.targets} == set(ON)


def test_the_early_stopped_screen_keeps_what_the_full_one_keeps(fitted, monkeypatch):
    _, em = fitted
    x = latin(2000, 2, 3)
    full = em(x, np.inf)
    quick = em(x, 3.0)
    kept = full < 3.0
    assert 0 < kept.sum() < x.shape[0]
    assert np.array_equal(quick < 3.0, kept)
    assert np.allclose(quick[kept], full[kept])
    assert np.all(quick[~kept] >= 3.0)
    monkeypatch.setattr(emulators, "BATCH", 37)
    assert np.allclose(em(x, 3.0), quick)


def test_hyperparameters_on_a_subset_then_conditioned_on_every_world(fitted):
    u, em = fitted
    for t in em.targets:
        assert t.gp.X_train_.shape[0] == u.shape[0]  # conditioned on all 120
    deciding = np.arange(100.0)[::-1]
    sub = training_subset(deciding, 20, 4)
    assert sub.size == 20 and np.all(np.diff(sub) > 0)
    assert set(range(90, 100)) <= set(sub.tolist())  # the least implausible half
    assert np.array_equal(sub, training_subset(deciding, 20, 4))  # seeded
    assert np.array_equal(training_subset(deciding, 200, 4), np.arange(100))


def test_a_wave_drawn_through_the_emulators_covers_both_regions_the_facts_allow():
    """A model whose facts allow two discs (one four times the other's area): the emulators
    fitted on a Latin wave rule out the rest, and the next wave, drawn through them with
    every survivor in the larger disc, still covers both in proportion to their areas."""
    from experiments.calibration.nroy import propose

    j = next(j for j, t in enumerate(TARGETS) if t.bound == 0)
    active = np.arange(len(TARGETS)) == j
    sd = np.hypot(uncertainty_of(TARGETS[j]).obs, uncertainty_of(TARGETS[j]).discrepancy)
    a, ra, b, rb = np.array([0.3, 0.3]), 0.16, np.array([0.72, 0.7]), 0.08

    def two_discs(u):
        out = np.array([[t.value for t in TARGETS]] * u.shape[0], dtype=float)
        dist = np.minimum(np.linalg.norm(u - a, axis=1) / ra, np.linalg.norm(u - b, axis=1) / rb)
        out[:, j] += 3.0 * sd * dist
        return out

    u = latin(400, 2, 2)
    mean = two_discs(u)
    imp = implausibility(mean, np.zeros_like(mean), 8, active)
    em = fit_wave_emulator(1, u, mean, imp, active, 1, 3.0, 150, 0)
    in_a = np.linalg.norm(u - a, axis=1) < ra
    p = propose([em], u[in_a], 300, 2000, 2000, 3.0, seed=4)  # too few Latin: perturbed
    na = np.sum(np.linalg.norm(p.u - a, axis=1) < ra * 1.1)
    nb = np.sum(np.linalg.norm(p.u - b, axis=1) < rb * 1.2)
    assert (
        p.proposed > p.latin and na + nb >= 0.9 * 300
    )  # the emulators' NROY is the two discs, near enough
    assert na / (na + nb) == pytest.approx(ra**2 / (ra**2 + rb**2), abs=0.1)
