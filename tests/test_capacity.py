"""Memory bounded in the number of runs: lazy chunk plans, and absurd counts refused up front
with the reason, before anything is created."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from experiments import capacity
from experiments.capacity import CapacityError, check_capacity
from experiments.runner import chunk_ranges
from sim.params.scenario import load_scenario

from .conftest import ROOT


def test_chunk_plan_is_lazy_for_any_number_of_runs():
    start = time.perf_counter()
    plan = chunk_ranges(10**15, 250)
    assert isinstance(plan, Iterator)
    first = list(itertools.islice(plan, 3))
    assert [(k, r.start, r.stop) for k, r in first] == [(0, 0, 250), (1, 250, 500), (2, 500, 750)]
    assert time.perf_counter() - start < 1.0
    assert [(k, r.start, r.stop) for k, r in chunk_ranges(7, 3)] == [
        (0, 0, 3),
        (1, 3, 6),
        (2, 6, 7),
    ]


def test_an_absurd_run_count_is_refused_with_the_memory_it_needs(tiny_toml, tmp_path):
    out = tmp_path / "huge"
    proc = subprocess.run(
        [sys.executable, "-m", "experiments.cli", "run", str(tiny_toml), "--runs", "1000000000000"]
        + ["--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "tiny.toml" in proc.stderr and "1,000,000,000,000" in proc.stderr
    assert "memory" in proc.stderr and "available" in proc.stderr
    assert not out.exists()


def test_the_disk_a_results_folder_needs_is_checked(tiny_toml, tmp_path, monkeypatch):
    sc = load_scenario(tiny_toml).with_values(run__runs=1000)
    check_capacity(sc, tmp_path / "ok")  # fits
    monkeypatch.setattr(capacity, "_free_disk", lambda out: 1_000_000)
    with pytest.raises(CapacityError, match=r"expected at most \d+ with --out .*free"):
        check_capacity(sc, tmp_path / "full")
    check_capacity(sc, None)  # without --out only memory counts
    monkeypatch.setattr(capacity, "memory_available", lambda: 10_000)
    with pytest.raises(CapacityError, match="memory"):
        check_capacity(sc, None)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "experiments.cli", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_populations_too_large_for_memory_are_refused_before_the_folder(tiny_toml, tmp_path):
    out = tmp_path / "res"
    proc = _cli("run", tiny_toml, "--set", "run.enterprises=10000000000", "--out", out)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "run.enterprises" in proc.stderr and "10,000,000,000 enterprises" in proc.stderr
    assert not out.exists()  # no plan left behind: a sane rerun goes ahead
    assert _cli("run", tiny_toml, "--out", out).returncode == 0


def test_a_sweep_whose_replications_cannot_fit_is_refused(tmp_path):
    from .sweep_util import write_spec

    spec = write_spec(tmp_path, points=2, replications=1_000_000_000_000, chunk=1)
    out = tmp_path / "sweep"
    proc = _cli("sweep", spec, "--out", out)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "1,000,000,000,000" in proc.stderr and "memory" in proc.stderr
    assert not out.exists()
