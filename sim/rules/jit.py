"""The one decorator for rulebook kernels.

``cache=True`` keeps start-up fast; ``error_model="numpy"`` lets divisions compile without
Python's zero-division checks (the invariants tests guard against NaN and inf instead).
"""

from numba import njit

__all__ = ["kernel", "hot_kernel"]

kernel = njit(cache=True, error_model="numpy")

# small kernels called once per agent review: inlined into the review loops at numba IR level
hot_kernel = njit(cache=True, error_model="numpy", inline="always")
