"""What a review spends in the maths library: calls per review, counted, and a call's cost.

The count runs the rulebook as plain Python (``NUMBA_DISABLE_JIT=1``, in a child process)
over a small baseline run on the reference engine, with the maths functions of the two
choice rules' modules (numpy's ``exp`` and ``log``, ``math.erf``; and ``sim.rules.special``'s
``exp``, the one in the enterprises' normal distribution function) wrapped to count the calls
made while an enterprise's or a developer's decision is being taken; an enterprise review
that chooses (not a non-adopter's look at adopting) is told apart by its call of
``option_utilities``. The cost is each function's throughput in a compiled loop on this
machine. Together they say how much of a review the maths library takes at least: what keeps
the choice rules from the bare logit microkernel's rate (:mod:`benchmarks.bare`), which
draws with four exponentials and no logarithm.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time

import numpy as np
from numba import njit

__all__ = ["call_costs", "calls_per_review", "FUNCTIONS"]

FUNCTIONS = ("exp", "log", "erf")
ENTERPRISES, DEVELOPERS = 200, 600  # the counted run's populations (about 20 s interpreted)


@njit(cache=True)
def _loop(x: np.ndarray, which: int) -> float:
    s = 0.0
    for i in range(x.shape[0]):
        if which == 0:
            s += np.exp(x[i])
        elif which == 1:
            s += np.log(x[i])
        else:
            s += math.erf(x[i])
    return s


def call_costs(n: int = 2_000_000) -> dict[str, float]:
    """Nanoseconds a call of each of :data:`FUNCTIONS` takes in a compiled loop (best of 3)."""
    x = np.random.default_rng(0).uniform(0.05, 3.0, n)
    out = {}
    for j, name in enumerate(FUNCTIONS):
        _loop(x[:8], j)
        best = math.inf
        for _ in range(3):
            t0 = time.perf_counter()
            _loop(x, j)
            best = min(best, time.perf_counter() - t0)
        out[name] = best / n * 1e9
    return out


class _Counting:
    """A module whose functions in ``names`` count their calls into ``tally`` while
    ``tally['in']`` names a decision."""

    def __init__(self, module, names: tuple[str, ...], tally: dict):
        self._module, self._names, self._tally = module, names, tally

    def __getattr__(self, name: str):
        fn = getattr(self._module, name)
        if name not in self._names:
            return fn
        tally = self._tally

        def counted(*args, **kw):
            who = tally["in"]
            if who:
                tally[who][name] = tally[who].get(name, 0) + 1
            return fn(*args, **kw)

        return counted


def _count() -> dict:
    """In a NUMBA_DISABLE_JIT=1 process: maths calls per review of each kind."""
    from sim.engine.batch import simulate
    from sim.params.scenario import load_scenario
    from sim.rules import clearing, developer, enterprise, special
    from sim.rules.jit import INTERPRETED

    if not INTERPRETED:
        raise SystemExit("the rules are compiled: run with NUMBA_DISABLE_JIT=1")
    tally: dict = {"in": "", "enterprise": {}, "choosing": {}, "developer": {}}
    counts = {"enterprise": 0, "choosing": 0, "developer": 0}
    for mod in (enterprise, developer, special):
        mod.np = _Counting(np, ("exp", "log"), tally)
    enterprise.math = _Counting(math, ("erf",), tally)

    def wrap(fn, kind: str):
        def inner(*args, **kw):
            counts[kind] += 1
            tally["in"] = kind
            try:
                return fn(*args, **kw)
            finally:
                tally["in"] = ""

        return inner

    utilities = enterprise.option_utilities

    def choosing(*args, **kw):  # an enterprise review that chooses (every maths call is one's)
        counts["choosing"] += 1
        return utilities(*args, **kw)

    clearing.enterprise_decision = wrap(enterprise.enterprise_decision, "enterprise")
    clearing.developer_decision = wrap(developer.developer_decision, "developer")
    enterprise.option_utilities = choosing
    sc = load_scenario("scenarios/baseline.toml").with_values(
        run__enterprises=ENTERPRISES, run__developers=DEVELOPERS
    )
    simulate(sc, [0], engine="reference")
    return {"reviews": counts, "calls": {k: tally[k] for k in ("enterprise", "developer")}}


def calls_per_review(timeout: float = 600.0) -> dict:
    """Maths calls per review, counted over one small interpreted baseline run: per
    enterprise review, per enterprise review that chooses, per developer review (each a dict
    of :data:`FUNCTIONS`), with the reviews counted."""
    done = subprocess.run(
        [sys.executable, "-m", __name__],
        env={**os.environ, "NUMBA_DISABLE_JIT": "1"},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"counting the maths calls failed:\n{done.stderr[-2000:]}")
    raw = json.loads(done.stdout.strip().splitlines()[-1])
    n, calls = raw["reviews"], raw["calls"]

    def per(kind: str, reviews: int) -> dict[str, float]:
        return {f: calls[kind].get(f, 0) / max(reviews, 1) for f in FUNCTIONS}

    return {
        "reviews": n,
        "enterprise": per("enterprise", n["enterprise"]),
        "choosing": per("enterprise", n["choosing"]),
        "developer": per("developer", n["developer"]),
    }


if __name__ == "__main__":
    print(json.dumps(_count()))
