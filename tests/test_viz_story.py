"""The Story page: a run by number or the typical run of an end state, read from a folder."""

from __future__ import annotations

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from viz.data import ViewError, read_results, typical_run

from .conftest import ROOT
from .viz_fixtures import small_batch, small_scenarios

PAGE = str(ROOT / "viz" / "pages" / "story.py")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("story")
    return small_batch(root / "results", small_scenarios(root / "scenarios"))


@pytest.fixture
def app(batch, monkeypatch):
    monkeypatch.setenv("AIMARKET_RESULTS", str(batch.parent.parent))
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    assert not at.exception
    return at


def test_run_by_number_tells_its_story(app, batch):
    runs = read_results(batch).runs
    app.number_input(key="run").set_value(3).run()
    assert not app.exception and not app.error
    end = runs.filter(pl.col("run") == 3)["end_state"][0]
    assert app.subheader[0].value == f"Run 3 ends in {end}"
    indicators = app.dataframe[0].value
    assert len(indicators) == 5 and "threshold" in indicators.columns
    assert "Run 3 of scenario 'baseline'" in app.code[0].value
    assert f"End state: {end}" in app.code[0].value


def test_typical_run_of_an_end_state(app, batch):
    runs = read_results(batch).runs
    state = runs["end_state"].cast(pl.String)[0]
    app.radio(key="mode").set_value("typical run of an end state").run()
    app.selectbox(key="end_state").set_value(state).run()
    assert not app.exception
    run = typical_run(runs, state)
    assert app.subheader[0].value == f"Run {run} ends in {state}"


def test_typical_run_is_the_one_nearest_the_median():
    runs = pl.DataFrame(
        {
            "run": [0, 1, 2],
            "end_state": ["gap_widens"] * 3,
            "final_open_share": [0.1, 0.5, 0.9],
            "final_gap_months": [1.0, 5.0, 9.0],
            "final_bigtech_open_share": [0.2, 0.5, 0.8],
        }
    )
    assert typical_run(runs, "gap_widens") == 1
    with pytest.raises(ViewError, match="no run"):
        typical_run(runs, "open_deepening")


def test_foreign_folder_is_a_message(app, tmp_path):
    (tmp_path / "notes.txt").write_text("not results")
    app.selectbox(key="folder").set_value("another folder...").run()
    app.text_input(key="folder_path").input(str(tmp_path)).run()
    assert not app.exception
    assert app.error and "missing" in app.error[0].value and "manifest.json" in app.error[0].value
