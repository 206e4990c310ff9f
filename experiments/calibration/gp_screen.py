"""One wave's Gaussian-process emulators as a compiled screen (Matern 5/2 with a length per
parameter, the kernel :func:`.emulators.fit_wave_emulator` fits).

Drawing a wave's worlds from the prior restricted to NROY screens about ``points`` / (NROY
share) whole-cube candidates a wave (up to 0.64 million for the baseline, 1.1 million for a
prior 1.25 times as wide, December 2026), so the screen must cost microseconds a candidate.
scikit-learn's ``kernel_(x, X_train)`` builds the whole (batch x worlds) matrix for every
target before any candidate can drop out; here each candidate goes through the targets one
at a time (most rejecting first) and stops as soon as ``rank`` of them rule it out,
computing the cross-kernel row and its product with ``alpha`` in one pass. The posterior
variance (a 1000-row forward substitution through the Cholesky factor, the costly part) is
avoided wherever a bound decides: a mean within the cutoff at zero variance keeps the target
(its exact value is computed only if the candidate is kept in the end); a mean over it with
the prior variance rules it out; else the 16 training worlds most correlated with the
candidate bound the variance from above (a process conditioned on fewer worlds is less
sure), and only when that does not rule it out does the full substitution run, stopping as
soon as its partial sum (again a bound) does. A candidate ruled out gets a lower bound of
its implausibility (at least the cutoff), one kept its exact value. Through wave 1's
emulators of the baseline about 50-85 us a candidate on 2 shared cores, against 300 through
scikit-learn.

Deterministic: each candidate is computed serially by one thread, in the same order of
operations whatever the number of threads (``prange`` only splits the candidates), so the
kept set does not depend on the thread count (tests/test_gp_screen.py checks 1 against 2).
The implausibility is :func:`.implausibility.target_implausibility`'s formula, given each
target's figure, bound and fixed variance (observation and discrepancy) as arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
from numba import njit, prange

__all__ = ["CompiledScreen", "compile_screen"]

_BLOCK = 64  # candidates a thread takes at once (its buffers are allocated once a block)
_EVERY = 16  # rows of the forward substitution between checks whether it may stop
_NEAR = 16  # training worlds of the cheap bound of the posterior variance


@dataclass(frozen=True)
class CompiledScreen:
    """Every emulated target of one wave, packed as arrays (targets in screening order)."""

    length: np.ndarray  # (T, d): each target's length per parameter
    train: np.ndarray  # (T, d, n): training worlds divided by the lengths (zero padded)
    n_train: np.ndarray  # (T,): training worlds per target
    alpha: np.ndarray  # (T, n): K^-1 y
    chol: np.ndarray  # (T, n, n): lower Cholesky factor of K (nugget included)
    const: np.ndarray  # (T,): the Matern's variance (ConstantKernel)
    prior_var: np.ndarray  # (T,): variance at a point, nugget included (standardised)
    diag: np.ndarray  # (T,): the training covariance's diagonal (scikit-learn's alpha too)
    centre: np.ndarray  # (T,)
    scale: np.ndarray  # (T,)
    column: np.ndarray  # (T,): the target's index in TARGETS
    value: np.ndarray  # (T,): the fact
    bound: np.ndarray  # (T,): 1 a floor, -1 a ceiling, 0 two-sided
    fixed_var: np.ndarray  # (T,): obs^2 + discrepancy^2
    n_targets: int
    rank: int

    def __call__(self, u: np.ndarray, cutoff: float) -> np.ndarray:
        """Each candidate's deciding implausibility, early-stopped over the cutoff."""
        out = np.empty(u.shape[0])
        if u.shape[0] == 0:
            return out
        # _screen takes the packed arrays in the order this record declares them
        packed = [getattr(self, f.name) for f in fields(self)]
        _screen(np.ascontiguousarray(u, dtype=np.float64), *packed, float(cutoff), out)
        return out

    def mean_sd(self, u: np.ndarray, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Target ``t``'s (in screening order) emulated mean and standard deviation, in the
        target's units (what a test compares with scikit-learn's ``predict``)."""
        m = np.empty(u.shape[0])
        s = np.empty(u.shape[0])
        _predict(
            np.ascontiguousarray(u, dtype=np.float64),
            self.length[t],
            self.train[t],
            int(self.n_train[t]),
            self.alpha[t],
            self.chol[t],
            float(self.const[t]),
            float(self.prior_var[t]),
            m,
            s,
        )
        return self.centre[t] + self.scale[t] * m, self.scale[t] * s


def compile_screen(
    gps: list,
    centre: list[float],
    scale: list[float],
    column: list[int],
    value: list[float],
    bound: list[int],
    fixed_var: list[float],
    n_targets: int,
    rank: int,
) -> CompiledScreen:
    """Pack fitted scikit-learn processes (ConstantKernel * Matern(nu=2.5) + WhiteKernel,
    ``normalize_y`` off) into a :class:`CompiledScreen`."""
    n_max = max((gp.X_train_.shape[0] for gp in gps), default=1)
    d = gps[0].X_train_.shape[1] if gps else 1
    T = len(gps)
    lengths = np.zeros((T, d))
    train = np.zeros((T, d, n_max))
    n_train = np.zeros(T, dtype=np.int64)
    alpha = np.zeros((T, n_max))
    chol = np.zeros((T, n_max, n_max))
    const = np.zeros(T)
    prior_var = np.zeros(T)
    diag = np.zeros(T)
    for t, gp in enumerate(gps):
        k = gp.kernel_
        amp, matern, white = k.k1.k1, k.k1.k2, k.k2
        if getattr(matern, "nu", None) != 2.5 or getattr(gp, "normalize_y", False):
            raise ValueError("compile_screen: expected a Matern 5/2 process without normalize_y")
        length = np.broadcast_to(np.asarray(matern.length_scale, dtype=np.float64), (d,))
        n = gp.X_train_.shape[0]
        lengths[t] = length
        train[t, :, :n] = (gp.X_train_ / length).T  # as scikit-learn scales them
        n_train[t] = n
        alpha[t, :n] = np.ravel(gp.alpha_)
        chol[t, :n, :n] = gp.L_
        const[t] = float(amp.constant_value)
        prior_var[t] = float(amp.constant_value + white.noise_level)
        diag[t] = prior_var[t] + float(np.max(gp.alpha))  # as the fit added it
    return CompiledScreen(
        lengths,
        train,
        n_train,
        alpha,
        chol,
        const,
        prior_var,
        diag,
        np.asarray(centre, dtype=np.float64),
        np.asarray(scale, dtype=np.float64),
        np.asarray(column, dtype=np.int64),
        np.asarray(value, dtype=np.float64),
        np.asarray(bound, dtype=np.int64),
        np.asarray(fixed_var, dtype=np.float64),
        int(n_targets),
        int(rank),
    )


_SQRT5 = math.sqrt(5.0)


@njit(cache=True, inline="always", fastmath={"reassoc", "contract"})
def _matern52(r2: float, const: float) -> float:
    """The Matern 5/2 covariance at squared scaled distance ``r2`` (scikit-learn's form)."""
    r = math.sqrt(r2) * _SQRT5
    return const * ((1.0 + r + r * r / 3.0) * math.exp(-r))


@njit(cache=True, fastmath={"reassoc", "contract"})
def _row(x, length, train, n, alpha, const, k):
    """Cross-kernel row k(x, train[:, :n]) into ``k``; returns k . alpha (standardised
    mean). ``train`` is (d, n): the squared distances accumulate a parameter at a time over
    contiguous worlds (vectorised)."""
    for j in range(n):
        k[j] = 0.0
    for a in range(train.shape[0]):
        xa = x[a] / length[a]  # as scikit-learn scales them
        for j in range(n):
            z = xa - train[a, j]
            k[j] += z * z
    mean = 0.0
    for j in range(n):
        kj = _matern52(k[j], const)
        k[j] = kj
        mean += kj * alpha[j]
    return mean


@njit(cache=True, fastmath={"reassoc", "contract"})
def _reduction(chol, n, k, w, stop):
    """w = L^-1 k (forward substitution); returns w . w (the variance the data explain).
    Its partial sums only grow, each the variance the first rows' worlds explain: past
    ``stop`` (enough to rule the candidate out) it returns the partial sum at once."""
    ss = 0.0
    for i in range(n):
        s0 = s1 = s2 = s3 = 0.0  # four running sums: independent multiply-adds
        j = 0
        while j + 4 <= i:
            s0 += chol[i, j] * w[j]
            s1 += chol[i, j + 1] * w[j + 1]
            s2 += chol[i, j + 2] * w[j + 2]
            s3 += chol[i, j + 3] * w[j + 3]
            j += 4
        while j < i:
            s0 += chol[i, j] * w[j]
            j += 1
        wi = (k[i] - ((s0 + s1) + (s2 + s3))) / chol[i, i]
        w[i] = wi
        ss += wi * wi
        if ss > stop and i % _EVERY == _EVERY - 1:
            return ss
    return ss


@njit(cache=True, fastmath={"reassoc", "contract"})
def _nearest_bound(train, k, n, const, diag, top, topk, kss, ws):
    """The variance the ``_NEAR`` training worlds with the largest covariance with the
    candidate explain: k_S' K_SS^-1 k_S, at most the variance all of them explain (a process
    conditioned on fewer worlds is less sure), so prior - it bounds the posterior variance
    from above at the cost of a 16 x 16 Cholesky factor instead of a 1000-row substitution."""
    m = min(_NEAR, n)
    for a in range(m):  # the first m, then keep the m largest (replace the least)
        top[a] = a
        topk[a] = k[a]
    low = 0
    for a in range(1, m):
        if topk[a] < topk[low]:
            low = a
    for j in range(m, n):
        if k[j] > topk[low]:
            top[low] = j
            topk[low] = k[j]
            low = 0
            for a in range(1, m):
                if topk[a] < topk[low]:
                    low = a
    d = train.shape[0]
    for a in range(m):  # K_SS (nugget on the diagonal), then its Cholesky factor in place
        kss[a, a] = diag
        for b in range(a):
            r2 = 0.0
            for e in range(d):
                z = train[e, top[a]] - train[e, top[b]]
                r2 += z * z
            kss[a, b] = _matern52(r2, const)
    for a in range(m):
        for b in range(a + 1):
            v = kss[a, b]
            for e in range(b):
                v -= kss[a, e] * kss[b, e]
            if a == b:
                if v <= 0.0:
                    return 0.0  # not positive definite in floating point: no bound
                kss[a, a] = math.sqrt(v)
            else:
                kss[a, b] = v / kss[b, b]
    ss = 0.0
    for a in range(m):
        v = topk[a]
        for e in range(a):
            v -= kss[a, e] * ws[e]
        ws[a] = v / kss[a, a]
        ss += ws[a] * ws[a]
    return ss


@njit(cache=True, parallel=True)
def _predict(u, length, train, n, alpha, chol, const, prior_var, mean, sd):
    for i in prange(u.shape[0]):
        k = np.empty(n)
        w = np.empty(n)
        mean[i] = _row(u[i], length, train, n, alpha, const, k)
        sd[i] = math.sqrt(max(prior_var - _reduction(chol, n, k, w, math.inf), 0.0))


@njit(cache=True, error_model="numpy")
def _miss(m, value, bound):
    """How far the mean misses the fact on the side the target forbids (inf: no mean)."""
    d = m - value
    if bound > 0:
        d = min(d, 0.0)
    elif bound < 0:
        d = max(d, 0.0)
    return abs(d) if math.isfinite(d) else math.inf


@njit(cache=True, error_model="numpy")
def _implausibility(m, var, value, bound, fixed_var):
    return _miss(m, value, bound) / math.sqrt(fixed_var + max(var, 0.0))


@njit(cache=True, parallel=True)
def _screen(
    u,
    length,
    train,
    n_train,
    alpha,
    chol,
    const,
    prior_var,
    diag,
    centre,
    scale,
    column,
    value,
    bound,
    fixed_var,
    n_targets,
    rank,
    cutoff,
    out,
):
    m = u.shape[0]
    T = n_train.shape[0]
    n_max = train.shape[2]
    r = min(rank, n_targets) - 1
    for b in prange((m + _BLOCK - 1) // _BLOCK):
        k = np.empty(n_max)
        w = np.empty(n_max)
        top = np.empty(_NEAR, dtype=np.int64)
        topk = np.empty(_NEAR)
        kss = np.empty((_NEAR, _NEAR))
        pending = np.empty(T, dtype=np.bool_)
        imp = np.empty(n_targets)
        for i in range(b * _BLOCK, min(m, (b + 1) * _BLOCK)):
            imp[:] = 0.0
            pending[:] = False
            over = 0
            for t in range(T):
                n = n_train[t]
                s = scale[t]
                mu = centre[t] + s * _row(u[i], length[t], train[t], n, alpha[t], const[t], k)
                v = _implausibility(mu, 0.0, value[t], bound[t], fixed_var[t])
                if v < cutoff:  # within the cutoff whatever the variance: exact value later
                    imp[column[t]] = v
                    pending[t] = True
                    continue
                v = _implausibility(mu, prior_var[t] * s * s, value[t], bound[t], fixed_var[t])
                if v < cutoff:  # the posterior variance is smaller: it may only rise
                    # the explained variance past which the candidate is ruled out
                    miss = _miss(mu, value[t], bound[t]) / cutoff
                    stop = prior_var[t] - (miss * miss - fixed_var[t]) / (s * s)
                    ss = _nearest_bound(train[t], k, n, const[t], diag[t], top, topk, kss, w)
                    if ss <= stop:  # the nearest worlds do not rule it out: all of them
                        ss = _reduction(chol[t], n, k, w, stop)
                    var = max(prior_var[t] - ss, 0.0) * s * s
                    v = _implausibility(mu, var, value[t], bound[t], fixed_var[t])
                    if v < cutoff and ss > stop:  # stopped early, rounding disagreed
                        ss = _reduction(chol[t], n, k, w, math.inf)
                        var = max(prior_var[t] - ss, 0.0) * s * s
                        v = _implausibility(mu, var, value[t], bound[t], fixed_var[t])
                imp[column[t]] = v
                if v >= cutoff:
                    over += 1
                    if over >= rank:
                        break
            if over < rank:  # kept: the targets left pending get their exact value
                for t in range(T):
                    if pending[t]:
                        n = n_train[t]
                        s = scale[t]
                        mu = centre[t] + s * _row(
                            u[i], length[t], train[t], n, alpha[t], const[t], k
                        )
                        var = max(prior_var[t] - _reduction(chol[t], n, k, w, math.inf), 0.0)
                        imp[column[t]] = _implausibility(
                            mu, var * s * s, value[t], bound[t], fixed_var[t]
                        )
            out[i] = np.sort(imp)[n_targets - 1 - r]
