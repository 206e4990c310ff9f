"""docs/calibration.md's identifiability section: a parameter the ensemble pins by
construction reads pinned and one it leaves spread over its prior reads free; priors scaled
about their centres stay inside the admissible ranges; calibrate --prior-scale fits under
the scaled priors; the section is computed end to end from three tiny worlds files, and
aimarket calibrate carries it over when it rewrites the report."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

from experiments.calibration.history import FORMAT
from experiments.calibration.identifiability import (
    BEGIN,
    END,
    SCALES,
    keep_block,
    main,
    parameter_rows,
    verdict,
    weighted_quantile,
)
from experiments.cli import main as cli
from experiments.worlds import Ensemble, read_worlds
from sim.params.prior import Prior
from sim.params.scenario import parameter
from sim.params.spec import PRIORS

QUICK = ["--worlds", "--waves", "1", "--points", "4", "--world-runs", "1", "--cutoff", "1e9"]


def _ensemble(values: np.ndarray, keys: tuple[str, ...], weight=None) -> Ensemble:
    n = values.shape[0]
    w = np.full(n, 1.0 / n) if weight is None else np.asarray(weight) / np.sum(weight)
    meta = {"config": {"prior_scale": 1.0}}
    return Ensemble(Path("synthetic.worlds.parquet"), "0" * 64, keys, values, w, np.zeros(n), meta)


def test_weighted_quantiles_follow_the_weights():
    x = np.arange(10.0)
    assert weighted_quantile(x, np.ones(10), [0.5])[0] == pytest.approx(4.5)
    heavy = np.where(x < 5, 1.0, 9.0)  # nine tenths of the weight on 5..9
    assert weighted_quantile(x, heavy, [0.5])[0] > 6.0
    assert math.isnan(weighted_quantile(np.array([np.nan]), np.ones(1), [0.5])[0])


def test_a_pinned_parameter_reads_pinned_and_a_spread_one_free():
    pinned, free, narrowed = (PRIORS[k] for k in list(PRIORS)[:3])
    u = (np.arange(200) + 0.5) / 200
    rng = np.random.default_rng(1)
    values = np.column_stack(
        [
            pinned.ppf(0.5 + 0.02 * (u - 0.5)),  # all within 2% of the prior's quantiles
            free.ppf(rng.permutation(u)),  # spread over the whole prior
            narrowed.ppf(0.25 + 0.5 * rng.permutation(u)),  # the middle half of the prior
        ]
    )
    ens = _ensemble(values, (pinned.key, free.key, narrowed.key))
    rows = {r["key"]: r for r in parameter_rows(ens, PRIORS)}
    assert rows[pinned.key]["verdict"] == "pinned" and rows[pinned.key]["ratio"] < 0.05
    assert rows[free.key]["verdict"] == "free" and rows[free.key]["ratio"] == pytest.approx(
        1.0, abs=0.05
    )
    assert rows[narrowed.key]["verdict"] == "narrowed"
    assert rows[narrowed.key]["ratio"] == pytest.approx(0.5, abs=0.03)  # 0.9 x 0.5 of 0.9
    assert len(rows) == 3  # keys absent from the worlds file are left out
    # the weights count: all weight on the lower half of the free parameter narrows it
    low = values[:, 1] <= np.median(values[:, 1])
    weighted = {r["key"]: r for r in parameter_rows(_ensemble(values, ens.keys, low * 1.0))}
    assert weighted[free.key]["ensemble_90"][1] < rows[free.key]["ensemble_90"][1]
    assert [verdict(0.1), verdict(0.5), verdict(0.9)] == ["pinned", "narrowed", "free"]


def test_scaled_priors_keep_their_centre_and_the_admissible_range():
    u = Prior("a", "uniform", 2.0, 6.0, "why")
    assert (u.scaled(0.5, 0.0, 10.0).lo, u.scaled(0.5, 0.0, 10.0).hi) == (3.0, 5.0)
    assert (u.scaled(3.0, 1.0, 10.0).lo, u.scaled(3.0, 1.0, 10.0).hi) == (1.0, 10.0)
    lg = Prior("b", "loguniform", 0.1, 10.0, "why").scaled(0.5, 0.0, 100.0)
    assert lg.lo == pytest.approx(10**-0.5) and lg.hi == pytest.approx(10**0.5)
    n = Prior("c", "normal", 0.0, 1.0, "why", mean=0.4, sd=0.2).scaled(1.5, 0.0, 1.0)
    assert n.sd == pytest.approx(0.3) and (n.lo, n.hi) == (0.0, 1.0)
    from experiments.calibration.history import fitted_priors

    assert fitted_priors(1.0) == PRIORS
    for scale in (0.5, 1.5):
        for k, p in fitted_priors(scale).items():
            spec = parameter(k)
            assert spec.lo <= p.lo < p.hi <= spec.hi
            ratio = (p.hi - p.lo) / (PRIORS[k].hi - PRIORS[k].lo)
            if scale < 1 and PRIORS[k].dist == "uniform":
                assert ratio == pytest.approx(0.5)


@pytest.fixture(scope="module")
def three_fits(tmp_path_factory):
    """tiny.toml (100 enterprises, 300 developers) fitted under the priors x1 and x SCALES
    (one wave of 4 worlds, one run each, every world kept)."""
    from .conftest import BASELINE

    d = tmp_path_factory.mktemp("ident")
    path = d / "tiny.toml"
    path.write_text(
        f'[scenario]\nname = "tiny"\nextends = "{BASELINE.as_posix()}"\n'
        "[run]\nruns = 4\nenterprises = 100\ndevelopers = 300\nmonths = 30\n"
    )
    for scale in ("1", *(f"{s:g}" for s in SCALES)):
        assert cli(["calibrate", str(path), *QUICK, "--prior-scale", scale]) == 0
    return path


def test_calibrate_states_how_many_parameters_the_facts_pin_down(three_fits, capsys):
    capsys.readouterr()
    out = three_fits.with_name("again.worlds.parquet")
    assert cli(["calibrate", str(three_fits), *QUICK, "--out", str(out)]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("the facts pin down ") and f"of {len(PRIORS)} uncertain" in line


def test_calibrate_prior_scale_fits_under_the_scaled_priors(three_fits):
    from experiments.calibration.history import fitted_priors

    lo, hi = SCALES
    narrow = read_worlds(three_fits.with_name(f"tiny.prior-x{lo:g}.worlds.parquet"))
    wide = read_worlds(three_fits.with_name(f"tiny.prior-x{hi:g}.worlds.parquet"))
    assert narrow.meta["config"]["prior_scale"] == lo
    assert wide.meta["config"]["prior_scale"] == hi
    for ens, scale in ((narrow, lo), (wide, hi)):
        priors = fitted_priors(scale)
        assert ens.meta["priors"] == {k: p.describe() for k, p in priors.items()}
        for k, p in priors.items():
            x = ens.values[:, ens.keys.index(k)]
            assert np.all((x >= p.lo * (1 - 1e-3)) & (x <= p.hi * (1 + 1e-3)))
    outside = [
        np.any(
            (wide.values[:, wide.keys.index(k)] < p.lo)
            | (wide.values[:, wide.keys.index(k)] > p.hi)
        )
        for k, p in PRIORS.items()
    ]
    assert any(outside)  # the wider prior reaches beyond the declared ranges


def test_the_section_is_computed_from_the_worlds_files(three_fits, tmp_path, capsys):
    doc = tmp_path / "calibration.md"
    doc.write_text("# Calibration\n\n<!-- ensemble:begin -->\nmethod\n<!-- ensemble:end -->\n")
    worlds = three_fits.with_name("tiny.worlds.parquet")
    args = [str(worlds), "--scenario", str(three_fits), "--runs", "2", "--headline-runs", "6"]
    assert main([*args, "--out", str(doc)]) == 0
    text = doc.read_text()
    assert text.startswith("# Calibration") and text.count(BEGIN) == 1
    block = text.split(BEGIN, 1)[1].split(END, 1)[0]
    ens = read_worlds(worlds)
    assert ens.digest[:12] in block
    for p in PRIORS.values():
        assert f"`{p.key}`" in block
    from experiments.calibration.targets import TARGETS

    target_lines = [
        ln for ln in block.splitlines() if ln.endswith("| hit |") or ln.endswith("| miss |")
    ]
    assert len(target_lines) == len(TARGETS)
    for label in ("| as declared |", *(f"| x{s:g} |" for s in SCALES)):
        assert label in block
    assert main([*args, "--out", str(doc)]) == 0  # the same inputs: the same section
    assert doc.read_text() == text
    assert "unchanged" in capsys.readouterr().out
    # a report rewritten by aimarket calibrate keeps the block
    fresh = "# Calibration\n\nnew figures\n"
    kept = keep_block(fresh, doc)
    assert kept.startswith(fresh.rstrip("\n")) and BEGIN + block + END in kept


def test_a_file_fitted_under_another_prior_is_one_line(three_fits, tmp_path, capsys):
    worlds = three_fits.with_name("tiny.worlds.parquet")
    args = [str(worlds), "--scenario", str(three_fits), "--runs", "1", "--headline-runs", "2"]
    assert main([*args, "--narrower", str(worlds), "--dry-run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "config.prior_scale" in err[0] and f"x{SCALES[0]:g}" in err[0]
    missing = tmp_path / "none.worlds.parquet"
    assert main([*args, "--wider", str(missing), "--dry-run"]) == 2
    err = capsys.readouterr().err.strip()
    assert str(missing) in err and f"--prior-scale {SCALES[1]:g}" in err


def test_files_of_other_settings_are_refused_and_of_other_wave_sizes_kept(three_fits, tmp_path):
    """The prior's influence compares fits that differ in their prior alone: another cutoff is
    refused in one line; more worlds per wave (a wider box may need them) is search effort."""
    from experiments.calibration.identifiability import IdentifiabilityError, check_files
    from experiments.worlds import write_worlds

    base = read_worlds(three_fits.with_name("tiny.worlds.parquet"))
    hi = SCALES[1]
    wide = read_worlds(three_fits.with_name(f"tiny.prior-x{hi:g}.worlds.parquet"))

    def variant(name: str, **config) -> Path:
        meta = dict(wide.meta)
        meta["config"] = {**wide.meta["config"], **config}
        path = tmp_path / name
        write_worlds(path, list(wide.keys), wide.values, wide.implausibility, meta, wide.weight)
        return path

    check_files({1.0: base.path, hi: variant("more.worlds.parquet", points=99)})
    check_files({1.0: base.path, hi: variant("capped.worlds.parquet", max_candidates=5)})
    cut = base.meta["config"]["cutoff"]
    with pytest.raises(IdentifiabilityError, match="config") as exc:
        check_files({1.0: base.path, hi: variant("other.worlds.parquet", cutoff=9.0)})
    # the line names the key that differs and both values
    assert "key 'config.cutoff': expected" in str(exc.value)
    assert f"found 9.0 against {cut!r}" in str(exc.value)


def test_a_point_refit_keeps_files_comparable_and_a_format_1_file_is_told_apart(
    three_fits, tmp_path
):
    """The files are compared by the scenario without its uncertain values (worlds_hash): a
    refit of the point calibration changes only the full hash. A format-1 file has only the
    full hash, so it pairs only with files of the same full scenario."""
    from experiments.calibration.identifiability import IdentifiabilityError, check_files
    from experiments.worlds import write_worlds

    base = read_worlds(three_fits.with_name("tiny.worlds.parquet"))
    hi = SCALES[1]
    wide = read_worlds(three_fits.with_name(f"tiny.prior-x{hi:g}.worlds.parquet"))
    assert base.meta["format"] == FORMAT and base.meta["worlds_hash"]

    def variant(name: str, drop: tuple[str, ...] = (), **meta) -> Path:
        m = {k: v for k, v in wide.meta.items() if k not in drop} | meta
        path = tmp_path / name
        write_worlds(path, list(wide.keys), wide.values, wide.implausibility, m, wide.weight)
        return path

    check_files({1.0: base.path, hi: variant("refit.worlds.parquet", scenario_hash="x")})
    old = variant("old.worlds.parquet", drop=("worlds_hash",), format=1)
    with pytest.raises(IdentifiabilityError, match="key 'scenario'"):
        check_files({1.0: base.path, hi: old})
    assert read_worlds(old).n == wide.n  # a format-1 file still reads
    future = variant("future.worlds.parquet", format=FORMAT + 1)
    from experiments.worlds import WorldsError

    with pytest.raises(WorldsError, match="format") as exc:
        read_worlds(future)
    assert "\n" not in str(exc.value)


def test_the_section_states_each_waves_nroy_share():
    from experiments.calibration.wave_notes import last_nroy, wave_notes

    waves = [
        {"wave": 1, "simulated": 1000, "non_implausible": 3, "nroy_fraction": 1.0},
        {
            "wave": 2,
            "simulated": 1000,
            "non_implausible": 400,
            "nroy_fraction": 0.0021,
            "nroy_latin": {"accepted": 42, "of": 20000},
        },
    ]
    ens = _ensemble(np.zeros((2, 1)), (next(iter(PRIORS)),))
    two = dataclasses.replace(ens, meta={"format": 2, "waves": waves})
    text = wave_notes(two)
    assert "wave 1 kept 3 of 1000" in text and "0.0021 (42 of 20000)" in text
    assert last_nroy(two) == "0.0021"
    assert "drawn: not recorded" in text  # format 2 before the effective sample size
    exact = dataclasses.replace(
        ens, meta={"format": 3, "waves": [waves[0], waves[1] | {"exact": True}]}
    )
    assert "drawn: exactly (uniform among the kept)" in wave_notes(exact)
    capped = [waves[0], waves[1] | {"exact": False, "weights_ess": 113.2}]
    capped_text = wave_notes(dataclasses.replace(ens, meta={"format": 3, "waves": capped}))
    assert "not exactly (the cap reached), weights' effective sample size 113 of 1000" in (
        capped_text
    )
    one = dataclasses.replace(
        ens,
        meta={
            "format": 1,
            "waves": [{k: w[k] for k in ("wave", "simulated", "non_implausible")} for w in waves],
        },
    )
    assert "kept 3 of 1000" in wave_notes(one) and "Latin" not in wave_notes(one)
    assert last_nroy(one) == ""
