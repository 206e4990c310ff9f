"""Sweeps: results depend only on the spec (not on chunking, back-end, workers or being
interrupted), a killed sweep resumes to the same files, and the store refuses to mix sweeps."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from experiments.sweep.run import run_sweep
from experiments.sweep.spec import load_spec
from experiments.sweep.store import SweepStoreError
from sim.vocab import END_STATES

from .sweep_util import write_spec

ROOT = Path(__file__).resolve().parent.parent
FILES = ("samples.parquet", "runs.parquet", "points.parquet")


def _same_files(a: Path, b: Path) -> None:
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small sweep run uninterrupted in process: (spec file, results folder)."""
    folder = tmp_path_factory.mktemp("sweep")
    spec_path = write_spec(folder, points=10, replications=3, chunk=3)
    out = folder / "ref"
    run_sweep(load_spec(spec_path), out)
    return spec_path, out


def test_tables_hold_every_point_and_replication(reference: tuple[Path, Path]) -> None:
    spec_path, out = reference
    spec = load_spec(spec_path)
    runs = pl.read_parquet(out / "runs.parquet")
    assert runs.height == spec.n_runs
    assert runs.select("point", "replication").unique().height == spec.n_runs
    points = pl.read_parquet(out / "points.parquet")
    assert points["point"].to_list() == list(range(spec.n_points))
    shares = sum(points[f"share_{s}"] for s in END_STATES)
    assert (shares - 1.0).abs().max() < 1e-12
    counts = sum(points[f"count_{s}"] for s in END_STATES)
    assert (counts == spec.replications).all()
    for key in spec.keys:
        assert points[key].to_list() == pl.read_parquet(out / "samples.parquet")[key].to_list()
    assert not (out / ".parts").exists()
    manifest = (out / "manifest.json").read_text()
    assert spec.hash in manifest and '"kind": "sweep"' in manifest


def test_chunking_and_threads_do_not_change_results(
    reference: tuple[Path, Path], tmp_path: Path
) -> None:
    spec_path, out = reference
    other = write_spec(tmp_path, points=10, replications=3, chunk=7)
    run_sweep(load_spec(other), tmp_path / "b", threads=1)
    _same_files(out, tmp_path / "b")


def test_seeds_come_from_the_spec_seed(reference: tuple[Path, Path], tmp_path: Path) -> None:
    spec_path, out = reference
    other = write_spec(tmp_path, points=10, replications=3, chunk=3, seed=6)
    run_sweep(load_spec(other), tmp_path / "b")
    a = pl.read_parquet(out / "runs.parquet")["seed"]
    b = pl.read_parquet(tmp_path / "b" / "runs.parquet")["seed"]
    assert a.to_list() != b.to_list()


def test_interrupted_sweep_resumes_to_the_same_files(
    reference: tuple[Path, Path], tmp_path: Path
) -> None:
    spec_path, out = reference
    spec = load_spec(spec_path)
    done: list[int] = []

    def stop_after_two_chunks(n: int) -> None:
        done.append(n)
        if len(done) == 3:  # the initial report, then two finished chunks
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, tmp_path / "r", progress=stop_after_two_chunks)
    parts = sorted(p.name for p in (tmp_path / "r" / ".parts").glob("chunk-*.parquet"))
    assert len(parts) == 2
    assert not (tmp_path / "r" / "manifest.json").exists()
    with pytest.raises(SweepStoreError, match="--resume"):
        run_sweep(spec, tmp_path / "r")
    result = run_sweep(spec, tmp_path / "r", resume=True)
    assert result.resumed_chunks == 2
    _same_files(out, tmp_path / "r")


def test_store_refuses_another_sweep_and_finished_folders(
    reference: tuple[Path, Path], tmp_path: Path
) -> None:
    spec_path, out = reference
    assert run_sweep(load_spec(spec_path), out).reused  # the same sweep: nothing to run
    other = write_spec(tmp_path, points=10, replications=3, chunk=3, seed=6)
    with pytest.raises(SweepStoreError, match="finished sweep"):
        run_sweep(load_spec(other), out)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(SweepStoreError, match="other files"):
        run_sweep(load_spec(spec_path), tmp_path / "busy")


@pytest.mark.slow
def test_sigkill_then_resume_equals_uninterrupted(tmp_path: Path) -> None:
    """A real SIGKILL of ``aimarket sweep``: finished chunks survive, --resume completes."""
    spec_path = write_spec(
        tmp_path, points=40, replications=8, chunk=1, enterprises=2000, developers=10000
    )
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "experiments.cli", "sweep", str(spec_path), "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parts = out / ".parts"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(parts.glob("chunk-*.parquet"))) >= 3:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the sweep finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    kept = len(list(parts.glob("chunk-*.parquet")))
    assert 3 <= kept < 40
    assert not (out / "manifest.json").exists()
    done = subprocess.run([*cmd, "--resume", "--json"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f'"resumed_chunks": {kept}' in done.stdout
    # uninterrupted, through the same command: its runs draw from the base scenario's worlds
    # file as the killed sweep's did
    whole = tmp_path / "whole"
    subprocess.run([*cmd[:-1], str(whole)], cwd=ROOT, check=True, capture_output=True)
    _same_files(whole, out)


@pytest.mark.slow
def test_dask_local_cluster_is_bit_identical_to_local(
    reference: tuple[Path, Path], tmp_path: Path
) -> None:
    """Two worker processes of a real LocalCluster give the in-process sweep's files."""
    spec_path, out = reference
    result = run_sweep(load_spec(spec_path), tmp_path / "dask", backend="dask", workers=2)
    assert result.workers == 2
    _same_files(out, tmp_path / "dask")


@pytest.mark.slow
def test_dask_worker_lost_mid_sweep_is_retried(tmp_path: Path) -> None:
    """SIGKILL a LocalCluster worker that is running a chunk: the scheduler reruns the chunk
    elsewhere and the sweep's files are those of an undisturbed local sweep."""
    from distributed import get_client

    spec = load_spec(
        write_spec(tmp_path, points=12, replications=6, chunk=1, enterprises=2000, developers=10000)
    )
    killed: list[int] = []

    def kill_a_busy_worker(n: int) -> None:
        if killed or n == 0:
            return
        client = get_client()
        busy = [w for w, keys in client.processing().items() if keys]
        if busy:
            pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    run_sweep(spec, tmp_path / "dask", backend="dask", workers=2, progress=kill_a_busy_worker)
    assert killed, "no worker was busy when the first chunk finished"
    run_sweep(spec, tmp_path / "local")
    _same_files(tmp_path / "local", tmp_path / "dask")
