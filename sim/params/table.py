"""The parameter table's data files, read and checked: ``parameters.toml`` (global parameters)
and ``actors.toml`` (per-lab and per-cloud columns, and each lab's and cloud's defaults).

:mod:`sim.params.spec` builds the index enums and tables every other module uses from what
this module returns. A malformed data file raises :class:`~sim.params.errors.ScenarioError`
naming the file, the key, what was expected and what was found.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from ..vocab import FUNDING_NAMES, REGION_NAMES
from .errors import ScenarioError, describe
from .kinds import KINDS, Refused, admit
from .prior import Prior, read_prior

__all__ = [
    "Param",
    "ActorParam",
    "Actors",
    "GLOBALS_FILE",
    "ACTORS_FILE",
    "read_globals",
    "read_actors",
]

GLOBALS_FILE = Path(__file__).with_name("parameters.toml")
ACTORS_FILE = Path(__file__).with_name("actors.toml")

# vocabularies a categorical column may name (``lab``: the labs of actors.toml)
_VOCABULARIES = {"funding": FUNDING_NAMES, "region": REGION_NAMES}
_GLOBAL_FIELDS = {
    *("id", "g", "default", "lo", "hi", "unit", "kind", "choices", "none", "source", "prior")
}
_COLUMN_FIELDS = {"id", "lo", "hi", "unit", "kind", "choices", "none", "doc"}


@dataclass(frozen=True)
class Param:
    """One global parameter: its TOML key, default, unit, admissible range, source and kind
    (``real``, ``integer``, ``bool`` or ``categorical`` with its ``choices``)."""

    key: str
    default: float
    unit: str
    lo: float
    hi: float
    source: str
    kind: str = "real"
    choices: tuple[str, ...] = field(default=())
    prior: Prior | None = None  # uncertain: the calibration fits it (sim/params/prior.py)


class ActorParam(NamedTuple):
    """A per-lab or per-cloud parameter: its key under ``[labs.<name>]`` or ``[clouds.<name>]``,
    unit, admissible range, meaning and kind (defaults per actor are in LAB_DEFAULTS and
    CLOUD_DEFAULTS)."""

    key: str
    unit: str
    lo: float
    hi: float
    doc: str
    kind: str = "real"
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Actors:
    """actors.toml: columns by id in the kernels' order, and every actor's defaults by id."""

    lab_columns: dict[str, ActorParam]
    cloud_columns: dict[str, ActorParam]
    lab_defaults: dict[str, dict[str, float]]
    cloud_defaults: dict[str, dict[str, float]]
    lab_labels: dict[str, str]
    lab_notes: dict[str, str]
    cloud_labels: dict[str, str]
    lab_priors: dict[str, Prior] = field(default_factory=dict)  # by scenario key


class _File:
    """One data file: its parsed TOML and the errors naming it."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        try:
            self.raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError(str(path), "", "valid TOML", f"a syntax error ({exc})") from None
        self.path = str(path)

    def err(self, key: str, expected: str, found: str) -> ScenarioError:
        return ScenarioError(self.path, key, expected, found)

    def table(self, key: str, value: Any) -> dict:
        if not isinstance(value, dict):
            raise self.err(key, "a table", describe(value) if value is not None else "nothing")
        return value

    def text(self, key: str, row: dict, name: str, default: str | None = None) -> str:
        v = row.get(name, default)
        if not isinstance(v, str):
            raise self.err(f"{key}.{name}", "a string", describe(v) if v is not None else "nothing")
        return v

    def number(self, key: str, row: dict, name: str) -> float:
        v = row.get(name)
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise self.err(f"{key}.{name}", "a number", describe(v) if v is not None else "nothing")
        return float(v)


def _kind(f: _File, key: str, row: dict, allowed: set[str], labs: tuple[str, ...]) -> dict:
    """kind, choices, unit, lo and hi of a row: stated for a real or integer parameter,
    following from the kind for a bool or a categorical one."""
    unknown = sorted(set(row) - allowed)
    if unknown:
        raise f.err(f"{key}.{unknown[0]}", f"one of {', '.join(sorted(allowed))}", "an unknown key")
    kind = f.text(key, row, "kind", "real")
    if kind not in KINDS:
        raise f.err(f"{key}.kind", f"one of {', '.join(KINDS)}", describe(kind))
    if kind == "bool":
        unit = f.text(key, row, "unit", "0/1")
        return {"kind": kind, "choices": (), "unit": unit, "lo": 0.0, "hi": 1.0}
    if kind == "categorical":
        vocab = f.text(key, row, "choices")
        names = labs if vocab == "lab" else _VOCABULARIES.get(vocab)
        if names is None:
            known = ", ".join([*_VOCABULARIES, "lab"])
            raise f.err(f"{key}.choices", f"a vocabulary ({known})", describe(vocab))
        none = row.get("none", False)
        if not isinstance(none, bool):
            raise f.err(f"{key}.none", "true or false", describe(none))
        choices = ("none", *names) if none else tuple(names)
        lo = -1.0 if none else 0.0
        codes = "/".join(f"{i} {n}" for i, n in enumerate(names))
        unit = f.text(key, row, "unit", codes)
        return {"kind": kind, "choices": choices, "unit": unit, "lo": lo, "hi": len(names) - 1.0}
    for name in ("choices", "none"):
        if name in row:
            raise f.err(f"{key}.{name}", f"no '{name}' for a {kind} parameter", "one")
    lo, hi = f.number(key, row, "lo"), f.number(key, row, "hi")
    if not lo <= hi:
        raise f.err(f"{key}.hi", f"a number >= lo ({lo:g})", f"{hi:g}")
    return {"kind": kind, "choices": (), "unit": f.text(key, row, "unit"), "lo": lo, "hi": hi}


def _rows(f: _File, table: dict, prefix: str = "") -> dict[str, dict]:
    """Parameter rows by dotted key: every table holding an ``id`` is one."""
    out: dict[str, dict] = {}
    for k, v in table.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and "id" not in v:
            out.update(_rows(f, v, key + "."))
        else:
            out[key] = f.table(key, v)
    return out


def _unique_id(f: _File, key: str, row: dict, seen: set[str]) -> str:
    ident = f.text(key, row, "id")
    if not ident.isidentifier() or ident in seen:
        raise f.err(f"{key}.id", "a new upper-case identifier", describe(ident))
    seen.add(ident)
    return ident


def read_globals(path: Path = GLOBALS_FILE) -> dict[str, Param]:
    """Global parameters by id, in the order of their index ``g`` in the kernels' vector."""
    f = _File(path)
    by_g: dict[int, tuple[str, Param]] = {}
    seen: set[str] = set()
    for key, row in _rows(f, f.raw).items():
        ident = _unique_id(f, key, row, seen)
        g = row.get("g")
        if isinstance(g, bool) or not isinstance(g, int) or g < 0 or g in by_g:
            raise f.err(f"{key}.g", "a new index >= 0 (the next free number)", describe(g))
        spec = _kind(f, key, row, _GLOBAL_FIELDS, ())
        prior = None
        if "prior" in row:
            if spec["kind"] != "real":
                raise f.err(f"{key}.prior", "a prior on a real parameter only", spec["kind"])
            prior = read_prior(f.path, key, row["prior"], spec["lo"], spec["hi"])
        source = f.text(key, row, "source")
        p = Param(key, f.number(key, row, "default"), source=source, prior=prior, **spec)
        _check_default(f, f"{key}.default", p, p.default)
        by_g[g] = (ident, p)
    missing = sorted(set(range(len(by_g))) - set(by_g))
    if missing:
        raise f.err("g", f"indices 0 to {len(by_g) - 1} without gaps", f"no {missing[0]}")
    return dict(by_g[g] for g in range(len(by_g)))


def _check_default(f: _File, key: str, p: Any, value: Any) -> float:
    try:
        return admit(p, value)
    except Refused as exc:
        raise f.err(key, exc.expected, exc.found) from None


def _columns(f: _File, name: str, labs: tuple[str, ...]) -> dict[str, ActorParam]:
    out: dict[str, ActorParam] = {}
    for key, row in f.table(name, f.raw.get(name)).items():
        row = f.table(f"{name}.{key}", row)
        ident = _unique_id(f, f"{name}.{key}", row, set(out))
        spec = _kind(f, f"{name}.{key}", row, _COLUMN_FIELDS, labs)
        out[ident] = ActorParam(key, doc=f.text(f"{name}.{key}", row, "doc"), **spec)
    return out


def _defaults(
    f: _File, table: str, columns: dict[str, ActorParam], extra: tuple[str, ...]
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, str]]]:
    """Each actor's value of every column (by id), and its texts (label, note)."""
    values: dict[str, dict[str, float]] = {}
    texts: dict[str, dict[str, str]] = {}
    by_key = {p.key: ident for ident, p in columns.items()}
    for actor, row in f.table(table, f.raw.get(table)).items():
        where = f"{table}.{actor}"
        row = f.table(where, row)
        texts[actor] = {name: f.text(where, row, name) for name in extra}
        unknown = sorted(set(row) - set(by_key) - set(extra) - {"prior"})
        if unknown:
            columns_table = f"[{table[:-1]}_columns]"
            raise f.err(f"{where}.{unknown[0]}", f"a column of {columns_table}", "an unknown key")
        missing = [k for k in by_key if k not in row]
        if missing:
            raise f.err(f"{where}.{missing[0]}", "a default for every column", "nothing")
        values[actor] = {
            ident: _check_default(f, f"{where}.{key}", columns[ident], row[key])
            for key, ident in by_key.items()
        }
    return values, texts


def read_actors(path: Path = ACTORS_FILE) -> Actors:
    """Lab and cloud columns (in the kernels' order) and every lab's and cloud's defaults."""
    f = _File(path)
    labs = tuple(f.table("labs", f.raw.get("labs")))
    lab_columns = _columns(f, "lab_columns", labs)
    cloud_columns = _columns(f, "cloud_columns", labs)
    lab_defaults, lab_texts = _defaults(f, "labs", lab_columns, ("label", "note"))
    cloud_defaults, cloud_texts = _defaults(f, "clouds", cloud_columns, ("label",))
    if any("prior" in f.raw["clouds"][c] for c in cloud_defaults):
        raise f.err("clouds.*.prior", "priors on labs' columns only", "one on a cloud")
    return Actors(
        lab_columns=lab_columns,
        cloud_columns=cloud_columns,
        lab_defaults=lab_defaults,
        cloud_defaults=cloud_defaults,
        lab_labels={k: t["label"] for k, t in lab_texts.items()},
        lab_notes={k: t["note"] for k, t in lab_texts.items()},
        cloud_labels={k: t["label"] for k, t in cloud_texts.items()},
        lab_priors=_lab_priors(f, lab_columns),
    )


def _lab_priors(f: _File, columns: dict[str, ActorParam]) -> dict[str, Prior]:
    """``labs.<lab>.prior.<column>`` rows as priors by scenario key; ``also`` names labs whose
    column takes the same value."""
    by_key = {p.key: p for p in columns.values()}
    labs = tuple(f.raw["labs"])
    out: dict[str, Prior] = {}
    for lab in labs:
        table = f.raw["labs"][lab].get("prior", {})
        for column, raw in f.table(f"labs.{lab}.prior", table).items():
            key = f"labs.{lab}.{column}"
            spec = by_key.get(column)
            if spec is None or spec.kind != "real":
                raise f.err(f"labs.{lab}.prior.{column}", "a real column of [lab_columns]", column)
            prior = read_prior(f.path, key, raw, spec.lo, spec.hi)
            bad = [a for a in prior.also if a not in labs or a == lab]
            if bad:
                raise f.err(f"{key}.prior.also", "names of other labs", describe(bad[0]))
            out[key] = replace(prior, also=tuple(f"labs.{a}.{column}" for a in prior.also))
    return out
