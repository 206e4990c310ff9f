"""Scenario files: TOML validated into frozen, typed parameters.

A scenario may ``extends`` another file and override only what it changes. Unknown keys,
wrong types and out-of-range values raise :class:`ScenarioError`, whose message names the
file, the key, what was expected and what was found.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ScenarioError, describe, printable
from .kinds import Refused, admit
from .spec import (
    CLOUD_DEFAULTS,
    CLOUD_NAMES,
    CLOUD_PARAMS,
    GLOBAL_PARAMS,
    LAB_DEFAULTS,
    LAB_NAMES,
    LAB_PARAMS,
    RENAMED_KEYS,
    RUN_KEYS,
    ActorParam,
    G,
    Param,
)

__all__ = [
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "default_values",
    "parse_scenario",
    "parameter",
    "printable",
]


def _global_keys() -> dict[str, G]:
    return {p.key: g for g, p in GLOBAL_PARAMS.items()}


def _actor_keys() -> dict[str, tuple[str, str, int, int, ActorParam]]:
    """Map 'labs.meta.ambition' to (table, actor, row, column, spec)."""
    out = {}
    for table, names, cols in (
        ("labs", LAB_NAMES, LAB_PARAMS),
        ("clouds", CLOUD_NAMES, CLOUD_PARAMS),
    ):
        for row, name in enumerate(names):
            for col, spec in cols.items():
                out[f"{table}.{name}.{spec.key}"] = (table, name, row, int(col), spec)
    return out


GLOBAL_KEYS = _global_keys()
ACTOR_KEYS = _actor_keys()
# bounds on what a scenario file may hold: a device or a runaway file is refused, not read
MAX_FILE_BYTES = 4_000_000
MAX_EXTENDS = 64
MAX_DESCRIPTION = 10_000  # characters: a paragraph, copied into every results manifest


def parameter(key: str) -> Param | ActorParam | None:
    """The spec of a model parameter key (``market.price_elasticity``, ``labs.meta.open``)."""
    if key in GLOBAL_KEYS:
        return GLOBAL_PARAMS[GLOBAL_KEYS[key]]
    return ACTOR_KEYS[key][4] if key in ACTOR_KEYS else None


def default_values() -> dict[str, Any]:
    """Every key with its default value, as a flat dotted dict."""
    vals: dict[str, Any] = {k: d for k, (_, d, _) in RUN_KEYS.items()}
    vals.update({p.key: p.default for p in GLOBAL_PARAMS.values()})
    for key, (table, name, _row, col, _spec) in ACTOR_KEYS.items():
        defaults = LAB_DEFAULTS if table == "labs" else CLOUD_DEFAULTS
        vals[key] = float(defaults[name][[c for c in defaults[name] if int(c) == col][0]])
    return vals


def _flatten(table: dict, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in table.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def _check(file: str, key: str, value: Any) -> Any:
    """Validate one flattened key and return its typed value."""
    if key in RUN_KEYS:
        typ = RUN_KEYS[key][0]
        if typ is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ScenarioError(file, key, "an integer", describe(value))
            lo = 0 if key == "run.seed" else 1
            if value < lo or value > 2**62:
                expected = f"an integer from {lo} to 2**62" if value > 0 else f"an integer >= {lo}"
                raise ScenarioError(file, key, expected, describe(value))
            if key == "run.months" and not 12 <= value <= 600:
                raise ScenarioError(file, key, "an integer from 12 to 600", describe(value))
            if key == "run.enterprises" and value < 10:
                raise ScenarioError(file, key, "an integer >= 10", describe(value))
            if key == "run.developers" and value < 10:
                raise ScenarioError(file, key, "an integer >= 10", describe(value))
            return int(value)
        if not isinstance(value, str):
            raise ScenarioError(file, key, "a string", describe(value))
        if len(value) > MAX_DESCRIPTION:
            raise ScenarioError(
                file, key, f"at most {MAX_DESCRIPTION:,} characters", f"{len(value):,}"
            )
        return value
    p = parameter(key)
    if p is None and key in RENAMED_KEYS:
        where = RENAMED_KEYS[key]
        if where.startswith("nothing"):
            raise ScenarioError(file, key, f"no such key any more ({where[9:]})", "a removed key")
        raise ScenarioError(file, key, f"'{where}' (the key moved there)", "the old key")
    if p is None:
        raise ScenarioError(
            file, key, "a known parameter (see docs/model.md)", "an unknown key" + _suggest(key)
        )
    try:
        return admit(p, value)
    except Refused as exc:
        raise ScenarioError(file, key, exc.expected, exc.found) from None


def _suggest(key: str) -> str:
    import difflib

    known = list(RUN_KEYS) + list(GLOBAL_KEYS) + list(ACTOR_KEYS)
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: run settings plus parameter arrays ready for the kernels."""

    name: str
    description: str
    path: str
    values: dict[str, Any]
    texts: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def runs(self) -> int:
        return int(self.values["run.runs"])

    @property
    def seed(self) -> int:
        return int(self.values["run.seed"])

    @property
    def months(self) -> int:
        return int(self.values["run.months"])

    @property
    def n_enterprises(self) -> int:
        return int(self.values["run.enterprises"])

    @property
    def n_developers(self) -> int:
        return int(self.values["run.developers"])

    @property
    def hash(self) -> str:
        """SHA-256 of the resolved model parameters (not of the file text, the name, the
        number of runs or the base seed, so one scenario keeps one hash across batches)."""
        skip = ("run.runs", "run.seed")
        payload = {
            k: v for k, v in self.values.items() if not k.startswith("scenario.") and k not in skip
        }
        blob = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()

    def global_vector(self) -> np.ndarray:
        out = np.empty(len(GLOBAL_PARAMS), dtype=np.float64)
        for g, p in GLOBAL_PARAMS.items():
            out[int(g)] = self.values[p.key]
        return out

    def lab_matrix(self) -> np.ndarray:
        out = np.zeros((len(LAB_NAMES), len(LAB_PARAMS)), dtype=np.float64)
        for key, (table, _, row, col, _) in ACTOR_KEYS.items():
            if table == "labs":
                out[row, col] = self.values[key]
        return out

    def cloud_matrix(self) -> np.ndarray:
        out = np.zeros((len(CLOUD_NAMES), len(CLOUD_PARAMS)), dtype=np.float64)
        for key, (table, _, row, col, _) in ACTOR_KEYS.items():
            if table == "clouds":
                out[row, col] = self.values[key]
        return out

    def with_values(self, **overrides: Any) -> Scenario:
        """A copy with dotted keys overridden (use '__' for '.'), validated like a file."""
        vals = dict(self.values)
        for k, v in overrides.items():
            key = k.replace("__", ".")
            vals[key] = _check("<override>", key, v)
        _check_consistency("<override>", vals)
        return replace(self, values=vals)


def _check_consistency(file: str, vals: dict[str, Any]) -> None:
    regions = vals["enterprises.share_eu"] + vals["enterprises.share_cn"]
    regions += vals["enterprises.share_row"]
    if regions > 1.0 + 1e-9:
        raise ScenarioError(
            file,
            "enterprises.share_eu",
            "regional shares (eu + cn + row) <= 1",
            f"a sum of {regions:g}",
        )
    for low, high, expected in (
        ("clouds.markup_min", "clouds.markup_base", "a value <= clouds.markup_base"),
        ("vendors.markup_min", "vendors.markup_max", "a value <= vendors.markup_max"),
        (
            "workload.shift_start_month",
            "workload.shift_end_month",
            "a month <= workload.shift_end_month",
        ),
    ):
        if vals[low] > vals[high]:
            raise ScenarioError(file, low, expected, repr(vals[low]))
    for r in ("na", "eu", "cn", "row"):
        tot = sum(vals[f"clouds.{c}.share_{r}"] for c in CLOUD_NAMES)
        if abs(tot - 1.0) > 1e-6:
            raise ScenarioError(
                file, f"clouds.*.share_{r}", "cloud shares summing to 1", f"a sum of {tot:g}"
            )


def parse_scenario(
    text: str, file: str = "<string>", base_dir: Path | None = None, _seen: tuple[str, ...] = ()
) -> Scenario:
    """Parse and validate scenario TOML text (following ``extends``)."""
    try:
        raw = tomllib.loads(text)
        flat = _flatten(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(file, "", "valid TOML", f"a syntax error ({exc})") from None
    except ValueError:  # an integer past Python's 4300-digit limit for conversion
        raise ScenarioError(file, "", "numbers of at most 4300 digits", "a longer one") from None
    except RecursionError:
        raise ScenarioError(
            file, "", "tables and arrays nested at most a few hundred deep", "deeper nesting"
        ) from None
    texts = {file: text}
    extends = flat.get("scenario.extends", "")
    if extends:
        if not isinstance(extends, str):
            raise ScenarioError(file, "scenario.extends", "a path string", describe(extends))
        parent_path = (base_dir or Path(".")) / extends
        if not parent_path.is_file():
            raise ScenarioError(
                file,
                "scenario.extends",
                f"a scenario file, resolved relative to the folder of {file} "
                f"({base_dir or Path('.')}/)",
                f"no file {parent_path}",
            )
        if str(parent_path.resolve()) in _seen:
            raise ScenarioError(
                file, "scenario.extends", "no cycle of extends", f"'{extends}' again"
            )
        if len(_seen) >= MAX_EXTENDS:
            raise ScenarioError(
                file,
                "scenario.extends",
                f"a chain of at most {MAX_EXTENDS} scenario files",
                "a longer one",
            )
        parent = load_scenario(parent_path, _seen + (str(Path(file).resolve()),))
        vals = dict(parent.values)
        texts = {**parent.texts, **texts}
    else:
        vals = default_values()
    for key, value in flat.items():
        vals[key] = _check(file, key, value)
    vals["scenario.extends"] = extends
    _check_consistency(file, vals)
    return Scenario(
        name=vals["scenario.name"],
        description=vals["scenario.description"],
        path=file,
        values=vals,
        texts=texts,
    )


def load_scenario(path: str | Path, _seen: tuple[str, ...] = ()) -> Scenario:
    """Load and validate a scenario file."""
    p = Path(path)
    try:
        if p.exists() and not p.is_file():
            raise ScenarioError(str(path), "", "a regular scenario file", "a special file")
        if p.exists() and p.stat().st_size > MAX_FILE_BYTES:
            size = p.stat().st_size
            raise ScenarioError(
                str(path), "", f"a scenario file of at most {MAX_FILE_BYTES:,} bytes", f"{size:,}"
            )
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(str(path), "", "an existing scenario file", "no such file") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            str(path), "", "a readable UTF-8 text file", type(exc).__name__
        ) from None
    return parse_scenario(text, str(path), p.parent, _seen)
