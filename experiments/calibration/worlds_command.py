"""``aimarket calibrate --worlds``: history matching in waves, written as the scenario's
worlds file (``scenarios/<name>.worlds.parquet``), resumable from its state folder."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

__all__ = [
    "add_worlds_arguments",
    "cmd_calibrate_worlds",
    "add_run_worlds_flags",
    "ensemble_for_args",
    "refuse_ci_width",
    "scaled_worlds_path",
    "prior_scaled",
]


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, found {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, found {text!r}")
    return value


def add_run_worlds_flags(p: argparse.ArgumentParser) -> None:
    """``--point`` and ``--worlds FILE`` on ``run`` and ``compare``."""
    w = p.add_mutually_exclusive_group()
    w.add_argument(
        "--point",
        action="store_true",
        help="run the single best fit (the scenario's own values), not its worlds file",
    )
    w.add_argument(
        "--worlds",
        metavar="FILE",
        help="draw runs' worlds from this worlds file (default: the scenario's, "
        "NAME.worlds.parquet beside it or its parent's, when there is one)",
    )


def ensemble_for_args(scenario, args: argparse.Namespace):
    """The worlds the runs are drawn from (None: the single point); raises WorldsError."""
    if getattr(args, "point", False):
        return None
    from ..worlds import load_ensemble

    return load_ensemble(scenario, getattr(args, "worlds", None))


def refuse_ci_width(ensemble) -> int:
    """2 (after one line) when ``--ci-width`` meets a worlds file: it adds runs at a point."""
    if ensemble is None:
        return 0
    print(
        "error: --ci-width: expected a single point (add --point), found the worlds file "
        f"{ensemble[0].path}",
        file=sys.stderr,
    )
    return 2


def add_worlds_arguments(cal: argparse.ArgumentParser, positive) -> None:
    """The ensemble's flags on the ``calibrate`` parser."""
    g = cal.add_argument_group(
        "ensemble (--worlds): history matching in refocusing waves, each drawn from the whole "
        "prior less what every earlier wave's emulators rule out"
    )
    g.add_argument(
        "--worlds",
        action="store_true",
        help="fit an ensemble of worlds by history matching and write the scenario's worlds "
        "file (default: the single best point, as before)",
    )
    from .history import HistoryConfig

    d = HistoryConfig()
    g.add_argument("--waves", type=positive, default=d.waves, help=f"waves ({d.waves})")
    g.add_argument(
        "--points",
        type=positive,
        default=d.points,
        help=f"worlds simulated per wave, wave 1 a Latin sample of the prior ({d.points})",
    )
    g.add_argument("--world-runs", type=positive, default=d.runs, help=f"runs per world ({d.runs})")
    g.add_argument("--cutoff", type=_positive_float, default=3.0, help="implausibility cutoff (3)")
    g.add_argument(
        "--rank",
        type=positive,
        default=d.rank,
        help=f"which implausibility decides: 1 the largest over the targets, 2 the second "
        f"largest... ({d.rank})",
    )
    g.add_argument(
        "--candidates",
        type=positive,
        default=d.candidates,
        help="waves 2+: whole-prior Latin candidates per simulated world in a chunk, screened "
        "by every earlier wave's emulators chunk after chunk until the wave's worlds pass; "
        f"the wave simulates a uniform draw of those that pass ({d.candidates})",
    )
    g.add_argument(
        "--max-candidates",
        type=positive,
        default=d.max_candidates,
        help="most whole-prior candidates a wave may screen; when they keep too few, "
        "perturbations of the worlds not ruled out and importance weights fill the wave "
        f"(not an exact draw: calibrate warns) ({d.max_candidates:,})",
    )
    g.add_argument(
        "--max-train",
        type=positive,
        default=d.max_train,
        help="most worlds an emulator's hyperparameters are fitted on (then conditioned on "
        f"the whole wave); the fit grows with its cube ({d.max_train})",
    )
    g.add_argument(
        "--no-emulator",
        action="store_true",
        help="no screening: every wave simulates a fresh Latin sample of the prior (rejection "
        "sampling: every wave's non-implausible worlds are kept)",
    )
    g.add_argument(
        "--prior-scale",
        type=_positive_float,
        default=d.prior_scale,
        help="every prior's range this many times as wide about its centre, clipped to the "
        "parameter's admissible range (1; docs/calibration.md's prior's influence fits 0.5 "
        "and 1.5); the default --out is then NAME.prior-xS.worlds.parquet",
    )
    g.add_argument(
        "--backend", choices=("local", "dask"), default="local", help="in process or Dask"
    )
    g.add_argument("--workers", type=positive, help="Dask LocalCluster workers (default: cores)")
    g.add_argument("--threads", type=positive, help="worker threads in process (default: all)")
    g.add_argument("--out", help="worlds file (default: beside the scenario, NAME.worlds.parquet)")
    g.add_argument(
        "--state", help="folder of the waves' simulations (default: OUT.state): resumable"
    )
    g.add_argument("--force", action="store_true", help="start over in another calibration's state")
    g.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override")


def scaled_worlds_path(scenario_path: str | Path, prior_scale: float = 1.0) -> Path:
    """Where ``calibrate --worlds`` writes by default: the scenario's worlds file, or with a
    scaled prior ``NAME.prior-xS.worlds.parquet`` beside it (never drawn from by runs)."""
    from ..worlds import worlds_path

    return prior_scaled(worlds_path(scenario_path), prior_scale)


def prior_scaled(worlds_file: Path, prior_scale: float) -> Path:
    """A worlds file's sibling fitted under priors ``prior_scale`` times as wide."""
    from ..worlds import SUFFIX

    if prior_scale == 1.0:
        return worlds_file
    stem = worlds_file.name.removesuffix(SUFFIX)
    return worlds_file.with_name(f"{stem}.prior-x{prior_scale:g}{SUFFIX}")


def cmd_calibrate_worlds(args: argparse.Namespace) -> int:
    """Run the waves, write the worlds file atomically, drop the state folder."""
    import shutil

    import numpy as np

    from sim.params.scenario import ScenarioError

    from ..kernels import prepare_kernels
    from ..scenario_input import load_and_warn
    from ..worlds import write_worlds
    from .history import HistoryConfig, HistoryError, history_match, worlds_of

    try:
        scenario = load_and_warn(args.scenario, None, None, args.set)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else scaled_worlds_path(args.scenario, args.prior_scale)
    state = Path(args.state) if args.state else out.with_name(out.name + ".state")
    cfg = HistoryConfig(
        waves=args.waves,
        points=args.points,
        runs=args.world_runs,
        cutoff=args.cutoff,
        candidates=args.candidates,
        max_candidates=args.max_candidates,
        emulate=not args.no_emulator,
        max_train=args.max_train,
        rank=args.rank,
        prior_scale=args.prior_scale,
    )
    chunk = cfg.points * cfg.candidates
    if cfg.emulate and cfg.max_candidates < chunk:
        print(
            f"error: --max-candidates: expected at least --points x --candidates ({chunk:,}, "
            f"a wave's first chunk of candidates), found {cfg.max_candidates:,}",
            file=sys.stderr,
        )
        return 2
    prepare_kernels(scenario, lambda m: print(m, file=sys.stderr, flush=True))
    t0 = time.perf_counter()
    print(
        f"history matching: {cfg.waves} waves of {cfg.points} worlds x {cfg.runs} runs, "
        f"cutoff {cfg.cutoff:g}; simulations kept in {state}",
        file=sys.stderr,
        flush=True,
    )
    try:
        waves, meta = history_match(
            scenario,
            cfg,
            state=state,
            backend=args.backend,
            workers=args.workers,
            threads=args.threads,
            force=args.force,
            progress=lambda m: print(m, file=sys.stderr, flush=True),
        )
    except HistoryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    keys, values, imp = worlds_of(waves, cfg.cutoff, cfg.prior_scale, pooled=not cfg.emulate)
    digest = write_worlds(out, keys, values, imp, meta)
    shutil.rmtree(state, ignore_errors=True)
    for w in meta["waves"]:
        screened = w["wave"] > 1 and cfg.emulate
        lat = w["nroy_latin"]
        nroy = f"{w['nroy_fraction']:.3g}" if lat["accepted"] else f"under 1/{lat['of']:,}"
        draw = (
            "drawn exactly from the prior restricted to NROY"
            if w["exact"]
            else f"weights' effective sample size {w['weights_ess']:,.0f}"
        )
        how = (
            f"{w['proposed']:,} looked at, {w['accepted']:,} not ruled out by the emulators; "
            f"NROY about {nroy} of the prior; {draw}"
            if screened
            else "drawn from the prior, nothing screened"
        )
        print(
            f"wave {w['wave']}: {w['simulated']} worlds simulated ({how}), "
            f"{w['non_implausible']} non-implausible"
        )
        if screened and not w["exact"]:
            print(
                f"  warning: wave {w['wave']}'s {lat['of']:,} whole-prior candidates (the cap, "
                f"--max-candidates) kept {lat['accepted']:,}, fewer than its worlds: "
                "perturbations and importance weights filled it, not an exact draw from the "
                f"prior restricted to NROY (effective sample size {w['weights_ess']:,.0f} of "
                f"{w['simulated']}; docs/calibration.md)"
            )
    print(
        f"wrote {out}: {len(imp)} worlds, largest implausibility {float(np.max(imp)):.2f}, "
        f"sha256 {digest[:12]}, in {time.perf_counter() - t0:.0f} s"
    )
    from ..worlds import read_worlds
    from .identifiability import parameter_rows

    verdicts = [r["verdict"] for r in parameter_rows(read_worlds(out))]
    print(
        f"the facts pin down {verdicts.count('pinned')} of {len(verdicts)} uncertain parameters, "
        f"narrow {verdicts.count('narrowed')} and leave {verdicts.count('free')} free; "
        "docs/calibration.md's identifiability section: uv run python -m "
        "experiments.calibration.identifiability"
    )
    return 0
