"""Every --json output and results file is JSON: non-finite numbers become null."""

import json
import math

from experiments.jsontext import finite_or_none, json_text


def test_non_finite_numbers_become_null_at_any_depth():
    doc = {"a": math.nan, "b": [1.0, math.inf, {"c": -math.inf}], "d": (2, "x"), "e": 0.5}
    text = json_text(doc)
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == {"a": None, "b": [1.0, None, {"c": None}], "d": [2, "x"], "e": 0.5}
    assert finite_or_none(3) == 3 and finite_or_none("nan") == "nan"
