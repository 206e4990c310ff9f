"""The Agents page: step the reference engine, inspect agents, filter the population."""

from __future__ import annotations

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from sim.actors import LAB_NAMES
from sim.params.spec import LAB_DEFAULTS, L
from sim.vocab import REGION_NAMES
from viz.population import HIDDEN_FIELDS, filter_enterprises

from .conftest import ROOT
from .viz_fixtures import small_scenarios

PAGE = str(ROOT / "viz" / "pages" / "agents.py")


def _table(at, column):
    """The first data frame of the page with ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("AIMARKET_SCENARIOS", str(small_scenarios(tmp_path / "scenarios")))
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.run()
    assert not at.exception
    return at


def test_page_opens_on_the_first_month(app):
    assert not app.info and not app.error
    assert "1 of 36 months" in app.subheader[0].value
    assert len(_table(app, "releases")) == len(LAB_NAMES)
    assert len(app.get("vega_lite_chart")) >= 1


def test_step_and_inspect(app):
    app.button(key="start").click().run()
    assert not app.exception
    assert "0 of 36 months" in app.subheader[0].value
    app.button(key="step1").click().run()
    assert "1 of 36 months" in app.subheader[0].value
    app.button(key="step12").click().run()
    assert "13 of 36 months" in app.subheader[0].value
    assert "January 2024" in app.subheader[0].value
    model = app.session_state["model"]
    assert model.month == 13
    labs = _table(app, "releases")
    # one row per lab of the parameter table, open labs as OpenLab
    open_labs = sum(1 for d in LAB_DEFAULTS.values() if d[L.OPEN0])
    assert len(labs) == len(LAB_DEFAULTS)
    assert (labs["kind"] == "OpenLab").sum() == open_labs
    assert (labs["kind"] == "ClosedVendor").sum() == len(LAB_DEFAULTS) - open_labs
    app.selectbox(key="lab").set_value(LAB_NAMES[1]).run()
    shown = app.json[0].value
    assert '"cash, USD B"' in shown and '"funding"' in shown
    assert not any(f'"{f}"' in shown for f in HIDDEN_FIELDS)
    ents = _table(app, "sector")
    assert len(ents) == 200
    app.multiselect(key="f_region").set_value(["eu"]).run()
    app.multiselect(key="f_size").set_value(["large"]).run()
    ents = _table(app, "sector")
    assert len(ents) < 200 and set(ents["region"]) <= {"eu"} and set(ents["size"]) <= {"large"}
    assert f"{len(ents)} of 200" == app.metric[0].value
    app.selectbox(key="enterprise").set_value(int(ents["enterprise"].iloc[0])).run()
    ent = app.json[1].value
    # regions, labs and clouds by name, never by id
    assert '"region": "eu"' in ent and '"vendor"' not in ent and '"closed API vendor"' in ent
    assert '"cloud": "' in ent
    app.number_input(key="developer").set_value(5).run()
    assert not app.exception
    dev = app.json[2].value
    assert '"ecosystem": "' in dev and any(f'"region": "{r}"' in dev for r in REGION_NAMES)
    app.button(key="step_all").click().run()
    assert "36 of 36 months" in app.subheader[0].value and "end state" in app.subheader[0].value


def test_filter_enterprises_on_data():
    frame = pl.DataFrame(
        {
            "region": ["eu", "na", "eu"],
            "size": ["large", "small", "small"],
            "sector": ["other", "other", "regulated data"],
            "deployment": ["hybrid", "closed_api", "not adopted"],
        }
    )
    assert filter_enterprises(frame).height == 3
    assert filter_enterprises(frame, regions=["eu"]).height == 2
    assert filter_enterprises(frame, regions=["eu"], sizes=["small"]).height == 1
    assert filter_enterprises(frame, deployments=["hybrid", "closed_api"]).height == 2
    assert filter_enterprises(frame, sectors=["regulated data"], sizes=["large"]).height == 0
