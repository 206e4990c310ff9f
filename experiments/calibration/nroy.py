"""The next wave's worlds: the prior restricted to the region the facts do not yet rule out.

A point of the unit cube (each prior's quantile) is *not ruled out yet* after wave k (in
NROY_k) when every wave's emulators so far put its emulated deciding implausibility below the
cutoff (refocusing: Vernon, Goldstein & Bower 2010; Andrianakis et al. 2015). A *screen* is
one wave's emulators: a callable ``(u, cutoff) -> deciding implausibility`` (points, d) ->
(points,), with an optional ``cost``; :class:`.emulators.WaveEmulator` is one, and a test can
pass an analytic function instead, so everything here works on arrays without simulating.

:func:`propose` draws the next wave's worlds from the prior restricted to NROY_k (uniform on
it in the cube), every region the facts allow in proportion to its prior mass, not only the
neighbourhood of the worlds that survived so far:

1. Seeded Latin chunks of the *whole* cube (chunk c its own Latin hypercube, from the wave's
   seed and c: deterministic) are screened by every earlier wave's emulators in turn,
   cheapest first, a candidate dropping out at the first that rules it out, until they keep
   at least the wave's worlds. The wave's worlds are then drawn uniformly at random (seeded)
   among the kept candidates: exactly the prior restricted to NROY_k, weights uniform, the
   effective sample size the count kept (exact up to the Latin design: every candidate is
   uniform on the cube, those of one chunk stratified rather than independent, an effect of
   order d / (chunk size) on how the worlds split between regions; stopping on the count
   kept depends on the kept/ruled-out indicators only, so it biases no location). The share
   kept estimates NROY_k's fraction of the cube (its prior mass) from ``points`` / (that
   share) candidates, far better than one fixed sample of 20,000 that kept a few dozen. It
   costs that many screened candidates a wave (for the baseline, 0.26 to 0.64 million,
   December 2026): :mod:`.gp_screen` screens one in microseconds.
2. Only when a cap (``max_candidates``) is reached with fewer kept does the search widen
   around the points known to be in NROY_k (Andrianakis et al. 2015): a few rounds of
   Gaussian perturbations of the simulated non-implausible worlds, the kept Latin points
   and the kept perturbations of earlier rounds (reflected at the cube's faces; a
   per-parameter kernel width by Scott's rule on those seeds), each screened like the Latin
   points, and the wave's worlds drawn from all kept candidates with weights inverse to the
   density they were generated from (the Latin sample's uniform density and every round's
   kernel mixture, pooled: the balance heuristic of multiple importance sampling), without
   replacement (exponential clocks). That draw is not exact (``Proposal.exact`` False): in
   many dimensions the weights concentrate (a review of December 2026 found Kish effective
   sample sizes of 303, 172 and 113 of 1,000 worlds in the baseline's waves 2-4 when this
   was the only path), the worlds crowding the known survivors and each parameter's spread
   too narrow; ``weights_ess`` records it.
3. When fewer candidates are kept than the wave's worlds even then, all of them are
   simulated plus the nearest misses (the lowest scores; a ruled-out candidate's score is a
   lower bound of its emulated implausibility, at least the cutoff, so the ranking of misses
   is approximate), and the count kept is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Screen",
    "Proposal",
    "latin",
    "screen",
    "reflect",
    "bandwidth",
    "log_kernel_density",
    "propose",
]

Screen = Callable[[np.ndarray, float], np.ndarray]
ROUNDS = 3  # perturbation rounds when the Latin sample keeps too few
MAX_SEEDS = (
    1000  # seeds a round perturbs (a seeded random subset beyond): bounds the density's cost
)
_CHUNK = 512  # candidates whose density is computed at once
MIN_CHUNK = 20_000  # whole-cube candidates a later Latin chunk holds at least


def latin(n: int, d: int, seed: int | Sequence[int]) -> np.ndarray:
    """A Latin hypercube of ``n`` points in the unit cube of ``d`` dimensions (seeded)."""
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=d, seed=np.random.default_rng(seed)).random(n)


def screen(screens: Sequence[Screen], cand: np.ndarray, cutoff: float) -> np.ndarray:
    """Each candidate's score: the largest emulated deciding implausibility over the screens
    it met, in order, stopping at the first that rules it out (kept: score below cutoff)."""
    score = np.zeros(cand.shape[0])
    alive = np.arange(cand.shape[0])
    for s in screens:
        if alive.size == 0:
            break
        v = np.asarray(s(cand[alive], cutoff), dtype=np.float64)
        score[alive] = np.maximum(score[alive], v)
        alive = alive[v < cutoff]
    return score


def reflect(x: np.ndarray) -> np.ndarray:
    """``x`` folded into [0, 1] by reflection at the faces (a symmetric perturbation stays
    symmetric: no mass piles up on a face, as clipping would)."""
    y = np.mod(x, 2.0)
    return np.where(y > 1.0, 2.0 - y, y)


def bandwidth(seeds: np.ndarray) -> np.ndarray:
    """Per-parameter perturbation width: Scott's rule on the seeds' spread, kept within
    [0.02, 0.25] of the cube (a lone seed gets the floor; later rounds widen as the kept
    perturbations spread)."""
    n, d = seeds.shape
    sd = seeds.std(axis=0) if n > 1 else np.zeros(d)
    return np.clip(sd * n ** (-1.0 / (d + 4)), 0.02, 0.25)


def log_kernel_density(x: np.ndarray, seeds: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Log density at ``x`` of a seed drawn at random, perturbed by N(0, sigma^2) per
    parameter and reflected into the cube (each face's first image counted)."""
    from scipy.special import logsumexp

    out = np.empty(x.shape[0])
    log_norm = float(np.sum(np.log(sigma * np.sqrt(2.0 * np.pi))))
    for a in range(0, x.shape[0], _CHUNK):
        xa = x[a : a + _CHUNK, None, :]
        s = seeds[None, :, :]
        per_dim = np.zeros((xa.shape[0], seeds.shape[0], x.shape[1]))
        for image in (xa - s, xa + s, xa + s - 2.0):  # direct, reflected at 0, at 1
            per_dim += np.exp(-0.5 * (image / sigma) ** 2)
        with np.errstate(divide="ignore"):  # a seed too far to matter: log 0
            log_k = np.log(per_dim).sum(axis=2)
        out[a : a + _CHUNK] = logsumexp(log_k, axis=1) - log_norm - np.log(seeds.shape[0])
    return out


@dataclass(frozen=True)
class Proposal:
    """A wave's worlds and what finding them took."""

    u: np.ndarray  # (points, d): the worlds to simulate
    proposed: int  # candidates looked at (Latin and perturbations)
    accepted: int  # candidates no screen ruled out
    latin: int  # whole-cube Latin candidates
    latin_accepted: int  # of which not ruled out
    # Kish effective sample size of the weights the worlds were drawn with (the kept
    # candidates' count when they were drawn uniformly): far below ``points``, the worlds
    # follow the perturbations' density more than NROY's (see :func:`propose`)
    weights_ess: float = float("nan")
    # drawn uniformly among whole-cube Latin candidates kept: exactly the prior restricted
    # to NROY (False: the cap was reached and perturbations and weights filled the wave)
    exact: bool = True

    @property
    def ruled_out(self) -> int:
        return self.proposed - self.accepted

    @property
    def nroy_fraction(self) -> float:
        """Estimated prior mass not ruled out yet: the Latin sample's kept share (screened
        until ``points`` were kept: an inverse-sampling estimate, biased by about 1 / points,
        0.1% of itself at 1,000)."""
        return self.latin_accepted / self.latin if self.latin else float("nan")


def _subset(x: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    if x.shape[0] <= n:
        return x
    return x[np.sort(rng.choice(x.shape[0], n, replace=False))]


def _latin_until(
    screens: Sequence[Screen],
    d: int,
    points: int,
    chunk: int,
    cap: int,
    cutoff: float,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Screen seeded Latin chunks of the whole cube (chunk 0 of ``chunk`` candidates from
    ``seed``, chunk c of at least :data:`MIN_CHUNK` from (``seed``, c)) until ``points`` are
    kept or ``cap`` candidates were screened: the kept candidates and their scores, the
    ``points`` nearest misses and theirs, and the count screened."""
    kept, kept_s, miss, miss_s = [np.empty((0, d))], [np.empty(0)], np.empty((0, d)), np.empty(0)
    screened, n_kept, c = 0, 0, 0
    while screened < cap and (n_kept < points or screened == 0):
        n = min(chunk if c == 0 else max(chunk, MIN_CHUNK), cap - screened)
        cand = latin(n, d, seed if c == 0 else [seed, c])
        score = screen(screens, cand, cutoff)
        ok = score < cutoff
        kept.append(cand[ok])
        kept_s.append(score[ok])
        miss = np.concatenate([miss, cand[~ok]])
        miss_s = np.concatenate([miss_s, score[~ok]])
        best = np.argsort(miss_s, kind="stable")[:points]  # bounded memory
        miss, miss_s = miss[best], miss_s[best]
        screened += n
        n_kept += int(ok.sum())
        c += 1
    return np.concatenate(kept), np.concatenate(kept_s), miss, miss_s, screened


def propose(
    screens: Sequence[Screen],
    survivors: np.ndarray,
    points: int,
    n_latin: int,
    n_perturb: int,
    cutoff: float,
    seed: int,
    max_candidates: int = 0,
) -> Proposal:
    """The next wave's ``points`` worlds (module docstring): ``screens`` are the earlier
    waves' emulators (cheapest first), ``survivors`` the simulated non-implausible worlds
    (seeds of the perturbations, if it comes to them), ``n_latin`` whole-cube candidates a
    Latin chunk, screened chunk after chunk until ``points`` are kept or ``max_candidates``
    were screened (0: one chunk), then ``n_perturb`` perturbation candidates; every draw
    comes from ``seed``."""
    d = survivors.shape[1]
    cap = max(max_candidates, n_latin)
    lat, lat_s, miss, miss_s, n_screened = _latin_until(
        screens, d, points, n_latin, cap, cutoff, seed
    )
    n_lat = lat.shape[0]
    rng = np.random.default_rng([seed, 0x4E524F59])  # 'NROY'
    if n_lat >= points:  # exactly the prior restricted to NROY: uniform among the kept
        pick = np.arange(n_lat) if n_lat == points else rng.choice(n_lat, points, replace=False)
        u = lat[np.sort(pick)]
        return Proposal(u, n_screened, n_lat, n_screened, n_lat, float(n_lat))
    # the cap reached with too few kept: perturb the known NROY points, then weight
    pool, pool_score = [lat, miss], [lat_s, miss_s]
    rounds: list[tuple[np.ndarray, np.ndarray, int]] = []  # (seeds, sigma, candidates)
    found = np.concatenate([survivors, lat])
    m = n_perturb // ROUNDS if found.shape[0] else 0
    for _ in range(ROUNDS if m else 0):
        seeds = _subset(found, MAX_SEEDS, rng)
        sigma = bandwidth(seeds)
        c = seeds[rng.integers(seeds.shape[0], size=m)] + rng.standard_normal((m, d)) * sigma
        c = reflect(c)
        sc = screen(screens, c, cutoff)
        pool.append(c)
        pool_score.append(sc)
        rounds.append((seeds, sigma, m))
        found = np.concatenate([found, c[sc < cutoff]])
    allc, alls = np.concatenate(pool), np.concatenate(pool_score)
    proposed = n_screened + m * len(rounds)
    ok = np.flatnonzero(alls < cutoff)
    if ok.size <= points:  # every kept candidate, then the nearest misses
        misses = np.flatnonzero(alls >= cutoff)
        misses = misses[np.argsort(alls[misses], kind="stable")][: points - ok.size]
        pick = np.sort(np.concatenate([ok, misses]))
        return Proposal(
            allc[pick], proposed, int(ok.size), n_screened, n_lat, float(ok.size), False
        )
    # the density the kept candidates were generated from, pooled over the Latin sample
    # (uniform: log density 0) and the rounds; weights are its inverse
    x = allc[ok]
    parts = [np.full(x.shape[0], np.log(n_screened))]
    parts += [np.log(k) + log_kernel_density(x, s, sg) for s, sg, k in rounds]
    log_q = np.logaddexp.reduce(np.stack(parts), axis=0)
    clocks = np.log(rng.exponential(size=x.shape[0])) + log_q  # log(E / w), w = 1 / q
    pick = np.sort(ok[np.argsort(clocks, kind="stable")[:points]])
    w = np.exp(np.min(log_q) - log_q)  # weights 1 / q, scaled to at most 1
    ess = float(w.sum() ** 2 / np.sum(w**2))
    return Proposal(allc[pick], proposed, int(ok.size), n_screened, n_lat, ess, False)
