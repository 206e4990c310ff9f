"""Every id-to-name table is derived from its one source, and agrees with it."""

from __future__ import annotations

from sim.actors import ACTOR_KINDS, ACTOR_NAMES, CLOUD_NAMES, LAB_NAMES, A, actors_of_kind
from sim.calendar import START_YEAR, event_day, month_date
from sim.events import EV, EVENT_KINDS, EVENT_TABLE
from sim.params.spec import (
    CLOUD_DEFAULTS,
    CLOUD_PARAMS,
    GLOBAL_PARAMS,
    LAB_DEFAULTS,
    LAB_PARAMS,
    C,
    G,
    L,
)
from sim.rules.classify import IND, INDICATOR_NAMES, INDICATOR_SERIES
from sim.state import SERIES_NAMES, S, lab_series
from sim.vocab import (
    END_STATES,
    OPT,
    OPTION_NAMES,
    REGION_NAMES,
    TERM_NAMES,
    End,
    Region,
    T,
    option_name,
)


def _agrees(enum, names):
    assert [m.name.lower() for m in enum] == [n.lower() for n in names]
    assert [int(m) for m in enum] == list(range(len(names)))


def test_actor_ids_follow_the_actor_table():
    _agrees(A, ACTOR_NAMES)
    assert ACTOR_NAMES[: len(LAB_NAMES)] == LAB_NAMES
    assert ACTOR_NAMES[len(LAB_NAMES) : len(LAB_NAMES) + len(CLOUD_NAMES)] == CLOUD_NAMES
    assert LAB_NAMES == tuple(LAB_DEFAULTS) and CLOUD_NAMES == tuple(CLOUD_DEFAULTS)
    assert actors_of_kind("lab") == tuple(range(len(LAB_NAMES)))
    assert [ACTOR_NAMES[i] for i in actors_of_kind("regulator")] == [
        "eu_regulator",
        "us_regulator",
    ]
    assert len(ACTOR_KINDS) == len(ACTOR_NAMES)
    # the regression of the hand-numbered ids: regulators are not clouds
    assert ACTOR_NAMES[A.EU_REGULATOR] == "eu_regulator"
    assert ACTOR_NAMES[A.HARDWARE] == "hardware"


def test_parameter_indices_follow_the_spec():
    assert list(GLOBAL_PARAMS) == list(G)
    assert list(LAB_PARAMS) == list(L)
    assert list(CLOUD_PARAMS) == list(C)
    for lab in LAB_NAMES:
        assert set(LAB_DEFAULTS[lab]) == set(L), lab
    for cloud in CLOUD_NAMES:
        assert set(CLOUD_DEFAULTS[cloud]) == set(C), cloud
    keys = [p.key for p in GLOBAL_PARAMS.values()]
    assert len(keys) == len(set(keys))


def test_small_vocabularies():
    _agrees(Region, REGION_NAMES)
    _agrees(End, END_STATES)
    _agrees(T, TERM_NAMES)
    _agrees(EV, EVENT_KINDS)
    assert EVENT_KINDS == tuple(k.name for k in EVENT_TABLE)
    assert len(OPT) == len(OPTION_NAMES)
    assert option_name(-1) == "none" and option_name(OPT.HYBRID) == "hybrid"
    _agrees(S, (*SERIES_NAMES, "n"))
    assert SERIES_NAMES[lab_series(LAB_NAMES.index("mistral"), "cash")] == "mistral_cash"
    assert INDICATOR_NAMES == (
        *(f"final_{SERIES_NAMES[s]}" for s in INDICATOR_SERIES),
        "final_gap_trend",
        "final_gap_reference",
    )
    _agrees(IND, tuple(n.removeprefix("final_") for n in INDICATOR_NAMES))


def test_calendar():
    assert month_date(0).isoformat() == f"{START_YEAR}-01-01"
    assert month_date(13).isoformat() == f"{START_YEAR + 1}-02-01"
    assert event_day(0.0).isoformat() == f"{START_YEAR}-01-01"
    assert event_day(1.5).isoformat() == f"{START_YEAR}-02-15"
    assert event_day(12.0 - 1e-6).isoformat() == f"{START_YEAR}-12-31"


def test_a_batch_dates_its_events_as_event_day_does():
    """events.parquet's dates are computed for millions of events at once: the same days as
    event_day, at month starts, just before month ends and anywhere between."""
    import numpy as np

    from experiments.tables import event_dates

    rng = np.random.default_rng(7)
    edges = np.arange(0.0, 121.0)
    times = np.concatenate([rng.uniform(0.0, 121.0, 5000), edges, edges + 1 - 1e-6, edges + 0.5])
    want = np.array([event_day(t) for t in times], dtype="datetime64[D]")
    assert (event_dates(times) == want).all()
