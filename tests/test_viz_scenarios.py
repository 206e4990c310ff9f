"""The Scenarios page: the compare table charted, with paired differences from the first."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import ROOT
from .viz_fixtures import small_scenarios

PAGE = str(ROOT / "viz" / "pages" / "scenarios.py")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("AIMARKET_SCENARIOS", str(small_scenarios(tmp_path / "scenarios")))
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.run()
    assert not at.exception
    return at


def test_compare_two_scenarios(app):
    app.multiselect(key="names").set_value(["baseline", "strict"])
    app.number_input(key="runs").set_value(10)
    app.run()
    app.button(key="compare").click().run()
    assert not app.exception and not app.error
    table = app.dataframe[0].value
    assert set(table["scenario"]) == {"baseline", "strict"}
    assert len(table) == 6
    base = table[table["scenario"] == "baseline"]
    assert (base["difference"] == 0).all()
    for _, grp in table.groupby("scenario"):
        assert abs(grp["share"].sum() - 1.0) < 1e-9
    assert "10 runs each" in app.subheader[0].value
    assert "strict" in app.code[0].value


def test_one_scenario_is_a_message(app):
    app.multiselect(key="names").set_value(["baseline"]).run()
    app.button(key="compare").click().run()
    assert not app.exception
    assert app.error and "at least two" in app.error[0].value


def test_page_opens_on_the_comparison_of_its_default_choice(app):
    assert not app.error and not app.info
    assert app.subheader[0].value == "2 scenarios, 200 runs each"
    assert len(app.get("vega_lite_chart")) == 2
    table = app.dataframe[0].value
    # p-values as `aimarket compare` prints them (2 significant digits), never rounded to 0
    assert table["p_value"].map(lambda p: p == "nan" or float(p) > 0 or p == "1").all()


def test_the_comparison_draws_from_a_worlds_file(tmp_path, monkeypatch):
    import numpy as np

    from experiments.worlds import worlds_path, write_worlds

    from .conftest import TINY_KEYS, TINY_VALUES

    folder = small_scenarios(tmp_path / "scenarios")
    meta = {"format": 1, "scenario_path": "baseline.toml"}
    write_worlds(worlds_path(folder / "baseline.toml"), TINY_KEYS, TINY_VALUES, np.ones(3), meta)
    monkeypatch.setenv("AIMARKET_SCENARIOS", str(folder))
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.run()
    at.multiselect(key="names").set_value(["baseline", "strict"])
    at.number_input(key="runs").set_value(10)
    at.run()
    at.button(key="compare").click().run()
    assert not at.exception and not at.error
    caption = " ".join(c.value for c in at.caption)
    # baseline draws from its own (3 worlds); strict extends the project's baseline, whose
    # worlds file it draws from (as `aimarket run` would)
    assert "Runs drawn from worlds files: baseline 3 worlds" in caption
    assert "over worlds and runs" in at.code[0].value
