"""The scenario library: each scenario pushes the way its seed argues, with statistical margin.

Every scenario runs the baseline's seeds (common random numbers); a direction holds when the
mean paired difference from the baseline exceeds three standard errors. Where the model
disagrees with a seed, the scenario file says why (docs/calibration.md quotes it beside the
numbers), and a case pins the model's documented behaviour: the opposite direction (sign
+-1, seed_argues False) or no clear move (sign 0: within three standard errors).
"""

from __future__ import annotations

import numpy as np
import pytest

from experiments.stats import paired_difference
from sim.actors import LAB_NAMES
from sim.engine.batch import BatchArrays
from sim.params.scenario import load_scenario
from sim.rules.classify import IND
from sim.state import S, lab_series
from sim.vocab import END_STATES

from .conftest import ROOT

RUNS = 1000  # as the table in docs/calibration.md
FLAT = 0.01  # below a point, a documented disagreement ("barely moves") holds


def end_state(name: str):
    k = END_STATES.index(name)
    return lambda b: (b.end_states == k).astype(float)


def series_mean(s: S, start: int = 0):
    return lambda b: b.trajectories[:, start:, s].mean(axis=1)


def final_open_share(b: BatchArrays) -> np.ndarray:
    return b.indicators[:, IND.OPEN_SHARE]


def final(ind: IND):
    return lambda b: b.indicators[:, ind]


def mistral_enterprise(b: BatchArrays) -> np.ndarray:
    """Mistral's share of enterprise open-weight tokens over the last two years."""
    col = lab_series(LAB_NAMES.index("mistral"), "open_usage_enterprise")
    return b.trajectories[:, -24:, col].mean(axis=1)


# (scenario, statistic label, statistic, sign, whether the seed argues it). An argument about
# an end state is tested on its share where the baseline leaves room to move it (most runs
# deepen, docs/model.md; a widened gap is rare, so a rise in it is often under three standard
# errors), otherwise on the indicators that define it: open weights as the default for new
# deployments, the concentration and the big-tech share of open usage.
CASES = [
    ("strict_liability", "open_deepening", end_state("open_deepening"), -1, True),
    ("strict_liability", "new deployments on open weights", final(IND.NEW_OPEN_SHARE), -1, True),
    ("meta_retreat", "final gap", final(IND.GAP_MONTHS), +1, True),
    # any use of open weights counts: hybrids keep using the best open family (scenario file)
    ("meta_retreat", "new deployments on open weights", final(IND.NEW_OPEN_SHARE), 0, False),
    # judged against its 2023-2025 level and trend (issue 29): +12.4 points, 10.6 SE (file)
    ("meta_retreat", "gap_widens", end_state("gap_widens"), +1, True),
    ("frontier_cost_explosion", "gap_widens", end_state("gap_widens"), +1, True),
    ("mistral_funding_crunch", "Mistral releases openly", series_mean(S.MISTRAL_OPEN), -1, True),
    (
        "mistral_funding_crunch",
        "big-tech share of open usage",
        final(IND.BIGTECH_OPEN_SHARE),
        +1,
        True,
    ),
    ("eu_sovereignty", "Mistral's share of enterprise open usage", mistral_enterprise, +1, True),
    ("eu_sovereignty", "big-tech share of open usage", final(IND.BIGTECH_OPEN_SHARE), -1, True),
    ("eu_sovereignty", "concentration of open usage", final(IND.OPEN_HHI), -1, True),
    ("export_controls", "big-tech share of open usage", final(IND.BIGTECH_OPEN_SHARE), +1, True),
    ("efficient_finetuning", "final open share", final_open_share, +1, True),
    ("efficient_finetuning", "self-hosted share", final(IND.SELFHOST_SHARE), +1, True),
    # cheaper self-hosting grows Western enterprises' open usage, on big tech's families (file)
    ("efficient_finetuning", "open_deepening", end_state("open_deepening"), -1, False),
    ("safety_incident", "strict liability in force", series_mean(S.LIABILITY), +1, True),
    ("safety_incident", "open_deepening", end_state("open_deepening"), -1, True),
    ("safety_incident", "new deployments on open weights", final(IND.NEW_OPEN_SHARE), -1, True),
    ("cloud_push", "final open share", final_open_share, +1, True),
]


@pytest.fixture(scope="module")
def batches(library_batches):
    """A library file's batch by name (simulated once a session: the calibration report's
    check runs the same batches)."""

    def get(name: str) -> BatchArrays:
        return library_batches(load_scenario(ROOT / "scenarios" / f"{name}.toml"), range(RUNS))

    return get


@pytest.mark.slow
@pytest.mark.parametrize(
    ("scenario", "label", "stat", "sign", "seed_argues"),
    CASES,
    ids=[f"{c[0]}: {c[1]} {('flat', 'up', 'down')[c[3]]}" for c in CASES],
)
def test_scenario_direction(batches, scenario, label, stat, sign, seed_argues):
    mean, se, *_ = paired_difference(stat(batches(scenario)), stat(batches("baseline")))
    who = "as the seed argues" if seed_argues else "the model's documented disagreement"
    msg = f"{scenario}, {label} ({who}): {mean:+.4f}, SE {se:.4f}"
    if sign == 0:
        # a documented "barely moves": not significant, or smaller than a point (a share of
        # runs or of usage); a tiny effect can be significant over 1000 paired runs
        assert abs(mean) < 3.0 * se or abs(mean) < FLAT, msg
    else:
        assert sign * mean > 3.0 * se, msg
    if not seed_argues:
        text = (ROOT / "scenarios" / f"{scenario}.toml").read_text()
        assert "The model disagrees" in text or "The model agrees on" in text


def test_every_scenario_has_a_direction_case():
    files = {p.stem for p in (ROOT / "scenarios").glob("*.toml")} - {"baseline"}
    assert files == {c[0] for c in CASES}
