"""The ``aimarket`` command line: a thin shell over the library functions.

Exit codes: 0 success, 2 bad input (scenario, arguments, results folder), 130 interrupted.
Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.params.errors import ScenarioError

from .calibration.worlds_command import add_run_worlds_flags as _add_worlds_flags
from .calibration.worlds_command import add_worlds_arguments, refuse_ci_width
from .calibration.worlds_command import ensemble_for_args as _ensemble
from .jsontext import json_text
from .progress import catch_interrupts
from .report_commands import cmd_ablate, cmd_calibrate
from .scenario_input import horizon_set, horizon_year

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        """One line naming the command and what is wrong, exit 2 (not argparse's usage)."""
        from sim.params.errors import printable

        self.exit(2, f"error: {self.prog}: {printable(message)}; see {self.prog} --help\n")


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
        raise argparse.ArgumentTypeError(f"expected an integer from 0 to 2**62, found {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="aimarket",
        description="Simulate competition between open-weight and closed AI models.",
    )
    p.add_argument("--version", action="version", version=_version())
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
    _add_worlds_flags(run)
    run.add_argument(
        "--horizon",
        type=horizon_year,
        help="run to December of this year (2033: run.months=132), so the answer is also "
        "given as of December 2033",
    )
    _add_set_force(run)
    run.add_argument(
        "--ci-width",
        type=float,
        help="add runs until every end-state's 95%% interval is narrower than this (e.g. 0.05)",
    )
    cmp = sub.add_parser("compare", help="compare end-state shares of scenarios with the first")
    cmp.add_argument(
        "scenarios", nargs="+", help="two or more scenario files; the first is the baseline"
    )
    cmp.add_argument("--runs", type=_positive, help="runs per scenario (default: each file's)")
    cmp.add_argument("--seed", type=_seed, help="base seed for every scenario (default: first's)")
    cmp.add_argument("--out", help="folder for one results folder per scenario + compare.json")
    cmp.add_argument("--threads", type=_positive, help="worker threads (default: all cores)")
    cmp.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    _add_worlds_flags(cmp)
    _add_set_force(cmp)
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
        "--evaluations", type=_positive, default=800, help="most loss evaluations (800)"
    )
    cal.add_argument(
        "--validation-runs", type=_positive, default=1000, help="full-horizon runs (1000)"
    )
    cal.add_argument(
        "--report", default="docs/calibration.md", help="report file (docs/calibration.md)"
    )
    cal.add_argument("--dry-run", action="store_true", help="print the report; change no file")
    add_worlds_arguments(cal, _positive)
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
    story.add_argument(
        "folder", help="a results folder of 'aimarket run --out', or a sweep's that kept events"
    )
    story.add_argument("--point", type=int, default=None, help="a sweep's point (sweeps only)")
    which = story.add_mutually_exclusive_group()
    which.add_argument("--run", type=int, default=None, help="run index (default 0)")
    which.add_argument(
        "--typical",
        metavar="END_STATE",
        help="the typical run of an end state (closest to its median final indicators, as "
        "the viewer's story page picks it)",
    )
    exp = sub.add_parser("export", help="write a finished batch's or sweep's tables as CSV")
    exp.add_argument("folder", help="a results folder of 'aimarket run --out' or 'aimarket sweep'")
    exp.add_argument("--csv", required=True, metavar="OUT_DIR", help="folder for the CSV files")
    exp.add_argument("--force", action="store_true", help="replace CSV files already in OUT_DIR")
    val = sub.add_parser("validate", help="check scenario files without running them")
    val.add_argument("files", nargs="+", help="scenario TOML files")
    val.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help=_SET_HELP)
    lib = sub.add_parser("scenarios", help="list the scenario library with one-line descriptions")
    lib.add_argument("folder", nargs="?", default="scenarios", help="folder (default scenarios)")
    sub.add_parser("plan", help="print the order of the steps of every month's clearing")
    from .sweep.cli import add_commands as add_sweep_commands

    add_sweep_commands(sub)
    from .view import add_view_parser

    add_view_parser(sub)
    return p


_SET_HELP = "override a parameter, e.g. --set clouds.push=1.0 (repeatable)"


def _add_set_force(p: argparse.ArgumentParser) -> None:
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help=_SET_HELP)
    p.add_argument(
        "--force",
        action="store_true",
        help="replace another batch's results in the --out folder (other files stay)",
    )


def _version() -> str:
    from .store import code_version

    code = code_version()
    text = f"aimarket {code['package']}"
    if code.get("git_commit"):
        text += f" (git {code['git_commit'][:12]}{', modified' if code.get('git_dirty') else ''})"
    return text


def _load(path: str, runs: int | None, seed: int | None, sets: Sequence[str] = ()):
    from .scenario_input import load_and_warn

    return load_and_warn(path, runs, seed, sets)


def _compile_first(scenario, engine: str = "fast") -> None:
    """Compile the fast engine's kernels (if not cached) before a progress clock starts:
    its elapsed time and rate are the batch's, not the compiler's."""
    if engine == "fast":
        from .kernels import prepare_kernels

        prepare_kernels(scenario, lambda m: print(m, file=sys.stderr, flush=True))


def _cmd_run(args: argparse.Namespace) -> int:
    from sim.params.scenario import ScenarioError

    from .progress import Progress
    from .runner import default_chunk, run_scenario
    from .store import StoreError
    from .summary import render_table, summarize

    if args.ci_width is not None:
        for flag, given in (("--runs", args.runs is not None), ("--engine", args.engine != "fast")):
            if given:
                print(
                    f"error: --ci-width: adds fast-engine runs until every interval is narrow "
                    f"enough, found {flag} too; drop one of them",
                    file=sys.stderr,
                )
                return 2
    if args.horizon is not None:
        if any(s.split("=", 1)[0].strip() == "run.months" for s in args.set):
            print("error: --horizon: sets run.months, found --set run.months too", file=sys.stderr)
            return 2
        args.set = [*args.set, horizon_set(args.horizon)]
    try:
        scenario = _load(args.scenario, args.runs, args.seed, args.set)
        ensemble = _ensemble(scenario, args)  # a worlds file's error is a ScenarioError too
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.ci_width is not None:
        from .adaptive import run_adaptive_command

        return refuse_ci_width(ensemble) or run_adaptive_command(args, scenario)
    _compile_first(scenario, args.engine)
    bar = Progress(scenario.runs)
    try:
        result = run_scenario(
            scenario,
            out=args.out,
            threads=args.threads,
            chunk_size=args.chunk or default_chunk(args.engine),
            progress=bar.update,
            engine=args.engine,
            force=args.force,
            notify=bar.note,
            ensemble=ensemble,
        )
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        bar.close()
    from .ensemble import ensemble_summary, render_ensemble

    summary = summarize(result.runs, scenario.name, scenario.seed)
    summary.update(
        ensemble_summary(result.runs, ensemble and ensemble[0], scenario.seed, scenario.path)
    )
    summary["scenario_hash"] = scenario.hash
    summary["engine"] = args.engine
    summary["out"] = str(result.out) if result.out else None
    summary["timings"] = result.timings
    if args.json:
        print(json_text(summary, indent=2))
    else:
        print(render_table(summary))
        print("\n" + render_ensemble(summary))
        if result.out:
            print(f"\nresults written to {result.out}")
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from sim.params.scenario import ScenarioError

    from .compare import compare_scenarios, render_comparison
    from .progress import Progress
    from .store import StoreError, atomic_write_json

    if len(args.scenarios) < 2:
        print(
            f"error: compare: expected two or more scenario files (the first is the baseline), "
            f"found one ({args.scenarios[0]}); use 'aimarket run' for a single scenario",
            file=sys.stderr,
        )
        return 2
    try:
        first = _load(args.scenarios[0], args.runs, args.seed, args.set)
        scenarios = [first] + [
            _load(p, args.runs, args.seed if args.seed is not None else first.seed, args.set)
            for p in args.scenarios[1:]
        ]
        ensembles = [_ensemble(sc, args) for sc in scenarios]
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        print(f"error: scenario names: expected distinct names, found {names}", file=sys.stderr)
        return 2
    _compile_first(first)
    bar = Progress(sum(s.runs for s in scenarios))
    try:
        cmp = compare_scenarios(
            scenarios,
            out=args.out,
            threads=args.threads,
            progress=bar.update,
            force=args.force,
            notify=bar.note,
            ensembles=ensembles,
        )
        if args.out:
            atomic_write_json(Path(args.out) / "compare.json", cmp)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {args.out}: cannot write compare.json ({exc.strerror})", file=sys.stderr)
        return 2
    finally:
        bar.close()
    if args.json:
        print(json_text(cmp, indent=2))
    else:
        print(render_comparison(cmp))
        if args.out:
            from .compare import compare_folders

            names = ", ".join(f.name for f in compare_folders(args.out, scenarios))
            print(f"\nresults written to {args.out}: {names}, compare.json")
    return 0


def _sweep_story(args: argparse.Namespace) -> int:
    """``aimarket story SWEEP --point P [--run R | --typical END_STATE]``."""
    from .story import StoryError, typical_run
    from .sweep.kept import is_sweep, point_runs, sweep_story

    if not is_sweep(args.folder):
        raise StoryError(f"--point: expected a sweep's results folder, found {args.folder}")
    if args.point is None:
        raise StoryError(f"--point: expected a point of the sweep in {args.folder}, found none")
    run = args.run if args.run is not None else 0
    if args.typical is not None:
        from sim.vocab import END_STATES

        if args.typical not in END_STATES:
            raise StoryError(
                f"--typical: expected one of {', '.join(END_STATES)}, found {args.typical!r}"
            )
        run = typical_run(point_runs(args.folder, args.point), args.typical)
        print(f"run {run}: the typical {args.typical} run of point {args.point}", file=sys.stderr)
    print(sweep_story(args.folder, args.point, run))
    return 0


def _cmd_story(args: argparse.Namespace) -> int:
    from .story import StoryError, tell_story, typical_run_of
    from .sweep.kept import is_sweep

    try:
        if is_sweep(args.folder) or args.point is not None:
            return _sweep_story(args)
        run = args.run if args.run is not None else 0
        if args.typical is not None:
            run = typical_run_of(args.folder, args.typical)
            print(
                f"run {run}: the typical {args.typical} run (closest to the median final "
                f"indicators of the runs ending so)",
                file=sys.stderr,
            )
        print(tell_story(args.folder, run))
    except StoryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from .export import export_csv
    from .store import StoreError

    try:
        files = export_csv(args.folder, args.csv, args.force)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {', '.join(f.name for f in files)} in {args.csv}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from sim.params.scenario import ScenarioError

    failed = 0
    for path in args.files:
        try:
            sc = _load(path, None, None, args.set)
        except ScenarioError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        base = sc.values.get("scenario.extends") or "the documented defaults"
        print(f"{path}: valid; scenario '{sc.name}' from {base}, {sc.runs} runs, seed {sc.seed}")
    return 2 if failed else 0


def _cmd_scenarios(args: argparse.Namespace) -> int:
    from .scenario_input import describe_scenario

    folder = Path(args.folder)
    files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    if not files:
        print(
            f"error: {folder}: expected a folder of scenario .toml files, found none",
            file=sys.stderr,
        )
        return 2
    for path in files:
        print(describe_scenario(path))
    return 0


def _cmd_plan(args: argparse.Namespace) -> int:
    from sim.plan import plan_table

    print(plan_table())
    return 0


_COMMANDS = {
    "run": _cmd_run,
    "compare": _cmd_compare,
    "calibrate": cmd_calibrate,
    "ablate": cmd_ablate,
    "story": _cmd_story,
    "export": _cmd_export,
    "validate": _cmd_validate,
    "scenarios": _cmd_scenarios,
    "plan": _cmd_plan,
}


def _interrupted(args: argparse.Namespace) -> str:
    if args.command in ("run", "compare") and getattr(args, "out", None):
        return "interrupted: finished chunks are kept; run the same command to resume"
    if args.command in ("run", "compare"):
        return "interrupted: nothing was saved (without --out a batch keeps no chunks)"
    if args.command in ("calibrate", "ablate"):
        return "interrupted: no file was changed"
    return "interrupted"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except ScenarioError as exc:  # the parameter table's data files, read on first import
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    catch_interrupts()
    try:
        if args.command in ("sweep", "analyze"):
            from .sweep.cli import dispatch as sweep_dispatch

            return sweep_dispatch(args)
        if args.command == "view":
            from .view import cmd_view

            return cmd_view(args)
        return _COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print(_interrupted(args), file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. head: not an error of the user's
        sys.stderr.close()
        return 0
    except OSError as exc:  # a file or folder the user named cannot be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
