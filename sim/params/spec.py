"""Every model parameter declared once, as data: key, default, unit, bounds and source.

The scenario loader validates TOML against this table, the numba kernels read the values
through the index enums below, and ``docs/model.md`` carries the same table (a test keeps
them in step). Global parameters live in a flat vector indexed by :class:`G`; per-lab and
per-cloud parameters in matrices indexed by (actor, :class:`L`) and (actor, :class:`C`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

__all__ = [
    "G",
    "L",
    "C",
    "Param",
    "GLOBAL_PARAMS",
    "LAB_PARAMS",
    "CLOUD_PARAMS",
    "LAB_NAMES",
    "CLOUD_NAMES",
    "REGION_NAMES",
    "LAB_DEFAULTS",
    "CLOUD_DEFAULTS",
    "RUN_KEYS",
    "LAB_NOTES",
]

REGION_NAMES = ("na", "eu", "cn", "row")
LAB_NAMES = ("meta", "mistral", "alibaba", "openai", "anthropic", "google", "deepseek")
CLOUD_NAMES = ("aws", "azure", "gcp", "alibaba_cloud")

# [run] and [scenario] keys: (key, python type, default, description)
RUN_KEYS = {
    "scenario.name": (str, "unnamed", "short name used in reports"),
    "scenario.description": (str, "", "one paragraph on what the scenario assumes"),
    "scenario.extends": (str, "", "path of a scenario this one overrides (relative to the file)"),
    "run.runs": (int, 1000, "number of Monte Carlo runs in a batch"),
    "run.seed": (int, 20230101, "base seed; run k uses a seed derived from (seed, k)"),
    "run.months": (int, 108, "horizon in months from 2023-01 (108 = through 2031-12)"),
    "run.enterprises": (int, 2000, "individually simulated enterprises"),
    "run.developers": (int, 10000, "individually simulated developers"),
}


@dataclass(frozen=True)
class Param:
    """One parameter: its TOML key, default, unit, admissible range and source."""

    key: str
    default: float
    unit: str
    lo: float
    hi: float
    source: str


class G(IntEnum):
    """Indices of global parameters in the flat parameter vector."""

    # demand and adoption
    DEMAND_GROWTH_START = 0
    DEMAND_GROWTH_END = 1
    DEMAND_GROWTH_DECAY = 2
    POTENTIAL_SPEND = 3
    ADOPTED0 = 4
    BASS_P = 5
    BASS_Q = 6
    # enterprise population
    SIZE_SIGMA = 7
    LARGE_SHARE = 8
    SENSITIVE_SHARE = 9
    TOLERANCE_MEDIAN = 10
    TOLERANCE_SIGMA = 11
    REVIEW_MONTHS = 12
    COST_WEIGHT = 13
    QUALITY_WEIGHT = 14
    NEST_LAMBDA = 15
    INERTIA = 16
    SELFHOST_FIXED = 17
    SKILL_DISCOUNT = 18
    HYBRID_OPEN_SHARE = 19
    HYBRID_FIXED = 20
    HYBRID_LARGE_BONUS = 21
    SELFHOST_OVERHEAD = 22
    PRIVACY_CLOSED = 23
    PRIVACY_MANAGED = 24
    ONPREM_SHARE = 25
    FINETUNE_MONTHS = 26
    # developers
    DEV_REVIEW_MONTHS = 27
    DEV_QUALITY_WEIGHT = 28
    DEV_OPEN_TASTE_SIGMA = 29
    DEV_INERTIA = 30
    DEV_OPEN_BONUS = 31
    DEV_NETWORK = 32
    DEV_OPEN_SHARE0 = 33
    # technology
    ALGO_OOM_PER_YEAR = 34
    INFER_OOM_PER_YEAR = 35
    HW_OOM_PER_YEAR = 36
    HW_STEP_MONTHS = 37
    FLOP_PER_USD0 = 38
    SERVE_COST0 = 39
    SERVE_COST_EXP = 40
    CAP_REF = 41
    FRONTIER_OOM_PER_MONTH = 42
    RELEASE_JITTER = 43
    # driver 1: ecosystem and talent
    ECOSYSTEM_STRENGTH = 44
    ECOSYSTEM_TALENT_OOM = 45
    ECOSYSTEM_ENTERPRISE = 46
    # driver 2: market pressure
    PRESSURE_STRENGTH = 47
    PRESSURE_PREMIUM_PER_MONTH = 48
    PRESSURE_REVIEW_LAG = 49
    # driver 3: indirect monetization
    MONETIZATION_STRENGTH = 50
    META_AD_REVENUE = 51
    META_COMPLEMENT_VALUE = 52
    CLOUD_REVSHARE = 53
    ALIBABA_PULLTHROUGH = 54
    MISTRAL_SLA_RATE = 55
    # driver 4: regulatory positioning
    REGULATORY_STRENGTH = 56
    REGULATORY_EXEMPTION_VALUE = 57
    # driver 5: community feedback
    FEEDBACK_STRENGTH = 58
    FEEDBACK_OOM = 59
    # counter-force: frontier cost escalation
    FRONTIER_SPEND0 = 60
    FRONTIER_COST_GROWTH = 61
    SPONSOR_GROWTH = 62
    # counter-force: liability and safety regulation
    LIABILITY_STRENGTH = 63
    INCIDENT_RATE = 64
    INCIDENT_PRESSURE = 65
    PRESSURE_HALF_LIFE = 66
    LIABILITY_HAZARD = 67
    LIABILITY_THRESHOLD = 68
    LIABILITY_RELEASE_COST = 69
    LIABILITY_USER_PENALTY = 70
    EU_PHASE_PRIVACY = 71
    # counter-force: business-model sustainability
    SUSTAIN_STRENGTH = 72
    RUNWAY_TRIGGER = 73
    FUNDING_BASE_PROB = 74
    FUNDING_GROWTH_WEIGHT = 75
    FORCE_CLOSE_PROB = 76
    ACQUISITION_PROB = 77
    META_RETREAT_RATIO = 78
    # counter-force: geopolitical fragmentation
    GEOPOLITICS_STRENGTH = 79
    EXPORT_CONTROL_HAZARD = 80
    EXPORT_CONTROL_STEP = 81
    FOREIGN_TRUST_PENALTY = 82
    # counter-force/enabler: technical enablers
    ENABLERS_STRENGTH = 83
    ENABLERS_COST_DECLINE = 84
    # clouds
    CLOUD_MARKUP_BASE = 85
    CLOUD_MARKUP_MIN = 86
    CLOUD_PUSH = 87
    CLOUD_RESALE_CUT = 88
    # license decision
    LICENSE_NOISE = 89
    # classifier thresholds
    CLASS_WINDOW = 90
    CLASS_GAP_WIDENS = 91
    CLASS_OPEN_SHARE = 92
    CLASS_BIGTECH_SHARE = 93
    # vendors
    MARKUP_MIN = 94
    MARKUP_MAX = 95
    MARKUP_ADJUST = 96
    PRICE_CUT_EVENT = 97
    PRICE_REVIEW_MONTHS = 98
    REGION_EU = 99
    REGION_CN = 100
    REGION_ROW = 101
    OPEN_FRICTION = 102
    MANAGED_FIXED = 103
    EU_SOVEREIGNTY = 104
    CATCHUP = 105
    LICENSE_INERTIA = 106
    CATCHUP_MAX = 107


class L(IntEnum):
    """Per-lab parameter columns."""

    OPEN0 = 0
    SELLS_API = 1
    OPEN_CORE = 2
    BIGTECH = 3
    CAP0 = 4
    FIRST_FLOP = 5
    FIRST_RELEASE = 6
    CYCLE = 7
    AMBITION = 8
    FUNDING = 9
    CASH0 = 10
    OPEX = 11
    MARKUP0 = 12
    TALENT = 13
    HOME = 14
    VALUATION_MULT = 15
    ENTERPRISE_APPEAL = 16
    SPONSOR_CAP = 17
    OPEN_COMMITMENT = 18


class C(IntEnum):
    """Per-cloud parameter columns."""

    SHARE_NA = 0
    SHARE_EU = 1
    SHARE_CN = 2
    SHARE_ROW = 3
    PARTNER = 4
    PUSH = 5


_P = Param
GLOBAL_PARAMS: dict[G, Param] = {
    G.DEMAND_GROWTH_START: _P(
        "market.demand_growth_start",
        6.0,
        "x per year",
        1.0,
        100.0,
        "token volume per adopting enterprise grew several-fold a year in 2023-2024 (industry "
        "surveys; OpenRouter token volumes); calibrated",
    ),
    G.DEMAND_GROWTH_END: _P(
        "market.demand_growth_end",
        1.5,
        "x per year",
        1.0,
        100.0,
        "assumption: demand growth slows as usage matures",
    ),
    G.DEMAND_GROWTH_DECAY: _P(
        "market.demand_growth_decay_months",
        36.0,
        "months",
        1.0,
        600.0,
        "assumption: e-folding time of the slowdown",
    ),
    G.POTENTIAL_SPEND: _P(
        "market.potential_spend_2023",
        1.0,
        "USD B per month",
        0.001,
        1000.0,
        "spend if every enterprise bought 2023 frontier tokens; scales money flows so 2023 API "
        "spend is about USD 1-2 B a year (Menlo Ventures 2024: USD 3.5 B model-API spend in 2024)",
    ),
    G.ADOPTED0: _P(
        "enterprises.adopted_2023",
        0.2,
        "share",
        0.0,
        1.0,
        "assumption: early adopters in January 2023, two months after ChatGPT",
    ),
    G.BASS_P: _P(
        "enterprises.bass_p",
        0.03,
        "per year",
        0.0,
        1.0,
        "Bass innovation coefficient (Sultan, Farley & Lehmann 1990 mean 0.03)",
    ),
    G.BASS_Q: _P(
        "enterprises.bass_q",
        0.38,
        "per year",
        0.0,
        5.0,
        "Bass imitation coefficient (Sultan, Farley & Lehmann 1990 mean 0.38)",
    ),
    G.SIZE_SIGMA: _P(
        "enterprises.volume_sigma",
        1.5,
        "log-units",
        0.0,
        5.0,
        "assumption: enterprise token demand is lognormal and very skewed",
    ),
    G.LARGE_SHARE: _P(
        "enterprises.large_share",
        0.15,
        "share",
        0.0,
        1.0,
        "assumption: share of large organisations among simulated enterprises",
    ),
    G.SENSITIVE_SHARE: _P(
        "enterprises.sensitive_share",
        0.3,
        "share",
        0.0,
        1.0,
        "assumption: finance, health and public sector handle regulated data (seed 003)",
    ),
    G.TOLERANCE_MEDIAN: _P(
        "enterprises.tolerance_median_months",
        3.0,
        "months",
        0.0,
        120.0,
        "assumption: median enterprise task is served by a model 6 months behind the frontier",
    ),
    G.TOLERANCE_SIGMA: _P(
        "enterprises.tolerance_sigma",
        1.0,
        "log-units",
        0.0,
        5.0,
        "assumption: spread of quality needs across tasks",
    ),
    G.REVIEW_MONTHS: _P(
        "enterprises.review_months",
        12.0,
        "months",
        1.0,
        120.0,
        "assumption: deployments are reviewed about once a year (contract cycles)",
    ),
    G.COST_WEIGHT: _P(
        "enterprises.cost_weight",
        1.5,
        "utility per log-USD",
        0.0,
        20.0,
        "assumption: halving cost is worth ~1 util; calibrated",
    ),
    G.QUALITY_WEIGHT: _P(
        "enterprises.quality_weight",
        0.4,
        "utility per month",
        0.0,
        10.0,
        "assumption: utility lost per month of shortfall below the task's need; fitted in "
        "docs/calibration.md",
    ),
    G.NEST_LAMBDA: _P(
        "enterprises.nest_lambda",
        0.5,
        "1",
        0.05,
        1.0,
        "nested-logit dissimilarity of the open nest (Train 2009, ch. 4)",
    ),
    G.INERTIA: _P(
        "enterprises.inertia",
        1.5,
        "utility",
        0.0,
        20.0,
        "assumption: switching cost and lock-in of the current deployment",
    ),
    G.SELFHOST_FIXED: _P(
        "enterprises.selfhost_fixed_usd",
        20000.0,
        "USD per month",
        0.0,
        1e7,
        "GPUs held in reserve, MLOps staff, monitoring and security (seed 003 TCO list)",
    ),
    G.SKILL_DISCOUNT: _P(
        "enterprises.skill_discount",
        0.8,
        "share",
        0.0,
        1.0,
        "assumption: in-house skill cuts the fixed cost of self-hosting by up to this share",
    ),
    G.HYBRID_OPEN_SHARE: _P(
        "enterprises.hybrid_open_share",
        0.5,
        "share",
        0.0,
        1.0,
        "assumption: a hybrid routes half of its tokens to open models",
    ),
    G.HYBRID_FIXED: _P(
        "enterprises.hybrid_fixed_usd",
        10000.0,
        "USD per month",
        0.0,
        1e7,
        "assumption: coordination cost of running two stacks",
    ),
    G.HYBRID_LARGE_BONUS: _P(
        "enterprises.hybrid_large_bonus",
        1.0,
        "utility",
        0.0,
        20.0,
        "large organisations prefer hybrid for resilience (seeds 001, 003)",
    ),
    G.SELFHOST_OVERHEAD: _P(
        "enterprises.selfhost_overhead",
        1.5,
        "x serving cost",
        1.0,
        10.0,
        "assumption: in-house GPUs run at lower utilisation than a cloud's pooled fleet",
    ),
    G.PRIVACY_CLOSED: _P(
        "enterprises.privacy_closed",
        2.0,
        "utility",
        0.0,
        20.0,
        "regulated data pushes to local deployment (seed 003)",
    ),
    G.PRIVACY_MANAGED: _P(
        "enterprises.privacy_managed",
        0.7,
        "utility",
        0.0,
        20.0,
        "assumption: a managed model in a chosen region is less exposed than a third-party API",
    ),
    G.ONPREM_SHARE: _P(
        "enterprises.onprem_share",
        0.3,
        "share",
        0.0,
        1.0,
        "assumption: share of self-hosters running on their own hardware instead of rented GPUs",
    ),
    G.FINETUNE_MONTHS: _P(
        "enterprises.finetune_months",
        4.0,
        "months",
        0.0,
        60.0,
        "fine-tuning on own data closes task-specific quality gaps (seed 003: >100 samples)",
    ),
    G.DEV_REVIEW_MONTHS: _P(
        "developers.review_months",
        12.0,
        "months",
        1.0,
        120.0,
        "assumption: developers reconsider their main ecosystem about once a year",
    ),
    G.DEV_QUALITY_WEIGHT: _P(
        "developers.quality_weight",
        0.15,
        "utility per month",
        0.0,
        10.0,
        "assumption: developers follow capability, less steeply than enterprises",
    ),
    G.DEV_OPEN_TASTE_SIGMA: _P(
        "developers.open_taste_sigma",
        1.0,
        "utility",
        0.0,
        10.0,
        "assumption: heterogeneity in taste for open tooling",
    ),
    G.DEV_INERTIA: _P(
        "developers.inertia",
        3.0,
        "utility",
        0.0,
        20.0,
        "assumption: invested skills and tools make switching costly",
    ),
    G.DEV_OPEN_BONUS: _P(
        "developers.open_bonus",
        0.5,
        "utility",
        -10.0,
        10.0,
        "freedom to fine-tune and inspect open weights (seeds 001, 004)",
    ),
    G.DEV_NETWORK: _P(
        "developers.network_weight",
        0.5,
        "utility per log-share",
        0.0,
        10.0,
        "network effects of an ecosystem (Arthur 1989; Economides & Katsamakas 2006)",
    ),
    G.DEV_OPEN_SHARE0: _P(
        "developers.open_share_2023",
        0.3,
        "share",
        0.0,
        1.0,
        "assumption: share of developers building mainly on open models in early 2023",
    ),
    G.ALGO_OOM_PER_YEAR: _P(
        "technology.algorithmic_oom_per_year",
        0.376,
        "OOM per year",
        0.0,
        3.0,
        "compute for fixed performance halves every ~8 months (Ho et al. 2024, Epoch AI)",
    ),
    G.INFER_OOM_PER_YEAR: _P(
        "technology.inference_oom_per_year",
        0.5,
        "OOM per year",
        0.0,
        3.0,
        "distillation, quantization and MoE cut serving cost at fixed capability; fitted to the "
        "price decline at fixed capability (a16z 2024: ~10x a year) in docs/calibration.md",
    ),
    G.HW_OOM_PER_YEAR: _P(
        "technology.hardware_oom_per_year",
        0.155,
        "OOM per year",
        0.0,
        2.0,
        "hardware about 30% cheaper a year at equal performance (Stanford AI Index 2025)",
    ),
    G.HW_STEP_MONTHS: _P(
        "technology.hardware_generation_months",
        24.0,
        "months",
        1.0,
        120.0,
        "GPU generations arrive about every two years (H100 2023, B200 2025)",
    ),
    G.FLOP_PER_USD0: _P(
        "technology.flop_per_usd_2023",
        17.3,
        "log10 FLOP per USD",
        10.0,
        25.0,
        "GPT-4: ~2e25 FLOP for ~USD 80 M (Epoch AI; Cottier et al. 2024)",
    ),
    G.SERVE_COST0: _P(
        "technology.serve_cost_2023",
        10.0,
        "USD per M tokens",
        0.001,
        1000.0,
        "assumption: cost to serve a GPT-4-class model in 2023, before markup",
    ),
    G.SERVE_COST_EXP: _P(
        "technology.serve_cost_exponent",
        0.5,
        "OOM cost per OOM capability",
        0.0,
        2.0,
        "serving cost scales with parameters, ~ square root of training compute "
        "(Chinchilla scaling)",
    ),
    G.CAP_REF: _P(
        "technology.capability_ref",
        25.3,
        "log10 effective FLOP",
        20.0,
        30.0,
        "GPT-4 (~2e25 FLOP) anchors the serving cost",
    ),
    G.FRONTIER_OOM_PER_MONTH: _P(
        "technology.frontier_oom_per_month",
        0.09,
        "OOM per month",
        0.001,
        1.0,
        "frontier effective compute grows ~1.1 OOM a year (compute 4-5x plus algorithms); "
        "used to convert capability differences into months when outside the recorded history",
    ),
    G.RELEASE_JITTER: _P(
        "technology.release_jitter",
        0.25,
        "share of cycle",
        0.0,
        1.0,
        "assumption: spread of training-cycle lengths",
    ),
    G.ECOSYSTEM_STRENGTH: _P(
        "drivers.ecosystem.strength",
        1.0,
        "multiplier",
        0.0,
        10.0,
        "driver 1 (seed 000): ecosystem formation, talent inflow, indirect monetization",
    ),
    G.ECOSYSTEM_TALENT_OOM: _P(
        "drivers.ecosystem.talent_oom",
        0.3,
        "OOM at full share",
        0.0,
        3.0,
        "assumption: a lab with every developer gains this much effective capability from talent",
    ),
    G.ECOSYSTEM_ENTERPRISE: _P(
        "drivers.ecosystem.enterprise_weight",
        1.5,
        "utility",
        0.0,
        20.0,
        "assumption: tooling and hiring pool make open deployment easier as open developers grow",
    ),
    G.PRESSURE_STRENGTH: _P(
        "drivers.market_pressure.strength",
        1.0,
        "multiplier",
        0.0,
        10.0,
        "driver 2 (seed 000, seed 002: per-token prices fell 60-80% in a year)",
    ),
    G.PRESSURE_PREMIUM_PER_MONTH: _P(
        "drivers.market_pressure.premium_per_month",
        0.25,
        "log-price per month of lead",
        0.0,
        2.0,
        "assumption: a closed vendor can charge e^(premium x lead months) over open at equal "
        "cost; fitted in docs/calibration.md",
    ),
    G.PRESSURE_REVIEW_LAG: _P(
        "drivers.market_pressure.review_lag_months",
        1.0,
        "months",
        0.0,
        24.0,
        "assumption: vendors re-price within a month of a rival's open release",
    ),
    G.MONETIZATION_STRENGTH: _P(
        "drivers.monetization.strength",
        1.0,
        "multiplier",
        0.0,
        10.0,
        "driver 3 (seed 000): advertising, cloud pull-through, open core",
    ),
    G.META_AD_REVENUE: _P(
        "drivers.monetization.meta_ad_revenue",
        12.5,
        "USD B per month",
        0.0,
        1000.0,
        "Meta ad revenue ~USD 150 B a year (model brief)",
    ),
    G.META_COMPLEMENT_VALUE: _P(
        "drivers.monetization.meta_complement_value",
        0.004,
        "share of ad revenue at full open share",
        0.0,
        1.0,
        "assumption: commoditizing the complement is worth ~0.4% of ad revenue (Spolsky 2002)",
    ),
    G.CLOUD_REVSHARE: _P(
        "drivers.monetization.cloud_revshare",
        0.1,
        "share",
        0.0,
        1.0,
        "Meta's revenue share when clouds host Llama (seed 000); assumption on its size",
    ),
    G.ALIBABA_PULLTHROUGH: _P(
        "drivers.monetization.alibaba_pullthrough",
        0.5,
        "share",
        0.0,
        1.0,
        "assumption: share of Alibaba Cloud open-model revenue reinvested in Qwen training",
    ),
    G.MISTRAL_SLA_RATE: _P(
        "drivers.monetization.mistral_sla_rate",
        0.1,
        "share of token value",
        0.0,
        1.0,
        "open core: paid SLAs and support on its open models (seed 000)",
    ),
    G.REGULATORY_STRENGTH: _P(
        "drivers.regulatory.strength",
        1.0,
        "multiplier",
        0.0,
        10.0,
        "driver 4 (seed 000): open releases are treated more leniently (EU AI Act exemption)",
    ),
    G.REGULATORY_EXEMPTION_VALUE: _P(
        "drivers.regulatory.exemption_value",
        0.3,
        "utility",
        0.0,
        10.0,
        "assumption: value to an open lab of the open-source exemption",
    ),
    G.FEEDBACK_STRENGTH: _P(
        "drivers.feedback.strength",
        1.0,
        "multiplier",
        0.0,
        10.0,
        "driver 5 (seed 000): usage data and community feedback improve the next model",
    ),
    G.FEEDBACK_OOM: _P(
        "drivers.feedback.oom",
        0.3,
        "OOM at full share",
        0.0,
        3.0,
        "assumption: fine-tunes and community QA feed the next release",
    ),
    G.FRONTIER_SPEND0: _P(
        "counterforces.frontier_cost.spend_2023",
        0.01,
        "USD B per month",
        0.0,
        100.0,
        "a 2023 frontier run: ~USD 80 M over ~8 months (Cottier et al. 2024)",
    ),
    G.FRONTIER_COST_GROWTH: _P(
        "counterforces.frontier_cost.growth",
        2.4,
        "x per year",
        1.0,
        20.0,
        "frontier training cost grows ~2.4x a year (Epoch AI, Cottier et al. 2024)",
    ),
    G.SPONSOR_GROWTH: _P(
        "counterforces.frontier_cost.sponsor_budget_growth",
        1.5,
        "x per year",
        1.0,
        20.0,
        "assumption: sponsors' AI training budgets grow with capex (~1.3x a year), "
        "slower than frontier cost",
    ),
    G.LIABILITY_STRENGTH: _P(
        "counterforces.liability.strength",
        1.0,
        "multiplier",
        0.0,
        10.0,
        "safety and liability regulation of open weights (seed 003)",
    ),
    G.INCIDENT_RATE: _P(
        "counterforces.liability.incident_rate",
        0.5,
        "per year at full open share",
        0.0,
        100.0,
        "assumption: rate of publicised misuse of fine-tuned open models",
    ),
    G.INCIDENT_PRESSURE: _P(
        "counterforces.liability.incident_pressure",
        1.0,
        "pressure units",
        0.0,
        100.0,
        "assumption: one incident adds one unit of regulatory pressure",
    ),
    G.PRESSURE_HALF_LIFE: _P(
        "counterforces.liability.pressure_half_life",
        18.0,
        "months",
        1.0,
        600.0,
        "assumption: public attention fades",
    ),
    G.LIABILITY_HAZARD: _P(
        "counterforces.liability.hazard",
        0.05,
        "per month",
        0.0,
        1.0,
        "assumption: monthly chance of strict liability once pressure exceeds the threshold",
    ),
    G.LIABILITY_THRESHOLD: _P(
        "counterforces.liability.threshold",
        1.5,
        "pressure units",
        0.0,
        100.0,
        "assumption: two recent incidents put strict liability on the agenda",
    ),
    G.LIABILITY_RELEASE_COST: _P(
        "counterforces.liability.release_cost",
        2.0,
        "utility",
        0.0,
        100.0,
        "assumption: expected liability of an open release under strict liability",
    ),
    G.LIABILITY_USER_PENALTY: _P(
        "counterforces.liability.user_penalty",
        1.0,
        "utility",
        0.0,
        100.0,
        "assumption: deployers of open weights share the liability",
    ),
    G.EU_PHASE_PRIVACY: _P(
        "regulation.eu_phase_step",
        0.25,
        "multiplier per phase",
        0.0,
        10.0,
        "EU AI Act phases (2024-08 entry into force, 2025-08 GPAI duties, 2026-08 high-risk) "
        "raise data-governance weight in the EU",
    ),
    G.SUSTAIN_STRENGTH: _P(
        "counterforces.sustainability.strength",
        1.0,
        "multiplier",
        0.0,
        10.0,
        "open supply depends on sponsors and investors (seed 003)",
    ),
    G.RUNWAY_TRIGGER: _P(
        "counterforces.sustainability.runway_trigger_months",
        12.0,
        "months",
        0.0,
        120.0,
        "assumption: venture-funded labs raise when 12 months of runway remain",
    ),
    G.FUNDING_BASE_PROB: _P(
        "counterforces.sustainability.funding_base_prob",
        0.7,
        "probability",
        0.0,
        1.0,
        "assumption: a round closes at this probability with flat revenue",
    ),
    G.FUNDING_GROWTH_WEIGHT: _P(
        "counterforces.sustainability.funding_growth_weight",
        1.0,
        "logit per log-growth",
        0.0,
        20.0,
        "investors reward revenue growth (model brief)",
    ),
    G.FORCE_CLOSE_PROB: _P(
        "counterforces.sustainability.force_close_prob",
        0.2,
        "probability",
        0.0,
        1.0,
        "assumption: chance investors make a struggling open lab close its flagship",
    ),
    G.ACQUISITION_PROB: _P(
        "counterforces.sustainability.acquisition_prob",
        0.7,
        "probability",
        0.0,
        1.0,
        "assumption: a lab out of runway is acquired by big tech rather than wound down",
    ),
    G.META_RETREAT_RATIO: _P(
        "counterforces.sustainability.meta_retreat_ratio",
        1.0,
        "ratio",
        0.0,
        100.0,
        "Meta keeps releasing open while strategic value / training cost exceeds this",
    ),
    G.GEOPOLITICS_STRENGTH: _P(
        "counterforces.geopolitics.strength",
        1.0,
        "multiplier",
        0.0,
        10.0,
        "export controls and trust in foreign models (seed 003)",
    ),
    G.EXPORT_CONTROL_HAZARD: _P(
        "counterforces.geopolitics.export_control_hazard",
        0.3,
        "per year",
        0.0,
        12.0,
        "US controls tightened in 2022-10, 2023-10 and 2024-12",
    ),
    G.EXPORT_CONTROL_STEP: _P(
        "counterforces.geopolitics.export_control_step",
        0.1,
        "OOM compute lost",
        0.0,
        3.0,
        "assumption: each tightening costs Chinese labs compute",
    ),
    G.FOREIGN_TRUST_PENALTY: _P(
        "counterforces.geopolitics.foreign_trust_penalty",
        1.5,
        "utility",
        0.0,
        20.0,
        "trust and regulation limit foreign models' share (seed 000 on Qwen)",
    ),
    G.ENABLERS_STRENGTH: _P(
        "counterforces.enablers.strength",
        1.0,
        "multiplier",
        0.0,
        10.0,
        "LoRA/QLoRA, quantization, hubs, open benchmarks make open cheaper to use (seed 003)",
    ),
    G.ENABLERS_COST_DECLINE: _P(
        "counterforces.enablers.cost_decline",
        0.25,
        "share per year",
        0.0,
        0.99,
        "assumption: the fixed cost of self-hosting falls 25% a year with tooling",
    ),
    G.CLOUD_MARKUP_BASE: _P(
        "clouds.markup_base",
        1.6,
        "x serving cost",
        1.0,
        10.0,
        "assumption: managed-model margin of hyperscalers",
    ),
    G.CLOUD_MARKUP_MIN: _P(
        "clouds.markup_min",
        1.15,
        "x serving cost",
        1.0,
        10.0,
        "assumption: floor of managed-model pricing",
    ),
    G.CLOUD_PUSH: _P(
        "clouds.push",
        0.0,
        "utility",
        -10.0,
        10.0,
        "extra appeal of managed open models when clouds push them (marketing, credits)",
    ),
    G.CLOUD_RESALE_CUT: _P(
        "clouds.resale_cut",
        0.2,
        "share",
        0.0,
        1.0,
        "assumption: share of closed-API revenue sold through cloud marketplaces kept by clouds",
    ),
    G.LICENSE_NOISE: _P(
        "labs.license_noise",
        0.5,
        "utility",
        0.01,
        100.0,
        "assumption: scale of idiosyncratic factors in release decisions",
    ),
    G.CLASS_WINDOW: _P(
        "classifier.window_months",
        12.0,
        "months",
        1.0,
        120.0,
        "indicators are averaged over the last year of the horizon",
    ),
    G.CLASS_GAP_WIDENS: _P(
        "classifier.gap_widens_months",
        9.0,
        "months",
        0.0,
        240.0,
        "open weights trailing by 9+ months is 'the gap widened again' (Epoch: ~3.5 avg)",
    ),
    G.CLASS_OPEN_SHARE: _P(
        "classifier.open_share_min",
        0.35,
        "share",
        0.0,
        1.0,
        "open deepening needs open weights to carry at least this share of token volume",
    ),
    G.CLASS_BIGTECH_SHARE: _P(
        "classifier.bigtech_share_max",
        0.9,
        "share",
        0.0,
        1.0,
        "open deepening needs sponsors' control of open usage below this share",
    ),
    G.MARKUP_MIN: _P(
        "vendors.markup_min",
        1.3,
        "x serving cost",
        1.0,
        100.0,
        "assumption: closed vendors do not price below 1.3x serving cost",
    ),
    G.MARKUP_MAX: _P(
        "vendors.markup_max",
        6.0,
        "x serving cost",
        1.0,
        100.0,
        "assumption: unchallenged frontier markup",
    ),
    G.MARKUP_ADJUST: _P(
        "vendors.markup_adjust",
        0.5,
        "share per review",
        0.0,
        1.0,
        "assumption: share of the gap to the target markup closed at each price review",
    ),
    G.PRICE_CUT_EVENT: _P(
        "vendors.price_cut_event",
        0.1,
        "share",
        0.0,
        1.0,
        "a price review that cuts the markup by at least this share is logged as a price cut",
    ),
    G.PRICE_REVIEW_MONTHS: _P(
        "vendors.price_review_months",
        3.0,
        "months",
        1.0,
        60.0,
        "assumption: vendors review prices every quarter",
    ),
    G.REGION_EU: _P(
        "enterprises.share_eu",
        0.25,
        "share",
        0.0,
        1.0,
        "assumption: share of simulated enterprises in Europe (the rest: North America)",
    ),
    G.REGION_CN: _P(
        "enterprises.share_cn",
        0.15,
        "share",
        0.0,
        1.0,
        "assumption: share of simulated enterprises in China",
    ),
    G.REGION_ROW: _P(
        "enterprises.share_row",
        0.20,
        "share",
        0.0,
        1.0,
        "assumption: share of simulated enterprises in the rest of the world",
    ),
    G.OPEN_FRICTION: _P(
        "enterprises.open_friction",
        3.0,
        "utility",
        0.0,
        20.0,
        "evaluation, integration and MLOps effort of open models in 2023, halved by 2027 as "
        "enablers mature (seeds 003, 004); fitted in docs/calibration.md",
    ),
    G.MANAGED_FIXED: _P(
        "enterprises.managed_fixed_usd",
        300.0,
        "USD per month",
        0.0,
        1e7,
        "seed 003 rule of thumb: consider open models above ~USD 300-500 a month of API spend",
    ),
    G.LICENSE_INERTIA: _P(
        "labs.license_inertia",
        1.0,
        "utility",
        0.0,
        20.0,
        "assumption: reversing a licensing stance costs reputation with developers and partners",
    ),
    G.CATCHUP: _P(
        "technology.catchup",
        0.3,
        "share of the gap",
        0.0,
        1.0,
        "followers close part of their gap to the frontier for free through published research "
        "and distillation; fitted to the open-closed gap (Epoch AI) in docs/calibration.md",
    ),
    G.CATCHUP_MAX: _P(
        "technology.catchup_max_oom",
        0.5,
        "OOM",
        0.0,
        5.0,
        "assumption: research and distillation bring a follower at most this close (about 5-6 "
        "months of frontier progress); a lab further behind needs compute of its own",
    ),
    G.EU_SOVEREIGNTY: _P(
        "regulation.eu_sovereignty",
        0.5,
        "utility",
        0.0,
        20.0,
        "EU data-sovereignty preference for European labs (Mistral; seed 000)",
    ),
}

# Per-lab parameter columns: key suffix, unit, bounds, description.
LAB_PARAMS: dict[L, tuple[str, str, float, float, str]] = {
    L.OPEN0: ("open", "0/1", 0, 1, "flagship released with open weights at the start"),
    L.SELLS_API: ("sells_api", "0/1", 0, 1, "offers a paid API to enterprises"),
    L.OPEN_CORE: ("open_core", "0/1", 0, 1, "keeps releasing a smaller open model when closed"),
    L.BIGTECH: ("bigtech", "0/1", 0, 1, "sponsored by a big-tech firm"),
    L.CAP0: (
        "capability_2023",
        "log10 eff. FLOP",
        0,
        32,
        "its best available model in January 2023 (0 = none yet)",
    ),
    L.FIRST_FLOP: (
        "first_release_flop",
        "log10 FLOP",
        18,
        32,
        "training compute of its first model on the calendar",
    ),
    L.FIRST_RELEASE: (
        "first_release_month",
        "months from 2023-01",
        0,
        120,
        "first release on the calendar",
    ),
    L.CYCLE: ("cycle_months", "months", 1, 60, "mean months between flagship releases"),
    L.AMBITION: ("ambition", "share of frontier spend", 0, 10, "desired training spend"),
    L.FUNDING: ("funding", "0 sponsor/1 venture/2 cloud", 0, 2, "how training is paid for"),
    L.CASH0: ("cash_2023", "USD B", 0, 1000, "cash at the start (venture-funded labs)"),
    L.OPEX: ("opex", "USD B per month", 0, 100, "non-training burn"),
    L.MARKUP0: ("markup_2023", "x serving cost", 1, 100, "API markup at the start"),
    L.TALENT: ("talent_oom", "OOM", -3, 3, "capability bonus from research talent"),
    L.HOME: ("home_region", "0 na/1 eu/2 cn/3 row", 0, 3, "home region (trust, sovereignty)"),
    L.VALUATION_MULT: (
        "valuation_multiple",
        "x annual revenue",
        0,
        1000,
        "funding raised per round as a multiple of annualised revenue",
    ),
    L.ENTERPRISE_APPEAL: (
        "enterprise_appeal",
        "utility",
        -10,
        10,
        "brand, distribution and enterprise features beyond capability and price",
    ),
    L.SPONSOR_CAP: (
        "sponsor_budget_2023",
        "USD B per month",
        0,
        1000,
        "training budget a sponsor grants in 2023 (sponsor- and cloud-funded labs)",
    ),
    L.OPEN_COMMITMENT: (
        "open_commitment",
        "utility",
        -10,
        10,
        "standing preference for open releases: mission, identity and brand",
    ),
}

# Defaults per lab, in LAB_NAMES order. Sources in docs/model.md and scenarios/baseline.toml.
LAB_DEFAULTS: dict[str, dict[L, float]] = {
    # Meta: LLaMA-1 65B (Feb 2023) available; Llama 2 70B (Jul 2023, ~8e23 FLOP) first on the
    # calendar; sponsor budget ~USD 0.1 B a month of training in 2023, capped by the ad business.
    "meta": {
        L.OPEN0: 1,
        L.SELLS_API: 0,
        L.OPEN_CORE: 0,
        L.BIGTECH: 1,
        L.CAP0: 23.8,
        L.FIRST_FLOP: 23.9,
        L.FIRST_RELEASE: 6,
        L.CYCLE: 9,
        L.AMBITION: 0.8,
        L.FUNDING: 0,
        L.CASH0: 0,
        L.OPEX: 0,
        L.MARKUP0: 1.3,
        L.TALENT: 0.0,
        L.HOME: 0,
        L.VALUATION_MULT: 0,
        L.ENTERPRISE_APPEAL: 0.3,
        L.SPONSOR_CAP: 0.1,
        L.OPEN_COMMITMENT: 0.5,
    },
    # Mistral: founded 2023-04 with a EUR 105 M seed; Mistral 7B (Sep 2023, ~1e23 FLOP).
    "mistral": {
        L.OPEN0: 1,
        L.SELLS_API: 1,
        L.OPEN_CORE: 1,
        L.BIGTECH: 0,
        L.CAP0: 0,
        L.FIRST_FLOP: 23.0,
        L.FIRST_RELEASE: 8,
        L.CYCLE: 7,
        L.AMBITION: 0.15,
        L.FUNDING: 1,
        L.CASH0: 0.11,
        L.OPEX: 0.004,
        L.MARKUP0: 3.0,
        L.TALENT: 0.2,
        L.HOME: 1,
        L.VALUATION_MULT: 15,
        L.ENTERPRISE_APPEAL: 0.0,
        L.SPONSOR_CAP: 0,
        L.OPEN_COMMITMENT: 1.0,
    },
    # Alibaba: Qwen-7B/14B (Aug-Sep 2023, ~2e23 FLOP); training paid by Alibaba Cloud.
    "alibaba": {
        L.OPEN0: 1,
        L.SELLS_API: 1,
        L.OPEN_CORE: 1,
        L.BIGTECH: 1,
        L.CAP0: 0,
        L.FIRST_FLOP: 23.3,
        L.FIRST_RELEASE: 7,
        L.CYCLE: 6,
        L.AMBITION: 0.4,
        L.FUNDING: 2,
        L.CASH0: 0,
        L.OPEX: 0,
        L.MARKUP0: 2.0,
        L.TALENT: 0.0,
        L.HOME: 2,
        L.VALUATION_MULT: 0,
        L.ENTERPRISE_APPEAL: 0.0,
        L.SPONSOR_CAP: 0.02,
        L.OPEN_COMMITMENT: 0.5,
    },
    # OpenAI: GPT-3.5 available; GPT-4 (Mar 2023, ~2e25 FLOP); USD 10 B from Microsoft (2023-01).
    "openai": {
        L.OPEN0: 0,
        L.SELLS_API: 1,
        L.OPEN_CORE: 0,
        L.BIGTECH: 0,
        L.CAP0: 24.4,
        L.FIRST_FLOP: 25.3,
        L.FIRST_RELEASE: 2,
        L.CYCLE: 9,
        L.AMBITION: 1.0,
        L.FUNDING: 1,
        L.CASH0: 10.0,
        L.OPEX: 0.1,
        L.MARKUP0: 4.0,
        L.TALENT: 0.1,
        L.HOME: 0,
        L.VALUATION_MULT: 25,
        L.ENTERPRISE_APPEAL: 0.5,
        L.SPONSOR_CAP: 0,
        L.OPEN_COMMITMENT: 0.0,
    },
    # Anthropic: Claude 1 (Mar 2023); Claude 2 (Jul 2023); ~USD 1.5 B raised by early 2023.
    "anthropic": {
        L.OPEN0: 0,
        L.SELLS_API: 1,
        L.OPEN_CORE: 0,
        L.BIGTECH: 0,
        L.CAP0: 24.2,
        L.FIRST_FLOP: 24.9,
        L.FIRST_RELEASE: 6,
        L.CYCLE: 8,
        L.AMBITION: 0.8,
        L.FUNDING: 1,
        L.CASH0: 1.5,
        L.OPEX: 0.03,
        L.MARKUP0: 4.0,
        L.TALENT: 0.1,
        L.HOME: 0,
        L.VALUATION_MULT: 25,
        L.ENTERPRISE_APPEAL: 0.3,
        L.SPONSOR_CAP: 0,
        L.OPEN_COMMITMENT: 0.0,
    },
    # Google: PaLM 2 (May 2023), Gemini 1.0 Ultra (Dec 2023, ~5e25 FLOP); funded by Alphabet.
    "google": {
        L.OPEN0: 0,
        L.SELLS_API: 1,
        L.OPEN_CORE: 0,
        L.BIGTECH: 1,
        L.CAP0: 24.3,
        L.FIRST_FLOP: 25.5,
        L.FIRST_RELEASE: 11,
        L.CYCLE: 9,
        L.AMBITION: 1.0,
        L.FUNDING: 0,
        L.CASH0: 0,
        L.OPEX: 0,
        L.MARKUP0: 4.0,
        L.TALENT: 0.0,
        L.HOME: 0,
        L.VALUATION_MULT: 0,
        L.ENTERPRISE_APPEAL: 0.2,
        L.SPONSOR_CAP: 2.0,
        L.OPEN_COMMITMENT: 0.0,
    },
    # DeepSeek: independent, funded by the High-Flyer hedge fund; DeepSeek LLM 67B (Nov 2023,
    # ~8e23 FLOP); known for training efficiency; cheap API on its own open models.
    "deepseek": {
        L.OPEN0: 1,
        L.SELLS_API: 1,
        L.OPEN_CORE: 0,
        L.BIGTECH: 0,
        L.CAP0: 0,
        L.FIRST_FLOP: 23.9,
        L.FIRST_RELEASE: 10,
        L.CYCLE: 7,
        L.AMBITION: 0.3,
        L.FUNDING: 0,
        L.CASH0: 0,
        L.OPEX: 0,
        L.MARKUP0: 1.5,
        L.TALENT: 0.3,
        L.HOME: 2,
        L.VALUATION_MULT: 0,
        L.ENTERPRISE_APPEAL: -0.3,
        L.SPONSOR_CAP: 0.03,
        L.OPEN_COMMITMENT: 2.0,
    },
}

LAB_NOTES = {
    "meta": "LLaMA-1 65B (Feb 2023) available; Llama 2 70B (Jul 2023, ~8e23 FLOP) first on the "
    "calendar; no paid API; training paid by the ad business (sponsor budget).",
    "mistral": "Founded 2023-04 with a EUR 105 M seed; Mistral 7B (Sep 2023, ~1e23 FLOP); open "
    "core: small models Apache-2.0, large models paid.",
    "alibaba": "Qwen-7B/14B (Aug-Sep 2023, ~2e23 FLOP); training paid by Alibaba Cloud, which "
    "reinvests open-model revenue (cloud pull-through).",
    "openai": "GPT-3.5 available in Jan 2023; GPT-4 (Mar 2023, ~2e25 FLOP); USD 10 B from "
    "Microsoft in Jan 2023.",
    "anthropic": "Claude 1 (Mar 2023), Claude 2 (Jul 2023); ~USD 1.5 B raised by early 2023.",
    "google": "PaLM 2 (May 2023), Gemini 1.0 Ultra (Dec 2023, ~5e25 FLOP); funded by Alphabet.",
    "deepseek": "Independent lab funded by the High-Flyer hedge fund; DeepSeek LLM 67B (Nov 2023), "
    "V3/R1 (Dec 2024-Jan 2025) near the frontier at low cost; open weights, cheap API.",
}

CLOUD_PARAMS: dict[C, tuple[str, str, float, float, str]] = {
    C.SHARE_NA: ("share_na", "share", 0, 1, "share of North American cloud customers"),
    C.SHARE_EU: ("share_eu", "share", 0, 1, "share of European cloud customers"),
    C.SHARE_CN: ("share_cn", "share", 0, 1, "share of Chinese cloud customers"),
    C.SHARE_ROW: ("share_row", "share", 0, 1, "share of other regions' cloud customers"),
    C.PARTNER: ("partner_lab", "lab index", 0, 6, "lab whose API it resells or funds"),
    C.PUSH: ("push", "utility", -10, 10, "how hard it promotes managed open models"),
}

# Cloud market shares: Synergy Research 2024 (AWS ~31%, Azure ~25%, GCP ~11% worldwide;
# Alibaba ~36% of China), rescaled to the four clouds modelled.
CLOUD_DEFAULTS: dict[str, dict[C, float]] = {
    "aws": {
        C.SHARE_NA: 0.45,
        C.SHARE_EU: 0.42,
        C.SHARE_CN: 0.0,
        C.SHARE_ROW: 0.40,
        C.PARTNER: 4,
        C.PUSH: 0.0,
    },
    "azure": {
        C.SHARE_NA: 0.37,
        C.SHARE_EU: 0.40,
        C.SHARE_CN: 0.0,
        C.SHARE_ROW: 0.33,
        C.PARTNER: 3,
        C.PUSH: 0.0,
    },
    "gcp": {
        C.SHARE_NA: 0.18,
        C.SHARE_EU: 0.18,
        C.SHARE_CN: 0.0,
        C.SHARE_ROW: 0.17,
        C.PARTNER: 5,
        C.PUSH: 0.0,
    },
    "alibaba_cloud": {
        C.SHARE_NA: 0.0,
        C.SHARE_EU: 0.0,
        C.SHARE_CN: 1.0,
        C.SHARE_ROW: 0.10,
        C.PARTNER: 2,
        C.PUSH: 0.0,
    },
}
