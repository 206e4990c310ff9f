"""Where in a sweep's parameter space an outcome is likely, as readable rules: a PRIM box
(EMA Workbench) pruned to the restrictions that matter, and a shallow scikit-learn decision
tree whose leaves are printed as rules ("gap_widens is 3.0x as likely when ..."). Used by
scenario discovery (:mod:`.discovery`) and by matching a target distribution (:mod:`.match`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import polars as pl

__all__ = ["Rule", "fmt", "find_box", "sampled_bounds", "tree_rules"]


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


def fmt(v: float) -> str:
    """A bound as a rule prints it (3 significant digits)."""
    return f"{v:.3g}"


def _conditions(box: list[tuple[str, float, float]], bounds: dict) -> tuple[str, ...]:
    out = []
    for key, lo, hi in box:
        blo, bhi = bounds[key]
        if lo > blo and hi < bhi:
            out.append(f"{fmt(lo)} <= {key} <= {fmt(hi)}")
        elif lo > blo:
            out.append(f"{key} >= {fmt(lo)}")
        elif hi < bhi:
            out.append(f"{key} <= {fmt(hi)}")
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


def tree_rules(x: pl.DataFrame, y: np.ndarray, keys: list[str], depth: int):
    """A shallow decision tree for ``y``; its leaves as rules, most telling first; its text."""
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
                    conds.append(f"{fmt(lo)} < {k} <= {fmt(hi)}")
                elif lo > -math.inf:
                    conds.append(f"{k} > {fmt(lo)}")
                elif hi < math.inf:
                    conds.append(f"{k} <= {fmt(hi)}")
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


def sampled_bounds(manifest: dict, x: pl.DataFrame, keys: list[str]) -> dict:
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


def find_box(x: pl.DataFrame, y: np.ndarray, keys: list[str], bounds: dict, mass_min: float):
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
