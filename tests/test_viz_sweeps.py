"""The Sweeps page: how to make a sweep without one; a sweep folder's analyses with one."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from viz.sweeps import find_sweeps, read_sweep

from .conftest import ROOT

PAGE = str(ROOT / "viz" / "pages" / "sweeps.py")


def _sweep(folder, with_analysis=True):
    folder.mkdir(parents=True)
    rng = np.random.default_rng(1)
    a, b = rng.uniform(0, 2, 40), rng.uniform(1, 3, 40)
    share = (a / 2).clip(0, 1)
    pl.DataFrame(
        {
            "point": range(40),
            "seed": range(40),
            "drivers.ecosystem.strength": a,
            "counterforces.frontier_cost.growth": b,
            "share_open_deepening": share,
            "share_gap_widens": 1 - share,
        }
    ).write_parquet(folder / "points.parquet")
    names = ["drivers.ecosystem.strength", "counterforces.frontier_cost.growth"]
    manifest = {"kind": "sweep", "name": "demo", "sampler": "sobol", "runs": 400}
    manifest["problem"] = {"names": names}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    if with_analysis:
        pl.DataFrame(
            {
                "output": ["share_open_deepening"] * 2,
                "parameter": names,
                "index": ["ST", "ST"],
                "value": [0.8, 0.1],
            }
        ).write_parquet(folder / "sensitivity.parquet")
        pl.DataFrame({"parameter": [names[0]], "low": [1.0], "high": [2.0]}).write_parquet(
            folder / "discover_open_deepening_box.parquet"
        )
    return folder


@pytest.fixture
def results(tmp_path, monkeypatch):
    monkeypatch.setenv("AIMARKET_RESULTS", str(tmp_path))
    return tmp_path


def _app() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def test_without_a_sweep_the_page_says_how_to_make_one(results):
    at = _app()
    assert at.info and "No sweep folder" in at.info[0].value
    assert "sweep" in at.markdown[0].value and str(results) in at.markdown[0].value


def test_a_sweep_folder_shows_sensitivity_heatmap_and_boxes(results):
    _sweep(results / "demo")
    assert find_sweeps(results) == [results / "demo"]
    at = _app()
    assert not at.error
    assert at.subheader[0].value == "demo: 40 points, 400 runs, sampler sobol"
    at.selectbox(key="state").set_value("gap_widens").run()
    assert not at.exception
    assert "**Discovery box: open_deepening**" in [m.value for m in at.markdown]
    sweep = read_sweep(results / "demo")
    assert sweep.states == ["open_deepening", "gap_widens"]
    assert sweep.parameters == ["drivers.ecosystem.strength", "counterforces.frontier_cost.growth"]


def test_same_axes_and_unfinished_sweeps_are_messages(results):
    _sweep(results / "demo", with_analysis=False)
    (results / "half").mkdir()
    (results / "half" / "manifest.json").write_text('{"kind": "sweep"}')
    at = _app()
    at.selectbox(key="sweep").set_value(str(results / "demo")).run()
    at.selectbox(key="y").set_value("drivers.ecosystem.strength").run()
    assert at.warning and "two different" in at.warning[0].value
    at.selectbox(key="sweep").set_value(str(results / "half")).run()
    assert not at.exception
    assert at.error and "points.parquet" in at.error[0].value


def test_folders_outside_the_results_root_are_refused_alike(results, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    _sweep(outside / "demo")  # a real sweep, but outside the root
    _sweep(results / "inside")
    at = _app()
    errors = []
    for text in (str(outside / "demo"), str(outside / "missing"), "../outside", "/tmp/x-none"):
        at.selectbox(key="sweep").set_value("another folder...").run()
        at.text_input(key="sweep_path").input(text).run()
        assert not at.exception and len(at.error) == 1
        errors.append(at.error[0].value.replace(text, "PATH"))
    assert len(set(errors)) == 1 and "expected a folder under" in errors[0]
    at.text_input(key="sweep_path").input("inside").run()  # relative to the root
    assert not at.error and at.subheader[0].value.startswith("demo: 40 points")


def _kept_sweep(folder, keep: str) -> None:
    from experiments.sweep.run import run_sweep
    from experiments.sweep.spec import load_spec

    from .sweep_util import write_spec

    folder.mkdir(parents=True)
    spec = write_spec(folder, points=3, replications=4, chunk=2, extra=f"keep = {keep}")
    run_sweep(load_spec(spec), folder / "out")


def test_a_point_of_a_kept_sweep_shows_its_fan_charts_and_typical_story(results):
    from experiments.sweep.kept import point_runs, point_typical_run, sweep_story

    _kept_sweep(results / "kept", '["trajectories", "events"]')
    folder = results / "kept" / "out"
    at = _app()
    at.selectbox(key="sweep").set_value(str(folder)).run()
    assert not at.exception and not at.error
    assert len(at.get("vega_lite_chart")) == 5  # heatmap, 3 fans, timeline
    at.number_input(key="point").set_value(2).run()
    assert not at.exception and not at.error
    state, run = point_typical_run(point_runs(folder, 2))
    assert at.code[0].value == sweep_story(folder, 2, run)
    assert any(c.value.startswith(f"run {run}: the typical run of {state},") for c in at.caption)


def test_a_sweep_without_kept_runs_says_how_to_keep_them(results):
    _kept_sweep(results / "plain", "[]")
    at = _app()
    assert not at.exception and not at.error
    assert any("--keep trajectories,events" in c.value for c in at.caption)
    assert not at.code
