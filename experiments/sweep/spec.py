"""Sweep specs as data: a TOML file naming the base scenario, the uncertain parameters and the
sampler, validated like a scenario (errors name the file, the key, what was expected and what
was found).

```toml
[sweep]
name = "smoke"
scenario = "../../scenarios/baseline.toml"  # relative to this file
sampler = "latin"        # full_factorial | latin | sobol | morris
points = 8               # see POINTS_MEANING
replications = 4         # runs per point
seed = 7

[set.run]                # fixed overrides of the base scenario
enterprises = 300

[parameters]
"counterforces.liability.strength" = { range = [0.0, 2.0] }
"drivers.ecosystem.strength" = { range = [0.0, 2.0], distribution = "triangular", mode = 1.0 }
"labs.meta.open" = { values = [true, false] }  # discrete: see experiments.sweep.parameter
```

The sample is drawn once by SALib (or, for the full factorial, the grid of evenly spaced
levels) from the spec's seed, so a spec always yields the same points. A parameter with
discrete ``values`` is drawn uniformly on [0, n) and takes value i on [i, i + 1): each value
equally often (exactly so in a Latin hypercube whose points are a multiple of n); the full
factorial takes every listed value as a level; Morris's elementary effects need a continuous
range, so a Morris sweep takes no discrete values.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.params.errors import describe as _describe
from sim.params.scenario import Scenario, ScenarioError, load_scenario

from .parameter import DISTRIBUTIONS, SpecError, SweepParameter, param_tables, parse_parameter

__all__ = [
    "SweepSpec",
    "SweepParameter",
    "SpecError",
    "load_spec",
    "parse_spec",
    "SAMPLERS",
    "DISTRIBUTIONS",
    "POINTS_MEANING",
    "KEEPABLE",
    "parse_keep",
]

SAMPLERS = ("full_factorial", "latin", "sobol", "morris")
POINTS_MEANING = {
    "full_factorial": "levels per parameter (levels ** parameters points)",
    "latin": "points of the Latin hypercube",
    "sobol": "base points N, a power of 2 (N * (D + 2) points, N * (2D + 2) with second_order)",
    "morris": "trajectories N (N * (parameters + 1) points)",
}
_SWEEP_KEYS = {
    "name",
    "description",
    "scenario",
    "sampler",
    "points",
    "replications",
    "seed",
    "chunk",
    "levels",
    "common_random_numbers",
    "second_order",
    "keep",
}
KEEPABLE = ("trajectories", "events")  # per-run tables a sweep may keep besides runs
_MAX_POINTS = 1_000_000


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep: base scenario (with fixed overrides), parameters, sampler, sizes."""

    name: str
    description: str
    path: str
    text: str
    scenario: Scenario
    sampler: str
    points: int
    replications: int
    seed: int
    chunk: int
    levels: int
    common_random_numbers: bool
    parameters: tuple[SweepParameter, ...]
    sample: np.ndarray  # (n_points, n_parameters)
    second_order: bool = False  # sobol: Saltelli's N * (2D + 2) scheme for second-order indices
    keep: tuple[str, ...] = ()  # per-run tables kept besides runs (KEEPABLE), in that order
    # the worlds the replications are drawn from (experiments.worlds.load_ensemble: the
    # worlds file and the base scenario in each world); None: every run at the base's point
    ensemble: Any = None

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.parameters]

    @property
    def n_points(self) -> int:
        return int(self.sample.shape[0])

    @property
    def n_runs(self) -> int:
        return self.n_points * self.replications

    @property
    def hash(self) -> str:
        """SHA-256 of what decides the results: base scenario, sample, sizes and seed."""
        h = hashlib.sha256()
        h.update(self.scenario.hash.encode())
        h.update(repr((self.sampler, self.replications, self.seed, self.keys)).encode())
        h.update(repr((self.common_random_numbers, self.second_order)).encode())
        h.update(np.ascontiguousarray(self.sample).tobytes())
        if self.ensemble is not None:
            h.update(self.ensemble[0].digest.encode())
        return h.hexdigest()

    def problem(self, sampling: bool = False) -> dict[str, Any]:
        """The SALib problem dict (``sampling``: a discrete parameter spans [0, n), the
        draws :meth:`SweepParameter.pick` maps to its values)."""
        bounds, dists = zip(
            *(
                ([0.0, float(len(p.values))], "unif") if sampling and p.values else p.salib_bounds()
                for p in self.parameters
            ),
            strict=True,
        )
        return {
            "num_vars": len(self.parameters),
            "names": self.keys,
            "bounds": [list(b) for b in bounds],
            "dists": list(dists),
        }

    def point_seed(self, point: int) -> int:
        """The scenario seed of a point: the spec's seed with common random numbers (every point
        sees the same replications' streams), else one derived from (seed, point)."""
        if self.common_random_numbers:
            return self.seed
        from sim.rules.rng import run_seed

        return int(run_seed(np.int64(self.seed), np.int64(point))) >> 1

    def point_scenario(self, point: int) -> Scenario:
        """The base scenario with point ``point``'s values and seed, ``replications`` runs."""
        return point_scenario(
            self.scenario, self.keys, self.sample[point], self.point_seed(point), self.replications
        )


def point_scenario(
    base: Scenario, keys: list[str], values: np.ndarray, seed: int, runs: int
) -> Scenario:
    """``base`` with ``keys`` set to ``values``, the given seed and number of runs."""
    over: dict[str, Any] = {
        k.replace(".", "__"): float(v) for k, v in zip(keys, values, strict=True)
    }
    over["run__seed"] = int(seed)
    over["run__runs"] = int(runs)
    return base.with_values(**over)


def _flatten(table: dict, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in table.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


class _Reader:
    def __init__(self, file: str, raw: dict) -> None:
        self.file, self.raw = file, raw

    def err(self, key: str, expected: str, found: str) -> SpecError:
        return SpecError(self.file, key, expected, found)

    def integer(self, table: dict, key: str, lo: int, default: int | None = None) -> int:
        name = f"sweep.{key}"
        if key not in table:
            if default is None:
                raise self.err(name, f"an integer >= {lo}", "nothing (the key is required)")
            return default
        v = table[key]
        if isinstance(v, bool) or not isinstance(v, int) or v < lo or v > 2**62:
            raise self.err(name, f"an integer >= {lo}", _describe(v))
        return int(v)


def _draw(spec: SweepSpec) -> np.ndarray:
    """The sample: SALib's samplers, or the full factorial grid of evenly spaced levels (every
    listed value of a discrete parameter); discrete draws mapped to their values."""
    points, seed, params = spec.points, spec.seed, spec.parameters
    if spec.sampler == "full_factorial":
        axes = [p.values or np.linspace(p.lo, p.hi, points) for p in params]
        return np.array(list(itertools.product(*axes)), dtype=np.float64)
    problem = spec.problem(sampling=True)
    if spec.sampler == "latin":
        from SALib.sample import latin

        sample = latin.sample(problem, points, seed=seed)
    elif spec.sampler == "sobol":
        from SALib.sample import sobol

        sample = sobol.sample(problem, points, calc_second_order=spec.second_order, seed=seed)
    else:
        from SALib.sample import morris

        return morris.sample(problem, points, num_levels=spec.levels, seed=seed)
    for j, p in enumerate(params):
        if p.values:
            sample[:, j] = p.pick(sample[:, j])
    return sample


def parse_spec(text: str, file: str = "<string>", base_dir: Path | None = None) -> SweepSpec:
    """Parse and validate sweep spec TOML text; draw its sample."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(file, "", "valid TOML", f"a syntax error ({exc})") from None
    r = _Reader(file, raw)
    for top in raw:
        if top not in ("sweep", "set", "parameters"):
            raise r.err(top, "one of the tables sweep, set, parameters", "an unknown key")
    sw = raw.get("sweep")
    if not isinstance(sw, dict):
        raise r.err("sweep", "a [sweep] table", _describe(sw) if sw is not None else "nothing")
    unknown = sorted(set(sw) - _SWEEP_KEYS)
    if unknown:
        raise r.err(
            f"sweep.{unknown[0]}", f"one of {', '.join(sorted(_SWEEP_KEYS))}", "an unknown key"
        )
    for key in ("name", "description", "scenario"):
        if key in sw and not isinstance(sw[key], str):
            raise r.err(f"sweep.{key}", "a string", _describe(sw[key]))
    if "scenario" not in sw:
        raise r.err("sweep.scenario", "the base scenario's path", "nothing (the key is required)")
    sampler = sw.get("sampler")
    if sampler not in SAMPLERS:
        raise r.err("sweep.sampler", f"one of {', '.join(SAMPLERS)}", _describe(sampler))
    try:
        points = r.integer(sw, "points", 2 if sampler == "full_factorial" else 1)
    except SpecError as exc:  # say what points means for this sampler
        raise r.err(exc.key, f"{exc.expected}: {POINTS_MEANING[sampler]}", exc.found) from None
    if sampler == "sobol" and points & (points - 1):
        raise r.err("sweep.points", "a power of 2 for the sobol sampler", _describe(points))
    replications = r.integer(sw, "replications", 1)
    seed = r.integer(sw, "seed", 0)
    keep = parse_keep(sw.get("keep", []), file, "sweep.keep")
    levels = r.integer(sw, "levels", 2, default=4)
    if "levels" in sw and sampler != "morris":
        raise r.err("sweep.levels", "no 'levels' (it sets the morris grid)", "one")
    second = sw.get("second_order", False)
    if not isinstance(second, bool):
        raise r.err("sweep.second_order", "true or false", _describe(second))
    if second and sampler != "sobol":
        raise r.err("sweep.second_order", "no 'second_order' (it is a sobol option)", "true")
    crn = sw.get("common_random_numbers", True)
    if not isinstance(crn, bool):
        raise r.err("sweep.common_random_numbers", "true or false", _describe(crn))
    # the base scenario, through the scenario loader, then the fixed overrides
    scen_path = (base_dir or Path(".")) / sw["scenario"]
    try:
        scenario = load_scenario(scen_path)
    except ScenarioError as exc:
        if exc.found == "no such file":
            raise r.err("sweep.scenario", "an existing scenario file", f"'{scen_path}'") from None
        raise
    fixed = raw.get("set", {})
    if not isinstance(fixed, dict):
        raise r.err("set", "a table of scenario keys", _describe(fixed))
    flat = _flatten(fixed)
    for key in ("run.runs", "run.seed"):
        if key in flat:
            raise r.err(
                f"set.{key}", "no run count or seed (sweep.replications, sweep.seed)", "one"
            )
    try:
        if flat:
            scenario = scenario.with_values(**{k.replace(".", "__"): v for k, v in flat.items()})
    except ScenarioError as exc:
        raise r.err(f"set.{exc.key}", exc.expected, exc.found) from None
    tables = raw.get("parameters")
    if not isinstance(tables, dict) or not tables:
        raise r.err("parameters", "a table of at least one parameter", "nothing")
    params = tuple(parse_parameter(file, k, v) for k, v in param_tables(tables).items())
    for p in params:
        if p.values and sampler == "morris":
            raise r.err(
                f"parameters.{p.key}.values",
                "a range with the morris sampler (elementary effects need a continuous range; "
                "use latin, sobol or full_factorial for discrete values)",
                _describe(list(p.values)),
            )
    if sampler in ("full_factorial", "morris"):
        for p in params:
            if p.distribution != "uniform":
                raise r.err(
                    f"parameters.{p.key}.distribution",
                    f"uniform with the {sampler} sampler",
                    _describe(p.distribution),
                )
    n_expected = {
        "full_factorial": math.prod(len(p.values) or points for p in params),
        "latin": points,
        "sobol": points * ((2 if second else 1) * len(params) + 2),
        "morris": points * (len(params) + 1),
    }[sampler]
    if n_expected > _MAX_POINTS:
        raise r.err("sweep.points", f"at most {_MAX_POINTS} points in all", f"{n_expected}")
    # each bound must be admissible for its parameter: validated by the scenario loader
    for p in params:
        for v in p.values or (p.lo, p.hi):
            try:
                scenario.with_values(**{p.key.replace(".", "__"): v})
            except ScenarioError as exc:
                raise r.err(f"parameters.{p.key}.range", exc.expected, _describe(v)) from None
    spec = SweepSpec(
        name=str(sw.get("name", Path(file).stem)),
        description=str(sw.get("description", "")),
        path=file,
        text=text,
        scenario=scenario,
        sampler=sampler,
        points=points,
        replications=replications,
        seed=seed,
        chunk=r.integer(sw, "chunk", 1, default=max(1, 400 // replications)),
        levels=levels,
        common_random_numbers=crn,
        second_order=second,
        parameters=params,
        sample=np.empty((0, len(params))),
        keep=keep,
    )
    spec = _with_sample(spec, _draw(spec))
    # every point must make a valid scenario (e.g. regional shares summing to at most 1)
    for i in range(spec.n_points):
        try:
            spec.point_scenario(i)
        except ScenarioError as exc:
            raise r.err(
                "parameters",
                f"values making a valid scenario at every point ({exc.key}: {exc.expected})",
                f"{exc.found} at point {i}",
            ) from None
    return spec


def parse_keep(value: object, file: str, key: str = "") -> tuple[str, ...]:
    """The tables to keep from a list (spec) or comma-separated text (CLI), in KEEPABLE order;
    a SpecError naming ``file`` and ``key`` otherwise."""
    items = [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else value
    expected = f"a list of {' and '.join(KEEPABLE)}"
    if not isinstance(items, list) or any(i not in KEEPABLE for i in items):
        bad = items if not isinstance(items, list) else [i for i in items if i not in KEEPABLE]
        raise SpecError(file, key, expected, _describe(bad))
    return tuple(k for k in KEEPABLE if k in items)


def _with_sample(spec: SweepSpec, sample: np.ndarray) -> SweepSpec:
    from dataclasses import replace

    return replace(spec, sample=np.ascontiguousarray(sample, dtype=np.float64))


def load_spec(path: str | Path) -> SweepSpec:
    """Load and validate a sweep spec file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(str(path), "", "an existing sweep spec file", "no such file") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise SpecError(str(path), "", "a readable UTF-8 text file", type(exc).__name__) from None
    return parse_spec(text, str(path), p.parent)
