"""What a parameter admits, by its kind: a real number in its range, a whole number, a switch
(true or false), or one name of a small vocabulary (or that name's integer code).

Every parameter is stored as a float in the kernels' vectors; :func:`admit` turns what a
scenario file, a ``--set`` flag or a sweep spec wrote into that float, or says what it expected.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from .errors import describe

__all__ = ["KINDS", "Kinded", "Refused", "admit", "expected_text", "is_discrete", "code_of"]

KINDS = ("real", "integer", "bool", "categorical")


class Kinded(Protocol):
    """What :func:`admit` needs of a parameter (``Param`` and ``ActorParam`` both have it)."""

    @property
    def kind(self) -> str: ...
    @property
    def lo(self) -> float: ...
    @property
    def hi(self) -> float: ...
    @property
    def unit(self) -> str: ...
    @property
    def choices(self) -> tuple[str, ...]: ...


class Refused(ValueError):
    """A value a parameter does not admit: what was expected, what was found."""

    def __init__(self, expected: str, found: str) -> None:
        self.expected, self.found = expected, found
        super().__init__(f"expected {expected}, found {found}")


def is_discrete(p: Kinded) -> bool:
    """Whether only whole numbers are admitted (a sampler must not draw fractions)."""
    return p.kind != "real"


def code_of(p: Kinded, name: str) -> int:
    """The integer code of a categorical name: ``lo`` for the first choice, then up."""
    return int(p.lo) + p.choices.index(name)


def expected_text(p: Kinded) -> str:
    """What the parameter admits, as an error message says it."""
    if p.kind == "bool":
        return "true or false (or 1 or 0)"
    if p.kind == "categorical":
        return f"one of {', '.join(p.choices)} (or its code, {p.lo:g} to {p.hi:g})"
    if p.kind == "integer":
        return f"a whole number in [{p.lo:g}, {p.hi:g}] ({p.unit})"
    return f"a number in [{p.lo:g}, {p.hi:g}] ({p.unit})"


def admit(p: Kinded, value: Any) -> float:
    """The float stored for ``value``, or :class:`Refused` naming what ``p`` admits."""
    refused = Refused(expected_text(p), describe(value))
    if p.kind == "bool":
        if isinstance(value, bool):
            return float(value)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return float(value.lower() == "true")
    elif p.kind == "categorical" and isinstance(value, str):
        if value.lower() in p.choices:
            return float(code_of(p, value.lower()))
        raise refused
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise refused
    try:
        v = float(value)
    except OverflowError:  # an integer beyond any float
        raise refused from None
    if not np.isfinite(v) or v < p.lo or v > p.hi:
        raise refused
    if p.kind != "real" and v != int(v):
        raise refused
    return v
