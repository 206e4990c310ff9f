"""Regulators: AI Act phases, safety incidents, regulatory pressure and strict liability."""

import numpy as np

from ..params.spec import G
from .jit import kernel

__all__ = [
    "incident_prob",
    "pressure_decay",
    "liability_prob",
    "liability_threshold",
    "export_control_prob",
    "EU_PHASE_MONTHS",
    "EXPORT_CONTROL_MONTHS",
]

# EU AI Act: entry into force 2024-08, GPAI obligations 2025-08, high-risk rules 2026-08.
EU_PHASE_MONTHS = (19, 31, 43)
# US export-control tightenings on the calendar: 2023-10 and 2024-12 (2022-10 predates it).
EXPORT_CONTROL_MONTHS = (9, 23)


@kernel
def incident_prob(P: np.ndarray, dev_open_share: float, open_cap: float) -> float:
    """Chance of a publicised safety incident with a maliciously fine-tuned open model this
    month: grows with the open developer base and with open models' capability."""
    capability = max(0.0, 1.0 + (open_cap - P[G.CAP_REF]) / 2.0)
    rate = P[G.INCIDENT_RATE] / 12.0 * dev_open_share * capability * P[G.LIABILITY_STRENGTH]
    return 1.0 - np.exp(-rate)


@kernel
def pressure_decay(P: np.ndarray) -> float:
    """Monthly decay factor of regulatory pressure."""
    return 0.5 ** (1.0 / P[G.PRESSURE_HALF_LIFE])


@kernel
def liability_threshold(P: np.ndarray, dev_open_share: float) -> float:
    """Pressure at which regulators consider strict liability for open weights.

    Regulatory positioning (driver 4): open releases are treated differently in regulatory
    discussions ('we are not a monopoly'), and the more of the developer ecosystem builds on
    open weights, the more pressure it takes before regulators turn on them.
    """
    lenience = P[G.REGULATORY_STRENGTH] * P[G.REGULATORY_LENIENCE] * dev_open_share
    return P[G.LIABILITY_THRESHOLD] * (1.0 + lenience)


@kernel
def liability_prob(P: np.ndarray, pressure: float, dev_open_share: float) -> float:
    """Monthly chance that strict liability for open weights is enacted."""
    if pressure < liability_threshold(P, dev_open_share):
        return 0.0
    return min(1.0, P[G.LIABILITY_HAZARD] * P[G.LIABILITY_STRENGTH])


@kernel
def export_control_prob(P: np.ndarray) -> float:
    """Monthly chance of a further export-control tightening beyond the calendar."""
    return 1.0 - np.exp(-P[G.EXPORT_CONTROL_HAZARD] * P[G.GEOPOLITICS_STRENGTH] / 12.0)
