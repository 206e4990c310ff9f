"""Peer tools' commands: the story of an end state's typical run (the viewer's pick) and a
finished batch's or sweep's tables as CSV."""

from __future__ import annotations

import polars as pl
import pytest

from experiments.cli import main
from experiments.story import typical_run
from viz.data import typical_run as viewer_typical_run

from .sweep_util import write_spec


@pytest.fixture
def batch(tiny_toml, tmp_path, capsys):
    out = tmp_path / "res"
    assert main(["run", str(tiny_toml), "--runs", "8", "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def test_story_of_the_typical_run_is_the_viewers_pick(batch, capsys):
    runs = pl.read_parquet(batch / "runs.parquet")
    state = runs["end_state"].cast(pl.String).mode().sort()[0]
    run = viewer_typical_run(runs, state)
    assert run == typical_run(runs, state)
    assert main(["story", str(batch), "--typical", state]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"Run {run} of scenario ")
    assert f"run {run}: the typical {state} run" in captured.err
    assert main(["story", str(batch), "--run", str(run)]) == 0
    assert capsys.readouterr().out == captured.out


def test_story_typical_refuses_unknown_or_absent_end_states(batch, capsys):
    assert main(["story", str(batch), "--typical", "nirvana"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--typical: expected one of" in err and "nirvana" in err
    runs = pl.read_parquet(batch / "runs.parquet")
    absent = [
        s
        for s in ("open_deepening", "bigtech_oligopoly", "gap_widens")
        if s not in set(runs["end_state"].cast(pl.String))
    ]
    if absent:
        assert main(["story", str(batch), "--typical", absent[0]]) == 2
        assert "no run of this batch ended in it" in capsys.readouterr().err


def test_export_writes_each_table_as_csv(batch, tmp_path, capsys):
    out = tmp_path / "csv"
    assert main(["export", str(batch), "--csv", str(out)]) == 0
    assert "runs.csv, trajectories.csv, events.csv" in capsys.readouterr().out
    for name in ("runs", "trajectories", "events"):
        want = pl.read_parquet(batch / f"{name}.parquet")
        got = pl.read_csv(out / f"{name}.csv", try_parse_dates=True)
        assert got.shape == want.shape and got.columns == want.columns, name
    runs = pl.read_csv(out / "runs.csv")
    assert runs["run"].to_list() == list(range(8))
    before = (out / "runs.csv").read_bytes()
    assert main(["export", str(batch), "--csv", str(out)]) == 2  # nothing lost
    assert "--force" in capsys.readouterr().err
    assert (out / "runs.csv").read_bytes() == before
    assert main(["export", str(batch), "--csv", str(out), "--force"]) == 0


def test_export_of_a_sweep_and_of_a_non_results_folder(tmp_path, capsys):
    spec = write_spec(tmp_path, points=4, replications=2, chunk=2)
    sweep = tmp_path / "sweep"
    assert main(["sweep", str(spec), "--out", str(sweep)]) == 0
    assert main(["export", str(sweep), "--csv", str(tmp_path / "csv")]) == 0
    assert pl.read_csv(tmp_path / "csv" / "points.csv").height == 4
    capsys.readouterr()
    assert main(["export", str(tmp_path), "--csv", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "expected a finished results folder" in err
    assert not (tmp_path / "x").exists()
