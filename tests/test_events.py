"""The event table covers every kind in both engines, and events are attributed to the kind
of actor the table says."""

from __future__ import annotations

import numpy as np
import pytest

from sim.actors import ACTOR_KINDS
from sim.engine.agents import Hardware, Lab, Regulator
from sim.engine.batch import simulate
from sim.events import EV, EVENT_TABLE, SCHEDULED
from sim.params.scenario import load_scenario
from sim.rules import dispatch, lifecycle

from .conftest import ROOT


def test_every_scheduled_kind_has_a_handler_and_an_agent():
    for kind in SCHEDULED:
        row = EVENT_TABLE[kind]
        assert row.agent is not None and row.method is not None, row.name
        if kind == EV.CLEARING:
            continue
        assert callable(getattr(lifecycle, row.handler)), row.name
    logged = [k for k in EVENT_TABLE if k.priority is None]
    assert all(k.handler is None and k.agent is None for k in logged)


def test_fast_dispatch_handles_every_scheduled_kind():
    assert set(dispatch.HANDLED) == set(SCHEDULED) - {EV.CLEARING}


def test_reference_agents_have_the_methods_the_table_names():
    owners = {"lab": Lab, "eu_regulator": Regulator, "us_regulator": Regulator}
    owners["hardware"] = Hardware
    for kind in SCHEDULED:
        row = EVENT_TABLE[kind]
        if kind == EV.CLEARING:
            continue
        assert hasattr(owners[row.agent], row.method), (row.name, row.agent, row.method)


@pytest.fixture(scope="module")
def logs():
    """Event logs of small runs of scenarios where every kind of event happens."""
    out = []
    for name in ("baseline", "strict_liability", "frontier_cost_explosion", "export_controls"):
        sc = load_scenario(ROOT / "scenarios" / f"{name}.toml").with_values(
            run__enterprises=200, run__developers=1000
        )
        b = simulate(sc, range(8))
        out += [b.logs[r, : b.log_n[r]] for r in range(8)]
    return np.concatenate(out)


def test_events_are_attributed_to_the_kind_of_actor_the_table_says(logs):
    seen = set()
    for kind in np.unique(logs["kind"]):
        row = EVENT_TABLE[int(kind)]
        actors = np.unique(logs["actor"][logs["kind"] == kind])
        kinds = {ACTOR_KINDS[a] for a in actors}
        assert kinds == {row.actor}, (row.name, kinds)
        seen.add(row.name)
    # the runs cover the kinds whose attribution went wrong before the actor table existed
    for name in ("reg_phase", "export_control", "liability_shock", "hardware_step"):
        assert name in seen
    assert {"enterprise_reviews", "developer_switches", "release", "license_switch"} <= seen
