"""Sweep specs: validation errors name file, key, expected and found; samples are SALib's and
reproducible; every shipped spec loads; bool and categorical parameters take discrete values,
drawn equally often, never a range."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from experiments.sweep.spec import SpecError, load_spec, parse_spec

from .sweep_util import PARAMETERS, spec_text, write_spec

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        (spec_text(sampler="grid"), "sweep.sampler", "one of full_factorial"),
        (spec_text(points=0), "sweep.points", "an integer >= 1"),
        (spec_text(sampler="sobol", points=12), "sweep.points", "a power of 2"),
        (spec_text(replications=-1), "sweep.replications", "an integer >= 1"),
        (spec_text(extra="colour = 1"), "sweep.colour", "one of"),
        (spec_text(extra="levels = 4"), "sweep.levels", "morris"),
        (spec_text(extra="second_order = true"), "sweep.second_order", "sobol option"),
        (
            spec_text(parameters='"drivers.ecosystem.strenght" = { range = [0, 1] }\n'),
            "parameters.drivers.ecosystem.strenght",
            "a numeric scenario parameter",
        ),
        (
            spec_text(parameters='"drivers.ecosystem.strength" = { range = [2, 1] }\n'),
            "parameters.drivers.ecosystem.strength.range",
            "low < high",
        ),
        (
            spec_text(parameters='"drivers.ecosystem.strength" = { range = [0, 1e9] }\n'),
            "parameters.drivers.ecosystem.strength.range",
            "a number in",
        ),
        (
            spec_text(parameters='"drivers.ecosystem.strength" = { range = [0, "x"] }\n'),
            "parameters.drivers.ecosystem.strength.range",
            "a number",
        ),
        (
            spec_text(
                parameters='"drivers.ecosystem.strength" = '
                '{ range = [0, 2], distribution = "normal", mean = 1 }\n'
            ),
            "parameters.drivers.ecosystem.strength.sd",
            "a number",
        ),
        (
            spec_text(
                sampler="morris",
                parameters='"drivers.ecosystem.strength" = '
                '{ range = [0, 2], distribution = "triangular", mode = 1 }\n',
            ),
            "parameters.drivers.ecosystem.strength.distribution",
            "uniform with the morris sampler",
        ),
        (spec_text(parameters=""), "parameters", "at least one parameter"),
        (spec_text().replace("[set.run]", "[set.run]\nseed = 3"), "set.run.seed", "no run"),
        (spec_text(enterprises=1), "set.run.enterprises", "an integer >= 10"),
        (spec_text().replace('scenario = "', 'scenario = "missing/'), "sweep.scenario", "an "),
        ("[sweep\n", "", "valid TOML"),
    ],
)
def test_bad_spec_names_file_key_expected_found(text: str, key: str, expected: str) -> None:
    with pytest.raises(SpecError) as info:
        parse_spec(text, "bad.toml")
    err = info.value
    assert err.file == "bad.toml"
    assert err.key == key
    assert expected in err.expected
    assert err.found
    assert str(err).startswith("bad.toml")


def test_missing_file_is_a_spec_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="no such file"):
        load_spec(tmp_path / "none.toml")


@pytest.mark.parametrize(
    ("sampler", "points", "n", "extra"),
    [
        ("latin", 12, 12, ""),
        ("sobol", 8, 8 * 5, ""),
        ("sobol", 8, 8 * 8, "second_order = true"),
        ("morris", 4, 4 * 4, ""),
        ("full_factorial", 3, 27, ""),
    ],
)
def test_sample_sizes_bounds_and_reproducible(
    tmp_path: Path, sampler: str, points: int, n: int, extra: str
) -> None:
    path = write_spec(tmp_path, sampler=sampler, points=points, extra=extra)
    a, b = load_spec(path), load_spec(path)
    assert a.sample.shape == (n, 3)
    assert np.array_equal(a.sample, b.sample)
    assert a.hash == b.hash
    for j, p in enumerate(a.parameters):
        assert np.all(a.sample[:, j] >= p.lo) and np.all(a.sample[:, j] <= p.hi)
    other = load_spec(
        write_spec(tmp_path, "o.toml", sampler=sampler, points=points, seed=6, extra=extra)
    )
    if sampler != "full_factorial":
        assert not np.array_equal(a.sample, other.sample)


def test_point_scenario_applies_values_and_fixed_overrides(tmp_path: Path) -> None:
    spec = load_spec(write_spec(tmp_path))
    scen = spec.point_scenario(3)
    for j, key in enumerate(spec.keys):
        assert scen.values[key] == spec.sample[3, j]
    assert scen.n_enterprises == 200 and scen.runs == spec.replications
    assert scen.seed == spec.seed  # common random numbers by default


def test_independent_streams_derive_point_seeds_from_spec_seed(tmp_path: Path) -> None:
    path = write_spec(tmp_path, extra="common_random_numbers = false")
    spec = load_spec(path)
    seeds = [spec.point_seed(i) for i in range(spec.n_points)]
    assert len(set(seeds)) == spec.n_points
    assert seeds == [load_spec(path).point_seed(i) for i in range(spec.n_points)]


def test_distributions_shape_the_sample(tmp_path: Path) -> None:
    params = (
        '"drivers.ecosystem.strength" = { range = [0.0, 2.0], distribution = "normal", '
        "mean = 0.5, sd = 0.1 }\n" + PARAMETERS.splitlines()[0] + "\n"
    )
    spec = load_spec(write_spec(tmp_path, points=200, parameters=params))
    col = spec.sample[:, spec.keys.index("drivers.ecosystem.strength")]
    assert abs(np.median(col) - 0.5) < 0.05 and col.max() < 1.2


@pytest.mark.parametrize("name", ["smoke.toml", "drivers.toml"])
def test_shipped_specs_load(name: str) -> None:
    spec = load_spec(ROOT / "experiments" / "sweeps" / name)
    assert spec.n_runs > 0 and spec.parameters


_DISCRETE = (
    '"labs.meta.open" = { values = [true, false] }\n'
    '"labs.mistral.funding" = { values = ["venture", "cloud", "sponsor"] }\n'
    '"drivers.ecosystem.strength" = { range = [0.0, 2.0] }\n'
)


@pytest.mark.parametrize(("sampler", "points", "n"), [("latin", 12, 12), ("sobol", 8, 40)])
def test_sweep_discrete_values_are_drawn_equally_and_reproducibly(sampler, points, n):
    spec = parse_spec(spec_text(sampler=sampler, points=points, parameters=_DISCRETE), "s.toml")
    again = parse_spec(spec_text(sampler=sampler, points=points, parameters=_DISCRETE), "s.toml")
    assert spec.n_points == n and np.array_equal(spec.sample, again.sample)
    opened, opened_count = np.unique(spec.sample[:, 0], return_counts=True)
    funding, funding_count = np.unique(spec.sample[:, 1], return_counts=True)
    assert list(opened) == [0.0, 1.0] and list(funding) == [0.0, 1.0, 2.0]
    if sampler == "latin":  # a Latin hypercube takes each value exactly equally often
        assert list(opened_count) == [6, 6] and list(funding_count) == [4, 4, 4]
    assert (spec.sample[:, 2] % 1 != 0).any()  # the continuous one keeps its fractions
    sc = spec.point_scenario(0)
    assert sc.values["labs.mistral.funding"] == spec.sample[0, 1]
    assert spec.problem()["bounds"][:2] == [[0.0, 1.0], [0.0, 2.0]]


def test_sweep_full_factorial_takes_every_listed_value():
    spec = parse_spec(spec_text(sampler="full_factorial", points=3, parameters=_DISCRETE), "s")
    assert spec.n_points == 2 * 3 * 3
    assert {tuple(r) for r in spec.sample[:, :2]} == {(o, f) for o in (1, 0) for f in (0, 1, 2)}


@pytest.mark.parametrize(
    ("parameters", "sampler", "key", "expected"),
    [
        ('"labs.meta.open" = { range = [0, 1] }\n', "latin", "open.range", "values = [true, "),
        ('"labs.meta.funding" = { range = [0, 2] }\n', "latin", "funding.range", "discrete"),
        ('"clouds.aws.partner_lab" = {}\n', "latin", "partner_lab.range", "discrete values"),
        ('"labs.meta.open" = { values = [0.5, 1] }\n', "latin", "open.values", "true or false"),
        ('"labs.meta.funding" = { values = ["x", "cloud"] }\n', "latin", "values", "one of"),
        ('"labs.meta.open" = { values = [true] }\n', "latin", "open.values", "at least two"),
        ('"labs.meta.open" = { values = [true, 1] }\n', "latin", "open.values", "distinct"),
        (
            '"labs.meta.open" = { values = [true, false], range = [0, 1] }\n',
            "latin",
            "open.range",
            "no range",
        ),
        ('"labs.meta.open" = { values = [true, false] }\n', "morris", "open.values", "morris"),
    ],
)
def test_sweep_refuses_a_range_over_a_discrete_parameter(parameters, sampler, key, expected):
    with pytest.raises(SpecError) as info:
        parse_spec(spec_text(sampler=sampler, points=4, parameters=parameters), "bad.toml")
    assert info.value.file == "bad.toml" and info.value.key.endswith(key), info.value
    assert expected in info.value.expected
