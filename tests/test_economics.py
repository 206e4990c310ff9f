"""The model's economics: deployment costs, hybrid routing, demand, hardware phase-in, the
license decision in USD and the money ledger including training spend."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.batch import simulate
from sim.events import EV
from sim.params.spec import LAB_NAMES, G, L
from sim.rules.enterprise import hybrid_open_share, selfhost_cost
from sim.rules.labs import LicenseCase, license_terms
from sim.rules.technology import (
    phase_in_hardware,
    serve_cost,
    spend_budget,
    token_demand,
)
from sim.rules.technology import (
    test_time_oom as reasoning_oom,
)
from sim.state import MKT_DTYPE, S, lab_series
from sim.vocab import N_TERMS, Funding, T


@pytest.fixture(scope="module")
def P(baseline):
    return baseline.global_vector()


@pytest.fixture(scope="module")
def LP(baseline):
    return baseline.lab_matrix()


def managed_cost(P, x, c, markup):
    return x * c * markup + P[G.MANAGED_FIXED]


def self_cost(P, x, c, skill):
    fixed = P[G.MLOPS_STAFF] * (1 - P[G.SKILL_DISCOUNT] * skill) + P[G.SELFHOST_SECURITY]
    return selfhost_cost(x * c * P[G.SELFHOST_OVERHEAD], P[G.GPU_MONTH], fixed)


def test_selfhost_buys_whole_gpus(P):
    g = P[G.GPU_MONTH]
    assert selfhost_cost(1.0, g, 0.0) == g  # a trickle still needs a GPU
    assert selfhost_cost(g, g, 0.0) == g
    assert selfhost_cost(g * 1.01, g, 0.0) == 2 * g
    assert selfhost_cost(g * 2.5, g, 100.0) == 3 * g + 100.0


@pytest.mark.parametrize("skill", [0.0, 0.5, 0.9])
def test_selfhosting_pays_above_a_derived_volume(P, skill):
    """Managed is cheaper for small workloads, self-hosting for large ones (the seeds: a free
    model is not free to operate, but infrastructure scales better than per-token prices)."""
    c, markup = 0.5, 1.3  # USD per M tokens, a managed host's markup
    xs = np.geomspace(1.0, 1e9, 400)
    cheaper = np.array([self_cost(P, x, c, skill) < managed_cost(P, x, c, markup) for x in xs])
    assert not cheaper[0] and cheaper[-1]
    first = int(np.argmax(cheaper))
    assert cheaper[first:].all(), "once self-hosting pays it keeps paying"
    # break-even spend on a managed model: fixed costs over the per-token saving
    fixed = P[G.MLOPS_STAFF] * (1 - P[G.SKILL_DISCOUNT] * skill) + P[G.SELFHOST_SECURITY]
    breakeven_usd = xs[first] * c * markup
    assert breakeven_usd > fixed  # it takes more than the staff bill in spend
    assert breakeven_usd < 20 * fixed * markup / (markup - P[G.SELFHOST_OVERHEAD])


def test_hybrid_routes_by_quality_and_price():
    # better open models (smaller gap) take more of a hybrid's tasks
    shares = [hybrid_open_share(3.0, 1.0, g, 1.0, 2.0) for g in (0.5, 2.0, 3.0, 6.0, 24.0)]
    assert all(a > b for a, b in zip(shares, shares[1:], strict=False))
    assert hybrid_open_share(3.0, 1.0, 3.0, 1.0, 2.0) == pytest.approx(0.5)
    # tolerant firms route more
    assert hybrid_open_share(9.0, 1.0, 3.0, 1.0, 2.0) > hybrid_open_share(1.0, 1.0, 3.0, 1.0, 2.0)
    # an open model at or above the closed price gets nothing; one ahead gets everything
    assert hybrid_open_share(3.0, 1.0, 1.0, 2.0, 2.0) == 0.0
    assert hybrid_open_share(3.0, 1.0, -1.0, 1.0, 2.0) == 1.0


def test_demand_answers_price_and_capability(P):
    # far below the budget demand has the constant elasticity
    far = (1e-6, 1e9)  # USD B per unit of demand, budget USD B a month
    assert token_demand(P, 0.0, 1.0, *far) == pytest.approx(1.0, rel=1e-6)
    eps = P[G.PRICE_ELASTICITY]
    assert token_demand(P, 0.0, 0.5, *far) == pytest.approx(2.0**eps, rel=1e-6)
    # with elasticity above one, lower prices raise spend (volume x price)
    assert eps > 1 and 0.1 * token_demand(P, 0.0, 0.1, *far) > token_demand(P, 0.0, 1.0, *far)
    assert token_demand(P, 1.0, 1.0, *far) > token_demand(P, 0.5, 1.0, *far) > 1.0
    assert token_demand(P, -1.0, 1.0, *far) == pytest.approx(1.0, rel=1e-6)


def test_spend_saturates_at_the_budget(P):
    """Spend (demand x spend per unit) approaches the budget and never passes it; near it,
    price cuts stop adding spend (the tokens' elasticity falls towards one)."""
    per_unit, budget = 1.0, 10.0
    spends = [
        token_demand(P, progress, 1.0, per_unit, budget) * per_unit
        for progress in (0.0, 1.0, 2.0, 4.0, 8.0, 30.0)
    ]
    assert all(a <= b for a, b in zip(spends, spends[1:], strict=False))
    assert spends[0] < spends[1] < spends[2] < budget
    assert spends[-1] <= budget and spends[-1] == pytest.approx(budget, rel=1e-6)
    near = token_demand(P, 4.0, 1.0, per_unit, budget) * per_unit
    cut = token_demand(P, 4.0, 0.5, 0.5 * per_unit, budget) * 0.5 * per_unit
    far = (1e-6, 1e9)
    gain_far = 0.5 * token_demand(P, 0.0, 0.5, *far) / token_demand(P, 0.0, 1.0, *far)
    assert cut / near < gain_far and cut <= budget
    # no overflow at the extremes of the parameter ranges
    assert np.isfinite(token_demand(P, 1e6, 1e-300, per_unit, budget))
    assert np.isfinite(token_demand(P, 1e6, 1e-300, 0.0, budget))


def test_budget_grows_with_it_spending(P):
    assert spend_budget(P, 0.0) == pytest.approx(P[G.MODEL_BUDGET_SHARE] * P[G.IT_SPEND0])
    assert spend_budget(P, 12.0) == pytest.approx(spend_budget(P, 0.0) * P[G.IT_SPEND_GROWTH])


def test_reasoning_premium_starts_with_o1_and_stops_growing(P):
    start = P[G.TEST_TIME_START]
    assert reasoning_oom(P, start - 1.0) == 0.0
    assert 0.0 < reasoning_oom(P, start + 6.0) < reasoning_oom(P, start + 12.0)
    assert reasoning_oom(P, start + 1200.0) == pytest.approx(P[G.TEST_TIME_MAX])


def test_a_fixed_capability_gets_cheaper_down_to_a_floor(P):
    c = P[G.CAP_REF]
    prices = [serve_cost(P, c, 12.0 * y, 0.0) for y in range(12)]
    assert all(a > b for a, b in zip(prices, prices[1:], strict=False))
    assert prices[1] / prices[2] > 5.0  # about tenfold a year at first
    assert prices[-1] > P[G.SERVE_COST_FLOOR] and prices[-2] / prices[-1] < 1.5


def test_hardware_phases_in_over_fleet_renewal(P):
    m = np.zeros(1, dtype=MKT_DTYPE)
    step = P[G.HW_OOM_PER_YEAR] * P[G.HW_STEP_MONTHS] / 12.0
    m["hw_pending"][0] = step
    levels = []
    for _ in range(int(P[G.FLEET_RENEWAL]) + 5):
        phase_in_hardware(P, m[0])
        levels.append(float(m["hw_oom"][0]))
    assert levels[0] == pytest.approx(step / P[G.FLEET_RENEWAL])
    assert np.all(np.diff(levels) >= 0) and levels[-1] == pytest.approx(step)
    assert m["hw_pending"][0] == pytest.approx(0.0, abs=1e-12)


def terms_of(P, LP, lab, bill, **kw):
    args = dict(
        dev_share=0.3,
        rival_margin=1.0,
        open_share=0.3,
        cloud_open_revenue=0.5,
        open_revenue=0.0,
        forgone=0.0,
        runway=999.0,
        exemption=1,
        liability=0,
        funding=int(LP[lab, L.FUNDING]),
    )
    args.update(kw)
    out = np.zeros(N_TERMS)
    license_terms(P, LP, lab, LicenseCase(bill=bill, **args), out)
    return out


def test_license_terms_are_money_and_training_cost_counts(P, LP):
    meta = LAB_NAMES.index("meta")
    cheap = terms_of(P, LP, meta, 3.0)
    dear = terms_of(P, LP, meta, 300.0)
    # savings in training compute scale with the bill; the cash case does not
    assert dear[T.ECOSYSTEM] == pytest.approx(100 * cheap[T.ECOSYSTEM])
    assert dear[T.PRESSURE] == pytest.approx(cheap[T.PRESSURE])
    # a dearer frontier run makes the sponsor's retreat weigh more, relative to the bill too
    assert dear[T.SPONSOR_RETREAT] < cheap[T.SPONSOR_RETREAT] <= 0.0
    assert dear.sum() / 300.0 < cheap.sum() / 3.0


def test_license_terms_follow_their_mechanisms(P, LP):
    mistral = LAB_NAMES.index("mistral")
    base = terms_of(P, LP, mistral, 1.0)
    assert terms_of(P, LP, mistral, 1.0, open_revenue=0.2)[T.MONETIZATION] > base[T.MONETIZATION]
    assert terms_of(P, LP, mistral, 1.0, liability=1)[T.LIABILITY] < 0.0 == base[T.LIABILITY]
    assert terms_of(P, LP, mistral, 1.0, exemption=0)[T.REGULATORY] < base[T.REGULATORY]
    # forgone API margin weighs more when runway is short (venture-funded)
    assert int(LP[mistral, L.FUNDING]) == Funding.VENTURE
    long = terms_of(P, LP, mistral, 1.0, forgone=0.3, runway=100.0)[T.FORGONE_REVENUE]
    short = terms_of(P, LP, mistral, 1.0, forgone=0.3, runway=1.0)[T.FORGONE_REVENUE]
    assert short < long < 0.0
    # big tech values denying rivals their margin; independents do not
    meta = LAB_NAMES.index("meta")
    assert terms_of(P, LP, meta, 1.0)[T.PRESSURE] > 0.0 == base[T.PRESSURE]


@pytest.fixture(scope="module")
def batch(small):
    return simulate(small, range(6))


def test_money_ledger_of_venture_labs(small, batch):
    """Cash of every venture-funded lab = start + revenue - opex - training + funds raised,
    month by month, until it is acquired or wound down."""
    LP = small.lab_matrix()
    for r in range(len(batch.runs)):
        tr = batch.trajectories[r]
        log = batch.logs[r, : batch.log_n[r]]
        for k, name in enumerate(LAB_NAMES):
            if int(LP[k, L.FUNDING]) != Funding.VENTURE:
                continue
            ends = log[np.isin(log["kind"], [EV.ACQUISITION, EV.WIND_DOWN]) & (log["actor"] == k)]
            stop = int(ends["time"].min()) if len(ends) else tr.shape[0]
            raised = log[(log["kind"] == EV.FUNDING_ROUND) & (log["actor"] == k)]
            cash = tr[:, lab_series(k, "cash")]
            rev = tr[:, lab_series(k, "revenue")]
            spend = tr[:, lab_series(k, "spend")]
            for month in range(1, min(stop, tr.shape[0]) - 1):
                inflow = raised["value"][(raised["time"] >= month) & (raised["time"] < month + 1)]
                # the clearing at the end of month m settles month m's flows
                expect = cash[month - 1] + inflow.sum() + rev[month] - LP[k, L.OPEX] - spend[month]
                assert cash[month] == pytest.approx(expect, rel=1e-9, abs=1e-9), (name, month)


def test_training_spend_and_open_core_are_recorded(small, batch):
    LP = small.lab_matrix()
    tr = batch.trajectories
    spend_cols = [lab_series(k, "spend") for k in range(len(LAB_NAMES))]
    assert np.all(tr[:, :, S.TRAINING_SPEND] >= 0)
    assert np.allclose(
        tr[:, :, S.TRAINING_SPEND], tr[:, :, spend_cols].sum(axis=2), rtol=1e-9, atol=1e-12
    )
    # money is conserved with open-core fees counted
    assert np.all(np.abs(tr[:, :, S.MONEY_RESIDUAL]) <= 1e-9 * tr[:, :, S.ENTERPRISE_SPEND] + 1e-12)
    # an open-core lab earns from its open models while open
    mistral = LAB_NAMES.index("mistral")
    assert LP[mistral, L.OPEN_CORE_RATE] > 0
    assert np.all(tr[:, :, S.OPEN_CORE_REVENUE] >= 0)
    assert tr[:, 24:, S.OPEN_CORE_REVENUE].max() > 0


def test_the_tasks_met_are_the_rule_with_its_logs_precomputed(baseline):
    from sim.rules.enterprise import enterprise_context, tasks_met
    from sim.state import EC

    for tol, gap in ((3.0, 0.5), (3.0, 3.0), (9.0, 3.0), (1.0, 24.0)):
        got = tasks_met(tol, np.log(tol), gap, np.log(gap), 1.0)
        assert got == hybrid_open_share(tol, 1.0, gap, 1.0, 2.0)  # the same bits
    assert tasks_met(3.0, np.log(3.0), 0.0, 0.0, 1.0) == 1.0  # no gap: every task met
    assert tasks_met(0.0, 0.0, 2.0, np.log(2.0), 1.0) == 0.0  # no tolerance: none
    # the month context carries the frontier-bound work's log tolerance
    P = baseline.global_vector().copy()
    ctx = np.zeros(EC.N)
    for tf in (0.0, 2.5):  # none tolerated (the baseline's): 0, never read (tasks_met)
        P[G.WORKLOAD_FRONTIER_TOLERANCE] = tf
        enterprise_context(P, 30.0, 1.0, 0.3, 0, 0, 0.5, ctx)
        assert ctx[EC.LOG_FRONTIER_TOLERANCE] == (np.log(tf) if tf else 0.0)
