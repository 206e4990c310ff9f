"""Adaptive Monte Carlo: add runs until every end-state's 95% interval is narrower than a width.

Runs are added in steps, run k always with the seed of run k of a batch
(``sim.rules.rng.run_seed``), so the runs an adaptive batch stops at are exactly those of
``aimarket run --runs N`` with the N it reports, and the stopping point itself is reproducible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from sim.engine.batch import simulate
from sim.params.scenario import Scenario
from sim.vocab import END_STATES

from .jsontext import json_text
from .stats import wilson_interval
from .tables import runs_frame

__all__ = ["AdaptiveResult", "AdaptiveError", "widest_interval", "run_until_narrow"]


class AdaptiveError(ValueError):
    """The requested width cannot be reached (clear message)."""


@dataclass
class AdaptiveResult:
    """The runs it took, their table, and the widest end-state interval reached."""

    runs: int
    table: pl.DataFrame
    widest: float
    steps: int


def widest_interval(end_states: np.ndarray) -> float:
    """Width of the widest 95% Wilson interval over the end-states of these runs."""
    n = len(end_states)
    widths = []
    for i in range(len(END_STATES)):
        lo, hi = wilson_interval(int((end_states == i).sum()), n)
        widths.append(hi - lo)
    return max(widths)


def run_until_narrow(
    scenario: Scenario,
    width: float,
    step: int = 200,
    max_runs: int = 200_000,
    threads: int | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> AdaptiveResult:
    """Run ``scenario`` in steps of ``step`` runs until every end-state's 95% interval is
    narrower than ``width`` (checked after each step); at most ``max_runs`` runs."""
    if not 0.0 < width < 1.0:
        raise AdaptiveError(f"--ci-width: expected a number in (0, 1), found {width!r}")
    from .capacity import CapacityError, check_capacity

    try:
        check_capacity(scenario.with_values(run__runs=max_runs), None, step)
    except CapacityError as exc:
        raise AdaptiveError(str(exc)) from None
    frames: list[pl.DataFrame] = []
    ends: list[np.ndarray] = []
    n = 0
    steps = 0
    widest = 1.0
    while n < max_runs:
        runs = range(n, min(n + step, max_runs))
        arrays = simulate(scenario, runs, threads=threads)
        frames.append(runs_frame(arrays, scenario.global_vector()))
        ends.append(arrays.end_states)
        n = runs.stop
        steps += 1
        widest = widest_interval(np.concatenate(ends))
        if progress:
            progress(n, widest)
        if widest < width:
            return AdaptiveResult(n, pl.concat(frames), widest, steps)
    raise AdaptiveError(
        f"--ci-width {width}: expected every interval narrower after at most {max_runs} runs, "
        f"found {widest:.4f} at {n} runs; ask for a wider interval"
    )


def run_adaptive_command(args, scenario: Scenario) -> int:
    """``aimarket run SCENARIO --ci-width W``: the adaptive batch, its table, and with
    ``--out`` the results folder of exactly the runs it took (as ``--runs N`` writes it)."""
    import sys

    from .runner import BatchError, default_chunk, run_scenario
    from .summary import render_table, summarize

    def progress(n: int, widest: float) -> None:
        print(f"{n} runs: widest 95% interval {widest:.4f}", file=sys.stderr, flush=True)

    try:
        result = run_until_narrow(scenario, args.ci_width, threads=args.threads, progress=progress)
    except AdaptiveError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    table = result.table
    out = None
    if args.out:
        try:
            batch = run_scenario(
                scenario.with_values(run__runs=result.runs),
                out=args.out,
                threads=args.threads,
                chunk_size=args.chunk or default_chunk("fast"),
                force=getattr(args, "force", False),
            )
        except BatchError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        table, out = batch.runs, batch.out
    summary = summarize(table, scenario.name, scenario.seed)
    summary["scenario_hash"] = scenario.hash
    summary["adaptive"] = {
        "ci_width": args.ci_width,
        "runs": result.runs,
        "widest_interval": result.widest,
    }
    summary["out"] = str(out) if out else None
    if args.json:
        print(json_text(summary, indent=2))
        return 0
    print(render_table(summary))
    print(
        f"\nevery end-state's 95% interval is narrower than {args.ci_width:g} after "
        f"{result.runs} runs (widest {result.widest:.4f}); the same runs as --runs {result.runs}"
    )
    if out:
        print(f"results written to {out}")
    return 0
