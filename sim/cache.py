"""Where compiled kernels are cached: per module, named by what the module's code depends on.

Numba's on-disk cache checks only the file that defines a kernel: when a callee in another
file changes, a cached caller would keep the old callee compiled in. So each module of this
package caches its kernels in a folder named by a digest of its own source and of every module
of the package it imports, directly or not (read from its ``import`` statements), and of the
data files beside them (the parameter table fixes the kernels' parameter indices). Editing a
module recompiles the kernels of that module and of the modules that import it, and nothing
else: a module without kernels (the reference engine, the CLI's helpers) costs no compilation,
a rule costs its own module and its importers (the clearing and the fast engine's loop).
The performance harness's kernels (``benchmarks/``) are cached the same way: they call the
rulebook, and a microkernel cached by numba's default locator kept a rule's old version after
the rule changed. Functions outside these packages are cached as numba does by default.

Set ``NUMBA_CACHE_DIR`` to choose the cache's root folder (default: ``~/.cache/aimarket``).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import os
from pathlib import Path

from numba.core import caching, config

__all__ = ["RulebookLocator", "module_digest", "configure"]

PACKAGE = Path(__file__).resolve().parent
_ROOT = PACKAGE.parent
# the packages whose kernels this locator caches: the simulation and the harness that times it
_PACKAGES = (PACKAGE.name, "benchmarks")


def _module_file(name: str) -> Path | None:
    """The file of dotted module ``name`` of the cached packages, if it is one."""
    parts = name.split(".")
    if parts[0] not in _PACKAGES:
        return None
    base = _ROOT.joinpath(*parts)
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _module_name(path: Path) -> str:
    rel = path.relative_to(_ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


@functools.cache
def _imports(path: Path) -> frozenset[Path]:
    """Files of the cached packages that ``path`` imports (absolute, relative, ``from .``)."""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[Path] = set()
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            stem = ".".join([*base, *([node.module] if node.module else [])])
            names = [stem, *(f"{stem}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            # a module's parent packages run too when it is imported
            parts = name.split(".")
            for j in range(1, len(parts) + 1):
                file = _module_file(".".join(parts[:j]))
                if file is not None and file != path:
                    found.add(file)
    return frozenset(found)


def _closure(path: Path) -> list[Path]:
    seen = {path}
    todo = [path]
    while todo:
        for dep in _imports(todo.pop()):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return sorted(seen)


def _data_files(folder: Path) -> list[Path]:
    """Data files a module may read at import (the parameter table): in its own folder."""
    return sorted(p for ext in _DATA for p in folder.glob(f"*.{ext}"))


_DATA = ("toml", "csv", "json")


def module_digest(path: str | os.PathLike[str]) -> str:
    """A digest of module ``path``'s source, of every module of the cached packages it
    depends on and of the data files beside them."""
    digest = hashlib.sha256()
    files = set()
    for dep in _closure(Path(path).resolve()):
        files.add(dep)
        files.update(_data_files(dep.parent))
    for file in sorted(files):
        digest.update(file.relative_to(_ROOT).as_posix().encode())
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()[:16]


def _cache_root() -> Path:
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"])
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return home / "aimarket" / "numba"


class RulebookLocator(caching.UserProvidedCacheLocator):
    """Numba cache locator for the kernels of the simulation and the harness (module docstring)."""

    def __init__(self, py_func, py_file):
        super().__init__(py_func, py_file)
        path = Path(py_file).resolve()
        self._digest = module_digest(path)
        name = _module_name(path)
        self._cache_path = str(_cache_root() / f"{name}-{self._digest}")

    def get_source_stamp(self):
        return self._digest

    @classmethod
    def from_function(cls, py_func, py_file):
        path = Path(py_file).resolve()
        try:
            package = path.relative_to(_ROOT).parts[0]
        except ValueError:
            return None
        if package not in _PACKAGES or not (_ROOT / package / "__init__.py").is_file():
            return None
        self = cls(py_func, py_file)
        try:
            self.ensure_cache_path()
        except OSError:
            return None
        return self


def configure() -> None:
    """Put :class:`RulebookLocator` first among numba's cache locators."""
    if config.CACHE_LOCATOR_CLASSES:
        return  # the user chose the locators (NUMBA_CACHE_LOCATOR_CLASSES)
    impl = getattr(caching, "CacheImpl", None) or caching._CacheImpl  # numba < 0.62: private
    if RulebookLocator not in impl._locator_classes:
        impl._locator_classes.insert(0, RulebookLocator)
