"""The mix of work: a growing share of frontier-bound work (programming, agents) draws both
token segments towards the newest models."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.stats import paired_difference
from sim.engine.batch import simulate
from sim.engine.reference import MarketModel
from sim.params.scenario import ScenarioError
from sim.params.spec import LAB_NAMES, G
from sim.rules.enterprise import option_utilities
from sim.rules.workload import enterprise_work_share, frontier_work_share
from sim.state import EC, ENT_DTYPE, R_CLOSED, R_ONPREM, RV, S, lab_series
from sim.vocab import OPT


def _P(baseline, **values):
    return baseline.with_values(**values).global_vector()


def test_the_share_holds_ramps_linearly_and_holds(baseline):
    P = _P(
        baseline,
        workload__frontier_share_start=0.1,
        workload__frontier_share_end=0.5,
        workload__shift_start_month=24.0,
        workload__shift_end_month=34.0,
    )
    assert frontier_work_share(P, 0.0) == pytest.approx(0.1)
    assert frontier_work_share(P, 24.0) == pytest.approx(0.1)
    assert frontier_work_share(P, 29.0) == pytest.approx(0.3)
    assert frontier_work_share(P, 34.0) == pytest.approx(0.5)
    assert frontier_work_share(P, 90.0) == pytest.approx(0.5)


def test_a_shift_that_starts_and_ends_together_is_a_step(baseline):
    P = _P(baseline, workload__shift_start_month=30.0, workload__shift_end_month=30.0)
    assert frontier_work_share(P, 30.0) == P[G.WORKLOAD_FRONTIER_START]
    assert frontier_work_share(P, 30.5) == P[G.WORKLOAD_FRONTIER_END]


def test_a_shift_that_ends_before_it_starts_is_refused(baseline):
    with pytest.raises(ScenarioError, match="shift_end_month"):
        baseline.with_values(workload__shift_start_month=30.0, workload__shift_end_month=20.0)


def _firm_utilities(P, w, tolerance=6.0):
    """Utilities of one mid-sized, tolerant firm facing an open model 4 months behind and
    closed APIs 1 month behind, with a share ``w`` of frontier-bound work."""
    e = np.zeros(1, dtype=ENT_DTYPE)[0]
    e["volume"] = 1000.0
    e["tolerance"] = tolerance
    e["log_tolerance"] = np.log(tolerance)
    e["option"] = -1
    rv = np.zeros((4, RV.N))
    rv[:, RV.P_CLOSED] = 5.0
    rv[:, RV.C_OPEN] = 1.0
    rv[:, RV.GAP_CLOSED] = 1.0
    rv[:, RV.GAP_OPEN] = 4.0
    # the same vendors on frontier-bound work: only the work's tolerance differs
    rv[:, RV.P_CLOSED_FRONT] = rv[:, RV.P_CLOSED]
    rv[:, RV.GAP_CLOSED_FRONT] = rv[:, RV.GAP_CLOSED]
    ctx = np.zeros(EC.N)
    ctx[EC.DEMAND] = 1.0
    ctx[EC.GPU] = 2000.0
    ctx[EC.FRONTIER_WORK] = w
    tf = P[G.WORKLOAD_FRONTIER_TOLERANCE]
    ctx[EC.LOG_FRONTIER_TOLERANCE] = np.log(tf) if tf > 0 else 0.0
    out = np.zeros(4)
    h_own, h_front, _, _, _ = option_utilities(P, e, rv, 1.5, ctx, out)
    return out.copy(), (1.0 - w) * h_own + w * h_front


def test_frontier_bound_work_costs_open_options_more_than_the_api(baseline):
    """A tolerant firm's open options lose more utility than the closed API as its work
    becomes frontier-bound, and its hybrid routes less to open models."""
    P = _P(baseline, workload__frontier_tolerance_months=0.0)
    u0, h0 = _firm_utilities(P, 0.0)
    u1, h1 = _firm_utilities(P, 0.5)
    closed_loss = u0[OPT.CLOSED] - u1[OPT.CLOSED]
    for opt in (OPT.MANAGED, OPT.SELF):
        assert u0[opt] - u1[opt] > closed_loss + 1e-9
    assert h1 == pytest.approx(0.5 * h0)
    assert h1 < h0


def test_work_that_tolerates_the_open_gap_changes_nothing(baseline):
    """Frontier-bound work as tolerant as the firm's own tasks is no shift at all."""
    P = _P(baseline, workload__frontier_tolerance_months=6.0)
    u0, h0 = _firm_utilities(P, 0.0, tolerance=6.0)
    u1, h1 = _firm_utilities(P, 0.5, tolerance=6.0)
    np.testing.assert_allclose(u1, u0)
    assert h1 == pytest.approx(h0)


def _late_2025(batch, r, col):
    return float(batch.trajectories[r][33:36, col].mean())


@pytest.mark.parametrize("col", [S.OPEN_SHARE, S.PLATFORM_OPEN_SHARE])
def test_more_frontier_bound_work_lowers_open_shares(baseline, col):
    """Comparative statics: with no shift to frontier-bound work (the share held at its
    start) both segments' open shares at the end of 2025 are higher (full populations: small
    ones are too noisy for the enterprise effect)."""
    runs = 48
    scen = baseline.with_values(run__months=36)
    base = simulate(scen, range(runs))
    start = scen.values["workload.frontier_share_start"]
    flat = simulate(
        scen.with_values(workload__frontier_share_end=start, workload__enterprise_share_end=start),
        range(runs),
    )
    d = paired_difference(
        [_late_2025(flat, r, col) for r in range(runs)],
        [_late_2025(base, r, col) for r in range(runs)],
    )
    assert d.mean > 0 and d.mean > 2.0 * d.se, (d.mean, d.se)


def _routes_from_records(model) -> np.ndarray:
    """Route volumes rebuilt from every enterprise's record at the month's mix of work."""
    vol = np.zeros_like(model.vol)
    n_clouds = (vol.shape[0] - 2) // 2
    w = float(model.mkt["work_share"][0])
    for e in model.ents:
        v = e["volume"]
        if e["option"] == OPT.CLOSED:
            vol[R_CLOSED, e["vendor"]] += (1.0 - w) * v
            vol[R_CLOSED, e["vendor_front"]] += w * v
        elif e["option"] == OPT.MANAGED:
            vol[e["cloud"], e["family"]] += v
        elif e["option"] == OPT.SELF:
            route = R_ONPREM if e["onprem"] else n_clouds + e["cloud"]
            vol[route, e["family"]] += v
        elif e["option"] == OPT.HYBRID:
            h = (1.0 - w) * e["hybrid"] + w * e["hybrid_front"]
            route = e["cloud"]
            if e["hybrid_self"]:
                route = R_ONPREM if e["onprem"] else n_clouds + e["cloud"]
            vol[route, e["family"]] += h * v
            vol[R_CLOSED, e["vendor"]] += (1.0 - w) * (1.0 - e["hybrid"]) * v
            vol[R_CLOSED, e["vendor_front"]] += w * (1.0 - e["hybrid_front"]) * v
    return vol


def test_hybrids_route_each_months_mix_of_work(baseline):
    """A hybrid's router sends each month's frontier-bound requests where they are met: during
    the shift every hybrid's tokens follow the month's share, not the share at its last
    review, and tokens are neither created nor lost by the re-mixing."""
    sc = baseline.with_values(run__enterprises=300, run__developers=1500)
    model = MarketModel(sc, run=3, collect=False)
    P = sc.global_vector()
    checked = 0
    for month in range(36):
        model.step()
        if month in (20, 27, 30, 35):
            assert model.mkt["work_share"][0] == pytest.approx(enterprise_work_share(P, month))
            hybrids = model.ents[model.ents["option"] == OPT.HYBRID]
            assert len(hybrids) > 0
            stale = (hybrids["hybrid"] != hybrids["hybrid_front"]).any()
            assert stale  # routing rules differ between own tasks and frontier-bound work
            assert hybrids["hybrid_self"].any() and not hybrids["hybrid_self"].all()
            np.testing.assert_allclose(model.vol, _routes_from_records(model), atol=1e-9)
            assert model.vol.sum() == pytest.approx(
                model.ents["volume"][model.ents["option"] >= 0].sum()
            )
            checked += 1
    assert checked == 4


def test_frontier_bound_work_has_its_own_vendor(baseline):
    """Firms buy their frontier-bound work from the vendor best at it: with Anthropic's edge on
    that work, some firms' two vendors differ, the routes still add up from the records, and
    Anthropic's frontier-bound vendor share exceeds its share of the firms' own tasks."""
    sc = baseline.with_values(
        run__enterprises=400, run__developers=1500, labs__anthropic__frontier_work_edge=5.0
    )
    model = MarketModel(sc, run=1, collect=False)
    for _ in range(34):
        model.step()
    buyers = model.ents[(model.ents["option"] == OPT.CLOSED) | (model.ents["option"] == OPT.HYBRID)]
    assert (buyers["vendor"] != buyers["vendor_front"]).any()
    np.testing.assert_allclose(model.vol, _routes_from_records(model), atol=1e-9)
    anthropic = LAB_NAMES.index("anthropic")
    assert (buyers["vendor_front"] == anthropic).mean() > (buyers["vendor"] == anthropic).mean()


def test_an_edge_on_frontier_bound_work_earns_revenue(baseline):
    """A larger edge on frontier-bound work raises the lab's share of the closed labs' revenue
    once the work has shifted (late 2025), paired over the same runs."""
    runs = 24
    scen = baseline.with_values(run__months=36)
    cols = [
        lab_series(LAB_NAMES.index(lab), "revenue") for lab in ("openai", "anthropic", "google")
    ]

    def share(batch):
        rev = batch.trajectories[:, 30:36][:, :, cols].sum(axis=1)
        return list(rev[:, 1] / np.maximum(rev.sum(axis=1), 1e-12))

    low = simulate(scen.with_values(labs__anthropic__frontier_work_edge=0.0), range(runs))
    high = simulate(scen.with_values(labs__anthropic__frontier_work_edge=5.0), range(runs))
    d = paired_difference(share(high), share(low))
    assert d.mean > 0 and d.mean > 2.0 * d.se, (d.mean, d.se)
