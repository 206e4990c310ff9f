"""The generated sections of docs/model.md: parameters, events and trajectory series,
rendered from their single sources (the spec, the event table, the state) so they cannot drift.

``uv run python -m sim.params.doc`` rewrites the sections between the markers in place;
``tests/test_docs.py`` fails when one is stale.
"""

from __future__ import annotations

from pathlib import Path

from ..plan import plan_table
from .spec import (
    CLOUD_DEFAULTS,
    CLOUD_NAMES,
    CLOUD_PARAMS,
    GLOBAL_PARAMS,
    LAB_DEFAULTS,
    LAB_NAMES,
    LAB_PARAMS,
    PRIORS,
    RUN_KEYS,
)

__all__ = [
    "parameter_table_markdown",
    "event_table_markdown",
    "series_table_markdown",
    "SECTIONS",
    "BEGIN",
    "END",
    "rewrite_doc",
]

BEGIN = "<!-- parameters:begin -->"
END = "<!-- parameters:end -->"


def _partner(v: float) -> str:
    return LAB_NAMES[int(v)] if v >= 0 else "none"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|")


def _actor_value(default: float, baseline: float) -> str:
    """The default, and the baseline's value in bold after it where they differ."""
    return f"{default:g}" if default == baseline else f"{default:g} (**{baseline:g}**)"


def _baseline_values() -> dict:
    from .scenario import load_scenario

    path = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.toml"
    return load_scenario(path).values


def parameter_table_markdown() -> str:
    """Markdown tables of every scenario key: run settings, globals, labs, clouds.

    The ``baseline`` column shows the calibrated baseline's value where it differs from the
    documented default (the fitted parameters of docs/calibration.md)."""
    base = _baseline_values()
    out = ["### Run settings", "", "| key | default | meaning |", "|---|---|---|"]
    for key, (_, default, doc) in RUN_KEYS.items():
        out.append(f"| `{key}` | {_cell(default)} | {_cell(doc)} |")
    out += [
        "",
        "### Model parameters",
        "",
        "| key | unit | default | baseline | range | source or reasoning |",
        "|---|---|---|---|---|---|",
    ]
    for p in GLOBAL_PARAMS.values():
        fitted = f"**{base[p.key]:g}**" if base[p.key] != p.default else ""
        source = p.source
        if p.prior is not None:
            source += f" **Prior** (fitted): {p.prior.describe()}, {p.prior.why}"
        out.append(
            f"| `{p.key}` | {_cell(p.unit)} | {p.default:g} | {fitted} | [{p.lo:g}, {p.hi:g}] | "
            f"{_cell(source)} |"
        )
    out += [
        "",
        "### Labs (`labs.<name>.<key>`)",
        "",
        "| key | unit | " + " | ".join(LAB_NAMES) + " | meaning |",
        "|---|---|" + "---|" * len(LAB_NAMES) + "---|",
    ]
    for col, spec in LAB_PARAMS.items():
        name, unit, doc = spec.key, spec.unit, spec.doc
        vals = " | ".join(
            _actor_value(LAB_DEFAULTS[lab][col], base[f"labs.{lab}.{name}"]) for lab in LAB_NAMES
        )
        out.append(f"| `{name}` | {_cell(unit)} | {vals} | {_cell(doc)} |")
    lab_priors = [p for k, p in PRIORS.items() if k.startswith("labs.")]
    if lab_priors:
        out += ["", "Uncertain lab columns (fitted by the calibration):", ""]
        for p in lab_priors:
            tied = f" (also {', '.join(f'`{k}`' for k in p.also)})" if p.also else ""
            out.append(f"- `{p.key}`{tied}: prior {p.describe()}, {p.why}")
    out += [
        "",
        "### Clouds (`clouds.<name>.<key>`)",
        "",
        "| key | unit | " + " | ".join(CLOUD_NAMES) + " | meaning |",
        "|---|---|" + "---|" * len(CLOUD_NAMES) + "---|",
    ]
    for col, spec in CLOUD_PARAMS.items():
        name, unit, doc = spec.key, spec.unit, spec.doc
        if name == "partner_lab":
            vals = " | ".join(_partner(CLOUD_DEFAULTS[c][col]) for c in CLOUD_NAMES)
        else:
            vals = " | ".join(
                _actor_value(CLOUD_DEFAULTS[c][col], base[f"clouds.{c}.{name}"])
                for c in CLOUD_NAMES
            )
        out.append(f"| `{name}` | {_cell(unit)} | {vals} | {_cell(doc)} |")
    return "\n".join(out)


def event_table_markdown() -> str:
    """The event table (sim.events): kind, actor, priority, handler, reference-engine agent."""
    from ..events import EVENT_TABLE

    out = [
        "| kind | attributed to | priority | rulebook handler | reference engine | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for k in EVENT_TABLE:
        prio = "logged only" if k.priority is None else str(k.priority)
        handler = f"`{k.handler}`" if k.handler else "(sequenced by the engine)"
        if k.handler is None and k.priority is None:
            handler = ""
        agent = f"`{k.agent}.{k.method}`" if k.agent else ""
        out.append(f"| `{k.name}` | {k.actor} | {prio} | {handler} | {agent} | {_cell(k.doc)} |")
    return "\n".join(out)


def series_table_markdown() -> str:
    """Trajectory series (sim.state): market-wide, then per lab."""
    from ..state import LAB_SERIES, MARKET_SERIES, SERIES_DOCS, lab_column

    out = ["| column | meaning |", "|---|---|"]
    for name in MARKET_SERIES:
        out.append(f"| `{name}` | {_cell(SERIES_DOCS[name])} |")
    for name in LAB_SERIES:
        out.append(
            f"| `{lab_column('<lab>', name)}` (one per lab: {', '.join(LAB_NAMES)}) "
            f"| {_cell(SERIES_DOCS[name])} |"
        )
    return "\n".join(out)


# (name, renderer) of every generated section of docs/model.md
SECTIONS = (
    ("parameters", parameter_table_markdown),
    ("events", event_table_markdown),
    ("series", series_table_markdown),
    ("plan", plan_table),
)


def rewrite_doc(path: Path) -> None:
    """Replace every generated section of ``path`` with the current tables."""
    text = path.read_text()
    for name, render in SECTIONS:
        begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{begin}\n{render()}\n{end}{tail}"
    path.write_text(text)


if __name__ == "__main__":
    rewrite_doc(Path(__file__).resolve().parents[2] / "docs" / "model.md")
