"""The parameter table's data files (sim/params/parameters.toml, actors.toml) read back into
exactly what sim.params.spec exposes, the kernels' index order kept, and a malformed data file
reported as one line naming the file and the key."""

from __future__ import annotations

import tomllib

import pytest

from sim.params.errors import ScenarioError
from sim.params.spec import (
    CLOUD_DEFAULTS,
    CLOUD_LABELS,
    CLOUD_NAMES,
    CLOUD_PARAMS,
    GLOBAL_PARAMS,
    LAB_DEFAULTS,
    LAB_LABELS,
    LAB_NAMES,
    LAB_NOTES,
    LAB_PARAMS,
    C,
    G,
    L,
)
from sim.params.table import ACTORS_FILE, GLOBALS_FILE, read_actors, read_globals
from sim.vocab import FUNDING_NAMES, REGION_NAMES

# the kernels' index order when the table moved into data files: compiled kernels are cached
# with these numbers baked in, so existing names keep their places (new ones are appended)
G_BEFORE = """
DEMAND_GROWTH_START PRICE_ELASTICITY DEMAND_GROWTH_END DEMAND_GROWTH_DECAY POTENTIAL_SPEND
ADOPTED0 BASS_P BASS_Q SIZE_SIGMA MEDIAN_TOKENS LARGE_FACTOR LARGE_SHARE SENSITIVE_SHARE
TOLERANCE_MEDIAN TOLERANCE_SIGMA REVIEW_MONTHS COST_WEIGHT QUALITY_WEIGHT NEST_LAMBDA
INERTIA MLOPS_STAFF SELFHOST_SECURITY GPU_MONTH SKILL_DISCOUNT HYBRID_FIXED
HYBRID_LARGE_BONUS SELFHOST_OVERHEAD PRIVACY_CLOSED PRIVACY_MANAGED ONPREM_SHARE
FINETUNE_MONTHS DEV_REVIEW_MONTHS DEV_QUALITY_WEIGHT DEV_OPEN_TASTE_SIGMA DEV_INERTIA
DEV_OPEN_BONUS DEV_NETWORK DEV_OPEN_SHARE0 DEV_SHARED_TOOLING PLAT_TOKEN_RATIO
PLAT_COST_WEIGHT PLAT_QUALITY_WEIGHT PLAT_TOLERANCE_MEDIAN PLAT_TOLERANCE_SIGMA
PLAT_TRUST_WEIGHT PLAT_ECO_WEIGHT PLAT_SWITCH_MONTHS WORKLOAD_FRONTIER_START
WORKLOAD_FRONTIER_END WORKLOAD_SHIFT_START WORKLOAD_SHIFT_END WORKLOAD_FRONTIER_TOLERANCE
ALGO_OOM_PER_YEAR INFER_OOM_PER_YEAR HW_OOM_PER_YEAR HW_STEP_MONTHS FLEET_RENEWAL
FLOP_PER_USD0 SERVE_COST0 SERVE_COST_EXP CAP_REF FRONTIER_OOM_PER_MONTH RELEASE_JITTER
ECOSYSTEM_STRENGTH ECOSYSTEM_TALENT_OOM ECOSYSTEM_ENTERPRISE PRESSURE_STRENGTH
PRESSURE_PREMIUM_PER_MONTH PRESSURE_REVIEW_LAG PRESSURE_MARGIN MONETIZATION_STRENGTH
REGULATORY_STRENGTH REGULATORY_COMPLIANCE REGULATORY_LENIENCE FEEDBACK_STRENGTH FEEDBACK_OOM
FRONTIER_SPEND0 FRONTIER_COST_GROWTH SPONSOR_GROWTH LIABILITY_STRENGTH INCIDENT_RATE
INCIDENT_PRESSURE PRESSURE_HALF_LIFE LIABILITY_HAZARD LIABILITY_THRESHOLD
LIABILITY_RELEASE_COST LIABILITY_USER_PENALTY EU_PHASE_PRIVACY SUSTAIN_STRENGTH
RUNWAY_TRIGGER FUNDING_BASE_PROB FUNDING_GROWTH_WEIGHT FORCE_CLOSE_PROB ACQUISITION_PROB
GEOPOLITICS_STRENGTH EXPORT_CONTROL_HAZARD EXPORT_CONTROL_STEP FOREIGN_TRUST_PENALTY
ENABLERS_STRENGTH ENABLERS_COST_DECLINE ENABLERS_MATURITY_MONTHS CLOUD_MARKUP_BASE
CLOUD_MARKUP_MIN CLOUD_PUSH CLOUD_RESALE_CUT OPEN_LINE_OOM OPEN_LINE_COST LICENSE_NOISE
CLASS_WINDOW CLASS_PERSISTENCE CLASS_GAP_WIDENS CLASS_NEW_OPEN CLASS_SELFHOST CLASS_HHI
MARKUP_MIN MARKUP_MAX MARKUP_ADJUST PRICE_CUT_EVENT SMALL_TIER_MONTHS PRICE_REVIEW_MONTHS
REGION_EU REGION_CN REGION_ROW OPEN_FRICTION MANAGED_FIXED LICENSE_INERTIA CATCHUP DIFFUSION
CATCHUP_MAX EU_SOVEREIGNTY
""".split()

L_BEFORE = """
OPEN0 SELLS_API BIGTECH CAP0 FIRST_FLOP FIRST_RELEASE CYCLE AMBITION FUNDING CASH0 OPEX
MARKUP0 TALENT HOME VALUATION_MULT ENTERPRISE_APPEAL SPONSOR_CAP OPEN_COMMITMENT
COMPLEMENT_REVENUE COMPLEMENT_VALUE CLOUD_PULLTHROUGH OPEN_CORE_RATE HOSTING_REVSHARE
SERVE_EFF RETREAT_RATIO
""".split()

C_BEFORE = """
SHARE_NA SHARE_EU SHARE_CN SHARE_ROW PARTNER PUSH
""".split()


def _rows(table: dict, prefix: str = "") -> dict[str, dict]:
    out = {}
    for k, v in table.items():
        if "id" in v:
            out[f"{prefix}{k}"] = v
        else:
            out.update(_rows(v, f"{prefix}{k}."))
    return out


def test_index_order_never_moves():
    assert [m.name for m in G][: len(G_BEFORE)] == G_BEFORE
    assert [m.name for m in L][: len(L_BEFORE)] == L_BEFORE
    assert [m.name for m in C][: len(C_BEFORE)] == C_BEFORE
    assert [int(m) for m in G] == list(range(len(G)))


def test_globals_round_trip():
    rows = _rows(tomllib.loads(GLOBALS_FILE.read_text()))
    assert len(rows) == len(GLOBAL_PARAMS)
    for key, row in rows.items():
        g = G[row["id"]]
        assert int(g) == row["g"], key
        p = GLOBAL_PARAMS[g]
        assert (p.key, p.default, p.lo, p.hi, p.unit, p.source) == (
            key,
            row["default"],
            row["lo"],
            row["hi"],
            row["unit"],
            row["source"],
        )
        assert p.kind == row.get("kind", "real") and p.lo <= p.default <= p.hi


def test_actors_round_trip():
    raw = tomllib.loads(ACTORS_FILE.read_text())
    assert LAB_NAMES == tuple(raw["labs"]) and CLOUD_NAMES == tuple(raw["clouds"])
    assert [m.name for m in L] == [r["id"] for r in raw["lab_columns"].values()]
    assert [m.name for m in C] == [r["id"] for r in raw["cloud_columns"].values()]
    vocab = {"funding": FUNDING_NAMES, "region": REGION_NAMES, "lab": LAB_NAMES}
    for table, params, enum, defaults in (
        ("lab", LAB_PARAMS, L, LAB_DEFAULTS),
        ("cloud", CLOUD_PARAMS, C, CLOUD_DEFAULTS),
    ):
        for key, row in raw[f"{table}_columns"].items():
            p = params[enum[row["id"]]]
            assert p.key == key and p.doc == row["doc"] and p.kind == row.get("kind", "real")
            if p.kind == "real":
                assert (p.lo, p.hi, p.unit) == (row["lo"], row["hi"], row["unit"])
            for actor, values in raw[f"{table}s"].items():
                written, stored = values[key], defaults[actor][enum[row["id"]]]
                if p.kind == "bool":
                    assert stored == float(written) and isinstance(written, bool)
                elif p.kind == "categorical":
                    names = vocab[row["choices"]]
                    want = names.index(written) if written in names else -1
                    assert stored == want and (want >= 0 or row.get("none")), (actor, key)
                else:
                    assert stored == written
    assert LAB_LABELS == {k: v["label"] for k, v in raw["labs"].items()}
    assert LAB_NOTES == {k: v["note"] for k, v in raw["labs"].items()}
    assert CLOUD_LABELS == {k: v["label"] for k, v in raw["clouds"].items()}
    assert LAB_PARAMS[L.FUNDING].unit == "0 sponsor/1 venture/2 cloud"
    assert (CLOUD_PARAMS[C.PARTNER].lo, CLOUD_PARAMS[C.PARTNER].hi) == (-1, len(LAB_NAMES) - 1)


@pytest.mark.parametrize(
    ("file", "old", "new", "key", "expected"),
    [
        ("parameters", "g = 1,", "g = 0,", "market.price_elasticity.g", "a new index"),
        # the last index moved up one leaves a gap (derived: new parameters append)
        ("parameters", f"g = {len(G) - 1},", f"g = {len(G)},", "g", "without gaps"),
        ("parameters", "default = 6.0,", "default = 600.0,", "demand_growth_start.default", "in"),
        ("parameters", "default = 6.0,", "default = 6.0, kind = 'int',", "start.kind", "one of"),
        ("actors", 'choices = "funding"', 'choices = "money"', "funding.choices", "vocabulary"),
        ("actors", 'funding = "sponsor"', 'funding = "angel"', "labs.meta.funding", "one of"),
        ("actors", "open = true", "open = 0.5", "labs.meta.open", "true or false"),
        ("actors", "push = 0.0\n", "", "clouds.aws.push", "a default for every column"),
    ],
)
def test_malformed_data_file_names_file_and_key(tmp_path, file, old, new, key, expected):
    src = GLOBALS_FILE if file == "parameters" else ACTORS_FILE
    text = src.read_text()
    assert old in text
    path = tmp_path / src.name
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ScenarioError) as info:
        (read_globals if file == "parameters" else read_actors)(path)
    assert info.value.file == str(path) and info.value.key.endswith(key), info.value
    assert expected in info.value.expected
