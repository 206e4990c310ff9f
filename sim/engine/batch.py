"""Python entry to the fast engine: run a set of runs and return plain arrays."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numba
import numpy as np

from ..params.scenario import Scenario
from ..rules.classify import N_INDICATORS
from ..rules.rng import run_seed
from ..state import EVENT_DTYPE, MAX_EVENTS, S
from ..vocab import END_STATES
from .fast import run_batch

__all__ = ["BatchArrays", "simulate", "run_seeds", "ENGINES"]

ENGINES = ("fast", "reference")

# run_batch releases the GIL (a batch's background thread writes meanwhile), so two Python
# threads could enter it at once (two viewer sessions); numba's workqueue threading layer
# aborts the process on that, so batches in one process take turns
_BATCH_LOCK = threading.Lock()


@dataclass
class BatchArrays:
    """Outputs of a set of runs: indices, seeds, end states, indicators, trajectories, logs."""

    runs: np.ndarray  # (n,) run index within the batch
    seeds: np.ndarray  # (n,) per-run seed
    end_states: np.ndarray  # (n,) index into END_STATES
    indicators: np.ndarray  # (n, N_INDICATORS)
    trajectories: np.ndarray  # (n, months, S.N)
    logs: np.ndarray  # (n, MAX_EVENTS) EVENT_DTYPE
    log_n: np.ndarray  # (n,)
    dropped: np.ndarray  # (n,)


def run_seeds(base_seed: int, runs: np.ndarray) -> np.ndarray:
    """Per-run seeds: a hash of (base seed, run index), independent of chunking."""
    return np.array([run_seed(base_seed, int(r)) for r in runs], dtype=np.int64)


def simulate(
    scenario: Scenario,
    runs: np.ndarray | range,
    threads: int | None = None,
    engine: str = "fast",
) -> BatchArrays:
    """Simulate the given run indices of ``scenario`` with the fast or the reference engine
    (same results; the reference engine runs one Mesa model per run, ``threads`` unused)."""
    if engine not in ENGINES:
        raise ValueError(f"engine: expected one of {', '.join(ENGINES)}, found {engine!r}")
    runs = np.asarray(runs, dtype=np.int64)
    n = runs.shape[0]
    months = scenario.months
    seeds = run_seeds(scenario.seed, runs)
    out = BatchArrays(
        runs=runs,
        seeds=seeds,
        end_states=np.zeros(n, dtype=np.int64),
        indicators=np.zeros((n, N_INDICATORS)),
        trajectories=np.zeros((n, months, int(S.N))),
        logs=np.zeros((n, MAX_EVENTS), dtype=EVENT_DTYPE),
        log_n=np.zeros(n, dtype=np.int64),
        dropped=np.zeros(n, dtype=np.int64),
    )
    if engine == "reference":
        _simulate_reference(scenario, out)
        return out
    with _BATCH_LOCK:
        if threads is not None:
            numba.set_num_threads(int(threads))
        _run(scenario, seeds, months, out)
    return out


def _run(scenario: Scenario, seeds: np.ndarray, months: int, out: BatchArrays) -> None:
    run_batch(
        scenario.global_vector(),
        scenario.lab_matrix(),
        scenario.cloud_matrix(),
        seeds,
        months,
        scenario.n_enterprises,
        scenario.n_developers,
        out.trajectories,
        out.logs,
        out.log_n,
        out.end_states,
        out.indicators,
        out.dropped,
    )


def _simulate_reference(scenario: Scenario, out: BatchArrays) -> None:
    from .reference import MarketModel

    for j, r in enumerate(out.runs):
        model = MarketModel(scenario, run=int(r), rng=scenario.seed, collect=False)
        model.run_model()
        out.end_states[j] = END_STATES.index(model.end_state)
        out.indicators[j] = model.indicators
        out.trajectories[j] = model.trajectories
        out.logs[j] = model.log
        out.log_n[j] = model.log_n
        out.dropped[j] = model.dropped
