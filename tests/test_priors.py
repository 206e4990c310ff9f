"""The uncertain parameters' priors: declared on their rows of the parameter table, checked
when it loads, mapping the unit interval onto their ranges, and the calibration's parameter
list derived from them."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.calibration import CAL_PARAMS
from sim.params.errors import ScenarioError
from sim.params.prior import Prior
from sim.params.scenario import default_values
from sim.params.spec import GLOBAL_PARAMS, PRIORS
from sim.params.table import ACTORS_FILE, GLOBALS_FILE, read_actors, read_globals


def test_every_prior_lies_inside_its_parameter_range_and_says_why():
    values = default_values()
    assert len(PRIORS) >= 10
    by_key = {p.key: p for p in GLOBAL_PARAMS.values()}
    for key, prior in PRIORS.items():
        assert prior.why.strip()
        for k in prior.keys:
            assert k in values
        if key in by_key:
            assert by_key[key].lo <= prior.lo < prior.hi <= by_key[key].hi


def test_calibration_parameters_are_the_table_priors():
    assert tuple(p.key for p in CAL_PARAMS) == tuple(PRIORS)
    # OpenAI's and Google's research lead is one value; Anthropic's is fitted on its own
    assert PRIORS["labs.openai.talent_oom"].also == ("labs.google.talent_oom",)
    assert "labs.anthropic.talent_oom" in PRIORS
    assert [p.matches for p in CAL_PARAMS if p.matches] == ["llm_spend_2024"]


@pytest.mark.parametrize(
    "prior",
    [
        Prior("a", "uniform", 1.0, 3.0, "x"),
        Prior("b", "loguniform", 0.01, 100.0, "x"),
        Prior("c", "normal", 0.0, 1.0, "x", mean=0.2, sd=0.3),
    ],
    ids=["uniform", "loguniform", "normal"],
)
def test_ppf_maps_the_unit_interval_onto_the_range_monotonically(prior):
    u = np.linspace(0.0, 1.0, 101)
    x = prior.ppf(u)
    assert x[0] == pytest.approx(prior.lo) and x[-1] == pytest.approx(prior.hi)
    assert np.all(np.diff(x) > 0)
    np.testing.assert_allclose(prior.cdf(x), u, atol=1e-9)


def test_loguniform_median_is_the_geometric_centre():
    p = Prior("b", "loguniform", 0.01, 100.0, "x")
    assert float(p.ppf(0.5)) == pytest.approx(1.0)


def _with_row(tmp_path, section: str, key: str, old: str, new: str, actors: bool = False):
    src = ACTORS_FILE if actors else GLOBALS_FILE
    text = src.read_text()
    assert old in text
    path = tmp_path / src.name
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    "prior,key,expected",
    [
        ('{ dist = "beta", lo = 0.0, hi = 0.9, why = "x" }', "prior.dist", "one of uniform"),
        ('{ dist = "uniform", lo = 0.0, hi = 2.0, why = "x" }', "prior.hi", "admissible range"),
        ('{ dist = "loguniform", lo = 0.0, hi = 0.9, why = "x" }', "prior.lo", "positive"),
        ('{ dist = "normal", lo = 0.0, hi = 0.9, why = "x" }', "prior.mean", "a finite number"),
        ('{ dist = "uniform", lo = 0.0, hi = 0.9 }', "prior.why", "a string"),
        ('{ dist = "uniform", lo = 0.0, hi = 0.9, why = "x", width = 1 }', "prior.width", "one"),
    ],
)
def test_a_malformed_prior_is_one_error_naming_file_and_key(tmp_path, prior, key, expected):
    line = next(ln for ln in GLOBALS_FILE.read_text().splitlines() if ln.startswith("catchup = {"))
    head = line[: line.index(", prior = ")]
    path = _with_row(tmp_path, "technology", "catchup", line, f"{head}, prior = {prior} }}")
    with pytest.raises(ScenarioError) as exc:
        read_globals(path)
    msg = str(exc.value)
    assert "\n" not in msg and str(path) in msg
    assert f"technology.catchup.{key}" in msg and expected in msg


def test_a_lab_prior_must_tie_to_other_labs(tmp_path):
    old = 'also = ["google"]'
    path = _with_row(tmp_path, "labs", "openai", old, 'also = ["nolab"]', actors=True)
    with pytest.raises(ScenarioError, match=r"labs\.openai\.talent_oom\.prior\.also"):
        read_actors(path)
