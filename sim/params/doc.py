"""The parameter tables of docs/model.md, rendered from the spec so they cannot drift.

``uv run python -m sim.params.doc`` rewrites the section between the markers in place.
"""

from __future__ import annotations

from pathlib import Path

from .spec import (
    CLOUD_DEFAULTS,
    CLOUD_NAMES,
    CLOUD_PARAMS,
    GLOBAL_PARAMS,
    LAB_DEFAULTS,
    LAB_NAMES,
    LAB_PARAMS,
    RUN_KEYS,
)

__all__ = ["parameter_table_markdown", "BEGIN", "END", "rewrite_doc"]

BEGIN = "<!-- parameters:begin -->"
END = "<!-- parameters:end -->"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|")


def parameter_table_markdown() -> str:
    """Markdown tables of every scenario key: run settings, globals, labs, clouds."""
    out = ["### Run settings", "", "| key | default | meaning |", "|---|---|---|"]
    for key, (_, default, doc) in RUN_KEYS.items():
        out.append(f"| `{key}` | {_cell(default)} | {_cell(doc)} |")
    out += [
        "",
        "### Model parameters",
        "",
        "| key | unit | default | range | source or reasoning |",
        "|---|---|---|---|---|",
    ]
    for p in GLOBAL_PARAMS.values():
        out.append(
            f"| `{p.key}` | {_cell(p.unit)} | {p.default:g} | [{p.lo:g}, {p.hi:g}] | "
            f"{_cell(p.source)} |"
        )
    out += [
        "",
        "### Labs (`labs.<name>.<key>`)",
        "",
        "| key | unit | " + " | ".join(LAB_NAMES) + " | meaning |",
        "|---|---|" + "---|" * len(LAB_NAMES) + "---|",
    ]
    for col, (name, unit, _lo, _hi, doc) in LAB_PARAMS.items():
        vals = " | ".join(f"{LAB_DEFAULTS[lab][col]:g}" for lab in LAB_NAMES)
        out.append(f"| `{name}` | {_cell(unit)} | {vals} | {_cell(doc)} |")
    out += [
        "",
        "### Clouds (`clouds.<name>.<key>`)",
        "",
        "| key | unit | " + " | ".join(CLOUD_NAMES) + " | meaning |",
        "|---|---|" + "---|" * len(CLOUD_NAMES) + "---|",
    ]
    for col, (name, unit, _lo, _hi, doc) in CLOUD_PARAMS.items():
        vals = " | ".join(f"{CLOUD_DEFAULTS[c][col]:g}" for c in CLOUD_NAMES)
        out.append(f"| `{name}` | {_cell(unit)} | {vals} | {_cell(doc)} |")
    return "\n".join(out)


def rewrite_doc(path: Path) -> None:
    """Replace the generated section of ``path`` with the current tables."""
    text = path.read_text()
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{parameter_table_markdown()}\n{END}{tail}")


if __name__ == "__main__":
    rewrite_doc(Path(__file__).resolve().parents[2] / "docs" / "model.md")
