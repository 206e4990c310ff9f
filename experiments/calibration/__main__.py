"""``uv run python -m experiments.calibration``: render scenarios/baseline.toml anew from the
spec with its current fitted values (after a change to the spec; ``aimarket calibrate``
refits them)."""

from pathlib import Path

from .baseline import rerender_baseline

target = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.toml"
rerender_baseline(target)
print(f"rendered {target} with its current fitted values")
