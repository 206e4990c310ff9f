"""What a batch drawn from an ensemble of worlds says about what we do not know.

Three statistics of a batch whose runs carry a ``world`` (:mod:`experiments.worlds`):

- :func:`between_worlds_share`: for each end state's indicator (1 if a run ends there), the
  share of its variance across runs explained by the run's world: a one-way random-effects
  ANOVA (the intraclass correlation sigma_b^2 / (sigma_b^2 + sigma_w^2), with the between-
  worlds variance (MSB - MSW) / n0 corrected for the few runs per world, n0 the effective
  group size of an unbalanced design; Searle, Casella & McCulloch 1992, ch. 3); overall, the
  same over the sum of the states' variances (the law of total variance).
- :func:`two_stage_intervals`: end-state shares with 95% intervals from a two-stage
  bootstrap, worlds resampled and then runs within each world (Davison & Hinkley 1997,
  sec. 3.8), so the interval carries both the spread of worlds and the spread of seeds.
- :func:`separating_parameters`: the fitted parameters whose values (a run's world's) differ
  most between the runs' end states: eta^2, the share of a parameter's variance over runs
  explained by the end state.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from sim.vocab import END_STATES

from .prior_influence import read_influence, render_influence
from .worlds import Ensemble

__all__ = [
    "MIN_WITHIN_DF",
    "NOT_ESTIMABLE",
    "between_worlds_share",
    "two_stage_intervals",
    "separating_parameters",
    "ensemble_summary",
    "render_ensemble",
    "folder_ensemble_summary",
]


# the fewest degrees of freedom within worlds (runs less distinct worlds) for a share: with
# worlds drawn from hundreds, a small batch draws most once, and the handful drawn twice that
# happen to agree would read as "the world decides everything" (200 runs in 183 worlds: 1.00)
MIN_WITHIN_DF = 50
NOT_ESTIMABLE = f"n/a (fewer than {MIN_WITHIN_DF} runs beyond one per world: run more)"


def _anova(
    y: np.ndarray, groups: np.ndarray, strata: np.ndarray | None = None
) -> tuple[float, float] | None:
    """Between- and within-group variance components of ``y`` (None if not estimable: no
    stratum with two groups, or fewer than :data:`MIN_WITHIN_DF` degrees of freedom within
    groups). With ``strata``, groups are nested in them (a group is a stratum's world): the
    between-group component is of the variance within strata, on a - s degrees of freedom."""
    st = np.zeros(y.size, dtype=np.int64) if strata is None else np.asarray(strata)
    cells, inv, n = np.unique(
        np.stack([st, np.asarray(groups)]), axis=1, return_inverse=True, return_counts=True
    )
    inv = inv.ravel()
    _, s_of_cell = np.unique(cells[0], return_inverse=True)
    s_of_cell = s_of_cell.ravel()
    a, N, s = n.size, y.size, int(s_of_cell.max()) + 1
    if a - s < 1 or N - a < MIN_WITHIN_DF:
        return None
    means = np.bincount(inv, weights=y) / n
    n_s = np.bincount(s_of_cell, weights=n)
    s_means = np.bincount(s_of_cell, weights=n * means) / n_s
    msb = float(np.sum(n * (means - s_means[s_of_cell]) ** 2) / (a - s))
    msw = float(np.sum((y - means[inv]) ** 2) / (N - a))
    n0 = (N - np.sum(np.bincount(s_of_cell, weights=n.astype(np.float64) ** 2) / n_s)) / (a - s)
    return max(0.0, (msb - msw) / n0), msw


def between_worlds_share(
    end_states: np.ndarray,
    world: np.ndarray,
    states: tuple[str, ...] = END_STATES,
    strata: np.ndarray | None = None,
) -> dict[str, Any]:
    """Share of end-state variance explained by the world: overall and per end state (None
    where it cannot be estimated: one world, or too few runs beyond one per world). With
    ``strata`` (a sweep's points), of the variance within strata: worlds nested in points
    (a world drawn at two points is two groups), each point's mean taken out."""
    per: dict[str, float | None] = {}
    tot_b = tot = 0.0
    estimable = True
    for k, name in enumerate(states):
        y = (np.asarray(end_states) == k).astype(np.float64)
        comp = _anova(y, np.asarray(world), strata)
        if comp is None:
            per[name], estimable = None, False
            continue
        b, w = comp
        per[name] = b / (b + w) if b + w > 0 else 0.0
        tot_b, tot = tot_b + b, tot + b + w
    overall = (tot_b / tot if tot > 0 else 0.0) if estimable else None
    return {"overall": overall, "by_state": per}


def two_stage_intervals(
    end_states: np.ndarray,
    world: np.ndarray,
    seed: int,
    reps: int = 2000,
    states: tuple[str, ...] = END_STATES,
) -> dict[str, dict[str, float]]:
    """Each end state's share with a 95% two-stage bootstrap interval (worlds, then runs)."""
    ids, inv = np.unique(np.asarray(world), return_inverse=True)
    counts = np.zeros((ids.size, len(states)), dtype=np.int64)
    np.add.at(counts, (inv, np.asarray(end_states)), 1)
    n = counts.sum(axis=1)
    p = counts / n[:, None]
    rng = np.random.default_rng([int(seed), 0xB007])
    draws = np.empty((reps, len(states)))
    for b in range(reps):
        pick = rng.integers(0, ids.size, ids.size)
        c = rng.multinomial(n[pick], p[pick])
        draws[b] = c.sum(axis=0) / n[pick].sum()
    lo, hi = np.quantile(draws, [0.025, 0.975], axis=0)
    share = counts.sum(axis=0) / n.sum()
    return {
        s: {"share": float(share[k]), "lo": float(lo[k]), "hi": float(hi[k])}
        for k, s in enumerate(states)
    }


def separating_parameters(
    values: np.ndarray,
    keys: tuple[str, ...],
    end_states: np.ndarray,
    top: int = 5,
    states: tuple[str, ...] = END_STATES,
) -> list[dict[str, Any]]:
    """The ``top`` parameters by eta^2 (their variance over runs explained by the end state),
    with each end state's median value; ``values`` is (runs, keys)."""
    end_states = np.asarray(end_states)
    present = [k for k in range(len(states)) if np.any(end_states == k)]
    out = []
    for j, key in enumerate(keys):
        x = values[:, j]
        tot = float(np.sum((x - x.mean()) ** 2))
        if tot <= 0 or len(present) < 2:
            continue
        between = sum(
            float(np.sum(end_states == k) * (x[end_states == k].mean() - x.mean()) ** 2)
            for k in present
        )
        medians = {states[k]: float(np.median(x[end_states == k])) for k in present}
        out.append({"key": key, "eta2": between / tot, "median_by_state": medians})
    out.sort(key=lambda r: (-r["eta2"], r["key"]))
    return out[:top]


def _distinct_keys(ens: Ensemble) -> list[int]:
    """Columns of the worlds file with distinct values (a tied key repeats its leader's)."""
    seen: list[int] = []
    for j in range(len(ens.keys)):
        if not any(np.array_equal(ens.values[:, j], ens.values[:, i]) for i in seen):
            seen.append(j)
    return seen


def _summary(
    runs: pl.DataFrame, seed: int, worlds_file: dict[str, Any], ens: Ensemble | None, path: str
) -> dict[str, Any]:
    """The ensemble's figures of a batch drawn from ``worlds_file`` (path, sha256, worlds);
    the separating parameters need the worlds themselves (``ens``)."""
    ends = np.array([END_STATES.index(s) for s in runs["end_state"].cast(pl.Utf8)])
    world = runs["world"].to_numpy()
    share = between_worlds_share(ends, world)
    sep: list[dict[str, Any]] = []
    if ens is not None:
        cols = _distinct_keys(ens)
        keys = tuple(ens.keys[j] for j in cols)
        sep = separating_parameters(ens.values[world][:, cols], keys, ends)
    return {
        "worlds": int(np.unique(world).size),
        "between_worlds_share": share["overall"],
        "between_worlds_by_state": share["by_state"],
        "shares_over_worlds": two_stage_intervals(ends, world, seed),
        "separating_parameters": sep,
        "worlds_file": worlds_file,
        "prior_influence": read_influence(str(worlds_file["path"]), str(worlds_file["sha256"])),
        "prior_influence_for": Path(path).name,
    }


def ensemble_summary(
    runs: pl.DataFrame, ens: Ensemble | None, seed: int, scenario_path: str = ""
) -> dict[str, Any]:
    """The batch's ``worlds``, ``between_worlds_share`` (overall and by state), end-state
    shares with two-stage intervals, the separating parameters and the prior's influence
    (whose scenario is compared with ``scenario_path``'s file name); a point batch: one world
    and a share of 0."""
    if ens is None or "world" not in runs.columns:
        return {"worlds": 1, "between_worlds_share": 0.0, "worlds_file": None}
    info = {"path": str(ens.path), "sha256": ens.digest, "worlds": ens.n}
    return _summary(runs, seed, info, ens, scenario_path)


def folder_ensemble_summary(runs: pl.DataFrame, manifest: dict[str, Any]) -> dict[str, Any]:
    """:func:`ensemble_summary` of a results folder (its runs table and manifest), reading the
    worlds file the manifest names when it is still there with the same digest (else without
    the separating parameters)."""
    info = manifest.get("worlds")
    if not info or "world" not in runs.columns:
        return ensemble_summary(runs, None, 0)
    seed = int(manifest.get("seed", 0))
    sc = manifest.get("scenario")
    path = str(sc.get("path") or "") if isinstance(sc, dict) else ""
    from .worlds import WorldsError, read_worlds

    try:
        ens = read_worlds(info["path"])
    except (WorldsError, KeyError, TypeError):
        ens = None
    if ens is not None and ens.digest == info.get("sha256"):
        return ensemble_summary(runs, ens, seed, path)
    named = {
        "path": str(info.get("path")),
        "sha256": info.get("sha256"),
        "worlds": info.get("worlds"),
    }
    return _summary(runs, seed, named, None, path)


def render_ensemble(e: dict[str, Any]) -> str:
    """The ensemble's lines under the end-state table."""
    if not e.get("worlds_file"):
        return "Worlds: 1 (a single parameter point: the shares carry seed variation only)"

    def f(v: float | None) -> str:
        return NOT_ESTIMABLE if v is None else f"{v:.2f}"

    by = ", ".join(f"{k} {f(v)}" for k, v in e["between_worlds_by_state"].items())
    by = f" ({by})" if e["between_worlds_share"] is not None else ""
    lines = [
        f"Worlds: {e['worlds']} distinct, drawn from {e['worlds_file']['path']} "
        f"({e['worlds_file']['worlds']} worlds); between-worlds share of end-state variance "
        f"{f(e['between_worlds_share'])}{by}",
        "End-state shares over worlds and runs (95% two-stage bootstrap): "
        + ", ".join(
            f"{k} {v['share']:.3f} [{v['lo']:.3f}, {v['hi']:.3f}]"
            for k, v in e["shares_over_worlds"].items()
        ),
    ]
    if e["separating_parameters"]:
        lines.append(
            "Parameters that most separate the end states (eta^2): "
            + ", ".join(f"{r['key']} {r['eta2']:.2f}" for r in e["separating_parameters"])
        )
    lines.append(render_influence(e.get("prior_influence"), e.get("prior_influence_for", "")))
    return "\n".join(lines)
