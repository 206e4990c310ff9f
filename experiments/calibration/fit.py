"""The fit: simulated method of moments over the fitted parameters' prior box.

Runs use common random numbers (fixed run seeds), so the loss is a deterministic function of
the parameters and a derivative-free optimiser (scipy's bounded Nelder-Mead) can minimise it.
The search starts at the centre of each parameter's prior range, not at the baseline's current
values, so the result does not depend on an earlier calibration: ``aimarket calibrate``
reproduces it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from sim.calendar import month_label
from sim.engine.batch import simulate
from sim.params.scenario import Scenario
from sim.rules.classify import INDICATOR_NAMES
from sim.state import S

from .targets import FIT_MONTHS, TARGETS, loss, target_values

__all__ = ["CalParam", "CAL_PARAMS", "CalibrationResult", "calibrate", "validate"]


@dataclass(frozen=True)
class CalParam:
    """A fitted parameter and its prior range (the search box)."""

    key: str
    lo: float
    hi: float
    why: str


CAL_PARAMS: tuple[CalParam, ...] = (
    CalParam("technology.catchup", 0.0, 0.95, "followers' free catch-up sets the gap"),
    CalParam("enterprises.open_friction", 0.5, 15.0, "integration effort sets early open adoption"),
    CalParam("enterprises.quality_weight", 0.1, 1.5, "how much a quality shortfall deters"),
    CalParam("enterprises.hybrid_large_bonus", 0.0, 8.0, "large organisations' taste for hybrid"),
    CalParam(
        "technology.inference_oom_per_year", 0.1, 1.2, "serving-cost decline at fixed capability"
    ),
    CalParam(
        "drivers.market_pressure.premium_per_month",
        0.02,
        1.5,
        "closed premium per month of lead: closed price cuts and the open discount",
    ),
    CalParam("clouds.markup_base", 1.2, 3.0, "managed-model margin: the open discount"),
)


def _with(scenario: Scenario, x: np.ndarray) -> Scenario:
    return scenario.with_values(
        **{p.key.replace(".", "__"): float(v) for p, v in zip(CAL_PARAMS, x, strict=True)}
    )


@dataclass
class CalibrationResult:
    """Fitted values, the loss before (at the prior centre) and after, evaluations used."""

    fitted: dict[str, float]
    loss_start: float
    loss_end: float
    evaluations: int
    runs: int
    seed: int


def calibrate(
    scenario: Scenario,
    runs: int = 48,
    max_evaluations: int = 400,
    progress: Callable[[int, float], None] | None = None,
) -> CalibrationResult:
    """Fit :data:`CAL_PARAMS` to :data:`TARGETS` on the 2023-2025 part of ``runs`` runs."""
    base = scenario.with_values(run__months=FIT_MONTHS)
    lo = np.array([p.lo for p in CAL_PARAMS])
    hi = np.array([p.hi for p in CAL_PARAMS])
    run_ids = range(runs)
    calls = 0

    def f(u: np.ndarray) -> float:
        nonlocal calls
        calls += 1
        x = lo + np.clip(u, 0.0, 1.0) * (hi - lo)
        value = loss(target_values(_with(base, x), run_ids))
        if progress:
            progress(calls, value)
        return value

    u0 = np.full(len(CAL_PARAMS), 0.5)
    start = f(u0)
    simplex = [u0] + [u0 + 0.3 * np.eye(len(CAL_PARAMS))[i] for i in range(len(CAL_PARAMS))]
    res = minimize(
        f,
        u0,
        method="Nelder-Mead",
        bounds=[(0.0, 1.0)] * len(CAL_PARAMS),
        options={
            "initial_simplex": np.array(simplex),
            "maxfev": max_evaluations,
            "xatol": 1e-3,
            "fatol": 1e-3,
        },
    )
    x = lo + np.clip(res.x, 0.0, 1.0) * (hi - lo)
    fitted = {p.key: float(f"{v:.4g}") for p, v in zip(CAL_PARAMS, x, strict=True)}
    end = loss(target_values(_with(base, np.array(list(fitted.values()))), run_ids))
    return CalibrationResult(fitted, start, end, calls, runs, scenario.seed)


def validate(scenario: Scenario, runs: int) -> tuple[dict[str, np.ndarray], np.ndarray, dict]:
    """Full-horizon runs: per-run target values, end states, and a dict of yearly medians of
    key series plus median final indicators (key ``final``)."""
    batch = simulate(scenario, range(runs))
    P = scenario.global_vector()
    values = {t.name: np.array([t.statistic(tr, P) for tr in batch.trajectories]) for t in TARGETS}
    yearly = {}
    for name, s in (
        ("open_share", S.OPEN_SHARE),
        ("gap_months", S.GAP_MONTHS),
        ("frontier_price", S.FRONTIER_PRICE),
        ("price_at_start_frontier", S.PRICE_AT_START_FRONTIER),
    ):
        yearly[name] = {
            month_label(m): float(np.median(batch.trajectories[:, m, s]))
            for m in range(11, scenario.months, 12)
        }
    yearly["final"] = {
        name: float(np.median(batch.indicators[:, k])) for k, name in enumerate(INDICATOR_NAMES)
    }
    yearly["thresholds"] = {
        "gap_widens_months": float(scenario.values["classifier.gap_widens_months"]),
        "open_share_min": float(scenario.values["classifier.open_share_min"]),
        "bigtech_share_max": float(scenario.values["classifier.bigtech_share_max"]),
    }
    return values, batch.end_states, yearly
