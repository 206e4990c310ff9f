"""Inside the documented ranges the model stays plausible: parameter sets drawn over the whole
parameter table (each value anywhere in its range, often at a bound) give no NaN or inf, no
negative price, spend, revenue or cash, shares within [0, 1] and money that adds up."""

from __future__ import annotations

import numpy as np
import pytest

from sim.actors import LAB_NAMES
from sim.engine.batch import simulate
from sim.params.errors import ScenarioError
from sim.params.scenario import ACTOR_KEYS, GLOBAL_KEYS, Scenario, load_scenario
from sim.params.spec import GLOBAL_PARAMS
from sim.state import S, lab_series

from .conftest import BASELINE

MONEY = (
    S.ENTERPRISE_SPEND,
    S.PLATFORM_SPEND,
    S.CLOSED_REVENUE,
    S.CLOUD_REVENUE,
    S.TRAINING_SPEND,
    S.OPEN_CORE_REVENUE,
    *(lab_series(k, f) for k in range(len(LAB_NAMES)) for f in ("revenue", "cash", "spend")),
)
PRICES = (S.FRONTIER_PRICE, S.OPEN_PRICE, S.PRICE_AT_START_FRONTIER, S.AVG_PRICE)
SHARES = (
    S.OPEN_SHARE,
    S.SELFHOST_SHARE,
    S.MANAGED_SHARE,
    S.BIGTECH_OPEN_SHARE,
    S.DEV_OPEN_SHARE,
    S.NEW_OPEN_SHARE,
    S.PLATFORM_OPEN_SHARE,
    S.OPEN_HHI,
    S.HYBRID_SHARE_LARGE,
)
# parameters drawn: every global and per-actor one except run settings, named choices and the
# regional shares, which consistency rules tie together (drawn alone they are mostly refused)
_SPECS = {k: GLOBAL_PARAMS[g] for k, g in GLOBAL_KEYS.items()}
_SPECS.update({k: v[4] for k, v in ACTOR_KEYS.items()})
DRAWN = sorted(
    k
    for k, spec in _SPECS.items()
    if getattr(spec, "kind", "real") != "categorical"
    and not (".share_" in k and k.split(".")[0] in ("clouds", "enterprises"))
)


def _value(rng: np.random.Generator, spec) -> float | bool:
    """A value anywhere in the range, at a bound 60% of the time (where things break), and
    log-uniform half the time over ranges spanning two orders of magnitude or more."""
    kind = getattr(spec, "kind", "real")
    lo, hi = float(spec.lo), float(spec.hi)
    if kind == "bool":
        return bool(rng.integers(2))
    if kind == "integer":
        return int(rng.integers(int(lo), int(hi) + 1))
    u = rng.random()
    if u < 0.3:
        return lo
    if u < 0.6:
        return hi
    if lo > 0 and hi / lo >= 100 and u < 0.8:
        return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
    return float(rng.uniform(lo, hi))


def draw_scenario(base: Scenario, rng: np.random.Generator, most: int = 40) -> Scenario:
    """A scenario with up to ``most`` parameters drawn over their ranges; combinations the
    consistency rules refuse are drawn again."""
    for _ in range(100):
        keys = rng.choice(len(DRAWN), size=int(rng.integers(1, most + 1)), replace=False)
        values = {DRAWN[j]: _value(rng, _SPECS[DRAWN[j]]) for j in keys}
        try:
            return base.with_values(**values)
        except ScenarioError:
            continue
    raise AssertionError("100 draws in a row refused: the consistency rules refuse too much")


def violations(tr: np.ndarray) -> list[str]:
    """What a domain reader would laugh at in a batch's trajectories."""
    bad = []
    if not np.isfinite(tr).all():
        cols = sorted({int(c) for c in np.argwhere(~np.isfinite(tr))[:, 2]})
        bad.append(f"not finite: {[S(c).name for c in cols]}")
        return bad
    for c in MONEY:
        if tr[:, :, c].min() < 0:
            bad.append(f"negative {S(c).name}: {tr[:, :, c].min():.3g}")
    for c in PRICES:
        if tr[:, :, c].min() <= 0:
            bad.append(f"price not positive {S(c).name}: {tr[:, :, c].min():.3g}")
    for c in SHARES:
        if tr[:, :, c].min() < 0 or tr[:, :, c].max() > 1 + 1e-9:
            bad.append(f"share outside [0, 1] {S(c).name}")
    flows = tr[:, :, S.ENTERPRISE_SPEND] + tr[:, :, S.PLATFORM_SPEND]
    residual = np.abs(tr[:, :, S.MONEY_RESIDUAL]) / np.maximum(flows, 1e-9)
    if residual.max() > 1e-9:
        bad.append(f"money does not add up: residual {residual.max():.3g} of spend")
    return bad


CHUNK = 250  # draws simulated in one batch (each run in its draw's world)


def _check(seed: int, draws: int) -> None:
    base = load_scenario(BASELINE).with_values(**{"run.enterprises": 60, "run.developers": 100})
    rng = np.random.default_rng(seed)
    drawn = [draw_scenario(base, rng) for _ in range(draws)]
    failures = []
    # runs 0 and 1 of each draw, a batch of draws at a time: a run's seed comes from the base
    # scenario's seed and its index, so each run is the one simulate(draw, range(2)) gives
    for start in range(0, draws, CHUNK):
        worlds = drawn[start : start + CHUNK]
        n = len(worlds)
        b = simulate(base, np.tile([0, 1], n), worlds=worlds, world=np.repeat(np.arange(n), 2))
        for k, sc in enumerate(worlds):
            bad = violations(b.trajectories[2 * k : 2 * k + 2])
            if bad:
                changed = {key: v for key, v in sc.values.items() if base.values[key] != v}
                failures.append(f"draw {start + k}: {'; '.join(bad)} with {changed}")
    assert not failures, "\n".join(failures)


def test_a_batch_of_draws_is_each_draw_simulated_alone():
    base = load_scenario(BASELINE).with_values(**{"run.enterprises": 60, "run.developers": 100})
    rng = np.random.default_rng(1)
    worlds = [draw_scenario(base, rng) for _ in range(3)]
    b = simulate(base, np.tile([0, 1], 3), worlds=worlds, world=np.repeat(np.arange(3), 2))
    for k, sc in enumerate(worlds):
        assert np.array_equal(
            b.trajectories[2 * k : 2 * k + 2], simulate(sc, range(2)).trajectories
        )


def test_parameter_sets_over_the_ranges_stay_plausible():
    _check(seed=20261204, draws=60)


@pytest.mark.slow
def test_many_parameter_sets_over_the_ranges_stay_plausible():
    _check(seed=7, draws=1500)


def test_the_checks_can_fail():
    tr = np.zeros((1, 3, int(S.N)))
    tr[:, :, list(PRICES)] = 1.0
    assert violations(tr) == []
    tr[0, 1, S.CLOUD_REVENUE] = -1.0
    tr[0, 2, S.OPEN_SHARE] = 1.5
    tr[0, 0, S.AVG_PRICE] = 0.0
    assert len(violations(tr)) == 3
    tr[0, 0, S.AVG_PRICE] = np.nan
    assert violations(tr)[0].startswith("not finite")
