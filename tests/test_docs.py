"""docs/model.md states every parameter, event kind and trajectory series of the code."""

from __future__ import annotations

from sim.params.doc import BEGIN, END, parameter_table_markdown
from sim.params.spec import CLOUD_PARAMS, GLOBAL_PARAMS, LAB_PARAMS, RUN_KEYS
from sim.state import EV, SERIES_NAMES

from .conftest import ROOT

DOC = (ROOT / "docs" / "model.md").read_text()


def test_parameter_tables_are_current():
    section = DOC.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert section == parameter_table_markdown().strip(), "run: uv run python -m sim.params.doc"


def test_every_parameter_event_and_series_is_documented():
    keys = [p.key for p in GLOBAL_PARAMS.values()] + list(RUN_KEYS)
    keys += [f"`{spec[0]}`" for spec in (*LAB_PARAMS.values(), *CLOUD_PARAMS.values())]
    missing = [k for k in keys if k not in DOC]
    missing += [k.name.lower() for k in EV if k.name.lower() not in DOC]
    missing += [s for s in SERIES_NAMES if s not in DOC]
    assert not missing, missing
