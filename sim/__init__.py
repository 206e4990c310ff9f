"""The market model: parameters, the numba rulebook, the engines and the end-state classifier.

Numba's on-disk cache does not notice when a kernel's callee in another file changes, so the
cache lives in a folder named by a digest of this package's source: editing any rule yields a
fresh cache instead of a stale one. Set NUMBA_CACHE_DIR to choose the folder yourself.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__: list[str] = []


def _configure_numba_cache() -> None:
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    import numba

    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    numba.config.CACHE_DIR = str(home / "aimarket" / "numba" / digest.hexdigest()[:16])


_configure_numba_cache()
