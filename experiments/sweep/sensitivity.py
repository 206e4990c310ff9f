"""Which swept parameters matter: SALib indices with 95% confidence intervals for each
end-state's probability and the key indicators. Sobol first-order and total indices for a
Sobol sweep, Morris mu* and sigma for a Morris sweep, RBD-FAST first-order indices for any other
sample (Latin hypercube, full factorial)."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import polars as pl

from sim.vocab import END_STATES

from .analysis_files import AnalysisError, load, write_png, write_table

__all__ = ["KEY_INDICATORS", "sensitivity", "render_sensitivity"]

KEY_INDICATORS = ("final_open_share", "final_gap_months", "final_bigtech_open_share")
_RESAMPLES = 200


def _outputs(points: pl.DataFrame) -> dict[str, np.ndarray]:
    """The analysed outputs per point: end-state probabilities and key indicator means."""
    out = {f"P({s})": points[f"share_{s}"].to_numpy() for s in END_STATES}
    for name in KEY_INDICATORS:
        if f"mean_{name}" in points.columns:
            out[f"mean {name}"] = points[f"mean_{name}"].to_numpy()
    return out


def _uniform_problem(manifest: dict) -> dict:
    p = manifest["problem"]
    bounds = [[float(b[0]), float(b[1])] for b in p["bounds"]]
    return {"num_vars": p["num_vars"], "names": p["names"], "bounds": bounds}


def sensitivity(folder: str | Path) -> tuple[pl.DataFrame, list[str]]:
    """Sensitivity indices of each output to each swept parameter, with 95% intervals.

    Returns one row per (output, parameter, index) with ``value``, ``ci_low`` and ``ci_high``,
    and the files written.
    """
    folder = Path(folder)
    manifest, points, keys = load(folder)
    if points.height < 2:
        raise AnalysisError(f"{folder}: expected a sweep of at least 2 points, found 1")
    sampler = manifest["sampler"]
    problem = _uniform_problem(manifest)
    X = points.select(keys).to_numpy()
    seed = int(manifest["seed"])
    rows: list[dict] = []
    for output, Y in _outputs(points).items():
        if not np.all(np.isfinite(Y)) or float(np.var(Y)) == 0.0:
            for k in keys:  # a constant output: no parameter moves it
                rows.append(_row(output, k, _main_index(sampler), 0.0, 0.0, sampler))
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows.extend(_indices(sampler, problem, X, Y, keys, output, seed, manifest))
    df = pl.DataFrame(rows).select(
        "output", "parameter", "method", "index", "value", "ci_low", "ci_high"
    )
    files = write_table(folder, "sensitivity", df)
    files.append(write_png(folder, "sensitivity.png", _plot_sensitivity(df, sampler)))
    return df, files


def _main_index(sampler: str) -> str:
    return {"sobol": "ST", "morris": "mu_star"}.get(sampler, "S1")


def _row(output: str, param: str, index: str, value: float, conf: float, method: str) -> dict:
    value, conf = float(value), float(conf) if np.isfinite(conf) else float("nan")
    return {
        "output": output,
        "parameter": param,
        "method": method,
        "index": index,
        "value": value,
        "ci_low": value - conf,
        "ci_high": value + conf,
    }


def _indices(sampler, problem, X, Y, keys, output, seed, manifest) -> list[dict]:
    rows = []
    if sampler == "sobol":
        from SALib.analyze import sobol

        n_base = int(manifest["base_points"])
        second = bool(manifest.get("second_order", False))
        if Y.shape[0] != n_base * ((2 if second else 1) * len(keys) + 2):
            raise AnalysisError("points.parquet: expected the points of Saltelli's scheme")
        res = sobol.analyze(
            problem,
            Y,
            calc_second_order=second,
            num_resamples=_RESAMPLES,
            conf_level=0.95,
            seed=seed,
        )
        for i, k in enumerate(keys):
            rows.append(_row(output, k, "S1", res["S1"][i], res["S1_conf"][i], sampler))
            rows.append(_row(output, k, "ST", res["ST"][i], res["ST_conf"][i], sampler))
    elif sampler == "morris":
        from SALib.analyze import morris

        res = morris.analyze(
            problem,
            X,
            Y,
            num_resamples=_RESAMPLES,
            conf_level=0.95,
            num_levels=int(manifest["levels"]),
            seed=seed,
        )
        for i, k in enumerate(keys):
            rows.append(
                _row(output, k, "mu_star", res["mu_star"][i], res["mu_star_conf"][i], sampler)
            )
            rows.append(_row(output, k, "sigma", res["sigma"][i], float("nan"), sampler))
    else:
        from SALib.analyze import rbd_fast

        if Y.shape[0] < 20:
            raise AnalysisError(
                f"RBD-FAST indices need at least 20 points; this {sampler} sweep has {Y.shape[0]}"
            )
        res = rbd_fast.analyze(
            problem, X, Y, M=min(10, Y.shape[0] // 5), num_resamples=_RESAMPLES, seed=seed
        )
        for i, k in enumerate(keys):
            rows.append(_row(output, k, "S1", res["S1"][i], res["S1_conf"][i], "rbd_fast"))
    return rows


def _plot_sensitivity(df: pl.DataFrame, sampler: str):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    index = _main_index(sampler)
    outputs = df["output"].unique(maintain_order=True).to_list()
    cols = 3
    rows = math.ceil(len(outputs) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 0.5 + 0.45 * rows * 8), squeeze=False)
    for ax, output in zip(axes.flat, outputs, strict=False):
        sub = df.filter((pl.col("output") == output) & (pl.col("index") == index))
        sub = sub.sort("value")
        v = sub["value"].to_numpy()
        err = np.nan_to_num(sub["ci_high"].to_numpy() - v)
        ax.barh(sub["parameter"].to_list(), v, xerr=err, color="#4878a8", capsize=3)
        ax.set_title(output, fontsize=10)
        ax.set_xlabel(f"{index} (95% interval)")
        ax.tick_params(axis="y", labelsize=7)
    for ax in list(axes.flat)[len(outputs) :]:
        ax.axis("off")
    fig.suptitle(f"Sensitivity ({index}, {sampler} sample)")
    fig.tight_layout()
    return fig


def render_sensitivity(df: pl.DataFrame) -> str:
    """The indices as text: per output, parameters by their main index."""
    lines = []
    method = df["method"][0]
    index = {"sobol": "ST", "morris": "mu_star"}.get(method, "S1")
    second = {"sobol": "S1", "morris": "sigma"}.get(method)
    w = max(len(p) for p in df["parameter"]) + 2
    for output in df["output"].unique(maintain_order=True):
        sub = df.filter(pl.col("output") == output)
        main = sub.filter(pl.col("index") == index).sort("value", descending=True)
        rest = sub.filter(pl.col("index") == second) if second else sub.clear()
        other = {r["parameter"]: r for r in rest.iter_rows(named=True)}
        lines.append(f"{output}")
        lines.append(f"  {'parameter':<{w}}{index:>9}  {'95% interval':<20}{second or '':>9}")
        for r in main.iter_rows(named=True):
            ci = f"[{r['ci_low']:.3f}, {r['ci_high']:.3f}]"
            o = other.get(r["parameter"])
            ov = f"{o['value']:9.3f}" if o else ""
            lines.append(f"  {r['parameter']:<{w}}{r['value']:9.3f}  {ci:<20}{ov}")
        lines.append("")
    return "\n".join(lines).rstrip()
