"""Sweep analyses: sensitivity indices and scenario discovery find a planted effect, and run on
a real small sweep, writing their tables and plots."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from experiments.sweep.analyze import (
    AnalysisError,
    discover,
    render_discovery,
    render_sensitivity,
    sensitivity,
)
from experiments.sweep.match import match, parse_target, render_match
from experiments.sweep.run import run_sweep
from experiments.sweep.spec import load_spec
from experiments.sweep.store import points_frame, samples_frame
from sim.params.scenario import load_scenario
from sim.rules.classify import INDICATOR_NAMES
from sim.vocab import END_STATES

from .sweep_util import BASELINE, write_spec

GROWTH = "counterforces.frontier_cost.growth"


def _planted(folder: Path, sampler: str, points: int, reps: int = 20) -> Path:
    """A sweep folder whose runs end in gap_widens exactly when frontier cost growth > 3
    (other parameters irrelevant): what every analysis should find."""
    spec = load_spec(write_spec(folder, sampler=sampler, points=points, replications=reps))
    out = folder / f"planted-{sampler}"
    out.mkdir()
    samples = samples_frame(spec)
    samples.write_parquet(out / "samples.parquet")
    rng = np.random.default_rng(0)
    growth = np.repeat(spec.sample[:, spec.keys.index(GROWTH)], reps)
    n = len(growth)
    other = rng.choice(["open_deepening", "bigtech_oligopoly"], size=n)
    end = np.where(growth > 3.0, "gap_widens", other)
    cols = {
        "point": np.repeat(np.arange(spec.n_points), reps),
        "replication": np.tile(np.arange(reps), spec.n_points),
        "seed": np.zeros(n, dtype=np.int64),
        "end_state": pl.Series(end, dtype=pl.Enum(END_STATES)),
    }
    for name in INDICATOR_NAMES:
        cols[name] = growth + rng.normal(0, 0.01, n)
    pl.DataFrame(cols).write_parquet(out / "runs.parquet")
    points_frame(pl.scan_parquet(out / "runs.parquet"), samples.lazy()).collect().write_parquet(
        out / "points.parquet"
    )
    manifest = {
        "kind": "sweep",
        "sampler": sampler,
        "problem": spec.problem(),
        "seed": spec.seed,
        "base_points": spec.points,
        "levels": spec.levels,
        "replications": reps,
        "scenario": {"values": spec.scenario.values},
    }
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


@pytest.mark.parametrize(
    ("sampler", "points", "index"),
    [("sobol", 64, "ST"), ("morris", 20, "mu_star"), ("latin", 200, "S1")],
)
def test_sensitivity_ranks_the_planted_parameter_first(
    tmp_path: Path, sampler: str, points: int, index: str
) -> None:
    out = _planted(tmp_path, sampler, points)
    df, files = sensitivity(out)
    assert {"sensitivity.parquet", "sensitivity.csv", "sensitivity.png"} <= set(files)
    assert (out / "sensitivity.png").read_bytes()[:4] == b"\x89PNG"
    assert pl.read_csv(out / "sensitivity.csv").height == df.height
    main = df.filter((pl.col("output") == "P(gap_widens)") & (pl.col("index") == index))
    assert main.height == 3
    assert main.sort("value", descending=True)["parameter"][0] == GROWTH
    finite = df.filter(pl.col("ci_low").is_not_nan())
    assert (finite["ci_low"] <= finite["value"]).all()
    assert (finite["value"] <= finite["ci_high"]).all()
    assert "P(gap_widens)" in render_sensitivity(df)


def test_discovery_finds_the_planted_box_and_rule(tmp_path: Path) -> None:
    out = _planted(tmp_path, "latin", 60, reps=10)
    d = discover(out, "gap_widens")
    assert [k for k, _, _ in d.box] == [GROWTH]
    _, lo, hi = d.box[0]
    assert 2.9 <= lo <= 3.1 and hi == pytest.approx(d.box_bounds[GROWTH][1])
    assert d.box_rule.rate > 0.95 and d.box_rule.coverage > 0.95
    assert d.box_rule.lift == pytest.approx(d.box_rule.rate / d.base_rate)
    best = d.rules[0]
    assert any(
        c.startswith(f"{GROWTH} > 2.9") or c.startswith(f"{GROWTH} > 3") for c in best.conditions
    )
    assert best.rate == 1.0
    text = render_discovery(d)
    assert "as likely" in text and GROWTH in text
    for name in d.files:
        assert (out / name).stat().st_size > 0
    box = pl.read_csv(out / "discover_gap_widens_box.csv")
    assert box["parameter"].to_list() == [GROWTH]


def test_discovery_errors_are_clear(tmp_path: Path) -> None:
    out = _planted(tmp_path, "latin", 30)
    with pytest.raises(AnalysisError, match="expected one of"):
        discover(out, "world_peace")
    with pytest.raises(AnalysisError, match="manifest.json"):
        sensitivity(tmp_path)


def test_analyses_run_on_a_real_small_sweep(tmp_path: Path) -> None:
    spec = load_spec(
        write_spec(
            tmp_path,
            sampler="sobol",
            points=8,
            replications=4,
            chunk=10,
            extra="second_order = true",
        )
    )
    assert spec.n_points == 8 * (2 * 3 + 2)
    run_sweep(spec, tmp_path / "s")
    df, _ = sensitivity(tmp_path / "s")
    assert set(df["index"]) == {"S1", "ST"}
    # six outputs x three parameters x (S1, ST); an output no run moves (e.g. an end state
    # that never occurs) keeps one ST = 0 row per parameter
    per = df.group_by("output").len()
    assert per.height == 6 and set(per["len"]) <= {3, 6}
    runs = pl.read_parquet(tmp_path / "s" / "runs.parquet")
    counts = runs["end_state"].cast(pl.String).value_counts()
    mixed = [
        s for s, c in zip(counts["end_state"], counts["count"], strict=True) if c < runs.height
    ]
    assert mixed, "frontier cost growth from 1.5 to 4 should change some runs' end-state"
    d = discover(tmp_path / "s", mixed[0])
    assert 0.0 <= d.box_rule.coverage <= 1.0 and 0.0 <= d.box_rule.rate <= 1.0
    assert d.rules and all(r.runs > 0 for r in d.rules)


def test_match_finds_the_region_reproducing_a_target(tmp_path: Path) -> None:
    out = _planted(tmp_path, "latin", 60, reps=10)
    m = match(out, parse_target("gap_widens=1"), tolerance=0.05)
    growth = pl.read_parquet(out / "samples.parquet")[GROWTH].to_numpy()
    assert m.matching == int((growth > 3.0).sum())
    assert m.box_rule is not None and m.box_rule.rate > 0.9 and m.box_rule.coverage > 0.9
    assert [c.split(" ")[0] for c in m.box_rule.conditions] == [GROWTH]
    shift = m.shifts.filter(pl.col("parameter") == GROWTH).row(0, named=True)
    assert shift["matching_p10"] > 3.0
    assert shift["base"] == load_scenario(BASELINE).values[GROWTH]
    text = render_match(m)
    assert "what you would have to believe" in text and GROWTH in text
    assert (out / "match_points.csv").exists() and (out / "match_shifts.parquet").exists()


def test_target_parsing() -> None:
    t = parse_target("open_deepening=0.45,bigtech_oligopoly=0.35,gap_widens=0.20")
    assert t == {"open_deepening": 0.45, "bigtech_oligopoly": 0.35, "gap_widens": 0.20}
    assert parse_target("gap_widens=0.5")["open_deepening"] == pytest.approx(0.25)
    for bad in ("peace=1", "gap_widens=2", "gap_widens=0.9,open_deepening=0.9", "gap_widens"):
        with pytest.raises(AnalysisError, match="--target"):
            parse_target(bad)
