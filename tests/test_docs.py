"""docs/model.md states every parameter, event kind and trajectory series of the code, and the
baseline scenario file is the spec's defaults plus the fitted values."""

from __future__ import annotations

import tomllib

import pytest

from experiments.calibration import fit_keys
from sim.events import EV
from sim.params.doc import SECTIONS
from sim.params.scenario import default_values, load_scenario
from sim.params.spec import CLOUD_PARAMS, GLOBAL_PARAMS, LAB_PARAMS, RUN_KEYS
from sim.params.template import render_baseline
from sim.state import LAB_SERIES, MARKET_SERIES, lab_column

from .conftest import BASELINE, ROOT

DOC = (ROOT / "docs" / "model.md").read_text()


@pytest.mark.parametrize("name,render", SECTIONS, ids=[n for n, _ in SECTIONS])
def test_generated_sections_are_current(name, render):
    section = DOC.split(f"<!-- {name}:begin -->", 1)[1].split(f"<!-- {name}:end -->", 1)[0]
    assert section.strip() == render().strip(), "run: uv run python -m sim.params.doc"


def test_every_parameter_event_and_series_is_documented():
    keys = [p.key for p in GLOBAL_PARAMS.values()] + list(RUN_KEYS)
    keys += [f"`{spec.key}`" for spec in (*LAB_PARAMS.values(), *CLOUD_PARAMS.values())]
    missing = [k for k in keys if k not in DOC]
    missing += [k.name.lower() for k in EV if f"`{k.name.lower()}`" not in DOC]
    missing += [s for s in MARKET_SERIES if f"`{s}`" not in DOC]
    missing += [s for s in LAB_SERIES if f"`{lab_column('<lab>', s)}`" not in DOC]
    assert not missing, missing


def test_baseline_is_the_defaults_with_the_fitted_values():
    base = load_scenario(BASELINE)
    defaults = default_values()
    fitted = set(fit_keys())
    differ = {
        k for k, v in base.values.items() if not k.startswith("scenario.") and defaults[k] != v
    }
    assert differ <= fitted, f"baseline values that are neither defaults nor fitted: {differ}"
    text = BASELINE.read_text()
    toml = tomllib.loads(text)

    def get(key):
        node = toml
        for part in key.split("."):
            node = node[part]
        return node

    assert text == render_baseline({k: get(k) for k in fitted}), (
        "scenarios/baseline.toml is rendered from the parameter table: edit "
        "sim/params/parameters.toml or actors.toml, then "
        "uv run aimarket calibrate (or render_baseline with the fitted values)"
    )
