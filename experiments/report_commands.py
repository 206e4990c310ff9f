"""The ``aimarket calibrate`` and ``aimarket ablate`` commands: they fit or switch off the
model's parameters and write a report (docs/calibration.md, docs/ablation.md)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .jsontext import json_text

if TYPE_CHECKING:
    from sim.params.scenario import Scenario

    from .calibration import CalibrationResult

__all__ = ["cmd_calibrate", "cmd_ablate", "calibration_report"]


def cmd_calibrate(args: argparse.Namespace) -> int:
    from sim.params.scenario import ScenarioError, load_scenario

    if getattr(args, "worlds", False):
        from .calibration.worlds_command import cmd_calibrate_worlds

        return cmd_calibrate_worlds(args)

    from .calibration import calibrate, missing_fit_keys, write_baseline_values
    from .store import atomic_write_bytes

    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.dry_run:
        missing = missing_fit_keys(Path(args.scenario))
        if missing:
            print(
                f"error: {args.scenario}: calibrate writes the fitted values into the file, "
                f"which must set every fitted key itself (as scenarios/baseline.toml does); "
                f"missing: {', '.join(missing)}. Use --dry-run to see the fit without writing.",
                file=sys.stderr,
            )
            return 2

    from .kernels import prepare_kernels
    from .progress import is_terminal

    tty = is_terminal(sys.stderr)
    prepare_kernels(scenario, lambda m: print(m, file=sys.stderr, flush=True))
    t0 = time.perf_counter()

    def progress(calls: int, value: float) -> None:
        text = f"evaluation {calls} of at most {args.evaluations}: loss {value:.3f}"
        if tty:
            print(f"\r{text}   ", end="", file=sys.stderr, flush=True)
        elif calls % 10 == 0:
            print(text, file=sys.stderr, flush=True)

    print(
        f"fitting: at most {args.evaluations} evaluations of {args.runs} runs each",
        file=sys.stderr,
        flush=True,
    )
    result = calibrate(scenario, args.runs, args.evaluations, progress)
    if tty:
        print(file=sys.stderr)
    print(
        f"fit done in {time.perf_counter() - t0:.0f} s; validating: {args.validation_runs} "
        f"full-horizon runs of the fitted baseline, then of each scenario in "
        f"{Path(args.scenario).parent}",
        file=sys.stderr,
        flush=True,
    )
    t0 = time.perf_counter()
    command = "uv run aimarket calibrate"
    if args.scenario != "scenarios/baseline.toml":
        command += f" {args.scenario}"
    for flag, default in (("runs", 48), ("evaluations", 400), ("validation_runs", 1000)):
        if getattr(args, flag) != default:
            command += f" --{flag.replace('_', '-')} {getattr(args, flag)}"
    report = calibration_report(
        scenario, Path(args.scenario), result, args.validation_runs, command
    )
    print(f"validation done in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    from .calibration.identifiability import keep_block

    report = keep_block(report, Path(args.report))  # computed from the worlds files apart
    if args.dry_run:
        print(report)
        return 0
    atomic_write_bytes(Path(args.report), report.encode())
    write_baseline_values(Path(args.scenario), result.fitted)
    print(report)
    print(f"wrote {args.report} and the fitted values into {args.scenario}")
    return 0


def calibration_report(
    scenario: Scenario, path: Path, result: CalibrationResult, validation_runs: int, command: str
) -> str:
    """docs/calibration.md for fit ``result`` of ``scenario`` (read from ``path``): the
    fitted baseline validated over ``validation_runs`` full-horizon runs, then the scenario
    library beside ``path`` under the fit; ``command`` is the line the report names."""
    from .calibration import library_table, render_report, validate

    fitted = scenario.with_values(**{k.replace(".", "__"): v for k, v in result.fitted.items()})
    values, ends, yearly = validate(fitted, validation_runs)
    library = library_table(path.parent, validation_runs, result.fitted)
    return render_report(result, values, ends, yearly, validation_runs, command, library)


def cmd_ablate(args: argparse.Namespace) -> int:
    from sim.params.scenario import ScenarioError

    from .ablation import ablate, render_ablation
    from .scenario_input import load_and_warn
    from .store import atomic_write_bytes

    try:
        scenario = load_and_warn(args.scenario, args.runs, args.seed)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from .kernels import prepare_kernels

    prepare_kernels(scenario, lambda m: print(m, file=sys.stderr, flush=True))

    def progress(done: int, total: int) -> None:
        print(f"variant {done}/{total} simulated", file=sys.stderr, flush=True)

    result = ablate(scenario, scenario.runs, threads=args.threads, progress=progress)
    command = "uv run aimarket ablate"
    if args.scenario != "scenarios/baseline.toml":
        command += f" {args.scenario}"
    if args.runs != 1000:
        command += f" --runs {args.runs}"
    if args.seed is not None:
        command += f" --seed {args.seed}"
    report = render_ablation(result, command)
    if args.json:
        print(json_text(result, indent=2))
    else:
        print(report)
    if not args.dry_run:
        atomic_write_bytes(Path(args.report), report.encode())
        print(f"wrote {args.report}", file=sys.stderr)
    return 0
