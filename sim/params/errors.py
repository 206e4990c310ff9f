"""The one error of malformed input files: which file, which key, what was expected, what was
found (scenarios, sweep specs, and the parameter table's own data files)."""

from __future__ import annotations

from typing import Any

__all__ = ["ScenarioError", "describe", "printable"]


def printable(text: str) -> str:
    """``text`` with control characters escaped (``\\x1b``, ``\\n``): a key or value from a
    file cannot move the cursor, recolour the terminal or break the message's one line."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


class ScenarioError(ValueError):
    """A malformed scenario: which file, which key, what was expected, what was found."""

    def __init__(self, file: str, key: str, expected: str, found: str) -> None:
        self.file, self.key, self.expected, self.found = file, key, expected, found
        where = f"{file}: key '{key}'" if key else file
        super().__init__(printable(f"{where}: expected {expected}, found {found}"))


def describe(value: Any) -> str:
    """A value as an error message shows it: ``0.5 (number)``, ``'x' (string)``, ``a table``;
    a huge integer by its number of digits, a long string or array by its start."""
    kind = {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        dict: "table",
        list: "array",
    }.get(type(value), type(value).__name__)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        return f"an integer of {len(str(abs(value)))} digits"
    text = repr(value) if not isinstance(value, dict) else "a table"
    if len(text) > 80:  # a long string or array: its start, not the terminal full
        text = text[:60] + f"... ({len(text)} characters)"
    return f"{text} ({kind})"
