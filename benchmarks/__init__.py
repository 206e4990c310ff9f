"""The performance harness. Importing ``sim`` first installs the project's kernel cache
locator (:mod:`sim.cache`), so the harness's own kernels are cached by what they depend on."""

import sim  # noqa: F401
