"""Open lines: labs with a closed flagship release smaller open models when it pays in USD."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.batch import simulate
from sim.events import EV
from sim.params.spec import LAB_NAMES, G

GOOGLE = LAB_NAMES.index("google")


def _line_releases(batch, lab=None):
    out = []
    for r in range(len(batch.end_states)):
        log = batch.logs[r, : batch.log_n[r]]
        sel = (log["kind"] == EV.OPEN_LINE) & (log["target"] == 1)
        if lab is not None:
            sel &= log["actor"] == lab
        out.append(log[sel])
    return out


@pytest.fixture(scope="module")
def batch(small):
    return simulate(small, range(6))


def test_big_tech_vendor_releases_an_open_line_below_its_flagship(small, batch):
    P = small.global_vector()
    lines = _line_releases(batch, GOOGLE)
    assert sum(len(x) > 0 for x in lines) >= 4  # Gemma-like lines in most runs
    for r, x in enumerate(lines):
        log = batch.logs[r, : batch.log_n[r]]
        rel = log[(log["kind"] == EV.RELEASE) & (log["actor"] == GOOGLE)]
        for ev in x:
            flagship = rel[rel["time"] == ev["time"]]
            assert len(flagship) == 1 and flagship["target"][0] == 0  # beside a closed flagship
            assert ev["value"] == pytest.approx(flagship["value"][0] - P[G.OPEN_LINE_OOM])


def test_open_lines_are_released_only_when_they_pay(small, batch):
    """Lines cost money: at ten times their cost labs release fewer."""
    dear = simulate(small.with_values(labs__open_line_cost=1.0), range(6))
    base_n = sum(len(x) for x in _line_releases(batch))
    dear_n = sum(len(x) for x in _line_releases(dear))
    assert base_n > 0 and dear_n < 0.8 * base_n
    # the net value each decision logged has the sign its draw mostly followed
    vals = np.concatenate([x["value2"] for x in _line_releases(batch)])
    assert np.mean(vals > -1e-3) > 0.5
