"""Gaussian-process emulators of one wave's targets, and the implausibility they give a point.

:func:`fit_wave_emulator` fits, per active target, a Gaussian process on the wave's simulated
worlds (unit cube): a constant times a Matern 5/2 with a length per parameter, plus a white
nugget for the seed noise (scikit-learn), on the target's standardised means. Fitting the
hyperparameters grows with the cube of the training size, so they are fitted on at most
``max_train`` worlds: the least implausible half first (the non-implausible ones lead, the
region the next wave looks into), then a seeded random spread of the rest (so the lengths
also describe the cube at large); the process is then conditioned on every finite world of
the wave with that kernel fixed (``optimizer=None``: one Cholesky).

:class:`WaveEmulator` is a screen: called on candidates and a cutoff it returns each one's
emulated deciding implausibility (the emulator's variance stands in for the seed variance).
It goes target by target, dropping a candidate as soon as ``rank`` targets put it over the
cutoff; a target's standard deviation is computed only where the mean alone, with the prior
variance (an upper bound of the posterior's), does not already rule the candidate out. A
candidate ruled out therefore gets the ``rank``-th largest of the targets evaluated so far
(at least the cutoff); one kept gets its exact deciding implausibility. The screen runs
compiled, candidate by candidate (:mod:`.gp_screen`: a few microseconds a candidate, the
same kept set whatever the thread count); :meth:`WaveEmulator.reference` is the same screen
through scikit-learn, in batches, which the tests compare it with.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.linalg import solve_triangular

from .gp_screen import CompiledScreen, compile_screen
from .implausibility import ranked, target_implausibility
from .targets import TARGETS
from .uncertainty import uncertainty_of

__all__ = ["WaveEmulator", "fit_wave_emulator", "training_subset"]

BATCH = 4096  # candidates predicted at once: a (BATCH x training worlds) kernel matrix


@dataclass
class _Target:
    j: int  # index in TARGETS
    gp: object  # fitted sklearn GaussianProcessRegressor on standardised means
    centre: float
    scale: float
    prior_var: float  # the kernel's variance at a point (standardised units), nugget included


@dataclass
class WaveEmulator:
    """One wave's emulators of every active target, as a screen of candidates."""

    wave: int
    targets: list[_Target]
    n_targets: int  # all targets (inactive ones count 0)
    rank: int
    trained_on: int  # worlds conditioned on (the screen's cost grows with it)
    compiled: CompiledScreen | None = None  # the same screen compiled (set by the fit)

    @property
    def cost(self) -> int:
        """Relative cost of screening a candidate: cheap screens go first."""
        return self.trained_on * max(len(self.targets), 1)

    def __call__(self, u: np.ndarray, cutoff: float) -> np.ndarray:
        """Each candidate's emulated deciding implausibility (early-stopped over cutoff)."""
        if self.compiled is None:
            self.compiled = _compile(self)
        return self.compiled(u, cutoff)

    def reference(self, u: np.ndarray, cutoff: float) -> np.ndarray:
        """The same screen through scikit-learn, in batches of :data:`BATCH` (slower)."""
        out = np.empty(u.shape[0])
        for a in range(0, u.shape[0], BATCH):
            out[a : a + BATCH] = self._batch(u[a : a + BATCH], cutoff)
        return out

    def _batch(self, u: np.ndarray, cutoff: float) -> np.ndarray:
        imp = np.zeros((u.shape[0], self.n_targets))
        over = np.zeros(u.shape[0], dtype=np.int64)
        alive = np.arange(u.shape[0])
        for t in self.targets:
            if alive.size == 0:
                break
            x = u[alive]
            k = t.gp.kernel_(x, t.gp.X_train_)  # (candidates, worlds): shared by mean and sd
            mean = t.centre + t.scale * (k @ t.gp.alpha_)
            prior = np.full(x.shape[0], t.prior_var * t.scale**2)
            v = target_implausibility(t.j, mean, prior, 1)
            need = np.flatnonzero(v < cutoff)  # the posterior variance can only be smaller
            if need.size:
                w = solve_triangular(t.gp.L_, k[need].T, lower=True, check_finite=False)
                var = np.maximum(t.prior_var - np.einsum("ij,ij->j", w, w), 0.0) * t.scale**2
                v[need] = target_implausibility(t.j, mean[need], var, 1)
            imp[alive, t.j] = v
            over[alive] += v >= cutoff
            alive = alive[over[alive] < self.rank]
        return ranked(imp, self.rank)


def _compile(em: WaveEmulator) -> CompiledScreen:
    """``em``'s targets packed for :mod:`.gp_screen`. Changes the fitted processes in place:
    each one's Cholesky factor ``L_`` becomes a view of the packed copy (one copy in memory;
    the values are the same)."""
    unc = [uncertainty_of(TARGETS[t.j]) for t in em.targets]
    cs = compile_screen(
        [t.gp for t in em.targets],
        [t.centre for t in em.targets],
        [t.scale for t in em.targets],
        [t.j for t in em.targets],
        [TARGETS[t.j].value for t in em.targets],
        [int(np.sign(TARGETS[t.j].bound)) for t in em.targets],
        [u.obs**2 + u.discrepancy**2 for u in unc],
        em.n_targets,
        em.rank,
    )
    for i, t in enumerate(em.targets):
        n = t.gp.L_.shape[0]
        t.gp.L_ = cs.chol[i, :n, :n]
    return cs


def training_subset(deciding: np.ndarray, max_train: int, seed: int) -> np.ndarray:
    """Indices of at most ``max_train`` worlds to fit hyperparameters on: the least
    implausible half (by ``deciding``), then a seeded random spread of the rest (sorted)."""
    n = deciding.shape[0]
    if n <= max_train:
        return np.arange(n)
    order = np.argsort(deciding, kind="stable")
    best = order[: max_train // 2]
    rest = order[max_train // 2 :]
    rng = np.random.default_rng([seed, 0x454D55])  # 'EMU'
    spread = rng.choice(rest, max_train - best.size, replace=False)
    return np.sort(np.concatenate([best, spread]))


def fit_wave_emulator(
    wave: int,
    u: np.ndarray,
    mean: np.ndarray,
    imp: np.ndarray,
    active: np.ndarray,
    rank: int,
    cutoff: float,
    max_train: int,
    seed: int,
) -> WaveEmulator:
    """Emulators of every active target on one wave's worlds ``u`` (points, d) with simulated
    means ``mean`` and implausibility ``imp`` (both points x targets). The screen tries the
    targets that rule out most of the wave's worlds first (so it drops candidates soonest)."""
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    d = u.shape[1]
    sub = np.zeros(u.shape[0], dtype=bool)
    sub[training_subset(ranked(imp, rank), max_train, seed + wave)] = True
    targets = []
    power = np.mean(imp >= cutoff, axis=0)
    for j in sorted(np.flatnonzero(active), key=lambda j: -power[j]):
        y = mean[:, j]
        ok = np.isfinite(y)
        if ok.sum() < 2:
            continue  # nothing to emulate: the target does not screen this wave
        centre, scale = float(np.mean(y[ok])), float(np.std(y[ok]))
        scale = scale if scale > 0 else 1.0
        z = (y - centre) / scale
        kernel = ConstantKernel(1.0, (1e-3, 1e3)) * Matern(
            np.full(d, 0.5), (1e-2, 1e2), nu=2.5
        ) + WhiteKernel(1e-2, (1e-6, 1.0))
        gp = GaussianProcessRegressor(kernel, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gp.fit(u[ok & sub], z[ok & sub])
            if np.any(ok & ~sub):  # condition on every world with the fitted kernel fixed
                gp = GaussianProcessRegressor(gp.kernel_, optimizer=None, random_state=seed)
                gp.fit(u[ok], z[ok])
        prior_var = float(gp.kernel_.diag(u[:1])[0])
        targets.append(_Target(int(j), gp, centre, scale, prior_var))
    em = WaveEmulator(wave, targets, mean.shape[1], rank, int(u.shape[0]))
    em.compiled = _compile(em)
    return em
