"""Sweeps that keep their runs' trajectories and events: the tables equal those of the same
point's batch, a resumed sweep ends with the same files, and ``aimarket story`` tells a run."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from experiments.runner import run_scenario
from experiments.story import StoryError
from experiments.sweep.kept import point_runs, point_table, point_typical_run, sweep_story
from experiments.sweep.run import run_sweep
from experiments.sweep.spec import SpecError, load_spec, parse_spec
from experiments.sweep.store import SweepStoreError

from .sweep_util import spec_text, write_spec

ROOT = Path(__file__).resolve().parent.parent
KEPT = ("trajectories.parquet", "events.parquet")
FILES = ("samples.parquet", "runs.parquet", "points.parquet", *KEPT)
KEEP = 'keep = ["events", "trajectories"]'


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small sweep keeping both tables, run uninterrupted: (spec file, results folder)."""
    folder = tmp_path_factory.mktemp("keep")
    spec_path = write_spec(folder, points=5, replications=3, chunk=2, extra=KEEP)
    run_sweep(load_spec(spec_path), folder / "ref")
    return spec_path, folder / "ref"


def test_spec_and_flag_parse_keep() -> None:
    assert parse_spec(spec_text(points=2, extra=KEEP)).keep == ("trajectories", "events")
    assert parse_spec(spec_text(points=2)).keep == ()
    with pytest.raises(SpecError, match=r"sweep.keep.*trajectories and events.*'runs'"):
        parse_spec(spec_text(points=2, extra='keep = ["runs"]'))


def test_kept_tables_equal_the_points_batch(kept: tuple[Path, Path], tmp_path: Path) -> None:
    spec_path, out = kept
    spec = load_spec(spec_path)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["keep"] == ["trajectories", "events"]
    assert set(KEPT) <= set(manifest["files"])
    for point in (0, 3):
        batch = tmp_path / f"batch{point}"
        run_scenario(spec.point_scenario(point), batch)
        for table in ("trajectories", "events"):
            mine = point_table(out, table, point)
            assert mine.height > 0
            assert mine.equals(pl.read_parquet(batch / f"{table}.parquet")), table
        theirs = pl.read_parquet(batch / "runs.parquet")
        mine = point_runs(out, point).drop("point")
        assert mine.select(theirs.columns).equals(theirs)
    traj = pl.read_parquet(out / "trajectories.parquet", columns=["point", "run"])
    assert traj.unique().height == spec.n_runs
    assert traj["point"].is_sorted()


def test_resumed_sweep_keeps_the_same_files(kept: tuple[Path, Path], tmp_path: Path) -> None:
    spec_path, out = kept
    spec = load_spec(spec_path)
    calls: list[int] = []

    def stop_after_one_chunk(n: int) -> None:
        calls.append(n)
        if len(calls) == 2:  # the initial report, then one finished chunk
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, tmp_path / "r", progress=stop_after_one_chunk)
    folder = tmp_path / "r" / ".parts"
    parts = {p.name for p in folder.glob("chunk-*")}
    assert parts == {f"chunk-000000{t}.parquet" for t in ("", ".events", ".trajectories")}
    # a chunk killed after its kept tables, before its runs part: run again, part replaced
    stale = (folder / "chunk-000000.events.parquet").read_bytes()
    (folder / "chunk-000001.events.parquet").write_bytes(stale)
    plain = replace(spec, keep=())
    with pytest.raises(SweepStoreError, match="another spec"):  # keep is part of the plan
        run_sweep(plain, tmp_path / "r", resume=True)
    assert run_sweep(spec, tmp_path / "r", resume=True).resumed_chunks == 1
    for name in FILES:
        assert (out / name).read_bytes() == (tmp_path / "r" / name).read_bytes(), name


def test_a_sweep_without_keep_keeps_nothing(tmp_path: Path) -> None:
    spec_path = write_spec(tmp_path, points=2, replications=2, chunk=2)
    run_sweep(load_spec(spec_path), tmp_path / "o")
    assert not any((tmp_path / "o" / n).exists() for n in KEPT)
    assert json.loads((tmp_path / "o" / "manifest.json").read_text())["keep"] == []
    with pytest.raises(StoryError, match="kept events.*found one that kept none"):
        sweep_story(tmp_path / "o", 0, 0)


def _story(*args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "experiments.cli", "story", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)


def test_story_command_tells_a_sweep_run(kept: tuple[Path, Path], tmp_path: Path) -> None:
    spec_path, out = kept
    done = _story(str(out), "--point", "3", "--run", "1")
    assert done.returncode == 0, done.stderr
    batch = tmp_path / "batch"
    run_scenario(load_spec(spec_path).point_scenario(3), batch)
    theirs = _story(str(batch), "--run", "1")
    assert theirs.returncode == 0, theirs.stderr
    # the same story as the point's batch tells, under the sweep's title
    assert done.stdout.splitlines()[1:] == theirs.stdout.splitlines()[1:]
    assert done.stdout.startswith("Run 1 of point 3 of sweep 't'")
    state, run = point_typical_run(point_runs(out, 3))
    typical = _story(str(out), "--point", "3", "--typical", state)
    assert typical.returncode == 0 and f"End state: {state}" in typical.stdout
    assert f"run {run}:" in typical.stderr
    for args, message in (
        (["--point", "9"], "--point: expected a point in 0..4"),
        (["--point", "0", "--run", "7"], "--run: expected a run in 0..2, found 7"),
        ([], "--point: expected a point of the sweep"),
    ):
        bad = _story(str(out), *args)
        assert bad.returncode == 2 and message in bad.stderr and "Traceback" not in bad.stderr


def test_sweep_flag_keeps_and_refuses_bad_values(tmp_path: Path) -> None:
    spec_path = write_spec(tmp_path, points=2, replications=2, chunk=2)
    cmd = [sys.executable, "-m", "experiments.cli", "sweep", str(spec_path), "--out"]
    bad = subprocess.run(
        [*cmd, str(tmp_path / "x"), "--keep", "traj"], cwd=ROOT, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "--keep" in bad.stderr and "'traj'" in bad.stderr
    assert not (tmp_path / "x").exists()
    ok = subprocess.run(
        [*cmd, str(tmp_path / "k"), "--keep", "events"], cwd=ROOT, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "k" / "events.parquet").exists()
    assert not (tmp_path / "k" / "trajectories.parquet").exists()
    no_story = _story(str(tmp_path / "k"), "--point", "0")
    assert no_story.returncode == 0, no_story.stderr


def test_keeping_refuses_a_sweep_the_disk_cannot_hold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import experiments.capacity as capacity

    spec = load_spec(write_spec(tmp_path, points=4, replications=2, chunk=2, extra=KEEP))
    need = spec.n_runs * capacity.disk_bytes_per_run(spec.scenario)
    monkeypatch.setattr(capacity, "_free_disk", lambda out: need - 1)
    with pytest.raises(SweepStoreError, match=r"sweep.keep or --keep: expected at most 7 runs"):
        run_sweep(spec, tmp_path / "full")
    assert not (tmp_path / "full").exists()
    run_sweep(replace(spec, keep=()), tmp_path / "plain")  # nothing kept: no such need


@pytest.mark.slow
def test_dask_keeps_the_same_files(kept: tuple[Path, Path], tmp_path: Path) -> None:
    """Two worker processes of a LocalCluster return the kept tables to the client, which
    writes the in-process sweep's files."""
    spec_path, out = kept
    run_sweep(load_spec(spec_path), tmp_path / "dask", backend="dask", workers=2)
    for name in FILES:
        assert (out / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name


def test_export_writes_the_kept_tables(kept: tuple[Path, Path], tmp_path: Path) -> None:
    from experiments.export import export_csv

    _, out = kept
    written = [p.name for p in export_csv(out, tmp_path / "csv")]
    assert written == [f"{n}.csv" for n in ("samples", "runs", "points", "trajectories", "events")]
    csv = pl.read_csv(tmp_path / "csv" / "trajectories.csv")
    assert csv.height == pl.read_parquet(out / "trajectories.parquet").height


def test_one_thread_and_other_chunks_keep_the_same_tables(
    kept: tuple[Path, Path], tmp_path: Path
) -> None:
    _, out = kept
    other = write_spec(tmp_path, points=5, replications=3, chunk=3, extra=KEEP)
    run_sweep(load_spec(other), tmp_path / "t1", threads=1)
    for name in KEPT:
        assert (out / name).read_bytes() == (tmp_path / "t1" / name).read_bytes(), name
