"""Check that a change leaves results bit-identical, and time one thread.

``--save FILE`` stores 24 baseline runs' arrays (trajectories by series name, event logs,
end states, indicators) from the current checkout; ``--against FILE`` compares the current
checkout with such a file: identical arrays, or the first difference. Event actors are
compared by name, so a renumbering of actors is not a difference; ``--actor-map OLD=NEW``
declares an intended renaming (e.g. a corrected attribution). Series present on only one
side are listed, not compared. Usage:

    uv run python benchmarks/check_identical.py --save before.npz      # on the old commit
    uv run python benchmarks/check_identical.py --against before.npz   # on the new one
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time

import numba
import numpy as np

from sim.engine.batch import simulate
from sim.params.scenario import load_scenario

RUNS = 24


def _names():
    from sim import state

    actors = getattr(state, "ACTOR_NAMES", None)
    if actors is None:
        from sim.actors import ACTOR_NAMES as actors
    return list(actors), list(state.SERIES_NAMES)


def snapshot(scenario: str = "scenarios/baseline.toml", runs: int = RUNS) -> dict[str, np.ndarray]:
    b = simulate(load_scenario(scenario), range(runs))
    actors, series = _names()
    out = {
        "ends": b.end_states,
        "ind": b.indicators,
        "log_n": b.log_n,
        "actors": np.array(actors),
        "series": np.array(series),
    }
    for j, name in enumerate(series):
        out[f"traj:{name}"] = b.trajectories[:, :, j]
    logs = np.concatenate([b.logs[r, : b.log_n[r]] for r in range(runs)])
    for field in logs.dtype.names:
        out[f"log:{field}"] = logs[field]
    return out


def fingerprint(snap: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for key in sorted(snap):
        h.update(key.encode())
        h.update(np.ascontiguousarray(snap[key]).tobytes())
    return h.hexdigest()


def compare(old: dict, new: dict, actor_map: dict[str, str]) -> list[str]:
    problems = []
    for key in ("ends", "ind", "log_n"):
        if not np.array_equal(old[key], new[key]):
            problems.append(f"{key} differ")
    old_series = {k[5:] for k in old if k.startswith("traj:")}
    new_series = {k[5:] for k in new if k.startswith("traj:")}
    for name in sorted(old_series & new_series):
        a, b = old[f"traj:{name}"], new[f"traj:{name}"]
        if not np.array_equal(a, b, equal_nan=True):
            problems.append(f"series {name} differs (max abs {np.nanmax(np.abs(a - b)):.3g})")
    for name in sorted(old_series - new_series):
        print(f"note: series {name} only in the saved results")
    for name in sorted(new_series - old_series):
        print(f"note: series {name} only in the current results")
    for field in ("time", "kind", "value", "value2", "target"):
        if not np.array_equal(old[f"log:{field}"], new[f"log:{field}"]):
            problems.append(f"event log field {field} differs")
    old_actor = old["actors"][old["log:actor"]]
    new_actor = new["actors"][new["log:actor"]]
    mapped = np.array([actor_map.get(a, a) for a in old_actor])
    diff = np.nonzero(mapped != new_actor)[0]
    if diff.size:
        j = diff[0]
        problems.append(
            f"{diff.size} event actors differ, first: event {j} {old_actor[j]} -> {new_actor[j]}"
        )
    return problems


def ms_per_run(runs: int = 20, repeats: int = 3) -> float:
    numba.set_num_threads(1)
    sc = load_scenario("scenarios/baseline.toml")
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        simulate(sc, range(runs))
        best = min(best, time.perf_counter() - t0)
    return best / runs * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--save")
    ap.add_argument("--against")
    ap.add_argument("--actor-map", default="", help="OLD=NEW,... renamings of event actors")
    ap.add_argument("--time", action="store_true", help="also time one thread")
    ap.add_argument("--scenario", default="scenarios/baseline.toml")
    args = ap.parse_args()
    snap = snapshot(args.scenario)
    print("fingerprint", fingerprint(snap))
    if args.save:
        np.savez(args.save, **snap)
        print("saved", args.save)
    status = 0
    if args.against:
        old = dict(np.load(args.against))
        amap = dict(p.split("=") for p in args.actor_map.split(",") if p)
        problems = compare(old, snap, amap)
        if problems:
            print("DIFFERENT:\n  " + "\n  ".join(problems))
            status = 1
        else:
            print("identical to", args.against, json.dumps(amap) if amap else "")
    if args.time:
        print(f"single thread: {ms_per_run():.2f} ms per run")
    return status


if __name__ == "__main__":
    sys.exit(main())
