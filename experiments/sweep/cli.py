"""The ``aimarket sweep`` and ``aimarket analyze`` subcommands: parsers and handlers, kept
here so that ``experiments/cli.py`` only registers them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..jsontext import json_text

__all__ = ["COMMANDS", "add_commands", "dispatch"]

COMMANDS = ("sweep", "analyze")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {text!r}")
    return value


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``sweep`` and ``analyze`` on the top-level subparsers."""
    sw = sub.add_parser(
        "sweep",
        help="run a parameter sweep from a spec (local or Dask), resumable",
        description="Run every point of a sweep spec, replications times each, into a "
        "results folder written in chunks (resume with --resume).",
    )
    sw.add_argument("spec", help="sweep spec TOML, e.g. experiments/sweeps/smoke.toml")
    sw.add_argument("--out", help="results folder (default results/sweeps/<spec name>)")
    sw.add_argument(
        "--backend",
        choices=("local", "dask", "slurm"),
        default="local",
        help="local: in process on the fast engine (default); dask: a LocalCluster of "
        "--workers processes, or --scheduler ADDR; slurm: dask-jobqueue jobs (--jobs)",
    )
    sw.add_argument("--workers", type=_positive, help="LocalCluster workers (default: cores)")
    sw.add_argument("--scheduler", help="address of a running Dask scheduler (tcp://host:8786)")
    sw.add_argument("--resume", action="store_true", help="finish an interrupted sweep in --out")
    sw.add_argument(
        "--force",
        action="store_true",
        help="replace another sweep's results in the --out folder (other files stay)",
    )
    sw.add_argument("--threads", type=_positive, help="numba threads for --backend local")
    sw.add_argument("--jobs", type=_positive, default=1, help="SLURM jobs to start (1)")
    sw.add_argument("--slurm-cores", type=_positive, default=8, help="cores per SLURM job (8)")
    sw.add_argument("--slurm-memory", default="16GB", help="memory per SLURM job (16GB)")
    sw.add_argument("--slurm-walltime", default="04:00:00", help="SLURM walltime (04:00:00)")
    sw.add_argument("--slurm-queue", help="SLURM partition")
    sw.add_argument("--slurm-account", help="SLURM account")
    sw.add_argument(
        "--print-job-script",
        action="store_true",
        help="with --backend slurm: print the job script and exit, submitting nothing",
    )
    sw.add_argument(
        "--keep",
        help="also keep every run's tables: trajectories,events (adds to the spec's sweep.keep)",
    )
    sw.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    from ..calibration.worlds_command import add_run_worlds_flags

    add_run_worlds_flags(sw)  # replications drawn from the base scenario's worlds file

    an = sub.add_parser("analyze", help="analyse a finished sweep: sensitivity, discovery")
    asub = an.add_subparsers(dest="analysis", required=True, parser_class=type(sw))
    sens = asub.add_parser(
        "sensitivity",
        help="Sobol / Morris / RBD-FAST indices with 95%% intervals per end-state and indicator",
    )
    sens.add_argument("folder", help="a results folder written by 'aimarket sweep'")
    sens.add_argument("--json", action="store_true", help="print the indices as JSON")
    disc = asub.add_parser(
        "discover", help="PRIM box and decision-tree rules where an end-state is likely"
    )
    disc.add_argument("folder", help="a results folder written by 'aimarket sweep'")
    disc.add_argument("--end-state", required=True, help="open_deepening, bigtech_oligopoly, ...")
    disc.add_argument("--depth", type=_positive, default=3, help="decision tree depth (3)")
    disc.add_argument("--json", action="store_true", help="print the box and rules as JSON")
    mat = asub.add_parser(
        "match",
        help="which parameter regions reproduce a target end-state distribution",
    )
    mat.add_argument("folder", help="a results folder written by 'aimarket sweep'")
    mat.add_argument(
        "--target",
        required=True,
        help="end-state shares, e.g. open_deepening=0.45,bigtech_oligopoly=0.35,gap_widens=0.20",
    )
    mat.add_argument(
        "--tolerance",
        type=float,
        default=0.1,
        help="largest total variation distance of a matching point (0.1)",
    )
    mat.add_argument("--json", action="store_true", help="print the result as JSON")


def _err(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _slurm_options(args: argparse.Namespace):
    from .slurm import SlurmOptions

    return SlurmOptions(
        cores=args.slurm_cores,
        memory=args.slurm_memory,
        walltime=args.slurm_walltime,
        queue=args.slurm_queue,
        account=args.slurm_account,
    )


def _cmd_sweep(args: argparse.Namespace) -> int:
    from sim.params.scenario import ScenarioError

    from .run import SweepRunError, run_sweep
    from .spec import load_spec
    from .store import SweepStoreError

    if args.print_job_script:
        if args.backend != "slurm":
            return _err(
                f"--print-job-script: expected --backend slurm, found --backend {args.backend}"
            )
        from .slurm import job_script

        print(job_script(_slurm_options(args)))
        return 0
    if args.scheduler and args.backend != "dask":
        return _err(f"--scheduler: expected --backend dask, found --backend {args.backend}")
    try:
        spec = load_spec(args.spec)
        if args.keep is not None:
            from dataclasses import replace

            from .spec import KEEPABLE, parse_keep

            extra = set(parse_keep(args.keep, "--keep")) | set(spec.keep)
            spec = replace(spec, keep=tuple(k for k in KEEPABLE if k in extra))
        from dataclasses import replace

        from ..calibration.worlds_command import ensemble_for_args

        spec = replace(spec, ensemble=ensemble_for_args(spec.scenario, args))
    except ScenarioError as exc:  # a worlds file's error is a ScenarioError too
        return _err(str(exc))
    out = Path(args.out) if args.out else Path("results") / "sweeps" / spec.name
    cluster = None
    backend = args.backend
    if backend == "slurm":
        from .slurm import slurm_cluster

        cluster = slurm_cluster(_slurm_options(args))
        cluster.scale(jobs=args.jobs)
        backend = "dask"
    from ..progress import Progress

    def header() -> None:
        print(
            f"sweep {spec.name}: {spec.n_points} points x {spec.replications} replications = "
            f"{spec.n_runs} runs ({spec.sampler}), backend {args.backend}, results in {out}",
            file=sys.stderr,
        )

    if backend == "local":  # compiled before the clock starts (workers compile on their own)
        from ..kernels import prepare_kernels

        prepare_kernels(spec.scenario, lambda m: print(m, file=sys.stderr, flush=True))
    bar = Progress(spec.n_runs)  # a bar on a terminal, a line per chunk in a log file
    try:
        result = run_sweep(
            spec,
            out,
            backend=backend,
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            threads=args.threads,
            progress=bar.update,
            cluster=cluster,
            force=args.force,
            on_start=header,
        )
    except (SweepStoreError, SweepRunError) as exc:
        return _err(str(exc))
    finally:
        bar.close()
        if cluster is not None:
            cluster.close()
    if result.reused:
        print(f"{result.out} already holds this sweep's results: nothing to run", file=sys.stderr)
    doc = {
        "name": spec.name,
        "out": str(result.out),
        "points": result.points,
        "replications": spec.replications,
        "runs": result.runs,
        "chunks": result.chunks,
        "resumed_chunks": result.resumed_chunks,
        "backend": args.backend,
        "workers": result.workers,
        "seconds": result.seconds,
        "reused": result.reused,
        **_worlds_doc(spec, result.out),
    }
    if args.json:
        print(json_text(doc, indent=2))
    else:
        resumed = f", {result.resumed_chunks} resumed" if result.resumed_chunks else ""
        print(
            f"{result.runs} runs at {result.points} points in {result.seconds:.1f} s "
            f"({result.chunks} chunks{resumed}); results in {result.out}\n"
            f"{_worlds_line(doc)}"
            f"next: uv run aimarket analyze sensitivity {result.out}\n"
            f"      uv run aimarket analyze discover {result.out} --end-state gap_widens"
        )
    return 0


def _worlds_doc(spec, out: Path) -> dict:
    """``worlds`` (distinct worlds drawn) and ``between_worlds_share`` (of the end-state
    variance within points; None with common random numbers, where replication r draws the
    same world and the same random streams at every point, so the two cannot be told apart)."""
    if spec.ensemble is None:
        return {"worlds": 1, "between_worlds_share": 0.0, "worlds_file": None}
    import numpy as np
    import polars as pl

    from sim.vocab import END_STATES

    from ..ensemble import between_worlds_share

    runs = pl.read_parquet(out / "runs.parquet", columns=["point", "world", "end_state"])
    ends = np.array([END_STATES.index(s) for s in runs["end_state"].cast(pl.Utf8)])
    world, point = runs["world"].to_numpy(), runs["point"].to_numpy()
    share = (
        None
        if spec.common_random_numbers
        else between_worlds_share(ends, world, strata=point)["overall"]
    )
    ens = spec.ensemble[0]
    return {
        "worlds": int(np.unique(world).size),
        "between_worlds_share": share,
        "common_random_numbers": bool(spec.common_random_numbers),
        "worlds_file": {"path": str(ens.path), "sha256": ens.digest, "worlds": ens.n},
    }


def _worlds_line(doc: dict) -> str:
    if not doc["worlds_file"]:
        return "worlds: 1 (every replication at the base scenario's point)\n"
    from ..ensemble import NOT_ESTIMABLE

    b = doc["between_worlds_share"]
    if b is not None:
        share = f"{b:.2f}"
    elif doc.get("common_random_numbers"):
        share = "n/a (common random numbers tie a replication's world to its random streams)"
    else:
        share = NOT_ESTIMABLE
    return (
        f"worlds: {doc['worlds']} distinct, drawn from {doc['worlds_file']['path']}; "
        f"between-worlds share of the end-state variance within points {share}\n"
    )


def _cmd_analyze(args: argparse.Namespace) -> int:
    from .analyze import (
        AnalysisError,
        discover,
        render_discovery,
        render_sensitivity,
        sensitivity,
    )

    folder = Path(args.folder)
    try:
        if args.analysis == "sensitivity":
            df, files = sensitivity(folder)
            if args.json:
                print(json_text(df.to_dicts(), indent=2))
            else:
                print(render_sensitivity(df))
        elif args.analysis == "match":
            from .match import match, parse_target, render_match

            m = match(folder, parse_target(args.target), args.tolerance)
            files = m.files
            if args.json:
                print(json_text(_match_doc(m), indent=2))
            else:
                print(render_match(m))
        else:
            d = discover(folder, args.end_state, depth=args.depth)
            files = d.files
            if args.json:
                print(json_text(_discovery_doc(d), indent=2))
            else:
                print(render_discovery(d))
    except AnalysisError as exc:
        return _err(str(exc))
    print(f"wrote {', '.join(files)} in {folder}", file=sys.stderr)
    return 0


def _discovery_doc(d) -> dict:
    def rule(r) -> dict:
        return {
            "conditions": list(r.conditions),
            "rate": r.rate,
            "lift": r.lift,
            "runs": r.runs,
            "coverage": r.coverage,
            "text": r.text(d.end_state),
        }

    return {
        "end_state": d.end_state,
        "base_rate": d.base_rate,
        "runs": d.runs,
        "box": {
            "limits": [{"parameter": k, "low": lo, "high": hi} for k, lo, hi in d.box],
            **rule(d.box_rule),
        },
        "tree_rules": [rule(r) for r in d.rules],
    }


def _match_doc(m) -> dict:
    return {
        "target": m.target,
        "tolerance": m.tolerance,
        "points": m.points,
        "matching": m.matching,
        "closest": m.best.to_dicts(),
        "shifts": m.shifts.to_dicts(),
        "box": m.box_rule.text("a match", unit="points") if m.box_rule else None,
        "tree_rules": [r.text("a match", unit="points") for r in m.rules],
    }


def dispatch(args: argparse.Namespace) -> int:
    """Run the ``sweep`` or ``analyze`` command parsed into ``args``."""
    if args.command == "sweep":
        try:
            return _cmd_sweep(args)
        except KeyboardInterrupt:
            print(
                "interrupted: finished chunks are kept; run the same command with --resume "
                "to finish",
                file=sys.stderr,
            )
            return 130
    return _cmd_analyze(args)
