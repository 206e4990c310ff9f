"""What a review spends in the maths library: the count of calls per review (rules
interpreted) and the report's lines on what stands in the way of the decision budgets."""

from __future__ import annotations

import pytest

from benchmarks.extras import BARE_SHARE, obstacle_lines
from benchmarks.libm import FUNCTIONS, call_costs, calls_per_review

LIBM = {
    "costs": {"exp": 4.0, "log": 4.0, "erf": 15.0},
    "reviews": {"enterprise": 100, "choosing": 40, "developer": 300},
    "choosing": {"exp": 6.0, "log": 8.0, "erf": 1.0},
    "enterprise": {"exp": 2.4, "log": 3.2, "erf": 0.4},
    "developer": {"exp": 0.0, "log": 0.0, "erf": 0.0},
}
FIGURES = {
    "libm": LIBM,
    "decisions": {
        "runs": 10,
        "enterprise_decisions": 300_000,
        "developer_decisions": 700_000,
        "kernel_enterprise_rate": 10e6,  # 100 ns
        "kernel_developer_rate": 40e6,  # 25 ns
        "engine_rate": 12e6,
    },
    "bare": {"rate_1": 100e6, "rate_2": 200e6},  # 10 ns
}


@pytest.mark.slow
def test_calls_are_counted_per_review_and_costed():
    n = calls_per_review()
    assert n["reviews"]["enterprise"] > n["reviews"]["choosing"] > 0
    assert n["reviews"]["developer"] > 0
    # a review that chooses costs its logarithms of costs and its nest's exponentials; a
    # non-adopter's look at adopting costs none; a developer's review none
    assert n["choosing"]["log"] >= 4 and n["choosing"]["exp"] >= 3
    for f in FUNCTIONS:
        assert n["choosing"][f] >= n["enterprise"][f]
        assert n["developer"][f] == 0
    costs = call_costs(20_000)
    assert set(costs) == set(FUNCTIONS) and all(0 < v < 1e4 for v in costs.values())


def test_obstacles_are_computed_from_the_figures():
    text = "\n".join(obstacle_lines(FIGURES))
    # 6 x 4 + 8 x 4 + 1 x 15 = 71 ns of maths in a review that chooses
    assert "| an enterprise review that chooses (40% of them) | 6.0 | 8.0 | 1.0 | 71 |" in text
    assert f"{10 / BARE_SHARE:.0f} ns a decision on average" in text
    # 30% enterprise reviews at 100 ns, 70% developer at 25 ns: 48 ns a decision
    assert "averages 48 ns a decision" in text
    # 100,000 decisions a run: 3 ms + 1.75 ms; 10,000 runs on two threads: 24 s
    assert "10,000 runs' decisions alone take 24 s" in text
    assert obstacle_lines({"decisions": FIGURES["decisions"]}) == []


@pytest.mark.parametrize("missing", ["libm", "bare", "decisions"])
def test_no_obstacles_without_their_figures(missing):
    assert obstacle_lines({k: v for k, v in FIGURES.items() if k != missing}) == []


def test_rules_within_the_budget_point_at_the_rest_of_a_run():
    slow_bare = {**FIGURES, "bare": {"rate_1": 15e6, "rate_2": 30e6}}  # 67 ns: 222 ns allowed
    slow_bare["decisions"] = {**FIGURES["decisions"], "fraction": 0.75}
    text = "\n".join(obstacle_lines(slow_bare))
    assert "averages 48 ns a decision, within the budget on its own" in text
    assert "spends 25% of its time outside deciding" in text and "to 83 ns a decision" in text
    assert "over the budget before anything else" not in text.split("10,000 runs")[0]


def test_a_function_no_review_calls_gets_no_column():
    lm = FIGURES["libm"]
    gone = {k: ({**v, "erf": 0.0} if k != "costs" else v) for k, v in lm.items() if k != "reviews"}
    text = "\n".join(obstacle_lines({**FIGURES, "libm": {**lm, **gone}}))
    assert "| | exp | log | maths, ns |" in text and "erf" not in text.split("\n- ")[0]
    assert "| an enterprise review that chooses (40% of them) | 6.0 | 8.0 | 56 |" in text


def test_the_reference_engine_s_shortfall_is_explained_only_when_short():
    def text(ratio: float) -> str:
        return "\n".join(obstacle_lines({**FIGURES, "engines": {"reference_ratio": ratio}}))

    assert "Speed-up over the reference engine" in text(150.0)
    assert "Speed-up over the reference engine" not in text(250.0)
