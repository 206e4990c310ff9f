"""Analyses of a finished sweep: which parameters matter, and where an end-state is likely.

* :func:`sensitivity`: SALib indices with 95% confidence intervals for each end-state's
  probability and the key indicators: Sobol first-order and total indices for a Sobol sweep,
  Morris mu* and sigma for a Morris sweep, RBD-FAST first-order indices for any other sample
  (Latin hypercube, full factorial).
* :func:`discover`: scenario discovery for one end-state over the sweep's runs: a PRIM box
  (EMA Workbench) with its coverage and density, and a shallow scikit-learn decision tree whose
  leaves are printed as rules ("gap_widens is 3.0x as likely when ...").

Both write tables (Parquet and CSV) and PNG plots into the sweep's folder, each atomically.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from sim.vocab import END_STATES

from ..store import atomic_write_bytes, atomic_write_parquet
from .store import SweepStoreError, read_manifest

__all__ = [
    "AnalysisError",
    "KEY_INDICATORS",
    "Rule",
    "Discovery",
    "sensitivity",
    "render_sensitivity",
    "discover",
    "render_discovery",
]

KEY_INDICATORS = ("final_open_share", "final_gap_months", "final_bigtech_open_share")
_RESAMPLES = 200


class AnalysisError(ValueError):
    """A sweep folder that cannot be analysed this way (clear message)."""


def _load(folder: Path) -> tuple[dict, pl.DataFrame, list[str]]:
    try:
        manifest = read_manifest(folder)
    except SweepStoreError as exc:
        raise AnalysisError(str(exc)) from None
    points = pl.read_parquet(Path(folder) / "points.parquet")
    keys = list(manifest["problem"]["names"])
    return manifest, points, keys


def _write_table(folder: Path, stem: str, df: pl.DataFrame) -> list[str]:
    atomic_write_parquet(folder / f"{stem}.parquet", df)
    buf = io.BytesIO()
    df.write_csv(buf)
    atomic_write_bytes(folder / f"{stem}.csv", buf.getvalue())
    return [f"{stem}.parquet", f"{stem}.csv"]


def _write_png(folder: Path, name: str, fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    atomic_write_bytes(folder / name, buf.getvalue())
    return name


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
    manifest, points, keys = _load(folder)
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
    files = _write_table(folder, "sensitivity", df)
    files.append(_write_png(folder, "sensitivity.png", _plot_sensitivity(df, sampler)))
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


# ---------------------------------------------------------------- scenario discovery


@dataclass(frozen=True)
class Rule:
    """Where the end-state is more (or less) likely: conditions, its rate there, runs."""

    conditions: tuple[str, ...]
    rate: float
    lift: float
    runs: int
    coverage: float

    def text(self, end_state: str, unit: str = "runs") -> str:
        when = " and ".join(self.conditions) if self.conditions else "anywhere"
        of = f"of {self.runs} {unit}"
        if self.rate == 0.0:
            how = f"{end_state} never occurs (0 {of})"
        elif self.lift >= 1.0:
            how = f"{end_state} is {self.lift:.1f}x as likely ({self.rate:.1%} {of})"
        else:
            how = f"{end_state} is {1 / self.lift:.1f}x less likely ({self.rate:.1%} {of})"
        return f"{how} when {when}; these {unit} hold {self.coverage:.0%} of its cases"


@dataclass
class Discovery:
    """A PRIM box and decision-tree rules for one end-state."""

    end_state: str
    base_rate: float
    runs: int
    box: list[tuple[str, float, float]]  # restricted parameters: (key, low, high)
    box_rule: Rule
    box_bounds: dict[str, tuple[float, float]]
    rules: list[Rule]
    files: list[str]


def _runs_xy(folder: Path, keys: list[str], end_state: str) -> tuple[pl.DataFrame, np.ndarray]:
    samples = pl.read_parquet(folder / "samples.parquet")
    runs = pl.read_parquet(folder / "runs.parquet", columns=["point", "replication", "end_state"])
    runs = runs.sort("point", "replication").join(samples, on="point", how="left")
    y = (runs["end_state"].cast(pl.String) == end_state).to_numpy()
    return runs.select(keys), y


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def _conditions(box: list[tuple[str, float, float]], bounds: dict) -> tuple[str, ...]:
    out = []
    for key, lo, hi in box:
        blo, bhi = bounds[key]
        if lo > blo and hi < bhi:
            out.append(f"{_fmt(lo)} <= {key} <= {_fmt(hi)}")
        elif lo > blo:
            out.append(f"{key} >= {_fmt(lo)}")
        elif hi < bhi:
            out.append(f"{key} <= {_fmt(hi)}")
    return tuple(out)


def _in_box(x: pl.DataFrame, box: list[tuple[str, float, float]]) -> np.ndarray:
    mask = np.ones(x.height, dtype=bool)
    for k, lo, hi in box:
        col = x[k].to_numpy()
        mask &= (col >= lo) & (col <= hi)
    return mask


def _prune(
    x: pl.DataFrame, y: np.ndarray, box: list, bounds: dict, tolerance: float = 0.01
) -> list:
    """Relax the restrictions (one side, or a whole parameter) that cost the box less than
    ``tolerance`` of its density: PRIM's peeling leaves slivers trimmed off the edges of
    parameters that do not matter, which would only clutter the rule."""
    box = list(box)
    while box:
        density = float(y[_in_box(x, box)].mean())
        best, best_cost = None, math.inf
        for i, (k, lo, hi) in enumerate(box):
            blo, bhi = bounds[k]
            options = [box[:i] + box[i + 1 :]]
            if lo > blo and hi < bhi:
                options += [box[:i] + [(k, blo, hi)] + box[i + 1 :]]
                options += [box[:i] + [(k, lo, bhi)] + box[i + 1 :]]
            for cand in options:
                mask = _in_box(x, cand)
                cost = density - float(y[mask].mean()) if mask.any() else math.inf
                if cost < best_cost:
                    best, best_cost = cand, cost
        if best is None or best_cost > tolerance * density:
            break
        box = [(k, lo, hi) for k, lo, hi in best if lo > bounds[k][0] or hi < bounds[k][1]]
    return box


def _box_rule(x: pl.DataFrame, y: np.ndarray, box: list, bounds: dict) -> Rule:
    mask = _in_box(x, box)
    n_in = int(mask.sum())
    rate = float(y[mask].mean()) if n_in else 0.0
    return Rule(
        _conditions(box, bounds),
        rate,
        rate / float(y.mean()),
        n_in,
        float(y[mask].sum()) / float(y.sum()),
    )


def _prim(x: pl.DataFrame, y: np.ndarray, mass_min: float):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import logging

        from ema_workbench.analysis import prim

        logging.getLogger("EMA").setLevel(logging.ERROR)
        alg = prim.Prim(x.to_pandas(), y.astype(int), mass_min=mass_min)
        box = alg.find_box()
    traj = box.peeling_trajectory
    # the box balancing coverage and density best (their harmonic mean) on the trajectory
    cov, den = traj["coverage"].to_numpy(), traj["density"].to_numpy()
    score = np.where(cov + den > 0, 2 * cov * den / np.maximum(cov + den, 1e-12), 0.0)
    i = int(np.argmax(score))
    box.select(i)
    return box, traj, i


def _tree_rules(x: pl.DataFrame, y: np.ndarray, keys: list[str], depth: int):
    from sklearn.tree import DecisionTreeClassifier, export_text

    n = len(y)
    tree = DecisionTreeClassifier(
        max_depth=depth, min_samples_leaf=max(5, n // 50), random_state=0
    ).fit(x.to_numpy(), y.astype(int))
    t = tree.tree_
    base = float(y.mean())
    total_pos = max(1, int(y.sum()))
    leaves: list[Rule] = []

    def walk(node: int, bounds: dict[str, list[float]]) -> None:
        if t.children_left[node] == -1:
            counts = t.value[node][0]
            n_node = int(t.n_node_samples[node])
            # value holds class fractions (sklearn >= 1.4) or counts: normalise either way
            frac = counts / counts.sum()
            rate = float(frac[1]) if len(frac) > 1 else 0.0
            conds = []
            for k in keys:
                lo, hi = bounds.get(k, [-math.inf, math.inf])
                if lo > -math.inf and hi < math.inf:
                    conds.append(f"{_fmt(lo)} < {k} <= {_fmt(hi)}")
                elif lo > -math.inf:
                    conds.append(f"{k} > {_fmt(lo)}")
                elif hi < math.inf:
                    conds.append(f"{k} <= {_fmt(hi)}")
            pos = rate * n_node
            leaves.append(
                Rule(tuple(conds), rate, rate / base if base else 0.0, n_node, pos / total_pos)
            )
            return
        k = keys[t.feature[node]]
        thr = float(t.threshold[node])
        lo, hi = bounds.get(k, [-math.inf, math.inf])
        walk(t.children_left[node], {**bounds, k: [lo, min(hi, thr)]})
        walk(t.children_right[node], {**bounds, k: [max(lo, thr), hi]})

    walk(0, {})
    leaves.sort(key=lambda r: r.lift, reverse=True)
    return tree, leaves, export_text(tree, feature_names=keys, decimals=3)


def _sampled_bounds(manifest: dict, x: pl.DataFrame, keys: list[str]) -> dict:
    """Each parameter's range: the spec's, widened to the sample (non-uniform samples may
    reach past a distribution's nominal bounds)."""
    bounds = {
        k: (float(b[0]), float(b[1]))
        for k, b in zip(keys, manifest["problem"]["bounds"], strict=True)
    }
    for k in keys:
        col = x[k]
        bounds[k] = (min(bounds[k][0], float(col.min())), max(bounds[k][1], float(col.max())))
    return bounds


def _find_box(x: pl.DataFrame, y: np.ndarray, keys: list[str], bounds: dict, mass_min: float):
    """PRIM's box (restrictions that matter only), its rule, the trajectory, the chosen step."""
    box, traj, chosen = _prim(x, y, mass_min)
    lims = box.box_lims[chosen]
    restricted = []
    for k in keys:
        lo, hi = float(lims[k][0]), float(lims[k][1])
        if lo > bounds[k][0] or hi < bounds[k][1]:
            restricted.append((k, lo, hi))
    restricted = _prune(x, y, restricted, bounds)
    return restricted, _box_rule(x, y, restricted, bounds), traj, chosen


def discover(
    folder: str | Path, end_state: str, depth: int = 3, mass_min: float = 0.05
) -> Discovery:
    """PRIM box and decision-tree rules for ``end_state`` over the sweep's runs."""
    folder = Path(folder)
    if end_state not in END_STATES:
        raise AnalysisError(
            f"--end-state: expected one of {', '.join(END_STATES)}, found {end_state!r}"
        )
    manifest, _, keys = _load(folder)
    x, y = _runs_xy(folder, keys, end_state)
    n = len(y)
    hits = int(y.sum())
    if hits == 0 or hits == n:
        raise AnalysisError(
            f"{folder}: {end_state} occurs in {hits} of {n} runs; discovery needs runs with and "
            f"without it (widen the ranges or add replications)"
        )
    base = hits / n
    bounds = _sampled_bounds(manifest, x, keys)
    restricted, box_rule, traj, chosen = _find_box(x, y, keys, bounds, mass_min)
    tree, rules, tree_text = _tree_rules(x, y, keys, depth)
    files = []
    tdf = pl.from_pandas(traj.reset_index(drop=True)).with_columns(
        (pl.col("density") / base).alias("lift"),
        (pl.int_range(pl.len()) == chosen).alias("chosen"),
    )
    files += _write_table(folder, f"discover_{end_state}_prim", tdf)
    box_df = pl.DataFrame(
        {
            "parameter": [k for k, _, _ in restricted],
            "low": [lo for _, lo, _ in restricted],
            "high": [hi for _, _, hi in restricted],
            "sampled_low": [bounds[k][0] for k, _, _ in restricted],
            "sampled_high": [bounds[k][1] for k, _, _ in restricted],
        },
        schema={
            "parameter": pl.String,
            "low": pl.Float64,
            "high": pl.Float64,
            "sampled_low": pl.Float64,
            "sampled_high": pl.Float64,
        },
    )
    files += _write_table(folder, f"discover_{end_state}_box", box_df)
    rules_df = pl.DataFrame(
        {
            "rule": [" and ".join(r.conditions) for r in rules],
            "rate": [r.rate for r in rules],
            "lift": [r.lift for r in rules],
            "runs": [r.runs for r in rules],
            "coverage": [r.coverage for r in rules],
        }
    )
    files += _write_table(folder, f"discover_{end_state}_tree", rules_df)
    atomic_write_bytes(folder / f"discover_{end_state}_tree.txt", tree_text.encode())
    files.append(f"discover_{end_state}_tree.txt")
    files.append(
        _write_png(folder, f"discover_{end_state}_prim.png", _plot_prim(tdf, end_state, base))
    )
    files.append(
        _write_png(folder, f"discover_{end_state}_tree.png", _plot_tree(tree, keys, end_state))
    )
    return Discovery(end_state, base, n, restricted, box_rule, bounds, rules, files)


def _plot_prim(tdf: pl.DataFrame, end_state: str, base: float):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.5))
    sc = ax.scatter(tdf["coverage"], tdf["density"], c=tdf["res_dim"], cmap="viridis", s=18)
    pick = tdf.filter(pl.col("chosen"))
    ax.scatter(pick["coverage"], pick["density"], s=120, facecolors="none", edgecolors="red")
    ax.axhline(base, color="grey", linestyle=":", label=f"all runs ({base:.0%})")
    ax.set_xlabel("coverage")
    ax.set_ylabel("density")
    ax.set_title(f"PRIM peeling trajectory: {end_state} (chosen box circled)")
    fig.colorbar(sc, ax=ax, label="restricted parameters")
    ax.legend(loc="lower left")
    return fig


def _plot_tree(tree, keys: list[str], end_state: str):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.tree import plot_tree

    fig, ax = plt.subplots(figsize=(16, 7))
    plot_tree(
        tree,
        feature_names=keys,
        class_names=["other", end_state],
        filled=True,
        impurity=False,
        proportion=True,
        fontsize=7,
        ax=ax,
    )
    return fig


def render_discovery(d: Discovery, top: int = 3) -> str:
    """The box and the tree's most telling rules as readable text."""
    lines = [
        f"{d.end_state}: {d.base_rate:.1%} of {d.runs} runs",
        "",
        "PRIM box (coverage = share of its cases inside, density = its rate inside):",
        "  " + d.box_rule.text(d.end_state),
        f"  coverage {d.box_rule.coverage:.2f}, density {d.box_rule.rate:.2f}, "
        f"{d.box_rule.runs} runs in the box",
    ]
    w = max((len(k) for k, _, _ in d.box), default=0) + 2
    for k, lo, hi in d.box:
        blo, bhi = d.box_bounds[k]
        lines.append(f"    {k:<{w}} [{_fmt(lo)}, {_fmt(hi)}] of [{_fmt(blo)}, {_fmt(bhi)}]")
    lines += ["", "decision tree (most and least likely leaves):"]
    shown = d.rules[:top] + [r for r in d.rules[-1:] if r not in d.rules[:top]]
    for r in shown:
        lines.append("  " + r.text(d.end_state))
    return "\n".join(lines)
