"""Viewer budget: a 1,000-run batch on the Explore page shows its results in at most 5 s after
warm-up (numba kernels compiled and cached). Measured through Streamlit's AppTest: the time
from pressing "Run batch" to the page with shares and charts, for a new batch (simulated,
written, read, charted) and for the same batch again (read back, nothing simulated).

Usage: uv run python benchmarks/viewer_bench.py [--runs 1000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "viz" / "pages" / "explore.py")


def _press(runs: int, seed: int) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(PAGE, default_timeout=600)
    at.run()
    at.number_input(key="runs").set_value(runs)
    at.number_input(key="seed_baseline").set_value(seed)
    at.run()
    t0 = time.perf_counter()
    at.button(key="run").click().run()
    seconds = time.perf_counter() - t0
    if at.exception or at.error or not at.subheader:
        raise SystemExit(f"the page failed: {at.exception or at.error}")
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["AIMARKET_RESULTS"] = tmp
        os.environ.pop("AIMARKET_SCENARIOS", None)
        warm = _press(20, 1)  # compiles or loads the kernels
        new = _press(args.runs, 2)
        again = _press(args.runs, 2)
    print(f"warm-up batch of 20 runs: {warm:.2f} s")
    print(f"new batch of {args.runs} runs: {new:.2f} s (budget 5 s: {new / 5:.2f} of it)")
    print(f"same batch again (read back): {again:.2f} s")


if __name__ == "__main__":
    main()
