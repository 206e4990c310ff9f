"""How much a worlds file's headline owes to its priors, measured once and read everywhere.

The identifiability section (:mod:`experiments.calibration.identifiability`) draws the
baseline's end-state shares from worlds fitted under the priors as declared and under priors
half and 1.25 times as wide. Those shares are written beside the worlds file
(``NAME.prior-influence.json``, with the worlds file's digest), so that ``aimarket run``, its
``--json`` and the viewer's Explore page can say, next to a headline drawn from those worlds,
how far it moves with the prior. A record whose digest is not the worlds file's is stale and
is not shown; a batch of another scenario drawn from the same worlds (a variant's overrides on
top of every world) is told that the figures are the measured scenario's, not its own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sim.vocab import END_STATES

from .store import atomic_write_json

__all__ = ["influence_path", "write_influence", "read_influence", "render_influence"]

_SUFFIX = ".prior-influence.json"


def influence_path(worlds_file: str | Path) -> Path:
    """The record beside ``NAME.worlds.parquet``: ``NAME.prior-influence.json``."""
    from .worlds import SUFFIX

    p = Path(worlds_file)
    return p.with_name(p.name.removesuffix(SUFFIX) + _SUFFIX)


def write_influence(
    worlds_file: Path, digest: str, scenario: str, rows: list[dict[str, Any]], command: str
) -> Path:
    """Write the shares of each prior scale (``headline_rows``'s rows) for the worlds file
    whose SHA-256 is ``digest``; returns the record's path."""
    out = influence_path(worlds_file)
    record = {
        "worlds_sha256": digest,
        "scenario": scenario,
        "command": command,
        "scales": [
            {
                "scale": float(r["scale"]),
                "worlds": int(r["worlds"]),
                "between_worlds_share": r["between"],
                "shares": {k: float(v["share"]) for k, v in r["shares"].items()},
                "intervals": {k: [float(v["lo"]), float(v["hi"])] for k, v in r["shares"].items()},
            }
            for r in sorted(rows, key=lambda r: float(r["scale"]))
        ],
    }
    atomic_write_json(out, record)
    return out


def read_influence(worlds_file: str | Path, digest: str) -> dict[str, Any] | None:
    """The record of the worlds file whose SHA-256 is ``digest``, or None (absent, unreadable,
    or measured on another version of the file)."""
    f = influence_path(worlds_file)
    try:
        record = json.loads(f.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("worlds_sha256") != digest:
        return None
    scales = record.get("scales")
    if not isinstance(scales, list) or not scales or not isinstance(record.get("scenario"), str):
        return None
    for s in scales:
        shares = s.get("shares") if isinstance(s, dict) else None
        if not isinstance(s.get("scale") if shares is not None else None, int | float):
            return None
        if not shares or not all(isinstance(v, int | float) for v in shares.values()):
            return None
    return record


def render_influence(record: dict[str, Any] | None, scenario: str = "") -> str:
    """One line: each end state's share under each prior scale, or what to run for it;
    ``scenario`` (the batch's scenario file name) other than the record's says the shares are
    the measured scenario's, not this batch's."""
    if record is None:
        return (
            "Prior's influence: not measured for these worlds (python -m "
            "experiments.calibration.identifiability)"
        )
    scales = record["scales"]
    shares = scales[0]["shares"]
    states = [k for k in END_STATES if k in shares] + [k for k in shares if k not in END_STATES]
    head = " / ".join(f"x{s['scale']:g}" for s in scales)
    parts = [f"{k} " + " / ".join(f"{s['shares'].get(k, 0.0):.0%}" for s in scales) for k in states]
    measured = ", ".join(parts)
    if scenario and scenario != record["scenario"]:
        return (
            f"Prior's influence: not measured for {scenario}; on {record['scenario']}, drawn "
            f"from the same worlds without {scenario}'s changes, under priors {head} as wide "
            f"(docs/calibration.md): {measured}"
        )
    return (
        f"Prior's influence (shares of {record['scenario']} under priors {head} as wide, "
        f"docs/calibration.md): {measured}"
    )
