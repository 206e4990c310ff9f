"""Render a fully commented scenario TOML from parameter values and the spec."""

from __future__ import annotations

from typing import Any

from .spec import (
    CLOUD_NAMES,
    CLOUD_PARAMS,
    GLOBAL_PARAMS,
    LAB_NAMES,
    LAB_PARAMS,
    RUN_KEYS,
)

__all__ = ["render_scenario"]


def _fmt(v: Any) -> str:
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    return repr(float(v))


def render_scenario(values: dict[str, Any], header: str, lab_notes: dict[str, str]) -> str:
    """Every key of ``values`` grouped in TOML tables, each with its unit and source."""
    out = [header.rstrip(), ""]
    out.append("[scenario]")
    for key in ("scenario.name", "scenario.description"):
        out.append(f"{key.split('.')[1]} = {_fmt(values[key])}")
    out += ["", "[run]"]
    for key, (_, _, doc) in RUN_KEYS.items():
        if key.startswith("run."):
            out.append(f"{key.split('.')[1]} = {_fmt(values[key])}  # {doc}")
    tables: dict[str, list[str]] = {}
    for p in GLOBAL_PARAMS.values():
        table, name = p.key.rsplit(".", 1)
        tables.setdefault(table, []).append(
            f"{name} = {_fmt(values[p.key])}  # {p.unit}; {p.source}"
        )
    for table, rows in tables.items():
        out += ["", f"[{table}]", *rows]
    for lab in LAB_NAMES:
        out += ["", f"[labs.{lab}]"]
        if lab in lab_notes:
            out.append(f"# {lab_notes[lab]}")
        for _, (name, unit, _, _, doc) in LAB_PARAMS.items():
            v = values[f"labs.{lab}.{name}"]
            out.append(f"{name} = {_fmt(v)}  # {unit}; {doc}")
    for cloud in CLOUD_NAMES:
        out += ["", f"[clouds.{cloud}]"]
        for _, (name, unit, _, _, doc) in CLOUD_PARAMS.items():
            v = values[f"clouds.{cloud}.{name}"]
            out.append(f"{name} = {_fmt(v)}  # {unit}; {doc}")
    return "\n".join(out) + "\n"
