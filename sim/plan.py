"""The month's plan: what happens at each monthly clearing, in order, as one table.

Both engines iterate :data:`MONTH_PLAN`: the fast engine through its clearing kernel, whose
body is generated from the table (``uv run python -m sim.codegen`` rewrites it;
``tests/test_codegen.py`` fails when it is stale), the reference engine in Python, one SimPy
priority per step. ``docs/model.md``'s order table is rendered from it and
``uv run aimarket plan`` prints it. A step is either a market step, one kernel of
:mod:`sim.rules.clearing` on the run state, or a review step, that module's review kernel
called once for each agent of the population due that month.

The clearing of month m is the event ``clearing`` at time m + 1, before every other event at
that time; the events of the month (releases, price reviews, funding, regulation) happen
between two clearings, in the order of the event table's priorities.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Step", "MONTH_PLAN", "REVIEWERS", "plan_table", "render_clearing"]

# who reviews in a review step: population -> (record array of the run state, review kernel)
REVIEWERS = {
    "developers": ("devs", "developer_review"),
    "enterprises": ("ents", "enterprise_review"),
}


@dataclass(frozen=True)
class Step:
    """One step of the month: its name, who acts (``market`` or a population of
    :data:`REVIEWERS`), the kernel of :mod:`sim.rules.clearing` and what it does."""

    name: str
    who: str
    kernel: str
    doc: str


MONTH_PLAN: tuple[Step, ...] = (
    Step(
        "demand",
        "market",
        "step_demand",
        "the GPU fleet renews; token demand per adopter answers capability and price; hybrids "
        "re-mix their routes to the month's share of frontier-bound work",
    ),
    Step(
        "training",
        "market",
        "step_training",
        "every lab's training window accrues a month of compute at today's FLOP per USD and "
        "keeps e^(−1/training_window_months) of the rest",
    ),
    Step(
        "views",
        "market",
        "step_views",
        "per-lab prices, serving costs and gaps; per-region choice weights of closed vendors, "
        "open families and developer ecosystems; clouds set their managed markups; platform "
        "usage moves towards the month's logit shares",
    ),
    Step(
        "developers_open",
        "market",
        "developers_open",
        "the developers' month context: which ecosystems are open, the pull of staying put",
    ),
    Step(
        "developer_reviews",
        "developers",
        "developer_review",
        "each developer due chooses an ecosystem against the views",
    ),
    Step(
        "developers_close",
        "market",
        "developers_close",
        "the month's developer switches are logged and ecosystem shares updated; the "
        "enterprises' month context",
    ),
    Step(
        "enterprise_reviews",
        "enterprises",
        "enterprise_review",
        "each enterprise due adopts (Bass) and chooses a deployment against the views",
    ),
    Step(
        "enterprises_close",
        "market",
        "enterprises_close",
        "the month's enterprise reviews are logged; adoption and the developers' open share "
        "as the next month sees them",
    ),
    Step(
        "money",
        "market",
        "step_money",
        "spend of both segments is paid to vendors, clouds and in-house infrastructure; "
        "transfers (cloud resale, revenue shares) settle; venture-funded labs update cash",
    ),
    Step(
        "funding",
        "market",
        "step_funding",
        "venture-funded labs short of runway schedule a round, or run out of cash",
    ),
    Step(
        "regulators",
        "market",
        "step_regulators",
        "regulatory pressure decays; regulators may schedule a safety incident, strict "
        "liability, export controls",
    ),
    Step(
        "price_reviews",
        "market",
        "step_price_reviews",
        "closed vendors' quarterly price reviews are scheduled",
    ),
    Step(
        "record",
        "market",
        "step_record",
        "the month's trajectory row and the frontier history; the next clearing is scheduled",
    ),
)


def plan_table() -> str:
    """The plan as a Markdown table (docs/model.md, ``aimarket plan``)."""
    rows = ["| # | step | who | kernel (`sim/rules/clearing.py`) | what happens |"]
    rows.append("|---|---|---|---|---|")
    for j, step in enumerate(MONTH_PLAN, 1):
        who = "market" if step.who == "market" else f"each of the {step.who} due"
        rows.append(f"| {j} | {step.name} | {who} | `{step.kernel}` | {step.doc} |")
    return "\n".join(rows)


def render_clearing() -> str:
    """The body of the fast engine's clearing kernel for the current plan."""
    lines = []
    for step in MONTH_PLAN:
        if step.who == "market":
            lines.append(f"    clearing.{step.kernel}(s)\n")
        else:
            lines.append(f"    _reviews_{step.who}(s, months, rings, m.month)\n")
    return "".join(lines)
