"""The Explore page: a batch from the sidebar, shares beside the baseline and the expert's."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import ROOT
from .viz_fixtures import small_scenarios

PAGE = str(ROOT / "viz" / "pages" / "explore.py")


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("AIMARKET_SCENARIOS", str(small_scenarios(tmp_path / "scenarios")))
    monkeypatch.setenv("AIMARKET_RESULTS", str(tmp_path / "results"))
    return tmp_path


def _app() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.run()
    assert not at.exception
    return at


def test_batch_shows_shares_beside_baseline_and_expert(env):
    at = _app()
    at.selectbox(key="scenario").set_value("strict")
    at.number_input(key="runs").set_value(12)
    at.run()
    at.selectbox(key="horizon_strict").set_value("December 2031")  # reaches 2029 and 2031
    at.run()
    at.button(key="run").click().run()
    assert not at.exception and not at.error
    state = at.session_state["explore"]
    assert "strict" in state["folder"] and "baseline" in state["baseline"]
    table = at.dataframe[0].value
    assert set(table["end_state"]) == {"open_deepening", "bigtech_oligopoly", "gap_widens"}
    assert {"strict (this batch)", "baseline (baseline)", "expert estimate"} <= set(table.columns)
    assert (
        table.loc[table["end_state"] == "open_deepening", "expert estimate"]
        .iloc[0]
        .startswith("0.45")
    )
    shares = [float(v.split()[0]) for v in table["strict (this batch)"]]
    assert abs(sum(shares) - 1.0) < 0.01
    assert "12 runs" in at.subheader[0].value
    # how the runs were decided, the answer by horizon, the classifier's sensitivity (one row
    # per moved threshold, shares summing to 1) and the conditions of each definition
    assert any(c.value.startswith("How the runs were decided: clear-cut") for c in at.caption)
    horizon = at.dataframe[1].value
    assert list(horizon["variant"]) == ["as of December 2029", "as of December 2031"]
    sens = at.dataframe[2].value
    assert "classifier.open_hhi_max = 0.25" in set(sens["variant"])
    for frame in (horizon, sens):
        total = frame["open_deepening"] + frame["bigtech_oligopoly"] + frame["gap_widens"]
        assert ((total - 1.0).abs() < 0.01).all()
    held = at.dataframe[3].value
    assert set(held["end state"]) == {"open_deepening", "bigtech_oligopoly", "gap_widens"}
    assert "open weights the default for new deployments" in set(held["condition"])
    # a rerun of the page reads the batch back: no new folder, same results
    folders = sorted((env / "results" / "view").iterdir())
    at.run()
    assert sorted((env / "results" / "view").iterdir()) == folders
    assert at.dataframe[0].value.equals(table)


def test_impossible_parameter_is_a_message_not_a_traceback(env):
    at = _app()
    at.number_input(key="baseline:drivers.feedback.strength").set_value(-2.0)
    at.run()
    at.button(key="run").click().run()
    assert not at.exception
    assert at.error and "drivers.feedback.strength" in at.error[0].value
    # the batch shown is still the one the page opened on
    assert "baseline" in at.session_state["explore"]["folder"]


def test_page_opens_on_the_baseline_batch(env):
    at = _app()  # no button pressed
    assert not at.error and not at.info
    assert at.subheader[0].value.startswith("baseline: 200 runs")
    assert set(at.dataframe[0].value["end_state"]) >= {"open_deepening", "gap_widens"}
    assert len(at.get("vega_lite_chart")) >= 7
    # a second visit (a new session) reads the batch back
    folders = sorted((env / "results" / "view").iterdir())
    _app()
    assert sorted((env / "results" / "view").iterdir()) == folders


def test_empty_scenarios_folder_is_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("AIMARKET_SCENARIOS", str(tmp_path))
    at = _app()
    assert at.error and "scenario files" in at.error[0].value


def test_a_scenario_with_worlds_shows_the_ensemble(env):
    import numpy as np

    from experiments.worlds import write_worlds

    keys = ["enterprises.open_friction", "technology.catchup"]
    values = np.array([[1.0, 0.1], [14.0, 0.9]])
    folder = env / "scenarios"
    write_worlds(folder / "strict.worlds.parquet", keys, values, np.ones(2), {"x": 1})
    at = _app()
    at.selectbox(key="scenario").set_value("strict")
    at.number_input(key="runs").set_value(8)
    at.run()
    at.button(key="run").click().run()
    assert not at.exception and not at.error
    assert "worlds" in at.session_state["explore"]["folder"]
    text = " ".join(m.value for m in at.markdown)
    assert "worlds** drawn; between-worlds share" in text
