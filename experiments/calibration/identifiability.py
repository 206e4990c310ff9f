"""docs/calibration.md's identifiability section: what the facts of 2023-2025 pin down.

Computed from a worlds file (:mod:`experiments.worlds`), never typed:

- :func:`parameter_rows`: per uncertain parameter, its prior, the prior's and the ensemble's
  central 90% (the ensemble's weighted by the worlds' weights) and their ratio, measured in
  the prior's own quantiles (so a loguniform or normal prior compares like a uniform one): the
  share of the prior's central 90% that the ensemble's central 90% still spans. Below
  :data:`PINNED` the facts pin the parameter down, below :data:`NARROWED` they narrow it,
  else they leave it free.
- :func:`target_rows`: every fitted target against the ensemble's 90% band over worlds and
  runs (each world simulated ``runs`` runs over the fit window, the same run seeds for every
  world), a hit when the band holds the figure (a one-sided fact: when it reaches the allowed
  side), as the backtest (:mod:`experiments.calibration.backtest`) judges.
- :func:`headline_rows`: the prior's influence: the end-state shares (two-stage intervals
  over worlds and runs) drawn from the worlds fitted under the priors as declared, and from
  worlds fitted again by ``aimarket calibrate --worlds --prior-scale 0.5`` and ``1.25``
  (every prior's range scaled about its centre, clipped to the admissible
  range; the same seed, waves, runs, cutoff and rank).

``python -m experiments.calibration.identifiability [WORLDS]`` rewrites the block between
``<!-- identifiability:begin -->`` and ``<!-- identifiability:end -->``; ``aimarket
calibrate`` keeps that block when it rewrites the rest of the report (:func:`keep_block`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from sim.params.prior import Prior

from .wave_notes import last_nroy, wave_notes, wave_one_counts

__all__ = [
    "BEGIN",
    "END",
    "PINNED",
    "NARROWED",
    "SCALES",
    "IdentifiabilityError",
    "weighted_quantile",
    "verdict",
    "parameter_rows",
    "target_rows",
    "headline_rows",
    "check_files",
    "render_identifiability",
    "rewrite_block",
    "keep_block",
    "main",
]

BEGIN, END = "<!-- identifiability:begin -->", "<!-- identifiability:end -->"
PINNED, NARROWED = 0.25, 0.75  # ratio of central 90% widths: below PINNED pinned, etc.
# the narrower and the wider prior of the prior's influence: on the model of December 2026 a
# box 1.5 times as wide left no world of wave 1's 1,000 under the cutoff (best 3.46), nor did
# 1.25 times with 1,000 (3.39); 1.25 times with 3,000 did. Since wave 2 needs only candidates
# wave 1's emulators keep, 1.25 times with the default 1,000 fits (5 minutes, December 2026)
SCALES = (0.5, 1.25)
DOC = Path(__file__).resolve().parents[2] / "docs" / "calibration.md"
_CHUNK_WORLDS = 50  # worlds simulated at once for the targets' bands (bounds the memory)


class IdentifiabilityError(ValueError):
    """The section cannot be computed (one line: which file, what was expected, what to run)."""


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: list[float] | np.ndarray) -> np.ndarray:
    """Quantiles ``q`` of ``x`` under weights ``w`` (the inverse of the weighted empirical
    distribution, midpoints interpolated; equal weights give numpy's 'hazen' quantiles)."""
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    ok = np.isfinite(x) & (w > 0)
    x, w = x[ok], w[ok]
    if x.size == 0:
        return np.full(len(q), np.nan)
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    cum = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, cum, x)


def verdict(ratio: float) -> str:
    """``pinned``, ``narrowed`` or ``free`` by the ratio of central 90% widths."""
    return "pinned" if ratio < PINNED else "narrowed" if ratio < NARROWED else "free"


def _scale_of(ens) -> float:
    return float(ens.meta.get("config", {}).get("prior_scale", 1.0))


def parameter_rows(ens, priors: dict[str, Prior] | None = None) -> list[dict[str, Any]]:
    """One row per uncertain parameter in the worlds file (tied keys once, by their leader):
    prior, prior's and ensemble's 5-95% range, ratio of widths and verdict. ``priors``:
    those the worlds were fitted under (default: the table's, scaled as the file says)."""
    if priors is None:
        from .history import fitted_priors

        priors = fitted_priors(_scale_of(ens))
    rows = []
    for p in priors.values():
        if p.key not in ens.keys:
            continue
        x = ens.values[:, ens.keys.index(p.key)]
        lo, hi = weighted_quantile(x, ens.weight, [0.05, 0.95])
        plo, phi = (float(v) for v in p.ppf(np.array([0.05, 0.95])))
        ratio = float(p.cdf(hi) - p.cdf(lo)) / 0.9
        rows.append(
            {
                "key": p.key,
                "also": p.also,
                "prior": p.describe(),
                "prior_90": (plo, phi),
                "ensemble_90": (float(lo), float(hi)),
                "ratio": ratio,
                "verdict": verdict(ratio),
            }
        )
    return rows


def _target_stats(base, worlds: list, runs: int) -> np.ndarray:
    """Every target's statistic per world and run over the fit window: (worlds, runs,
    targets); run k of every world uses the same seed (common random numbers)."""
    from sim.engine.batch import simulate

    from .targets import TARGETS

    out = np.empty((len(worlds), runs, len(TARGETS)))
    for a in range(0, len(worlds), _CHUNK_WORLDS):
        part = worlds[a : a + _CHUNK_WORLDS]
        world = np.repeat(np.arange(len(part)), runs)
        batch = simulate(base, np.tile(np.arange(runs), len(part)), worlds=part, world=world)
        for i in range(world.size):
            P = part[world[i]].global_vector()
            for j, t in enumerate(TARGETS):
                out[a + world[i], i % runs, j] = t.statistic(batch.trajectories[i], P)
    return out


def target_rows(scenario, drawn, runs: int = 4) -> list[dict[str, Any]]:
    """Every target the worlds were fitted to against their 90% band over worlds and runs
    (weighted by the worlds' weights): median, band, hit or miss."""
    from .history import active_targets
    from .targets import FIT_MONTHS, TARGETS

    ens, worlds = drawn
    base = scenario.with_values(run__months=FIT_MONTHS, run__runs=runs)
    worlds = [w.with_values(run__months=FIT_MONTHS, run__runs=runs) for w in worlds]
    stats = _target_stats(base, worlds, runs)
    w = np.repeat(ens.weight / runs, runs)
    active = active_targets(str(ens.meta.get("fit_until", "")))
    rows = []
    for j, t in enumerate(TARGETS):
        if not active[j]:
            continue
        v = stats[:, :, j].reshape(-1)
        lo, med, hi = (float(x) for x in weighted_quantile(v, w, [0.05, 0.5, 0.95]))
        hit = t.band_holds(lo, hi)
        rows.append(
            {
                "name": t.name,
                "figure": t.value,
                "bound": t.bound,
                "median": med,
                "band": (lo, hi),
                "hit": bool(hit),
            }
        )
    return rows


def _scenario_key(ens) -> str:
    """What the worlds were fitted to: the scenario without its uncertain values (format 2's
    ``worlds_hash``; a format-1 file has only the full ``scenario_hash``, which a refit of the
    point calibration changes)."""
    meta = ens.meta
    return str(meta.get("worlds_hash") or f"full:{meta.get('scenario_hash')}")


def check_files(files: dict[float, Path]) -> None:
    """Each worlds file fitted under its prior scale, all with the first one's scenario, seed
    and settings otherwise (else :class:`IdentifiabilityError`, one line naming what
    differs)."""
    from ..worlds import read_worlds

    first: dict[str, Any] | None = None
    for scale, path in files.items():
        ens = read_worlds(path)
        cfg = dict(ens.meta.get("config", {}))
        found = float(cfg.pop("prior_scale", 1.0))
        # search effort, not a criterion: how many worlds a wave simulates (a wider box may
        # need a larger first wave to find any world the facts allow; its row says how many)
        # and how many candidates a wave may screen (a file records whether a draw was exact)
        for effort in ("points", "max_candidates"):
            cfg.pop(effort, None)
        if found != scale:
            raise IdentifiabilityError(
                f"{path}: key 'config.prior_scale': expected worlds fitted under priors "
                f"x{scale:g} (aimarket calibrate --worlds --prior-scale {scale:g}), found "
                f"x{found:g}"
            )
        mine = {
            **{f"config.{k}": v for k, v in cfg.items()},
            "seed": ens.meta.get("seed"),
            "scenario": _scenario_key(ens),
        }
        if first is None:
            first = mine
        elif mine != first:
            keys = sorted(k for k in first.keys() | mine.keys() if first.get(k) != mine.get(k))
            raise IdentifiabilityError(
                f"{path}: key {', '.join(repr(k) for k in keys)}: expected the settings of "
                f"{next(iter(files.values()))} but the prior and the worlds per wave, found "
                + ", ".join(f"{mine.get(k)!r} against {first.get(k)!r}" for k in keys)
            )


def headline_rows(scenario, files: dict[float, Path], runs: int) -> list[dict[str, Any]]:
    """Per prior scale, the end-state shares of ``runs`` full-horizon runs drawn from that
    scale's worlds file (two-stage intervals), its worlds and between-worlds share, and how
    many parameters it leaves pinned, narrowed and free. Each file must say it was fitted
    under that scale and with the first file's settings otherwise."""
    from ..ensemble import ensemble_summary
    from ..runner import run_scenario
    from ..worlds import load_ensemble

    check_files(files)
    sc = scenario.with_values(run__runs=runs)
    rows = []
    for scale, path in files.items():
        drawn = load_ensemble(sc, path)
        ens = drawn[0]
        result = run_scenario(sc, ensemble=drawn)
        summ = ensemble_summary(result.runs, ens, sc.seed, sc.path)
        verdicts = [r["verdict"] for r in parameter_rows(ens)]
        rows.append(
            {
                "scale": scale,
                "file": str(path),
                "worlds": ens.n,
                "drawn": summ["worlds"],
                "shares": summ["shares_over_worlds"],
                "between": summ["between_worlds_share"],
                "verdicts": {v: verdicts.count(v) for v in ("pinned", "narrowed", "free")},
                "wave_one": wave_one_counts(ens),
                "nroy": last_nroy(ens),
            }
        )
    return rows


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def _provenance(ens) -> str:
    c = ens.meta.get("config", {})
    code = ens.meta.get("code", {}).get("git_commit") or "unknown"
    return (
        f"`{ens.path.name}` ({ens.n} worlds, sha256 {ens.digest[:12]}: {c.get('waves')} waves "
        f"of {c.get('points')} worlds x {c.get('runs')} runs, cutoff {c.get('cutoff')}, rank "
        f"{c.get('rank')}, seed {ens.meta.get('seed')}, code {str(code)[:12]})"
    )


def render_identifiability(
    params: list[dict], targets: list[dict], headline: list[dict], ens, command: str, runs: int
) -> str:
    """The section's Markdown (without the block markers)."""
    from sim.vocab import END_STATES

    counts = {v: sum(r["verdict"] == v for r in params) for v in ("pinned", "narrowed", "free")}
    hits = sum(r["hit"] for r in targets)
    out = [
        "## Identifiability: what the facts pin down, and what the priors decide",
        "",
        f"Generated by `{command}` from {_provenance(ens)}; every figure below is computed "
        "from the worlds files, none typed.",
        "",
        "### Which parameters the facts pin down",
        "",
        "Per uncertain parameter: the prior's central 90% and the ensemble's (5th-95th "
        "percentile over the worlds, weighted by their weights), and the ratio of the two "
        "widths measured in the prior's own quantiles (a loguniform prior's range is compared "
        "in log terms): the share of the prior's central 90% the facts leave open. Below "
        f"{PINNED:g} the facts pin the parameter down, below {NARROWED:g} they narrow it, "
        "otherwise they leave it free (its value comes from the prior, not from 2023-2025). "
        "Above 1: the worlds crowd toward the prior's ends. A ratio reads one parameter at a "
        "time: two parameters the facts tie together along a ridge can each look free. Every "
        "wave after the first draws its worlds from the whole prior less what every earlier "
        "wave's emulators rule out: Latin candidates of the whole prior are screened until "
        "they keep the wave's worlds, drawn uniformly among them (exactly the prior "
        "restricted to that region, so regions away from wave 1's survivors count in "
        "proportion to their prior mass). Only a wave that reached the cap of candidates is "
        "filled by perturbations of the known survivors with importance weights; in 19 "
        "dimensions those weights concentrate, its worlds crowd the survivors' "
        "neighbourhoods, and a ratio below then reads narrower than the facts alone make "
        "it" + wave_notes(ens) + ".",
        "",
        f"{counts['pinned']} pinned, {counts['narrowed']} narrowed, {counts['free']} free.",
        "",
        "| parameter | prior | prior 5-95% | ensemble 5-95% | ratio | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for r in params:
        tied = f" (and {len(r['also'])} tied)" if r["also"] else ""
        (a, b), (c, d) = r["prior_90"], r["ensemble_90"]
        out.append(
            f"| `{r['key']}`{tied} | {r['prior']} | [{_fmt(a)}, {_fmt(b)}] | "
            f"[{_fmt(c)}, {_fmt(d)}] | {r['ratio']:.2f} | {r['verdict']} |"
        )
    out += [
        "",
        "### Every target against the ensemble's 90% band",
        "",
        f"Each world ran {runs} runs over the fit window (January 2023 - May 2026, the same run "
        "seeds in every world); the band is the 5th-95th percentile of the target's statistic "
        "over worlds and runs (weighted by the worlds' weights). A hit: the band holds the "
        "figure (a one-sided fact: the band reaches its allowed side). The worlds need not hit "
        "every target: the deciding implausibility lets one target miss by more (the method "
        f"above). {hits} of {len(targets)} targets hit.",
        "",
        "| target | figure | median | 90% band | |",
        "|---|---|---|---|---|",
    ]
    for r in targets:
        side = {1: "at least ", -1: "at most "}.get(r["bound"], "")
        lo, hi = r["band"]
        out.append(
            f"| `{r['name']}` | {side}{_fmt(r['figure'])} | {_fmt(r['median'])} | "
            f"[{_fmt(lo)}, {_fmt(hi)}] | {'hit' if r['hit'] else 'miss'} |"
        )
    out += [
        "",
        "### The prior's influence: the headline under a narrower and a wider prior",
        "",
        "How much of the answer comes from the priors' widths rather than the facts: the "
        "worlds are fitted again with every prior's range scaled about its centre (a "
        "loguniform's in log terms, a normal's standard deviation too) by "
        + " and ".join(f"{s:g}" for s in SCALES)
        + ", clipped to the parameter's admissible range in the parameter table (the model "
        "is only guaranteed to run inside it), with the same scenario, seed, waves, "
        "runs, cutoff and rank (`aimarket calibrate --worlds --prior-scale S`; a wider box may "
        "need more worlds in its waves to find any the facts allow, so the number each wave "
        "simulates may differ: the second column says how many its wave 1 simulated, the "
        "third how much of the prior its last wave found not ruled out). "
        "Each row's shares come from full-horizon runs drawn from that fit's worlds, with 95% "
        "two-stage bootstrap intervals (worlds, then runs). If the rows agree, the facts, not "
        "the priors, decide the headline; where they differ, the prior does. Each row counts "
        "its parameters pinned, narrowed and free against its own prior.",
        "",
        "| prior | wave 1 kept | NROY share | worlds (drawn) | "
        + " | ".join(END_STATES)
        + " | between-worlds share | pinned / narrowed / free |",
        "|---|---|---|---|" + "---|" * len(END_STATES) + "---|---|",
    ]
    for h in headline:
        label = "as declared" if h["scale"] == 1.0 else f"x{h['scale']:g}"
        sh = h["shares"]
        cells = " | ".join(
            f"{sh[k]['share']:.3f} [{sh[k]['lo']:.3f}, {sh[k]['hi']:.3f}]" for k in END_STATES
        )
        b = "n/a" if h["between"] is None else f"{h['between']:.2f}"
        v = h["verdicts"]
        out.append(
            f"| {label} | {h['wave_one'] or 'n/a'} | {h.get('nroy') or 'n/a'} | "
            f"{h['worlds']} ({h['drawn']}) | {cells} | "
            f"{b} | {v['pinned']} / {v['narrowed']} / {v['free']} |"
        )
    return "\n".join(out)


def _splice(text: str, block: str) -> str:
    """``text`` with its identifiability block replaced by ``block`` (appended if none)."""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        return head + block + rest.split(END, 1)[1]
    return text.rstrip("\n") + "\n\n" + block + "\n"


def rewrite_block(markdown: str, path: Path = DOC) -> bool:
    """Write ``markdown`` as ``path``'s identifiability block; True if the file changed."""
    from ..store import atomic_write_bytes

    text = path.read_text(encoding="utf-8")
    new = _splice(text, f"{BEGIN}\n{markdown}\n{END}")
    if new != text:
        atomic_write_bytes(path, new.encode("utf-8"))
    return new != text


def keep_block(report: str, path: Path) -> str:
    """``report`` (a freshly rendered docs/calibration.md) with the identifiability block
    ``path`` already holds: ``aimarket calibrate`` does not recompute it (it needs the worlds
    files), so it carries it over."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return report
    if BEGIN not in text or END not in text:
        return report
    block = BEGIN + text.split(BEGIN, 1)[1].split(END, 1)[0] + END
    return _splice(report, block)


def _command(a: argparse.Namespace, defaults: argparse.Namespace) -> str:
    parts = ["uv run python -m experiments.calibration.identifiability"]
    if a.worlds:
        parts.append(a.worlds)
    for flag in ("scenario", "narrower", "wider", "runs", "headline_runs"):
        if getattr(a, flag) != getattr(defaults, flag):
            parts.append(f"--{flag.replace('_', '-')} {getattr(a, flag)}")
    return " ".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Compute the section from the worlds files and rewrite its block (exit 2: one line)."""
    from sim.params.scenario import ScenarioError, load_scenario

    from ..worlds import load_ensemble, worlds_path
    from .worlds_command import prior_scaled

    p = argparse.ArgumentParser(
        prog="python -m experiments.calibration.identifiability",
        description="docs/calibration.md's identifiability section from a worlds file",
    )
    p.add_argument("worlds", nargs="?", help="worlds file (default: the scenario's)")
    p.add_argument("--scenario", default="scenarios/baseline.toml", help="the fitted scenario")
    p.add_argument(
        "--narrower", help=f"worlds fitted with --prior-scale {SCALES[0]:g} (default: beside)"
    )
    p.add_argument(
        "--wider", help=f"worlds fitted with --prior-scale {SCALES[1]:g} (default: beside)"
    )
    p.add_argument("--runs", type=int, default=4, help="runs per world for the targets (4)")
    p.add_argument(
        "--headline-runs", type=int, default=400, help="runs drawn per prior for the shares (400)"
    )
    p.add_argument("--out", default=str(DOC), help="the report (docs/calibration.md)")
    p.add_argument("--dry-run", action="store_true", help="print the section; change no file")
    a = p.parse_args(argv)
    for flag in ("runs", "headline_runs"):
        if getattr(a, flag) < 1:
            print(
                f"error: --{flag.replace('_', '-')}: expected a positive number, found "
                f"{getattr(a, flag)}",
                file=sys.stderr,
            )
            return 2
    worlds = Path(a.worlds) if a.worlds else worlds_path(a.scenario)
    files = {1.0: worlds}
    for scale, given in zip(SCALES, (a.narrower, a.wider), strict=True):
        files[scale] = Path(given) if given else prior_scaled(worlds, scale)
    for scale, f in files.items():
        if not f.is_file():
            how = f" --prior-scale {scale:g}" if scale != 1.0 else ""
            print(
                f"error: {f}: expected a worlds file, found none; run uv run aimarket calibrate "
                f"{a.scenario} --worlds{how} --out {f}",
                file=sys.stderr,
            )
            return 2
    try:
        check_files(files)
        scenario = load_scenario(a.scenario)
        drawn = load_ensemble(scenario, worlds)
        params = parameter_rows(drawn[0])
        print(f"targets: {drawn[0].n} worlds x {a.runs} runs", file=sys.stderr, flush=True)
        targets = target_rows(scenario, drawn, a.runs)
        print(f"headline: {a.headline_runs} runs per prior", file=sys.stderr, flush=True)
        headline = headline_rows(scenario, files, a.headline_runs)
    except (IdentifiabilityError, ScenarioError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    text = render_identifiability(
        params, targets, headline, drawn[0], _command(a, p.parse_args([])), a.runs
    )
    if a.dry_run:
        print(text)
        return 0
    from ..prior_influence import write_influence

    record = write_influence(
        worlds, drawn[0].digest, Path(a.scenario).name, headline, _command(a, p.parse_args([]))
    )
    print(f"wrote {record}: the headline under each prior, shown beside runs drawn from {worlds}")
    changed = rewrite_block(text, Path(a.out))
    print(f"{'rewrote' if changed else 'unchanged'}: {a.out}'s identifiability section")
    return 0


if __name__ == "__main__":
    sys.exit(main())
