"""How the end-state shares move when a classifier threshold moves, or another year is
classified: every run re-classified by the rulebook's own kernel (``sim.rules.classify``)
under each variant, stored beside its end state, and summarised as a table that says which
threshold a headline share hinges on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from sim.calendar import START_YEAR
from sim.params.spec import GLOBAL_PARAMS
from sim.rules.classify import CONDITIONS, N_CONDITIONS, classify, window_conditions
from sim.vocab import END_STATES

__all__ = [
    "Variant",
    "THRESHOLD_VARIANTS",
    "HINGE_POINTS",
    "variants_for",
    "variant_classes",
    "variant_frame",
    "sensitivity_table",
    "hinges",
    "conditions_met",
]

HINGE_POINTS = 0.10  # a share that moves by 10 points or more when one threshold moves hinges


@dataclass(frozen=True)
class Variant:
    """One re-classification: a threshold set to ``value``, or the window ending ``years``
    earlier."""

    column: str  # column of the runs table holding each run's end state under the variant
    label: str  # what the user reads
    key: str | None = None
    value: float = 0.0
    years: int = 0


# each threshold to the ends of a plausible range, with the reason for the range in docs/model.md
_RANGES = {
    "classifier.gap_widens_months": (6.0, 12.0),
    "classifier.new_open_min": (0.4, 0.6),
    "classifier.selfhost_min": (0.02, 0.1),
    "classifier.open_hhi_max": (0.25, 0.45),
    "classifier.persistence": (0.5, 1.0),
    "classifier.window_months": (12.0, 36.0),
}
_INDEX = {p.key: int(g) for g, p in GLOBAL_PARAMS.items()}

THRESHOLD_VARIANTS: tuple[Variant, ...] = tuple(
    Variant(
        f"end_state_{key.split('.')[1]}_{side}",
        f"{key} = {value:g}",
        key,
        value,
    )
    for key, (lo, hi) in _RANGES.items()
    for side, value in (("low", lo), ("high", hi))
)


def variants_for(months: int) -> tuple[Variant, ...]:
    """The threshold variants, then the same classifier one and two years earlier."""
    last = START_YEAR + (months - 1) // 12
    years = tuple(
        Variant(f"end_state_year_{last - y}", f"classified as of December {last - y}", years=y)
        for y in (1, 2)
        if months - 12 * y >= 12
    )
    return THRESHOLD_VARIANTS + years


def variant_classes(P: np.ndarray, trajectories: np.ndarray) -> dict[str, np.ndarray]:
    """Each run's end-state index under every variant (columns of :func:`variants_for`)."""
    n, months, _ = trajectories.shape
    out = {}
    for v in variants_for(months):
        Pv = P.copy()
        if v.key is not None:
            Pv[_INDEX[v.key]] = v.value
        end = months - 12 * v.years
        out[v.column] = np.array(
            [classify(Pv, trajectories[r], end) for r in range(n)], dtype=np.int64
        )
    return out


def variant_frame(P: np.ndarray, trajectories: np.ndarray) -> pl.DataFrame:
    """Columns for the runs table: whether each classifier condition held persistently
    (``held_<condition>``), and the end state under every variant."""
    cols: dict[str, pl.Series] = {
        f"held_{name}": pl.Series(f"held_{name}", flags)
        for name, flags in _held(P, trajectories).items()
    }
    for col, idx in variant_classes(P, trajectories).items():
        cols[col] = pl.Series(col, [END_STATES[i] for i in idx], dtype=pl.Enum(END_STATES))
    return pl.DataFrame(cols)


def _held(P: np.ndarray, trajectories: np.ndarray) -> dict[str, np.ndarray]:
    n, months, _ = trajectories.shape
    held = np.empty((n, N_CONDITIONS))
    for r in range(n):
        window_conditions(P, trajectories[r], months, held[r])
    need = P[_INDEX["classifier.persistence"]]
    names = (*CONDITIONS, "open_deepening_all")
    return {name: held[:, j] >= need for j, name in enumerate(names)}


def _shares(col: pl.Series) -> list[float]:
    n = max(len(col), 1)
    return [float((col == s).sum()) / n for s in END_STATES]


def _present(runs: pl.DataFrame) -> list[Variant]:
    years = sorted((c for c in runs.columns if c.startswith("end_state_year_")), reverse=True)
    return [v for v in THRESHOLD_VARIANTS if v.column in runs.columns] + [
        Variant(c, f"classified as of December {c[-4:]}") for c in years
    ]


def sensitivity_table(runs: pl.DataFrame) -> list[dict]:
    """One row per variant present in ``runs``: its end-state shares and their changes from
    the headline classification."""
    base = _shares(runs["end_state"])
    rows = []
    for v in _present(runs):
        if v.column not in runs.columns:
            continue
        shares = _shares(runs[v.column])
        rows.append(
            {
                "variant": v.label,
                "key": v.key,
                "value": v.value if v.key else None,
                "shares": dict(zip(END_STATES, shares, strict=True)),
                "change": {s: shares[i] - base[i] for i, s in enumerate(END_STATES)},
            }
        )
    return rows


def hinges(rows: list[dict], points: float = HINGE_POINTS) -> list[str]:
    """Plain sentences: which end-state share moves by ``points`` or more, under which
    variant."""
    out = []
    for row in rows:
        for state, d in row["change"].items():
            if abs(d) >= points:
                out.append(
                    f"{state} hinges on {row['variant']}: {d * 100:+.0f} points "
                    f"(to {row['shares'][state]:.0%})"
                )
    return out


def conditions_met(runs: pl.DataFrame) -> dict[str, float]:
    """Share of runs in which each classifier condition held persistently, one at a time and
    open deepening's four together: which condition keeps runs out of an end state."""
    cols = [c for c in runs.columns if c.startswith("held_")]
    n = max(runs.height, 1)
    return {c[5:]: float(runs[c].sum()) / n for c in cols}
