"""Analyses of a finished sweep: which parameters matter, and where an end-state is likely.

* :func:`sensitivity`: SALib indices with 95% confidence intervals for each end-state's
  probability and the key indicators: Sobol first-order and total indices for a Sobol sweep,
  Morris mu* and sigma for a Morris sweep, RBD-FAST first-order indices for any other sample
  (Latin hypercube, full factorial).
* :func:`discover`: scenario discovery for one end-state over the sweep's runs: a PRIM box
  (EMA Workbench) with its coverage and density, and a shallow scikit-learn decision tree whose
  leaves are printed as rules ("gap_widens is 3.0x as likely when ...").

Both write tables (Parquet and CSV) and PNG plots into the sweep's folder, each atomically.
This module gathers them: :mod:`.sensitivity`, :mod:`.discovery` (its rules in :mod:`.rules`),
the folder's reading and writing in :mod:`.analysis_files`.
"""

from __future__ import annotations

from .analysis_files import AnalysisError
from .discovery import Discovery, discover, render_discovery
from .rules import Rule
from .sensitivity import KEY_INDICATORS, render_sensitivity, sensitivity

__all__ = [
    "AnalysisError",
    "KEY_INDICATORS",
    "Rule",
    "Discovery",
    "sensitivity",
    "render_sensitivity",
    "discover",
    "render_discovery",
]
