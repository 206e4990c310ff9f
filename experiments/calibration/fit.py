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
from sim.params.spec import PRIORS, Prior
from sim.rules.classify import INDICATOR_NAMES
from sim.state import S

from ..sensitivity import classifier_columns, conditions_met
from .indicators import replay_statistics
from .targets import FIT_MONTHS, TARGETS, loss, target_values

__all__ = [
    "CAL_PARAMS",
    "CalibrationResult",
    "calibrate",
    "fit_keys",
    "recorded_fit",
    "validate",
]


# The fitted parameters are the parameter table's uncertain ones (rows with a ``prior``,
# sim/params/prior.py): the point fit searches their prior ranges, the ensemble their priors.
CAL_PARAMS: tuple[Prior, ...] = tuple(PRIORS.values())


_SEARCHED = tuple(p for p in CAL_PARAMS if not p.matches)
_SOLVED = tuple(p for p in CAL_PARAMS if p.matches)


def _expand(values: dict[str, float]) -> dict[str, float]:
    """The fitted values with every tied key set (``Prior.also``)."""
    out = dict(values)
    for p in CAL_PARAMS:
        if p.key in values:
            out.update({k: values[p.key] for k in p.also})
    return out


def fit_keys() -> list[str]:
    """Every scenario key the calibration sets, tied keys included."""
    return [k for p in CAL_PARAMS for k in p.keys]


def _with(scenario: Scenario, x: np.ndarray, solved: dict[str, float]) -> Scenario:
    values = {p.key: float(v) for p, v in zip(_SEARCHED, x, strict=True)}
    values.update(solved)
    return scenario.with_values(**{k.replace(".", "__"): v for k, v in _expand(values).items()})


def _solve_scales(
    base: Scenario, x: np.ndarray, solved: dict[str, float], run_ids: range, rounds: int
) -> dict[str, float]:
    """Rescale each closed-form parameter until its target's median matches (log10 targets)."""
    solved = dict(solved)
    for _ in range(rounds):
        values = target_values(_with(base, x, solved), run_ids)
        for p in _SOLVED:
            target = next(t for t in TARGETS if t.name == p.matches)
            gap = target.value - float(np.median(values[target.name]))
            solved[p.key] = float(np.clip(solved[p.key] * 10.0**gap, p.lo, p.hi))
    return solved


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
    max_evaluations: int = 800,
    progress: Callable[[int, float], None] | None = None,
) -> CalibrationResult:
    """Fit :data:`CAL_PARAMS` to :data:`TARGETS` on the 2023-2025 part of ``runs`` runs."""
    base = scenario.with_values(run__months=FIT_MONTHS)
    lo = np.array([p.lo for p in _SEARCHED])
    hi = np.array([p.hi for p in _SEARCHED])
    run_ids = range(runs)
    calls = 0
    scaled = {p.matches for p in _SOLVED}
    # closed-form scales start from the geometric centre of their range, not the scenario
    solved = {p.key: float(np.sqrt(p.lo * p.hi)) for p in _SOLVED}

    def at(u: np.ndarray) -> np.ndarray:
        return lo + np.clip(u, 0.0, 1.0) * (hi - lo)

    def f(u: np.ndarray) -> float:
        nonlocal calls
        calls += 1
        # the scale targets are met by the solved parameters, so the search ignores them
        value = loss(target_values(_with(base, at(u), solved), run_ids), skip=scaled)
        if progress:
            progress(calls, value)
        return value

    u0 = np.full(len(_SEARCHED), 0.5)
    solved, start = _start(base, at(u0), solved, run_ids)
    f(u0)
    simplex = [u0] + [u0 + 0.3 * np.eye(len(_SEARCHED))[i] for i in range(len(_SEARCHED))]
    res = minimize(
        f,
        u0,
        method="Nelder-Mead",
        bounds=[(0.0, 1.0)] * len(_SEARCHED),
        options={
            "initial_simplex": np.array(simplex),
            "maxfev": max_evaluations,
            "xatol": 1e-3,
            "fatol": 1e-3,
        },
    )
    x = np.array([float(f"{v:.4g}") for v in at(res.x)])
    solved = _solve_scales(base, x, solved, run_ids, 3)
    solved = {k: float(f"{v:.4g}") for k, v in solved.items()}
    fitted = {p.key: float(v) for p, v in zip(_SEARCHED, x, strict=True)}
    fitted.update(solved)
    fitted = _expand({p.key: fitted[p.key] for p in CAL_PARAMS})
    end = loss(target_values(_with(base, x, solved), run_ids))
    return CalibrationResult(fitted, start, end, calls, runs, scenario.seed)


def _start(
    base: Scenario, x0: np.ndarray, solved: dict[str, float], run_ids: range
) -> tuple[dict[str, float], float]:
    """The closed-form scales solved at the search's start ``x0`` and the loss there."""
    solved = _solve_scales(base, x0, solved, run_ids, 3)
    return solved, loss(target_values(_with(base, x0, solved), run_ids))


def recorded_fit(
    scenario: Scenario, fitted: dict[str, float], evaluations: int, runs: int = 48
) -> CalibrationResult:
    """The result :func:`calibrate` returns when its search ends at ``fitted`` after
    ``evaluations`` evaluations, without the search: the losses at the start (the prior box's
    centre, scales solved there) and at ``fitted`` are computed as :func:`calibrate` computes
    them, a few evaluations instead of hundreds. A report rendered from it equals the full
    fit's when ``fitted`` and ``evaluations`` are the full fit's (docs/calibration.md states
    both), so the report can be checked against the model without repeating the search."""
    base = scenario.with_values(run__months=FIT_MONTHS)
    run_ids = range(runs)
    x0 = np.array([p.lo + 0.5 * (p.hi - p.lo) for p in _SEARCHED])
    _, start = _start(base, x0, {p.key: float(np.sqrt(p.lo * p.hi)) for p in _SOLVED}, run_ids)
    x = np.array([fitted[p.key] for p in _SEARCHED])
    solved = {p.key: fitted[p.key] for p in _SOLVED}
    end = loss(target_values(_with(base, x, solved), run_ids))
    kept = _expand({p.key: fitted[p.key] for p in CAL_PARAMS})
    return CalibrationResult(kept, start, end, evaluations, runs, scenario.seed)


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
        ("enterprise_spend", S.ENTERPRISE_SPEND),
        ("platform_spend", S.PLATFORM_SPEND),
        ("closed_revenue", S.CLOSED_REVENUE),
    ):
        yearly[name] = {
            month_label(m): float(np.median(batch.trajectories[:, m, s]))
            for m in range(11, scenario.months, 12)
        }
    yearly["final"] = {
        name: float(np.median(batch.indicators[:, k])) for k, name in enumerate(INDICATOR_NAMES)
    }
    yearly["classifier_indicators"] = replay_statistics(batch.trajectories)
    yearly["conditions"] = conditions_met(
        classifier_columns(batch.decided, batch.held, batch.scores)
    )
    yearly["thresholds"] = {
        k.split(".")[1]: float(v) for k, v in scenario.values.items() if k.startswith("classifier.")
    }
    return values, batch.end_states, yearly
