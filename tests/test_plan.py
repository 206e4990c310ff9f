"""The month's plan: one table, both engines, the docs and the CLI."""

from __future__ import annotations

from sim.engine import fast
from sim.engine.clock import event_priority, review_priority, step_priority
from sim.events import EV, SCHEDULED
from sim.plan import MONTH_PLAN, REVIEWERS, plan_table
from sim.rules import clearing

from .conftest import ROOT


def test_every_step_names_a_kernel_and_every_population_a_review_loop():
    assert len({step.name for step in MONTH_PLAN}) == len(MONTH_PLAN)
    for step in MONTH_PLAN:
        assert step.who == "market" or step.who in REVIEWERS, step
        assert callable(getattr(clearing, step.kernel)), step.kernel
        assert step.who == "market" or hasattr(fast, f"_reviews_{step.who}"), step.who
    assert {step.who for step in MONTH_PLAN} - {"market"} == set(REVIEWERS)


def test_reference_priorities_follow_the_plan():
    # a population reviews at its step's priority, between its neighbours' steps
    for who in REVIEWERS:
        j = [step.who for step in MONTH_PLAN].index(who)
        assert step_priority(j - 1) < review_priority(who) < step_priority(j + 1)
    # the clearing starts at the first step; every other event runs after its last step
    assert event_priority(EV.CLEARING) == step_priority(0)
    later = [event_priority(k) for k in SCHEDULED if k != EV.CLEARING]
    assert min(later) > step_priority(len(MONTH_PLAN) - 1)
    assert later == sorted(later)


def test_docs_and_cli_show_the_plan(capsys):
    from experiments.cli import main

    assert plan_table() in (ROOT / "docs" / "model.md").read_text()
    assert main(["plan"]) == 0
    out = capsys.readouterr().out
    assert [line.split("|")[2].strip() for line in out.splitlines()[2:]] == [
        step.name for step in MONTH_PLAN
    ]
