"""The viewer's reads: results folders, batches read back, deciding indicators, the CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest

from experiments.cli import build_parser
from sim.vocab import END_STATES
from viz.data import (
    ViewError,
    batch_folder,
    deciding_indicators,
    ensure_batch,
    find_results,
    open_scenario,
    read_results,
    scenario_worlds,
)

from .conftest import ROOT
from .viz_fixtures import small_scenarios


def test_batch_is_made_once_and_read_back(tmp_path):
    scen = small_scenarios(tmp_path / "scenarios")
    sc = open_scenario(scen / "baseline.toml", {"run.runs": 5})
    seen = []
    folder = ensure_batch(sc, root=tmp_path / "r", progress=seen.append)
    ens = scenario_worlds(sc)  # the baseline's worlds file: the folder names its digest
    assert folder == batch_folder(sc, tmp_path / "r", ens[0].digest if ens else "")
    assert sum(seen) == 5
    stamp = (folder / "runs.parquet").stat().st_mtime_ns
    again = ensure_batch(sc, root=tmp_path / "r", progress=seen.append)
    assert again == folder and (folder / "runs.parquet").stat().st_mtime_ns == stamp
    res = read_results(folder)
    assert res.runs.height == 5 and res.name == "baseline"
    assert find_results(tmp_path / "r") == [folder]
    row = res.runs.row(0, named=True)
    table = deciding_indicators(row, res.manifest["scenario"]["values"])
    assert table["value"][0] == pytest.approx(row["final_new_open_share"])
    assert table["held"][0] == row["held_open_default"]
    assert set(table["end state"]) == set(END_STATES)


def test_foreign_and_empty_folders_are_view_errors(tmp_path):
    with pytest.raises(ViewError, match="found none"):
        read_results(tmp_path / "nowhere")
    with pytest.raises(ViewError, match="missing runs.parquet"):
        read_results(tmp_path)
    (tmp_path / "manifest.json").write_text("[1, 2]")
    for name in ("runs", "trajectories", "events"):
        (tmp_path / f"{name}.parquet").write_bytes(b"not parquet")
    with pytest.raises(ViewError, match="cannot read"):
        read_results(tmp_path)
    with pytest.raises(ViewError, match="drivers.ecosystem.strength"):
        open_scenario(ROOT / "scenarios" / "baseline.toml", {"drivers.ecosystem.strength": -1})


def test_view_subcommand_arguments():
    args = build_parser().parse_args(["view"])
    assert args.port == 8501 and args.results == "results"
    args = build_parser().parse_args(["view", "--port", "9000", "--results", "out"])
    assert args.port == 9000 and args.results == "out"


@pytest.mark.parametrize("argv", [["--port", "0"], ["--port", "http"]])
def test_view_rejects_bad_ports(argv):
    proc = subprocess.run(
        [sys.executable, "-m", "experiments.cli", "view", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "expected a port" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_view_rejects_a_file_as_results(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    proc = subprocess.run(
        [sys.executable, "-m", "experiments.cli", "view", "--results", str(f)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "expected a folder" in proc.stderr


def test_readme_shows_every_page():
    readme = (ROOT / "README.md").read_text()
    for page in sorted((ROOT / "viz" / "pages").glob("*.py")):
        assert f"(docs/img/{page.stem}.png)" in readme, page.stem
        assert (ROOT / "docs" / "img" / f"{page.stem}.png").is_file(), page.stem
