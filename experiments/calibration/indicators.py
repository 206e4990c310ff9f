"""The classifier's indicators in the 2023-2025 replay: each end-state indicator's value where
the facts can pin it down, beside the public figure that targets it or the reason none does.

docs/calibration.md lists them (a section between ``<!-- classifier-indicators:begin -->`` and
``:end -->``, written by ``aimarket calibrate`` with the rest, or alone by ``uv run python
-m experiments.calibration.refresh_indicators``), so the plausible-worlds ensemble can use the
targeted ones and see the others."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.engine.batch import simulate
from sim.params.scenario import Scenario
from sim.rules.classify import REFERENCE_MONTHS, gap_reference, gap_trend
from sim.state import S

from ..store import atomic_write_bytes

__all__ = [
    "ReplayStatistic",
    "CLASSIFIER_STATISTICS",
    "MARKERS",
    "replay_statistics",
    "render_section",
    "update_doc",
]

MARKERS = ("<!-- classifier-indicators:begin -->", "<!-- classifier-indicators:end -->")
_LATE_2025 = slice(REFERENCE_MONTHS - 3, REFERENCE_MONTHS)  # October-December 2025


@dataclass(frozen=True)
class ReplayStatistic:
    """A classifier indicator as of 2023-2025: what it measures, which condition reads it,
    and the calibration target that pins it (``target``) or why none does (``reason``)."""

    name: str
    what: str
    conditions: str
    statistic: Callable[[np.ndarray], float] = field(repr=False)
    target: str | None = None
    reason: str = ""


def _late_2025(col: int) -> Callable[[np.ndarray], float]:
    return lambda tr: float(tr[_LATE_2025, col].mean())


def _families(tr: np.ndarray) -> float:
    hhi = float(tr[_LATE_2025, S.OPEN_HHI].mean())
    return 1.0 / hhi if hhi > 0 else 0.0


CLASSIFIER_STATISTICS: tuple[ReplayStatistic, ...] = (
    ReplayStatistic(
        "gap_reference",
        "months the best open model trails the closed frontier, mean Jan 2023 - Dec 2025 "
        "(the classifier's reference for the gap)",
        "gap_wide, gap_close, gap_not_widening (level: classifier.gap_ratio times this)",
        lambda tr: float(gap_reference(tr, REFERENCE_MONTHS)),
        target="gap_months_2023_2025",
        reason="Epoch AI's mean lag of open weights, January 2023 - October 2025 (figure and "
        "scale in the targets table)",
    ),
    ReplayStatistic(
        "gap_trend_2023_2025",
        "how fast the gap moved over 2023-2025 (its mean over July 2024 - December 2025 "
        "against January 2023 - June 2024), months per year",
        "gap_rising, gap_not_widening (against classifier.gap_trend_min)",
        lambda tr: float(gap_trend(tr, 0, REFERENCE_MONTHS)),
        reason="untargeted: Epoch's lag was roughly level (about three months over 2023-2025, "
        "four in early 2026); both levels are targets already (gap_months_2023_2025, "
        "gap_months_2026), so a target on the trend between them would count them twice",
    ),
    ReplayStatistic(
        "new_open_share_late_2025",
        "share of enterprises' new deployments on open weights, Oct-Dec 2025",
        "open_default (against classifier.new_open_min)",
        _late_2025(S.NEW_OPEN_SHARE),
        reason="untargeted: the surveys count open weights' share of enterprise usage "
        "(Menlo Ventures, targeted as open_share_*), not of new deployments; no public "
        "figure counts new deployments",
    ),
    ReplayStatistic(
        "selfhost_share_late_2025",
        "share of enterprise tokens self-hosted, Oct-Dec 2025",
        "selfhost_material (against classifier.selfhost_min)",
        _late_2025(S.SELFHOST_SHARE),
        reason="untargeted: no public figure splits open-weight usage by who runs the "
        "weights; the source articles call self-hosting a niche in 2023-2025",
    ),
    ReplayStatistic(
        "open_families_late_2025",
        "effective number of open families (1 / HHI of open tokens over labs), Oct-Dec 2025",
        "open_spread, open_concentrated (against classifier.open_hhi_max, "
        "classifier.oligopoly_hhi_min)",
        _families,
        reason="untargeted: OpenRouter and a16z ('State of AI', December 2025) find no single "
        "model above a quarter of open tokens by late 2025, a bound on models, while the "
        "model's families bundle each lab's models (a family above a quarter is consistent "
        "with it: DeepSeek's family carried about 0.4); the study's family shares are targets "
        "already (deepseek_share_2025, qwen_second_2025, llama_falls_2025), and a target on "
        "their concentration would count them twice",
    ),
    ReplayStatistic(
        "bigtech_open_share_late_2025",
        "share of open tokens on big-tech-sponsored models, Oct-Dec 2025",
        "bigtech_led (against classifier.bigtech_min)",
        _late_2025(S.BIGTECH_OPEN_SHARE),
        reason="untargeted: it follows from the same OpenRouter family shares (DeepSeek and "
        "Mistral independent), targeted already",
    ),
)


def replay_statistics(trajectories: np.ndarray) -> dict[str, np.ndarray]:
    """Per run (first axis of ``trajectories``, months x series, at least 36 months): each
    statistic of :data:`CLASSIFIER_STATISTICS`."""
    if trajectories.shape[1] < REFERENCE_MONTHS:
        raise ValueError(
            f"trajectories: expected at least {REFERENCE_MONTHS} months (2023-2025), "
            f"found {trajectories.shape[1]}"
        )
    return {
        s.name: np.array([s.statistic(tr) for tr in trajectories]) for s in CLASSIFIER_STATISTICS
    }


def render_section(values: dict[str, np.ndarray], source: str) -> str:
    """The docs section (with its markers): each statistic's median and 90% band over the
    runs of ``source``, beside its target or the reason it has none."""
    lines = [
        MARKERS[0],
        "## The classifier's indicators in 2023-2025",
        "",
        "Each end-state indicator as the replay gives it, so that the plausible-worlds "
        "ensemble can hold it to a public figure where one exists (docs/model.md, 'End-state "
        f"classifier'). Medians and 90% bands over {source}.",
        "",
        "| statistic | what | classifier conditions | median | 90% band | target, or why none |",
        "|---|---|---|---|---|---|",
    ]
    for s in CLASSIFIER_STATISTICS:
        v = values[s.name]
        med, lo, hi = (float(np.median(v)), *(float(np.quantile(v, q)) for q in (0.05, 0.95)))
        why = f"target `{s.target}`: {s.reason}" if s.target else s.reason
        lines.append(
            f"| `{s.name}` | {s.what} | {s.conditions} | {med:.3g} | [{lo:.3g}, {hi:.3g}] | {why} |"
        )
    lines.append(MARKERS[1])
    return "\n".join(lines)


def update_doc(path: Path, scenario: Scenario, runs: int) -> str:
    """Rewrite the section in ``path`` (appended if absent) from ``runs`` runs of
    ``scenario`` through December 2025; the new section."""
    b = simulate(scenario.with_values(run__months=REFERENCE_MONTHS), range(runs))
    section = render_section(
        replay_statistics(b.trajectories),
        f"{runs} runs of {scenario.name} (seed {scenario.seed})",
    )
    text = path.read_text()
    if MARKERS[0] in text and MARKERS[1] in text:
        head, rest = text.split(MARKERS[0], 1)
        text = head + section + rest.split(MARKERS[1], 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    atomic_write_bytes(path, text.encode())
    return section
