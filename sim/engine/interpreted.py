"""The reference engine with the rulebook run as plain Python, in a child process.

Numba reads ``NUMBA_DISABLE_JIT`` once, at import, so a process either compiles its kernels or
interprets them. :func:`simulate_interpreted` runs the reference engine in a child process with
``NUMBA_DISABLE_JIT=1``: every rule there is the Python function as written (what pdb steps
and coverage measures), which the differential test compares with the compiled fast engine.
A baseline run of 30 enterprises and 100 developers takes about 5 s there.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from ..params.scenario import Scenario
from .batch import BatchArrays, simulate

__all__ = ["simulate_interpreted"]

_FIELDS = tuple(f.name for f in dataclasses.fields(BatchArrays))


def simulate_interpreted(
    jobs: Sequence[tuple[Scenario, Iterable[int]]], timeout: float = 1800.0
) -> list[BatchArrays]:
    """``simulate(scenario, runs, engine="reference")`` for each (scenario, runs) of ``jobs``,
    with the rules interpreted, in one child process."""
    with tempfile.TemporaryDirectory(prefix="aimarket-interpreted-") as tmp:
        job, out = Path(tmp) / "jobs.pkl", Path(tmp) / "out.npz"
        job.write_bytes(pickle.dumps([(sc, [int(r) for r in runs]) for sc, runs in jobs]))
        done = subprocess.run(
            [sys.executable, "-m", __name__, str(job), str(out)],
            env={**os.environ, "NUMBA_DISABLE_JIT": "1"},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"interpreted reference engine failed:\n{done.stderr[-4000:]}")
        with np.load(out) as data:
            return [BatchArrays(**{f: data[f"{j}/{f}"] for f in _FIELDS}) for j in range(len(jobs))]


def _main(job: str, out: str) -> None:
    from ..rules.clearing import step_demand
    from ..rules.jit import INTERPRETED

    if not INTERPRETED or hasattr(step_demand, "py_func"):
        raise SystemExit("the rules are compiled: run with NUMBA_DISABLE_JIT=1")
    arrays = {}
    for j, (scenario, runs) in enumerate(pickle.loads(Path(job).read_bytes())):
        batch = simulate(scenario, runs, engine="reference")
        arrays.update({f"{j}/{f}": getattr(batch, f) for f in _FIELDS})
    np.savez(out, **arrays)


if __name__ == "__main__":
    _main(*sys.argv[1:3])
