"""History matching end to end on tiny populations: aimarket calibrate --worlds writes a worlds
file that a batch then draws from, with each wave's search recorded; the file is the same
bytes when run again and after an interruption resumed; a refit of the point calibration
leaves a state resumable; implausibility counts only the side a one-sided target forbids.
(The sampler itself on arrays: tests/test_nroy.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from experiments.calibration.history import (
    FORMAT,
    HistoryConfig,
    HistoryError,
    WaveResult,
    _require_survivors,
    history_match,
    implausibility,
    worlds_hash,
    worlds_of,
)
from experiments.calibration.nroy import MIN_CHUNK, Proposal
from experiments.calibration.targets import TARGETS
from experiments.calibration.uncertainty import UNCERTAINTY
from experiments.cli import main
from experiments.worlds import read_worlds, worlds_path
from sim.params.scenario import load_scenario
from sim.params.spec import PRIORS

# the tiny fit's settings, as flags and as the HistoryConfig they make
CONFIG = dict(waves=2, points=12, runs=2, candidates=5, rank=6, cutoff=3.0)
ARGS = ["--worlds", "--waves", "2", "--points", "12", "--world-runs", "2"]
ARGS += ["--candidates", "5", "--rank", "6", "--cutoff", "3"]


def _calibrate(scenario, out, state=None) -> int:
    args = ["calibrate", str(scenario), *ARGS, "--out", str(out)]
    return main(args + (["--state", str(state)] if state else []))


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    """tiny.toml (100 enterprises, 300 developers) and its worlds file, two waves."""
    from .conftest import BASELINE

    d = tmp_path_factory.mktemp("cal")
    path = d / "tiny.toml"
    path.write_text(
        f'[scenario]\nname = "tiny"\nextends = "{BASELINE.as_posix()}"\n'
        "[run]\nruns = 4\nenterprises = 100\ndevelopers = 300\n"
    )
    assert _calibrate(path, worlds_path(path)) == 0
    return path


def test_every_target_has_a_stated_uncertainty():
    assert set(UNCERTAINTY) == {t.name for t in TARGETS}
    for u in UNCERTAINTY.values():
        assert u.obs > 0 and u.discrepancy >= 0 and u.why.strip()


def test_implausibility_counts_only_the_forbidden_side_of_a_bound():
    j = next(j for j, t in enumerate(TARGETS) if t.bound > 0)
    t = TARGETS[j]
    mean = np.array([[t.value] * len(TARGETS)] * 2, dtype=float)
    mean[0, j], mean[1, j] = t.value + 1.0, t.value - 1.0  # above a lower bound is no miss
    imp = implausibility(mean, np.zeros_like(mean), 2)
    assert imp[0, j] == 0.0 and imp[1, j] > 0.0
    # seed variance widens the denominator
    wider = implausibility(mean, np.full_like(mean, 4.0), 2)
    assert wider[1, j] < imp[1, j]


def test_a_small_calibration_writes_worlds_that_fit_and_a_batch_draws_from_them(
    calibrated, tmp_path, capsys
):
    ens = read_worlds(worlds_path(calibrated))
    assert ens.n >= 1
    assert np.all(ens.implausibility < 3.0)
    for j, key in enumerate(ens.keys):  # inside the priors, tied keys equal
        prior = next(p for p in PRIORS.values() if key in p.keys)
        assert np.all((ens.values[:, j] >= prior.lo) & (ens.values[:, j] <= prior.hi))
        lead = ens.keys.index(prior.key)
        assert np.array_equal(ens.values[:, j], ens.values[:, lead])
    meta = ens.meta
    assert meta["config"]["cutoff"] == 3.0 and len(meta["waves"]) == 2
    assert set(meta["targets"]) == {t.name for t in TARGETS}
    assert meta["code"]["package"] and "git_commit" in meta["code"]
    assert meta["format"] == FORMAT == 3
    assert meta["worlds_hash"] == worlds_hash(load_scenario(calibrated))
    w1, w2 = meta["waves"]
    # the second wave samples the non-implausible region: more of its worlds survive
    assert w2["non_implausible"] / w2["simulated"] >= w1["non_implausible"] / w1["simulated"]
    assert w2["proposed"] >= w2["simulated"]
    # what each wave's search took: wave 1 the whole prior, wave 2 a screened Latin sample
    # of the whole prior (its share passed: the estimated NROY fraction)
    assert (w1["proposed"], w1["accepted"], w1["nroy_fraction"]) == (12, 12, 1.0)
    # grown in chunks until they alone keep the wave's worlds: then an exact draw
    assert (w2["nroy_latin"]["of"] - CONFIG["points"] * CONFIG["candidates"]) % MIN_CHUNK == 0
    assert w2["exact"] == (w2["nroy_latin"]["accepted"] >= w2["simulated"]) and w2["exact"]
    assert w2["nroy_fraction"] == w2["nroy_latin"]["accepted"] / w2["nroy_latin"]["of"] < 1
    assert w2["accepted"] + w2["ruled_out_by_emulators"] == w2["proposed"]
    assert w2["accepted"] >= w2["nroy_latin"]["accepted"]
    assert not worlds_path(calibrated).with_name("tiny.worlds.parquet.state").exists()
    out = tmp_path / "batch"
    assert main(["run", str(calibrated), "--runs", "4", "--out", str(out)]) == 0
    assert "Worlds:" in capsys.readouterr().out


@pytest.mark.slow
def test_an_interrupted_calibration_resumes_to_the_same_worlds(calibrated, tmp_path):
    sc = load_scenario(calibrated)
    cfg = HistoryConfig(**CONFIG)
    state = tmp_path / "state"

    def stop_in_wave_2(message: str) -> None:
        if message.startswith("wave 2"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        history_match(sc, cfg, state=state, progress=stop_in_wave_2)
    kept = sorted(p.name for p in state.glob("wave-*.parquet"))
    assert kept and all(n.startswith("wave-01") or n.startswith("wave-02") for n in kept)
    seen: list[str] = []
    history_match(sc, cfg, state=state, progress=seen.append)
    assert not any(m.startswith("wave 1") for m in seen)  # wave 1 read back, not re-simulated
    out = tmp_path / "resumed.worlds.parquet"
    assert _calibrate(calibrated, out, state) == 0
    assert out.read_bytes() == worlds_path(calibrated).read_bytes()


def test_the_worlds_hash_leaves_out_the_uncertain_values(calibrated):
    sc = load_scenario(calibrated)
    p = next(iter(PRIORS.values()))
    other = float(p.ppf(np.array([0.25]))[0])
    refit = sc.with_values(**{k.replace(".", "__"): other for k in p.keys})
    assert refit.hash != sc.hash and worlds_hash(refit) == worlds_hash(sc)
    changed = sc.with_values(run__enterprises=120)
    assert worlds_hash(changed) != worlds_hash(sc)


def test_a_point_refit_leaves_the_state_resumable(calibrated, tmp_path):
    """The worlds replace every uncertain value: a state fitted before the point calibration
    rewrote them resumes (its chunks are read back, not simulated again)."""
    sc = load_scenario(calibrated)
    cfg = HistoryConfig(waves=1, points=3, runs=1, cutoff=50.0)
    state = tmp_path / "state"
    first, meta = history_match(sc, cfg, state=state)
    p = next(iter(PRIORS.values()))
    other = float(p.ppf(np.array([0.25]))[0])
    refit = sc.with_values(**{k.replace(".", "__"): other for k in p.keys})
    seen: list[str] = []
    again, meta2 = history_match(refit, cfg, state=state, progress=seen.append)
    assert not seen  # nothing simulated again
    assert np.array_equal(first[0].mean, again[0].mean)
    assert meta2["worlds_hash"] == meta["worlds_hash"]
    assert meta2["scenario_hash"] != meta["scenario_hash"]  # kept for information


def test_another_calibrations_state_is_refused(calibrated, tmp_path):
    sc = load_scenario(calibrated)
    state = tmp_path / "state"
    state.mkdir()
    (state / "plan.json").write_text('{"worlds_hash": "another"}')
    with pytest.raises(HistoryError, match="another's"):
        history_match(sc, HistoryConfig(waves=1, points=2, runs=1), state=state)


def test_no_world_below_the_cutoff_is_one_line_and_exit_2(calibrated, tmp_path, capsys):
    """Wave 1's worlds all ruled out: wave 2 needs only candidates its emulators keep, and
    with none kept within the cap the fit stops with one line (here at wave 2)."""
    args = ["calibrate", str(calibrated), "--worlds", "--waves", "2", "--points", "3"]
    args += ["--world-runs", "1", "--cutoff", "0.01", "--out", str(tmp_path / "x.parquet")]
    assert main([*args, "--max-candidates", "5000"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: wave 2: expected some candidates the emulators do not")
    assert "no simulated world below the cutoff 0.01" in err[-1]
    assert not (tmp_path / "x.parquet").exists()


@pytest.mark.parametrize("bad", ["0", "-3", "many"])
def test_a_bad_max_candidates_is_one_line_and_exit_2(calibrated, bad, capsys):
    with pytest.raises(SystemExit) as e:
        main(["calibrate", str(calibrated), "--worlds", "--max-candidates", bad])
    assert e.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--max-candidates" in err[0] and bad in err[0]


def test_a_cap_below_one_chunk_is_one_line_and_exit_2(calibrated, capsys):
    args = ["calibrate", str(calibrated), "--worlds", "--points", "100", "--candidates", "20"]
    assert main([*args, "--max-candidates", "1999"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: --max-candidates: expected at least")
    assert "(2,000," in err[0] and "found 1,999" in err[0]


def test_calibration_doc_ensemble_section_is_current():
    from experiments.calibration.ensemble_doc import BEGIN, DOC, END, ensemble_method_markdown

    text = DOC.read_text()
    section = text.split(BEGIN, 1)[1].split(END, 1)[0]
    assert section.strip() == ensemble_method_markdown().strip(), (
        "run: uv run python -m experiments.calibration.ensemble_doc"
    )


@pytest.mark.slow
def test_the_worlds_file_is_the_same_bytes_run_again_on_dask(calibrated, tmp_path):
    """Run again, on a Dask cluster this time: the same bytes as the fixture's run in process
    (one rerun shows both that a run is reproducible and that the back-end does not matter)."""
    out = tmp_path / "dask.worlds.parquet"
    args = ["calibrate", str(calibrated), *ARGS, "--out", str(out)]
    assert main([*args, "--backend", "dask", "--workers", "2"]) == 0
    assert out.read_bytes() == worlds_path(calibrated).read_bytes()


def test_a_backtest_fits_only_the_facts_dated_up_to_its_month(calibrated, tmp_path):
    path = tmp_path / "back.toml"
    path.write_text(
        f'[scenario]\nname = "back"\nextends = "{calibrated.as_posix()}"\nfit_until = "2024-12"\n'
    )
    cfg = HistoryConfig(waves=1, points=4, runs=1, cutoff=50.0)
    waves, meta = history_match(load_scenario(path), cfg)
    assert meta["fit_until"] == "2024-12" and meta["targets"]
    assert all(t["dated"] <= "2024-12" for t in meta["targets"].values())
    later = [j for j, t in enumerate(TARGETS) if UNCERTAINTY[t.name].dated > "2024-12"]
    assert later and np.all(waves[0].imp[:, later] == 0.0)  # a 2025 fact does not count


@pytest.mark.parametrize("until", ["2024-13", "Dec 2024", "2020-01"])
def test_a_bad_fit_until_is_one_line(calibrated, tmp_path, until):
    path = tmp_path / "back.toml"
    path.write_text(
        f'[scenario]\nname = "back"\nextends = "{calibrated.as_posix()}"\nfit_until = "{until}"\n'
    )
    with pytest.raises(HistoryError) as exc:
        history_match(load_scenario(path), HistoryConfig(waves=1, points=2, runs=1))
    assert "scenario.fit_until" in str(exc.value) and str(path) in str(exc.value)
    assert "\n" not in str(exc.value)


def test_a_stored_chunk_is_used_only_for_the_very_worlds_it_simulated(tmp_path):
    import polars as pl

    from experiments.calibration.history import _read_chunk

    u = np.random.default_rng(0).random((3, len(PRIORS)))
    cols = {f"mean_{t.name}": np.arange(3.0) for t in TARGETS}
    cols.update({f"var_{t.name}": np.ones(3) for t in TARGETS})
    old = tmp_path / "old.parquet"  # a chunk stored without its worlds
    pl.DataFrame(cols).write_parquet(old)
    assert _read_chunk(old, u) is None
    f = tmp_path / "chunk.parquet"
    pl.DataFrame({**cols, **{f"u_{i}": u[:, i] for i in range(u.shape[1])}}).write_parquet(f)
    got = _read_chunk(f, u)
    assert got["mean"].shape == (3, len(TARGETS)) and np.all(got["var"] == 1.0)
    other = u.copy()
    other[1, 0] += 1e-12  # worlds that came out otherwise on resume: simulated again
    assert _read_chunk(f, other) is None
    assert _read_chunk(tmp_path / "missing.parquet", u) is None


def test_without_emulators_every_wave_s_non_implausible_worlds_are_kept():
    # each wave is a fresh sample of the prior (rejection sampling): pooling them is exact;
    # with emulators only the last wave was drawn from the final region
    d, cutoff = len(PRIORS), 3.0
    waves = []
    for k, imp in enumerate(([1.0, 5.0, 2.0], [4.0, 0.5, 9.0])):
        u = np.full((3, d), 0.1 * (k + 1)) + np.arange(3)[:, None] * 0.01
        i = np.array(imp)[:, None]
        prop = Proposal(u, 3, 3, 3, 3)
        waves.append(WaveResult(k + 1, u, i, i, i, prop))
    # a last wave with no survivor stops the fit only when the earlier waves' are not kept
    waves[1] = WaveResult(2, waves[1].u, waves[1].imp + 9, waves[1].var, waves[1].imp + 9, prop)
    with pytest.raises(HistoryError, match="wave 2: expected some worlds below the cutoff"):
        _require_survivors(waves[-1], HistoryConfig())
    _require_survivors(waves[-1], HistoryConfig(), waves)  # wave 1's count: no error
    waves[1] = WaveResult(2, waves[1].u, waves[1].imp - 9, waves[1].var, waves[1].imp - 9, prop)
    _, last, imp_last = worlds_of(waves, cutoff)
    _, pooled, imp_pooled = worlds_of(waves, cutoff, pooled=True)
    assert last.shape[0] == 1 and list(imp_last) == [0.5]
    assert pooled.shape[0] == 3 and list(imp_pooled) == [1.0, 2.0, 0.5]
    assert np.array_equal(pooled[2], last[0])
