"""The end-state classifier: persistent conditions on indicators that carry the seeds'
meaning, one end state per run, and its sensitivity to every threshold and to the year."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from experiments.sensitivity import (
    THRESHOLD_VARIANTS,
    conditions_met,
    hinges,
    sensitivity_table,
    variant_classes,
    variant_frame,
)
from experiments.tables import runs_frame
from sim.actors import N_LABS
from sim.engine.batch import simulate
from sim.params.spec import G
from sim.rules.classify import IND, N_INDICATORS, classify, final_indicators, gap_trend
from sim.state import S, lab_series
from sim.vocab import END_STATES, End

MONTHS = 60


@pytest.fixture(scope="module")
def P(baseline):
    return baseline.global_vector()


def deep_world(months: int = MONTHS) -> np.ndarray:
    """A trajectory in which open deepening's four conditions hold every month."""
    tr = np.zeros((months, S.N))
    tr[:, S.GAP_MONTHS] = 3.0
    tr[:, S.NEW_OPEN_SHARE] = 0.7
    tr[:, S.SELFHOST_SHARE] = 0.1
    tr[:, S.OPEN_HHI] = 0.15
    tr[:, S.INDEPENDENT_OPEN] = 2.0
    return tr


def test_each_end_state_is_reachable_and_exactly_one(P):
    tr = deep_world()
    assert classify(P, tr, MONTHS) == End.OPEN_DEEPENING
    tr[:, S.OPEN_HHI] = 0.6  # open usage concentrated on a few sponsors
    assert classify(P, tr, MONTHS) == End.BIGTECH_OLIGOPOLY
    tr = deep_world()
    tr[:, S.GAP_MONTHS] = P[G.CLASS_GAP_WIDENS] + 1.0
    assert classify(P, tr, MONTHS) == End.GAP_WIDENS
    for cond in (S.NEW_OPEN_SHARE, S.SELFHOST_SHARE):
        tr = deep_world()
        tr[:, cond] = 0.0
        assert classify(P, tr, MONTHS) == End.BIGTECH_OLIGOPOLY
    tr = deep_world()
    tr[:, S.INDEPENDENT_OPEN] = 0.0
    assert classify(P, tr, MONTHS) == End.BIGTECH_OLIGOPOLY


def test_a_condition_must_persist(P):
    """Held only in the last months of the window, a condition does not make an end state;
    a brief dip does not undo one."""
    w = int(P[G.CLASS_WINDOW])
    tr = deep_world()
    tr[:, S.NEW_OPEN_SHARE] = 0.2
    tr[-3:, S.NEW_OPEN_SHARE] = 0.9
    assert classify(P, tr, MONTHS) == End.BIGTECH_OLIGOPOLY
    tr = deep_world()
    tr[-3:, S.NEW_OPEN_SHARE] = 0.2
    assert classify(P, tr, MONTHS) == End.OPEN_DEEPENING
    # the gap: a spell above the threshold earlier in the window is not a widening ...
    tr = deep_world()
    tr[MONTHS - w : MONTHS - w + 4, S.GAP_MONTHS] = 20.0
    assert classify(P, tr, MONTHS) == End.OPEN_DEEPENING
    # ... but a gap that reached the threshold over the last year and is still rising is
    tr = deep_world()
    tr[MONTHS - w :, S.GAP_MONTHS] = np.linspace(3.0, 2.0 * P[G.CLASS_GAP_WIDENS], w)
    assert classify(P, tr, MONTHS) == End.GAP_WIDENS


def test_gap_trend_is_months_per_year():
    tr = np.zeros((36, S.N))
    tr[:, S.GAP_MONTHS] = 2.0 + 0.5 * np.arange(36)  # half a month more every month
    assert gap_trend(tr, 12, 36) == pytest.approx(6.0)


def test_final_indicators_average_the_window(P):
    tr = deep_world()
    out = np.zeros(N_INDICATORS)
    final_indicators(P, tr, MONTHS, out)
    assert out[IND.NEW_OPEN_SHARE] == pytest.approx(0.7)
    assert out[IND.OPEN_HHI] == pytest.approx(0.15)
    assert out[IND.GAP_TREND] == pytest.approx(0.0)


@pytest.fixture(scope="module")
def batch(small):
    return simulate(small, range(6))


def test_new_indicators_are_shares(batch):
    tr = batch.trajectories
    for s in (S.NEW_OPEN_SHARE, S.OPEN_HHI, S.PLATFORM_OPEN_SHARE):
        assert np.all((tr[:, :, s] >= 0) & (tr[:, :, s] <= 1 + 1e-12))
    # the HHI of usage spread over k families is at least 1/k and at most 1
    has_open = tr[:, :, S.OPEN_SHARE] > 0
    assert np.all(tr[:, :, S.OPEN_HHI][has_open] >= 1.0 / 7 - 1e-12)


def _by_lab(name: str) -> list[int]:
    return [lab_series(k, name) for k in range(N_LABS)]


def test_open_usage_by_lab_is_each_segments_share_and_the_hhi_agrees(batch):
    """open_usage_enterprise_<lab> are shares of enterprises' open-weight tokens (summing to 1
    whenever enterprises use open weights, 0 otherwise); the HHI of both segments together,
    a concentration of their token-weighted mixture, lies between 1/labs and the larger of
    the two segments' own HHIs (the sum of squares is convex)."""
    tr = batch.trajectories
    ent = tr[:, :, _by_lab("open_usage_enterprise")]
    plat = tr[:, :, _by_lab("open_usage_platform")]
    assert np.all((ent >= 0) & (ent <= 1 + 1e-12))
    has_ent = tr[:, :, S.OPEN_SHARE] > 0
    assert has_ent.any() and (~has_ent).any()  # months before and after the first open use
    assert np.allclose(ent.sum(axis=2)[has_ent], 1.0)
    assert np.all(ent.sum(axis=2)[~has_ent] == 0.0)
    both = has_ent & (tr[:, :, S.PLATFORM_OPEN_SHARE] > 0)
    hhi = tr[:, :, S.OPEN_HHI][both]
    bound = np.maximum((ent**2).sum(axis=2), (plat**2).sum(axis=2))[both]
    assert np.all(hhi <= bound + 1e-12) and np.all(hhi >= 1.0 / N_LABS - 1e-12)


def test_new_open_share_follows_what_new_deployments_choose(small):
    """The share of new deployments on open weights is the choices enterprises make, not the
    stock of tokens: near 1 when managed open models win every decision, lower than by
    default when open weights cost a large integration effort (hybrids that still route some
    tasks to them count whole, by their tokens)."""

    def new_open(**over):
        b = simulate(small.with_values(run__months=36, **over), range(3))
        return b.trajectories[:, 12:, S.NEW_OPEN_SHARE].mean()

    pushed, default, hard = (
        new_open(clouds__push=10.0),
        new_open(),
        new_open(enterprises__open_friction=20.0),
    )
    assert 0.8 <= pushed <= 1.0
    assert pushed > default > hard >= 0.0


def test_sensitivity_reuses_the_kernel_and_moves_as_thresholds_do(small, batch):
    P = small.global_vector()
    classes = variant_classes(P, batch.trajectories)
    assert len(classes) == len(THRESHOLD_VARIANTS) + 2
    # the engine's own classification is the kernel's on the same trajectories
    same = [classify(P, batch.trajectories[r], small.months) for r in range(6)]
    assert same == list(batch.end_states)
    # a lower gap threshold can only add gap_widens runs
    low = classes["end_state_gap_widens_months_low"]
    high = classes["end_state_gap_widens_months_high"]
    assert np.sum(low == End.GAP_WIDENS) >= np.sum(high == End.GAP_WIDENS)
    runs = pl.concat([runs_frame(batch), variant_frame(P, batch.trajectories)], how="horizontal")
    rows = sensitivity_table(runs)
    assert {r["variant"] for r in rows} >= {v.label for v in THRESHOLD_VARIANTS}
    for r in rows:
        assert sum(r["shares"].values()) == pytest.approx(1.0)
    held = conditions_met(runs)
    assert set(held) >= {"open_default", "selfhost_material", "open_spread", "gap_wide"}


def test_hinges_name_the_threshold():
    rows = [
        {
            "variant": "classifier.open_hhi_max = 0.35",
            "shares": dict(zip(END_STATES, (0.4, 0.6, 0.0), strict=True)),
            "change": dict(zip(END_STATES, (0.3, -0.3, 0.0), strict=True)),
        },
        {
            "variant": "classifier.persistence = 1",
            "shares": dict(zip(END_STATES, (0.08, 0.92, 0.0), strict=True)),
            "change": dict(zip(END_STATES, (-0.02, 0.02, 0.0), strict=True)),
        },
    ]
    found = hinges(rows)
    assert len(found) == 2 and all("open_hhi_max" in f for f in found)
