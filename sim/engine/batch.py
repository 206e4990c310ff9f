"""Python entry to the fast engine: run a set of runs and return plain arrays."""

from __future__ import annotations

import threading
from collections.abc import Sequence
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
    world: np.ndarray  # (n,) index of the run's parameter set in ``worlds`` (0: the scenario)
    end_states: np.ndarray  # (n,) index into END_STATES
    decided: np.ndarray  # (n,) how the end state was decided, index into DECIDED
    held: np.ndarray  # (n,) condition bits: bit j set when CONDITIONS[j] held
    scores: np.ndarray  # (n, len(END_STATES)) each end state's score (>= 0: its definition held)
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
    worlds: Sequence[Scenario] | None = None,
    world: np.ndarray | Sequence[int] | None = None,
) -> BatchArrays:
    """Simulate the given run indices of ``scenario`` with the fast or the reference engine
    (same results; the reference engine runs one Mesa model per run, ``threads`` unused).

    ``worlds`` are parameter sets (scenarios with the same runs, months and populations, e.g.
    ``scenario.with_values(...)``) and ``world[j]`` the one run ``runs[j]`` simulates; by
    default every run simulates ``scenario``. A run's seed comes from ``scenario``'s seed and
    its index alone, so a run differs between worlds only by its parameters.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine: expected one of {', '.join(ENGINES)}, found {engine!r}")
    runs = np.asarray(runs, dtype=np.int64)
    n = runs.shape[0]
    worlds = tuple(worlds) if worlds is not None else (scenario,)
    world = np.zeros(n, dtype=np.int64) if world is None else np.asarray(world, dtype=np.int64)
    _check_worlds(scenario, worlds, world, n)
    months = scenario.months
    seeds = run_seeds(scenario.seed, runs)
    out = BatchArrays(
        runs=runs,
        seeds=seeds,
        world=world,
        end_states=np.zeros(n, dtype=np.int64),
        decided=np.zeros(n, dtype=np.int64),
        held=np.zeros(n, dtype=np.int64),
        scores=np.zeros((n, len(END_STATES))),
        indicators=np.zeros((n, N_INDICATORS)),
        trajectories=np.zeros((n, months, int(S.N))),
        logs=np.zeros((n, MAX_EVENTS), dtype=EVENT_DTYPE),
        log_n=np.zeros(n, dtype=np.int64),
        dropped=np.zeros(n, dtype=np.int64),
    )
    if engine == "reference":
        _simulate_reference(scenario, worlds, out)
        return out
    with _BATCH_LOCK:
        if threads is not None:
            numba.set_num_threads(int(threads))
        _run(scenario, worlds, seeds, months, out)
    return out


def _check_worlds(scenario: Scenario, worlds: tuple[Scenario, ...], world, n: int) -> None:
    if not worlds:
        raise ValueError("worlds: expected at least one parameter set, found none")
    if world.shape != (n,):
        raise ValueError(f"world: expected one index per run ({n}), found shape {world.shape}")
    if n and (world.min() < 0 or world.max() >= len(worlds)):
        raise ValueError(f"world: expected indices in 0..{len(worlds) - 1}, found {world.max()}")
    for w in worlds:
        shape = (w.months, w.n_enterprises, w.n_developers)
        if shape != (scenario.months, scenario.n_enterprises, scenario.n_developers):
            raise ValueError(
                "worlds: expected the scenario's months, enterprises and developers "
                f"{(scenario.months, scenario.n_enterprises, scenario.n_developers)}, "
                f"found {shape}"
            )


def _run(
    scenario: Scenario,
    worlds: tuple[Scenario, ...],
    seeds: np.ndarray,
    months: int,
    out: BatchArrays,
) -> None:
    run_batch(
        np.stack([w.global_vector() for w in worlds]),
        np.stack([w.lab_matrix() for w in worlds]),
        np.stack([w.cloud_matrix() for w in worlds]),
        out.world,
        seeds,
        months,
        scenario.n_enterprises,
        scenario.n_developers,
        out.trajectories,
        out.logs,
        out.log_n,
        out.end_states,
        out.decided,
        out.held,
        out.scores,
        out.indicators,
        out.dropped,
    )


def _simulate_reference(scenario: Scenario, worlds: tuple[Scenario, ...], out: BatchArrays) -> None:
    from .reference import MarketModel

    for j, r in enumerate(out.runs):
        model = MarketModel(worlds[int(out.world[j])], run=int(r), rng=scenario.seed, collect=False)
        model.run_model()
        out.end_states[j] = END_STATES.index(model.end_state)
        out.decided[j] = model.decided
        out.held[j] = model.held
        out.scores[j] = model.scores
        out.indicators[j] = model.indicators
        out.trajectories[j] = model.trajectories
        out.logs[j] = model.log
        out.log_n[j] = model.log_n
        out.dropped[j] = model.dropped
