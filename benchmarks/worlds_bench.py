"""Per-run worlds against one shared parameter vector: what the ensemble costs a batch.

The same runs (same seeds) are simulated three ways, alternately, best of the repeats kept:
every run reading the scenario's one parameter vector (``shared``); every run reading its own
copy of that vector (``own``: the per-run worlds' machinery with the same values, so the
results are the same and any difference is the machinery's cost: the budget's figure); and
every run in a world of its own drawn from the priors (``drawn``: from the scenario's worlds
file when it has one, else a Latin hypercube over the priors, as history matching's first wave
draws). A drawn world also changes what the runs do (more adopters, more releases), so its
time moves with the model, not only with the machinery.
"""

from __future__ import annotations

import time

import numpy as np

from sim.params.scenario import Scenario

__all__ = ["drawn_worlds", "per_run_worlds"]


def drawn_worlds(sc: Scenario, n: int, seed: int = 1) -> tuple[list[Scenario], str]:
    """``n`` worlds for ``sc``'s runs and where they came from: the scenario's worlds file
    (cycled) if it has one, else a Latin hypercube over the priors."""
    from experiments.worlds import find_worlds, read_worlds

    path = find_worlds(sc)
    if path is not None:
        ens = read_worlds(path).scenarios(sc)
        return [ens[j % len(ens)] for j in range(n)], f"worlds file {path.name}"
    from experiments.calibration.history import _keys, _values
    from experiments.calibration.nroy import latin
    from sim.params.spec import PRIORS

    keys = [k.replace(".", "__") for k in _keys()]
    values = _values(latin(n, len(PRIORS), seed))
    worlds = [sc.with_values(**dict(zip(keys, map(float, row), strict=True))) for row in values]
    return worlds, f"{n} worlds drawn from the priors (Latin hypercube)"


def per_run_worlds(sc: Scenario, runs: int, threads: int = 2, repeats: int = 3) -> dict:
    """Seconds for ``runs`` runs of ``sc`` with a shared vector, a copy per run and a drawn
    world per run (best of ``repeats``, timed alternately), and the ratios to shared."""
    from sim.engine.batch import simulate

    ids = np.arange(runs)
    drawn, source = drawn_worlds(sc, runs)
    ways = {
        "shared": {},
        "own": {"worlds": [sc] * runs, "world": ids},
        "drawn": {"worlds": drawn, "world": ids},
    }
    simulate(sc, [0], threads=threads)  # load the kernels
    best = dict.fromkeys(ways, float("inf"))
    same = True
    for _ in range(repeats):
        for name, kw in ways.items():
            t0 = time.perf_counter()
            b = simulate(sc, ids, threads=threads, **kw)
            best[name] = min(best[name], time.perf_counter() - t0)
            if name == "shared":
                reference = b.trajectories
            elif name == "own":
                same = same and bool(np.array_equal(b.trajectories, reference))
    return {
        "runs": runs,
        "threads": threads,
        "repeats": repeats,
        "source": source,
        "shared_s": best["shared"],
        "own_s": best["own"],
        "drawn_s": best["drawn"],
        "own_ratio": best["own"] / best["shared"],
        "drawn_ratio": best["drawn"] / best["shared"],
        "own_identical": same,
    }
