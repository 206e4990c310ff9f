"""Scenarios as the command line takes them: a file, ``--set key=value`` overrides, the
run count and seed flags, and a warning when a file starts from the documented defaults.

A scenario without ``extends`` takes every parameter it does not set from the parameter
table's defaults (sim/params/parameters.toml and actors.toml), not from the calibrated
baseline; that is rarely what a user copying an example wants, so the command line says so.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sim.calendar import START_YEAR
from sim.params.scenario import Scenario, ScenarioError, default_values, load_scenario

__all__ = [
    "horizon_year",
    "horizon_set",
    "parse_set",
    "load_for_cli",
    "defaults_warning",
    "short_run_warning",
    "describe_scenario",
    "overrides_label",
    "load_and_warn",
]

# what a file says of itself: a --set of these is taken as given, not shown as an override
_OWN_TEXT = ("scenario.name", "scenario.description")


def parse_set(text: str) -> tuple[str, object]:
    """``key=value`` with a TOML value (``1.5``, ``true``, ``"meta"``); a bare word is a string."""
    key, sep, raw = text.partition("=")
    key, raw = key.strip(), raw.strip()
    if not sep or not key or not raw:
        raise ScenarioError("--set", text, "key=value, e.g. clouds.push=1.0", repr(text))
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    except ValueError:  # an integer past Python's 4300-digit limit for conversion
        raise ScenarioError("--set", key, "a number of at most 4300 digits", "more") from None
    except RecursionError:
        raise ScenarioError(
            "--set", key, "a value nested at most a few hundred deep", "deeper"
        ) from None
    return key, value


def load_for_cli(
    path: str,
    runs: int | None = None,
    seed: int | None = None,
    sets: list[str] | tuple[str, ...] = (),
) -> Scenario:
    """Load ``path``, then apply ``--set`` overrides and the ``--runs``/``--seed`` flags,
    each validated like a file's keys; errors name the flag and the key. Parameter overrides
    show in the scenario's name, e.g. 'baseline (+ clouds.push=1.0)', so headers, JSON and
    the viewer say what ran."""
    scenario = load_scenario(path)
    shown = []
    for text in sets:
        key, value = parse_set(text)
        if key == "scenario.extends":
            raise ScenarioError(
                "--set",
                key,
                "a parameter (extends is read from a scenario file's [scenario] table)",
                repr(value),
            )
        try:
            scenario = scenario.with_values(**{key.replace(".", "__"): value})
        except ScenarioError as exc:
            raise ScenarioError("--set", exc.key, exc.expected, exc.found) from None
        if key in _OWN_TEXT:
            scenario = replace(scenario, **{key.split(".")[1]: scenario.values[key]})
        else:
            shown.append(text.strip())
    if shown:
        scenario = replace(scenario, name=overrides_label(scenario.name, shown))
    overrides = {}
    if runs is not None:
        overrides["run__runs"] = runs
    if seed is not None:
        overrides["run__seed"] = seed
    return scenario.with_values(**overrides) if overrides else scenario


def load_and_warn(
    path: str, runs: int | None = None, seed: int | None = None, sets: Sequence[str] = ()
) -> Scenario:
    """:func:`load_for_cli`, printing its warnings (defaults, short runs) on stderr."""
    scenario = load_for_cli(path, runs, seed, list(sets))
    for warning in (defaults_warning(scenario), short_run_warning(scenario)):
        if warning:
            print(warning, file=sys.stderr)
    return scenario


def overrides_label(name: str, sets: list[str]) -> str:
    """A scenario's name with its ``--set`` overrides: 'baseline (+ clouds.push=1.0)'."""
    return f"{name} (+ {', '.join(sets)})"


def short_run_warning(scenario: Scenario) -> str | None:
    """A warning when the runs are shorter than the classifier's window (it then classifies
    every month of the run, so end states mean less)."""
    months, window = scenario.months, int(scenario.values["classifier.window_months"])
    if months >= window:
        return None
    return (
        f"warning: {scenario.path}: run.months is {months}, shorter than "
        f"classifier.window_months ({window}): each run is classified on all its {months} "
        f"months, not the last {window}"
    )


def _file_keys(text: str) -> set[str]:
    def flat(table: dict, prefix: str = "") -> set[str]:
        out: set[str] = set()
        for k, v in table.items():
            out |= flat(v, f"{prefix}{k}.") if isinstance(v, dict) else {f"{prefix}{k}"}
        return out

    try:
        return flat(tomllib.loads(text))
    except tomllib.TOMLDecodeError:
        return set()


def defaults_warning(scenario: Scenario) -> str | None:
    """A warning when the scenario has no ``extends`` and leaves parameters to the defaults."""
    if scenario.values.get("scenario.extends"):
        return None
    own = _file_keys(scenario.texts.get(scenario.path, ""))  # parsed once: 340 keys to check
    unset = [k for k in default_values() if not k.startswith("scenario.") and k not in own]
    if not unset:
        return None
    return (
        f"warning: {scenario.path} has no [scenario] extends: the {len(unset)} parameters it "
        f"does not set take the parameter table's documented defaults "
        f"(sim/params/parameters.toml), "
        f'not the calibrated baseline; add extends = "baseline.toml" (a path relative to the '
        f"file's folder) to start from the baseline"
    )


def describe_scenario(path: Path) -> str:
    """One line for the scenario library: file, name and description (or the error)."""
    try:
        sc = load_scenario(path)
    except ScenarioError as exc:
        return f"{path.name:<28} invalid: {exc}"
    return f"{path.name:<28} {sc.description or sc.name}"


def horizon_year(text: str) -> int:
    """``--horizon``: a year whose December a run can end in (run.months from 12 to 600)."""

    try:
        year = int(text)
    except ValueError:
        year = 0
    if not START_YEAR <= year <= START_YEAR + 49:
        raise argparse.ArgumentTypeError(
            f"expected a year from {START_YEAR} to {START_YEAR + 49}, found {text!r}"
        )
    return year


def horizon_set(year: int) -> str:
    """The ``--set`` that runs a scenario to December of ``year``."""
    return f"run.months={12 * (year - START_YEAR + 1)}"
