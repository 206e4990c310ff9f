"""Kernel caching per module: an edit invalidates the kernels it can change, and only those."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from sim.cache import module_digest

from .conftest import ROOT

KERNEL_MODULES = ("sim/rules/rng.py", "sim/rules/regulation.py", "sim/engine/fast.py")


def _digests(root: Path) -> dict[str, str]:
    code = (
        "import json, sys; from sim.cache import module_digest; "
        f"print(json.dumps({{m: module_digest(m) for m in {list(KERNEL_MODULES)!r}}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    return eval(out.stdout)  # a dict literal printed as JSON


def test_an_edit_invalidates_its_module_and_importers_only(tmp_path):
    shutil.copytree(ROOT / "sim", tmp_path / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    before = _digests(tmp_path)
    # a module without kernels: nothing to recompile
    with (tmp_path / "sim/engine/reference.py").open("a") as f:
        f.write("# a comment\n")
    assert _digests(tmp_path) == before
    # a rule: its module and the loop that calls it, not the random streams
    with (tmp_path / "sim/rules/regulation.py").open("a") as f:
        f.write("# a comment\n")
    after = _digests(tmp_path)
    assert after["sim/rules/rng.py"] == before["sim/rules/rng.py"]
    assert after["sim/rules/regulation.py"] != before["sim/rules/regulation.py"]
    assert after["sim/engine/fast.py"] != before["sim/engine/fast.py"]
    # the parameter table fixes the kernels' parameter indices
    (tmp_path / "sim/params/table.toml").write_text("[market]\n")
    assert _digests(tmp_path)["sim/engine/fast.py"] != after["sim/engine/fast.py"]


def test_kernels_are_cached_in_their_module_folder(tmp_path):
    code = "from sim.rules.rng import run_seed; print(run_seed(7, 3))"
    env = {"NUMBA_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    first = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    folder = tmp_path / f"sim.rules.rng-{module_digest(ROOT / 'sim/rules/rng.py')}"
    assert list(folder.glob("*run_seed*.nbi")), sorted(p.name for p in tmp_path.rglob("*"))


def test_a_rule_edit_invalidates_the_benchmarks_kernels_that_call_it(tmp_path):
    # the harness's microkernel calls the choice rules: cached by numba's default locator it
    # kept a rule's old version after the rule changed
    for package in ("sim", "benchmarks"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    code = (
        "import json; from sim.cache import module_digest; "
        "print(json.dumps([module_digest(m) for m in "
        "('benchmarks/roofline.py', 'benchmarks/machine.py')]))"
    )

    def digests() -> list[str]:
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
        )
        return eval(out.stdout)

    roofline, machine = digests()
    with (tmp_path / "sim/rules/enterprise.py").open("a") as f:
        f.write("# a comment\n")
    after = digests()
    assert after[0] != roofline  # calls enterprise_decision
    assert after[1] == machine  # its probes call no rule


def test_benchmarks_kernels_are_cached_in_their_module_folder(tmp_path):
    code = "from benchmarks.machine import speed_probe; speed_probe()"
    env = {"NUMBA_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    folder = tmp_path / f"benchmarks.machine-{module_digest(ROOT / 'benchmarks/machine.py')}"
    assert list(folder.glob("*_probe_compute*.nbi")), sorted(p.name for p in tmp_path.rglob("*"))
