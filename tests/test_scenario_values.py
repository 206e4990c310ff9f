"""Every scenario variant moves each value it sets the way its header says, on the correct
side of the baseline's value, read from scenarios/baseline.toml itself: after a
recalibration rewrites the baseline's fitted values, a variant left on the wrong side of a
new value fails here (as cloud_push's markup above the calibrated one did)."""

from __future__ import annotations

import tomllib

import pytest

from sim.params.scenario import load_scenario

from .conftest import BASELINE, ROOT

UP, DOWN = +1, -1

# What each variant's header says it does to each key it sets, relative to the baseline.
DECLARED: dict[str, dict[str, int]] = {
    "cloud_push": {"clouds.push": UP, "clouds.markup_base": DOWN},
    "efficient_finetuning": {
        "counterforces.enablers.strength": UP,
        "counterforces.enablers.cost_decline": UP,
        "enterprises.finetune_months": UP,
    },
    "eu_sovereignty": {"regulation.eu_sovereignty": UP, "regulation.eu_phase_step": UP},
    "export_controls": {
        "counterforces.geopolitics.strength": UP,
        "counterforces.geopolitics.export_control_hazard": UP,
        "counterforces.geopolitics.export_control_step": UP,
    },
    "frontier_cost_explosion": {
        "counterforces.frontier_cost.growth": UP,
        "counterforces.frontier_cost.sponsor_budget_growth": DOWN,
    },
    "meta_retreat": {"labs.meta.retreat_ratio": UP, "labs.meta.open_commitment": DOWN},
    "mistral_funding_crunch": {
        "counterforces.sustainability.funding_base_prob": DOWN,
        "counterforces.sustainability.force_close_prob": UP,
        "labs.mistral.valuation_multiple": DOWN,
    },
    "safety_incident": {
        "counterforces.liability.incident_rate": UP,
        "counterforces.liability.incident_pressure": UP,
        "counterforces.liability.pressure_half_life": UP,
    },
    "strict_liability": {
        "counterforces.liability.strength": UP,
        "counterforces.liability.threshold": DOWN,
        "counterforces.liability.hazard": UP,
    },
}


def _set_keys(path) -> dict[str, object]:
    def flat(table: dict, prefix: str = "") -> dict[str, object]:
        out: dict[str, object] = {}
        for k, v in table.items():
            out.update(flat(v, f"{prefix}{k}.") if isinstance(v, dict) else {f"{prefix}{k}": v})
        return out

    with open(path, "rb") as fh:
        return {k: v for k, v in flat(tomllib.load(fh)).items() if not k.startswith("scenario.")}


VARIANTS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml") if p.stem != "baseline")


def test_every_variant_declares_each_key_it_sets():
    assert set(VARIANTS) == set(DECLARED)
    for name in VARIANTS:
        assert set(_set_keys(ROOT / "scenarios" / f"{name}.toml")) == set(DECLARED[name]), name


@pytest.mark.parametrize("name", VARIANTS)
def test_variant_values_sit_on_the_declared_side_of_the_baseline(name):
    base = load_scenario(BASELINE).values
    variant = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    assert variant.values["scenario.extends"] == "baseline.toml"
    for key, sign in DECLARED[name].items():
        moved = variant.values[key] - base[key]
        word = "above" if sign > 0 else "below"
        assert sign * moved > 0, (
            f"{name}: {key} = {variant.values[key]:g} should be {word} the baseline's "
            f"{base[key]:g}, as the scenario's header says"
        )
