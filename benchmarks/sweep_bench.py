"""Sweep benchmark: a Sobol sweep over 8 drivers and counter-forces, local and on Dask.

Budget (issue 12): 64 base points with second-order Saltelli sampling (64 x 18 = 1,152 points),
50 replications (57,600 runs) in at most 10 minutes on this 2-core machine; Dask with 2 local
workers within 15% of local; memory flat in the number of points (peak RSS reported for two
sizes). Each measurement runs ``aimarket sweep`` in a fresh process and checks that local and
Dask wrote byte-identical tables.

Usage: uv run python benchmarks/sweep_bench.py [--base-points 64] [--replications 50]
       [--small-base-points 16] [--skip-dask]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"
PARAMETERS = (
    "drivers.ecosystem.strength",
    "drivers.market_pressure.strength",
    "drivers.monetization.strength",
    "drivers.feedback.strength",
    "counterforces.liability.strength",
    "counterforces.sustainability.strength",
    "counterforces.geopolitics.strength",
    "counterforces.enablers.strength",
)


def _spec(folder: Path, base_points: int, replications: int) -> Path:
    params = "".join(f'"{k}" = {{ range = [0.0, 2.0] }}\n' for k in PARAMETERS)
    path = folder / f"bench-{base_points}.toml"
    path.write_text(
        f'[sweep]\nname = "bench"\nscenario = "{BASELINE.as_posix()}"\nsampler = "sobol"\n'
        f"second_order = true\npoints = {base_points}\nreplications = {replications}\n"
        f"seed = 1\n\n[parameters]\n{params}"
    )
    return path


def _sweep(spec: Path, out: Path, *extra: str) -> dict:
    """Run ``aimarket sweep`` under /usr/bin/time-like accounting: seconds and peak RSS."""
    code = (
        "import resource, sys, time\n"
        "from experiments.cli import main\n"
        "t = time.perf_counter()\n"
        "rc = main(sys.argv[1:])\n"
        "dt = time.perf_counter() - t\n"
        "me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print('BENCH', dt, me, kids, file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    cmd = [sys.executable, "-c", code, "sweep", str(spec), "--out", str(out), "--json", *extra]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    line = [x for x in proc.stderr.splitlines() if x.startswith("BENCH")][-1]
    _, dt, me, kids = line.split()
    doc = json.loads(proc.stdout)
    doc.update(wall_seconds=float(dt), peak_rss_mib=int(me) / 1024, child_rss_mib=int(kids) / 1024)
    return doc


def _identical(a: Path, b: Path) -> bool:
    names = ("samples.parquet", "runs.parquet", "points.parquet")
    return all((a / n).read_bytes() == (b / n).read_bytes() for n in names)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base-points", type=int, default=64)
    ap.add_argument("--replications", type=int, default=50)
    ap.add_argument("--small-base-points", type=int, default=16)
    ap.add_argument("--skip-dask", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        small = _sweep(_spec(tmp, args.small_base_points, args.replications), tmp / "small")
        spec = _spec(tmp, args.base_points, args.replications)
        local = _sweep(spec, tmp / "local")
        report = {
            "runs": local["runs"],
            "points": local["points"],
            "local_seconds": round(local["wall_seconds"], 1),
            "budget_seconds": 600,
            "local_ratio_to_budget": round(local["wall_seconds"] / 600, 3),
            "peak_rss_mib": {
                f"{small['points']} points": round(small["peak_rss_mib"]),
                f"{local['points']} points": round(local["peak_rss_mib"]),
            },
        }
        if not args.skip_dask:
            dask = _sweep(spec, tmp / "dask", "--backend", "dask", "--workers", "2")
            report["dask_seconds"] = round(dask["wall_seconds"], 1)
            report["dask_over_local"] = round(dask["wall_seconds"] / local["wall_seconds"], 3)
            report["dask_identical"] = _identical(tmp / "local", tmp / "dask")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"benchmark took {time.perf_counter() - started:.0f} s", file=sys.stderr)
