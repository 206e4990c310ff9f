"""Deployments: a hybrid's open part runs managed or self-hosted by total cost of ownership
(a nest of the two hosts), and new deployments are counted by tokens, any use of open
weights counting."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.reference import MarketModel
from sim.params.spec import G
from sim.rules.enterprise import hybrid_hosts, option_utilities
from sim.state import EC, ENT_DTYPE, RV
from sim.vocab import OPT


def test_the_hybrid_nest_is_a_nested_logit_of_two_hosts():
    lam = 0.5
    iv, p_self = hybrid_hosts(1.0, 1.0, lam)
    assert p_self == pytest.approx(0.5) and iv == pytest.approx(1.0 + lam * np.log(2.0))
    iv, p_self = hybrid_hosts(1.0, 2.0, lam)
    assert p_self == pytest.approx(1.0 / (1.0 + np.exp(-1.0 / lam))) and iv > 2.0
    # far apart: the better host alone, without overflow
    iv, p_self = hybrid_hosts(-800.0, 0.0, lam)
    assert p_self == 1.0 and iv == pytest.approx(0.0)
    # closer substitutes (smaller lambda) concentrate the choice on the better host
    assert hybrid_hosts(0.0, 0.2, 0.2)[1] > hybrid_hosts(0.0, 0.2, 1.0)[1]


def _hybrid(P, volume, option=-1, hybrid_self=0, skill=0.8):
    """Utilities of a large, skilled firm facing open models 2 months behind at a fifth of
    the closed price; returns its utilities, the routed shares per host and the chance it
    self-hosts a hybrid's open part."""
    e = np.zeros(1, dtype=ENT_DTYPE)[0]
    e["volume"] = volume
    e["tolerance"] = 6.0
    e["log_tolerance"] = np.log(6.0)
    e["large"] = 1
    e["skill"] = skill
    e["option"] = option
    e["hybrid_self"] = hybrid_self
    rv = np.zeros((4, RV.N))
    rv[:, RV.P_CLOSED] = 5.0
    rv[:, RV.C_OPEN] = 1.0
    rv[:, RV.GAP_CLOSED] = 0.0
    rv[:, RV.GAP_OPEN] = 2.0
    ctx = np.zeros(EC.N)
    ctx[EC.DEMAND] = 1.0
    ctx[EC.GPU] = P[G.GPU_MONTH]
    ctx[EC.FIXED] = P[G.MLOPS_STAFF]
    ctx[EC.SECURITY] = P[G.SELFHOST_SECURITY]
    ctx[EC.HYBRID_FIXED] = P[G.HYBRID_FIXED]
    ctx[EC.FRONTIER_WORK] = 0.25
    tf = P[G.WORKLOAD_FRONTIER_TOLERANCE]
    ctx[EC.LOG_FRONTIER_TOLERANCE] = np.log(tf) if tf > 0 else 0.0
    out = np.zeros(4)
    res = option_utilities(P, e, rv, 1.5, ctx, out)
    return out.copy(), res[:4], res[4]


def test_large_hybrids_self_host_their_open_part_small_ones_do_not(baseline):
    """Total cost of ownership: staff, security and whole GPUs pay only above a volume, so
    the chance a hybrid self-hosts rises with its tokens; self-hosting routes at least as
    much (cheaper per token); dearer GPUs or staff lower the chance."""
    P = baseline.global_vector()
    chances = [_hybrid(P, v)[2] for v in (1e2, 1e4, 1e6, 1e8)]
    assert chances[0] < 0.1 and chances[-1] > 0.5
    assert all(a < b for a, b in zip(chances, chances[1:], strict=False))
    _, (hm_own, hm_front, hs_own, hs_front), _ = _hybrid(P, 1e6)
    assert hs_own >= hm_own > 0.0 and hs_front >= hm_front
    dear = baseline.with_values(enterprises__mlops_staff_usd=3e5, enterprises__gpu_month_usd=2e4)
    assert _hybrid(dear.global_vector(), 1e6)[2] < _hybrid(P, 1e6)[2]


def test_a_hybrid_keeps_its_host_by_inertia(baseline):
    P = baseline.global_vector()
    v = 3e5
    free = _hybrid(P, v)[2]
    on_self = _hybrid(P, v, option=OPT.HYBRID, hybrid_self=1)[2]
    managed = _hybrid(P, v, option=OPT.HYBRID, hybrid_self=0)[2]
    assert managed < free < on_self
    # inertia on the current host raises the hybrid option as a whole too
    u_free, _, _ = _hybrid(P, v)
    u_hyb, _, _ = _hybrid(P, v, option=OPT.HYBRID)
    assert u_hyb[OPT.HYBRID] > u_free[OPT.HYBRID]
    np.testing.assert_allclose(np.delete(u_hyb, OPT.HYBRID), np.delete(u_free, OPT.HYBRID))


def _open_and_routed(e, w):
    if e["option"] in (OPT.MANAGED, OPT.SELF):
        return True
    if e["option"] == OPT.HYBRID:
        return (1.0 - w) * e["hybrid"] + w * e["hybrid_front"] > 0.0
    return False


def test_new_deployments_are_counted_by_tokens_and_any_open_use(baseline):
    """Each month's new deployments (adoptions, changes of option, hybrids moving their open
    part) enter the indicator's tallies with their tokens, open if they use open weights at
    all; the self-hosted routes carry the self-hosting hybrids' open tokens."""
    sc = baseline.with_values(run__enterprises=300, run__developers=1500)
    model = MarketModel(sc, run=2, collect=False)
    decay = 1.0 - 1.0 / 12.0
    months = 0
    hybrid_months = 0
    for _ in range(40):
        before = model.ents.copy()
        acc_open = float(model.mkt["new_open_acc"][0])
        acc_total = float(model.mkt["new_total_acc"][0])
        model.step()
        after = model.ents
        w = float(model.mkt["work_share"][0])
        new = (after["option"] >= 0) & (
            (after["option"] != before["option"])
            | ((after["option"] == OPT.HYBRID) & (after["hybrid_self"] != before["hybrid_self"]))
        )
        total = after["volume"][new].sum()
        opened = sum(e["volume"] for e in after[new] if _open_and_routed(e, w))
        assert model.mkt["new_total_acc"][0] == pytest.approx(decay * acc_total + total)
        assert model.mkt["new_open_acc"][0] == pytest.approx(decay * acc_open + opened)
        months += total > 0
        hybrid_months += bool((new & (after["option"] == OPT.HYBRID)).any())
    assert months > 20 and hybrid_months > 5
