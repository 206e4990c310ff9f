"""The calibration's targets: stylized facts of 2023-2025, each a statistic of a run's
trajectory with a public figure, a source and a scale (how far off counts as one unit of
misfit), and the loss that sums the misfits."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from sim.engine.batch import simulate
from sim.params.scenario import Scenario
from sim.params.spec import LAB_NAMES, G
from sim.state import S, lab_series

from .miss_notes import MISS_NOTES

__all__ = ["Target", "TARGETS", "MISS_NOTES", "FIT_MONTHS", "DEC", "target_values", "loss"]

FIT_MONTHS = 41  # the fit looks at January 2023 to May 2026 only (Epoch's 2026 gap window)
DEC = {2023: 11, 2024: 23, 2025: 35}


@dataclass(frozen=True)
class Target:
    """A stylized fact: per-run statistic of a trajectory (months x series) and its figure."""

    name: str
    description: str
    value: float
    scale: float
    source: str
    statistic: Callable[[np.ndarray, np.ndarray], float] = field(repr=False)
    bound: int = 0  # 0: the figure; +1: at least the figure (a rank); -1: at most the figure

    def band_holds(self, lo: float, hi: float) -> bool:
        """Whether a forecast band [lo, hi] holds the figure (for a one-sided fact: whether
        it reaches the allowed side)."""
        if self.bound > 0:
            return hi >= self.value
        if self.bound < 0:
            return lo <= self.value
        return lo <= self.value <= hi

    def miss(self, median: float) -> float:
        """Signed distance of a median from the figure, counting only the side that violates
        a one-sided (rank or direction) fact."""
        d = median - self.value
        if self.bound > 0:
            return min(d, 0.0)
        if self.bound < 0:
            return max(d, 0.0)
        return d


def _gap_mean(tr: np.ndarray, P: np.ndarray) -> float:
    return float(np.mean(tr[:34, S.GAP_MONTHS]))  # January 2023 - October 2025


def _open_lead(tr: np.ndarray, P: np.ndarray) -> float:
    """The most months the best open model led the closed frontier in 2023-2025 (0 if it
    never did)."""
    return float(max(0.0, -np.min(tr[: DEC[2025] + 1, S.GAP_MONTHS])))


def _gap_mean_2026(tr: np.ndarray, P: np.ndarray) -> float:
    return float(np.mean(tr[DEC[2025] + 1 : DEC[2025] + 6, S.GAP_MONTHS]))  # Jan - May 2026


def _quarter_mean(tr: np.ndarray, P: np.ndarray, col: int, last: int) -> float:
    """Mean of series ``col`` over the three months ending with month ``last``."""
    return float(np.mean(tr[last - 2 : last + 1, col]))


def _quarter(col: int, last: int) -> Callable[[np.ndarray, np.ndarray], float]:
    return partial(_quarter_mean, col=col, last=last)


def _family_2025(tr: np.ndarray, lab: str) -> float:
    """A lab's mean share of the platform segment's open tokens in 2025."""
    col = lab_series(LAB_NAMES.index(lab), "open_usage_platform")
    return float(np.mean(tr[DEC[2024] + 1 : DEC[2025] + 1, col]))


def _family_lead(tr: np.ndarray, lab: str, behind: tuple[str, ...]) -> float:
    """``lab``'s 2025 platform share minus the largest of the families not in ``behind``."""
    own = _family_2025(tr, lab)
    others = [_family_2025(tr, k) for k in LAB_NAMES if k != lab and k not in behind]
    return own - max(others)


def _deepseek_lead(tr: np.ndarray, P: np.ndarray) -> float:
    return _family_lead(tr, "deepseek", ())


def _deepseek_share(tr: np.ndarray, P: np.ndarray) -> float:
    return _family_2025(tr, "deepseek")


def _qwen_second(tr: np.ndarray, P: np.ndarray) -> float:
    return _family_lead(tr, "alibaba", ("deepseek",))


def _llama_change(tr: np.ndarray, P: np.ndarray) -> float:
    """Change of Llama's platform share of open tokens from 2024 to 2025."""
    col = lab_series(LAB_NAMES.index("meta"), "open_usage_platform")
    a = np.mean(tr[DEC[2023] + 1 : DEC[2024] + 1, col])
    return float(_family_2025(tr, "meta") - a)


def _closed_price_year(tr: np.ndarray, P: np.ndarray) -> float:
    """Share by which the price of the frontier closed API fell in 2024 (list price per
    token of the best model on sale, as GPT-4 -> GPT-4 Turbo -> GPT-4o)."""
    return float(1.0 - tr[DEC[2024], S.FRONTIER_PRICE] / tr[DEC[2023], S.FRONTIER_PRICE])


def _flagship_price(year: int, tr: np.ndarray, P: np.ndarray) -> float:
    """log10 of the flagship's price in December of ``year``, USD per M tokens."""
    return float(np.log10(max(tr[DEC[year], S.FRONTIER_PRICE], 1e-12)))


def _fixed_capability_fall(tr: np.ndarray, P: np.ndarray) -> float:
    """log10 of how many times cheaper January 2023's frontier capability got from December
    2023 to December 2025 (the cheapest offer reaching it)."""
    a = tr[DEC[2023], S.PRICE_AT_START_FRONTIER]
    b = tr[DEC[2025], S.PRICE_AT_START_FRONTIER]
    return float(np.log10(max(a, 1e-12) / max(b, 1e-12)))


def _closed_share(tr: np.ndarray, lab: str, start: int) -> float:
    """``lab``'s share of the three closed frontier labs' revenue over the three months from
    month ``start``."""
    rows = tr[start : start + 3]
    own = rows[:, lab_series(LAB_NAMES.index(lab), "revenue")].sum()
    tot = sum(
        rows[:, lab_series(LAB_NAMES.index(k), "revenue")].sum()
        for k in ("openai", "anthropic", "google")
    )
    return float(own / tot) if tot > 0 else 0.0


def _anthropic_share(tr: np.ndarray, P: np.ndarray) -> float:
    """Anthropic's share of the three closed frontier labs' revenue, May-July 2025."""
    return _closed_share(tr, "anthropic", DEC[2024] + 5)


def _anthropic_share_growth(tr: np.ndarray, P: np.ndarray) -> float:
    """How much Anthropic's share of the three closed frontier labs' revenue grew from
    May-July 2024 to May-July 2025."""
    return _anthropic_share(tr, P) - _closed_share(tr, "anthropic", DEC[2023] + 5)


def _open_discount(tr: np.ndarray, P: np.ndarray) -> float:
    """How much cheaper open inference is than a closed API at equal capability (2024-2025)."""
    e = P[G.SERVE_COST_EXP]
    rows = tr[DEC[2023] + 1 : DEC[2025] + 1]
    closed_at_open_cap = rows[:, S.FRONTIER_PRICE] * 10.0 ** (
        -e * (rows[:, S.FRONTIER_CAP] - rows[:, S.OPEN_CAP])
    )
    return float(np.mean(1.0 - rows[:, S.OPEN_PRICE] / closed_at_open_cap))


def _hybrid_large(tr: np.ndarray, P: np.ndarray) -> float:
    return float(tr[DEC[2025], S.HYBRID_SHARE_LARGE])


def _spend_2024(tr: np.ndarray, P: np.ndarray) -> float:
    return float(
        np.log10(max(np.mean(tr[DEC[2024] - 2 : DEC[2024] + 1, S.ENTERPRISE_SPEND]), 1e-9))
    )


def _spend_growth(tr: np.ndarray, P: np.ndarray) -> float:
    """Spend in May-July 2025 over spend in October-December 2024."""
    a = np.mean(tr[DEC[2024] - 2 : DEC[2024] + 1, S.ENTERPRISE_SPEND])
    b = np.mean(tr[DEC[2024] + 5 : DEC[2024] + 8, S.ENTERPRISE_SPEND])
    return float(b / max(a, 1e-12))


def _closed_revenue_growth(tr: np.ndarray, P: np.ndarray) -> float:
    a = np.mean(tr[DEC[2024] - 2 : DEC[2024] + 1, S.CLOSED_REVENUE])
    b = np.mean(tr[DEC[2025] - 2 : DEC[2025] + 1, S.CLOSED_REVENUE])
    return float(b / max(a, 1e-12))


TARGETS: tuple[Target, ...] = (
    Target(
        "gap_months_2023_2025",
        "months the best open model trails the closed frontier, mean Jan 2023 - Oct 2025",
        3.0,
        1.0,
        "Epoch AI data insight (October 2025): on the Epoch Capabilities Index the best "
        "open-weight model trailed the state of the art by three months on average, January "
        "2023 - October 2025 (days since the frontier was last not significantly better)",
        _gap_mean,
    ),
    Target(
        "gap_months_2026",
        "months the best open model trails the closed frontier, mean Jan - May 2026",
        4.0,
        1.0,
        "Epoch AI data insight 'Open models lag state-of-the-art closed models by 4 months' "
        "(Edwards and Emberson, May 2026): four months on average, January - May 2026, "
        "slightly more than the three of 2023-2025",
        _gap_mean_2026,
    ),
    Target(
        "open_never_leads_2023_2025",
        "the most months the best open model led the closed frontier, 2023-2025 (a bound: at "
        "most 0)",
        0.0,
        0.5,
        "Epoch AI data insights (October 2025, May 2026): open-weight models trailed the "
        "closed state of the art throughout 2023-2025; the closest, DeepSeek-R1 (January "
        "2025), still trailed OpenAI's o1",
        _open_lead,
        bound=-1,
    ),
    Target(
        "open_share_end_2024",
        "share of enterprise tokens on open weights, mean Oct-Dec 2024",
        0.19,
        0.04,
        "Menlo Ventures, 2025 Mid-Year LLM Market Update: open models' share of enterprise "
        "workloads 19% at end-2024",
        _quarter(S.OPEN_SHARE, DEC[2024]),
    ),
    Target(
        "open_share_mid_2025",
        "share of enterprise tokens on open weights, mean May-Jul 2025",
        0.13,
        0.04,
        "Menlo Ventures, 2025 Mid-Year LLM Market Update: 13% by mid-2025",
        _quarter(S.OPEN_SHARE, DEC[2024] + 7),
    ),
    Target(
        "open_share_end_2025",
        "share of enterprise tokens on open weights, mean Oct-Dec 2025",
        0.11,
        0.04,
        "Menlo Ventures, '2025: The State of Generative AI in the Enterprise' (December 2025): "
        "open models 11% of enterprise LLM API usage, down from 19% a year earlier (as quoted "
        "in secondary write-ups; the report itself could not be opened from here)",
        _quarter(S.OPEN_SHARE, DEC[2025]),
    ),
    Target(
        "closed_price_cut_2024",
        "fall in the frontier closed API price per token, Dec 2023 - Dec 2024 (share)",
        0.7,
        0.1,
        "AI Newspaper Today, 'Meta's Open-Source AI Gambit': per-token prices down 60-80% across "
        "the industry in about a year",
        _closed_price_year,
    ),
    Target(
        "flagship_price_2023",
        "the flagship's price (most capable closed API), Dec 2023, log10 USD per M tokens",
        math.log10(15.0),
        0.15,
        "OpenAI price list: GPT-4 Turbo (November 2023) USD 10/30 per M input/output tokens, "
        "USD 15 blended at three input tokens per output token (the ratio of chat and RAG "
        "workloads, whose prompts carry context: OpenRouter and a16z, 'State of AI', December "
        "2025, report prompt tokens several times completion tokens)",
        partial(_flagship_price, 2023),
    ),
    Target(
        "flagship_price_2024",
        "the flagship's price, Dec 2024, log10 USD per M tokens",
        math.log10(6.0),
        0.2,
        "vendors' price lists, December 2024, blended 3:1: OpenAI o1 USD 15/60 (26), GPT-4o "
        "2.5/10 (4.4); Anthropic Claude 3.5 Sonnet 3/15 (6); Google Gemini 1.5 Pro 1.25/5 "
        "(2.2): the three frontier labs' flagships at a median of about USD 6",
        partial(_flagship_price, 2024),
    ),
    Target(
        "flagship_price_2025",
        "the flagship's price, Dec 2025, log10 USD per M tokens",
        math.log10(4.5),
        0.2,
        "vendors' price lists, December 2025, blended 3:1: OpenAI GPT-5.1 USD 1.25/10 (3.4); "
        "Anthropic Claude Opus 4.5 5/25 (10), Sonnet 4.5 3/15 (6); Google Gemini 3 Pro 2/12 "
        "(4.5): a median of about USD 4.5, level with 2024 although serving a fixed capability "
        "got about tenfold cheaper a year (reasoning flagships spend more compute per token)",
        partial(_flagship_price, 2025),
    ),
    Target(
        "fixed_capability_fall_2024_2025",
        "how many times cheaper January 2023's frontier capability got, Dec 2023 - Dec 2025, log10",
        math.log10(20.0),
        0.3,
        "a16z, 'LLMflation' (November 2024): the price of a fixed capability falls about 10x a "
        "year; Epoch AI, 'LLM inference prices have fallen rapidly but unequally across tasks' "
        "(March 2025): 9x-900x a year by threshold. GPT-3.5-level capability: gpt-3.5-turbo-1106 "
        "USD 1/2 per M tokens (November 2023), hosted 7-8 B open models (Llama 3.1 8B, Qwen 2.5 "
        "7B) USD 0.02-0.05 in 2025: some 20-40x in two years, slowing as prices near the cost "
        "of serving the smallest models",
        _fixed_capability_fall,
    ),
    Target(
        "anthropic_share_mid_2025",
        "Anthropic's share of the three closed frontier labs' revenue, May-Jul 2025",
        0.42,
        0.1,
        "Menlo Ventures, 2025 Mid-Year LLM Market Update (July 2025): enterprise LLM usage "
        "Anthropic 32%, OpenAI 25%, Google 20% (Anthropic 0.42 of the three), on coding and "
        "agents (42% of enterprise code generation against OpenAI's 21%); a year earlier "
        "OpenAI led with about half",
        _anthropic_share,
    ),
    Target(
        "anthropic_share_growth_2024_2025",
        "growth of Anthropic's share of the three closed frontier labs' revenue, May-Jul 2024 "
        "to May-Jul 2025 (a direction: at least 0)",
        0.0,
        0.05,
        "Menlo Ventures: Anthropic's share of enterprise LLM usage 12% (2023), 24% (November "
        "2024), 32% (July 2025) while OpenAI's fell from 50% to 34% and 25%: the revenue split "
        "moved towards Anthropic on coding and agents",
        _anthropic_share_growth,
        bound=1,
    ),
    Target(
        "open_discount_2024_2025",
        "open inference on a cloud vs a closed API at equal capability, 2024-2025 (share cheaper)",
        0.75,
        0.1,
        "'Open-source AI' glossary: open inference 60-90% cheaper than closed APIs at equal "
        "quality",
        _open_discount,
    ),
    Target(
        "hybrid_share_large_2025",
        "share of large adopters running hybrid (open + closed), Dec 2025",
        0.55,
        0.1,
        "'The Great Giveaway'; 'The Long View': hybrid deployment dominates large organisations",
        _hybrid_large,
    ),
    Target(
        "llm_spend_2024",
        "enterprise spend on language models, Oct-Dec 2024, log10 USD B per month",
        float(np.log10(3.5 / 12.0)),
        0.15,
        "Menlo Ventures, 2025 Mid-Year LLM Market Update: model-API spend USD 3.5 B a year at "
        "end-2024 (0.29 B a month)",
        _spend_2024,
    ),
    Target(
        "llm_spend_growth_2025",
        "enterprise spend in May-Jul 2025 over Oct-Dec 2024",
        8.4 / 3.5,
        0.4,
        "Menlo Ventures, 2025 Mid-Year LLM Market Update: model-API spend from USD 3.5 B to "
        "8.4 B a year between end-2024 and mid-2025",
        _spend_growth,
    ),
    Target(
        "platform_open_share_late_2025",
        "share of the platform segment's tokens on open weights, mean Oct-Dec 2025",
        0.33,
        0.05,
        "OpenRouter and a16z, 'State of AI: an empirical 100 trillion token study' (December "
        "2025): open-weight models rose to about a third of tokens by late 2025",
        _quarter(S.PLATFORM_OPEN_SHARE, DEC[2025]),
    ),
    Target(
        "deepseek_leads_2025",
        "DeepSeek's 2025 share of platform open tokens minus the largest other family's "
        "(a rank: at least 0)",
        0.0,
        0.05,
        "OpenRouter and a16z, 'State of AI' (December 2025): DeepSeek the largest open-weight "
        "family by tokens in 2025",
        _deepseek_lead,
        bound=+1,
    ),
    Target(
        "deepseek_share_2025",
        "DeepSeek's 2025 share of platform open tokens",
        0.45,
        0.15,
        "OpenRouter and a16z, 'State of AI' (December 2025): DeepSeek about 13-14% of all "
        "tokens over the study's year, with open weights rising to about 30%, i.e. some 45% of "
        "open-weight tokens; from a near-monopoly early in 2025 to a mix in which no open model "
        "carries more than a quarter by its end (scale wide: family and model shares, and the "
        "year's open share, are read off the report's charts)",
        _deepseek_share,
    ),
    Target(
        "qwen_second_2025",
        "Qwen's (Alibaba's) 2025 share of platform open tokens minus the largest family "
        "other than DeepSeek's (a rank: at least 0)",
        0.0,
        0.05,
        "OpenRouter and a16z, 'State of AI' (December 2025): Qwen the second open family",
        _qwen_second,
        bound=+1,
    ),
    Target(
        "llama_falls_2025",
        "change of Llama's (Meta's) share of platform open tokens from 2024 to 2025 (a "
        "direction: at most 0)",
        0.0,
        0.05,
        "OpenRouter and a16z, 'State of AI' (December 2025): Llama's share fell as usage "
        "spread over five to seven families",
        _llama_change,
        bound=-1,
    ),
    Target(
        "closed_revenue_growth_2025",
        "closed API revenue in Oct-Dec 2025 over Oct-Dec 2024",
        3.5,
        1.0,
        "company statements reported in the press: OpenAI's annualised revenue about USD 5.5 B "
        "at end-2024 and above 20 B at end-2025; Anthropic's about 1 B and 9 B",
        _closed_revenue_growth,
    ),
)


def target_values(scenario: Scenario, runs: range | list[int]) -> dict[str, np.ndarray]:
    """Per-run value of every target statistic (January 2023 - May 2026 of each run)."""
    batch = simulate(scenario, runs)
    P = scenario.global_vector()
    out = {t.name: np.empty(len(batch.runs)) for t in TARGETS}
    for j in range(len(batch.runs)):
        tr = batch.trajectories[j]
        for t in TARGETS:
            out[t.name][j] = t.statistic(tr, P)
    return out


def loss(values: dict[str, np.ndarray], skip: set[str] | frozenset[str] = frozenset()) -> float:
    """Sum over targets (except ``skip``) of ((median - target) / scale)^2."""
    total = 0.0
    for t in TARGETS:
        if t.name in skip:
            continue
        med = float(np.median(values[t.name]))
        total += (t.miss(med) / t.scale) ** 2 if math.isfinite(med) else 1e6
    return total
