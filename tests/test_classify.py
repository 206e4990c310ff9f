"""The end-state classifier: each end state defined on its own, a run clear-cut when exactly
one definition holds and otherwise the nearest by score, the gap judged by level and trend
against its 2023-2025 reference; the variants, horizons and what the runs table records."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from experiments.sensitivity import (
    THRESHOLD_VARIANTS,
    conditions_met,
    decided_counts,
    hinges,
    horizon_table,
    horizons_for,
    sensitivity_table,
    variant_classes,
)
from experiments.tables import runs_frame
from sim.actors import N_LABS
from sim.engine.batch import simulate
from sim.params.spec import G
from sim.rules.classify import (
    CONDITIONS,
    IND,
    MEMBERS,
    N_CONDITIONS,
    N_INDICATORS,
    REFERENCE_MONTHS,
    classify,
    decide,
    final_indicators,
    gap_trend,
)
from sim.state import S, lab_series
from sim.vocab import END_STATES, Decided, End

MONTHS = 60


@pytest.fixture(scope="module")
def P(baseline):
    return baseline.global_vector()


def deep_world(months: int = MONTHS) -> np.ndarray:
    """A trajectory in which open deepening's conditions hold every month (and no other's)."""
    tr = np.zeros((months, S.N))
    tr[:, S.GAP_MONTHS] = 3.0
    tr[:, S.NEW_OPEN_SHARE] = 0.7
    tr[:, S.SELFHOST_SHARE] = 0.1
    tr[:, S.OPEN_HHI] = 0.15
    tr[:, S.INDEPENDENT_OPEN] = 2.0
    tr[:, S.BIGTECH_OPEN_SHARE] = 0.3
    return tr


def oligopoly_world(months: int = MONTHS) -> np.ndarray:
    """Big-tech sponsors carry most open usage, concentrated, the gap steady and small."""
    tr = deep_world(months)
    tr[:, S.NEW_OPEN_SHARE] = 0.2
    tr[:, S.OPEN_HHI] = 0.5
    tr[:, S.BIGTECH_OPEN_SHARE] = 0.8
    return tr


def widening_world(P: np.ndarray, months: int = MONTHS) -> np.ndarray:
    """The oligopoly's market, but the gap leaves its 2023-2025 level and keeps rising."""
    tr = oligopoly_world(months)
    w = int(P[G.CLASS_WINDOW])
    level = max(P[G.CLASS_GAP_WIDENS], 3.0 * P[G.CLASS_GAP_RATIO])  # the reference is 3 months
    tr[months - w :, S.GAP_MONTHS] = np.linspace(level, 3.0 * level, w)
    return tr


def _decide(P, tr, end=None):
    margins, scores = np.empty(N_CONDITIONS), np.empty(len(END_STATES))
    e, how, bits = decide(P, tr, tr.shape[0] if end is None else end, margins, scores)
    return e, how, bits, margins, scores


def test_each_end_state_has_its_own_definition_and_is_clear_cut_where_it_alone_holds(P):
    for tr, state in (
        (deep_world(), End.OPEN_DEEPENING),
        (oligopoly_world(), End.BIGTECH_OLIGOPOLY),
        (widening_world(P), End.GAP_WIDENS),
    ):
        e, how, _, _, scores = _decide(P, tr)
        assert (e, how) == (state, Decided.CLEAR_CUT)
        assert scores[state] >= 0 and all(scores[k] < 0 for k in End if k != state)
        assert classify(P, tr, MONTHS) == state


def test_a_run_that_fits_none_or_several_goes_to_the_highest_score(P):
    tr = oligopoly_world()
    tr[:, S.BIGTECH_OPEN_SHARE] = 0.45  # big tech carries less than half: no definition holds
    e, how, _, _, scores = _decide(P, tr)
    assert how == Decided.NEAREST_OF_NONE and np.all(scores < 0)
    assert e == int(np.argmax(scores)) == End.BIGTECH_OLIGOPOLY  # nearest: just short
    tr = deep_world()
    tr[:, S.OPEN_HHI] = 0.3  # spread for deepening (<= 1/3), concentrated for the oligopoly
    tr[:, S.BIGTECH_OPEN_SHARE] = 0.9
    e, how, _, _, scores = _decide(P, tr)
    assert how == Decided.NEAREST_OF_SEVERAL and (scores[:2] >= 0).all()
    assert e == int(np.argmax(scores))


def test_definitions_hold_exactly_when_their_scores_are_not_negative(P):
    """On random trajectories: a condition's bit is its margin >= 0, a score is the weakest
    margin of its definition, the end state the highest score, clear-cut iff one holds."""
    rng = np.random.default_rng(5)
    seen = set()
    for _ in range(300):
        tr = np.zeros((MONTHS, S.N))
        for s, lo, hi in (
            (S.NEW_OPEN_SHARE, 0.3, 0.7),
            (S.SELFHOST_SHARE, 0.0, 0.1),
            (S.OPEN_HHI, 0.2, 0.5),
            (S.BIGTECH_OPEN_SHARE, 0.3, 0.7),
        ):
            tr[:, s] = rng.uniform(lo, hi) + rng.normal(0, 0.03, MONTHS)
        tr[:, S.INDEPENDENT_OPEN] = rng.integers(0, 3)
        tr[:, S.GAP_MONTHS] = rng.uniform(2, 5) + rng.uniform(-1, 3) / 12 * np.arange(MONTHS)
        e, how, bits, margins, scores = _decide(P, tr)
        held = np.array([(bits >> j) & 1 for j in range(N_CONDITIONS)], dtype=bool)
        assert np.array_equal(held, margins >= 0)
        assert np.all(np.abs(margins) <= 1.0)
        for k in range(len(END_STATES)):
            assert scores[k] == pytest.approx(margins[MEMBERS[k]].min())
            assert (scores[k] >= 0) == held[MEMBERS[k]].all()
        n_held = int((scores >= 0).sum())
        expect = {0: Decided.NEAREST_OF_NONE, 1: Decided.CLEAR_CUT}.get(
            n_held, Decided.NEAREST_OF_SEVERAL
        )
        assert how == expect and scores[e] == scores.max()
        seen.add((int(e), int(how)))
    assert {e for e, _ in seen} == set(range(len(END_STATES)))  # each reachable


def test_the_gap_is_judged_against_its_own_2023_2025_reference(P):
    """The same gap in the window is a widening after a small 2023-2025 gap, not after a
    large one: the level is a multiple of the run's reference, not a number of months."""
    months = 96
    tr = widening_world(P, months)
    tr[:REFERENCE_MONTHS, S.GAP_MONTHS] = 3.0
    assert classify(P, tr, months) == End.GAP_WIDENS
    tr[:REFERENCE_MONTHS, S.GAP_MONTHS] = tr[-24:, S.GAP_MONTHS].mean()  # as large then
    assert classify(P, tr, months) == End.BIGTECH_OLIGOPOLY


@pytest.mark.parametrize("months", [72, 120, 240])
def test_a_slow_drift_is_not_a_widening_at_any_horizon(P, months):
    """A gap that drifts up slower than classifier.gap_trend_min ends up several times its
    2023-2025 level by a late enough horizon, yet gap widening's definition never holds: a
    late horizon can make such a run nearest to it, never clear-cut (not a clock)."""
    tr = oligopoly_world(months)
    rate = 0.8 * P[G.CLASS_GAP_TREND]  # months per year
    tr[:, S.GAP_MONTHS] = 3.0 + rate * np.arange(months) / 12
    e, how, bits, _, scores = _decide(P, tr)
    assert not bits >> CONDITIONS.index("gap_rising") & 1
    assert scores[End.GAP_WIDENS] < 0
    assert e != End.GAP_WIDENS or how == Decided.NEAREST_OF_NONE
    tr[:, S.GAP_MONTHS] = 3.0 + 2.0 * P[G.CLASS_GAP_TREND] * np.arange(months) / 12
    if tr[-24:, S.GAP_MONTHS].mean() >= P[G.CLASS_GAP_RATIO] * 3.0 + 2.0:  # far enough
        assert classify(P, tr, months) == End.GAP_WIDENS


def test_a_condition_must_persist(P):
    """Held only in the last months of the window, a condition does not make an end state;
    a brief dip does not undo one."""
    tr = deep_world()
    tr[:, S.NEW_OPEN_SHARE] = 0.2
    tr[-3:, S.NEW_OPEN_SHARE] = 0.9
    assert classify(P, tr, MONTHS) != End.OPEN_DEEPENING
    tr = deep_world()
    tr[-3:, S.NEW_OPEN_SHARE] = 0.2
    assert classify(P, tr, MONTHS) == End.OPEN_DEEPENING


def test_gap_trend_is_months_per_year():
    tr = np.zeros((36, S.N))
    tr[:, S.GAP_MONTHS] = 2.0 + 0.5 * np.arange(36)  # half a month more every month
    assert gap_trend(tr, 12, 36) == pytest.approx(6.0)  # against the 12 months before
    assert gap_trend(tr, 0, 36) == pytest.approx(6.0)  # nothing before: the halves


@pytest.mark.parametrize("phase", range(0, 8, 2))
def test_a_saw_tooth_without_drift_has_no_trend_whenever_its_last_release_fell(phase):
    """The gap grows a month a month and drops at each open release (every 8 months): with
    no drift its trend is near 0 whatever the phase of the last release, where a least-squares
    slope over the window swings by months a year."""
    months = 72
    tr = np.zeros((months, S.N))
    tr[:, S.GAP_MONTHS] = 2.0 + (np.arange(months) + phase) % 8
    assert abs(gap_trend(tr, months - 24, months)) < 0.05
    slope = 12 * np.polyfit(np.arange(24), tr[-24:, S.GAP_MONTHS], 1)[0]
    assert abs(gap_trend(tr, months - 24, months)) < abs(slope) or abs(slope) < 0.05


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
    assert len(classes) == len(THRESHOLD_VARIANTS) + len(horizons_for(small.months))
    # the engine's own classification is the kernel's on the same trajectories
    same = [classify(P, batch.trajectories[r], small.months) for r in range(6)]
    assert same == list(batch.end_states)
    # a lower gap level can only add gap_widens runs
    low = classes["end_state_gap_ratio_low"]
    high = classes["end_state_gap_ratio_high"]
    assert np.sum(low == End.GAP_WIDENS) >= np.sum(high == End.GAP_WIDENS)
    runs = runs_frame(batch, P)
    rows = sensitivity_table(runs)
    assert {r["variant"] for r in rows} == {v.label for v in THRESHOLD_VARIANTS}
    for r in rows:
        assert sum(r["shares"].values()) == pytest.approx(1.0)
    assert set(conditions_met(runs)) == set(CONDITIONS)


def test_the_engine_records_how_each_run_was_decided(small, batch):
    """Both engines' record: the decision and condition bits are the kernel's; the runs
    table carries them as decided_by, held_<condition> and score_<end state>."""
    P = small.global_vector()
    runs = runs_frame(batch, P)
    for r in range(6):
        e, how, bits, _, scores = _decide(P, batch.trajectories[r], small.months)
        assert (batch.end_states[r], batch.decided[r], batch.held[r]) == (e, how, bits)
        assert np.allclose(batch.scores[r], scores)
    assert sum(decided_counts(runs).values()) == 6
    for j, c in enumerate(CONDITIONS):
        assert runs[f"held_{c}"].to_list() == [bool(b >> j & 1) for b in batch.held]
    best = runs.select([f"score_{e}" for e in END_STATES]).to_numpy().argmax(axis=1)
    assert [END_STATES[i] for i in best] == runs["end_state"].cast(pl.String).to_list()


def test_the_answer_by_horizon(small, batch):
    """Shares as of December 2029, 2031 (and 2033 when the run reaches it); the horizon that
    is the run's own last December is its end state."""
    assert [v.year for v in horizons_for(108)] == [2029, 2031]
    assert [v.year for v in horizons_for(132)] == [2029, 2031, 2033]
    assert horizons_for(60) == ()
    tr = np.concatenate([batch.trajectories, batch.trajectories[:, -24:]], axis=1)
    classes = variant_classes(small.global_vector(), tr)
    assert {"end_state_year_2029", "end_state_year_2031"} <= set(classes)
    runs = runs_frame(batch, small.global_vector())
    rows = horizon_table(runs)
    assert [r["year"] for r in rows] == [2029, 2031]
    assert rows[-1]["change"] == dict.fromkeys(END_STATES, 0.0)


def test_hinges_say_the_move_is_over_the_limit_and_why():
    rows = [
        {
            "variant": "classifier.open_hhi_max = 0.35",
            "shares": dict(zip(END_STATES, (0.4, 0.6, 0.0), strict=True)),
            "change": dict(zip(END_STATES, (0.3, -0.3, 0.0), strict=True)),
            "why": "40% of the runs lie between",
        },
        {
            "variant": "classifier.persistence = 1",
            "shares": dict(zip(END_STATES, (0.08, 0.92, 0.0), strict=True)),
            "change": dict(zip(END_STATES, (-0.02, 0.02, 0.0), strict=True)),
            "why": None,
        },
    ]
    found = hinges(rows)
    assert len(found) == 2 and all("open_hhi_max" in f for f in found)
    assert all("over the 10-point limit" in f and "40% of the runs" in f for f in found)
