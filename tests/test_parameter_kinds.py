"""Parameters declared by kind: switches take true or false (any case, or 1 and 0),
categorical parameters a name of their vocabulary or its integer code, never a fraction, from
a scenario file or a --set flag (one line, exit 2); sweeps over them: tests/test_sweep_spec.py."""

from __future__ import annotations

import subprocess
import sys

import pytest

from experiments.scenario_input import load_for_cli
from sim.params.kinds import Refused, admit
from sim.params.scenario import ScenarioError, load_scenario, parse_scenario
from sim.params.table import ActorParam

from .conftest import BASELINE, ROOT


def _scenario(table: str, line: str):
    return parse_scenario(
        f'[scenario]\nextends = "{BASELINE.name}"\n[{table}]\n{line}\n', "s.toml", BASELINE.parent
    )


@pytest.mark.parametrize(
    ("table", "line", "key", "value"),
    [
        ("labs.meta", "open = false", "labs.meta.open", 0.0),
        ("labs.meta", 'open = "False"', "labs.meta.open", 0.0),
        ("labs.openai", 'open = "TRUE"', "labs.openai.open", 1.0),
        ("labs.openai", "open = 1", "labs.openai.open", 1.0),
        ("labs.meta", 'funding = "venture"', "labs.meta.funding", 1.0),
        ("labs.meta", 'funding = "Cloud"', "labs.meta.funding", 2.0),
        ("labs.meta", "funding = 2", "labs.meta.funding", 2.0),
        ("labs.meta", 'home_region = "eu"', "labs.meta.home_region", 1.0),
        ("clouds.aws", 'partner_lab = "none"', "clouds.aws.partner_lab", -1.0),
        ("clouds.aws", 'partner_lab = "meta"', "clouds.aws.partner_lab", 0.0),
        ("clouds.aws", "partner_lab = 3.0", "clouds.aws.partner_lab", 3.0),
    ],
)
def test_names_switches_and_codes_are_accepted(table, line, key, value):
    assert _scenario(table, line).values[key] == value


@pytest.mark.parametrize(
    ("table", "line", "key", "expected"),
    [
        ("labs.meta", "open = 0.5", "labs.meta.open", "true or false"),
        ("labs.meta", "open = 2", "labs.meta.open", "true or false"),
        ("labs.meta", 'open = "yes"', "labs.meta.open", "true or false"),
        ("labs.meta", "funding = 1.5", "labs.meta.funding", "one of sponsor, venture, cloud"),
        ("labs.meta", 'funding = "angel"', "labs.meta.funding", "one of sponsor, venture"),
        ("labs.meta", "funding = 3", "labs.meta.funding", "(or its code, 0 to 2)"),
        ("labs.meta", "home_region = true", "labs.meta.home_region", "one of na, eu, cn, row"),
        ("clouds.aws", "partner_lab = 2.5", "clouds.aws.partner_lab", "one of none, meta"),
        ("clouds.aws", 'partner_lab = "ibm"', "clouds.aws.partner_lab", "one of none, meta"),
        ("enterprises", "share_eu = true", "enterprises.share_eu", "a number in [0, 1]"),
    ],
)
def test_fractions_and_unknown_names_are_refused(table, line, key, expected):
    with pytest.raises(ScenarioError) as info:
        _scenario(table, line)
    assert (info.value.file, info.value.key) == ("s.toml", key)
    assert expected in info.value.expected and info.value.found


def test_an_integer_parameter_takes_whole_numbers_only():
    p = ActorParam("count", "agents", 1, 10, "a count", kind="integer")
    assert admit(p, 3) == 3.0 and admit(p, 4.0) == 4.0
    for bad in (2.5, 0, 11, True, "3"):
        with pytest.raises(Refused, match=r"a whole number in \[1, 10\] \(agents\)"):
            admit(p, bad)


def test_set_accepts_false_and_names():
    sc = load_for_cli(
        str(BASELINE),
        sets=["labs.meta.open=False", "labs.mistral.funding=cloud", "clouds.aws.partner_lab=none"],
    )
    assert sc.values["labs.meta.open"] == 0.0
    assert sc.values["labs.mistral.funding"] == 2.0
    assert sc.values["clouds.aws.partner_lab"] == -1.0
    same = load_for_cli(
        str(BASELINE),
        sets=["labs.meta.open=0", "labs.mistral.funding=2", "clouds.aws.partner_lab=-1"],
    )
    assert sc.hash == same.hash and sc.hash != load_scenario(BASELINE).hash


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        ("labs.meta.open=0.5", "expected true or false (or 1 or 0), found 0.5 (number)"),
        ("labs.meta.funding=1.5", "expected one of sponsor, venture, cloud"),
        ("clouds.aws.partner_lab=2.5", "expected one of none, meta, mistral"),
        ("labs.meta.funding=angel", "found 'angel' (string)"),
    ],
)
def test_set_refuses_a_fraction_in_one_line_exit_2(flag, expected):
    proc = subprocess.run(
        [sys.executable, "-m", "experiments.cli", "run", str(BASELINE), "--runs", "2"]
        + ["--set", flag],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --set: key "), proc.stderr
    assert flag.split("=")[0] in lines[0] and expected in lines[0]
