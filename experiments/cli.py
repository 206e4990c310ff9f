"""The ``aimarket`` command line: a thin shell over the library functions.

Exit codes: 0 success, 2 bad input (scenario, arguments, results folder), 130 interrupted.
Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

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
    run.add_argument("--chunk", type=_positive, default=None, help="runs per resumable chunk")
    run.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    story = sub.add_parser("story", help="tell the story of one run of a results folder")
    story.add_argument("folder", help="a results folder written by 'aimarket run --out'")
    story.add_argument("--run", type=int, default=0, help="run index (default 0)")
    return p


def _cmd_run(args: argparse.Namespace) -> int:
    from sim.params.scenario import ScenarioError, load_scenario

    from .runner import DEFAULT_CHUNK, BatchError, run_scenario
    from .summary import render_table, summarize

    try:
        scenario = load_scenario(args.scenario)
        overrides = {}
        if args.runs is not None:
            overrides["run__runs"] = args.runs
        if args.seed is not None:
            overrides["run__seed"] = args.seed
        if overrides:
            scenario = scenario.with_values(**overrides)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    bar = _progress(scenario.runs)
    try:
        result = run_scenario(
            scenario,
            out=args.out,
            threads=args.threads,
            chunk_size=args.chunk or DEFAULT_CHUNK,
            progress=bar.update if bar else None,
        )
    except BatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if bar:
            bar.close()
    summary = summarize(result.runs, scenario.name, scenario.seed)
    summary["scenario_hash"] = scenario.hash
    summary["out"] = str(result.out) if result.out else None
    summary["timings"] = result.timings
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(render_table(summary))
        if result.out:
            print(f"\nresults written to {result.out}")
    return 0


def _progress(total: int):
    from tqdm import tqdm

    return tqdm(total=total, unit="run", file=sys.stderr, dynamic_ncols=True, leave=False)


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
        return _cmd_story(args)
    except KeyboardInterrupt:
        print(
            "interrupted: finished chunks are kept; run the same command to resume", file=sys.stderr
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())
