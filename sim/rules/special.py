"""Special functions with a stated error bound, cheaper than the maths library's.

The choice rules evaluate the standard normal distribution function twice in a review that
chooses (the shares of a firm's tasks an open model meets, ``enterprise.tasks_met``). The
library's ``erf`` costs about three exponentials; Abramowitz & Stegun 26.2.17 (Hastings'
rational approximation) costs one exponential, one division and a polynomial of degree five,
with an absolute error under :data:`NORMAL_CDF_MAX_ERROR` on the whole real line. The bound
is absolute, not relative: deep in the lower tail the relative error grows (0.2% at z = -5,
1% at -8), harmless for shares and linear mixes, not for logs or ratios of small values.
"""

import numpy as np

from .jit import hot_kernel

__all__ = ["normal_cdf", "NORMAL_CDF_MAX_ERROR"]

# the bound Abramowitz & Stegun (1964) state for 26.2.17; tests/test_special.py checks it
# against math.erf on a dense grid (the largest error found there is about 7.5e-8)
NORMAL_CDF_MAX_ERROR = 7.5e-8

_P = 0.2316419
_B1 = 0.319381530
_B2 = -0.356563782
_B3 = 1.781477937
_B4 = -1.821255978
_B5 = 1.330274429
_INV_SQRT_2PI = 0.3989422804014327


@hot_kernel
def normal_cdf(z: float) -> float:
    """Standard normal distribution function Phi(z), to within :data:`NORMAL_CDF_MAX_ERROR`.

    Abramowitz & Stegun 26.2.17: for x = |z|, 1 - Phi(x) = phi(x) (b1 t + ... + b5 t^5) with
    t = 1 / (1 + p x); Phi(z) = 1 - that for z >= 0, that itself for z < 0 (symmetry). Exact
    at the tails' limits (0 and 1), monotone in z to within the bound.
    """
    x = abs(z)
    t = 1.0 / (1.0 + _P * x)
    poly = t * (_B1 + t * (_B2 + t * (_B3 + t * (_B4 + t * _B5))))
    tail = _INV_SQRT_2PI * np.exp(-0.5 * x * x) * poly
    return 1.0 - tail if z >= 0.0 else tail
