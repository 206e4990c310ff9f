"""Sweep folders: a batch never writes into one nor a sweep into a batch's, --force replaces
another sweep's results, a finished sweep is reused, and files follow the umask."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.cli import main

from .conftest import ROOT
from .sweep_util import write_spec

FILES = ("samples.parquet", "runs.parquet", "points.parquet", "manifest.json")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def swept(tmp_path: Path, capsys: pytest.CaptureFixture) -> tuple[Path, Path]:
    spec = write_spec(tmp_path, points=4, replications=2, chunk=2)
    out = tmp_path / "sweep"
    assert main(["sweep", str(spec), "--out", str(out)]) == 0
    capsys.readouterr()
    return spec, out


def _one_line_error(capsys: pytest.CaptureFixture) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err
    return err


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_batch_never_writes_into_a_sweep_folder(swept, tiny_toml, capsys, force):
    _, out = swept
    (out / "sensitivity.csv").write_text("an analysis\n")
    before = _snapshot(out)
    assert main(["run", str(tiny_toml), "--out", str(out), *force]) == 2
    err = _one_line_error(capsys)
    assert "a sweep's results" in err and "not a batch's" in err
    assert _snapshot(out) == before and not (out / ".parts").exists()


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_sweep_never_writes_into_a_batch_folder(tmp_path, tiny_toml, capsys, force):
    out = tmp_path / "batch"
    assert main(["run", str(tiny_toml), "--out", str(out)]) == 0
    capsys.readouterr()
    before = _snapshot(out)
    spec = write_spec(tmp_path, points=4, replications=2, chunk=2)
    assert main(["sweep", str(spec), "--out", str(out), *force]) == 2
    err = _one_line_error(capsys)
    assert "a batch's results" in err and "not a sweep's" in err
    assert _snapshot(out) == before


def test_rerunning_a_finished_sweep_reuses_it(swept, capsys):
    spec, out = swept
    before = _snapshot(out)
    assert main(["sweep", str(spec), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "already holds this sweep's results: nothing to run" in captured.err
    assert _snapshot(out) == before


def test_force_replaces_another_sweep_and_its_analyses(swept, tmp_path, capsys):
    _, out = swept
    (out / "sensitivity.csv").write_text("stale\n")
    (out / "notes.txt").write_text("mine\n")
    other = write_spec(tmp_path, name="other.toml", points=4, replications=2, chunk=2, seed=9)
    assert main(["sweep", str(other), "--out", str(out)]) == 2
    err = _one_line_error(capsys)
    assert "finished sweep" in err and "--force" in err
    assert main(["sweep", str(other), "--out", str(out), "--force"]) == 0
    capsys.readouterr()
    assert (out / "notes.txt").read_text() == "mine\n"  # not aimarket's: stays
    assert not (out / "sensitivity.csv").exists()  # the old sweep's analysis: gone
    fresh = tmp_path / "fresh"
    assert main(["sweep", str(other), "--out", str(fresh)]) == 0
    for name in FILES[:3]:
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name


def test_sweep_files_follow_the_umask(tmp_path):
    spec = write_spec(tmp_path, points=4, replications=2, chunk=2)
    out = tmp_path / "sweep"
    code = (
        "import os, sys; os.umask(0o027); from experiments.cli import main; "
        f"sys.exit(main(['sweep', {str(spec)!r}, '--out', {str(out)!r}]))"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    for name in FILES:
        assert stat.S_IMODE(os.stat(out / name).st_mode) == 0o640, name


def test_a_stale_temporary_file_does_not_block_resume(tmp_path, capsys):
    spec = write_spec(tmp_path, points=4, replications=2, chunk=2)
    out = tmp_path / "sweep"
    out.mkdir()
    (out / ".samples.parquet.k1ll3d.tmp").write_bytes(b"half a file")  # killed mid-write
    assert main(["sweep", str(spec), "--out", str(out), "--resume"]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)


def test_an_unreachable_scheduler_leaves_nothing(tmp_path, capsys, monkeypatch):
    import dask.distributed

    def refused(*args, **kwargs):
        raise OSError("Timed out trying to connect to tcp://127.0.0.1:1 after 30 s")

    monkeypatch.setattr(dask.distributed, "Client", refused)
    spec = write_spec(tmp_path, points=4, replications=2, chunk=2)
    out = tmp_path / "sweep"
    args = ["sweep", str(spec), "--out", str(out), "--backend", "dask"]
    assert main([*args, "--scheduler", "tcp://127.0.0.1:1"]) == 2
    err = _one_line_error(capsys)
    assert "--scheduler tcp://127.0.0.1:1: expected a running Dask scheduler" in err
    assert not out.exists()


def test_compare_never_writes_into_a_sweep_folder(swept, tiny_toml, tmp_path, capsys):
    spec, sweep = swept
    out = tmp_path / "cmp"
    out.mkdir()
    sweep.rename(out / "01-other")  # the second scenario's: refused before the first runs
    before = _snapshot(out / "01-other")
    other = tmp_path / "other.toml"
    other.write_text(tiny_toml.read_text().replace('name = "tiny"', 'name = "other"'))
    assert main(["compare", str(tiny_toml), str(other), "--out", str(out), "--force"]) == 2
    _one_line_error(capsys)
    assert _snapshot(out / "01-other") == before
    assert sorted(p.name for p in out.iterdir()) == ["01-other"]
