"""Run the ``aimarket`` CLI in this process and report its peak memory on stderr's last line.

Used by the harness to measure a command's peak resident memory on its own, whatever else the
harness has run: ``python -m benchmarks.peak run scenarios/baseline.toml --runs 10000 ...``.
"""

from __future__ import annotations

import sys

from experiments.cli import main

from .scaling import peak_rss_gib

if __name__ == "__main__":
    code = 0
    try:
        code = main(sys.argv[1:]) or 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    finally:
        print(f"peak_gib={peak_rss_gib():.4f}", file=sys.stderr)
    sys.exit(code)
