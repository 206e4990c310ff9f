"""Calibration benchmark: one history-matching wave, worlds per minute on this machine.

Budget (issue 30): a wave of 1,000 worlds on 2 cores within 15 minutes (about 67 worlds a
minute), the whole calibration (3 waves) within an hour. This measures, not asserts: it
simulates ``--points`` worlds of ``--runs`` runs each (full populations unless
``--enterprises``/``--developers`` say otherwise, January 2023 - May 2026) in process, as
wave 1 does, and, unless ``--skip-emulator``, times fitting the emulators on them (at most
``max_train`` worlds for the hyperparameters, then conditioned on all) and screening
``--candidates`` whole-prior Latin candidates per world (wave 2's extra work, without the
perturbations: benchmarks/calibration_screen.py times the whole proposal); it prints the
rates and the 1,000-world extrapolation as JSON.

Usage: uv run python benchmarks/calibration_wave.py [--points 50] [--runs 8] [--threads 2]
       [--enterprises N] [--developers N] [--candidates 20] [--skip-emulator]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def measure(
    points: int,
    runs: int,
    threads: int | None,
    enterprises: int | None,
    developers: int | None,
    candidates: int,
    emulator: bool,
) -> dict:
    """Seconds to simulate a wave of ``points`` worlds and to screen the next one."""
    from experiments.calibration.emulators import fit_wave_emulator
    from experiments.calibration.history import (
        HistoryConfig,
        _values,
        active_targets,
        implausibility,
        simulate_points,
    )
    from experiments.calibration.nroy import latin as _latin
    from experiments.calibration.nroy import screen
    from experiments.calibration.targets import FIT_MONTHS
    from experiments.kernels import prepare_kernels
    from sim.params.scenario import load_scenario
    from sim.params.spec import PRIORS

    sc = load_scenario(ROOT / "scenarios" / "baseline.toml")
    if enterprises:
        sc = sc.with_values(run__enterprises=enterprises)
    if developers:
        sc = sc.with_values(run__developers=developers)
    base = sc.with_values(run__months=FIT_MONTHS)
    prepare_kernels(base, lambda m: None)
    simulate_points(base, _values(_latin(2, len(PRIORS), 0)), 1, threads)  # warm up
    u = _latin(points, len(PRIORS), 1)
    t0 = time.perf_counter()
    mean, var = simulate_points(base, _values(u), runs, threads)
    sim_s = time.perf_counter() - t0
    out = {
        "points": points,
        "runs_per_world": runs,
        "enterprises": base.n_enterprises,
        "developers": base.n_developers,
        "threads": threads or os.cpu_count(),
        "simulate_seconds": round(sim_s, 2),
        "worlds_per_minute": round(points / sim_s * 60.0, 1),
        "minutes_per_1000_worlds": round(1000.0 / (points / sim_s) / 60.0, 1),
    }
    if emulator:
        cfg = HistoryConfig()
        t1 = time.perf_counter()
        imp = implausibility(mean, var, runs, active_targets())
        em = fit_wave_emulator(
            1, u, mean, imp, active_targets(), cfg.rank, cfg.cutoff, cfg.max_train, 0
        )
        fit_s = time.perf_counter() - t1
        cand = _latin(points * candidates, len(PRIORS), 2)
        t2 = time.perf_counter()
        kept = screen([em], cand, cfg.cutoff) < cfg.cutoff
        screen_s = time.perf_counter() - t2
        out.update(
            {
                "emulator_fit_seconds": round(fit_s, 2),
                "screen_seconds": round(screen_s, 2),
                "candidates": int(cand.shape[0]),
                "candidates_not_ruled_out": int(np.sum(kept)),
            }
        )
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--points", type=int, default=50)
    p.add_argument("--runs", type=int, default=8)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--enterprises", type=int, default=None)
    p.add_argument("--developers", type=int, default=None)
    p.add_argument("--candidates", type=int, default=20)
    p.add_argument("--skip-emulator", action="store_true")
    a = p.parse_args()
    res = measure(
        a.points,
        a.runs,
        a.threads,
        a.enterprises,
        a.developers,
        a.candidates,
        not a.skip_emulator,
    )
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
