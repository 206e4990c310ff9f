"""The ``aimarket`` command line: a thin shell over the library functions.

Exit codes: 0 success, 2 bad input (scenario, arguments, results folder), 130 interrupted.
Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit code 2 with usage, as argparse does
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a non-negative integer, found {text!r}"
        ) from None
    if value < 0 or value > 2**62:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, found {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="aimarket",
        description="Simulate competition between open-weight and closed AI models.",
    )
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run a batch of a scenario and report end-state frequencies")
    run.add_argument("scenario", help="scenario TOML file, e.g. scenarios/baseline.toml")
    run.add_argument("--runs", type=_positive, help="number of runs (default: the scenario's)")
    run.add_argument("--seed", type=_seed, help="base seed (default: the scenario's)")
    run.add_argument("--out", help="results folder (runs, trajectories, events, manifest)")
    run.add_argument("--threads", type=_positive, help="worker threads (default: all cores)")
    run.add_argument(
        "--engine",
        choices=("fast", "reference"),
        default="fast",
        help="fast (numba, batches) or reference (Mesa agents on a SimPy clock, seconds a run);"
        " both give the same results",
    )
    run.add_argument(
        "--chunk",
        type=_positive,
        default=None,
        help="runs per resumable chunk (default 250; 10 with the reference engine)",
    )
    run.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    cmp = sub.add_parser("compare", help="compare end-state shares of scenarios with the first")
    cmp.add_argument("scenarios", nargs="+", help="scenario files; the first is the baseline")
    cmp.add_argument("--runs", type=_positive, help="runs per scenario (default: each file's)")
    cmp.add_argument("--seed", type=_seed, help="base seed for every scenario (default: first's)")
    cmp.add_argument("--out", help="folder for one results folder per scenario + compare.json")
    cmp.add_argument("--threads", type=_positive, help="worker threads (default: all cores)")
    cmp.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    cal = sub.add_parser(
        "calibrate",
        help="fit the baseline's uncertain parameters to the 2023-2025 stylized facts",
    )
    cal.add_argument(
        "scenario",
        nargs="?",
        default="scenarios/baseline.toml",
        help="scenario to calibrate and update (default scenarios/baseline.toml)",
    )
    cal.add_argument("--runs", type=_positive, default=48, help="runs per evaluation (48)")
    cal.add_argument(
        "--evaluations", type=_positive, default=400, help="most loss evaluations (400)"
    )
    cal.add_argument(
        "--validation-runs", type=_positive, default=1000, help="full-horizon runs (1000)"
    )
    cal.add_argument(
        "--report", default="docs/calibration.md", help="report file (docs/calibration.md)"
    )
    cal.add_argument("--dry-run", action="store_true", help="print the report; change no file")
    abl = sub.add_parser(
        "ablate",
        help="switch each driver and counter-force off and double it; paired effects table",
    )
    abl.add_argument(
        "scenario", nargs="?", default="scenarios/baseline.toml", help="scenario (the baseline)"
    )
    abl.add_argument("--runs", type=_positive, default=1000, help="runs per variant (1000)")
    abl.add_argument("--seed", type=_seed, help="base seed (default: the scenario's)")
    abl.add_argument("--threads", type=_positive, help="worker threads (default: all cores)")
    abl.add_argument("--report", default="docs/ablation.md", help="report file (docs/ablation.md)")
    abl.add_argument("--dry-run", action="store_true", help="print the report; write no file")
    abl.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    story = sub.add_parser("story", help="tell the story of one run of a results folder")
    story.add_argument("folder", help="a results folder written by 'aimarket run --out'")
    story.add_argument("--run", type=int, default=0, help="run index (default 0)")
    from .view import add_view_parser

    add_view_parser(sub)
    return p


def _load(path: str, runs: int | None, seed: int | None):
    from sim.params.scenario import load_scenario

    scenario = load_scenario(path)
    overrides = {}
    if runs is not None:
        overrides["run__runs"] = runs
    if seed is not None:
        overrides["run__seed"] = seed
    return scenario.with_values(**overrides) if overrides else scenario


def _cmd_run(args: argparse.Namespace) -> int:
    from sim.params.scenario import ScenarioError

    from .runner import BatchError, default_chunk, run_scenario
    from .summary import render_table, summarize

    try:
        scenario = _load(args.scenario, args.runs, args.seed)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    bar = _progress(scenario.runs)
    try:
        result = run_scenario(
            scenario,
            out=args.out,
            threads=args.threads,
            chunk_size=args.chunk or default_chunk(args.engine),
            progress=bar.update if bar else None,
            engine=args.engine,
        )
    except BatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if bar:
            bar.close()
    summary = summarize(result.runs, scenario.name, scenario.seed)
    summary["scenario_hash"] = scenario.hash
    summary["engine"] = args.engine
    summary["out"] = str(result.out) if result.out else None
    summary["timings"] = result.timings
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(render_table(summary))
        if result.out:
            print(f"\nresults written to {result.out}")
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from sim.params.scenario import ScenarioError

    from .compare import compare_scenarios, render_comparison
    from .runner import BatchError
    from .store import atomic_write_json

    try:
        first = _load(args.scenarios[0], args.runs, args.seed)
        scenarios = [first] + [
            _load(p, args.runs, args.seed if args.seed is not None else first.seed)
            for p in args.scenarios[1:]
        ]
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        print(f"error: scenario names: expected distinct names, found {names}", file=sys.stderr)
        return 2
    bar = _progress(sum(s.runs for s in scenarios))
    try:
        cmp = compare_scenarios(
            scenarios, out=args.out, threads=args.threads, progress=bar.update if bar else None
        )
    except BatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        bar.close()
    if args.out:
        from pathlib import Path

        atomic_write_json(Path(args.out) / "compare.json", cmp)
    if args.json:
        print(json.dumps(cmp, indent=2))
    else:
        print(render_comparison(cmp))
    return 0


def _progress(total: int):
    from tqdm import tqdm

    return tqdm(total=total, unit="run", file=sys.stderr, dynamic_ncols=True, leave=False)


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from sim.params.scenario import ScenarioError, load_scenario

    from .calibration import (
        calibrate,
        library_table,
        missing_fit_keys,
        render_report,
        validate,
        write_baseline_values,
    )
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

    def progress(calls: int, value: float) -> None:
        print(f"\revaluation {calls}: loss {value:.3f}   ", end="", file=sys.stderr, flush=True)

    result = calibrate(scenario, args.runs, args.evaluations, progress)
    print(file=sys.stderr)
    fitted = scenario.with_values(**{k.replace(".", "__"): v for k, v in result.fitted.items()})
    values, ends, yearly = validate(fitted, args.validation_runs)
    command = "uv run aimarket calibrate"
    if args.scenario != "scenarios/baseline.toml":
        command += f" {args.scenario}"
    for flag, default in (("runs", 48), ("evaluations", 400), ("validation_runs", 1000)):
        if getattr(args, flag) != default:
            command += f" --{flag.replace('_', '-')} {getattr(args, flag)}"
    library = library_table(Path(args.scenario).parent, args.validation_runs, result.fitted)
    report = render_report(result, values, ends, yearly, args.validation_runs, command, library)
    if args.dry_run:
        print(report)
        return 0
    atomic_write_bytes(Path(args.report), report.encode())
    write_baseline_values(Path(args.scenario), result.fitted)
    print(report)
    print(f"wrote {args.report} and the fitted values into {args.scenario}")
    return 0


def _cmd_ablate(args: argparse.Namespace) -> int:
    from sim.params.scenario import ScenarioError

    from .ablation import ablate, render_ablation
    from .store import atomic_write_bytes

    try:
        scenario = _load(args.scenario, args.runs, args.seed)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

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
        print(json.dumps(result, indent=2))
    else:
        print(report)
    if not args.dry_run:
        atomic_write_bytes(Path(args.report), report.encode())
        print(f"wrote {args.report}", file=sys.stderr)
    return 0


def _cmd_story(args: argparse.Namespace) -> int:
    from .story import StoryError, tell_story

    try:
        print(tell_story(args.folder, args.run))
    except StoryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return _cmd_run(args)
        if args.command == "compare":
            return _cmd_compare(args)
        if args.command == "calibrate":
            return _cmd_calibrate(args)
        if args.command == "ablate":
            return _cmd_ablate(args)
        if args.command == "view":
            from .view import cmd_view

            return cmd_view(args)
        return _cmd_story(args)
    except KeyboardInterrupt:
        if args.command == "calibrate":
            print("interrupted: no file was changed", file=sys.stderr)
        else:
            print(
                "interrupted: finished chunks are kept; run the same command to resume",
                file=sys.stderr,
            )
        return 130


if __name__ == "__main__":
    sys.exit(main())
