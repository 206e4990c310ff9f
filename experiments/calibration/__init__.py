"""Calibration of the baseline to the stylized facts of 2023-2025 (simulated method of moments).

``targets`` (the facts and the loss), ``fit`` (the fitted parameters and the optimiser),
``library`` (the scenario library under the fit), ``report`` (docs/calibration.md) and
``baseline`` (writing scenarios/baseline.toml); ``aimarket calibrate`` runs them in order.
"""

from .baseline import write_baseline_values
from .fit import CAL_PARAMS, CalibrationResult, calibrate, fit_keys, validate
from .library import library_table, missing_fit_keys
from .report import render_report
from .targets import TARGETS, Target, loss, target_values

__all__ = [
    "Target",
    "TARGETS",
    "CAL_PARAMS",
    "fit_keys",
    "CalibrationResult",
    "target_values",
    "loss",
    "calibrate",
    "validate",
    "render_report",
    "write_baseline_values",
    "missing_fit_keys",
    "library_table",
]
