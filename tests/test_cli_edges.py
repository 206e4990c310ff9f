"""Odd edges of the command line: exact interval ends, escaped control characters, one-line
argument errors, the SLURM script's placeholders, progress in logs and its clock."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from experiments.cli import main
from experiments.stats import wilson_interval

from .conftest import ROOT
from .sweep_util import write_spec


def test_interval_ends_at_a_share_of_0_or_1_are_exact():
    for n in range(1, 3000):
        assert wilson_interval(0, n)[0] == 0.0, n
        assert wilson_interval(n, n)[1] == 1.0, n
    low, high = wilson_interval(1, 10)
    assert 0.0 < low < 0.1 < high < 1.0


def test_control_characters_in_keys_are_escaped(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nname = "s"\n[clouds]\n"pu\\u001b[31msh" = 1\n')
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "clouds.pu\\x1b[31msh" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (["run"], "aimarket run"),
        (["run", "x.toml", "--runs", "0"], "aimarket run"),
        (["analyze", "discover", "folder"], "aimarket analyze discover"),
        (["bogus"], "aimarket"),
    ],
)
def test_argument_errors_are_one_line_naming_the_help(args, command):
    proc = subprocess.run(
        [sys.executable, "-m", "experiments.cli", *args], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "usage:" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith(f"error: {command}: ")
    assert proc.stderr.rstrip().endswith(f"; see {command} --help")


def test_the_slurm_script_says_its_placeholders_are_placeholders(capsys):
    pytest.importorskip("dask_jobqueue")
    assert main(["sweep", "x.toml", "--backend", "slurm", "--print-job-script"]) == 0
    script = capsys.readouterr().out
    lines = script.splitlines()
    assert lines[0].startswith("#!")
    assert "dummy-name" in lines[1] and "are placeholders" in lines[2]
    assert "--name dummy-name" in script  # the placeholder itself, now explained


def test_a_sweep_logs_lines_not_carriage_returns(tmp_path):
    spec = write_spec(tmp_path, points=4, replications=2, chunk=2)
    proc = subprocess.run(
        [sys.executable, "-m", "experiments.cli", "sweep", str(spec), "--out", str(tmp_path / "o")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr
    assert re.findall(r"^runs (\d+)/8 ", proc.stderr, re.MULTILINE) == ["4", "8"]


def test_the_progress_clock_starts_after_compiling(tiny_toml, capsys, monkeypatch):
    import time

    from experiments import kernels

    real = kernels.prepare_kernels
    calls = []

    def slow_compile(scenario, notify=None):
        if not calls:
            time.sleep(3.0)  # as a first compile would, before the batch starts
        calls.append(1)
        return real(scenario, notify)

    monkeypatch.setattr(kernels, "prepare_kernels", slow_compile)
    assert main(["run", str(tiny_toml)]) == 0
    last = re.findall(r"^runs 4/4 \(100%\), (\d+) s$", capsys.readouterr().err, re.MULTILINE)
    assert calls and last and int(last[-1]) < 3
