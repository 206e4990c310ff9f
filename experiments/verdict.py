"""Why a run ended where it did, in words: each end state's definition, its conditions with the
run's indicators against the thresholds, which held, the scores and how the run was decided.
The story (``aimarket story``) and the viewer's Story page both read it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from sim.rules.classify import CONDITIONS, DEFINITIONS

from .summary import CONDITION_LABELS, DECIDED_LABELS

__all__ = ["CONDITION_TESTS", "condition_rows", "verdict_lines", "verdict_frame"]

Row = Mapping[str, Any]
Values = Mapping[str, Any]


def _level(r: Row, v: Values) -> float:
    """The gap's widening level for this run: the floor or the ratio times its reference."""
    return max(
        float(v["classifier.gap_widens_months"]),
        float(v["classifier.gap_ratio"]) * float(r["final_gap_reference"]),
    )


# condition -> (indicator read, its column in the runs table, the test as text)
CONDITION_TESTS: dict[str, tuple[str, str, Callable[[Row, Values], str]]] = {
    "open_default": (
        "new deployments on open weights",
        "final_new_open_share",
        lambda r, v: f">= {v['classifier.new_open_min']:g}",
    ),
    "selfhost_material": (
        "self-hosted share of enterprise tokens",
        "final_selfhost_share",
        lambda r, v: f">= {v['classifier.selfhost_min']:g}",
    ),
    "open_spread": (
        "concentration of open usage (HHI)",
        "final_open_hhi",
        lambda r, v: f"<= {v['classifier.open_hhi_max']:g}",
    ),
    "independent": (
        "independent labs releasing open weights (last month)",
        "final_independent_open",
        lambda r, v: ">= 1",
    ),
    "gap_not_widening": (
        "gap, months (window mean)",
        "final_gap_months",
        lambda r, v: (
            f"< {_level(r, v):.1f}, or its trend {r['final_gap_trend']:+.2f} "
            f"< {v['classifier.gap_trend_min']:g} months a year"
        ),
    ),
    "bigtech_led": (
        "big-tech share of open usage",
        "final_bigtech_open_share",
        lambda r, v: f">= {v['classifier.bigtech_min']:g}",
    ),
    "open_concentrated": (
        "concentration of open usage (HHI)",
        "final_open_hhi",
        lambda r, v: f">= {v['classifier.oligopoly_hhi_min']:g}",
    ),
    "gap_close": (
        "gap, months (window mean)",
        "final_gap_months",
        lambda r, v: f"< {_level(r, v):.1f} (widening level)",
    ),
    "gap_wide": (
        "gap, months (window mean)",
        "final_gap_months",
        lambda r, v: (
            f">= {_level(r, v):.1f} ({v['classifier.gap_ratio']:g} x its 2023-2025 "
            f"{r['final_gap_reference']:.1f}, at least {v['classifier.gap_widens_months']:g})"
        ),
    ),
    "gap_rising": (
        "gap trend, months per year",
        "final_gap_trend",
        lambda r, v: f">= {v['classifier.gap_trend_min']:g}",
    ),
}
if set(CONDITION_TESTS) != set(CONDITIONS):  # a new condition needs its test in words
    raise RuntimeError(f"CONDITION_TESTS: expected {CONDITIONS}, found {tuple(CONDITION_TESTS)}")


def condition_rows(r: Row, values: Values) -> list[dict[str, Any]]:
    """One row per end state and condition of its definition: the indicator, the run's window
    average, the test, and whether the condition held (the engine's record)."""
    rows = []
    for state, conds in DEFINITIONS.items():
        for c in conds:
            label, col, test = CONDITION_TESTS[c]
            rows.append(
                {
                    "end state": state,
                    "condition": CONDITION_LABELS[c],
                    "indicator": label,
                    "value": float(r[col]),
                    "needs": test(r, values),
                    "held": bool(r[f"held_{c}"]),
                }
            )
    return rows


def verdict_lines(r: Row, values: Values) -> list[str]:
    """The run's end state, how it was decided, and each definition's conditions."""
    window = int(values["classifier.window_months"])
    persist = float(values["classifier.persistence"])
    how = DECIDED_LABELS.get(str(r.get("decided_by")), str(r.get("decided_by")))
    lines = [
        "",
        f"End state: {r['end_state']} ({how})",
        f"  over the last {window} months: conditions on shares hold in at least {persist:.0%}",
        "  of them (window averages shown); the gap is judged by its mean and trend",
    ]
    rows = condition_rows(r, values)
    for state in DEFINITIONS:
        score = r.get(f"score_{state}")
        head = f"  {state}" + (f" (score {float(score):+.2f})" if score is not None else "")
        lines.append(head + ":")
        for row in (x for x in rows if x["end state"] == state):
            held = "held" if row["held"] else "not held"
            lines.append(
                f"    {row['indicator']} {row['value']:.3g} (needs {row['needs']}): {held}"
            )
    return lines


def verdict_frame(r: Row, values: Values) -> pl.DataFrame:
    """:func:`condition_rows` as a table for the viewer."""
    return pl.DataFrame(condition_rows(r, values))
