"""Ablation: each driver and counter-force switched off and doubled, against the baseline.

Every mechanism named by the source articles has a ``strength`` (frontier cost escalation: its
growth in excess of sponsors' budgets). Each variant runs with the baseline's seeds (common
random numbers), so run k of a variant differs from run k of the baseline only through the
mechanism; the table reports paired differences of headline results with 95% intervals, and
whether the change moves a result by a clear amount in the direction the articles argue.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.engine.batch import BatchArrays, simulate
from sim.params.scenario import Scenario
from sim.rules.classify import IND
from sim.state import S
from sim.vocab import End

from .stats import paired_difference

__all__ = ["Mechanism", "MECHANISMS", "HEADLINES", "Headline", "ablate", "render_ablation"]


@dataclass(frozen=True)
class Headline:
    """A headline result: per-run value, the clear amount of change, how it is shown."""

    name: str
    label: str
    clear: float  # a change at least this large (and outside its interval's zero) is clear
    unit: str
    value: Callable[[BatchArrays], np.ndarray]


def _share(state: End) -> Callable[[BatchArrays], np.ndarray]:
    return lambda b: (b.end_states == state).astype(float)


def _ind(col: IND) -> Callable[[BatchArrays], np.ndarray]:
    return lambda b: b.indicators[:, col]


def _last_year(series: S) -> Callable[[BatchArrays], np.ndarray]:
    return lambda b: b.trajectories[:, -12:, series].mean(axis=1)


def _log_price(b: BatchArrays) -> np.ndarray:
    return np.log(np.maximum(b.indicators[:, IND.FRONTIER_PRICE], 1e-12))


HEADLINES: tuple[Headline, ...] = (
    Headline("open_deepening", "open deepening", 0.03, "share of runs", _share(End.OPEN_DEEPENING)),
    Headline(
        "bigtech_oligopoly", "oligopoly", 0.03, "share of runs", _share(End.BIGTECH_OLIGOPOLY)
    ),
    Headline("gap_widens", "gap widens", 0.03, "share of runs", _share(End.GAP_WIDENS)),
    Headline("open_share", "open share", 0.02, "share of tokens", _ind(IND.OPEN_SHARE)),
    Headline(
        "bigtech_open_share", "big-tech share", 0.02, "of open usage", _ind(IND.BIGTECH_OPEN_SHARE)
    ),
    Headline("gap_months", "gap", 0.5, "months", _ind(IND.GAP_MONTHS)),
    Headline("frontier_price", "frontier price", math.log(1.1), "log USD/M", _log_price),
    Headline(
        "selfhost_share", "self-hosted", 0.01, "share of tokens", _last_year(S.SELFHOST_SHARE)
    ),
    Headline("independent_open", "independents", 0.1, "labs", _ind(IND.INDEPENDENT_OPEN)),
    Headline(
        "new_open_share", "new on open", 0.02, "share of deployments", _ind(IND.NEW_OPEN_SHARE)
    ),
    Headline("open_hhi", "open HHI", 0.02, "concentration", _ind(IND.OPEN_HHI)),
)


@dataclass(frozen=True)
class Mechanism:
    """A driver or counter-force: how to switch it off and double it, and what the articles
    argue switching it off does (headline name, expected sign of the change)."""

    section: str
    kind: str  # "driver" or "counter-force"
    argued: tuple[tuple[str, int], ...]
    why: str

    def variant(self, scenario: Scenario, factor: float) -> Scenario:
        """The scenario with the mechanism's strength times ``factor`` (0 off, 2 doubled)."""
        if self.section == "counterforces.frontier_cost":
            # its strength is the growth of frontier cost in excess of sponsors' budgets
            v = scenario.values
            sponsor = float(v["counterforces.frontier_cost.sponsor_budget_growth"])
            excess = float(v["counterforces.frontier_cost.growth"]) / sponsor
            return scenario.with_values(
                counterforces__frontier_cost__growth=sponsor * excess**factor
            )
        key = f"{self.section}.strength".replace(".", "__")
        base = float(scenario.values[f"{self.section}.strength"])
        return scenario.with_values(**{key: base * factor})


MECHANISMS: tuple[Mechanism, ...] = (
    Mechanism(
        "drivers.ecosystem",
        "driver",
        (("open_share", -1), ("open_deepening", -1), ("new_open_share", -1)),
        "ecosystems bring talent and lock-in to open models",
    ),
    Mechanism(
        "drivers.market_pressure",
        "driver",
        (("frontier_price", +1),),
        "open releases force closed price cuts",
    ),
    Mechanism(
        "drivers.monetization",
        "driver",
        (
            ("open_share", -1),
            ("open_deepening", -1),
            ("new_open_share", -1),
            ("independent_open", -1),
        ),
        "ads, cloud pull-through and open core pay for open releases",
    ),
    Mechanism(
        "drivers.regulatory",
        "driver",
        (
            ("independent_open", -1),
            ("open_share", -1),
            ("open_deepening", -1),
            ("new_open_share", -1),
        ),
        "lenient treatment of open releases rewards releasing openly",
    ),
    Mechanism(
        "drivers.feedback",
        "driver",
        (("gap_months", +1), ("gap_widens", +1)),
        "the community's fine-tunes and feedback improve the next open model",
    ),
    Mechanism(
        "counterforces.frontier_cost",
        "counter-force",
        (("gap_widens", -1), ("gap_months", -1)),
        "only a few can pay for frontier runs, and they keep them closed",
    ),
    Mechanism(
        "counterforces.liability",
        "counter-force",
        (("open_share", +1), ("open_deepening", +1), ("new_open_share", +1)),
        "liability for open weights deters releasing and deploying them",
    ),
    Mechanism(
        "counterforces.sustainability",
        "counter-force",
        (("independent_open", +1), ("open_deepening", +1)),
        "open supply depends on sponsors' and investors' patience",
    ),
    Mechanism(
        "counterforces.geopolitics",
        "counter-force",
        (("bigtech_open_share", -1), ("open_share", +1)),
        "export controls and distrust hold back Chinese open models",
    ),
    Mechanism(
        "counterforces.enablers",
        "counter-force",
        (("selfhost_share", -1), ("open_share", -1)),
        "fine-tuning, quantization and cheaper hardware make open cheaper to use "
        "(switching the enablers off removes that help)",
    ),
)


def _effects(base: BatchArrays, other: BatchArrays) -> dict[str, dict[str, float]]:
    out = {}
    for h in HEADLINES:
        d = paired_difference(h.value(other), h.value(base))
        clear = abs(d.mean) >= h.clear and (d.ci_low > 0 or d.ci_high < 0)
        out[h.name] = {
            "difference": d.mean,
            "ci_low": d.ci_low,
            "ci_high": d.ci_high,
            "p_value": d.p_value,
            "clear": bool(clear),
        }
    return out


def ablate(
    scenario: Scenario,
    runs: int,
    threads: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Each mechanism off (strength 0) and doubled (2x), paired against ``scenario``."""
    run_ids = range(runs)
    total = 1 + 2 * len(MECHANISMS)
    base = simulate(scenario, run_ids, threads=threads)
    done = 1
    if progress:
        progress(done, total)
    rows = []
    for m in MECHANISMS:
        row = {"mechanism": m.section, "kind": m.kind, "why": m.why, "argued": m.argued}
        for label, factor in (("off", 0.0), ("doubled", 2.0)):
            b = simulate(m.variant(scenario, factor), run_ids, threads=threads)
            row[label] = _effects(base, b)
            done += 1
            if progress:
                progress(done, total)
        # switching off moves an argued result the argued way; doubling the opposite way
        agree = []
        for name, sign in m.argued:
            off, dbl = row["off"][name], row["doubled"][name]
            agree.append(
                (off["clear"] and sign * off["difference"] > 0)
                or (dbl["clear"] and sign * dbl["difference"] < 0)
            )
        row["as_argued"] = any(agree)
        row["moves_anything"] = any(
            row[v][h.name]["clear"] for v in ("off", "doubled") for h in HEADLINES
        )
        rows.append(row)
    return {"scenario": scenario.name, "runs": runs, "seed": scenario.seed, "rows": rows}


def _fmt(h: Headline, e: dict) -> str:
    scale = 100.0 if h.unit == "share of runs" else 1.0
    mark = "**" if e["clear"] else ""
    return f"{mark}{scale * e['difference']:+.2f}{mark}"


def _clear_text(h: Headline) -> str:
    if h.unit == "share of runs":
        return f"{100 * h.clear:g} points"
    if h.name == "frontier_price":
        return f"{math.exp(h.clear) - 1:.0%}"
    return f"{h.clear:g} {h.unit}"


def render_ablation(result: dict, command: str) -> str:
    """docs/ablation.md: the table of paired effects, and what the articles argue."""
    names = {h.name: h for h in HEADLINES}
    lines = [
        "# Ablation of the drivers and counter-forces",
        "",
        f"Generated by `{command}`; do not edit by hand.",
        "",
        f"Scenario `{result['scenario']}`, {result['runs']} runs per variant, base seed "
        f"{result['seed']}: every variant uses the baseline's run seeds (common random numbers), "
        "so each cell is the mean of per-run differences from the baseline. A change is "
        "**bold** when its 95% interval excludes zero and it is at least the clear amount: "
        + ", ".join(f"{h.label} {_clear_text(h)}" for h in HEADLINES)
        + ". End-state shares are in percentage points, the frontier price as a log ratio "
        "(+0.10 is about 10% dearer).",
        "",
        "| mechanism | variant | " + " | ".join(h.label for h in HEADLINES) + " |",
        "|---|---|" + "---|" * len(HEADLINES),
    ]
    for row in result["rows"]:
        for variant in ("off", "doubled"):
            cells = " | ".join(_fmt(h, row[variant][h.name]) for h in HEADLINES)
            lines.append(f"| `{row['mechanism']}` | {variant} | {cells} |")
    lines += [
        "",
        "## What the articles argue, and whether the model agrees",
        "",
        "| mechanism | the articles argue | switching it off should | moves a result | as argued |",
        "|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        should = ", ".join(
            f"{names[n].label} {'up' if s > 0 else 'down'}" for n, s in row["argued"]
        )
        lines.append(
            f"| `{row['mechanism']}` | {row['why']} | {should} | "
            f"{'yes' if row['moves_anything'] else '**no**'} | "
            f"{'yes' if row['as_argued'] else '**no**'} |"
        )
    failing = [r["mechanism"] for r in result["rows"] if not r["as_argued"]]
    lines += [""]
    if failing:
        lines.append(
            "Mechanisms that do not move a result the way the articles argue: "
            + ", ".join(f"`{m}`" for m in failing)
            + '. docs/model.md (section "What the ablation shows") says why.'
        )
    else:
        lines.append("Every mechanism moves at least one result the way the articles argue.")
    lines += [
        "",
        "95% intervals of every cell are in the JSON output (`aimarket ablate --json`).",
    ]
    return "\n".join(lines) + "\n"
