"""The reference engine: Mesa agents on a SimPy clock, identical to the fast engine."""

from __future__ import annotations

import copy

import mesa
import numpy as np
import pytest

from sim.actors import CLOUD_NAMES, LAB_NAMES, N_CLOUDS, N_LABS
from sim.engine.agents import ClosedVendor, Developer, Enterprise, Lab, OpenLab, Regulator
from sim.engine.batch import simulate
from sim.engine.differential import batch_differences, engine_differences
from sim.engine.reference import MarketModel
from sim.params.scenario import load_scenario
from sim.params.spec import LAB_DEFAULTS, L
from sim.state import S
from sim.vocab import END_STATES

from .conftest import BASELINE, ROOT
from .test_comparative_statics import OPEN_WORLD

# (scenario file, overrides, runs): the runs are listed, or named by the end state they must
# reach (the first two of the first 64 runs that end there), so that between them every end
# state occurs whatever the calibration makes of particular run seeds
DIFFERENTIAL_CASES = [
    ("baseline.toml", {}, "bigtech_oligopoly"),
    ("baseline.toml", OPEN_WORLD, "open_deepening"),
    ("meta_retreat.toml", {}, [0, 1]),
    ("strict_liability.toml", {}, [0, 5]),  # liability shock in force
    ("frontier_cost_explosion.toml", {}, "gap_widens"),
]
_SEARCH = 64


def _scenario(name, over):
    return load_scenario(ROOT / "scenarios" / name).with_values(**over)


def _runs(name, over, runs) -> list[int]:
    if not isinstance(runs, str):
        return list(runs)
    ends = simulate(_scenario(name, over), range(_SEARCH)).end_states
    found = [int(r) for r in np.flatnonzero(ends == END_STATES.index(runs))[:2]]
    assert found, f"no run of the first {_SEARCH} of {name} {over} ends in {runs}"
    return found


@pytest.mark.parametrize(("name", "over", "runs"), DIFFERENTIAL_CASES)
def test_engines_agree_event_by_event(name, over, runs):
    diffs, fast = engine_differences(_scenario(name, over), _runs(name, over, runs), rtol=1e-9)
    assert not diffs, "\n".join(diffs)
    assert fast.log_n.min() > 50  # the logs compared are real histories


def test_differential_cases_cover_every_end_state():
    seen = set()
    for name, over, runs in DIFFERENTIAL_CASES:
        b = simulate(_scenario(name, over), _runs(name, over, runs))
        seen |= {END_STATES[int(e)] for e in b.end_states}
    assert seen == set(END_STATES)


def test_differential_report_points_to_first_diverging_event(small):
    a = simulate(small, [0, 1])
    b = copy.deepcopy(a)
    b.logs[1, 17]["time"] += 1e-6
    b.logs[1, 30]["kind"] = (int(b.logs[1, 30]["kind"]) + 1) % 5
    diffs = batch_differences(a, b)
    assert len(diffs) == 1
    assert diffs[0].startswith("run 1") and "first diverging event #17" in diffs[0]
    c = copy.deepcopy(a)
    c.trajectories[0, 40, S.OPEN_SHARE] += 1e-3
    assert "trajectories differ first in 2026-05 open_share" in batch_differences(a, c)[0]
    assert batch_differences(a, a) == []


@pytest.fixture(scope="module")
def model() -> MarketModel:
    sc = load_scenario(BASELINE).with_values(run__enterprises=300, run__developers=1500)
    return MarketModel(sc, run=1)


def test_every_actor_is_a_mesa_agent(model):
    by_type = model.agents_by_type
    n_open = sum(1 for d in LAB_DEFAULTS.values() if d[L.OPEN0])  # open at the start
    assert len(by_type[OpenLab]) == n_open and len(by_type[ClosedVendor]) == N_LABS - n_open
    assert {a.name for a in by_type[Regulator]} == {"eu_regulator", "us_regulator"}
    assert len(by_type[Enterprise]) == 300 and len(by_type[Developer]) == 1500
    names = {c.name for c in model.cloud_agents}
    assert len(model.cloud_agents) == N_CLOUDS and names == set(CLOUD_NAMES)
    mistral = model.labs_by_name["mistral"]
    assert isinstance(mistral, Lab) and mistral.open == 1 and mistral.state["alive"] == 1
    with pytest.raises(AttributeError):
        _ = mistral.no_such_field
    # a record field written on an agent is the state the rules read
    k = LAB_NAMES.index("mistral")
    cash = model.labs[k]["cash"]
    mistral.cash = cash + 1.0
    assert model.labs[k]["cash"] == cash + 1.0 and mistral.cash == cash + 1.0
    mistral.cash = cash


def test_step_advances_one_month_and_collects(model):
    model.step()
    assert model.steps == 1 and model.month == 1
    model.step()
    assert model.month == 2
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 2 and 0.0 <= frame["open_share"].iloc[-1] <= 1.0
    assert frame["adopted"].iloc[-1] > 0.0 and frame["gap_months"].iloc[-1] > 0.0
    labs = model.datacollector.get_agenttype_vars_dataframe(Lab)
    assert len(labs) == 2 * N_LABS and {"cap_open", "markup", "devs"} <= set(labs.columns)
    # agents' state is the engine's state: a reviewed enterprise shows its choice
    adopted = [e for e in model.enterprises if e.option >= 0]
    assert adopted and all(e.deployment != "none" for e in adopted)
    assert (
        sum(d.ecosystem == "meta" for d in model.developers)
        == model.labs[LAB_NAMES.index("meta")]["devs"]
    )


def test_stepped_model_matches_fast_engine(model):
    while model.running:
        model.step()
    assert model.steps == model.months == 108
    fast = simulate(model.market_scenario, [1])
    assert np.array_equal(fast.trajectories[0], model.trajectories, equal_nan=True)
    assert END_STATES[int(fast.end_states[0])] == model.end_state
    kinds = {e["kind"] for e in model.event_log()}
    assert {"release", "enterprise_reviews", "developer_switches"} <= kinds
    mistral = model.labs_by_name["mistral"].events()
    assert any(e["kind"] == "release" for e in mistral)
    assert {e["actor_name"] for e in mistral} == {"mistral"}
    assert len(mistral) < len(model.event_log())


def test_mesa_batch_run(small):
    results = mesa.batch_run(
        MarketModel,
        parameters={
            "scenario": str(BASELINE),
            "run__enterprises": 200,
            "run__developers": 1000,
            "run__months": 36,
            "counterforces__liability__strength": [0.0, 2.0],
        },
        rng=[7, 8],
        max_steps=500,
        display_progress=False,
    )
    # one row per lab (agent-type reporters) for each of 2 seeds x 2 parameter values
    assert len(results) == 4 * N_LABS and len({r["RunId"] for r in results}) == 4
    for row in results:
        assert row["Step"] == 36 and 0.0 <= row["open_share"] <= 1.0 and "cap_open" in row
    # each row is the fast engine's run 0 with base seed rng
    row = next(r for r in results if r["counterforces__liability__strength"] == 2.0)
    seed = [7, 8][row["iteration"]]
    sc = load_scenario(BASELINE).with_values(
        run__enterprises=200,
        run__developers=1000,
        run__months=36,
        counterforces__liability__strength=2.0,
        run__seed=seed,
    )
    fast = simulate(sc, [0])
    assert row["open_share"] == fast.trajectories[0, 35, S.OPEN_SHARE]
