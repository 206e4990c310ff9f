"""Calibration as an ensemble: history matching in waves (Vernon, Goldstein & Bower 2010;
Andrianakis et al. 2015).

A world is a value of every uncertain parameter (:data:`sim.params.spec.PRIORS`), handled in
the unit cube (each prior's quantile). Wave 1 simulates a Latin hypercube of the prior;
every world gets ``runs`` runs (the same run seeds for every world: common random numbers)
and, for each target, the implausibility

    I_t(x) = |miss(mean_t(x))| / sqrt(obs_t^2 + discrepancy_t^2 + var_t(x) / runs)

(one-sided targets count only the violating side); a world is non-implausible when its
largest I_t is below the cutoff (3, Pukelsheim's three-sigma rule). Each later wave samples
the box around the previous wave's non-implausible worlds, screens many candidates there with
Gaussian-process emulators of every target (scikit-learn; the emulator's variance replaces
the seed variance) and simulates only the candidates the emulators do not rule out: the
simulations they save are counted in the provenance. The worlds are the last wave's
simulated non-implausible points, equally weighted.

Each wave's simulations are written to the state folder chunk by chunk as they finish, so an
interrupted calibration resumes where it stopped; every draw comes from the seed, so the same
plan gives the same worlds file. Chunks run in process or on Dask.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from sim.engine.batch import simulate
from sim.params.prior import Prior, scale_priors
from sim.params.scenario import Scenario
from sim.params.spec import PRIORS

from ..store import atomic_write_json, atomic_write_parquet, code_version
from .targets import FIT_MONTHS, TARGETS
from .uncertainty import uncertainty_of

__all__ = [
    "HistoryConfig",
    "HistoryError",
    "WaveResult",
    "history_match",
    "implausibility",
    "active_targets",
    "worlds_of",
    "bands",
    "simulate_points",
    "fitted_priors",
]

_CHUNK_POINTS = 25  # worlds per stored chunk: the resume granularity and the Dask task size


class HistoryError(ValueError):
    """History matching cannot go on (one line: what and what to change)."""


@dataclass(frozen=True)
class HistoryConfig:
    """Waves, simulated worlds per wave, runs per world, cutoff, emulator screening."""

    waves: int = 3
    points: int = 1000  # wave 1 needs many: few of the prior's worlds survive the facts
    runs: int = 8
    cutoff: float = 3.0
    candidates: int = 20  # emulator-screened candidates per simulated world (waves >= 2)
    emulate: bool = True
    max_train: int = 200  # most simulated worlds an emulator is trained on (the latest): its
    # fit grows with the cube of this (about 140 s for 22 targets on 200 worlds, 2 cores)
    # which implausibility decides: 2, a world's second largest over the (22) targets, as
    # Vernon et al. (2010) do with many outputs; on the model of December 2026 no world of
    # 1,000 drawn from the priors has all 22 within the cutoff at 8 runs (best 3.06)
    rank: int = 2
    prior_scale: float = 1.0  # every prior's range this many times as wide (clipped to the
    # admissible range): how much the worlds owe to the priors (docs/calibration.md)


@dataclass
class WaveResult:
    """One wave: its worlds (unit cube), per-target means and variances, implausibility."""

    wave: int
    u: np.ndarray  # (points, d)
    mean: np.ndarray  # (points, targets)
    var: np.ndarray  # (points, targets)
    imp: np.ndarray  # (points, targets)
    proposed: int  # candidates looked at (emulated or simulated)
    screened_out: int  # candidates the emulators ruled out: simulations saved

    rank: int = 1

    @property
    def max_imp(self) -> np.ndarray:
        """Each world's deciding implausibility: its ``rank``-th largest over the targets."""
        return _ranked(self.imp, self.rank)


def _ranked(imp: np.ndarray, rank: int) -> np.ndarray:
    return -np.sort(-imp, axis=1)[:, min(rank, imp.shape[1]) - 1]


def active_targets(until: str = "") -> np.ndarray:
    """Which targets a calibration fits: those dated up to ``until`` (YYYY-MM; "": all)."""
    return np.array([not until or uncertainty_of(t).dated <= until for t in TARGETS])


def implausibility(
    mean: np.ndarray, var: np.ndarray, runs: int, active: np.ndarray | None = None
) -> np.ndarray:
    """Per-world, per-target implausibility (``mean`` and ``var`` are (worlds, targets));
    targets not ``active`` (a backtest's later facts) count 0."""
    out = np.zeros_like(mean)
    for j, t in enumerate(TARGETS):
        if active is not None and not active[j]:
            continue
        u = uncertainty_of(t)
        d = mean[:, j] - t.value
        if t.bound > 0:
            d = np.minimum(d, 0.0)
        elif t.bound < 0:
            d = np.maximum(d, 0.0)
        sd = np.sqrt(u.obs**2 + u.discrepancy**2 + np.maximum(var[:, j], 0.0) / max(runs, 1))
        out[:, j] = np.where(np.isfinite(d), np.abs(d) / sd, np.inf)
    return out


def fitted_priors(scale: float = 1.0) -> dict[str, Prior]:
    """The uncertain parameters' priors, ``scale`` times as wide about their centres and
    clipped to each parameter's admissible range (1: as declared in the table)."""
    from sim.params.scenario import parameter

    admissible = {k: (parameter(k).lo, parameter(k).hi) for k in PRIORS}
    return scale_priors(PRIORS, scale, admissible)


def _keys() -> list[str]:
    return [k for p in PRIORS.values() for k in p.keys]


def _values(u: np.ndarray, priors: dict[str, Prior] = PRIORS) -> np.ndarray:
    """Unit-cube points as values of every fitted key (tied keys repeated), 4 significant
    digits (a world is stated as it is stored)."""
    cols = []
    for j, p in enumerate(priors.values()):
        v = np.array([float(f"{x:.4g}") for x in p.ppf(u[:, j])])
        cols += [v] * len(p.keys)
    return np.column_stack(cols)


def simulate_points(
    base: Scenario, values: np.ndarray, runs: int, threads: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per-world mean and variance over ``runs`` runs of every target (worlds x targets)."""
    keys = _keys()
    worlds = [
        base.with_values(**{k.replace(".", "__"): float(v) for k, v in zip(keys, row, strict=True)})
        for row in values
    ]
    n = len(worlds)
    run_ids = np.tile(np.arange(runs), n)
    world = np.repeat(np.arange(n), runs)
    batch = simulate(base, run_ids, threads=threads, worlds=worlds, world=world)
    stats = np.empty((n * runs, len(TARGETS)))
    for i in range(n * runs):
        P = worlds[world[i]].global_vector()
        tr = batch.trajectories[i]
        for j, t in enumerate(TARGETS):
            stats[i, j] = t.statistic(tr, P)
    stats = stats.reshape(n, runs, len(TARGETS))
    return stats.mean(axis=1), stats.var(axis=1, ddof=1) if runs > 1 else np.zeros_like(
        stats[:, 0, :]
    )


def _chunk_task(base: Scenario, values: np.ndarray, runs: int, threads: int | None) -> dict:
    mean, var = simulate_points(base, values, runs, threads)
    return {"mean": mean, "var": var}


def _latin(n: int, d: int, seed: int) -> np.ndarray:
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=d, seed=np.random.default_rng(seed)).random(n)


def _emulators(u: np.ndarray, mean: np.ndarray, seed: int, active: np.ndarray) -> list:
    """One Gaussian process per target on the simulated worlds (Matern 5/2 with a fitted
    length per parameter, plus a nugget for the seed noise)."""
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    d = u.shape[1]
    out = []
    for j in range(mean.shape[1]):
        if not active[j]:
            out.append(None)
            continue
        y = mean[:, j]
        ok = np.isfinite(y)
        kernel = ConstantKernel(1.0, (1e-3, 1e3)) * Matern(
            np.full(d, 0.5), (1e-2, 1e2), nu=2.5
        ) + WhiteKernel(1e-2, (1e-6, 1.0))
        gp = GaussianProcessRegressor(kernel, normalize_y=True, random_state=seed)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gp.fit(u[ok], y[ok])
        out.append(gp)
    return out


def _screen(gps: list, cand: np.ndarray, rank: int) -> np.ndarray:
    """Each candidate's emulated implausibility (its ``rank``-th largest over the targets)."""
    mean = np.zeros((cand.shape[0], len(gps)))
    var = np.zeros_like(mean)
    for j, gp in enumerate(gps):
        if gp is not None:
            m, s = gp.predict(cand, return_std=True)
            mean[:, j], var[:, j] = m, s**2
    active = np.array([gp is not None for gp in gps])
    return _ranked(implausibility(mean, var, 1, active), rank)


def _propose(
    waves: list[WaveResult], cfg: HistoryConfig, seed: int, d: int, active: np.ndarray
) -> tuple[np.ndarray, int, int]:
    """The next wave's worlds in the unit cube, candidates looked at, candidates ruled out."""
    k = len(waves)
    if k == 0:
        return _latin(cfg.points, d, seed), cfg.points, 0
    last = waves[-1]
    keep = last.u[last.max_imp < cfg.cutoff]
    if keep.shape[0] == 0:
        best = float(np.min(last.max_imp))
        raise HistoryError(
            f"wave {k}: expected some worlds below the cutoff {cfg.cutoff:g}, found none "
            f"(the best's deciding implausibility is {best:.3g}); let a lower one decide "
            f"(--rank {cfg.rank + 1}), raise --cutoff, simulate more "
            f"--points, or revisit the priors and the targets' uncertainties"
        )
    lo, hi = keep.min(axis=0), keep.max(axis=0)
    pad = np.maximum(0.1 * (hi - lo), 0.05)  # a lone survivor still gets a neighbourhood
    lo, hi = np.clip(lo - pad, 0, 1), np.clip(hi + pad, 0, 1)
    if not cfg.emulate:
        cand = lo + _latin(cfg.points, d, seed + k) * (hi - lo)
        return cand, cfg.points, 0
    n_cand = cfg.points * cfg.candidates
    cand = lo + _latin(n_cand, d, seed + k) * (hi - lo)
    u_all = np.concatenate([w.u for w in waves])[-cfg.max_train :]
    m_all = np.concatenate([w.mean for w in waves])[-cfg.max_train :]
    imp = _screen(_emulators(u_all, m_all, seed, active), cand, cfg.rank)
    ruled_out = int(np.sum(imp >= cfg.cutoff))
    # the candidates the emulators rule out least: every one they keep, then (when fewer than
    # the wave's worlds pass) the nearest misses, so the wave still explores the region
    order = np.argsort(imp, kind="stable")
    return cand[order[: cfg.points]], n_cand, ruled_out


def _chunk_file(state: Path, wave: int, c: int) -> Path:
    return state / f"wave-{wave:02d}-chunk-{c:04d}.parquet"


def _run_wave(
    base: Scenario,
    u: np.ndarray,
    wave: int,
    cfg: HistoryConfig,
    state: Path | None,
    backend: str,
    workers: int | None,
    threads: int | None,
    progress: Callable[[str], None] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate a wave's worlds chunk by chunk (kept chunks are read back)."""
    values = _values(u, fitted_priors(cfg.prior_scale))
    chunks = [range(a, min(a + _CHUNK_POINTS, len(u))) for a in range(0, len(u), _CHUNK_POINTS)]
    results: dict[int, dict] = {}
    todo = []
    for c in range(len(chunks)):
        f = _chunk_file(state, wave, c) if state is not None else None
        if f is not None and f.is_file():
            df = pl.read_parquet(f)
            nt = len(TARGETS)
            results[c] = {
                "mean": df.select(df.columns[:nt]).to_numpy(),
                "var": df.select(df.columns[nt:]).to_numpy(),
            }
        else:
            todo.append(c)

    def done(c: int, res: dict) -> None:
        results[c] = res
        if state is not None:
            cols = {f"mean_{t.name}": res["mean"][:, j] for j, t in enumerate(TARGETS)}
            cols.update({f"var_{t.name}": res["var"][:, j] for j, t in enumerate(TARGETS)})
            atomic_write_parquet(_chunk_file(state, wave, c), pl.DataFrame(cols))
        if progress:
            progress(f"wave {wave}: {len(results)}/{len(chunks)} chunks of worlds simulated")

    if backend == "dask" and todo:
        from dask.distributed import Client, LocalCluster, as_completed

        n = workers or max(1, os.cpu_count() or 1)
        with (
            LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
            ) as cluster,
            Client(cluster) as client,
        ):
            sbase = client.scatter(base, broadcast=True)
            futures = {
                client.submit(
                    _chunk_task,
                    sbase,
                    values[chunks[c].start : chunks[c].stop],
                    cfg.runs,
                    1,
                    pure=False,
                    retries=2,
                ): c
                for c in todo
            }
            for fut in as_completed(futures):
                done(futures[fut], fut.result())
    else:
        for c in todo:
            done(c, _chunk_task(base, values[chunks[c].start : chunks[c].stop], cfg.runs, threads))
    mean = np.concatenate([results[c]["mean"] for c in range(len(chunks))])
    var = np.concatenate([results[c]["var"] for c in range(len(chunks))])
    return mean, var


def _plan(scenario: Scenario, cfg: HistoryConfig, until: str) -> dict[str, Any]:
    code = code_version()
    active = active_targets(until)
    return {
        "scenario_hash": scenario.hash,
        "seed": scenario.seed,
        "config": asdict(cfg),
        "fit_until": until,
        "priors": {k: p.describe() for k, p in fitted_priors(cfg.prior_scale).items()},
        "targets": {
            t.name: {
                "figure": t.value,
                "bound": t.bound,
                "obs": uncertainty_of(t).obs,
                "discrepancy": uncertainty_of(t).discrepancy,
                "dated": uncertainty_of(t).dated,
            }
            for t, on in zip(TARGETS, active, strict=True)
            if on
        },
        "code": {k: code.get(k) for k in ("package", "git_commit")},
    }


def _claim_state(state: Path, plan: dict, force: bool) -> None:
    f = state / "plan.json"
    if f.is_file():
        old = json.loads(f.read_text())
        if old != json.loads(json.dumps(plan)):
            if not force:
                raise HistoryError(
                    f"{state}: expected the state of this calibration, found another's "
                    "(other scenario, seed, settings, priors, targets or code); --force "
                    "starts over"
                )
            shutil.rmtree(state)
    state.mkdir(parents=True, exist_ok=True)
    atomic_write_json(f, plan)


def _until(scenario: Scenario) -> str:
    """The scenario's ``scenario.fit_until`` (YYYY-MM or empty), checked."""
    until = str(scenario.values.get("scenario.fit_until", ""))
    if until and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", until):
        raise HistoryError(
            f"{scenario.path}: key 'scenario.fit_until': expected a month YYYY-MM, found {until!r}"
        )
    if until and not active_targets(until).any():
        first = min(uncertainty_of(t).dated for t in TARGETS)
        raise HistoryError(
            f"{scenario.path}: key 'scenario.fit_until': expected a month with facts up to it "
            f"(the first is dated {first}), found {until!r}"
        )
    return until


def history_match(
    scenario: Scenario,
    cfg: HistoryConfig,
    state: Path | None = None,
    backend: str = "local",
    workers: int | None = None,
    threads: int | None = None,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[WaveResult], dict[str, Any]]:
    """Run the waves; return them and the provenance of the worlds (the last wave's
    non-implausible worlds). ``state`` keeps every chunk of simulations (resumable)."""
    if backend not in ("local", "dask"):
        raise HistoryError(f"--backend: expected local or dask, found {backend!r}")
    for t in TARGETS:
        uncertainty_of(t)
    until = _until(scenario)
    active = active_targets(until)
    base = scenario.with_values(run__months=FIT_MONTHS)
    plan = _plan(scenario, cfg, until)
    if state is not None:
        _claim_state(state, plan, force)
    d = len(PRIORS)
    seed = int(scenario.seed)
    waves: list[WaveResult] = []
    for k in range(cfg.waves):
        u, proposed, out = _propose(waves, cfg, seed, d, active)
        mean, var = _run_wave(base, u, k + 1, cfg, state, backend, workers, threads, progress)
        imp = implausibility(mean, var, cfg.runs, active)
        waves.append(WaveResult(k + 1, u, mean, var, imp, proposed, out, cfg.rank))
    last = waves[-1]
    if not np.any(last.max_imp < cfg.cutoff):
        _propose(waves, cfg, seed, d, active)  # raises the one-line error naming the best world
    meta = {
        "format": 1,
        "method": "history matching (Vernon et al. 2010; Andrianakis et al. 2015)",
        "scenario_path": Path(scenario.path).name,
        **plan,
        "fit_months": FIT_MONTHS,
        "waves": [
            {
                "wave": w.wave,
                "simulated": int(w.u.shape[0]),
                "proposed": int(w.proposed),
                "ruled_out_by_emulators": int(w.screened_out),
                "non_implausible": int(np.sum(w.max_imp < cfg.cutoff)),
                "runs": int(w.u.shape[0] * cfg.runs),
            }
            for w in waves
        ],
    }
    return waves, meta


def worlds_of(
    waves: list[WaveResult], cutoff: float, prior_scale: float = 1.0
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The last wave's non-implausible worlds: keys, values (worlds x keys), implausibility
    (``prior_scale``: the calibration's, see :class:`HistoryConfig`)."""
    last = waves[-1]
    keep = last.max_imp < cutoff
    return _keys(), _values(last.u[keep], fitted_priors(prior_scale)), last.max_imp[keep]


def bands(waves: list[WaveResult], cutoff: float) -> dict[str, tuple[float, float, float]]:
    """Each target's 5th, 50th and 95th percentile over the worlds' means, for reports."""
    last = waves[-1]
    keep = last.max_imp < cutoff
    out = {}
    for j, t in enumerate(TARGETS):
        v = last.mean[keep, j]
        v = v[np.isfinite(v)]
        q = np.quantile(v, [0.05, 0.5, 0.95]) if v.size else [math.nan] * 3
        out[t.name] = (float(q[0]), float(q[1]), float(q[2]))
    return out
