"""compare and sweeps drawn from the scenario's worlds file: each replication's world, the
sweep's values on top of every world, identical results for the same inputs, --point to opt
out, and the between-worlds share where it can be told apart from the random streams."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

from experiments.cli import main
from experiments.sweep.run import run_chunk
from experiments.sweep.spec import load_spec
from experiments.worlds import assign_worlds, load_ensemble, read_worlds, worlds_path

from .conftest import TINY_VALUES


def _spec(tiny, crn: bool = True):
    path = tiny.parent / "sweep.toml"
    path.write_text(
        f'[sweep]\nname = "w"\nscenario = "{tiny.name}"\nsampler = "latin"\npoints = 4\n'
        f"replications = 3\nseed = 5\nchunk = 2\ncommon_random_numbers = {str(crn).lower()}\n"
        '[parameters]\n"technology.catchup" = { range = [0.2, 0.8] }\n'
    )
    return path


def test_a_sweep_draws_each_replication_from_the_worlds(tiny_worlds, tmp_path, capsys):
    spec = _spec(tiny_worlds, crn=False)
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["sweep", str(spec), "--out", str(a), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert main(["sweep", str(spec), "--out", str(b), "--threads", "1"]) == 0
    assert (a / "runs.parquet").read_bytes() == (b / "runs.parquet").read_bytes()
    runs = pl.read_parquet(a / "runs.parquet")
    ens = read_worlds(worlds_path(tiny_worlds))
    s = load_spec(spec)
    for p in range(s.n_points):
        got = runs.filter(pl.col("point") == p)["world"].to_list()
        assert got == assign_worlds(ens.weight, s.point_seed(p), np.arange(3)).tolist()
    manifest = json.loads((a / "manifest.json").read_text())
    assert manifest["worlds"]["sha256"] == ens.digest
    assert "worlds" in pl.read_parquet(a / "points.parquet").columns
    assert doc["worlds_file"]["sha256"] == ens.digest and doc["worlds"] >= 2
    share = doc["between_worlds_share"]  # seeds differ by point: estimable
    assert share is None or 0.0 <= share <= 1.0


def test_common_random_numbers_leave_the_between_worlds_share_unstated(
    tiny_worlds, tmp_path, capsys
):
    out = tmp_path / "crn"
    assert main(["sweep", str(_spec(tiny_worlds)), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "worlds: " in text and "n/a (common random numbers" in text


def test_point_sweeps_the_scenario_alone(tiny_worlds, tmp_path, capsys):
    out = tmp_path / "point"
    assert main(["sweep", str(_spec(tiny_worlds)), "--out", str(out), "--point"]) == 0
    assert "world" not in pl.read_parquet(out / "runs.parquet").columns
    assert json.loads((out / "manifest.json").read_text())["worlds"] is None
    assert "worlds: 1" in capsys.readouterr().out


def test_the_swept_value_applies_on_top_of_every_world(tiny_worlds):
    """A swept key the worlds also fit takes the point's value in every world: the runs
    equal those of the point scenario with only the worlds' other keys."""
    s = load_spec(_spec(tiny_worlds))
    drawn = load_ensemble(s.scenario)
    with_worlds = run_chunk(
        s.scenario,
        s.keys,
        [0],
        s.sample[:1],
        [s.point_seed(0)],
        3,
        1,
        worlds=(drawn[0].weight, drawn[1]),
    )
    # the same runs by hand: each replication's world's open_friction, the point's catch-up
    world = assign_worlds(drawn[0].weight, s.point_seed(0), np.arange(3))
    rows = []
    for r, w in enumerate(world):
        sc = s.scenario.with_values(enterprises__open_friction=float(TINY_VALUES[w, 0]))
        one = run_chunk(sc, s.keys, [0], s.sample[:1], [s.point_seed(0)], 3, 1)
        rows.append(one.filter(pl.col("replication") == r))
    by_hand = pl.concat(rows)
    assert with_worlds.drop("world").equals(by_hand)
    alone = run_chunk(s.scenario, s.keys, [0], s.sample[:1], [s.point_seed(0)], 3, 1)
    assert not with_worlds.drop("world").equals(alone)  # the worlds' values did apply


def test_compare_over_worlds_is_reproducible_and_point_opts_out(tiny_worlds, tmp_path, capsys):
    variant = tmp_path / "variant.toml"
    variant.write_text(
        '[scenario]\nname = "variant"\nextends = "tiny.toml"\n[clouds]\npush = 2.0\n'
    )
    outs = [tmp_path / "c1", tmp_path / "c2"]
    for out in outs:
        args = ["compare", str(tiny_worlds), str(variant), "--runs", "4", "--out", str(out)]
        assert main([*args, "--json"]) == 0
    capsys.readouterr()
    for f in ("00-tiny", "01-variant"):
        a, b = (o / f / "runs.parquet" for o in outs)
        assert a.read_bytes() == b.read_bytes()
        assert "world" in pl.read_parquet(a).columns
    args = ["compare", str(tiny_worlds), str(variant), "--runs", "4", "--point", "--json"]
    assert main(args) == 0
    cmp = json.loads(capsys.readouterr().out)
    assert all(s["worlds_file"] is None and s["worlds"] == 1 for s in cmp["scenarios"])


@pytest.mark.slow
def test_a_sweep_over_worlds_on_dask_writes_the_same_runs(tiny_worlds, tmp_path):
    spec = _spec(tiny_worlds, crn=False)
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert main(["sweep", str(spec), "--out", str(local)]) == 0
    assert (
        main(["sweep", str(spec), "--out", str(dask), "--backend", "dask", "--workers", "1"]) == 0
    )
    assert (local / "runs.parquet").read_bytes() == (dask / "runs.parquet").read_bytes()
