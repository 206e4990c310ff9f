"""Every model parameter declared once, as data: key, default, unit, bounds, kind and source.

The table itself is in two data files beside this module, read by :mod:`sim.params.table`:
``parameters.toml`` (global parameters, one row each, grouped by scenario section) and
``actors.toml`` (per-lab and per-cloud columns, and every lab's and cloud's defaults, written
with names: ``funding = "venture"``, ``home_region = "eu"``, ``partner_lab = "openai"``).

The scenario loader validates TOML against these tables, the numba kernels read the values
through index enums generated from them (:data:`G`, :data:`L`, :data:`C`: never numbered by
hand in code; a global's index is its row's ``g``, a column's its place in its table),
``docs/model.md`` and ``scenarios/baseline.toml`` are rendered from them (tests keep all three
in step). Global parameters live in a flat vector indexed by ``G``; per-lab and per-cloud
parameters in matrices indexed by (actor, ``L``) and (actor, ``C``). The labs and clouds of the
model are the entries of :data:`LAB_DEFAULTS` and :data:`CLOUD_DEFAULTS`.
"""

from __future__ import annotations

from ..vocab import REGION_NAMES, enum_of
from .prior import Prior
from .table import ActorParam, Param, read_actors, read_globals

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
    "PRIORS",
    "Prior",
]


# [run] and [scenario] keys: (key, python type, default, description)
RUN_KEYS = {
    "scenario.name": (str, "unnamed", "short name used in reports"),
    "scenario.description": (str, "", "one paragraph on what the scenario assumes"),
    "scenario.extends": (str, "", "path of a scenario this one overrides (relative to the file)"),
    "scenario.fit_until": (
        str,
        "",
        "calibrate its worlds to the facts dated up to this month, YYYY-MM (a backtest's "
        "cut-off; empty: every fact)",
    ),
    "run.runs": (int, 1000, "number of Monte Carlo runs in a batch"),
    "run.seed": (int, 20230101, "base seed; run k uses a seed derived from (seed, k)"),
    "run.months": (int, 108, "horizon in months from 2023-01 (108 = through 2031-12)"),
    "run.enterprises": (int, 2000, "individually simulated enterprises"),
    "run.developers": (int, 10000, "individually simulated developers"),
}

_GLOBAL = read_globals()
G = enum_of("G", tuple(_GLOBAL), "Indices of global parameters in the flat parameter vector.")
GLOBAL_PARAMS: dict[G, Param] = {G[name]: p for name, p in _GLOBAL.items()}

_ACTORS = read_actors()
L = enum_of("L", tuple(_ACTORS.lab_columns), "Per-lab parameter columns.")
LAB_PARAMS: dict[L, ActorParam] = {L[name]: p for name, p in _ACTORS.lab_columns.items()}
C = enum_of("C", tuple(_ACTORS.cloud_columns), "Per-cloud parameter columns.")
CLOUD_PARAMS: dict[C, ActorParam] = {C[name]: p for name, p in _ACTORS.cloud_columns.items()}

# defaults per lab and per cloud, in LAB_NAMES and CLOUD_NAMES order (sources in actors.toml)
LAB_DEFAULTS: dict[str, dict[L, float]] = {
    lab: {L[name]: v for name, v in row.items()} for lab, row in _ACTORS.lab_defaults.items()
}
CLOUD_DEFAULTS: dict[str, dict[C, float]] = {
    cloud: {C[name]: v for name, v in row.items()} for cloud, row in _ACTORS.cloud_defaults.items()
}
LAB_NAMES = tuple(LAB_DEFAULTS)
CLOUD_NAMES = tuple(CLOUD_DEFAULTS)

# how each lab and cloud is named in stories and tables, and where a lab's defaults come from
LAB_LABELS = _ACTORS.lab_labels
LAB_NOTES = _ACTORS.lab_notes
CLOUD_LABELS = _ACTORS.cloud_labels

# the uncertain parameters (rows with a ``prior``) by scenario key: globals in index order,
# then labs' columns; the calibration fits these and nothing else
PRIORS: dict[str, Prior] = {
    **{p.key: p.prior for p in GLOBAL_PARAMS.values() if p.prior is not None},
    **_ACTORS.lab_priors,
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
