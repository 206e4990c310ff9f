"""What would you have to believe? The regions of a sweep's parameters whose end-state
distribution reproduces a target (an expert's estimate, say), and how they differ from the base
scenario.

A point matches when the total variation distance between its end-state shares (over its
replications) and the target is at most the tolerance. PRIM and a shallow tree then describe
where the matching points lie, and each parameter's values at matching points are set against
the base scenario's value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from sim.vocab import END_STATES

from .analysis_files import AnalysisError, load, write_table
from .rules import Rule, find_box, sampled_bounds, tree_rules

__all__ = ["Match", "parse_target", "match", "render_match"]


@dataclass
class Match:
    """Matching points, the box and rules that describe them, and the shift from the base."""

    target: dict[str, float]
    tolerance: float
    points: int
    matching: int
    replications: int
    best: pl.DataFrame  # the closest points: point, distance, shares, parameters
    shifts: pl.DataFrame  # per parameter: base value, matching median and 10-90% range
    box_rule: Rule | None
    rules: list[Rule]
    files: list[str]


def parse_target(text: str) -> dict[str, float]:
    """``open_deepening=0.45,bigtech_oligopoly=0.35,gap_widens=0.20`` as a distribution;
    end-states left out get the remainder shared equally."""
    target: dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep or name.strip() not in END_STATES:
            raise AnalysisError(
                f"--target: expected name=share pairs with names from {', '.join(END_STATES)}, "
                f"found {part.strip()!r}"
            )
        try:
            share = float(value)
        except ValueError:
            raise AnalysisError(f"--target: expected a share in [0, 1], found {value!r}") from None
        if not 0.0 <= share <= 1.0:
            raise AnalysisError(f"--target: expected a share in [0, 1], found {value!r}")
        target[name.strip()] = share
    total = sum(target.values())
    missing = [s for s in END_STATES if s not in target]
    if total > 1.0 + 1e-9 or (not missing and abs(total - 1.0) > 1e-6):
        raise AnalysisError(f"--target: expected shares summing to 1, found a sum of {total:g}")
    for s in missing:
        target[s] = (1.0 - total) / len(missing)
    return {s: target[s] for s in END_STATES}


def match(folder: str | Path, target: dict[str, float], tolerance: float = 0.1) -> Match:
    """Points whose end-state shares are within ``tolerance`` (total variation) of ``target``."""
    folder = Path(folder)
    if not 0.0 < tolerance <= 1.0:
        raise AnalysisError(f"--tolerance: expected a number in (0, 1], found {tolerance!r}")
    manifest, points, keys = load(folder)
    shares = points.select([f"share_{s}" for s in END_STATES]).to_numpy()
    goal = np.array([target[s] for s in END_STATES])
    distance = 0.5 * np.abs(shares - goal).sum(axis=1)
    ok = distance <= tolerance
    x = points.select(keys)
    table = points.select("point", *keys, *[f"share_{s}" for s in END_STATES]).with_columns(
        pl.Series("distance", distance), pl.Series("matches", ok)
    )
    files = write_table(folder, "match_points", table.sort("distance"))
    base = manifest["scenario"]["values"] if "scenario" in manifest else {}
    shift_rows = []
    for k in keys:
        col = x[k].to_numpy()
        sel = col[ok]
        shift_rows.append(
            {
                "parameter": k,
                "base": float(base[k]) if k in base else float("nan"),
                "sampled_low": float(col.min()),
                "sampled_high": float(col.max()),
                "matching_p10": float(np.quantile(sel, 0.1)) if ok.any() else float("nan"),
                "matching_median": float(np.median(sel)) if ok.any() else float("nan"),
                "matching_p90": float(np.quantile(sel, 0.9)) if ok.any() else float("nan"),
            }
        )
    shifts = pl.DataFrame(shift_rows)
    files += write_table(folder, "match_shifts", shifts)
    box_rule, rules = None, []
    if 0 < ok.sum() < len(ok):
        bounds = sampled_bounds(manifest, x, keys)
        _, box_rule, _, _ = find_box(x, ok, keys, bounds, mass_min=0.05)
        _, rules, _ = tree_rules(x, ok, keys, depth=2)
    return Match(
        target,
        tolerance,
        len(ok),
        int(ok.sum()),
        int(manifest["replications"]),
        table.sort("distance").head(5),
        shifts,
        box_rule,
        rules,
        files,
    )


def render_match(m: Match) -> str:
    """Matching points, where they lie, and how they differ from the base scenario."""
    goal = ", ".join(f"{s} {v:.2f}" for s, v in m.target.items())
    lines = [
        f"target: {goal}; tolerance {m.tolerance:g} (total variation distance)",
        f"{m.matching} of {m.points} points match ({m.replications} replications each)",
        "",
        "closest points:",
    ]
    for r in m.best.iter_rows(named=True):
        dist = ", ".join(f"{s} {r[f'share_{s}']:.2f}" for s in END_STATES)
        lines.append(f"  point {r['point']:>5}: distance {r['distance']:.3f} ({dist})")
    if m.box_rule is not None:
        lines += ["", "where the matching points lie (PRIM box):"]
        if m.matching < 10:
            lines.append("  (few matching points: the box and the rule are fragile)")
        lines.append("  " + m.box_rule.text("a match", unit="points"))
        lines += ["", "decision tree (most likely leaf):"]
        lines.append("  " + m.rules[0].text("a match", unit="points"))
    if m.matching:
        w = max(len(p) for p in m.shifts["parameter"]) + 2
        lines += [
            "",
            "what you would have to believe, against the base scenario:",
            f"  {'parameter':<{w}}{'base':>10}{'matching median':>17}  {'10-90%':<20}",
        ]
        for r in m.shifts.iter_rows(named=True):
            span = f"[{r['matching_p10']:.3g}, {r['matching_p90']:.3g}]"
            lines.append(
                f"  {r['parameter']:<{w}}{r['base']:>10.3g}{r['matching_median']:>17.3g}  {span}"
            )
    else:
        lines += ["", "no point matches: widen the tolerance or the parameter ranges"]
    return "\n".join(lines)
