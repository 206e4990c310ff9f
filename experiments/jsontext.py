"""JSON that every parser reads: a number that is not finite (NaN, inf) becomes ``null``.

Python's ``json`` writes ``NaN`` and ``Infinity`` by default, which is not JSON; every
``--json`` output and every results file goes through :func:`json_text` instead.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["json_text", "finite_or_none"]


def finite_or_none(obj: Any) -> Any:
    """``obj`` with every non-finite float (at any depth) replaced by None."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite_or_none(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [finite_or_none(v) for v in obj]
    return obj


def json_text(obj: Any, **kw: Any) -> str:
    """``json.dumps`` that refuses to write NaN or inf: they become ``null``."""
    return json.dumps(finite_or_none(obj), allow_nan=False, **kw)
