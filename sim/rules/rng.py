"""Counter-based random numbers: a draw is a pure function of (seed, stream, counter).

Each (run, actor, purpose) has its own stream, so a draw never depends on which thread ran
the run, how many workers a sweep used, or how two engines interleave events. The mixer is
splitmix64 (Steele, Lea & Flood 2014).
"""

import numpy as np
from numba import njit

from .jit import kernel, wrapping

__all__ = ["mix64", "run_seed", "stream_id", "uniform", "normal", "exponential"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0


@njit(cache=True, inline="always")
@wrapping
def mix64(z: np.uint64) -> np.uint64:
    """splitmix64 finaliser: a bijective, well-mixed hash of a 64-bit word."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@kernel
@wrapping
def run_seed(base_seed: np.int64, run: np.int64) -> np.int64:
    """The seed of run ``run`` of a batch with base seed ``base_seed`` (non-negative int63)."""
    z = mix64(np.uint64(base_seed) * _GOLDEN + np.uint64(run) + np.uint64(1))
    return np.int64(z >> np.uint64(1))


@njit(cache=True, inline="always")
def stream_id(kind: np.int64, actor: np.int64, purpose: np.int64) -> np.int64:
    """A stream number for (actor kind, actor index, purpose)."""
    return (kind << 40) | (actor << 8) | purpose


@njit(cache=True, inline="always")
@wrapping
def uniform(seed: np.int64, stream: np.int64, counter: np.int64) -> float:
    """A uniform draw in (0, 1) for (seed, stream, counter)."""
    h = mix64(np.uint64(seed) ^ mix64(np.uint64(stream) * _GOLDEN + np.uint64(counter)))
    return (np.float64(h >> _S11) + 0.5) * _INV53


@kernel
def normal(seed: np.int64, stream: np.int64, counter: np.int64) -> float:
    """A standard normal draw (Box-Muller on two counter-based uniforms)."""
    u1 = uniform(seed, stream, 2 * counter)
    u2 = uniform(seed, stream, 2 * counter + 1)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


@njit(cache=True, inline="always")
def exponential(seed: np.int64, stream: np.int64, counter: np.int64) -> float:
    """An exponential draw with mean 1."""
    return -np.log(uniform(seed, stream, counter))
