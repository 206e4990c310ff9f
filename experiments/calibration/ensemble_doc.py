"""docs/calibration.md's section on the ensemble of worlds: the method, the commands, every
uncertain parameter's prior and every target's observation uncertainty and discrepancy, all
rendered from their single sources. ``python -m experiments.calibration.ensemble_doc``
rewrites the block between ``<!-- ensemble:begin -->`` and ``<!-- ensemble:end -->``."""

from __future__ import annotations

import sys
from pathlib import Path

from sim.params.spec import PRIORS

from .history import HistoryConfig
from .identifiability import NARROWED, PINNED, SCALES
from .targets import TARGETS
from .uncertainty import uncertainty_of

__all__ = ["ensemble_method_markdown", "rewrite_ensemble_block", "BEGIN", "END"]

BEGIN, END = "<!-- ensemble:begin -->", "<!-- ensemble:end -->"
DOC = Path(__file__).resolve().parents[2] / "docs" / "calibration.md"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|")


def ensemble_method_markdown() -> str:
    """The section's Markdown."""
    cfg = HistoryConfig()
    out = [
        "## The ensemble of worlds: history matching",
        "",
        "The point fit above finds one parameter vector; the facts of 2023-2025 do not pin "
        "one down, so the headline is also computed over every world they do not rule out. "
        "`aimarket calibrate --worlds` does history matching in waves (Vernon, Goldstein & "
        "Bower 2010; Andrianakis et al. 2015) over the uncertain parameters (the rows of "
        "`sim/params/parameters.toml` and `actors.toml` with a `prior`):",
        "",
        f"1. Wave 1 simulates a Latin hypercube of {cfg.points} worlds drawn from the priors "
        f"(each world {cfg.runs} runs, January 2023 - May 2026, the same run seeds for every "
        "world).",
        "2. For every world and target, the implausibility is "
        "|E[f(x)] - z| / sqrt(obs^2 + discrepancy^2 + var(f(x)) / runs): the miss of the "
        "world's mean over its runs, counted only on the forbidden side of a one-sided target, "
        "against the observation's uncertainty, the model's discrepancy (table below) and the "
        "seed-to-seed variance of the mean.",
        f"3. A world is non-implausible when its deciding implausibility is below the cutoff "
        f"{cfg.cutoff:g} (Pukelsheim's three-sigma rule: any unimodal distribution has 95% of "
        f"its mass within three standard deviations). With {len(TARGETS)} targets the "
        f"deciding one is the world's {'largest' if cfg.rank == 1 else 'second largest'} "
        f"(`--rank {cfg.rank}`; Vernon et al. 2010 use the second and third largest with many "
        "outputs): one target may miss by more, since the model leaves mechanisms out (the "
        "misses explained above); on the model of December 2026, none of 1,000 worlds drawn "
        "from the priors met all targets at once (best 3.06 with 8 runs a world).",
        "4. After each wave, a Gaussian-process emulator of every target is fitted on that "
        "wave's simulated worlds (scikit-learn, Matern 5/2 with a length per parameter and a "
        f"nugget; hyperparameters fitted on at most {cfg.max_train} of them, the least "
        "implausible half first, then conditioned on all of them; the emulator's variance "
        "takes the seed variance's place), and every wave's emulators are kept. A point is "
        "not ruled out yet (NROY) when every wave's emulators so far put it below the cutoff.",
        "5. Each later wave draws its worlds exactly from the whole prior restricted to NROY "
        "(refocusing): seeded Latin chunks of the whole prior "
        f"({cfg.candidates} candidates per world it will simulate in the first) are screened "
        "by every earlier wave's emulators in turn (compiled, candidate by candidate, a few "
        "microseconds each) until they keep at least the wave's worlds, which are then drawn "
        "uniformly among those kept: every region the facts allow in proportion to its prior "
        "mass, weights uniform. The share kept estimates NROY's prior mass (from the baseline's "
        "0.26 to 0.64 million candidates a wave). Only when a wave would screen more than "
        f"{cfg.max_candidates:,} candidates (`--max-candidates`) do Gaussian perturbations of "
        "the worlds known to be in NROY (Andrianakis et al. 2015) and weights inverse to the "
        "density they were drawn from fill it; that draw is not exact (in 19 dimensions the "
        "weights concentrate and the worlds crowd the known survivors' neighbourhoods), so "
        "the worlds file records it (`exact`) and `calibrate` warns. The worlds file records "
        "per wave the candidates looked at, passed and ruled out, the share of the "
        "whole-prior Latin candidates that passed (the estimated fraction of the prior not "
        "ruled out yet) and the effective sample size of the draw's weights.",
        f"6. After {cfg.waves} waves the last wave's simulated non-implausible worlds, equally "
        "weighted (with `--no-emulator`, every wave's: each is then a fresh sample of the "
        "prior), are the ensemble: `scenarios/baseline.worlds.parquet` (one row per world: "
        "`world`, `weight`, `implausibility` and every fitted key; its Parquet metadata "
        "`aimarket.worlds` holds the provenance: priors, targets with their uncertainties, "
        "cutoff, waves, seed and code version).",
        "",
        "Every chunk of a wave's simulations is kept in `<worlds file>.state/` as it finishes: "
        "run the same command again after an interruption and it resumes (the stored "
        "simulations are reused; the emulators are fitted again and each later wave's "
        "candidates screened again, a minute or two a wave); on one machine the same "
        "scenario, seed and settings give the same worlds file, byte for byte (the emulators' "
        "fit uses the machine's linear algebra and the screen its vector instructions, so "
        "another machine may differ in the last bits and, through them, in which candidates "
        "pass). `--backend dask "
        "--workers N` runs the chunks on a Dask LocalCluster. The commands, once the model "
        "has settled (at the defaults, on 2 cores, the baseline's whole calibration took 5 "
        "minutes (290 s) in December 2026: its simulations about 20 s a wave of 1,000 worlds "
        "x 8 runs, the rest the emulators' fit, about a minute a wave, and the screening of "
        "the 0.26 to 0.64 million whole-prior candidates each later wave took until they kept "
        "its worlds, 19 to 73 s a wave; the prior 1.25 times as wide, 5 minutes too (294 s): "
        "its wave 1 kept no world, wave 2 went on from the candidates wave 1's emulators kept, "
        "and its later waves screened 0.4 to 1.16 million candidates, 23 to 80 s a wave. "
        "docs/performance.md measures the whole calibration and "
        "extrapolates a cluster's time; `benchmarks/calibration_screen.py` times the "
        "screening alone):",
        "",
        "```bash",
        "uv run aimarket calibrate --worlds  # writes scenarios/baseline.worlds.parquet",
        "uv run aimarket calibrate --worlds --backend dask --workers 2",
        "uv run aimarket run scenarios/baseline.toml  # runs drawn from the worlds",
        "uv run aimarket run scenarios/baseline.toml --point  # the best point alone",
        "# the backtest: worlds fitted to the facts up to December 2024, then docs/backtest.md",
        "uv run aimarket calibrate scenarios/backtests/backtest_2024.toml --worlds",
        "uv run python -m experiments.calibration.backtest",
        "# the identifiability section below: the worlds under a narrower and a wider prior",
        "uv run aimarket calibrate --worlds --prior-scale 0.5  # NAME.prior-x0.5.worlds.parquet",
        "uv run aimarket calibrate --worlds --prior-scale 1.25  # a wider box",
        "uv run python -m experiments.calibration.identifiability",
        "```",
        "",
        'The section "Identifiability" at the end of this page reads the worlds file three '
        "ways (`experiments/calibration/identifiability.py`; it needs the worlds files, so "
        "`aimarket calibrate` carries it over unchanged and the command above recomputes it). "
        "Per uncertain parameter, it sets the ensemble's central 90% (weighted by the worlds' "
        "weights) against the prior's, measuring both widths in the prior's own quantiles: "
        f"below {PINNED:g} of the prior's width the facts pin the parameter down, below "
        f"{NARROWED:g} they narrow it, otherwise they leave it free and its value comes from "
        "the prior. Every fitted target is set against the ensemble's 90% band over worlds and "
        "runs (each world simulated over the fit window with the same run seeds), hit or "
        "miss as the backtest judges. And the prior's influence: the calibration is run again "
        "with every prior's range scaled about its centre by "
        + " and ".join(f"{x:g}" for x in SCALES)
        + " (`--prior-scale`: a loguniform's range in log terms, a normal's standard deviation "
        "too; clipped to the parameter's admissible range, inside which the model is "
        "guaranteed to run), with the same seed and settings, and the headline end-state "
        "shares drawn from each fit's worlds are shown side by side: where they agree the "
        "facts decide the headline, where they differ the priors do.",
        "",
        "### Uncertain parameters and their priors",
        "",
        "| parameter | prior | why |",
        "|---|---|---|",
    ]
    for p in PRIORS.values():
        tied = f" (and {', '.join(f'`{k}`' for k in p.also)})" if p.also else ""
        out.append(f"| `{p.key}`{tied} | {p.describe()} | {_cell(p.why)} |")
    out += [
        "",
        "### What each target may miss by",
        "",
        'A scenario with `fit_until = "YYYY-MM"` under `[scenario]` (a backtest) is fitted '
        "only to the facts dated up to that month (the last month each describes, below); "
        "the worlds file's provenance lists the targets that entered.",
        "",
        "| target | figure | dated | obs. SD | discrepancy SD | why |",
        "|---|---|---|---|---|---|",
    ]
    for t in TARGETS:
        u = uncertainty_of(t)
        side = {1: "at least ", -1: "at most "}.get(t.bound, "")
        out.append(
            f"| `{t.name}` | {side}{t.value:.4g} | {u.dated} | {u.obs:g} | {u.discrepancy:g} | "
            f"{_cell(u.why)} |"
        )
    return "\n".join(out)


def rewrite_ensemble_block(path: Path = DOC) -> bool:
    """Rewrite the section in ``path`` (appended when missing); True if it changed."""
    text = path.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{ensemble_method_markdown()}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        new = head + block + rest.split(END, 1)[1]
    else:
        new = text.rstrip("\n") + "\n\n" + block + "\n"
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    changed = rewrite_ensemble_block(Path(sys.argv[1]) if len(sys.argv) > 1 else DOC)
    print("rewritten" if changed else "current")
