"""The command line: exit codes, error messages, JSON output, results files, resume, story."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from experiments.runner import run_scenario
from experiments.sensitivity import HINGE_POINTS, THRESHOLD_VARIANTS
from experiments.store import StoreError
from experiments.tables import tidy_details
from sim.calendar import event_day
from sim.params.scenario import load_scenario
from sim.rules.classify import CONDITIONS

from .conftest import ROOT


def aimarket(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "experiments.cli", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _clean_error(proc: subprocess.CompletedProcess) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout


def test_malformed_scenario_exits_2_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[drivers.feedback]\nstrength = -3\n")
    out = tmp_path / "out"
    proc = aimarket("run", bad, "--out", out)
    _clean_error(proc)
    assert "error:" in proc.stderr and "drivers.feedback.strength" in proc.stderr
    assert "bad.toml" in proc.stderr
    assert not out.exists()


def test_calibrate_refuses_a_file_it_cannot_update(tiny_toml, tmp_path):
    before = tiny_toml.read_text()
    proc = aimarket("calibrate", tiny_toml)
    _clean_error(proc)
    assert "technology.catchup" in proc.stderr and "--dry-run" in proc.stderr
    assert tiny_toml.read_text() == before
    bad = tmp_path / "bad.toml"
    bad.write_text("[technology]\ncatchup = 2.0\n")
    proc = aimarket("calibrate", bad)
    _clean_error(proc)
    assert "technology.catchup" in proc.stderr


@pytest.mark.parametrize(
    "args", [["--runs", "0"], ["--runs", "abc"], ["--threads", "0"], ["--bogus"], ["--seed", "-1"]]
)
def test_bad_arguments_exit_2(tiny_toml, args):
    _clean_error(aimarket("run", tiny_toml, *args))


def test_too_many_threads(tiny_toml):
    proc = aimarket("run", tiny_toml, "--threads", "999")
    _clean_error(proc)
    assert "--threads" in proc.stderr


def test_json_is_one_document(tiny_toml):
    proc = aimarket("run", tiny_toml, "--json", "--seed", "3")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["scenario"] == "tiny" and doc["runs"] == 4 and doc["seed"] == 3
    shares = 0.0
    for name in ("open_deepening", "bigtech_oligopoly", "gap_widens"):
        s = doc["end_states"][name]
        assert {"count", "share", "ci_low", "ci_high"} <= set(s)
        assert s["ci_low"] <= s["share"] <= s["ci_high"]
        shares += s["share"]
    assert shares == pytest.approx(1.0)


def test_run_reports_how_the_classifier_moves_the_shares(tiny_toml, tmp_path):
    """The end-state shares under every moved threshold and the earlier year: printed, in
    --json (also when a finished folder is read back) and in runs.parquet; every variant that
    moves a share by 10 points or more is named, and none that does not."""
    out = tmp_path / "res"
    proc = aimarket("run", tiny_toml, "--out", out)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "end-state shares when a classifier threshold moves to an end of its range" in text
    labels = [v.label for v in THRESHOLD_VARIANTS]
    for label in labels:
        assert re.search(rf"^  {re.escape(label)} +\d\.\d\d +\d\.\d\d +\d\.\d\d$", text, re.M)
    assert "classifier conditions held over the window" in text
    assert "clear-cut: exactly one definition held" in text
    runs = pl.read_parquet(out / "runs.parquet")
    variants = [v.column for v in THRESHOLD_VARIANTS]
    assert set(variants) <= set(runs.columns)
    assert {f"held_{c}" for c in CONDITIONS} | {"decided_by"} <= set(runs.columns)
    proc = aimarket("run", tiny_toml, "--out", out, "--json")  # the finished batch, read back
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    rows = doc["classifier_sensitivity"]
    assert [r["variant"] for r in rows] == labels
    headline = {k: v["share"] for k, v in doc["end_states"].items()}
    moved = []
    for row, col in zip(rows, variants, strict=True):
        assert sum(row["shares"].values()) == pytest.approx(1.0)
        for state, share in row["shares"].items():
            assert share == pytest.approx((runs[col] == state).mean())
            assert row["change"][state] == pytest.approx(share - headline[state])
            if abs(row["change"][state]) >= HINGE_POINTS:
                moved.append((state, row["variant"]))
    assert len(doc["hinges"]) == len(moved)
    for (state, variant), sentence in zip(moved, doc["hinges"], strict=True):
        assert sentence.startswith(f"{state} moves ") and f"with {variant}, over the" in sentence
        assert sentence in text
    if not moved:
        assert "every move stays within the 10-point limit" in text
    assert sum(doc["decided"].values()) == doc["runs"]
    assert doc["by_horizon"] == []  # 24 months reach no December of 2029
    assert set(doc["conditions_held"]) == set(CONDITIONS)


def test_horizon_runs_to_its_december_and_answers_by_horizon(tiny_toml):
    """--horizon 2029 runs 84 months: the answer as of December 2029 is the headline."""
    proc = aimarket("run", tiny_toml, "--horizon", "2029", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [r["year"] for r in doc["by_horizon"]] == [2029]
    row = doc["by_horizon"][0]
    assert row["shares"] == {k: v["share"] for k, v in doc["end_states"].items()}
    assert "run.months=84" in doc["scenario"]
    for args, what in (
        (("--horizon", "2019"), "expected a year from 2023"),
        (("--horizon", "2033", "--set", "run.months=24"), "found --set run.months too"),
    ):
        proc = aimarket("run", tiny_toml, *args)
        _clean_error(proc)
        assert what in proc.stderr


def test_out_folder_contents(tiny_toml, tmp_path):
    out = tmp_path / "res"
    proc = aimarket("run", tiny_toml, "--out", out)
    assert proc.returncode == 0, proc.stderr
    runs = pl.read_parquet(out / "runs.parquet")
    assert runs.height == 4
    assert {"run", "seed", "end_state", "final_open_share", "final_gap_months"} <= set(runs.columns)
    traj = pl.read_parquet(out / "trajectories.parquet")
    assert traj.height == 4 * 24
    assert {
        "run",
        "month",
        "date",
        "open_share",
        "gap_months",
        "frontier_price",
        "open_price",
        "price_at_start_frontier",
        "bigtech_open_share",
    } <= set(traj.columns)
    events = pl.read_parquet(out / "events.parquet")
    assert {"run", "time", "kind", "actor", "details"} <= set(events.columns)
    assert events.filter(pl.col("kind") == "release").height > 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["hash"] == load_scenario(tiny_toml).hash
    assert "tiny.toml" in " ".join(manifest["scenario"]["texts"])
    assert {"code", "dependencies", "timings", "seed"} <= set(manifest)
    assert not (out / ".parts").exists()
    story = aimarket("story", out, "--run", "2")
    assert story.returncode == 0, story.stderr
    assert "End state:" in story.stdout
    assert re.search(r"^  20\d\d-\d\d-\d\d  ", story.stdout, re.MULTILINE)
    _clean_error(aimarket("story", out, "--run", "99"))
    _clean_error(aimarket("story", tmp_path / "nothing"))


def test_same_seed_gives_byte_identical_files_on_1_or_2_threads(tiny_toml, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert aimarket("run", tiny_toml, "--out", a, "--threads", "1").returncode == 0
    assert aimarket("run", tiny_toml, "--out", b, "--threads", "2").returncode == 0
    for name in ("runs.parquet", "trajectories.parquet", "events.parquet"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_reference_engine_writes_the_same_results_folder(tiny_toml, tmp_path):
    a, b = tmp_path / "fast", tmp_path / "reference"
    assert aimarket("run", tiny_toml, "--out", a, "--runs", "3").returncode == 0
    proc = aimarket("run", tiny_toml, "--out", b, "--runs", "3", "--engine", "reference", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["engine"] == "reference"
    for name in ("runs.parquet", "trajectories.parquet", "events.parquet"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    manifest = json.loads((b / "manifest.json").read_text())
    assert manifest["engine"] == "reference"
    _clean_error(aimarket("run", tiny_toml, "--engine", "mesa"))


def test_interrupted_batch_resumes_to_identical_results(tiny_toml, tmp_path):
    sc = load_scenario(tiny_toml).with_values(run__runs=6)
    calls = []

    def stop_after_first(n):
        calls.append(n)
        if len(calls) == 2:
            raise KeyboardInterrupt

    out = tmp_path / "resumed"
    with pytest.raises(KeyboardInterrupt):
        run_scenario(sc, out=out, chunk_size=2, progress=stop_after_first)
    done = sorted(p.name for p in (out / ".parts").glob("chunk-*-runs.parquet"))
    assert len(done) == 2 and not (out / "runs.parquet").exists()
    # another plan may not mix with the unfinished one, and loses nothing
    with pytest.raises(StoreError, match="unfinished batch whose plan differs in seed"):
        run_scenario(sc.with_values(run__seed=99), out=out, chunk_size=2)
    assert len(list((out / ".parts").glob("chunk-*-runs.parquet"))) == 2
    resumed = run_scenario(sc, out=out, chunk_size=2)
    assert resumed.resumed_chunks == 2
    fresh = tmp_path / "fresh"
    run_scenario(sc, out=fresh, chunk_size=3)
    for name in ("runs", "trajectories", "events"):
        assert pl.read_parquet(out / f"{name}.parquet").equals(
            pl.read_parquet(fresh / f"{name}.parquet")
        ), name


def test_compare_two_scenarios(tiny_toml, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text(
        f'[scenario]\nname = "costly"\nextends = "{Path(tiny_toml).as_posix()}"\n'
        "[counterforces.frontier_cost]\ngrowth = 4.0\n"
    )
    proc = aimarket("compare", tiny_toml, other, "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [s["scenario"] for s in doc["scenarios"]] == ["tiny", "costly"]
    assert doc["scenarios"][1]["vs_baseline"]["gap_widens"]["p_value"] <= 1.0


@pytest.mark.parametrize("where", ["/proc/aimarket-results", "README.md/results"])
def test_out_that_cannot_be_created_is_one_line(tiny_toml, where):
    proc = aimarket("run", tiny_toml, "--out", where)
    _clean_error(proc)
    assert where in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "cannot create" in proc.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores modes")
def test_out_in_a_read_only_folder_is_one_line(tiny_toml, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        proc = aimarket("run", tiny_toml, "--out", locked / "res")
        _clean_error(proc)
        assert "Permission denied" in proc.stderr
    finally:
        locked.chmod(0o700)


def test_story_of_a_corrupt_folder_is_one_line(tiny_toml, tmp_path):
    out = tmp_path / "res"
    assert aimarket("run", tiny_toml, "--out", out).returncode == 0
    good = (out / "runs.parquet").read_bytes()
    (out / "runs.parquet").write_bytes(good[: len(good) // 2])
    proc = aimarket("story", out, "--run", "1")
    _clean_error(proc)
    assert "runs.parquet" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    (out / "runs.parquet").write_bytes(good)
    pl.read_parquet(out / "runs.parquet").drop("final_gap_months").write_parquet(
        out / "runs.parquet"
    )
    proc = aimarket("story", out, "--run", "1")
    _clean_error(proc)
    assert "final_gap_months" in proc.stderr
    (out / "runs.parquet").write_bytes(good)
    (out / "events.parquet").write_text("not parquet")
    proc = aimarket("story", out, "--run", "1")
    _clean_error(proc)
    assert "events.parquet" in proc.stderr
    (out / "manifest.json").write_text("{")
    _clean_error(aimarket("story", out, "--run", "1"))


def _interrupt_after_first_run(args: list[str]) -> tuple[int, str]:
    """Start a real process, wait for its first progress line, send SIGINT (as Ctrl-C).

    The process runs with Python's fault handler, so that a crash (seen once in CI: exit -11
    instead of 130) prints where each thread was into the failing assertion's message."""
    proc = subprocess.Popen(
        [sys.executable, "-X", "faulthandler", "-m", "experiments.cli", *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    for line in proc.stderr:
        lines.append(line)
        if line.startswith("runs "):
            proc.send_signal(signal.SIGINT)
            break
    rest = proc.stderr.read()
    return proc.wait(timeout=120), "".join(lines) + rest


@pytest.mark.parametrize("with_out", [True, False])
def test_ctrl_c_says_what_was_kept(tiny_toml, tmp_path, with_out):
    out = tmp_path / "res"
    args = ["run", tiny_toml, "--engine", "reference", "--runs", "40", "--chunk", "1"]
    code, err = _interrupt_after_first_run(args + (["--out", out] if with_out else []))
    assert code == 130 and "Traceback" not in err, err
    if with_out:
        assert "finished chunks are kept" in err
        assert list((out / ".parts").glob("chunk-*-runs.parquet"))
    else:
        assert "nothing was saved" in err and "kept" not in err


def test_compare_table_fits_100_columns(tiny_toml, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text(
        f'[scenario]\nname = "a-rather-long-scenario-name-indeed"\nextends = "{tiny_toml}"\n'
        "[counterforces.frontier_cost]\ngrowth = 4.0\n"
    )
    proc = aimarket("compare", tiny_toml, other)
    assert proc.returncode == 0, proc.stderr
    assert max(len(line) for line in proc.stdout.splitlines()) <= 100
    assert "vs tiny" in proc.stdout and "(p " in proc.stdout


def test_event_dates_are_the_days_the_story_prints(tiny_toml, tmp_path):
    out = tmp_path / "res"
    assert aimarket("run", tiny_toml, "--out", out).returncode == 0
    events = pl.read_parquet(out / "events.parquet")
    assert events.height > 0
    assert events["date"].to_list() == [event_day(t) for t in events["time"].to_list()]
    story = aimarket("story", out, "--run", "0").stdout
    days = set(re.findall(r"^  (20\d\d-\d\d-\d\d)  ", story, re.MULTILINE))
    assert days and days <= {d.isoformat() for d in events.filter(pl.col("run") == 0)["date"]}
    assert not re.search(r"-\d+(\.\d+)? months behind", story)
    assert "-0.0" not in " ".join(events["details"].to_list())


def test_gap_wording():
    texts = [
        "closed model, capability 25.5, -0.0 months behind the closed frontier",
        "open-weight model, capability 24.7, 0.0 months behind the closed frontier",
        "open-weight model, capability 25.9, -2.3 months behind the closed frontier",
        "open-weight model, capability 24.7, 4.7 months behind the closed frontier",
    ]
    tidy = pl.Series(texts).to_frame("d").select(tidy_details(pl.col("d")))["d"].to_list()
    assert tidy == [
        "closed model, capability 25.5, at the closed frontier",
        "open-weight model, capability 24.7, at the closed frontier",
        "open-weight model, capability 25.9, 2.3 months ahead of the closed frontier",
        "open-weight model, capability 24.7, 4.7 months behind the closed frontier",
    ]


def test_every_readme_command_parses():
    import shlex

    from experiments.cli import build_parser

    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^uv run aimarket (.+?)(?: >.*)?$", readme, re.MULTILINE)
    assert len(commands) >= 10
    for line in commands:
        args = shlex.split(line, comments=True)
        if args == ["--version"]:
            continue
        assert build_parser().parse_args(args).command == args[0], line
