"""The market model: parameters, the numba rulebook, the engines and the end-state classifier.

Compiled kernels are cached per module, in folders named by a digest of what each module's code
depends on (:mod:`sim.cache`): an edit recompiles only the kernels it can change.
"""

from __future__ import annotations

from .cache import configure as _configure_cache

__all__: list[str] = []

_configure_cache()
