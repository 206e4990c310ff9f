"""One uncertain parameter of a sweep spec's ``[parameters]`` table, validated: a continuous
``range`` with a distribution, or a list of discrete ``values``.

```toml
"drivers.ecosystem.strength" = { range = [0.0, 2.0], distribution = "triangular", mode = 1.0 }
"labs.meta.open" = { values = [true, false] }        # a switch: never a fraction
"labs.mistral.funding" = { values = ["venture", "cloud"] }
```

A bool, integer or categorical parameter takes only ``values``: a sampler drawing from a
range would give it fractions. Listed values are checked by the scenario loader (names become
their codes) and drawn equally often (see :func:`experiments.sweep.spec.parse_spec`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.params.errors import ScenarioError, describe
from sim.params.kinds import Refused, admit, is_discrete
from sim.params.scenario import parameter

__all__ = ["SweepParameter", "SpecError", "parse_parameter", "param_tables", "DISTRIBUTIONS"]

DISTRIBUTIONS = ("uniform", "loguniform", "triangular", "normal")
_PARAM_KEYS = {"range", "distribution", "mode", "mean", "sd", "values"}


class SpecError(ScenarioError):
    """A malformed sweep spec: which file, which key, what was expected, what was found."""


@dataclass(frozen=True)
class SweepParameter:
    """One uncertain parameter: its scenario key, range and distribution, or its discrete
    values (then ``lo`` and ``hi`` are their smallest and largest)."""

    key: str
    lo: float
    hi: float
    distribution: str = "uniform"
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None
    values: tuple[float, ...] = ()

    def salib_bounds(self) -> tuple[list[float], str]:
        """SALib's ``bounds`` entry and ``dists`` name for this parameter (discrete values:
        the span of their codes)."""
        if self.distribution == "triangular":
            assert self.mode is not None
            return [self.lo, self.hi, (self.mode - self.lo) / (self.hi - self.lo)], "triang"
        if self.distribution == "normal":
            assert self.mean is not None and self.sd is not None
            return [self.lo, self.hi, self.mean, self.sd], "truncnorm"
        if self.distribution == "loguniform":
            return [self.lo, self.hi], "logunif"
        return [self.lo, self.hi], "unif"

    def pick(self, u: np.ndarray) -> np.ndarray:
        """Discrete values for draws ``u`` uniform on [0, len(values)): value i for [i, i+1)."""
        idx = np.clip(np.floor(u).astype(np.int64), 0, len(self.values) - 1)
        return np.asarray(self.values, dtype=np.float64)[idx]


def param_tables(table: dict, prefix: str = "") -> dict[str, Any]:
    """Parameter tables by dotted key, whether written quoted ("a.b.c" = {...}) or nested."""
    out: dict[str, Any] = {}
    for k, v in table.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and (set(v) & _PARAM_KEYS or not v):
            out[key] = v
        elif isinstance(v, dict):
            out.update(param_tables(v, key + "."))
        else:
            out[key] = v  # not a table: reported by parse_parameter
    return out


def _number(file: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SpecError(file, key, "a number", describe(value))
    v = float(value)
    if not np.isfinite(v):
        raise SpecError(file, key, "a finite number", describe(value))
    return v


def _discrete(file: str, key: str, table: dict) -> SweepParameter:
    where = f"parameters.{key}"
    others = sorted(set(table) - {"values"})
    if others:
        raise SpecError(file, f"{where}.{others[0]}", "no range or distribution with values", "one")
    listed = table["values"]
    if not isinstance(listed, list) or len(listed) < 2:
        raise SpecError(file, f"{where}.values", "a list of at least two values", describe(listed))
    p = parameter(key)
    assert p is not None
    values = []
    for v in listed:
        try:
            values.append(admit(p, v))
        except Refused as exc:
            raise SpecError(file, f"{where}.values", exc.expected, exc.found) from None
    if len(set(values)) < len(values):
        raise SpecError(file, f"{where}.values", "distinct values", describe(listed))
    return SweepParameter(key, min(values), max(values), values=tuple(values))


def parse_parameter(file: str, key: str, table: Any) -> SweepParameter:
    """A validated sweep parameter from its table in the spec ``file``."""
    where = f"parameters.{key}"
    if not isinstance(table, dict):
        raise SpecError(file, where, "a table such as { range = [0.0, 2.0] }", describe(table))
    p = parameter(key)
    if p is None:
        raise SpecError(
            file, where, "a numeric scenario parameter (see docs/model.md)", "an unknown parameter"
        )
    unknown = sorted(set(table) - _PARAM_KEYS)
    if unknown:
        raise SpecError(
            file,
            f"{where}.{unknown[0]}",
            f"one of {', '.join(sorted(_PARAM_KEYS))}",
            "an unknown key",
        )
    if "values" in table:
        return _discrete(file, key, table)
    if is_discrete(p):
        example = {"bool": "[true, false]", "categorical": json.dumps(list(p.choices[:2]))}
        raise SpecError(
            file,
            f"{where}.range",
            f"discrete values = [...] for a {p.kind} parameter (a range samples fractions), "
            f"e.g. values = {example.get(p.kind, '[1, 2, 3]')}",
            "a range" if "range" in table else "no values",
        )
    dist = table.get("distribution", "uniform")
    if dist not in DISTRIBUTIONS:
        raise SpecError(
            file, f"{where}.distribution", f"one of {', '.join(DISTRIBUTIONS)}", describe(dist)
        )
    rng = table.get("range")
    if rng is None:
        raise SpecError(
            file, f"{where}.range", "[low, high] or values = [...]", "nothing (one is required)"
        )
    if not isinstance(rng, list) or len(rng) != 2:
        raise SpecError(file, f"{where}.range", "[low, high]", describe(rng))
    lo, hi = (_number(file, f"{where}.range", v) for v in rng)
    if not lo < hi:
        raise SpecError(file, f"{where}.range", "low < high", f"[{lo:g}, {hi:g}]")
    if dist == "loguniform" and lo <= 0:
        raise SpecError(
            file, f"{where}.range", "low > 0 for a loguniform distribution", f"[{lo:g}, {hi:g}]"
        )
    mode = mean = sd = None
    if dist == "triangular":
        if "mode" not in table:
            raise SpecError(file, f"{where}.mode", "the peak of the triangle", "nothing")
        mode = _number(file, f"{where}.mode", table["mode"])
        if not lo <= mode < hi:
            raise SpecError(
                file, f"{where}.mode", f"a number in [{lo:g}, {hi:g})", describe(table["mode"])
            )
    if dist == "normal":
        for name in ("mean", "sd"):
            if name not in table:
                raise SpecError(
                    file, f"{where}.{name}", "a number (normal truncated to range)", "nothing"
                )
        mean = _number(file, f"{where}.mean", table["mean"])
        sd = _number(file, f"{where}.sd", table["sd"])
        if sd <= 0:
            raise SpecError(file, f"{where}.sd", "a number > 0", describe(table["sd"]))
    for name in sorted({"mode", "mean", "sd"} & set(table)):
        if (name == "mode" and dist != "triangular") or (name != "mode" and dist != "normal"):
            expected = f"no '{name}' for a {dist} distribution"
            raise SpecError(file, f"{where}.{name}", expected, "one")
    return SweepParameter(key, lo, hi, dist, mode, mean, sd)
