"""The Story page: a run by number or the typical run of an end state, read from a folder."""

from __future__ import annotations

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from experiments.summary import DECIDED_LABELS
from sim.rules.classify import CONDITIONS
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


def test_page_opens_on_the_typical_run_of_the_most_frequent_end_state(app, batch):
    runs = read_results(batch).runs
    assert not app.error and not app.info
    top = runs["end_state"].cast(pl.String).value_counts(sort=True)["end_state"][0]
    run = typical_run(runs, top)
    assert app.subheader[0].value == f"Run {run} ends in {top}"
    assert len(app.get("vega_lite_chart")) == 3 and app.code[0].value


def test_an_empty_results_root_gets_the_baselines_batch(tmp_path, monkeypatch):
    monkeypatch.setenv("AIMARKET_SCENARIOS", str(small_scenarios(tmp_path / "scenarios")))
    monkeypatch.setenv("AIMARKET_RESULTS", str(tmp_path / "results"))
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.run()
    assert not at.exception and not at.error
    assert "baseline: 200 runs" in at.caption[0].value
    assert at.subheader[0].value.startswith("Run ")


def test_run_by_number_tells_its_story(app, batch):
    runs = read_results(batch).runs
    app.radio(key="mode").set_value("by number").run()
    app.number_input(key="run").set_value(3).run()
    assert not app.exception and not app.error
    end = runs.filter(pl.col("run") == 3)["end_state"][0]
    assert app.subheader[0].value == f"Run 3 ends in {end}"
    indicators = app.dataframe[0].value  # each definition's conditions, one row each
    assert len(indicators) == len(CONDITIONS) and {"needs", "held"} <= set(indicators.columns)
    assert indicators.columns[:3].tolist() == ["end state", "condition", "held"]  # in view
    row = runs.filter(pl.col("run") == 3).row(0, named=True)
    assert app.caption[1].value.startswith(DECIDED_LABELS[row["decided_by"]])
    assert "Run 3 of scenario 'baseline'" in app.code[0].value
    assert f"End state: {end}" in app.code[0].value


def test_typical_run_of_an_end_state(app, batch):
    runs = read_results(batch).runs
    state = runs["end_state"].cast(pl.String)[0]
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


def test_foreign_folder_is_a_message(app, batch):
    other = batch.parent / "notes"
    other.mkdir(exist_ok=True)
    (other / "notes.txt").write_text("not results")
    app.selectbox(key="folder").set_value("another folder...").run()
    app.text_input(key="folder_path").input(str(other)).run()
    assert not app.exception
    assert app.error and "missing" in app.error[0].value and "manifest.json" in app.error[0].value


def _error_for(app, text: str) -> str:
    app.selectbox(key="folder").set_value("another folder...").run()
    app.text_input(key="folder_path").input(text).run()
    assert not app.exception and len(app.error) == 1
    return app.error[0].value.replace(text, "PATH")


def test_folders_outside_the_results_root_are_refused_alike(app, batch, tmp_path):
    root = batch.parent.parent
    outside = tmp_path / "outside"
    outside.mkdir()
    batch_copy = outside / "copy"
    batch_copy.mkdir()
    for f in batch.iterdir():  # a real results folder, but outside the root
        (batch_copy / f.name).write_bytes(f.read_bytes())
    messages = {
        _error_for(app, str(batch_copy)),
        _error_for(app, str(tmp_path / "missing")),
        _error_for(app, "../" * len(root.parts) + str(batch_copy).lstrip("/")),
        _error_for(app, "/tmp/no-such-aimarket-folder"),
    }
    assert len(messages) == 1 and "expected a folder under" in messages.pop()
    # inside the root, relative to it, a batch opens
    app.text_input(key="folder_path").input(str(batch.relative_to(root))).run()
    assert not app.error and app.subheader[0].value.startswith("Run ")
    assert f"{batch.name}" in app.caption[0].value or "runs from" in app.caption[0].value
