"""The ensemble's statistics on synthetic batches with known answers: the between-worlds share
of end-state variance (corrected for few runs per world), two-stage bootstrap intervals and
the parameters that separate the end states."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.ensemble import between_worlds_share, separating_parameters, two_stage_intervals

STATES = ("a", "b")


def _batch(p_world: np.ndarray, runs_per_world: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Runs ending in state 1 with their world's probability."""
    rng = np.random.default_rng(seed)
    world = np.repeat(np.arange(p_world.size), runs_per_world)
    ends = (rng.random(world.size) < p_world[world]).astype(np.int64)
    return ends, world


def test_between_worlds_share_recovers_a_known_intraclass_correlation():
    # worlds end in state 1 with probability 0.1 or 0.9: between variance 0.16, within 0.09,
    # so the world explains 0.16 / 0.25 = 0.64 of the variance; with 4 runs a world the
    # uncorrected variance of world means would claim (0.16 + 0.09 / 4) / 0.25 = 0.73
    rng = np.random.default_rng(1)
    p = rng.choice([0.1, 0.9], size=3000)
    ends, world = _batch(p, 4, 2)
    share = between_worlds_share(ends, world, STATES)
    assert share["overall"] == pytest.approx(0.64, abs=0.03)
    assert share["by_state"]["a"] == pytest.approx(0.64, abs=0.03)


def test_between_worlds_share_is_near_zero_when_worlds_do_not_matter():
    ends, world = _batch(np.full(1000, 0.3), 5, 3)
    assert between_worlds_share(ends, world, STATES)["overall"] < 0.02


def test_between_worlds_share_is_one_when_the_world_decides():
    ends, world = _batch(np.tile([0.0, 1.0], 200), 3, 4)
    assert between_worlds_share(ends, world, STATES)["overall"] == pytest.approx(1.0)


def test_between_worlds_share_needs_two_worlds_and_repeated_runs():
    assert between_worlds_share(np.array([0, 1, 1]), np.zeros(3), STATES)["overall"] is None
    assert between_worlds_share(np.array([0, 1]), np.arange(2), STATES)["overall"] is None


def test_unbalanced_worlds_are_corrected_too():
    rng = np.random.default_rng(5)
    p = rng.choice([0.1, 0.9], size=2000)
    sizes = rng.integers(2, 9, size=p.size)
    world = np.repeat(np.arange(p.size), sizes)
    ends = (rng.random(world.size) < p[world]).astype(np.int64)
    assert between_worlds_share(ends, world, STATES)["overall"] == pytest.approx(0.64, abs=0.03)


def test_two_stage_intervals_carry_the_spread_of_worlds():
    rng = np.random.default_rng(6)
    p_split = rng.choice([0.1, 0.9], size=40)
    ends_split, world_split = _batch(p_split, 10, 7)
    ends_same, world_same = _batch(np.full(40, 0.5), 10, 8)
    wide = two_stage_intervals(ends_split, world_split, seed=1, reps=800, states=STATES)["b"]
    narrow = two_stage_intervals(ends_same, world_same, seed=1, reps=800, states=STATES)["b"]
    assert wide["lo"] <= wide["share"] <= wide["hi"]
    assert (wide["hi"] - wide["lo"]) > 1.5 * (narrow["hi"] - narrow["lo"])
    # deterministic in the seed
    again = two_stage_intervals(ends_split, world_split, seed=1, reps=800, states=STATES)["b"]
    assert again == wide


def test_two_stage_intervals_cover_the_true_share_usually():
    rng = np.random.default_rng(9)
    hits = 0
    for k in range(40):
        p = rng.choice([0.2, 0.6], size=30)  # true share 0.4
        ends, world = _batch(p, 5, 100 + k)
        iv = two_stage_intervals(ends, world, seed=k, reps=400, states=STATES)["b"]
        hits += iv["lo"] <= 0.4 <= iv["hi"]
    assert hits >= 33  # about 95% of 40; a single-stage interval would miss far more often


def test_the_parameter_that_decides_the_end_state_separates_it():
    rng = np.random.default_rng(10)
    n = 500
    decisive = rng.random(n)
    noise = rng.random(n)
    ends = (decisive + 0.1 * rng.standard_normal(n) > 0.5).astype(np.int64)
    top = separating_parameters(
        np.column_stack([noise, decisive]), ("noise", "decisive"), ends, states=STATES
    )
    assert [r["key"] for r in top] == ["decisive", "noise"]
    assert top[0]["eta2"] > 0.5 > 0.05 > top[1]["eta2"]
    assert top[0]["median_by_state"]["b"] > top[0]["median_by_state"]["a"]


def test_a_batch_that_draws_most_worlds_once_states_no_share():
    # 200 runs over 183 worlds: 17 runs beyond one per world, too few to tell world from luck
    rng = np.random.default_rng(9)
    world = np.concatenate([np.arange(183), np.arange(17)])
    ends = (rng.random(world.size) < 0.05).astype(np.int64)
    share = between_worlds_share(ends, world, STATES)
    assert share["overall"] is None and share["by_state"]["a"] is None
    # the same worlds each drawn often enough: estimable again
    ends, world = _batch(np.full(183, 0.05), 2, 10)
    assert between_worlds_share(ends, world, STATES)["overall"] is not None


def test_a_sweep_s_worlds_are_measured_within_its_points():
    # 40 sweep points whose own share of state 1 differs, each drawing the same 50 world ids:
    # a world's effect is its own at each point (nested), p = the point's mean -+ 0.4, so
    # between variance 0.16 and within 0.09 - shift^2 around the point's mean as above
    rng = np.random.default_rng(7)
    points, worlds, runs = 40, 50, 4
    shift = rng.uniform(-0.08, 0.08, points)
    p = 0.5 + shift[:, None] + rng.choice([-0.4, 0.4], (points, worlds))
    point = np.repeat(np.arange(points), worlds * runs)
    world = np.tile(np.repeat(np.arange(worlds), runs), points)
    ends = (rng.random(point.size) < p[point, world]).astype(np.int64)
    within = between_worlds_share(ends, world, STATES, strata=point)["overall"]
    assert within == pytest.approx(0.64, abs=0.03)
    # pooled over points, the same world id is a different world at each: it explains nothing
    assert between_worlds_share(ends, world, STATES)["overall"] < 0.05
    # one stratum is the one-way share
    ends1, world1 = _batch(rng.choice([0.1, 0.9], size=2000), 4, 8)
    one = between_worlds_share(ends1, world1, STATES, strata=np.zeros(ends1.size))["overall"]
    assert one == pytest.approx(between_worlds_share(ends1, world1, STATES)["overall"])
