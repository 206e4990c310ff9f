"""Scenario input past every sane bound is one line naming the file or flag and the key:
huge numbers, deep nesting, long extends chains, special or huge files, long descriptions."""

from __future__ import annotations

import pytest

from experiments.cli import main

from .conftest import BASELINE


def _one_line_error(capsys: pytest.CaptureFixture, *words: str) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err, err
    for w in words:
        assert w in err, (w, err)
    return err


def _scenario(tmp_path, body: str, name: str = "s.toml"):
    path = tmp_path / name
    path.write_text(f'[scenario]\nname = "s"\nextends = "{BASELINE.as_posix()}"\n{body}')
    return path


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("[clouds]\npush = 1" + "0" * 400 + "\n", ["clouds.push", "an integer of 401 digits"]),
        ("[run]\nruns = 1" + "0" * 400 + "\n", ["run.runs", "an integer of 401 digits"]),
        ("[clouds]\npush = 1" + "0" * 5000 + "\n", ["at most 4300 digits"]),
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", ["nested at most"]),
        ("x = " + "{a=" * 3000 + "1" + "}" * 3000 + "\n", ["nested at most"]),
    ],
)
def test_file_values_past_the_bounds_are_one_line(tmp_path, capsys, body, words):
    path = _scenario(tmp_path, body)
    assert main(["validate", str(path)]) == 2
    _one_line_error(capsys, str(path), *words)


def test_a_description_longer_than_a_paragraph_is_refused(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(f'[scenario]\nname = "s"\ndescription = "{"d" * 10_001}"\n')
    assert main(["validate", str(path)]) == 2
    _one_line_error(capsys, str(path), "scenario.description", "at most 10,000 characters")
    path.write_text(f'[scenario]\nname = "s"\ndescription = "{"d" * 10_000}"\n')
    assert main(["validate", str(path)]) == 0


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("1" + "0" * 400, ["--set", "clouds.push", "an integer of 401 digits"]),
        ("1" + "0" * 5000, ["--set", "clouds.push", "at most 4300 digits"]),
        ("[" * 3000 + "1" + "]" * 3000, ["--set", "clouds.push", "nested at most"]),
    ],
)
def test_set_values_past_the_bounds_are_one_line(capsys, value, words):
    assert main(["validate", str(BASELINE), "--set", f"clouds.push={value}"]) == 2
    _one_line_error(capsys, *words)


def test_a_long_extends_chain_is_one_line(tmp_path, capsys):
    for i in range(200):
        parent = f"c{i + 1}.toml" if i < 199 else BASELINE.as_posix()
        (tmp_path / f"c{i}.toml").write_text(f'[scenario]\nname = "c{i}"\nextends = "{parent}"\n')
    assert main(["validate", str(tmp_path / "c0.toml")]) == 2
    _one_line_error(capsys, "scenario.extends", "a chain of at most 64")


def test_special_and_huge_files_are_refused_unread(tmp_path, capsys):
    assert main(["validate", "/dev/zero"]) == 2
    _one_line_error(capsys, "/dev/zero", "a regular scenario file")
    huge = tmp_path / "huge.toml"
    with huge.open("wb") as fh:
        fh.truncate(5_000_000)
    assert main(["validate", str(huge)]) == 2
    _one_line_error(capsys, str(huge), "at most 4,000,000 bytes")
