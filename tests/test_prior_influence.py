"""The prior's influence beside a worlds file: written by the identifiability step, shown by
``run`` and Explore only for the very worlds file it was measured on."""

from __future__ import annotations

import json

import numpy as np
import polars as pl

from experiments.ensemble import ensemble_summary, render_ensemble
from experiments.prior_influence import (
    influence_path,
    read_influence,
    render_influence,
    write_influence,
)
from experiments.worlds import read_worlds, worlds_path, write_worlds
from sim.vocab import END_STATES

from .conftest import TINY_KEYS, TINY_VALUES


def _rows(opens: list[float]) -> list[dict]:
    rows = []
    for scale, o in zip((1.0, 0.5, 1.25), opens, strict=True):
        rest = (1.0 - o) / (len(END_STATES) - 1)
        shares = {k: o if j == 0 else rest for j, k in enumerate(END_STATES)}
        rows.append(
            {
                "scale": scale,
                "worlds": 10,
                "between": 0.1,
                "shares": {
                    k: {"share": v, "lo": v - 0.01, "hi": v + 0.01} for k, v in shares.items()
                },
            }
        )
    return rows


def test_the_record_is_read_back_for_its_own_worlds_file_only(tmp_path):
    w = tmp_path / "base.worlds.parquet"
    digest = write_worlds(w, TINY_KEYS, TINY_VALUES, np.ones(3), {"format": 1})
    out = write_influence(w, digest, "base.toml", _rows([0.8, 0.7, 0.9]), "cmd")
    assert out == influence_path(w) == tmp_path / "base.prior-influence.json"
    rec = read_influence(w, digest)
    assert [s["scale"] for s in rec["scales"]] == [0.5, 1.0, 1.25]  # ordered by scale
    assert rec["scales"][0]["shares"][END_STATES[0]] == 0.7
    # the worlds file refitted: the record no longer describes it
    other = write_worlds(w, TINY_KEYS, TINY_VALUES * 1.01, np.ones(3), {"format": 1})
    assert other != digest and read_influence(w, other) is None
    head = {"worlds_sha256": digest, "scenario": "b"}
    for bad in (
        "{not json",
        json.dumps({**head, "scales": []}),
        json.dumps({**head, "scales": [{"shares": {"a": 1}}]}),
        json.dumps({**head, "scales": [{"scale": 1, "shares": {"a": "x"}}]}),
    ):
        out.write_text(bad)
        assert read_influence(w, digest) is None, bad


def test_the_line_names_every_state_under_every_prior():
    rec = {
        "scenario": "base.toml",
        "scales": [
            {"scale": s, "shares": {k: v for k, v in zip(END_STATES, sh, strict=True)}}
            for s, sh in ((0.5, (0.69, 0.31, 0.0)), (1.0, (0.82, 0.14, 0.04)))
        ],
    }
    line = render_influence(rec)
    assert "x0.5 / x1" in line and f"{END_STATES[0]} 69% / 82%" in line
    assert "not measured" in render_influence(None)


def test_a_batch_drawn_from_the_worlds_reports_their_influence(tiny_worlds):
    wf = worlds_path(tiny_worlds)
    ens = read_worlds(wf)
    runs = pl.DataFrame(
        {
            "world": [0, 1, 2, 0],
            "end_state": [END_STATES[0], END_STATES[1], END_STATES[0], END_STATES[0]],
        }
    )
    before = ensemble_summary(runs, ens, 1)
    assert before["prior_influence"] is None
    assert "not measured" in render_ensemble(before)
    write_influence(wf, ens.digest, tiny_worlds.name, _rows([0.8, 0.7, 0.9]), "cmd")
    after = ensemble_summary(runs, ens, 1)
    assert after["prior_influence"]["scenario"] == tiny_worlds.name
    assert "Prior's influence" in render_ensemble(after) and "70% / 80% / 90%" in render_ensemble(
        after
    )


def test_another_scenario_drawn_from_the_worlds_is_told_the_figures_are_not_its_own(tiny_worlds):
    wf = worlds_path(tiny_worlds)
    ens = read_worlds(wf)
    runs = pl.DataFrame({"world": [0, 1], "end_state": [END_STATES[0], END_STATES[1]]})
    write_influence(wf, ens.digest, tiny_worlds.name, _rows([0.8, 0.7, 0.9]), "cmd")
    own = render_ensemble(ensemble_summary(runs, ens, 1, str(tiny_worlds)))
    assert "not measured for" not in own and "70% / 80% / 90%" in own
    variant = render_ensemble(ensemble_summary(runs, ens, 1, "scenarios/variant.toml"))
    assert f"not measured for variant.toml; on {tiny_worlds.name}" in variant
    assert "70% / 80% / 90%" in variant  # the measured scenario's figures, named as such
