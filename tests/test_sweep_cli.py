"""``aimarket sweep`` and ``aimarket analyze``: exit codes, one-line errors, JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from experiments.cli import main

from .sweep_util import spec_text, write_spec


def test_bad_spec_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(spec_text(sampler="grid"))
    assert main(["sweep", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert err == (
        f"error: {bad}: key 'sweep.sampler': expected one of full_factorial, latin, sobol, "
        "morris, found 'grid' (string)"
    )
    assert not (tmp_path / "o").exists()


def test_sweep_then_analyze(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    spec = write_spec(tmp_path, points=20, replications=3, chunk=5)
    out = tmp_path / "out"
    assert main(["sweep", str(spec), "--out", str(out), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["runs"] == 60 and doc["chunks"] == 4 and doc["resumed_chunks"] == 0
    assert main(["sweep", str(spec), "--out", str(out)]) == 0
    assert "nothing to run" in capsys.readouterr().err
    assert main(["analyze", "sensitivity", str(out), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["index"] for r in rows} == {"S1"}
    assert main(["analyze", "discover", str(out), "--end-state", "nothing"]) == 2
    assert "expected one of" in capsys.readouterr().err


def test_slurm_job_script_prints_without_a_cluster(capsys: pytest.CaptureFixture) -> None:
    argv = ["sweep", "any.toml", "--backend", "slurm", "--print-job-script"]
    assert main([*argv, "--slurm-cores", "4", "--slurm-queue", "short"]) == 0
    script = capsys.readouterr().out
    assert "#SBATCH -p short" in script and "#SBATCH --cpus-per-task=4" in script
    assert "--nworkers 4" in script and "--nthreads 1" in script


def test_option_mismatches_are_errors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    spec = write_spec(tmp_path)
    assert main(["sweep", str(spec), "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    assert "expected --backend dask" in capsys.readouterr().err
    assert main(["sweep", str(spec), "--print-job-script"]) == 2
    assert "expected --backend slurm" in capsys.readouterr().err
