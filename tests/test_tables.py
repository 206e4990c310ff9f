"""Event texts: what the ``details`` column says must be true of the logged numbers."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import polars as pl
import pytest

from experiments.tables import events_frame, tidy_details
from sim.actors import ACTOR_NAMES
from sim.events import EVENT_KINDS
from sim.state import EVENT_DTYPE


def _events(rows: list[tuple], started: dict | None = None, runs: int = 1) -> list[str]:
    """Details of one run's log of (time, kind, actor, value, value2, target) rows (runs
    beyond the first have the same log)."""
    log = np.zeros((runs, len(rows)), dtype=EVENT_DTYPE)
    for i, (t, kind, actor, v, v2, target) in enumerate(rows):
        log[:, i] = (t, EVENT_KINDS.index(kind), ACTOR_NAMES.index(actor), v, v2, target)
    arrays = SimpleNamespace(
        logs=log, log_n=np.full(runs, len(rows)), runs=np.arange(runs, dtype=np.int64)
    )
    return events_frame(arrays, started)["details"].to_list()


def test_a_gap_ending_in_0_0_is_not_the_frontier():
    texts = [
        "open-weight model, capability 24.1, 10.0 months behind the closed frontier",
        "open-weight model, capability 24.1, 100.0 months behind the closed frontier",
        "closed model, capability 25.5, 0.0 months behind the closed frontier",
    ]
    tidy = pl.Series(texts).to_frame("d").select(tidy_details(pl.col("d")))["d"].to_list()
    assert tidy == [texts[0], texts[1], "closed model, capability 25.5, at the closed frontier"]
    release = _events([(3.0, "release", "mistral", 24.1, 10.0, 1)])
    assert release == [
        "open-weight model, capability 24.1 (log10 eff. FLOP), 10.0 months behind the closed "
        "frontier"
    ]


def test_a_price_cut_names_the_price_it_cuts_from():
    # a new, costlier model raised the price between the two cuts: the second cut is a cut
    texts = _events(
        [
            (30.5, "price_cut", "anthropic", 0.577, 0.18, 0),
            (31.0, "release", "anthropic", 27.1, 0.0, 0),
            (31.2, "price_cut", "anthropic", 0.605, 0.15, 0),
            (90.0, "price_cut", "openai", 0.000444, 0.2, 0),
        ]
    )
    assert texts[0] == "cuts its API price by 18.0% from 0.704 to 0.577 USD per M tokens"
    assert texts[2] == "cuts its API price by 15.0% from 0.712 to 0.605 USD per M tokens"
    # prices read at every magnitude (three significant digits), never "0.0"
    assert texts[3] == "cuts its API price by 20.0% from 0.000555 to 0.000444 USD per M tokens"


@pytest.mark.parametrize(
    ("before", "started", "says_weights"),
    [
        ([], None, False),  # a closed lab that never released open weights
        ([(5.0, "release", "anthropic", 25.0, 1.0, 0)], None, False),  # closed releases only
        ([(5.0, "release", "anthropic", 25.0, 1.0, 1)], None, True),  # an open flagship
        ([(5.0, "open_line", "anthropic", 24.0, 3.0, 1)], None, True),  # an open line
        ([(5.0, "release", "mistral", 25.0, 1.0, 1)], None, False),  # another lab's
        ([], {"anthropic": np.array([True])}, True),  # open weights out from the start
        ([], {"anthropic": np.array([False])}, False),
    ],
)
def test_wind_down_mentions_open_weights_only_if_there_are_some(before, started, says_weights):
    texts = _events([*before, (9.0, "wind_down", "anthropic", 0.0, 0.0, 0)], started)
    expected = "winds down; its open weights stay available" if says_weights else "winds down"
    assert texts[-1] == expected


def test_open_weights_are_counted_per_run():
    log = np.zeros((2, 2), dtype=EVENT_DTYPE)
    log[0, 0] = (5.0, EVENT_KINDS.index("release"), ACTOR_NAMES.index("mistral"), 25, 1, 1)
    log[1, 0] = (5.0, EVENT_KINDS.index("release"), ACTOR_NAMES.index("mistral"), 25, 1, 0)
    log[:, 1] = (9.0, EVENT_KINDS.index("wind_down"), ACTOR_NAMES.index("mistral"), 0, 0, 0)
    arrays = SimpleNamespace(logs=log, log_n=np.array([2, 2]), runs=np.array([0, 1]))
    details = events_frame(arrays)["details"].to_list()
    assert details[1] == "winds down; its open weights stay available"
    assert details[3] == "winds down"


def test_a_license_switch_against_its_net_value_says_it_was_a_draw():
    texts = _events(
        [
            (1.0, "license_switch", "mistral", 1.0, -0.02, 0),
            (2.0, "license_switch", "mistral", 0.0, -0.5, 0),
            (3.0, "license_switch", "mistral", 1.0, 0.3, 0),
            (4.0, "license_switch", "mistral", 0.0, 0.07, 0),
            (5.0, "license_switch", "mistral", 0.0, -1.0, 1),
        ]
    )
    assert texts == [
        "switches to open-weight releases despite a net value of open of -0.02 USD B a month "
        "(a draw)",
        "switches to closed releases (net value of open -0.5 USD B a month)",
        "switches to open-weight releases (net value of open 0.3 USD B a month)",
        "switches to closed releases despite a net value of open of 0.07 USD B a month (a draw)",
        "investors force the flagship closed",
    ]
