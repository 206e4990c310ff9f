"""The platform segment (developers and start-ups buying tokens through APIs, routers and
inference hosts) and developer ecosystems that share open tooling."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.stats import paired_difference
from sim.engine.batch import simulate
from sim.events import EV
from sim.params.spec import LAB_NAMES, G
from sim.rules.developer import ecosystem_pull
from sim.rules.platform import HOSTS, platform_offer_utility, update_platform
from sim.state import EVENT_DTYPE, SERIES_NAMES, S, lab_series, new_state

OPEN_USAGE = [lab_series(k, "open_usage_platform") for k in range(len(LAB_NAMES))]


@pytest.fixture(scope="module")
def batch(small):
    return simulate(small, range(6))


def test_platform_shares_are_shares_and_money_is_conserved(batch):
    tr = batch.trajectories
    share = tr[:, :, S.PLATFORM_OPEN_SHARE]
    assert np.all((share >= 0) & (share <= 1)) and not np.isnan(tr).any()
    per_lab = tr[:, :, OPEN_USAGE]
    assert np.all(per_lab >= 0)
    has_open = share > 0
    assert np.allclose(per_lab.sum(axis=2)[has_open], 1.0)
    assert np.all(tr[:, :, S.PLATFORM_SPEND] > 0)
    total = tr[:, :, S.ENTERPRISE_SPEND] + tr[:, :, S.PLATFORM_SPEND]
    assert np.all(np.abs(tr[:, :, S.MONEY_RESIDUAL]) <= 1e-9 * total + 1e-12)


def _state(small):
    P, LP, CP = small.global_vector(), small.lab_matrix(), small.cloud_matrix()
    traj = np.zeros((small.months, S.N))
    log = np.zeros(16, dtype=EVENT_DTYPE)
    return new_state(P, LP, CP, 4, 4, small.months, traj, log)


def test_platform_usage_moves_with_its_time_constant(small):
    s = _state(small)
    n = s.pv.shape[1]
    first = np.zeros((3, n))
    first[0, 0] = 1.0
    update_platform(s, first)  # the first month starts in equilibrium
    assert np.array_equal(s.pv, first)
    target = np.zeros((3, n))
    target[1, 1] = 1.0
    months = s.P[G.PLAT_SWITCH_MONTHS]
    for _ in range(int(round(months))):
        update_platform(s, target)
    moved = s.pv[1, 1]
    assert moved == pytest.approx(1.0 - np.exp(-round(months) / months), rel=1e-12)
    assert s.pv.sum() == pytest.approx(1.0)


def test_offer_utility_prefers_cheap_capable_trusted_offers(small):
    P = small.global_vector()
    u = platform_offer_utility(P, 1.0, 3.0, 0.0, 0.1, 0.4, 1, 0.0)
    assert platform_offer_utility(P, 0.5, 3.0, 0.0, 0.1, 0.4, 1, 0.0) > u  # cheaper
    assert platform_offer_utility(P, 1.0, 1.0, 0.0, 0.1, 0.4, 1, 0.0) > u  # closer to frontier
    assert platform_offer_utility(P, 1.0, 3.0, 0.0, 0.1, 0.4, 1, -1.5) < u  # distrusted origin
    assert platform_offer_utility(P, 1.0, 3.0, 0.0, 0.2, 0.4, 1, 0.0) > u  # larger ecosystem


def test_open_families_share_tooling(small):
    """An open family's network effect rests partly on every open family's developers: a
    small open family gains from the open total, a closed ecosystem does not."""
    P = small.global_vector()
    small_open = ecosystem_pull(P, 0.02, 0.5, 1)
    small_closed = ecosystem_pull(P, 0.02, 0.5, 0)
    assert small_open > small_closed
    assert ecosystem_pull(P, 0.02, 0.6, 1) > small_open
    none = P.copy()
    none[G.DEV_SHARED_TOOLING] = 0.0
    assert ecosystem_pull(none, 0.02, 0.5, 1) == pytest.approx(small_closed)


def test_hosts_serve_no_enterprise(small, batch):
    """The inference hosts are the platform segment's open-model sellers only."""
    CP = small.cloud_matrix()
    assert CP[HOSTS, :4].sum() == 0.0


def _paired(a, b, stat, runs):
    d = paired_difference([stat(a, r) for r in range(runs)], [stat(b, r) for r in range(runs)])
    return d.mean, d.se


@pytest.mark.slow
def test_shared_tooling_keeps_developers_and_platform_buyers_on_open_weights(small):
    """Without shared tooling each open family's network effect rests on its own developers
    only, and moving between open families costs full inertia: fewer developers build on open
    weights and platform buyers find open families less worth building on (docs/model.md,
    Developers, gives the measured sizes, and why open usage's concentration no longer
    moves)."""
    runs = 12
    base = simulate(small, range(runs))
    own = simulate(small.with_values(developers__shared_tooling=0.0), range(runs))

    for col, sign in ((S.DEV_OPEN_SHARE, +1), (S.PLATFORM_OPEN_SHARE, +1)):

        def stat(a, r, col=col):
            return a.trajectories[r][24:, col].mean()

        mean, se = _paired(base, own, stat, runs)
        assert sign * mean > 2.0 * se, (SERIES_NAMES[col], mean, se)


def test_a_release_that_leads_open_models_wins_platform_usage_within_months(batch):
    """A DeepSeek-R1-like event: an open release that becomes the best open model gains
    platform usage within a month or two (quick switching), whichever lab makes it."""
    before, after = [], []
    for r in range(len(batch.end_states)):
        log = batch.logs[r, : batch.log_n[r]]
        tr = batch.trajectories[r]
        rel = log[(log["kind"] == EV.RELEASE) & (log["target"] == 1)]
        for ev in rel:
            m = int(ev["time"])
            if 1 <= m < tr.shape[0] - 2 and ev["value"] > tr[m - 1, S.OPEN_CAP] + 0.05:
                col = OPEN_USAGE[int(ev["actor"])]
                before.append(tr[m - 1, col])
                after.append(tr[m + 1, col])
    assert len(before) >= 10
    assert np.mean(after) > 1.3 * np.mean(before)


def _platform_2025(a, r, cols):
    return a.trajectories[r][24:36][:, cols].mean()


def test_closed_small_tiers_take_platform_tokens_from_open_families(small):
    """Closed vendors' small tiers (GPT-4o-mini, Claude Haiku, Gemini Flash) meet open hosts
    on price: without them the platform segment's open share is higher."""
    runs = 6
    scen = small.with_values(run__months=36)
    base = simulate(scen, range(runs))
    none = simulate(scen.with_values(vendors__small_tier_months=0.0), range(runs))
    mean, se = _paired(none, base, lambda a, r: _platform_2025(a, r, [S.PLATFORM_OPEN_SHARE]), runs)
    assert mean > 0 and mean > 2.0 * se, (mean, se)


def test_deepseek_serving_efficiency_wins_it_platform_usage(small):
    """DeepSeek's mixture-of-experts serving efficiency makes its family cheap at the
    frontier: on the market's cost curve its 2025 share of open platform tokens is lower."""
    runs = 6
    scen = small.with_values(run__months=36)
    col = [OPEN_USAGE[LAB_NAMES.index("deepseek")]]
    base = simulate(scen, range(runs))
    plain = simulate(scen.with_values(labs__deepseek__serve_efficiency_oom=0.0), range(runs))
    mean, se = _paired(base, plain, lambda a, r: _platform_2025(a, r, col), runs)
    assert mean > 0 and mean > 2.0 * se, (mean, se)


def _platform_hhi_2024(a, r):
    shares = a.trajectories[r][12:24][:, OPEN_USAGE].mean(axis=0)
    return float(np.sum((shares / max(shares.sum(), 1e-12)) ** 2))


def test_tolerant_platform_tasks_spread_open_usage_over_families(baseline):
    """Platform tasks that run on older models choose on price, trust and ecosystem rather
    than on the gap: with tolerant tasks (a 6-month median instead of every task needing the
    frontier) open platform usage in 2024 is less concentrated (a lower HHI over families).
    Measured in 2024, before the shift to frontier-bound work (workload.*): from 2025 half of
    the tasks are frontier-bound, which the median does not touch, and the effect shrinks to
    about 0.03 (under two standard errors over 24 full-population runs, against 0.13 in 2024)."""
    runs = 24
    scen = baseline.with_values(run__months=36)
    strict = simulate(scen.with_values(platform__tolerance_median_months=0.0), range(runs))
    tolerant = simulate(scen.with_values(platform__tolerance_median_months=6.0), range(runs))
    mean, se = _paired(strict, tolerant, _platform_hhi_2024, runs)
    assert mean > 0 and mean > 2.0 * se, (mean, se)


def test_the_quadrature_integrates_a_standard_normal():
    from sim.rules.platform import TOLERANCE_NODES, TOLERANCE_WEIGHTS

    assert TOLERANCE_WEIGHTS.sum() == pytest.approx(1.0)
    for power, moment in ((1, 0.0), (2, 1.0), (4, 3.0), (6, 15.0)):
        assert np.sum(TOLERANCE_WEIGHTS * TOLERANCE_NODES**power) == pytest.approx(moment)
