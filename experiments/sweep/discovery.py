"""Scenario discovery for one end-state over a finished sweep's runs: a PRIM box with its
coverage and density, and decision-tree rules (:mod:`.rules`), written as tables, the tree as
text and PNG plots into the sweep's folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from sim.vocab import END_STATES

from ..store import atomic_write_bytes
from .analysis_files import AnalysisError, load, write_png, write_table
from .rules import Rule, find_box, fmt, sampled_bounds, tree_rules

__all__ = ["Discovery", "discover", "render_discovery"]


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


def discover(
    folder: str | Path, end_state: str, depth: int = 3, mass_min: float = 0.05
) -> Discovery:
    """PRIM box and decision-tree rules for ``end_state`` over the sweep's runs."""
    folder = Path(folder)
    if end_state not in END_STATES:
        raise AnalysisError(
            f"--end-state: expected one of {', '.join(END_STATES)}, found {end_state!r}"
        )
    manifest, _, keys = load(folder)
    x, y = _runs_xy(folder, keys, end_state)
    n = len(y)
    hits = int(y.sum())
    if hits == 0 or hits == n:
        raise AnalysisError(
            f"{folder}: {end_state} occurs in {hits} of {n} runs; discovery needs runs with and "
            f"without it (widen the ranges or add replications)"
        )
    base = hits / n
    bounds = sampled_bounds(manifest, x, keys)
    restricted, box_rule, traj, chosen = find_box(x, y, keys, bounds, mass_min)
    tree, rules, tree_text = tree_rules(x, y, keys, depth)
    files = []
    tdf = pl.from_pandas(traj.reset_index(drop=True)).with_columns(
        (pl.col("density") / base).alias("lift"),
        (pl.int_range(pl.len()) == chosen).alias("chosen"),
    )
    files += write_table(folder, f"discover_{end_state}_prim", tdf)
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
    files += write_table(folder, f"discover_{end_state}_box", box_df)
    rules_df = pl.DataFrame(
        {
            "rule": [" and ".join(r.conditions) for r in rules],
            "rate": [r.rate for r in rules],
            "lift": [r.lift for r in rules],
            "runs": [r.runs for r in rules],
            "coverage": [r.coverage for r in rules],
        }
    )
    files += write_table(folder, f"discover_{end_state}_tree", rules_df)
    atomic_write_bytes(folder / f"discover_{end_state}_tree.txt", tree_text.encode())
    files.append(f"discover_{end_state}_tree.txt")
    files.append(
        write_png(folder, f"discover_{end_state}_prim.png", _plot_prim(tdf, end_state, base))
    )
    files.append(
        write_png(folder, f"discover_{end_state}_tree.png", _plot_tree(tree, keys, end_state))
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
        lines.append(f"    {k:<{w}} [{fmt(lo)}, {fmt(hi)}] of [{fmt(blo)}, {fmt(bhi)}]")
    lines += ["", "decision tree (most and least likely leaves):"]
    shown = d.rules[:top] + [r for r in d.rules[-1:] if r not in d.rules[:top]]
    for r in shown:
        lines.append("  " + r.text(d.end_state))
    return "\n".join(lines)
