"""Results folders are owned: created, resumed or reused by their own plan, never mixed with
another plan's results or with files aimarket did not write (unless --force)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from experiments.runner import batch_plan, run_scenario
from experiments.store import StoreError, claim_folder, inspect_folder
from sim.params.scenario import load_scenario

from .conftest import ROOT


def aimarket(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "experiments.cli", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _refused(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    for w in words:
        assert w in proc.stderr, (w, proc.stderr)


def test_another_plans_results_are_refused_then_replaced_with_force(tiny_toml, tmp_path):
    out = tmp_path / "base"
    assert aimarket("run", tiny_toml, "--out", out).returncode == 0
    before = _snapshot(out)
    proc = aimarket("run", tiny_toml, "--out", out, "--runs", "3")
    _refused(proc, str(out), "number of runs", "--force", "'tiny'")
    assert _snapshot(out) == before  # nothing touched
    proc = aimarket("run", tiny_toml, "--out", out, "--runs", "3", "--force", "--json")
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["runs"] == 3 and manifest["plan"]["runs"] == 3
    assert not (out / ".parts").exists()


def test_the_same_plan_reuses_finished_results(tiny_toml, tmp_path):
    out = tmp_path / "base"
    first = aimarket("run", tiny_toml, "--out", out, "--json")
    assert first.returncode == 0, first.stderr
    before = _snapshot(out)
    again = aimarket("run", tiny_toml, "--out", out, "--json")
    assert again.returncode == 0, again.stderr
    assert "already holds this batch's results" in again.stderr
    assert _snapshot(out) == before
    a, b = json.loads(first.stdout), json.loads(again.stdout)
    assert a["end_states"] == b["end_states"]


def test_a_folder_of_someone_elses_files_is_refused(tiny_toml, tmp_path):
    out = tmp_path / "mine"
    (out / "sub").mkdir(parents=True)
    (out / "notes.txt").write_text("my notes\n")
    (out / "runs.parquet").write_bytes(b"my own table")
    before = _snapshot(out)
    proc = aimarket("run", tiny_toml, "--out", out)
    _refused(proc, str(out), "notes.txt", "sub/", "not written by aimarket")
    assert _snapshot(out) == before and sorted(p.name for p in out.iterdir()) == [
        "notes.txt",
        "runs.parquet",
        "sub",
    ]
    # only our own file names in it, but no manifest: still not ours
    (out / "notes.txt").unlink()
    (out / "sub").rmdir()
    _refused(aimarket("run", tiny_toml, "--out", out), "runs.parquet without a manifest.json")
    assert (out / "runs.parquet").read_bytes() == b"my own table"
    # --force writes our results beside the user's other files
    (out / "notes.txt").write_text("my notes\n")
    proc = aimarket("run", tiny_toml, "--out", out, "--force")
    assert proc.returncode == 0, proc.stderr
    assert (out / "notes.txt").read_text() == "my notes\n"
    assert (out / "manifest.json").exists()


def test_a_file_is_never_a_results_folder(tiny_toml, tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("keep me")
    for extra in ([], ["--force"]):
        _refused(aimarket("run", tiny_toml, "--out", target, *extra), "found a file")
    assert target.read_text() == "keep me"


def test_unfinished_batches_resume_and_other_plans_are_named(tiny_toml, tmp_path):
    sc = load_scenario(tiny_toml)
    out = tmp_path / "o"
    plan = batch_plan(sc, 2, "fast")
    assert inspect_folder(out, plan).status == "new"
    assert claim_folder(out, plan).status == "new"
    assert inspect_folder(out, plan).status == "resume"
    other = batch_plan(sc.with_values(run__seed=5), 2, "reference")
    state = inspect_folder(out, other)
    assert state.status == "other" and "engine" in state.found and "seed" in state.found
    with pytest.raises(StoreError, match="unfinished batch"):
        claim_folder(out, other)
    assert claim_folder(out, other, force=True).status == "new"
    assert json.loads((out / ".parts" / "plan.json").read_text()) == other


def test_compare_refuses_a_foreign_folder_before_running_anything(tiny_toml, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text(
        f'[scenario]\nname = "costly"\nextends = "{tiny_toml.as_posix()}"\n'
        "[counterforces.frontier_cost]\ngrowth = 4.0\n"
    )
    out = tmp_path / "cmp"
    out.mkdir()
    (out / "thesis.tex").write_text("x")
    _refused(aimarket("compare", tiny_toml, other, "--out", out), "thesis.tex")
    assert sorted(p.name for p in out.iterdir()) == ["thesis.tex"]
    (out / "thesis.tex").unlink()
    assert aimarket("compare", tiny_toml, other, "--out", out).returncode == 0
    # a second comparison with different runs would mix plans: refused, nothing touched
    before = _snapshot(out)
    _refused(aimarket("compare", tiny_toml, other, "--out", out, "--runs", "2"), "00-tiny")
    assert _snapshot(out) == before


def test_results_files_are_readable_by_others_as_umask_allows(tiny_toml, tmp_path):
    out = tmp_path / "r"
    run_scenario(load_scenario(tiny_toml), out=out)
    mask = os.umask(0o022)
    os.umask(mask)
    for name in ("runs.parquet", "trajectories.parquet", "events.parquet", "manifest.json"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o666 & ~mask, name


def test_parquet_writer_appends_frames_then_renames_into_place(tmp_path):
    import polars as pl

    from experiments.store import AtomicParquetWriter

    path = tmp_path / "t.parquet"
    parts = [
        pl.DataFrame(
            {
                "run": [k, k],
                "x": [0.5 * k, -0.0],
                "kind": ["release", "price_cut"],
                "state": pl.Series(["a", "b"], dtype=pl.Enum(["a", "b"])),
            }
        )
        for k in range(3)
    ]
    w = AtomicParquetWriter(path)
    for df in parts:
        w.append(df)
        assert not path.exists()  # nothing in place until committed
    w.commit()
    back = pl.read_parquet(path)
    assert back.equals(pl.concat(parts)) and back.schema == parts[0].schema
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]
    # an aborted writer leaves nothing, a writer given nothing leaves the empty frame's schema
    w = AtomicParquetWriter(tmp_path / "u.parquet")
    w.append(parts[0])
    w.abort()
    empty = parts[0].clear()
    AtomicParquetWriter(tmp_path / "v.parquet").commit(empty)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.parquet", "v.parquet"]
    assert pl.read_parquet(tmp_path / "v.parquet").schema == empty.schema


def test_a_failed_write_keeps_finished_chunks_and_leaves_no_partial_files(
    tiny_toml, tmp_path, monkeypatch
):
    """Chunks are written by a background thread while the next simulates: its error still
    reaches the caller as a one-line BatchError, after the chunks before it were kept."""
    import experiments.runner as runner

    real = runner.atomic_write_parquet
    calls = []

    def full_disk(path, df, compression="zstd"):
        calls.append(path.name)
        if path.name.startswith("chunk-00001"):
            raise OSError(28, "No space left on device")
        real(path, df, compression)

    monkeypatch.setattr(runner, "atomic_write_parquet", full_disk)
    sc = load_scenario(tiny_toml).with_values(run__runs=6)
    out = tmp_path / "res"
    with pytest.raises(runner.BatchError, match="No space left on device.*finished chunks"):
        run_scenario(sc, out=out, chunk_size=2)
    kept = sorted(p.name for p in (out / ".parts").glob("chunk-*"))
    assert kept == [f"chunk-00000-{n}.parquet" for n in ("events", "runs", "trajectories")]
    assert sorted(p.name for p in out.iterdir()) == [".parts"]  # no final or temporary files
    monkeypatch.setattr(runner, "atomic_write_parquet", real)
    resumed = run_scenario(sc, out=out, chunk_size=2)
    assert resumed.resumed_chunks == 1 and resumed.runs.height == 6


def test_final_files_hold_every_chunk_in_order(tiny_toml, tmp_path):
    import polars as pl

    from experiments.tables import events_frame, runs_frame, trajectories_frame
    from sim.engine.batch import simulate

    sc = load_scenario(tiny_toml).with_values(run__runs=5)
    out = tmp_path / "res"
    run_scenario(sc, out=out, chunk_size=2)
    arrays = simulate(sc, range(5))
    want = {
        "runs": runs_frame(arrays, sc.global_vector()),
        "trajectories": trajectories_frame(arrays),
        "events": events_frame(arrays),
    }
    for name, df in want.items():
        assert pl.read_parquet(out / f"{name}.parquet").equals(df), name


_FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file over the limit fails to write (EFBIG)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), resource.RLIM_INFINITY))
from experiments.cli import main
sys.exit(main(["run", sys.argv[2], "--out", sys.argv[3], "--runs", "8", "--chunk", "2"]))
"""


@pytest.mark.parametrize("limit", [20_000, 60_000])
def test_a_real_write_failure_is_one_line_and_leaves_no_temporary_files(tiny_toml, tmp_path, limit):
    """Files may not grow past ``limit`` bytes, as on a full disk: at 20 kB the first chunk's
    parts fail (polars), at 60 kB the final files (pyarrow), after every chunk was kept.
    Either way one line, nothing half-written left, and the same command then resumes."""
    out = tmp_path / "res"
    proc = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, str(limit), str(tiny_toml), str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "cannot write results" in errors[0], proc.stderr
    assert "finished chunks are kept" in errors[0] and "Exception ignored" not in proc.stderr
    left = {p.name for p in out.rglob("*")}
    assert not [n for n in left if n.endswith(".tmp")], left
    assert not {"runs.parquet", "trajectories.parquet", "events.parquet"} & left
    kept = len([n for n in left if n.endswith("-runs.parquet")])
    assert kept == (0 if limit == 20_000 else 4)
    assert aimarket("run", tiny_toml, "--out", out, "--runs", "8", "--chunk", "2").returncode == 0


def test_resuming_removes_what_a_killed_batch_left_half_written(tiny_toml, tmp_path):
    sc = load_scenario(tiny_toml)
    out = tmp_path / "res"
    plan = batch_plan(sc, 2, "fast")
    claim_folder(out, plan)
    stale = [out / ".trajectories.parquet.k1ll3d.tmp", out / ".parts" / ".chunk-00000-x.tmp"]
    for p in stale:
        p.write_bytes(b"PAR1 half a file")
    assert claim_folder(out, plan).status == "resume"
    assert not [p for p in stale if p.exists()]


def test_two_threads_may_simulate_at_once_under_any_threading_layer(tiny_toml):
    """The compiled batch releases the GIL; numba's workqueue layer aborts the process if two
    threads enter a parallel kernel at once (two viewer sessions), so batches take turns."""
    code = (
        "import sys, threading\n"
        "from sim.params.scenario import load_scenario\n"
        "from sim.engine.batch import simulate\n"
        "sc = load_scenario(sys.argv[1])\n"
        "ts = [threading.Thread(target=lambda: [simulate(sc, range(8)) for _ in range(3)])\n"
        "      for _ in range(2)]\n"
        "[t.start() for t in ts]; [t.join() for t in ts]\n"
        "import numba; print(numba.threading_layer())\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(tiny_toml)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NUMBA_THREADING_LAYER": "workqueue"},
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "workqueue", proc.stderr


def test_the_reference_engine_stops_at_the_first_run_after_a_failed_write(
    tiny_toml, tmp_path, monkeypatch
):
    """Its runs take seconds: a chunk's failed write is reported after the next run, not
    after the next whole chunk."""
    import threading
    import time

    import experiments.runner as runner

    failed = threading.Event()

    def full_disk(path, df, compression="zstd"):
        failed.set()
        raise OSError(28, "No space left on device")

    real = runner.simulate

    def simulate(scenario, runs, engine="fast"):
        if runs.start == 4:  # the second chunk's first run ends after the write failed
            assert failed.wait(60)
            time.sleep(0.2)
        return real(scenario, runs, engine=engine)

    monkeypatch.setattr(runner, "atomic_write_parquet", full_disk)
    monkeypatch.setattr(runner, "simulate", simulate)
    sc = load_scenario(tiny_toml).with_values(run__runs=8)
    done = []
    with pytest.raises(runner.BatchError, match="No space left on device"):
        run_scenario(
            sc, out=tmp_path / "res", chunk_size=4, engine="reference", progress=done.append
        )
    assert sum(done) == 5  # the first chunk's four runs, then one of the second


def test_a_second_writer_into_a_locked_folder_is_refused(tiny_toml, tmp_path):
    from experiments.store import LOCK, FolderLock

    out = tmp_path / "res"
    assert aimarket("run", tiny_toml, "--out", out).returncode == 0
    before = _snapshot(out)
    with FolderLock(out):  # a batch writing there: its lock held for its whole life
        for args in (["run", tiny_toml], ["run", tiny_toml, "--force"]):
            _refused(aimarket(*args, "--out", out), "another aimarket batch or sweep")
        spec = tmp_path / "spec.toml"
        from .sweep_util import spec_text

        spec.write_text(spec_text(points=2, replications=1, chunk=1))
        _refused(aimarket("sweep", spec, "--out", out), "another aimarket batch or sweep")
    assert _snapshot(out) == before and not (out / LOCK).exists()
    (out / LOCK).write_text("")  # a lock file nobody holds (a killed batch's) blocks nothing
    assert aimarket("run", tiny_toml, "--out", out).returncode == 0
    assert not (out / LOCK).exists()


def test_two_batches_into_one_new_folder_one_runs_one_is_refused(tiny_toml, tmp_path):
    out = tmp_path / "res"
    cmd = [sys.executable, "-m", "experiments.cli", "run", str(tiny_toml), "--out", str(out)]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = sorted((p.wait(timeout=600), p.stderr.read()) for p in procs)
    assert results[0][0] == 0, results[0][1]
    assert results[1][0] in (0, 2) and "Traceback" not in results[1][1]
    if results[1][0] == 2:
        assert "another aimarket batch or sweep" in results[1][1]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["runs.parquet", "trajectories.parquet", "events.parquet", "manifest.json"]
    )


def test_a_failure_while_committing_the_final_files_is_the_batch_error(
    tiny_toml, tmp_path, monkeypatch
):
    import errno

    from experiments import store
    from experiments.runner import BatchError

    def full_disk(self, empty=None):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.AtomicParquetWriter, "commit", full_disk)
    out = tmp_path / "res"
    with pytest.raises(BatchError, match="cannot write results .No space left on device"):
        run_scenario(load_scenario(tiny_toml), out=out, chunk_size=2)
    left = {p.name for p in out.rglob("*")}
    assert not [n for n in left if n.endswith(".tmp")], left
    assert len([n for n in left if n.endswith("-runs.parquet")]) == 2  # every chunk kept


def test_a_damaged_runs_table_in_a_finished_folder_is_one_line(tiny_toml, tmp_path):
    out = tmp_path / "res"
    assert aimarket("run", tiny_toml, "--out", out).returncode == 0
    good = (out / "runs.parquet").read_bytes()
    (out / "runs.parquet").write_bytes(good[: len(good) // 2])
    before = _snapshot(out)
    _refused(aimarket("run", tiny_toml, "--out", out), "runs.parquet is damaged", "--force")
    assert _snapshot(out) == before
    assert aimarket("run", tiny_toml, "--out", out, "--force").returncode == 0
    assert pl.read_parquet(out / "runs.parquet").height == 4
