"""The one error of malformed input files: which file, which key, what was expected, what was
found (scenarios, sweep specs, and the parameter table's own data files)."""

from __future__ import annotations

from typing import Any

__all__ = ["ScenarioError", "describe"]


class ScenarioError(ValueError):
    """A malformed scenario: which file, which key, what was expected, what was found."""

    def __init__(self, file: str, key: str, expected: str, found: str) -> None:
        self.file, self.key, self.expected, self.found = file, key, expected, found
        where = f"{file}: key '{key}'" if key else file
        super().__init__(f"{where}: expected {expected}, found {found}")


def describe(value: Any) -> str:
    """A value as an error message shows it: ``0.5 (number)``, ``'x' (string)``, ``a table``."""
    kind = {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        dict: "table",
        list: "array",
    }.get(type(value), type(value).__name__)
    text = repr(value) if not isinstance(value, dict) else "a table"
    return f"{text} ({kind})"
