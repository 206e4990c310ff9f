"""The whole ensemble calibration, timed: ``aimarket calibrate --worlds`` at its defaults on
the baseline, in process, split into its simulations and its emulators' work.

The split comes from the calibration's own progress messages: a wave's simulation runs from
the message announcing its worlds (wave 1: the start) to the message that its emulators are
being fitted (the last wave: the end); the emulators' fit and the next wave's screening run
between those. The simulations are independent chunks of 25 worlds that ``--backend dask``
spreads over workers; the emulators run in the calling process. A cluster's time is
extrapolated from that split (simulation divided by the workers over this run's threads, the
emulators as measured), stated as such.
"""

from __future__ import annotations

import time
from pathlib import Path

__all__ = ["whole_calibration", "split_phases", "on_workers"]

ROOT = Path(__file__).resolve().parent.parent


def split_phases(marks: list[tuple[float, str]], t0: float, t1: float) -> dict[str, float]:
    """Seconds of simulation and of emulator work from timestamped progress messages."""
    sim = emu = 0.0
    phase, start = "sim", t0
    for t, msg in marks:
        if msg.startswith("emulators of wave") and phase == "sim":
            sim += t - start
            phase, start = "emu", t
        elif "candidates not ruled out" in msg and phase == "emu":
            emu += t - start
            phase, start = "sim", t
    if phase == "sim":
        sim += t1 - start
    else:
        emu += t1 - start
    return {"simulate_s": sim, "emulator_s": emu}


def on_workers(res: dict, workers: int) -> float:
    """Extrapolated seconds of the same calibration with ``workers`` simulating in parallel."""
    return res["simulate_s"] * res["threads"] / workers + res["emulator_s"]


def whole_calibration(threads: int = 2) -> dict:
    """Run the baseline's calibration at the defaults (no state folder: nothing written)."""
    from experiments.calibration.history import HistoryConfig, history_match
    from experiments.kernels import prepare_kernels
    from sim.params.scenario import load_scenario

    sc = load_scenario(ROOT / "scenarios" / "baseline.toml")
    prepare_kernels(sc, lambda m: None)
    cfg = HistoryConfig()
    marks: list[tuple[float, str]] = []
    t0 = time.perf_counter()
    waves, meta = history_match(
        sc, cfg, threads=threads, progress=lambda m: marks.append((time.perf_counter(), m))
    )
    t1 = time.perf_counter()
    return {
        "waves": cfg.waves,
        "points": cfg.points,
        "runs": cfg.runs,
        "threads": threads,
        "total_s": t1 - t0,
        "worlds": int(meta["waves"][-1]["non_implausible"]),
        **split_phases(marks, t0, t1),
    }
