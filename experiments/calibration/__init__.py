"""Calibration of the baseline to the stylized facts of 2023-2025 (simulated method of moments).

``targets`` (the facts and the loss), ``fit`` (the fitted parameters and the optimiser),
``library`` (the scenario library under the fit), ``report`` (docs/calibration.md) and
``baseline`` (writing scenarios/baseline.toml); ``aimarket calibrate`` runs them in order.
"""

import importlib

# name -> the module defining it, imported on first use (PEP 562): every command imports the
# worlds flags from this package, and only the calibration needs the optimiser (scipy)
_WHERE = {
    "write_baseline_values": "baseline",
    "CAL_PARAMS": "fit",
    "CalibrationResult": "fit",
    "calibrate": "fit",
    "fit_keys": "fit",
    "validate": "fit",
    "library_table": "library",
    "missing_fit_keys": "library",
    "render_report": "report",
    "TARGETS": "targets",
    "Target": "targets",
    "loss": "targets",
    "target_values": "targets",
}


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


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
