"""Scenario files: validation, error messages, extends, hashing."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.params.scenario import ScenarioError, load_scenario, parse_scenario

from .conftest import BASELINE


def _error(text: str, tmp_path: Path) -> ScenarioError:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    msg = str(info.value)
    assert "bad.toml" in msg and "expected" in msg and "found" in msg
    return info.value


def test_baseline_loads(baseline):
    assert baseline.name == "baseline"
    assert baseline.months == 108
    assert baseline.n_enterprises >= 2000 and baseline.n_developers >= 10000


def test_extends_overrides_only_what_it_names(tmp_path, baseline):
    child = tmp_path / "child.toml"
    child.write_text(
        f'[scenario]\nname = "child"\nextends = "{BASELINE.as_posix()}"\n'
        "[drivers.ecosystem]\nstrength = 0.0\n"
    )
    sc = load_scenario(child)
    assert sc.values["drivers.ecosystem.strength"] == 0.0
    changed = {k for k in sc.values if sc.values[k] != baseline.values[k]}
    assert changed == {"drivers.ecosystem.strength", "scenario.name", "scenario.extends"}
    assert str(child) in sc.texts


def test_unknown_key_names_key_and_suggests(tmp_path):
    err = _error("[drivers.ecosystem]\nstrenght = 1.0\n", tmp_path)
    assert err.key == "drivers.ecosystem.strenght"
    assert "drivers.ecosystem.strength" in str(err)


def test_wrong_type(tmp_path):
    err = _error('[drivers.ecosystem]\nstrength = "high"\n', tmp_path)
    assert err.key == "drivers.ecosystem.strength" and "'high'" in str(err)


def test_out_of_range(tmp_path):
    err = _error("[enterprises]\nnest_lambda = 2.0\n", tmp_path)
    assert err.key == "enterprises.nest_lambda"


def test_bad_run_integer(tmp_path):
    err = _error("[run]\nruns = 2.5\n", tmp_path)
    assert err.key == "run.runs"


def test_malformed_toml(tmp_path):
    err = _error("[run\nruns = 3\n", tmp_path)
    assert "valid TOML" in str(err)


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "nope.toml")


def test_extends_cycle(tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text('[scenario]\nextends = "b.toml"\n')
    b.write_text('[scenario]\nextends = "a.toml"\n')
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(a)


def test_regional_shares_consistency(tmp_path):
    err = _error("[enterprises]\nshare_eu = 0.6\nshare_cn = 0.6\n", tmp_path)
    assert "share" in err.key


def test_hash_ignores_seed_and_runs_but_not_parameters(baseline):
    assert baseline.with_values(run__seed=5, run__runs=3).hash == baseline.hash
    assert baseline.with_values(drivers__feedback__strength=0.5).hash != baseline.hash
    assert parse_scenario("").hash == parse_scenario("").hash


def test_every_scenario_file_loads():
    for path in sorted(BASELINE.parent.glob("*.toml")):
        sc = load_scenario(path)
        assert sc.name == path.stem
