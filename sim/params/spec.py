"""Every model parameter declared once, as data: key, default, unit, bounds and source.

The scenario loader validates TOML against these tables, the numba kernels read the values
through index enums generated from them (:data:`G`, :data:`L`, :data:`C`: never numbered by
hand), ``docs/model.md`` and ``scenarios/baseline.toml`` are rendered from them (tests keep
all three in step). Global parameters live in a flat vector indexed by ``G``; per-lab and
per-cloud parameters in matrices indexed by (actor, ``L``) and (actor, ``C``). The labs and
clouds of the model are the entries of :data:`LAB_DEFAULTS` and :data:`CLOUD_DEFAULTS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from ..vocab import FUNDING_NAMES, REGION_NAMES, enum_of

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
    "LAB_LABELS",
    "CLOUD_LABELS",
    "ActorParam",
    "RENAMED_KEYS",
]


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


_P = Param
_GLOBAL: dict[str, Param] = {
    "DEMAND_GROWTH_START": _P(
        "market.demand_growth_start",
        6.0,
        "x per year of frontier progress",
        1.0,
        100.0,
        "token demand per adopting enterprise at constant prices grows this fast while the "
        "frontier advances at its 2023 pace (new tasks become possible); fitted to the growth of "
        "model-API spend in docs/calibration.md",
    ),
    "PRICE_ELASTICITY": _P(
        "market.price_elasticity",
        1.1,
        "1",
        0.0,
        3.0,
        "price elasticity of token demand: -1.11 estimated on OpenRouter from the same open model "
        "priced differently by several hosts (Demirer, Fradkin, Tadelis & Peng 2025, 'The "
        "Emerging Market for Intelligence: Pricing, Supply, and Demand for LLMs', NBER working "
        "paper); applied to the average price paid per token",
    ),
    "DEMAND_GROWTH_END": _P(
        "market.demand_growth_end",
        1.5,
        "x per year",
        1.0,
        100.0,
        "assumption: demand growth slows as usage matures",
    ),
    "DEMAND_GROWTH_DECAY": _P(
        "market.demand_growth_decay_months",
        36.0,
        "months",
        1.0,
        600.0,
        "assumption: e-folding time of the slowdown",
    ),
    "POTENTIAL_SPEND": _P(
        "market.potential_spend_2023",
        1.0,
        "USD B per month",
        0.001,
        1000.0,
        "spend if every enterprise bought 2023 frontier tokens; scales money flows so 2023 API "
        "spend is about USD 1-2 B a year (Menlo Ventures 2024: USD 3.5 B model-API spend in 2024)",
    ),
    "ADOPTED0": _P(
        "enterprises.adopted_2023",
        0.2,
        "share",
        0.0,
        1.0,
        "assumption: early adopters in January 2023, two months after ChatGPT",
    ),
    "BASS_P": _P(
        "enterprises.bass_p",
        0.03,
        "per year",
        0.0,
        1.0,
        "Bass innovation coefficient (Sultan, Farley & Lehmann 1990 mean 0.03)",
    ),
    "BASS_Q": _P(
        "enterprises.bass_q",
        0.38,
        "per year",
        0.0,
        5.0,
        "Bass imitation coefficient (Sultan, Farley & Lehmann 1990 mean 0.38)",
    ),
    "SIZE_SIGMA": _P(
        "enterprises.volume_sigma",
        1.5,
        "log-units",
        0.0,
        5.0,
        "assumption: enterprise token demand is lognormal and very skewed",
    ),
    "MEDIAN_TOKENS": _P(
        "enterprises.median_tokens_2023",
        10.0,
        "M tokens per month",
        0.001,
        1e6,
        "assumption: a median adopting firm's volume in January 2023 (about USD 400 a month at "
        "GPT-4 prices); its USD size sets what self-hosting saves",
    ),
    "LARGE_FACTOR": _P(
        "enterprises.large_factor",
        100.0,
        "x median volume",
        1.0,
        1e4,
        "large organisations' volume over the median firm's: a16z (2024) '16 Changes to the "
        "Way Enterprises Are Building and Buying Generative AI' reports about USD 7 M a year of "
        "model spend per large enterprise in 2023; 100x puts the mean large adopter near "
        "USD 3 M a year",
    ),
    "LARGE_SHARE": _P(
        "enterprises.large_share",
        0.15,
        "share",
        0.0,
        1.0,
        "assumption: share of large organisations among simulated enterprises",
    ),
    "SENSITIVE_SHARE": _P(
        "enterprises.sensitive_share",
        0.3,
        "share",
        0.0,
        1.0,
        "assumption: finance, health and public sector handle regulated data ('The Long View')",
    ),
    "TOLERANCE_MEDIAN": _P(
        "enterprises.tolerance_median_months",
        3.0,
        "months",
        0.0,
        120.0,
        "assumption: median enterprise task is served by a model 3 months behind the frontier",
    ),
    "TOLERANCE_SIGMA": _P(
        "enterprises.tolerance_sigma",
        1.0,
        "log-units",
        0.0,
        5.0,
        "assumption: spread of quality needs across tasks",
    ),
    "REVIEW_MONTHS": _P(
        "enterprises.review_months",
        12.0,
        "months",
        1.0,
        120.0,
        "assumption: deployments are reviewed about once a year (contract cycles)",
    ),
    "COST_WEIGHT": _P(
        "enterprises.cost_weight",
        1.5,
        "utility per log-USD",
        0.0,
        20.0,
        "assumption: halving cost is worth ~1 util; calibrated",
    ),
    "QUALITY_WEIGHT": _P(
        "enterprises.quality_weight",
        0.4,
        "utility per month",
        0.0,
        10.0,
        "assumption: utility lost per month of shortfall below the task's need; fitted in "
        "docs/calibration.md",
    ),
    "NEST_LAMBDA": _P(
        "enterprises.nest_lambda",
        0.5,
        "1",
        0.05,
        1.0,
        "nested-logit dissimilarity of the open nest (Train 2009, ch. 4)",
    ),
    "INERTIA": _P(
        "enterprises.inertia",
        1.5,
        "utility",
        0.0,
        20.0,
        "assumption: switching cost and lock-in of the current deployment",
    ),
    "MLOPS_STAFF": _P(
        "enterprises.mlops_staff_usd",
        30000.0,
        "USD per month",
        0.0,
        1e7,
        "two ML/MLOps engineers at ~USD 180,000 a year loaded cost to run models in-house "
        "('The Long View' TCO list: MLOps staff); in-house skill cuts it (skill_discount)",
    ),
    "SELFHOST_SECURITY": _P(
        "enterprises.selfhost_security_usd",
        5000.0,
        "USD per month",
        0.0,
        1e7,
        "assumption: monitoring, security reviews and compliance tooling of an in-house model "
        "('The Long View' TCO list)",
    ),
    "GPU_MONTH": _P(
        "enterprises.gpu_month_usd",
        2000.0,
        "USD per GPU-month",
        1.0,
        1e6,
        "an H100-class GPU rented at ~USD 2.7 an hour (2024 on-demand and reserved prices of "
        "specialist clouds), power included; self-hosting buys whole GPUs",
    ),
    "SKILL_DISCOUNT": _P(
        "enterprises.skill_discount",
        0.8,
        "share",
        0.0,
        1.0,
        "assumption: in-house skill cuts the fixed cost of self-hosting by up to this share",
    ),
    "HYBRID_FIXED": _P(
        "enterprises.hybrid_fixed_usd",
        10000.0,
        "USD per month",
        0.0,
        1e7,
        "assumption: coordination cost of running two stacks",
    ),
    "HYBRID_LARGE_BONUS": _P(
        "enterprises.hybrid_large_bonus",
        1.0,
        "utility",
        0.0,
        20.0,
        "large organisations prefer hybrid for resilience ('The Great Giveaway'; 'The Long View')",
    ),
    "SELFHOST_OVERHEAD": _P(
        "enterprises.selfhost_overhead",
        1.1,
        "x serving cost",
        1.0,
        10.0,
        "assumption: a steady in-house workload keeps its GPUs busy about 90% as well as a "
        "host's pooled fleet (pooled / in-house utilisation); whole GPUs add the rest",
    ),
    "PRIVACY_CLOSED": _P(
        "enterprises.privacy_closed",
        2.0,
        "utility",
        0.0,
        20.0,
        "regulated data pushes to local deployment ('The Long View')",
    ),
    "PRIVACY_MANAGED": _P(
        "enterprises.privacy_managed",
        0.7,
        "utility",
        0.0,
        20.0,
        "assumption: a managed model in a chosen region is less exposed than a third-party API",
    ),
    "ONPREM_SHARE": _P(
        "enterprises.onprem_share",
        0.3,
        "share",
        0.0,
        1.0,
        "assumption: share of self-hosters running on their own hardware instead of rented GPUs",
    ),
    "FINETUNE_MONTHS": _P(
        "enterprises.finetune_months",
        4.0,
        "months",
        0.0,
        60.0,
        "fine-tuning on own data closes task-specific quality gaps ('The Long View': >100 samples)",
    ),
    "DEV_REVIEW_MONTHS": _P(
        "developers.review_months",
        12.0,
        "months",
        1.0,
        120.0,
        "assumption: developers reconsider their main ecosystem about once a year",
    ),
    "DEV_QUALITY_WEIGHT": _P(
        "developers.quality_weight",
        0.15,
        "utility per month",
        0.0,
        10.0,
        "assumption: developers follow capability, less steeply than enterprises",
    ),
    "DEV_OPEN_TASTE_SIGMA": _P(
        "developers.open_taste_sigma",
        1.0,
        "utility",
        0.0,
        10.0,
        "assumption: heterogeneity in taste for open tooling",
    ),
    "DEV_INERTIA": _P(
        "developers.inertia",
        3.0,
        "utility",
        0.0,
        20.0,
        "assumption: invested skills and tools make switching costly",
    ),
    "DEV_OPEN_BONUS": _P(
        "developers.open_bonus",
        0.5,
        "utility",
        -10.0,
        10.0,
        "freedom to fine-tune and inspect open weights ('The Great Giveaway'; 'Open-source AI' "
        "glossary)",
    ),
    "DEV_NETWORK": _P(
        "developers.network_weight",
        0.5,
        "utility per log-share",
        0.0,
        10.0,
        "network effects of an ecosystem (Arthur 1989; Economides & Katsamakas 2006)",
    ),
    "DEV_OPEN_SHARE0": _P(
        "developers.open_share_2023",
        0.3,
        "share",
        0.0,
        1.0,
        "assumption: share of developers building mainly on open models in early 2023",
    ),
    "DEV_SHARED_TOOLING": _P(
        "developers.shared_tooling",
        0.6,
        "share",
        0.0,
        1.0,
        "share of an open ecosystem's network effect and of a developer's invested skills that "
        "belong to tooling every open family shares (vLLM, llama.cpp, Ollama, Hugging Face hub "
        "and fine-tuning libraries support each major family within days of its release), so "
        "moving between open families costs this share less than leaving open weights; "
        "assumption",
    ),
    "PLAT_TOKEN_RATIO": _P(
        "platform.token_ratio",
        0.5,
        "x enterprise tokens",
        0.0,
        100.0,
        "tokens bought by developers and start-ups through APIs, routers and inference hosts, "
        "as a multiple of adopting enterprises' tokens at the same demand; assumption",
    ),
    "PLAT_COST_WEIGHT": _P(
        "platform.cost_weight",
        1.0,
        "utility per log-USD",
        0.0,
        20.0,
        "price sensitivity of platform buyers: routers compare hosts and models per request "
        "and OpenRouter demand answers price (Demirer, Fradkin, Tadelis & Peng 2025); platform "
        "buyers bear no integration effort, fixed cost or review cycle, so price moves them "
        "more than enterprises even at a lower weight; assumption",
    ),
    "PLAT_QUALITY_WEIGHT": _P(
        "platform.quality_weight",
        0.4,
        "utility per month",
        0.0,
        10.0,
        "utility lost per month a model trails the frontier: platform buyers (coding tools, "
        "agents, start-ups' products) chase the frontier; assumption",
    ),
    "PLAT_TOLERANCE_MEDIAN": _P(
        "platform.tolerance_median_months",
        2.0,
        "months",
        0.0,
        60.0,
        "median months behind the frontier a platform task tolerates before quality deters: "
        "coding agents need the frontier while chat, extraction, translation and role-play "
        "apps run on models a year old (OpenRouter and a16z, 'State of AI', December 2025: "
        "role-play and open-ended chat were the largest open-model uses); below enterprises' "
        "3 months because platform buyers chase the frontier; 0 makes every task need it; "
        "assumption",
    ),
    "PLAT_TOLERANCE_SIGMA": _P(
        "platform.tolerance_sigma",
        1.0,
        "log-units",
        0.0,
        5.0,
        "spread of platform tasks' tolerances (lognormal), as enterprises' tasks; 0 gives "
        "every task the median; assumption",
    ),
    "PLAT_TRUST_WEIGHT": _P(
        "platform.trust_weight",
        0.3,
        "share",
        0.0,
        1.0,
        "share of the foreign-trust penalty platform buyers bear: developers building on "
        "weights served by a domestic host are less bound by trust and regulation than "
        "enterprises; assumption",
    ),
    "PLAT_ECO_WEIGHT": _P(
        "platform.ecosystem_weight",
        0.5,
        "utility per log-share",
        0.0,
        10.0,
        "pull of a model's developer ecosystem (tools, tutorials, fine-tunes) on platform "
        "buyers, on the same log-share scale as developers' network effect; assumption",
    ),
    "PLAT_SWITCH_MONTHS": _P(
        "platform.switch_months",
        2.0,
        "months",
        0.1,
        60.0,
        "months for platform usage to move most of the way (1 - 1/e) to a new best offer: "
        "routers switch per request, apps re-evaluate within weeks (DeepSeek-R1 took a large "
        "share of OpenRouter tokens within weeks of January 2025); assumption",
    ),
    "WORKLOAD_FRONTIER_START": _P(
        "workload.frontier_share_start",
        0.11,
        "share of tokens",
        0.0,
        1.0,
        "share of tokens in frontier-bound work (programming and agents) before the shift: "
        "programming was about 11% of OpenRouter's tokens at the start of 2025 (OpenRouter and "
        "a16z, 'State of AI', December 2025); held from 2023, where no figure exists",
    ),
    "WORKLOAD_FRONTIER_END": _P(
        "workload.frontier_share_end",
        0.5,
        "share of tokens",
        0.0,
        1.0,
        "share of tokens in frontier-bound work after the shift: programming passed 50% of "
        "OpenRouter's tokens by late 2025 and reasoning models carried over half of all tokens "
        "(OpenRouter and a16z, 'State of AI', December 2025); code generation was enterprises' "
        "first large use, with Anthropic's models ahead (Menlo Ventures, 2025); held after 2025 "
        "(assumption: the model has no projection of the mix)",
    ),
    "WORKLOAD_SHIFT_START": _P(
        "workload.shift_start_month",
        24.0,
        "months since January 2023",
        0.0,
        600.0,
        "month the shift to frontier-bound work begins: January 2025, as coding agents and "
        "reasoning models spread (OpenRouter and a16z, 'State of AI', December 2025)",
    ),
    "WORKLOAD_SHIFT_END": _P(
        "workload.shift_end_month",
        34.0,
        "months since January 2023",
        0.0,
        600.0,
        "month the shift reaches frontier_share_end (linear in between): November 2025, the "
        "end of the OpenRouter study's year",
    ),
    "WORKLOAD_FRONTIER_TOLERANCE": _P(
        "workload.frontier_tolerance_months",
        0.0,
        "months",
        0.0,
        60.0,
        "months behind the frontier frontier-bound work tolerates: coding and agent work runs "
        "on the newest models (Anthropic's over 60% of OpenRouter's programming tokens; 42% of "
        "enterprise code generation, Menlo Ventures 2025), so any lag costs quality; "
        "assumption",
    ),
    "ALGO_OOM_PER_YEAR": _P(
        "technology.algorithmic_oom_per_year",
        0.376,
        "OOM per year",
        0.0,
        3.0,
        "compute for fixed performance halves every ~8 months (Ho et al. 2024, Epoch AI)",
    ),
    "INFER_OOM_PER_YEAR": _P(
        "technology.inference_oom_per_year",
        0.5,
        "OOM per year",
        0.0,
        3.0,
        "distillation, quantization and MoE cut serving cost at fixed capability; fitted to the "
        "price decline at fixed capability (a16z 2024: ~10x a year) in docs/calibration.md",
    ),
    "HW_OOM_PER_YEAR": _P(
        "technology.hardware_oom_per_year",
        0.155,
        "OOM per year",
        0.0,
        2.0,
        "hardware about 30% cheaper a year at equal performance (Stanford AI Index 2025)",
    ),
    "HW_STEP_MONTHS": _P(
        "technology.hardware_generation_months",
        24.0,
        "months",
        1.0,
        120.0,
        "GPU generations arrive about every two years (H100 2023, B200 2025)",
    ),
    "FLEET_RENEWAL": _P(
        "technology.fleet_renewal_months",
        36.0,
        "months",
        1.0,
        120.0,
        "a GPU generation reaches the serving fleet as it is renewed: hyperscalers depreciate "
        "servers over five to six years and replace accelerators in about three (10-K filings); "
        "assumption: linear phase-in over this many months",
    ),
    "FLOP_PER_USD0": _P(
        "technology.flop_per_usd_2023",
        17.3,
        "log10 FLOP per USD",
        10.0,
        25.0,
        "GPT-4: ~2e25 FLOP for ~USD 80 M (Epoch AI; Cottier et al. 2024)",
    ),
    "SERVE_COST0": _P(
        "technology.serve_cost_2023",
        10.0,
        "USD per M tokens",
        0.001,
        1000.0,
        "assumption: cost to serve a GPT-4-class model in 2023, before markup",
    ),
    "SERVE_COST_EXP": _P(
        "technology.serve_cost_exponent",
        0.5,
        "OOM cost per OOM capability",
        0.0,
        2.0,
        "serving cost scales with parameters, ~ square root of training compute "
        "(Chinchilla scaling)",
    ),
    "CAP_REF": _P(
        "technology.capability_ref",
        25.3,
        "log10 effective FLOP",
        20.0,
        30.0,
        "GPT-4 (~2e25 FLOP) anchors the serving cost",
    ),
    "FRONTIER_OOM_PER_MONTH": _P(
        "technology.frontier_oom_per_month",
        0.09,
        "OOM per month",
        0.001,
        1.0,
        "frontier effective compute grows ~1.1 OOM a year (compute 4-5x plus algorithms); "
        "used to convert capability differences into months when outside the recorded history",
    ),
    "RELEASE_JITTER": _P(
        "technology.release_jitter",
        0.25,
        "share of cycle",
        0.0,
        1.0,
        "assumption: spread of training-cycle lengths",
    ),
    "ECOSYSTEM_STRENGTH": _P(
        "drivers.ecosystem.strength",
        1.0,
        "multiplier",
        0.0,
        10.0,
        "driver 1 (Trensee, 'The Open Source AI Paradox'): ecosystem formation, talent inflow, "
        "indirect monetization",
    ),
    "ECOSYSTEM_TALENT_OOM": _P(
        "drivers.ecosystem.talent_oom",
        0.3,
        "OOM at full share",
        0.0,
        3.0,
        "assumption: a lab with every developer gains this much effective capability from talent",
    ),
    "ECOSYSTEM_ENTERPRISE": _P(
        "drivers.ecosystem.enterprise_weight",
        1.5,
        "utility",
        0.0,
        20.0,
        "assumption: tooling and hiring pool make open deployment easier as open developers grow",
    ),
    "PRESSURE_STRENGTH": _P(
        "drivers.market_pressure.strength",
        1.0,
        "multiplier",
        0.0,
        10.0,
        "driver 2 (Trensee, 'The Open Source AI Paradox', AI Newspaper Today, 'Meta's "
        "Open-Source AI Gambit': per-token prices fell 60-80% in a year)",
    ),
    "PRESSURE_PREMIUM_PER_MONTH": _P(
        "drivers.market_pressure.premium_per_month",
        0.25,
        "log-price per month of lead",
        0.0,
        2.0,
        "assumption: a closed vendor can charge e^(premium x lead months) over open at equal "
        "cost; fitted in docs/calibration.md",
    ),
    "PRESSURE_REVIEW_LAG": _P(
        "drivers.market_pressure.review_lag_months",
        1.0,
        "months",
        0.0,
        24.0,
        "assumption: vendors re-price within a month of a rival's open release",
    ),
    "PRESSURE_MARGIN": _P(
        "drivers.market_pressure.rival_margin_value",
        0.25,
        "USD per USD of rivals' API margin",
        0.0,
        5.0,
        "assumption: what a big-tech lab gains per USD of API margin its open release denies "
        "closed rivals (commoditizing the complement, Spolsky 2002: rivals' margins fund their "
        "race and their entry into its markets)",
    ),
    "MONETIZATION_STRENGTH": _P(
        "drivers.monetization.strength",
        1.0,
        "multiplier",
        0.0,
        10.0,
        "driver 3 (Trensee, 'The Open Source AI Paradox'): advertising, cloud pull-through, open "
        "core",
    ),
    "REGULATORY_STRENGTH": _P(
        "drivers.regulatory.strength",
        1.0,
        "multiplier",
        0.0,
        10.0,
        "driver 4 (Trensee, 'The Open Source AI Paradox'): open releases are treated more "
        "leniently (EU AI Act exemption)",
    ),
    "REGULATORY_COMPLIANCE": _P(
        "drivers.regulatory.compliance_cost",
        0.1,
        "x training bill",
        0.0,
        10.0,
        "assumption: obligations the EU AI Act waives for open releases (technical "
        "documentation for downstream providers, Art. 53(2)) and the lenient treatment the seeds "
        "describe, as a share of the model's training bill",
    ),
    "REGULATORY_LENIENCE": _P(
        "drivers.regulatory.lenience",
        1.0,
        "x threshold per unit open developer share",
        0.0,
        20.0,
        "open-source AI companies 'tend to be treated differently in regulatory discussions' "
        "(Trensee, 'The Open Source AI Paradox'): the pressure regulators need before strict "
        "liability rises by this multiple of the open developer share; assumption",
    ),
    "FEEDBACK_STRENGTH": _P(
        "drivers.feedback.strength",
        1.0,
        "multiplier",
        0.0,
        10.0,
        "driver 5 (Trensee, 'The Open Source AI Paradox'): usage data and community feedback "
        "improve the next model",
    ),
    "FEEDBACK_OOM": _P(
        "drivers.feedback.oom",
        0.3,
        "OOM at full share",
        0.0,
        3.0,
        "assumption: fine-tunes and community QA feed the next release",
    ),
    "FRONTIER_SPEND0": _P(
        "counterforces.frontier_cost.spend_2023",
        0.01,
        "USD B per month",
        0.0,
        100.0,
        "a 2023 frontier run: ~USD 80 M over ~8 months (Cottier et al. 2024)",
    ),
    "FRONTIER_COST_GROWTH": _P(
        "counterforces.frontier_cost.growth",
        2.4,
        "x per year",
        1.0,
        20.0,
        "frontier training cost grows ~2.4x a year (Epoch AI, Cottier et al. 2024)",
    ),
    "SPONSOR_GROWTH": _P(
        "counterforces.frontier_cost.sponsor_budget_growth",
        1.5,
        "x per year",
        1.0,
        20.0,
        "assumption: sponsors' AI training budgets grow with capex (~1.5x a year), "
        "slower than frontier cost",
    ),
    "LIABILITY_STRENGTH": _P(
        "counterforces.liability.strength",
        1.0,
        "multiplier",
        0.0,
        10.0,
        "safety and liability regulation of open weights ('The Long View')",
    ),
    "INCIDENT_RATE": _P(
        "counterforces.liability.incident_rate",
        0.5,
        "per year at full open share",
        0.0,
        100.0,
        "assumption: rate of publicised misuse of fine-tuned open models",
    ),
    "INCIDENT_PRESSURE": _P(
        "counterforces.liability.incident_pressure",
        1.0,
        "pressure units",
        0.0,
        100.0,
        "assumption: one incident adds one unit of regulatory pressure",
    ),
    "PRESSURE_HALF_LIFE": _P(
        "counterforces.liability.pressure_half_life",
        18.0,
        "months",
        1.0,
        600.0,
        "assumption: public attention fades",
    ),
    "LIABILITY_HAZARD": _P(
        "counterforces.liability.hazard",
        0.05,
        "per month",
        0.0,
        1.0,
        "assumption: monthly chance of strict liability once pressure exceeds the threshold",
    ),
    "LIABILITY_THRESHOLD": _P(
        "counterforces.liability.threshold",
        1.5,
        "pressure units",
        0.0,
        100.0,
        "assumption: two recent incidents put strict liability on the agenda",
    ),
    "LIABILITY_RELEASE_COST": _P(
        "counterforces.liability.release_cost",
        1.0,
        "x training bill",
        0.0,
        100.0,
        "assumption: expected damages and insurance of an open release under strict liability, "
        "as a multiple of its training bill",
    ),
    "LIABILITY_USER_PENALTY": _P(
        "counterforces.liability.user_penalty",
        1.0,
        "utility",
        0.0,
        100.0,
        "assumption: deployers of open weights share the liability",
    ),
    "EU_PHASE_PRIVACY": _P(
        "regulation.eu_phase_step",
        0.25,
        "multiplier per phase",
        0.0,
        10.0,
        "EU AI Act phases (2024-08 entry into force, 2025-08 GPAI duties, 2026-08 high-risk) "
        "raise data-governance weight in the EU",
    ),
    "SUSTAIN_STRENGTH": _P(
        "counterforces.sustainability.strength",
        1.0,
        "multiplier",
        0.0,
        10.0,
        "open supply depends on sponsors and investors ('The Long View')",
    ),
    "RUNWAY_TRIGGER": _P(
        "counterforces.sustainability.runway_trigger_months",
        12.0,
        "months",
        0.0,
        120.0,
        "assumption: venture-funded labs raise when 12 months of runway remain",
    ),
    "FUNDING_BASE_PROB": _P(
        "counterforces.sustainability.funding_base_prob",
        0.7,
        "probability",
        0.0,
        1.0,
        "assumption: a round closes at this probability with flat revenue",
    ),
    "FUNDING_GROWTH_WEIGHT": _P(
        "counterforces.sustainability.funding_growth_weight",
        1.0,
        "logit per log-growth",
        0.0,
        20.0,
        "assumption: investors reward revenue growth",
    ),
    "FORCE_CLOSE_PROB": _P(
        "counterforces.sustainability.force_close_prob",
        0.2,
        "probability",
        0.0,
        1.0,
        "assumption: chance investors make a struggling open lab close its flagship",
    ),
    "ACQUISITION_PROB": _P(
        "counterforces.sustainability.acquisition_prob",
        0.7,
        "probability",
        0.0,
        1.0,
        "assumption: a lab out of runway is acquired by big tech rather than wound down",
    ),
    "GEOPOLITICS_STRENGTH": _P(
        "counterforces.geopolitics.strength",
        1.0,
        "multiplier",
        0.0,
        10.0,
        "export controls and trust in foreign models ('The Long View')",
    ),
    "EXPORT_CONTROL_HAZARD": _P(
        "counterforces.geopolitics.export_control_hazard",
        0.3,
        "per year",
        0.0,
        12.0,
        "US controls tightened in 2022-10, 2023-10 and 2024-12",
    ),
    "EXPORT_CONTROL_STEP": _P(
        "counterforces.geopolitics.export_control_step",
        0.1,
        "OOM compute lost",
        0.0,
        3.0,
        "assumption: each tightening costs Chinese labs compute",
    ),
    "FOREIGN_TRUST_PENALTY": _P(
        "counterforces.geopolitics.foreign_trust_penalty",
        1.5,
        "utility",
        0.0,
        20.0,
        "trust and regulation limit foreign models' share (Trensee, 'The Open Source AI Paradox' "
        "on Qwen)",
    ),
    "ENABLERS_STRENGTH": _P(
        "counterforces.enablers.strength",
        1.0,
        "multiplier",
        0.0,
        10.0,
        "LoRA/QLoRA, quantization, hubs, open benchmarks make open cheaper to use ('The Long "
        "View')",
    ),
    "ENABLERS_COST_DECLINE": _P(
        "counterforces.enablers.cost_decline",
        0.25,
        "share per year",
        0.0,
        0.99,
        "assumption: the fixed cost of self-hosting falls 25% a year with tooling",
    ),
    "ENABLERS_MATURITY_MONTHS": _P(
        "counterforces.enablers.maturity_months",
        48.0,
        "months since January 2023",
        1.0,
        600.0,
        "month the enablers reach full maturity, linear from half in January 2023: how fast "
        "integration effort (enterprises.open_friction) and the other enablers' costs fall; "
        "the tools arrived in 2023 (llama.cpp, QLoRA, vLLM, Ollama; managed open models on the "
        "three clouds by late 2023) but enterprises' evaluation, security review and MLOps "
        "practice with them matured over years ('The Long View'); fitted in "
        "docs/calibration.md",
    ),
    "CLOUD_MARKUP_BASE": _P(
        "clouds.markup_base",
        1.3,
        "x serving cost",
        1.0,
        10.0,
        "managed open models sell at about 1.3x serving cost: inference specialists (Together, "
        "Fireworks, DeepInfra) compete hosts' prices down to near cost on OpenRouter (Demirer et "
        "al. 2025) and hyperscalers' managed offerings price a margin above them; assumption",
    ),
    "CLOUD_MARKUP_MIN": _P(
        "clouds.markup_min",
        1.15,
        "x serving cost",
        1.0,
        10.0,
        "assumption: floor of managed-model pricing",
    ),
    "CLOUD_PUSH": _P(
        "clouds.push",
        0.0,
        "utility",
        -10.0,
        10.0,
        "extra appeal of managed open models when clouds push them (marketing, credits)",
    ),
    "CLOUD_RESALE_CUT": _P(
        "clouds.resale_cut",
        0.2,
        "share",
        0.0,
        1.0,
        "assumption: share of closed-API revenue sold through cloud marketplaces kept by clouds",
    ),
    "OPEN_LINE_OOM": _P(
        "labs.open_line_oom",
        0.5,
        "OOM",
        0.0,
        3.0,
        "an open line model (a smaller open-weight model released beside a closed flagship: "
        "Gemma beside Gemini, gpt-oss beside o3/o4-mini, Mistral's Apache-2.0 small models) "
        "trails its flagship by this much effective compute; assumption: about 5 months of "
        "frontier progress",
    ),
    "OPEN_LINE_COST": _P(
        "labs.open_line_cost",
        0.1,
        "x training bill",
        0.0,
        10.0,
        "monthly cost of an open line (distilling, evaluating and red-teaming the smaller model "
        "for release) as a share of the flagship's training bill; assumption",
    ),
    "LICENSE_NOISE": _P(
        "labs.license_noise",
        0.5,
        "x training bill",
        0.01,
        100.0,
        "assumption: scale of idiosyncratic factors in release decisions, as a share of the "
        "training bill",
    ),
    "CLASS_WINDOW": _P(
        "classifier.window_months",
        24.0,
        "months",
        1.0,
        120.0,
        "an end state is a condition that persists: it must hold over the last two years of "
        "the horizon, not in one year's average (a quarter of runs changed class between the "
        "2030 and 2031 one-year windows)",
    ),
    "CLASS_PERSISTENCE": _P(
        "classifier.persistence",
        0.75,
        "share of months",
        0.0,
        1.0,
        "a condition holds over the window when it holds in at least this share of its months "
        "(three quarters: a brief dip does not undo a state, a brief spell does not make one)",
    ),
    "CLASS_GAP_WIDENS": _P(
        "classifier.gap_widens_months",
        9.0,
        "months",
        0.0,
        240.0,
        "open weights trailing by 9+ months is 'the gap widened again': three times Epoch AI's "
        "2023-2025 average of three months (four in early 2026), and about where open models stood "
        "in 2023 (Llama 2 against GPT-4); also met when the last year's gap is at least this "
        "and still rising",
    ),
    "CLASS_NEW_OPEN": _P(
        "classifier.new_open_min",
        0.5,
        "share",
        0.0,
        1.0,
        "open deepening needs open weights to be the default for new deployments: at least "
        "half of enterprises' adoptions and switches choose an option with open weights "
        "(Trensee, 'The Open Source AI Paradox': open models become the default starting "
        "point)",
    ),
    "CLASS_SELFHOST": _P(
        "classifier.selfhost_min",
        0.05,
        "share",
        0.0,
        1.0,
        "open deepening needs self-hosting to carry a material share of enterprise tokens: one "
        "in twenty (Trensee, 'The Open Source AI Paradox': 'self-hosting + custom fine-tuning' "
        "becomes the enterprise standard, value shifts to data and deployment; every open "
        "deployment of the model fine-tunes, so self-hosting is what tells them apart); in "
        "2023-2025 it was a niche",
    ),
    "CLASS_HHI": _P(
        "classifier.open_hhi_max",
        0.33,
        "HHI (0-1)",
        0.0,
        1.0,
        "open deepening needs open-weight usage spread over families: a Herfindahl index at "
        "most that of three equal families (1/3), so no sponsor's family carries much more "
        "than half of open usage; the US DOJ/FTC Horizontal Merger Guidelines' 'highly "
        "concentrated' level (2,500 points in 2010, 0.25) is the strict end of its range",
    ),
    "MARKUP_MIN": _P(
        "vendors.markup_min",
        1.3,
        "x serving cost",
        1.0,
        100.0,
        "assumption: closed vendors do not price below 1.3x serving cost",
    ),
    "MARKUP_MAX": _P(
        "vendors.markup_max",
        6.0,
        "x serving cost",
        1.0,
        100.0,
        "assumption: unchallenged frontier markup",
    ),
    "MARKUP_ADJUST": _P(
        "vendors.markup_adjust",
        0.5,
        "share per review",
        0.0,
        1.0,
        "assumption: share of the gap to the target markup closed at each price review",
    ),
    "PRICE_CUT_EVENT": _P(
        "vendors.price_cut_event",
        0.1,
        "share",
        0.0,
        1.0,
        "a price review that cuts the markup by at least this share is logged as a price cut",
    ),
    "SMALL_TIER_MONTHS": _P(
        "vendors.small_tier_months",
        10.0,
        "months",
        0.0,
        60.0,
        "each closed vendor also sells platform buyers a small tier (GPT-4o-mini, Claude Haiku, "
        "Gemini Flash) trailing its flagship by this many months of frontier progress, served "
        "on the same cost curve and priced at vendors.markup_min against open hosts: "
        "GPT-4o-mini (July 2024) scored about as GPT-4 (March 2023), some 14 months behind "
        "GPT-4o; Claude 3.5 Haiku (November 2024) about as Claude 3 Opus (March 2024), 8 "
        "months (OpenAI; Anthropic model cards); 0 = no small tier. Enterprises buy flagships: "
        "their hybrids route cheap tasks to open weights",
    ),
    "PRICE_REVIEW_MONTHS": _P(
        "vendors.price_review_months",
        3.0,
        "months",
        1.0,
        60.0,
        "assumption: vendors review prices every quarter",
    ),
    "REGION_EU": _P(
        "enterprises.share_eu",
        0.25,
        "share",
        0.0,
        1.0,
        "assumption: share of simulated enterprises in Europe (the rest: North America)",
    ),
    "REGION_CN": _P(
        "enterprises.share_cn",
        0.15,
        "share",
        0.0,
        1.0,
        "assumption: share of simulated enterprises in China",
    ),
    "REGION_ROW": _P(
        "enterprises.share_row",
        0.20,
        "share",
        0.0,
        1.0,
        "assumption: share of simulated enterprises in the rest of the world",
    ),
    "OPEN_FRICTION": _P(
        "enterprises.open_friction",
        3.0,
        "utility",
        0.0,
        20.0,
        "evaluation, integration and MLOps effort of open models in 2023, halved once the "
        "enablers mature (counterforces.enablers.maturity_months) ('The Long View'; "
        "'Open-source AI' glossary); fitted in docs/calibration.md",
    ),
    "MANAGED_FIXED": _P(
        "enterprises.managed_fixed_usd",
        300.0,
        "USD per month",
        0.0,
        1e7,
        "assumption: evaluating and maintaining an open-model integration, about two "
        "engineer-hours a month; with the open discount it sets the API spend above which open "
        "models pay (docs/model.md derives it; 'The Long View' says USD 300-500)",
    ),
    "LICENSE_INERTIA": _P(
        "labs.license_inertia",
        1.0,
        "x training bill",
        0.0,
        20.0,
        "assumption: reversing a licensing stance costs reputation with developers and partners "
        "(as a share of the training bill)",
    ),
    "CATCHUP": _P(
        "technology.catchup",
        0.3,
        "share of the gap",
        0.0,
        1.0,
        "followers close part of their gap to the frontier for free through published research "
        "and distillation (the frontier of technology.diffusion_months ago); fitted to the "
        "open-closed gap (Epoch AI) in docs/calibration.md",
    ),
    "DIFFUSION": _P(
        "technology.diffusion_months",
        3.0,
        "months",
        0.0,
        36.0,
        "assumption: what a follower can copy for free (papers, distillation, people moving) is "
        "the frontier as it stood this long ago: OpenAI's o1 (September 2024) was matched in the "
        "open by QwQ-32B-Preview 2.5 months and DeepSeek-R1 4 months later",
    ),
    "CATCHUP_MAX": _P(
        "technology.catchup_max_oom",
        0.5,
        "OOM",
        0.0,
        5.0,
        "assumption: research and distillation bring a follower at most this close (about 5-6 "
        "months of frontier progress); a lab further behind needs compute of its own",
    ),
    "EU_SOVEREIGNTY": _P(
        "regulation.eu_sovereignty",
        0.5,
        "utility",
        0.0,
        20.0,
        "EU data-sovereignty preference for European labs (Mistral; Trensee, 'The Open Source AI "
        "Paradox')",
    ),
}

G = enum_of("G", tuple(_GLOBAL), "Indices of global parameters in the flat parameter vector.")
GLOBAL_PARAMS: dict[G, Param] = {G[name]: p for name, p in _GLOBAL.items()}


class ActorParam(NamedTuple):
    """A per-lab or per-cloud parameter: its key under ``[labs.<name>]`` or ``[clouds.<name>]``,
    unit, admissible range and meaning (defaults per actor are in LAB_DEFAULTS and
    CLOUD_DEFAULTS)."""

    key: str
    unit: str
    lo: float
    hi: float
    doc: str


_A = ActorParam
_REGIONS = "/".join(f"{i} {r}" for i, r in enumerate(REGION_NAMES))
_FUNDING = "/".join(f"{i} {f}" for i, f in enumerate(FUNDING_NAMES))

# Per-lab parameter columns: key suffix, unit, bounds, description.
_LAB: dict[str, ActorParam] = {
    "OPEN0": _A("open", "0/1", 0, 1, "flagship released with open weights at the start"),
    "SELLS_API": _A("sells_api", "0/1", 0, 1, "offers a paid API to enterprises"),
    "BIGTECH": _A("bigtech", "0/1", 0, 1, "sponsored by a big-tech firm"),
    "CAP0": _A(
        "capability_2023",
        "log10 eff. FLOP",
        0,
        32,
        "its best available model in January 2023 (0 = none yet)",
    ),
    "FIRST_FLOP": _A(
        "first_release_flop",
        "log10 FLOP",
        18,
        32,
        "training compute of its first model on the calendar",
    ),
    "FIRST_RELEASE": _A(
        "first_release_month",
        "months from 2023-01",
        0,
        120,
        "first release on the calendar",
    ),
    "CYCLE": _A("cycle_months", "months", 1, 60, "mean months between flagship releases"),
    "AMBITION": _A("ambition", "share of frontier spend", 0, 10, "desired training spend"),
    "FUNDING": _A("funding", _FUNDING, 0, 2, "how training is paid for"),
    "CASH0": _A("cash_2023", "USD B", 0, 1000, "cash at the start (venture-funded labs)"),
    "OPEX": _A("opex", "USD B per month", 0, 100, "non-training burn"),
    "MARKUP0": _A("markup_2023", "x serving cost", 1, 100, "API markup at the start"),
    "TALENT": _A("talent_oom", "OOM", -3, 3, "capability bonus from research talent"),
    "HOME": _A("home_region", _REGIONS, 0, 3, "home region (trust, sovereignty)"),
    "VALUATION_MULT": _A(
        "valuation_multiple",
        "x annual revenue",
        0,
        1000,
        "funding raised per round as a multiple of annualised revenue",
    ),
    "ENTERPRISE_APPEAL": _A(
        "enterprise_appeal",
        "utility",
        -10,
        10,
        "brand, sales, SLAs and enterprise features of its closed API beyond capability and "
        "price (open weights are the same artefact whichever cloud serves them: no appeal of "
        "their own)",
    ),
    "SPONSOR_CAP": _A(
        "sponsor_budget_2023",
        "USD B per month",
        0,
        1000,
        "training budget a sponsor grants in 2023 (sponsor- and cloud-funded labs)",
    ),
    "OPEN_COMMITMENT": _A(
        "open_commitment",
        "x training bill",
        -10,
        10,
        "standing preference for open releases: mission, identity and brand, as USD of value "
        "per USD of training bill",
    ),
    # business model: what open releases earn a lab besides its own API (driver 3)
    "COMPLEMENT_REVENUE": _A(
        "complement_revenue",
        "USD B per month",
        0,
        10000,
        "revenue of the business its models complement: Meta's ads, USD 135 B in 2023 and 165 B "
        "in 2024 (Meta 10-K filings); 0 = none",
    ),
    "COMPLEMENT_VALUE": _A(
        "complement_value",
        "share of complement revenue at full open share",
        0,
        1,
        "assumption: commoditizing the complement (Spolsky 2002) is worth this share of "
        "complement revenue when open models carry every enterprise token",
    ),
    "CLOUD_PULLTHROUGH": _A(
        "cloud_pullthrough",
        "share",
        0,
        1,
        "assumption: share of its partner cloud's open-model revenue reinvested in its "
        "training (Alibaba Cloud funds Qwen)",
    ),
    "OPEN_CORE_RATE": _A(
        "open_core_rate",
        "share of deployment spend",
        0,
        1,
        "open core (Mistral: small models Apache-2.0, large models, SLAs, support and sovereign "
        "deployments paid): share of what enterprises spend running its open models that they "
        "pay to it; assumption",
    ),
    "HOSTING_REVSHARE": _A(
        "hosting_revshare",
        "share",
        0,
        1,
        "assumption: share of clouds' managed-hosting revenue on its open models paid to it "
        "(Llama's licence lets Meta share hosting revenue; partnerships for the others)",
    ),
    "SERVE_EFF": _A(
        "serve_efficiency_oom",
        "OOM",
        0,
        2,
        "orders of magnitude by which serving its models costs less than the market's cost "
        "curve at the same capability: sparse mixture-of-experts models compute with a "
        "fraction of their parameters per token (DeepSeek-V3: 37 B of 671 B parameters active, "
        "DeepSeek-V3 Technical Report, December 2024); 0 = the market's curve",
    ),
    "RETREAT_RATIO": _A(
        "retreat_ratio",
        "USD per USD of training",
        0,
        100,
        "a complement-funded sponsor keeps giving its frontier models away while their strategic "
        "value in USD covers this multiple of their training bill (sponsor retreat)",
    ),
}

L = enum_of("L", tuple(_LAB), "Per-lab parameter columns.")
LAB_PARAMS: dict[L, ActorParam] = {L[name]: p for name, p in _LAB.items()}

# Defaults per lab, in LAB_NAMES order. Sources in docs/model.md and scenarios/baseline.toml.
LAB_DEFAULTS: dict[str, dict[L, float]] = {
    # Meta: LLaMA-1 65B (Feb 2023) available; Llama 2 70B (Jul 2023, ~8e23 FLOP) first on the
    # calendar; sponsor budget ~USD 0.1 B a month of training in 2023, capped by the ad business.
    "meta": {
        L.OPEN0: 1,
        L.SELLS_API: 0,
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
        L.ENTERPRISE_APPEAL: 0.0,
        L.SPONSOR_CAP: 0.1,
        L.OPEN_COMMITMENT: 0.5,
        L.COMPLEMENT_REVENUE: 12.5,
        L.COMPLEMENT_VALUE: 0.004,
        L.CLOUD_PULLTHROUGH: 0.0,
        L.OPEN_CORE_RATE: 0.0,
        L.HOSTING_REVSHARE: 0.1,
        L.RETREAT_RATIO: 1.0,
        L.SERVE_EFF: 0.0,
    },
    # Mistral: founded 2023-04 with a EUR 105 M seed; Mistral 7B (Sep 2023, ~1e23 FLOP).
    "mistral": {
        L.OPEN0: 1,
        L.SELLS_API: 1,
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
        L.COMPLEMENT_REVENUE: 0.0,
        L.COMPLEMENT_VALUE: 0.0,
        L.CLOUD_PULLTHROUGH: 0.0,
        L.OPEN_CORE_RATE: 0.1,
        L.HOSTING_REVSHARE: 0.1,
        L.RETREAT_RATIO: 1.0,
        L.SERVE_EFF: 0.0,
    },
    # Alibaba: Qwen-7B/14B (Aug-Sep 2023, ~2e23 FLOP); training paid by Alibaba Cloud; its
    # research efficiency from the Qwen2.5 report (Llama-3-405B's level at ~1/5 the compute).
    "alibaba": {
        L.OPEN0: 1,
        L.SELLS_API: 1,
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
        L.TALENT: 0.68,
        L.HOME: 2,
        L.VALUATION_MULT: 0,
        L.ENTERPRISE_APPEAL: 0.0,
        L.SPONSOR_CAP: 0.02,
        L.OPEN_COMMITMENT: 0.5,
        L.COMPLEMENT_REVENUE: 0.0,
        L.COMPLEMENT_VALUE: 0.0,
        L.CLOUD_PULLTHROUGH: 0.5,
        L.OPEN_CORE_RATE: 0.0,
        L.HOSTING_REVSHARE: 0.1,
        L.RETREAT_RATIO: 1.0,
        L.SERVE_EFF: 0.0,
    },
    # OpenAI: GPT-3.5 available; GPT-4 (Mar 2023, ~2e25 FLOP); USD 10 B from Microsoft (2023-01).
    "openai": {
        L.OPEN0: 0,
        L.SELLS_API: 1,
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
        L.COMPLEMENT_REVENUE: 0.0,
        L.COMPLEMENT_VALUE: 0.0,
        L.CLOUD_PULLTHROUGH: 0.0,
        L.OPEN_CORE_RATE: 0.0,
        L.HOSTING_REVSHARE: 0.0,
        L.RETREAT_RATIO: 1.0,
        L.SERVE_EFF: 0.0,
    },
    # Anthropic: Claude 1 (Mar 2023); Claude 2 (Jul 2023); ~USD 1.5 B raised by early 2023.
    "anthropic": {
        L.OPEN0: 0,
        L.SELLS_API: 1,
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
        L.OPEN_COMMITMENT: -1.0,
        L.COMPLEMENT_REVENUE: 0.0,
        L.COMPLEMENT_VALUE: 0.0,
        L.CLOUD_PULLTHROUGH: 0.0,
        L.OPEN_CORE_RATE: 0.0,
        L.HOSTING_REVSHARE: 0.0,
        L.RETREAT_RATIO: 1.0,
        L.SERVE_EFF: 0.0,
    },
    # Google: PaLM 2 (May 2023), Gemini 1.0 Ultra (Dec 2023, ~5e25 FLOP); funded by Alphabet.
    "google": {
        L.OPEN0: 0,
        L.SELLS_API: 1,
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
        L.COMPLEMENT_REVENUE: 0.0,
        L.COMPLEMENT_VALUE: 0.0,
        L.CLOUD_PULLTHROUGH: 0.0,
        L.OPEN_CORE_RATE: 0.0,
        L.HOSTING_REVSHARE: 0.0,
        L.RETREAT_RATIO: 1.0,
        L.SERVE_EFF: 0.0,
    },
    # DeepSeek: independent, funded by the High-Flyer hedge fund; DeepSeek LLM 67B (Nov 2023,
    # ~8e23 FLOP); known for training efficiency; cheap API on its own open models.
    "deepseek": {
        L.OPEN0: 1,
        L.SELLS_API: 1,
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
        L.ENTERPRISE_APPEAL: 0.0,
        L.SPONSOR_CAP: 0.03,
        L.OPEN_COMMITMENT: 2.0,
        L.COMPLEMENT_REVENUE: 0.0,
        L.COMPLEMENT_VALUE: 0.0,
        L.CLOUD_PULLTHROUGH: 0.0,
        L.OPEN_CORE_RATE: 0.1,
        L.HOSTING_REVSHARE: 0.1,
        L.RETREAT_RATIO: 1.0,
        L.SERVE_EFF: 0.7,
    },
}

LAB_NAMES = tuple(LAB_DEFAULTS)

# how each lab and cloud is named in stories and tables
LAB_LABELS = {
    "meta": "Meta",
    "mistral": "Mistral",
    "alibaba": "Alibaba",
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "google": "Google",
    "deepseek": "DeepSeek",
}

LAB_NOTES = {
    "meta": "LLaMA-1 65B (Feb 2023) available; Llama 2 70B (Jul 2023, ~8e23 FLOP) first on the "
    "calendar; no paid API; training paid by the ad business (sponsor budget).",
    "mistral": "Founded 2023-04 with a EUR 105 M seed; Mistral 7B (Sep 2023, ~1e23 FLOP); open "
    "core: small models Apache-2.0, large models paid.",
    "alibaba": "Qwen-7B/14B (Aug-Sep 2023, ~2e23 FLOP); training paid by Alibaba Cloud, which "
    "reinvests open-model revenue (cloud pull-through). Research talent 0.68 OOM: the Qwen2.5 "
    "Technical Report (December 2024) finds Qwen2.5-72B-Instruct competitive with "
    "Llama-3-405B-Instruct, about 5 times larger; at 18 T tokens Qwen2.5-72B took ~7.9e24 FLOP "
    "against Llama 3.1 405B's 3.8e25, log10(4.8) = 0.68 OOM over Meta's (talent 0).",
    "openai": "GPT-3.5 available in Jan 2023; GPT-4 (Mar 2023, ~2e25 FLOP); USD 10 B from "
    "Microsoft in Jan 2023; open-weight gpt-oss models in August 2025.",
    "anthropic": "Claude 1 (Mar 2023), Claude 2 (Jul 2023); ~USD 1.5 B raised by early 2023; "
    "its Responsible Scaling Policy treats model weights as assets to secure (no open "
    "releases): a negative open commitment.",
    "google": "PaLM 2 (May 2023), Gemini 1.0 Ultra (Dec 2023, ~5e25 FLOP); funded by Alphabet; "
    "open Gemma models beside Gemini since February 2024.",
    "deepseek": "Independent lab funded by the High-Flyer hedge fund; DeepSeek LLM 67B (Nov 2023), "
    "V3/R1 (Dec 2024-Jan 2025) near the frontier at low cost; open weights, cheap API.",
}

_CLOUD: dict[str, ActorParam] = {
    "SHARE_NA": _A("share_na", "share", 0, 1, "share of North American cloud customers"),
    "SHARE_EU": _A("share_eu", "share", 0, 1, "share of European cloud customers"),
    "SHARE_CN": _A("share_cn", "share", 0, 1, "share of Chinese cloud customers"),
    "SHARE_ROW": _A("share_row", "share", 0, 1, "share of other regions' cloud customers"),
    "PARTNER": _A(
        "partner_lab",
        "lab name (or index; none = -1)",
        -1,
        len(LAB_NAMES) - 1,
        "lab whose API it resells and whose open models it funds",
    ),
    "PUSH": _A("push", "utility", -10, 10, "how hard it promotes managed open models"),
}

C = enum_of("C", tuple(_CLOUD), "Per-cloud parameter columns.")
CLOUD_PARAMS: dict[C, ActorParam] = {C[name]: p for name, p in _CLOUD.items()}

# Cloud market shares: Synergy Research 2024 (AWS ~31%, Azure ~25%, GCP ~11% worldwide;
# Alibaba ~36% of China), rescaled to the four clouds modelled.
CLOUD_DEFAULTS: dict[str, dict[C, float]] = {
    "aws": {
        C.SHARE_NA: 0.45,
        C.SHARE_EU: 0.42,
        C.SHARE_CN: 0.0,
        C.SHARE_ROW: 0.40,
        C.PARTNER: LAB_NAMES.index("anthropic"),
        C.PUSH: 0.0,
    },
    "azure": {
        C.SHARE_NA: 0.37,
        C.SHARE_EU: 0.40,
        C.SHARE_CN: 0.0,
        C.SHARE_ROW: 0.33,
        C.PARTNER: LAB_NAMES.index("openai"),
        C.PUSH: 0.0,
    },
    "gcp": {
        C.SHARE_NA: 0.18,
        C.SHARE_EU: 0.18,
        C.SHARE_CN: 0.0,
        C.SHARE_ROW: 0.17,
        C.PARTNER: LAB_NAMES.index("google"),
        C.PUSH: 0.0,
    },
    "alibaba_cloud": {
        C.SHARE_NA: 0.0,
        C.SHARE_EU: 0.0,
        C.SHARE_CN: 1.0,
        C.SHARE_ROW: 0.10,
        C.PARTNER: LAB_NAMES.index("alibaba"),
        C.PUSH: 0.0,
    },
}

# Inference specialists (Together, Fireworks, DeepInfra, and the labs' own low-cost endpoints
# as OpenRouter lists them) host open models for the platform segment; enterprises in the model
# buy through their hyperscaler, so no enterprise is their customer and no lab their partner.
CLOUD_DEFAULTS["inference_hosts"] = {
    C.SHARE_NA: 0.0,
    C.SHARE_EU: 0.0,
    C.SHARE_CN: 0.0,
    C.SHARE_ROW: 0.0,
    C.PARTNER: -1,
    C.PUSH: 0.0,
}

CLOUD_NAMES = tuple(CLOUD_DEFAULTS)
CLOUD_LABELS = {
    "aws": "AWS",
    "azure": "Azure",
    "gcp": "GCP",
    "alibaba_cloud": "Alibaba Cloud",
    "inference_hosts": "Inference hosts",
}

# keys that moved: an old scenario file gets told where its key went
RENAMED_KEYS = {
    "drivers.monetization.meta_ad_revenue": "labs.meta.complement_revenue",
    "drivers.monetization.meta_complement_value": "labs.meta.complement_value",
    "drivers.monetization.cloud_revshare": "labs.<lab>.hosting_revshare",
    "drivers.monetization.alibaba_pullthrough": "labs.alibaba.cloud_pullthrough",
    "drivers.monetization.mistral_sla_rate": "labs.<lab>.open_core_rate and hosting_revshare",
    "counterforces.sustainability.meta_retreat_ratio": "labs.meta.retreat_ratio",
    "enterprises.selfhost_fixed_usd": "enterprises.mlops_staff_usd, selfhost_security_usd and "
    "gpu_month_usd",
    "enterprises.hybrid_open_share": "nothing: hybrids route each task by quality and price "
    "(docs/model.md)",
    "drivers.regulatory.exemption_value": "drivers.regulatory.compliance_cost (USD)",
    "classifier.open_share_min": "classifier.new_open_min (open weights the default for new "
    "deployments)",
    "classifier.bigtech_share_max": "classifier.open_hhi_max (concentration of open usage)",
    **{
        f"labs.{lab}.open_core": "nothing: every lab with a closed flagship decides in USD "
        "whether to release a smaller open model beside it (labs.open_line_oom and "
        "labs.open_line_cost; docs/model.md)"
        for lab in LAB_DEFAULTS
    },
}
