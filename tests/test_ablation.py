"""The ablation: every driver and counter-force section is covered, variants switch the
mechanism off and double it, and the paired table reads the effects."""

from __future__ import annotations

import pytest

from experiments.ablation import HEADLINES, MECHANISMS, ablate, render_ablation
from sim.params.spec import GLOBAL_PARAMS


def test_every_driver_and_counterforce_section_is_ablated():
    sections = {
        p.key.rsplit(".", 1)[0]
        for p in GLOBAL_PARAMS.values()
        if p.key.startswith(("drivers.", "counterforces."))
    }
    assert {m.section for m in MECHANISMS} == sections
    names = {h.name for h in HEADLINES}
    for m in MECHANISMS:
        assert m.argued and all(n in names and s in (-1, 1) for n, s in m.argued), m.section


def test_variants_switch_off_and_double(baseline):
    for m in MECHANISMS:
        off, dbl = m.variant(baseline, 0.0), m.variant(baseline, 2.0)
        if m.section == "counterforces.frontier_cost":
            sponsor = baseline.values["counterforces.frontier_cost.sponsor_budget_growth"]
            growth = baseline.values["counterforces.frontier_cost.growth"]
            assert off.values["counterforces.frontier_cost.growth"] == pytest.approx(sponsor)
            assert dbl.values["counterforces.frontier_cost.growth"] == pytest.approx(
                sponsor * (growth / sponsor) ** 2
            )
        else:
            key = f"{m.section}.strength"
            assert off.values[key] == 0.0
            assert dbl.values[key] == 2.0 * baseline.values[key]


@pytest.mark.slow
def test_ablation_table_reads_paired_effects(small):
    result = ablate(small, 60)
    rows = {r["mechanism"]: r for r in result["rows"]}
    # frontier cost escalating twice as fast: open models fall behind, the gap widens
    # (switched off, the gap in months barely moves: docs/model.md, "What the ablation shows")
    up = rows["counterforces.frontier_cost"]["doubled"]["gap_months"]
    assert up["difference"] > 0 and up["ci_low"] > 0 and up["clear"]
    for r in result["rows"]:
        for v in ("off", "doubled"):
            e = r[v]["open_share"]
            assert e["ci_low"] <= e["difference"] <= e["ci_high"]
    text = render_ablation(result, "uv run aimarket ablate --runs 60")
    assert text.count("| `") >= 2 * len(MECHANISMS) + len(MECHANISMS)
    assert "as argued" in text
