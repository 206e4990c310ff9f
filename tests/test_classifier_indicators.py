"""The classifier's indicators in the 2023-2025 replay: computed from the trajectory as the
classifier reads it, each targeted by a declared calibration target or given a reason, and
listed in docs/calibration.md."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.calibration.indicators import (
    CLASSIFIER_STATISTICS,
    MARKERS,
    render_section,
    replay_statistics,
)
from experiments.calibration.targets import TARGETS
from sim.rules.classify import CONDITIONS, REFERENCE_MONTHS
from sim.state import S

from .conftest import ROOT


def _world(months: int = 48) -> np.ndarray:
    tr = np.zeros((months, S.N))
    tr[:, S.GAP_MONTHS] = 2.0 + np.arange(months) / 12.0  # a month more every year
    tr[:, S.OPEN_HHI] = 0.25
    tr[:, S.NEW_OPEN_SHARE] = 0.3
    tr[:, S.SELFHOST_SHARE] = 0.02
    tr[:, S.BIGTECH_OPEN_SHARE] = 0.6
    tr[REFERENCE_MONTHS:, :] = 9.0  # after 2025: not read
    return tr


def test_statistics_read_2023_2025_as_the_classifier_does():
    v = {k: float(x[0]) for k, x in replay_statistics(_world()[None]).items()}
    assert v["gap_reference"] == pytest.approx(2.0 + 17.5 / 12.0)  # mean over 36 months
    assert v["gap_trend_2023_2025"] == pytest.approx(1.0)
    assert v["open_families_late_2025"] == pytest.approx(4.0)  # 1 / HHI
    assert v["new_open_share_late_2025"] == pytest.approx(0.3)
    assert v["selfhost_share_late_2025"] == pytest.approx(0.02)
    assert v["bigtech_open_share_late_2025"] == pytest.approx(0.6)


def test_a_replay_shorter_than_2025_is_refused():
    with pytest.raises(ValueError, match="at least 36 months"):
        replay_statistics(np.zeros((1, 24, S.N)))


def test_each_statistic_is_targeted_or_says_why_not_and_names_real_conditions():
    names = {t.name for t in TARGETS}
    for s in CLASSIFIER_STATISTICS:
        assert s.reason
        assert s.target is None or s.target in names
        assert s.target is not None or s.reason.startswith("untargeted")
        assert any(c in s.conditions for c in CONDITIONS)


def test_docs_calibration_lists_every_statistic():
    text = (ROOT / "docs" / "calibration.md").read_text()
    section = text.split(MARKERS[0], 1)[1].split(MARKERS[1], 1)[0]
    for s in CLASSIFIER_STATISTICS:
        assert f"| `{s.name}` |" in section
    fresh = render_section({s.name: np.array([1.0, 2.0]) for s in CLASSIFIER_STATISTICS}, "x")
    assert fresh.splitlines()[:2] == [MARKERS[0], section.strip().splitlines()[0]]
