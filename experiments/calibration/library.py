"""The scenario library under the fitted values: end-state shares, paired changes from the
baseline and median indicators of every scenario file, for the calibration report."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import numpy as np

from sim.engine.batch import simulate
from sim.params.scenario import load_scenario
from sim.rules.classify import INDICATOR_NAMES
from sim.vocab import END_STATES

from ..stats import paired_difference
from .fit import CAL_PARAMS

__all__ = ["library_table", "missing_fit_keys", "own_keys"]

_IND = {name: k for k, name in enumerate(INDICATOR_NAMES)}


def own_keys(path: Path) -> set[str]:
    """Dotted keys a scenario file sets itself (not through ``extends``)."""

    def walk(table: dict, prefix: str) -> set[str]:
        keys: set[str] = set()
        for k, v in table.items():
            keys |= walk(v, f"{prefix}{k}.") if isinstance(v, dict) else {prefix + k}
        return keys

    return walk(tomllib.loads(path.read_text()), "")


def library_table(scenario_dir: Path, runs: int, fitted: dict[str, float]) -> list[dict]:
    """End-state shares, paired changes from the baseline (with p-values) and median final
    indicators of every scenario file (baseline first), under the ``fitted`` values unless a
    file sets a key itself (the baseline, which sets every key, takes them all); with each
    header's expected direction and documented disagreement."""
    files = sorted(scenario_dir.glob("*.toml"), key=lambda p: (p.stem != "baseline", p.stem))
    rows = []
    base_ends = None
    for path in files:
        own = own_keys(path) if path.stem != "baseline" else set()
        sc = load_scenario(path).with_values(
            **{k.replace(".", "__"): v for k, v in fitted.items() if k not in own}
        )
        b = simulate(sc, range(runs))
        if base_ends is None:
            base_ends = b.end_states
        lines = path.read_text().splitlines()
        header = [ln.lstrip("#").strip() for ln in lines[: lines.index("[scenario]")]]
        text = " ".join(ln for ln in header if ln)
        expected = re.search(r"Expected direction \(seeds\): (.*?)(?: The model| Why:|$)", text)
        disagrees = re.search(
            r"(The model (?:agrees on .*? but not|disagrees)\b.*?)(?: See docs|$)", text
        )
        changes = {}
        for i, k in enumerate(END_STATES):
            pd = paired_difference(b.end_states == i, base_ends == i)
            changes[k] = (pd.mean, pd.p_value)
        rows.append(
            {
                "name": sc.name,
                "shares": {k: float(np.mean(b.end_states == i)) for i, k in enumerate(END_STATES)},
                "changes": changes,
                "open_share": float(np.median(b.indicators[:, _IND["final_open_share"]])),
                "gap": float(np.median(b.indicators[:, _IND["final_gap_months"]])),
                "bigtech": float(np.median(b.indicators[:, _IND["final_bigtech_open_share"]])),
                "expected": expected.group(1).strip() if expected else "",
                "disagrees": disagrees.group(1).strip() if disagrees else "",
            }
        )
    return rows


def missing_fit_keys(path: Path) -> list[str]:
    """Fitted keys that the scenario file does not set itself (so cannot be rewritten)."""
    own = own_keys(path)
    return [k for p in CAL_PARAMS for k in p.keys if k not in own]
