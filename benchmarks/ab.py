"""The fast engine on this checkout against another commit, timed side by side in one run.

A change that must leave the engine no slower is measured against the commit before it:
the other commit is checked out in a temporary git worktree with its own environment, and
the two are timed alternately (so a drift of the host's speed hits both), each in a fresh
process, one thread, CPU time per baseline run, best of a few batches. Usage:

    uv run python -m benchmarks.ab --base HEAD~3            # 4 pairs of 20-run batches
    uv run python -m benchmarks.ab --base main --pairs 6 --runs 40

Prints each pair and the median ratio (this checkout / base) with its range. The first run
of each side compiles its kernels (not timed).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["time_checkout", "main"]

ROOT = Path(__file__).resolve().parent.parent

# run inside each checkout; prints CPU milliseconds per run
_PROBE = """
import sys, time
import numba
from sim.engine.batch import simulate
from sim.params.scenario import load_scenario
numba.set_num_threads(1)
sc = load_scenario("scenarios/baseline.toml")
runs = int(sys.argv[1])
simulate(sc, range(2))
best = float("inf")
for _ in range(int(sys.argv[2])):
    t0 = time.process_time()
    simulate(sc, range(runs))
    best = min(best, time.process_time() - t0)
print(1000.0 * best / runs)
"""


def time_checkout(root: Path, probe: Path, runs: int, repeats: int) -> float:
    """CPU ms per baseline run of the checkout at ``root`` (fresh process, one thread)."""
    out = subprocess.run(
        ["uv", "run", "--frozen", "--quiet", "python", str(probe), str(runs), str(repeats)],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="HEAD~1", help="the commit to compare with (git ref)")
    ap.add_argument("--pairs", type=int, default=4, help="alternating timings of each side")
    ap.add_argument("--runs", type=int, default=20, help="runs per timed batch")
    ap.add_argument("--repeats", type=int, default=3, help="batches per timing (best kept)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="aimarket-ab-") as tmp:
        base = Path(tmp) / "base"
        probe = Path(tmp) / "probe_speed.py"
        probe.write_text(_PROBE)
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base), args.base],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            subprocess.run(["uv", "sync", "--frozen", "--quiet"], cwd=base, check=True)
            ratios = []
            for j in range(args.pairs):
                old = time_checkout(base, probe, args.runs, args.repeats)
                new = time_checkout(ROOT, probe, args.runs, args.repeats)
                ratios.append(new / old)
                print(f"pair {j + 1}: base {old:.2f} ms, this checkout {new:.2f} ms a run")
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False
            )
    print(
        f"this checkout / {args.base}: {statistics.median(ratios):.3f} "
        f"(range {min(ratios):.3f}-{max(ratios):.3f}, {args.pairs} pairs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
