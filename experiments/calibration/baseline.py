"""Writing the fitted values into a scenario file in place, keeping its comments.

For scenarios/baseline.toml the result is the file ``sim.params.template.render_baseline``
renders from the spec and the fitted values (``tests/test_docs.py`` checks it), so the file,
the spec and docs/model.md cannot disagree.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..store import atomic_write_bytes

__all__ = ["write_baseline_values", "current_fit", "rerender_baseline"]


def write_baseline_values(path: Path, fitted: dict[str, float]) -> str:
    """Put fitted values into a scenario file in place, keeping its comments; the new text."""
    text = path.read_text()
    for key, value in fitted.items():
        table, name = key.rsplit(".", 1)
        sec = re.search(rf"^\[{re.escape(table)}\]\s*$", text, flags=re.M)
        if sec is None:
            raise KeyError(f"{path}: no table [{table}] for {key}")
        nxt = re.search(r"^\[", text[sec.end() :], flags=re.M)
        end = sec.end() + (nxt.start() if nxt else len(text) - sec.end())
        body = text[sec.end() : end]
        line = re.search(rf"^{re.escape(name)} = ([^#\n]*?)(\s*#.*)?$", body, flags=re.M)
        if line is None:
            raise KeyError(f"{path}: no key {key}")
        comment = line.group(2) or ""
        if "docs/calibration.md" not in comment:
            comment = (comment or "  #") + "; calibrated (docs/calibration.md)"
        new = f"{name} = {float(value)!r}{comment}"
        body = body[: line.start()] + new + body[line.end() :]
        text = text[: sec.end()] + body + text[end:]
    atomic_write_bytes(path, text.encode())
    return text


def current_fit(path: Path) -> dict[str, float]:
    """The fitted values a scenario file holds now."""
    from .fit import CAL_PARAMS

    table = tomllib.loads(path.read_text())
    out = {}
    for key in (k for p in CAL_PARAMS for k in p.keys):
        node = table
        for part in key.split("."):
            node = node[part]
        out[key] = float(node)
    return out


def rerender_baseline(path: Path) -> str:
    """Render the baseline anew from the spec, keeping its current fitted values (after the
    spec changed: a new lab, a new parameter, a corrected source)."""
    from sim.params.template import render_baseline

    text = render_baseline(current_fit(path))
    atomic_write_bytes(path, text.encode())
    return text
