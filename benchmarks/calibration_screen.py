"""Calibration benchmark: the emulators' work of a refocusing wave, on baseline-shaped arrays.

No simulation: ``--train`` worlds of the 19 uncertain parameters get synthetic smooth
responses of every target (each a random mix of sines of the parameters, centred on the
target's figure and spread over several of its standard deviations, so that a small part of
the cube is not ruled out, as on the baseline). It times fitting one wave's emulators
(hyperparameters on ``--max-train`` worlds, then conditioned on all ``--train``), and
drawing a wave's worlds as :func:`experiments.calibration.nroy.propose` does: whole-cube
Latin chunks (the first of ``--candidates``) screened by ``--waves`` such emulators in turn
until ``--points`` are kept (exactly the prior restricted to what they do not rule out) or
``--max-candidates`` were screened (then perturbations and weights); it prints the times,
the counts and the cost a candidate as JSON. Measured, not asserted (docs/performance.md).

Usage: uv run python benchmarks/calibration_screen.py [--train 1000] [--max-train 200]
       [--candidates 20000] [--waves 1] [--points 1000] [--max-candidates 4000000]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def synthetic(u: np.ndarray, seed: int = 0) -> np.ndarray:
    """Every target's synthetic mean at ``u`` (points x targets): smooth, seeded."""
    from experiments.calibration.targets import TARGETS
    from experiments.calibration.uncertainty import uncertainty_of

    rng = np.random.default_rng(seed)
    d = u.shape[1]
    out = np.empty((u.shape[0], len(TARGETS)))
    for j, t in enumerate(TARGETS):
        w = rng.normal(size=d) * (rng.random(d) < 0.3)  # each target hangs on a few parameters
        f = np.sin(2.5 * (u - 0.5) @ w + rng.uniform(-0.5, 0.5))
        sd = np.hypot(uncertainty_of(t).obs, uncertainty_of(t).discrepancy)
        out[:, j] = t.value + 3.3 * sd * f
    return out


def measure(
    train: int, max_train: int, candidates: int, waves: int, points: int, max_candidates: int
) -> dict:
    """Seconds to fit one wave's emulators and to draw a wave's worlds through them."""
    from experiments.calibration.emulators import fit_wave_emulator
    from experiments.calibration.implausibility import active_targets, implausibility, ranked
    from experiments.calibration.nroy import latin, propose
    from sim.params.spec import PRIORS

    d = len(PRIORS)
    active = active_targets()
    ems = []
    fit_s = []
    u = latin(train, d, 1)
    for k in range(waves):
        mean = synthetic(u)
        imp = implausibility(mean, np.zeros_like(mean), 8, active)
        deciding = ranked(imp, 2)
        t0 = time.perf_counter()
        ems.append(fit_wave_emulator(k + 1, u, mean, imp, active, 2, 3.0, max_train, 0))
        fit_s.append(time.perf_counter() - t0)
    survivors = u[deciding < 3.0]
    t1 = time.perf_counter()
    prop = propose(ems, survivors, points, candidates, candidates, 3.0, 7, max_candidates)
    screen_s = time.perf_counter() - t1
    return {
        "dims": d,
        "targets": int(active.sum()),
        "train_worlds": train,
        "max_train": max_train,
        "simulated_non_implausible": int(survivors.shape[0]),
        "emulator_fit_seconds": [round(s, 1) for s in fit_s],
        "screens": waves,
        "first_chunk": candidates,
        "max_candidates": max_candidates,
        "latin_screened": prop.latin,
        "proposed": prop.proposed,
        "accepted": prop.accepted,
        "exact": prop.exact,
        "nroy_fraction": prop.nroy_fraction,
        "screen_seconds": round(screen_s, 1),
        "microseconds_a_candidate": round(1e6 * screen_s / max(prop.proposed, 1), 1),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--train", type=int, default=1000)
    p.add_argument("--max-train", type=int, default=200)
    p.add_argument("--candidates", type=int, default=20000)
    p.add_argument("--waves", type=int, default=1)
    p.add_argument("--points", type=int, default=1000)
    p.add_argument("--max-candidates", type=int, default=4_000_000)
    a = p.parse_args()
    got = measure(a.train, a.max_train, a.candidates, a.waves, a.points, a.max_candidates)
    print(json.dumps(got, indent=2))


if __name__ == "__main__":
    main()
