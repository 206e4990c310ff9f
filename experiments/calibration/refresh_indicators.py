"""``uv run python -m experiments.calibration.refresh_indicators [RUNS]``: rewrite the section
of docs/calibration.md on the classifier's indicators in 2023-2025 from RUNS (200) runs of the
baseline, without refitting (``aimarket calibrate`` writes it with the rest)."""

from __future__ import annotations

import sys
from pathlib import Path

from sim.params.scenario import load_scenario

from .indicators import update_doc

root = Path(__file__).resolve().parents[2]
runs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
base = load_scenario(root / "scenarios" / "baseline.toml")
print(update_doc(root / "docs" / "calibration.md", base, runs))
