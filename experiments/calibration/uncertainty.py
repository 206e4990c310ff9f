"""What history matching allows each target to miss by: the observation's own uncertainty
and the model's structural discrepancy, as standard deviations in the target's units, and
the last month each fact describes (a backtest fits only the facts dated up to its month).

Implausibility (Vernon, Goldstein & Bower 2010) divides a world's miss by
sqrt(obs^2 + discrepancy^2 + seed variance): ``obs`` is how well the published figure
pins the quantity the target names (survey sampling, a range quoted, a chart read by eye);
``discrepancy`` how far the best model world could still sit from the real one because the
model measures something a little different or leaves a mechanism out (the notes in
:data:`~experiments.calibration.targets.MISS_NOTES`). Each pair is stated with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from .targets import Target

__all__ = ["Uncertainty", "UNCERTAINTY", "uncertainty_of"]


@dataclass(frozen=True)
class Uncertainty:
    """Observation and discrepancy standard deviations of one target, why, and the last month
    the fact describes (``dated``)."""

    obs: float
    discrepancy: float
    why: str
    dated: str = (
        ""  # the last month (YYYY-MM) the fact describes: a backtest fits facts up to a date
    )


UNCERTAINTY: dict[str, Uncertainty] = {
    "gap_months_2023_2025": Uncertainty(
        0.5,
        1.0,
        "Epoch's mean over 34 months is precise to about half a month; the model measures the "
        "gap in effective training compute, Epoch on its capabilities index (2023 wider)",
        dated="2025-10",
    ),
    "gap_months_2026": Uncertainty(
        0.7,
        1.0,
        "five months of releases only; same measurement difference as the 2023-2025 gap",
        dated="2026-05",
    ),
    "open_share_end_2024": Uncertainty(
        0.03,
        0.03,
        "a survey of a few hundred enterprise buyers (about 3 points of sampling error); the "
        "survey counts workloads, the model tokens",
        dated="2024-12",
    ),
    "open_share_mid_2025": Uncertainty(
        0.03,
        0.03,
        "as open_share_end_2024: sampling error; workloads against tokens",
        dated="2025-07",
    ),
    "open_share_end_2025": Uncertainty(
        0.04,
        0.03,
        "as open_share_end_2024, and quoted from secondary write-ups (one more point)",
        dated="2025-12",
    ),
    "closed_price_cut_2024": Uncertainty(
        0.1, 0.05, "the source gives a range, 60-80%: half its width", dated="2024-12"
    ),
    "flagship_price_2023": Uncertainty(
        0.1,
        0.1,
        "the blend of input and output prices (2:1 to 5:1 moves it by about 0.1 in log10); "
        "the model has one flagship price, the market a few list prices",
        dated="2023-12",
    ),
    "flagship_price_2024": Uncertainty(
        0.15,
        0.1,
        "the three labs' flagships span USD 2-26 (a median of three); one model price",
        dated="2024-12",
    ),
    "flagship_price_2025": Uncertainty(
        0.15, 0.1, "as flagship_price_2024: the labs' flagships span USD 3-10", dated="2025-12"
    ),
    "fixed_capability_fall_2024_2025": Uncertainty(
        0.2,
        0.15,
        "20-40x in two years by the chosen offers (0.15 in log10) and the threshold chosen; "
        "the model's cheapest offer reaching a capability against a benchmark threshold",
        dated="2025-12",
    ),
    "open_discount_2024_2025": Uncertainty(
        0.1, 0.05, "the source gives a range, 60-90%: half its width", dated="2025-12"
    ),
    "hybrid_share_large_2025": Uncertainty(
        0.15,
        0.05,
        "a qualitative statement ('hybrid dominates'): anywhere from about 40% to 70%",
        dated="2025-12",
    ),
    "llm_spend_2024": Uncertainty(
        0.1,
        0.1,
        "a market estimate (about 25%); the model's spend is enterprise API and managed tokens",
        dated="2024-12",
    ),
    "llm_spend_growth_2025": Uncertainty(
        0.3,
        0.3,
        "the ratio of two market estimates half a year apart; the model has no consumer or "
        "agent products",
        dated="2025-07",
    ),
    "platform_open_share_late_2025": Uncertainty(
        0.04,
        0.05,
        "read off the report's chart; OpenRouter's traffic stands for the whole platform segment",
        dated="2025-12",
    ),
    "deepseek_leads_2025": Uncertainty(
        0.03,
        0.03,
        "family shares read off charts; the model lacks three Chinese families",
        dated="2025-12",
    ),
    "deepseek_share_2025": Uncertainty(
        0.1,
        0.1,
        "derived from two chart readings (13-14% of tokens, a 30% open share); the model "
        "lacks the other Chinese families that spread open usage in 2025",
        dated="2025-12",
    ),
    "qwen_second_2025": Uncertainty(0.03, 0.03, "as deepseek_leads_2025", dated="2025-12"),
    "llama_falls_2025": Uncertainty(0.03, 0.03, "as deepseek_leads_2025", dated="2025-12"),
    "open_never_leads_2023_2025": Uncertainty(
        0.25,
        0.25,
        "Epoch's index resolves a lead to about a week; the model's capability is compute, "
        "so a near-frontier open release may lead it by days where Epoch's benchmarks do not",
        dated="2025-12",
    ),
    "anthropic_share_growth_2024_2025": Uncertainty(
        0.06,
        0.05,
        "the same survey a year apart (a few points of sampling error each) standing for "
        "revenue; a direction, not a size",
        dated="2025-07",
    ),
    "anthropic_share_mid_2025": Uncertainty(
        0.06,
        0.05,
        "a survey of enterprise usage shares (32/25/20%), a few points of sampling error each; "
        "usage shares stand for revenue shares",
        dated="2025-07",
    ),
    "closed_revenue_growth_2025": Uncertainty(
        0.8,
        1.0,
        "company statements of annualised revenue, rounded; the model's closed revenue is "
        "API revenue, without subscriptions and agents",
        dated="2025-12",
    ),
}


def uncertainty_of(target: Target) -> Uncertainty:
    """The target's stated uncertainty, or an error naming the target that has none."""
    u = UNCERTAINTY.get(target.name)
    if u is None:
        raise KeyError(
            f"experiments/calibration/uncertainty.py: target '{target.name}': expected an "
            "observation uncertainty and a discrepancy, found none"
        )
    return u
