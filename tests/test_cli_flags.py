"""Flags are honoured or refused in one line, never dropped: --ci-width with --runs or the
reference engine, --set overrides shown wherever the scenario is named, --set of extends,
runs shorter than the classifier's window, compare --out naming its folders."""

from __future__ import annotations

import json

import pytest

from experiments.cli import main


def _one_line_error(capsys: pytest.CaptureFixture, *words: str) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err, err
    for w in words:
        assert w in err, (w, err)
    return err


@pytest.mark.parametrize("flag", [["--runs", "8"], ["--engine", "reference"]])
def test_ci_width_refuses_flags_it_cannot_honour(tiny_toml, tmp_path, capsys, flag):
    out = tmp_path / "res"
    assert (
        main(["run", str(tiny_toml), "--point", "--ci-width", "0.3", *flag, "--out", str(out)]) == 2
    )
    _one_line_error(capsys, "--ci-width", flag[0])
    assert not out.exists()


def test_set_overrides_show_in_the_header_json_and_manifest(tiny_toml, tmp_path, capsys):
    out = tmp_path / "res"
    args = ["run", str(tiny_toml), "--set", "clouds.push=1.0", "--out", str(out)]
    assert main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["scenario"] == "tiny (+ clouds.push=1.0)"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["name"] == "tiny (+ clouds.push=1.0)"
    assert main(args) == 0
    assert "tiny (+ clouds.push=1.0)" in capsys.readouterr().out.splitlines()[0]
    # a name or description set on the command line is the scenario's own, not an override
    assert main(["run", str(tiny_toml), "--set", "scenario.name=other", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["scenario"] == "other"


def test_set_of_extends_is_refused(tiny_toml, capsys):
    assert main(["validate", str(tiny_toml), "--set", "scenario.extends=x.toml"]) == 2
    _one_line_error(capsys, "--set", "scenario.extends", "x.toml")


def test_runs_shorter_than_the_classifier_window_are_named(tiny_toml, capsys):
    assert main(["validate", str(tiny_toml), "--set", "run.months=12"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert [line for line in err if "classifier.window_months (24)" in line] == [
        f"warning: {tiny_toml}: run.months is 12, shorter than classifier.window_months (24): "
        "each run is classified on all its 12 months, not the last 24"
    ]
    assert main(["validate", str(tiny_toml)]) == 0
    assert "window" not in capsys.readouterr().err


def test_compare_out_names_its_folders(tiny_toml, tmp_path, capsys):
    other = tmp_path / "other.toml"
    other.write_text(tiny_toml.read_text().replace('name = "tiny"', 'name = "other"'))
    out = tmp_path / "cmp"
    args = ["compare", str(tiny_toml), str(other), "--set", "clouds.push=1.0", "--out", str(out)]
    assert main(args) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    names = sorted(p.name for p in out.iterdir())
    assert names == ["00-tiny_+_clouds.push=1.0", "01-other_+_clouds.push=1.0", "compare.json"]
    assert last == f"results written to {out}: {', '.join(names[:2])}, compare.json"
