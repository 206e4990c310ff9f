"""How the end-state shares move when a classifier threshold moves, and the answer by horizon:
every run re-classified by the rulebook's own kernel (``sim.rules.classify``) under each
variant, stored beside its end state, and summarised as tables that say which threshold a
headline share hinges on (more than :data:`HINGE_POINTS`, with the reason measured on the
runs) and whether an end state is a clock (its share as of December 2029, 2031, 2033)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from sim.calendar import START_YEAR
from sim.params.spec import GLOBAL_PARAMS
from sim.rules.classify import CONDITIONS, classify
from sim.vocab import DECIDED, END_STATES

__all__ = [
    "Variant",
    "THRESHOLD_VARIANTS",
    "HORIZON_YEARS",
    "HINGE_POINTS",
    "horizons_for",
    "variants_for",
    "variant_classes",
    "variant_frame",
    "classifier_columns",
    "sensitivity_table",
    "horizon_table",
    "hinges",
    "conditions_met",
    "decided_counts",
]

HINGE_POINTS = 0.10  # the limit: a share that moves by 10 points or more when one threshold moves
HORIZON_YEARS = (2029, 2031, 2033)  # the answer as of December of each year the run covers


@dataclass(frozen=True)
class Variant:
    """One re-classification: a threshold set to ``value``, or the window ending in December
    of ``year`` (``year`` 0: at the run's horizon)."""

    column: str  # column of the runs table holding each run's end state under the variant
    label: str  # what the user reads
    key: str | None = None
    value: float = 0.0
    year: int = 0


# each threshold to the ends of a plausible range (reasons in docs/model.md), with the final
# indicator it is compared with (None: it acts on every condition)
_RANGES: dict[str, tuple[float, float, pl.Expr | None]] = {
    "classifier.gap_widens_months": (4.5, 9.0, pl.col("final_gap_months")),
    "classifier.gap_ratio": (
        1.5,
        2.5,
        pl.col("final_gap_months") / pl.col("final_gap_reference").clip(lower_bound=1e-9),
    ),
    "classifier.gap_trend_min": (0.5, 1.5, pl.col("final_gap_trend")),
    "classifier.new_open_min": (0.4, 0.6, pl.col("final_new_open_share")),
    "classifier.selfhost_min": (0.02, 0.1, pl.col("final_selfhost_share")),
    "classifier.open_hhi_max": (0.25, 0.45, pl.col("final_open_hhi")),
    "classifier.bigtech_min": (0.4, 0.6, pl.col("final_bigtech_open_share")),
    "classifier.oligopoly_hhi_min": (0.18, 0.33, pl.col("final_open_hhi")),
    "classifier.persistence": (0.5, 1.0, None),
    "classifier.window_months": (12.0, 36.0, None),
}
_INDEX = {p.key: int(g) for g, p in GLOBAL_PARAMS.items()}

THRESHOLD_VARIANTS: tuple[Variant, ...] = tuple(
    Variant(f"end_state_{key.split('.')[1]}_{side}", f"{key} = {value:g}", key, value)
    for key, (lo, hi, _) in _RANGES.items()
    for side, value in (("low", lo), ("high", hi))
)


def _horizon_end(year: int) -> int:
    return 12 * (year - START_YEAR + 1)


def horizons_for(months: int) -> tuple[Variant, ...]:
    """The horizons of :data:`HORIZON_YEARS` a run of ``months`` covers."""
    return tuple(
        Variant(f"end_state_year_{y}", f"as of December {y}", year=y)
        for y in HORIZON_YEARS
        if _horizon_end(y) <= months
    )


def variants_for(months: int) -> tuple[Variant, ...]:
    """The threshold variants, then the horizons the run covers."""
    return THRESHOLD_VARIANTS + horizons_for(months)


def variant_classes(P: np.ndarray, trajectories: np.ndarray) -> dict[str, np.ndarray]:
    """Each run's end-state index under every variant (columns of :func:`variants_for`)."""
    n, months, _ = trajectories.shape
    out = {}
    for v in variants_for(months):
        Pv = P.copy()
        if v.key is not None:
            Pv[_INDEX[v.key]] = v.value
        end = _horizon_end(v.year) if v.year else months
        out[v.column] = np.array(
            [classify(Pv, trajectories[r], end) for r in range(n)], dtype=np.int64
        )
    return out


def variant_frame(P: np.ndarray, trajectories: np.ndarray) -> pl.DataFrame:
    """Columns for the runs table: the end state under every variant."""
    return pl.DataFrame(
        [
            pl.Series(col, [END_STATES[i] for i in idx], dtype=pl.Enum(END_STATES))
            for col, idx in variant_classes(P, trajectories).items()
        ]
    )


def classifier_columns(decided: np.ndarray, held: np.ndarray, scores: np.ndarray) -> pl.DataFrame:
    """Columns for the runs table from the engine's classifier record: how the end state was
    decided (``decided_by``), whether each condition held (``held_<condition>``) and each end
    state's score (``score_<end state>``, at least 0 where its definition held)."""
    cols = [pl.Series("decided_by", [DECIDED[i] for i in decided], dtype=pl.Enum(DECIDED))]
    bits = np.asarray(held, dtype=np.int64)
    cols += [pl.Series(f"held_{c}", (bits >> j) & 1 == 1) for j, c in enumerate(CONDITIONS)]
    cols += [pl.Series(f"score_{e}", scores[:, k]) for k, e in enumerate(END_STATES)]
    return pl.DataFrame(cols)


def _shares(col: pl.Series) -> list[float]:
    n = max(len(col), 1)
    return [float((col == s).sum()) / n for s in END_STATES]


def _rows(runs: pl.DataFrame, variants: list[Variant]) -> list[dict]:
    base = _shares(runs["end_state"])
    rows = []
    for v in variants:
        shares = _shares(runs[v.column])
        rows.append(
            {
                "variant": v.label,
                "key": v.key,
                "value": v.value if v.key else None,
                "year": v.year or None,
                "shares": dict(zip(END_STATES, shares, strict=True)),
                "change": {s: shares[i] - base[i] for i, s in enumerate(END_STATES)},
                "why": _why(runs, v) if v.key else None,
            }
        )
    return rows


def sensitivity_table(runs: pl.DataFrame) -> list[dict]:
    """One row per threshold variant present in ``runs``: its end-state shares, their changes
    from the headline classification and, for a threshold compared with one indicator, how
    many runs lie between the default and the moved value (why a share moves)."""
    return _rows(runs, [v for v in THRESHOLD_VARIANTS if v.column in runs.columns])


def horizon_table(runs: pl.DataFrame) -> list[dict]:
    """One row per horizon present in ``runs`` (``end_state_year_<year>``), earliest first."""
    years = sorted(int(c[-4:]) for c in runs.columns if c.startswith("end_state_year_"))
    variants = [Variant(f"end_state_year_{y}", f"as of December {y}", year=y) for y in years]
    return _rows(runs, variants)


def _why(runs: pl.DataFrame, v: Variant) -> str | None:
    """The runs whose deciding indicator lies between the threshold's default and ``v``."""
    indicator = _RANGES[v.key][2]
    default = GLOBAL_PARAMS[_INDEX[v.key]].default
    if indicator is None or runs.height == 0:
        return None
    try:
        x = runs.select(indicator.alias("x"))["x"]
    except pl.exceptions.ColumnNotFoundError:
        return None
    lo, hi = sorted((default, v.value))
    between = float(((x >= lo) & (x <= hi)).sum()) / runs.height
    return (
        f"{between:.0%} of the runs' window averages of what it tests lie between "
        f"{lo:g} and {hi:g} (median {float(x.median()):.3g})"
    )


def hinges(rows: list[dict], points: float = HINGE_POINTS) -> list[str]:
    """Plain sentences: each end-state share that moves by ``points`` or more under a threshold
    variant, over the limit, and why (where one indicator is tested)."""
    out = []
    for row in rows:
        for state, d in row["change"].items():
            if abs(d) >= points:
                why = f"; {row['why']}" if row.get("why") else ""
                out.append(
                    f"{state} moves {d * 100:+.0f} points (to {row['shares'][state]:.0%}) with "
                    f"{row['variant']}, over the {points * 100:.0f}-point limit{why}"
                )
    return out


def conditions_met(runs: pl.DataFrame) -> dict[str, float]:
    """Share of runs in which each classifier condition held (``held_<condition>``): which
    condition keeps runs out of an end state."""
    cols = [c for c in runs.columns if c.startswith("held_")]
    n = max(runs.height, 1)
    return {c[5:]: float(runs[c].sum()) / n for c in cols}


def decided_counts(runs: pl.DataFrame) -> dict[str, int]:
    """How many runs were decided each way (:data:`sim.vocab.DECIDED`)."""
    if "decided_by" not in runs.columns:
        return {}
    col = runs["decided_by"].cast(pl.String)
    return {d: int((col == d).sum()) for d in DECIDED}
