"""Runs drawn from a scenario's worlds file: the draw, the world column, byte-identical
results on 1 or 2 threads, variants on top of every world, --point, and a bad worlds file
refused in one line."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import polars as pl
import pytest

from experiments.cli import main
from experiments.worlds import (
    assign_worlds,
    find_worlds,
    load_ensemble,
    read_worlds,
    worlds_path,
    write_worlds,
)
from sim.params.scenario import load_scenario

from .conftest import TINY_KEYS as KEYS
from .conftest import TINY_VALUES as VALUES


def test_the_draw_is_a_function_of_seed_and_run_alone():
    w = np.array([0.2, 0.5, 0.3])
    a = assign_worlds(w, 7, np.arange(2000))
    assert np.array_equal(a[100:300], assign_worlds(w, 7, np.arange(100, 300)))
    assert not np.array_equal(a, assign_worlds(w, 8, np.arange(2000)))
    assert np.allclose(np.bincount(a, minlength=3) / a.size, w, atol=0.04)
    assert set(assign_worlds(np.array([0.0, 1.0, 0.0]), 7, np.arange(50))) == {1}


def test_write_and_read_round_trip_with_the_same_bytes(tmp_path):
    a, b = tmp_path / "a.worlds.parquet", tmp_path / "b.worlds.parquet"
    da = write_worlds(a, KEYS, VALUES, np.ones(3), {"x": 1})
    db = write_worlds(b, KEYS, VALUES, np.ones(3), {"x": 1})
    assert da == db and a.read_bytes() == b.read_bytes()
    ens = read_worlds(a)
    assert ens.keys == tuple(KEYS) and np.array_equal(ens.values, VALUES)
    assert ens.weight.sum() == pytest.approx(1.0) and ens.meta == {"x": 1}


def test_a_variant_applies_its_change_on_top_of_every_world(tiny_worlds, tmp_path):
    variant = tmp_path / "variant.toml"
    variant.write_text(
        '[scenario]\nname = "variant"\nextends = "tiny.toml"\n[enterprises]\nopen_friction = 2.5\n'
    )
    sc = load_scenario(variant)
    assert find_worlds(sc) == worlds_path(tiny_worlds)
    ens, worlds = load_ensemble(sc)
    assert [w.values["enterprises.open_friction"] for w in worlds] == [2.5, 2.5, 2.5]
    assert [w.values["technology.catchup"] for w in worlds] == [0.1, 0.5, 0.9]
    _, own = load_ensemble(load_scenario(tiny_worlds))
    assert [w.values["enterprises.open_friction"] for w in own] == [1.0, 6.0, 14.0]


def _files(folder) -> dict[str, bytes]:
    return {n: (folder / n).read_bytes() for n in ("runs.parquet", "trajectories.parquet")}


def test_runs_drawn_from_worlds_are_byte_identical_on_one_or_two_threads(
    tiny_worlds, tmp_path, capsys
):
    outs = []
    for threads in ("1", "2"):
        out = tmp_path / f"t{threads}"
        args = ["run", str(tiny_worlds), "--runs", "6", "--out", str(out), "--threads", threads]
        capsys.readouterr()
        assert main([*args, "--json"]) == 0
        outs.append(out)
    summary = json.loads(capsys.readouterr().out)
    assert _files(outs[0]) == _files(outs[1])
    runs = pl.read_parquet(outs[0] / "runs.parquet")
    expected = assign_worlds(read_worlds(worlds_path(tiny_worlds)).weight, 20230101, range(6))
    assert runs["world"].to_list() == expected.tolist()
    manifest = json.loads((outs[0] / "manifest.json").read_text())
    digest = hashlib.sha256(worlds_path(tiny_worlds).read_bytes()).hexdigest()
    assert manifest["worlds"]["sha256"] == digest
    assert summary["worlds"] == len(set(expected.tolist()))
    assert set(summary["shares_over_worlds"]) == {
        "open_deepening",
        "bigtech_oligopoly",
        "gap_widens",
    }
    assert "between_worlds_share" in summary


def test_point_runs_the_scenario_alone(tiny_worlds, tmp_path, capsys):
    out = tmp_path / "point"
    assert main(["run", str(tiny_worlds), "--runs", "2", "--point", "--out", str(out)]) == 0
    assert "world" not in pl.read_parquet(out / "runs.parquet").columns
    assert json.loads((out / "manifest.json").read_text())["worlds"] is None
    assert "Worlds: 1" in capsys.readouterr().out


@pytest.mark.parametrize(
    "content,expected",
    [
        (b"not parquet at all", "expected a worlds file (Parquet)"),
        ("no_meta", "aimarket.worlds"),
        ("bad_key", "a column naming a scenario parameter"),
        ("out_of_range", "enterprises.open_friction"),
    ],
)
def test_a_bad_worlds_file_is_one_line_and_exit_2(tiny_toml, capsys, content, expected):
    path = worlds_path(tiny_toml)
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content == "no_meta":
        pl.DataFrame({"world": [0], "weight": [1.0], "implausibility": [0.0]}).write_parquet(path)
    elif content == "bad_key":
        write_worlds(path, ["enterprises.no_such_key"], np.ones((1, 1)), np.ones(1), {})
    else:
        write_worlds(path, ["enterprises.open_friction"], np.full((1, 1), 99.0), np.ones(1), {})
    code = main(["run", str(tiny_toml), "--runs", "2"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("error: ") and str(path) in err and expected in err


def test_compare_draws_both_scenarios_from_the_worlds(tiny_worlds, tmp_path, capsys):
    variant = tmp_path / "variant.toml"
    variant.write_text(
        '[scenario]\nname = "variant"\nextends = "tiny.toml"\n[clouds]\npush = 2.0\n'
    )
    assert main(["compare", str(tiny_worlds), str(variant), "--runs", "4", "--json"]) == 0
    cmp = json.loads(capsys.readouterr().out)
    worlds = [s["worlds"] for s in cmp["scenarios"]]
    assert all(w >= 1 for w in worlds) and worlds[0] == worlds[1]  # same draws for run k
    for s in cmp["scenarios"]:
        assert s["worlds_file"]["sha256"] == read_worlds(worlds_path(tiny_worlds)).digest
    assert main(["compare", str(tiny_worlds), str(variant), "--runs", "4"]) == 0
    assert "over worlds and runs" in capsys.readouterr().out
