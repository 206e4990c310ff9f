"""Scenarios on the command line: --set overrides, validate, the scenario library listing,
--version, and files that start from the documented defaults or cannot find their parent."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.scenario_input import defaults_warning, load_for_cli, parse_set
from sim.params.scenario import ScenarioError, load_scenario

from .conftest import BASELINE, ROOT


def aimarket(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "experiments.cli", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _clean_error(proc: subprocess.CompletedProcess) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_a_scenario_without_extends_warns_that_it_starts_from_the_defaults(tmp_path):
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    proc = aimarket("validate", empty)
    assert proc.returncode == 0, proc.stderr
    assert "no [scenario] extends" in proc.stderr and "documented defaults" in proc.stderr
    assert 'extends = "baseline.toml"' in proc.stderr
    assert "from the documented defaults" in proc.stdout
    assert defaults_warning(load_scenario(BASELINE)) is None  # sets every parameter itself
    proc = aimarket("validate", BASELINE, ROOT / "scenarios" / "cloud_push.toml")
    assert proc.returncode == 0 and "warning" not in proc.stderr


def test_a_missing_parent_says_extends_and_how_it_is_resolved(tmp_path):
    copy = tmp_path / "mine.toml"
    copy.write_text(
        '[scenario]\nname = "strict-liability"\nextends = "baseline.toml"\n\n'
        "[counterforces.liability]\nstrength = 2.0\n"
    )
    proc = aimarket("run", copy)
    _clean_error(proc)
    assert "mine.toml" in proc.stderr and "scenario.extends" in proc.stderr
    assert "resolved relative to the folder of" in proc.stderr
    assert str(tmp_path / "baseline.toml") in proc.stderr


def test_switches_accept_true_and_false(tmp_path):
    f = tmp_path / "open.toml"
    f.write_text(
        f'[scenario]\nextends = "{BASELINE.as_posix()}"\n[labs.openai]\nopen = true\n'
        "[labs.meta]\nopen = false\n"
    )
    sc = load_scenario(f)
    assert sc.values["labs.openai.open"] == 1.0 and sc.values["labs.meta.open"] == 0.0
    f.write_text(f'[scenario]\nextends = "{BASELINE.as_posix()}"\n[enterprises]\nshare_eu = true\n')
    with pytest.raises(ScenarioError, match="share_eu"):
        load_scenario(f)


def test_parse_set():
    assert parse_set("clouds.push=1.5") == ("clouds.push", 1.5)
    assert parse_set("labs.meta.open = true") == ("labs.meta.open", True)
    assert parse_set("labs.meta.partner_lab=meta") == ("labs.meta.partner_lab", "meta")
    with pytest.raises(ScenarioError, match="key=value"):
        parse_set("clouds.push")


def test_set_applies_like_a_file(tiny_toml):
    sc = load_for_cli(str(tiny_toml), 2, 9, ["scenario.name=renamed", "labs.meta.open=false"])
    assert (sc.name, sc.runs, sc.seed) == ("renamed (+ labs.meta.open=false)", 2, 9)
    assert sc.values["labs.meta.open"] == 0.0
    assert sc.hash != load_scenario(tiny_toml).hash


def test_set_overrides_a_run_and_names_bad_keys(tiny_toml):
    plain = json.loads(aimarket("run", tiny_toml, "--json").stdout)
    proc = aimarket("run", tiny_toml, "--json", "--set", "clouds.push=1.0", "--set", "run.runs=3")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["runs"] == 3 and doc["scenario_hash"] != plain["scenario_hash"]
    proc = aimarket("run", tiny_toml, "--set", "clouds.pussh=1.0")
    _clean_error(proc)
    assert "--set" in proc.stderr and "clouds.pussh" in proc.stderr and "clouds.push" in proc.stderr
    proc = aimarket("run", tiny_toml, "--set", "clouds.push=40")
    _clean_error(proc)
    assert "clouds.push" in proc.stderr and "40" in proc.stderr
    _clean_error(aimarket("run", tiny_toml, "--set", "clouds.push"))


def test_validate_reports_each_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(f'[scenario]\nextends = "{BASELINE.as_posix()}"\n[drivers.feedback]\nx = 1\n')
    proc = aimarket("validate", BASELINE, bad)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "baseline.toml: valid" in proc.stdout
    assert "bad.toml" in proc.stderr and "drivers.feedback.x" in proc.stderr


def test_scenarios_lists_the_library_with_descriptions():
    proc = aimarket("scenarios")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    files = sorted((ROOT / "scenarios").glob("*.toml"))
    assert len(lines) == len(files)
    for line, path in zip(lines, files, strict=True):
        assert line.startswith(path.name)
        assert load_scenario(path).description in line
    _clean_error(aimarket("scenarios", ROOT / "docs"))


def test_version():
    proc = aimarket("--version")
    assert proc.returncode == 0
    assert proc.stdout.startswith("aimarket ")


def test_compare_needs_two_scenarios_and_seed_bounds_are_stated(tiny_toml):
    proc = aimarket("compare", tiny_toml)
    _clean_error(proc)
    assert "two or more" in proc.stderr
    proc = aimarket("run", tiny_toml, "--seed", str(2**62 + 1))
    assert proc.returncode == 2 and "from 0 to 2**62" in proc.stderr
