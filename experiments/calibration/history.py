"""Calibration as an ensemble: history matching in refocusing waves (Vernon, Goldstein &
Bower 2010; Andrianakis et al. 2015).

A world is a value of every uncertain parameter (:data:`sim.params.spec.PRIORS`), handled in
the unit cube (each prior's quantile: uniform in the cube is the prior). Every simulated
world gets ``runs`` runs (the same run seeds for every world: common random numbers) and,
per target, an implausibility (:mod:`.implausibility`); it is non-implausible when its
deciding implausibility (the ``rank``-th largest over the targets) is below the cutoff (3,
Pukelsheim's three-sigma rule).

Wave 1 simulates a Latin hypercube of the prior. After each wave, Gaussian-process emulators
of every active target are fitted on that wave's simulations (:mod:`.emulators`) and kept: a
point is not ruled out yet (NROY) when every wave's emulators so far put it below the
cutoff. Each later wave draws its worlds exactly from the prior restricted to that region
(:mod:`.nroy`): seeded Latin chunks of the whole cube are screened by every earlier wave's
emulators in turn until they keep the wave's worlds, which are drawn uniformly among the
kept candidates (no simulated survivor is needed for that, only candidates the emulators
keep). Only when ``max_candidates`` are screened first do perturbations around the points
known to be in the region and importance weights fill the wave; the wave is then recorded
as not exact (``exact``, with the weights' effective sample size) and ``calibrate`` warns.
The provenance records per wave the candidates looked at, kept and ruled out, and the share
of the whole-cube Latin candidates kept: the estimated fraction of the prior not ruled out
yet. The worlds are the last wave's simulated non-implausible points, equally weighted
(without emulators, ``--no-emulator``, every wave's: each is a fresh sample of the prior).

Each wave's simulations are written to the state folder chunk by chunk as they finish, so an
interrupted calibration resumes where it stopped (the emulators are fitted again from the
stored chunks, deterministically); every draw comes from the seed, so the same plan gives the
same worlds file. Chunks run in process or on Dask. The plan compares the scenario without
its uncertain parameters (:func:`worlds_hash`): the worlds replace every one of them, so
refitting the point calibration leaves a worlds file and a resumable state current.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
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
from .emulators import WaveEmulator, fit_wave_emulator
from .implausibility import active_targets, implausibility, ranked
from .nroy import Proposal, propose
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
    "simulate_points",
    "fitted_priors",
    "worlds_hash",
    "FORMAT",
]

FORMAT = 3  # the worlds file's metadata: 2 added worlds_hash and the waves' NROY fields, 3
# each wave's ``exact`` (drawn exactly from the prior restricted to NROY) and the cap
_CHUNK_POINTS = 25  # worlds per stored chunk: the resume granularity and the Dask task size


class HistoryError(ValueError):
    """History matching cannot go on (one line: what and what to change)."""


@dataclass(frozen=True)
class HistoryConfig:
    """Waves, simulated worlds per wave, runs per world, cutoff, emulator screening."""

    waves: int = 4  # refocusing usually takes 4-5; at the defaults 4-5 minutes on 2 cores
    points: int = 1000  # wave 1 needs many: few of the prior's worlds survive the facts
    runs: int = 8
    cutoff: float = 3.0
    # whole-cube Latin candidates per simulated world in a chunk of waves 2+ (and as many
    # perturbations if the cap is reached with too few kept): chunks are screened until the
    # wave's worlds are kept
    candidates: int = 20
    # most whole-cube candidates a wave may screen: the baseline's waves screened up to 0.64
    # million (NROY 0.16% of the cube), a prior 1.25 times as wide 1.1 million (0.09%) in 82 s
    # (December 2026, 2 cores); the cap leaves room for an NROY of 0.025%, about 5 minutes
    max_candidates: int = 4_000_000
    emulate: bool = True
    max_train: int = 200  # most worlds an emulator's hyperparameters are fitted on (then it is
    # conditioned on all the wave's): the fit grows with the cube of this (about 26 s for 23
    # targets on 200 worlds, 2 cores: docs/performance.md)
    # which implausibility decides: 2, a world's second largest over the (22) targets, as
    # Vernon et al. (2010) do with many outputs; on the model of December 2026 no world of
    # 1,000 drawn from the priors has all 22 within the cutoff at 8 runs (best 3.06)
    rank: int = 2
    prior_scale: float = 1.0  # every prior's range this many times as wide (clipped to the
    # admissible range): how much the worlds owe to the priors (docs/calibration.md)


@dataclass
class WaveResult:
    """One wave: its worlds (unit cube), per-target means and variances, implausibility, and
    how they were found (:class:`.nroy.Proposal`)."""

    wave: int
    u: np.ndarray  # (points, d)
    mean: np.ndarray  # (points, targets)
    var: np.ndarray  # (points, targets)
    imp: np.ndarray  # (points, targets)
    proposal: Proposal
    rank: int = 1

    @property
    def max_imp(self) -> np.ndarray:
        """Each world's deciding implausibility: its ``rank``-th largest over the targets."""
        return ranked(self.imp, self.rank)

    def provenance(self, cutoff: float, runs: int) -> dict[str, Any]:
        """The wave's entry in the worlds file's ``waves``."""
        p = self.proposal
        return {
            "wave": self.wave,
            "simulated": int(self.u.shape[0]),
            "proposed": int(p.proposed),
            "accepted": int(p.accepted),
            "ruled_out_by_emulators": int(p.ruled_out),
            "non_implausible": int(np.sum(self.max_imp < cutoff)),
            "nroy_fraction": float(p.nroy_fraction),
            "nroy_latin": {"accepted": int(p.latin_accepted), "of": int(p.latin)},
            "weights_ess": float(p.weights_ess),
            "exact": bool(p.exact),
            "runs": int(self.u.shape[0] * runs),
        }


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


def _require_survivors(
    wave: WaveResult, cfg: HistoryConfig, pooled: list[WaveResult] | None = None
) -> None:
    """Raise the one-line error naming the best world when ``wave`` kept none (with
    ``pooled``, when none of those waves kept any)."""
    if not any(np.any(w.max_imp < cfg.cutoff) for w in pooled or [wave]):
        best = float(min(np.min(w.max_imp) for w in pooled or [wave]))
        raise HistoryError(
            f"wave {wave.wave}: expected some worlds below the cutoff {cfg.cutoff:g}, found "
            f"none (the best's deciding implausibility is {best:.3g}); let a lower one decide "
            f"(--rank {cfg.rank + 1}), raise --cutoff, simulate more "
            f"--points, or revisit the priors and the targets' uncertainties"
        )


def _propose(
    waves: list[WaveResult], emulators: list[WaveEmulator], cfg: HistoryConfig, seed: int, d: int
) -> Proposal:
    """The next wave's worlds (:func:`.nroy.propose`): wave 1 a Latin sample of the prior;
    later waves the prior restricted to what every earlier wave's emulators do not rule out
    (without emulators: a fresh Latin sample of the prior, nothing screened)."""
    k = len(waves)
    if k == 0 or not cfg.emulate:
        return propose([], np.empty((0, d)), cfg.points, cfg.points, 0, cfg.cutoff, seed + k)
    survivors = np.concatenate([w.u[w.max_imp < cfg.cutoff] for w in waves])
    screens = sorted(emulators, key=lambda e: e.cost)  # stable: equal costs in wave order
    n = cfg.points * cfg.candidates
    p = propose(screens, survivors, cfg.points, n, n, cfg.cutoff, seed + k, cfg.max_candidates)
    if p.accepted == 0 and survivors.shape[0] == 0:
        best = float(np.min(waves[-1].max_imp))
        raise HistoryError(
            f"wave {k + 1}: expected some candidates the emulators do not rule out, found none "
            f"of {p.latin:,} (and no simulated world below the cutoff {cfg.cutoff:g}: the "
            f"best's deciding implausibility is {best:.3g}); raise --max-candidates, let a "
            f"lower one decide (--rank {cfg.rank + 1}), raise --cutoff, or revisit the "
            "priors and the targets' uncertainties"
        )
    return p


def _chunk_file(state: Path, wave: int, c: int) -> Path:
    return state / f"wave-{wave:02d}-chunk-{c:04d}.parquet"


_U = "u_"  # a stored chunk's worlds (unit cube), column u_<parameter index>


def _read_chunk(f: Path, u: np.ndarray) -> dict | None:
    """A stored chunk's means and variances if it holds exactly the worlds ``u`` (else None:
    simulate it again; a resumed wave whose worlds came out otherwise, e.g. after the
    emulators were refitted on another machine, never pairs them with another's results)."""
    if not f.is_file():
        return None
    df = pl.read_parquet(f)
    ucols = [f"{_U}{i}" for i in range(u.shape[1])]
    if not set(ucols) <= set(df.columns) or df.height != u.shape[0]:
        return None
    if not np.array_equal(df.select(ucols).to_numpy(), u):
        return None
    return {
        "mean": df.select([f"mean_{t.name}" for t in TARGETS]).to_numpy(),
        "var": df.select([f"var_{t.name}" for t in TARGETS]).to_numpy(),
    }


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
        kept = _read_chunk(f, u[chunks[c].start : chunks[c].stop]) if f is not None else None
        if kept is not None:
            results[c] = kept
        else:
            todo.append(c)

    def done(c: int, res: dict) -> None:
        results[c] = res
        if state is not None:
            cols = {f"mean_{t.name}": res["mean"][:, j] for j, t in enumerate(TARGETS)}
            cols.update({f"var_{t.name}": res["var"][:, j] for j, t in enumerate(TARGETS)})
            uc = u[chunks[c].start : chunks[c].stop]
            cols.update({f"{_U}{i}": uc[:, i] for i in range(uc.shape[1])})
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


def worlds_hash(scenario: Scenario) -> str:
    """:attr:`Scenario.hash` of the scenario without its uncertain (:data:`PRIORS`) keys:
    the worlds replace every one of them, so a refit of the point calibration (which rewrites
    only those values) leaves worlds files and resumable states current."""
    from dataclasses import replace

    fitted = set(_keys())
    rest = {k: v for k, v in scenario.values.items() if k not in fitted}
    return replace(scenario, values=rest).hash


def _plan(scenario: Scenario, cfg: HistoryConfig, until: str) -> dict[str, Any]:
    code = code_version()
    active = active_targets(until)
    return {
        "scenario_hash": scenario.hash,  # for information: the resume compares worlds_hash
        "worlds_hash": worlds_hash(scenario),
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
        # the full scenario hash is information: the worlds replace the uncertain values
        old.pop("scenario_hash", None)
        mine = {k: v for k, v in json.loads(json.dumps(plan)).items() if k != "scenario_hash"}
        if old != mine:
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
    """Run the waves; return them and the provenance of the worlds (:func:`worlds_of`).
    ``state`` keeps every chunk of simulations (resumable)."""
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
    emulators: list[WaveEmulator] = []
    for k in range(cfg.waves):
        if k and cfg.emulate:  # no simulated survivor needed: the emulators' kept candidates
            w = waves[-1]
            if progress:
                progress(f"emulators of wave {k}: fitting {int(active.sum())} targets")
            emulators.append(
                fit_wave_emulator(
                    w.wave, w.u, w.mean, w.imp, active, cfg.rank, cfg.cutoff, cfg.max_train, seed
                )
            )
        t0 = time.perf_counter()
        prop = _propose(waves, emulators, cfg, seed, d)
        if progress and k:
            how = "exactly" if prop.exact else "NOT exactly (the cap reached)"
            progress(
                f"wave {k + 1}: {prop.accepted:,} of {prop.proposed:,} candidates not ruled out "
                f"in {time.perf_counter() - t0:.0f} s (NROY about {prop.nroy_fraction:.3g} of "
                f"the prior); simulating {len(prop.u)} drawn {how} from the prior restricted "
                "to NROY"
            )
        mean, var = _run_wave(base, prop.u, k + 1, cfg, state, backend, workers, threads, progress)
        imp = implausibility(mean, var, cfg.runs, active)
        waves.append(WaveResult(k + 1, prop.u, mean, var, imp, prop, cfg.rank))
    # without emulators every wave's non-implausible worlds are kept (:func:`worlds_of`)
    _require_survivors(waves[-1], cfg, waves if not cfg.emulate else None)
    meta = {
        "format": FORMAT,
        "method": "history matching in refocusing waves (Vernon et al. 2010; Andrianakis "
        "et al. 2015)",
        "scenario_path": Path(scenario.path).name,
        **plan,
        "fit_months": FIT_MONTHS,
        "waves": [w.provenance(cfg.cutoff, cfg.runs) for w in waves],
    }
    return waves, meta


def worlds_of(
    waves: list[WaveResult], cutoff: float, prior_scale: float = 1.0, pooled: bool = False
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The last wave's non-implausible worlds: keys, values (worlds x keys), implausibility
    (``prior_scale``: the calibration's, see :class:`HistoryConfig`). ``pooled`` (waves
    without emulators, each a fresh sample of the prior: rejection sampling) keeps every
    wave's, in wave order."""
    use = waves if pooled else waves[-1:]
    u = np.concatenate([w.u[w.max_imp < cutoff] for w in use])
    imp = np.concatenate([w.max_imp[w.max_imp < cutoff] for w in use])
    return _keys(), _values(u, fitted_priors(prior_scale)), imp
