"""Tidy views of a reference-engine model's agents for the Agents page (no model logic)."""

from __future__ import annotations

from typing import Any

import polars as pl

from sim.actors import ACTOR_LABELS, CLOUD_NAMES, LAB_NAMES
from sim.calendar import month_date
from sim.vocab import FUNDING_NAMES, OPTION_NAMES, REGION_NAMES

__all__ = [
    "enterprises_frame",
    "developers_frame",
    "labs_frame",
    "clouds_frame",
    "model_events",
    "model_series",
    "filter_enterprises",
    "readable_state",
    "SECTORS",
    "HIDDEN_FIELDS",
]

# sensitivity of regulated data (finance, health, public sector) starts at 0.5 at setup,
# that of other firms stays below 0.3 (sim/rules/setup.py)
_REGULATED_FROM = 0.5
SECTORS = ("regulated data", "other")


# engine bookkeeping left out of the agents' views (RNG counter, smoothing, pending flags)
HIDDEN_FIELDS = frozenset({"ctr", "rev_slow", "funding_pending"})
# readable labels of the agents' record fields (sim/state.py's dtypes)
_LABELS = {
    "open": "flagship open weights",
    "alive": "in business",
    "bigtech": "big-tech sponsored",
    "funding": "funding",
    "cap": "flagship capability, log10 effective FLOP",
    "cap_open": "best open model released, log10 effective FLOP",
    "cap_closed": "best closed model offered, log10 effective FLOP",
    "markup": "price / serving cost",
    "cash": "cash, USD B",
    "revenue": "revenue last month, USD B",
    "open_revenue": "revenue on open models last month, USD B",
    "spend": "training spend, USD B per month",
    "flop": "training compute for the next release, FLOP",
    "dev_share": "share of developers in its ecosystem",
    "compute_pen": "compute lost to export controls, orders of magnitude",
    "releases": "releases so far",
    "forced": "flagship forced closed by investors",
    "line": "keeps a smaller open model line",
    "budget_cap": "sponsor budget at 2023 terms, USD B per month",
    "devs": "developers in its ecosystem",
    "region": "region",
    "large": "large firm",
    "cloud": "cloud",
    "onprem": "runs on premises",
    "option": "deployment",
    "family": "open model family",
    "vendor": "closed API vendor",
    "next_review": "next review, month",
    "volume": "M tokens per month at 2023 demand",
    "sensitivity": "data sensitivity",
    "skill": "in-house ML skill",
    "tolerance": "months behind the frontier its median task tolerates",
    "hybrid": "share of its tokens a hybrid routes to open models",
    "hybrid_front": "the same for its frontier-bound work",
    "hybrid_self": "a hybrid self-hosting its open part",
    "eco": "ecosystem",
    "taste": "taste for open tooling",
}
_YES_NO = ("open", "alive", "bigtech", "large", "onprem", "forced", "line", "hybrid_self")


def _lab(k: int) -> str:
    return ACTOR_LABELS[LAB_NAMES[k]]


_NAMED = {
    "region": lambda v: REGION_NAMES[v],
    "family": _lab,
    "vendor": _lab,
    "eco": _lab,
    "cloud": lambda v: ACTOR_LABELS[CLOUD_NAMES[v]],
    "funding": lambda v: FUNDING_NAMES[v],
    "option": lambda v: "not adopted" if v < 0 else OPTION_NAMES[v],
}


def readable_state(state: dict[str, Any]) -> dict[str, Any]:
    """An agent's record as a reader wants it: ids as names (regions, labs, clouds), flags as
    yes/no, fields under readable labels, the engine's bookkeeping left out."""
    out: dict[str, Any] = {}
    for key, value in state.items():
        if key in HIDDEN_FIELDS:
            continue
        if key in _NAMED:
            value = _NAMED[key](int(value))
        elif key in _YES_NO:
            value = "yes" if value else "no"
        elif isinstance(value, float):
            value = float(f"{value:.4g}")
        out[_LABELS.get(key, key.replace("_", " "))] = value
    return out


def enterprises_frame(model: Any) -> pl.DataFrame:
    """One row per simulated enterprise: region, size, sector, deployment and its numbers."""
    e = model.ents
    deployment = ["not adopted" if o < 0 else OPTION_NAMES[o] for o in e["option"]]
    return pl.DataFrame(
        {
            "enterprise": range(e.shape[0]),
            "region": [REGION_NAMES[r] for r in e["region"]],
            "size": ["large" if x else "small" for x in e["large"]],
            "sector": [
                SECTORS[0] if s >= _REGULATED_FROM else SECTORS[1] for s in e["sensitivity"]
            ],
            "deployment": deployment,
            "volume": e["volume"],
            "sensitivity": e["sensitivity"],
            "skill": e["skill"],
            "tolerance": e["tolerance"],
            "next_review": e["next_review"],
        }
    )


def developers_frame(model: Any) -> pl.DataFrame:
    d = model.devs
    return pl.DataFrame(
        {
            "developer": range(d.shape[0]),
            "region": [REGION_NAMES[r] for r in d["region"]],
            "ecosystem": [_lab(k) for k in d["eco"]],
            "taste": d["taste"],
            "next_review": d["next_review"],
        }
    )


def labs_frame(model: Any) -> pl.DataFrame:
    rows = []
    for lab in model.lab_agents:
        s = lab.state
        rows.append(
            {
                "lab": ACTOR_LABELS[lab.name],
                "kind": type(lab).__name__,
                "open": bool(s["open"]),
                "alive": bool(s["alive"]),
                "bigtech": bool(s["bigtech"]),
                "capability": s["cap"],
                "markup": s["markup"],
                "cash": s["cash"],
                "revenue": s["revenue"],
                "spend": s["spend"],
                "developers": s["devs"],
                "releases": s["releases"],
            }
        )
    return pl.DataFrame(rows)


def clouds_frame(model: Any) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"cloud": ACTOR_LABELS.get(c.name, c.name), **readable_state(c.state)}
            for c in model.cloud_agents
        ]
    )


def model_events(model: Any) -> pl.DataFrame:
    """The model's event log so far, with dates and readable details (as results files)."""
    from types import SimpleNamespace

    import numpy as np

    from experiments.tables import events_frame

    arrays = SimpleNamespace(
        logs=model.log[None, :], log_n=np.array([model.log_n]), runs=np.array([model.run])
    )
    frame = events_frame(arrays)
    return frame.with_columns(
        pl.col("actor").replace_strict(ACTOR_LABELS, default=pl.col("actor"))
    ).select("date", "actor", "kind", "details")


def model_series(model: Any, columns: list[str]) -> pl.DataFrame:
    """The model's trajectories for the months closed so far."""
    from sim.state import SERIES_NAMES

    m = model.month
    data = {c: model.trajectories[:m, SERIES_NAMES.index(c)] for c in columns}
    return pl.DataFrame({"date": [month_date(k) for k in range(m)], **data})


def filter_enterprises(
    frame: pl.DataFrame,
    regions: list[str] | None = None,
    sizes: list[str] | None = None,
    sectors: list[str] | None = None,
    deployments: list[str] | None = None,
) -> pl.DataFrame:
    """Enterprises matching every given list (an empty or missing list does not filter)."""
    for col, allowed in (
        ("region", regions),
        ("size", sizes),
        ("sector", sectors),
        ("deployment", deployments),
    ):
        if allowed:
            frame = frame.filter(pl.col(col).is_in(allowed))
    return frame
