"""Telling the user what is happening: totals on every progress display, a line per chunk
(no carriage returns) when stderr is not a terminal, kernel compilation announced."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys

import pytest

from experiments.progress import Progress

from .conftest import ROOT


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "experiments.cli", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )


def test_progress_in_a_log_is_lines_with_totals():
    log = io.StringIO()
    bar = Progress(10, stream=log)
    bar.note("compiling kernels")
    bar.update(4)
    bar.update(6)
    bar.close()
    text = log.getvalue()
    assert "\r" not in text
    assert text.splitlines()[0] == "compiling kernels"
    assert re.match(r"runs 4/10 \(40%\), \d+ s$", text.splitlines()[1])
    assert text.splitlines()[2].startswith("runs 10/10 (100%)")


def test_redirected_batch_progress_has_no_carriage_returns(tiny_toml):
    proc = run_cli("run", tiny_toml, "--runs", "5", "--chunk", "2", "--json")
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("runs ")]
    assert [ln.split(" (")[0] for ln in lines] == ["runs 2/5", "runs 4/5", "runs 5/5"]


def test_reference_engine_reports_each_run(tiny_toml):
    proc = run_cli("run", tiny_toml, "--runs", "2", "--engine", "reference", "--json")
    assert proc.returncode == 0, proc.stderr
    lines = [ln.split(" (")[0] for ln in proc.stderr.splitlines() if ln.startswith("runs ")]
    assert lines == ["runs 1/2", "runs 2/2"]


def test_calibrate_announces_its_phases_with_totals(tiny_toml, tmp_path):
    proc = run_cli(
        "calibrate",
        "--runs",
        "4",
        "--evaluations",
        "3",
        "--validation-runs",
        "5",
        "--dry-run",
    )
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr
    assert "at most 3 evaluations of 4 runs" in proc.stderr
    assert "validating: 5 full-horizon runs" in proc.stderr
    assert re.search(r"validation done in \d+ s", proc.stderr)


def _cache_without(folder, entry_points: dict[str, str]) -> str:
    """A kernel cache at ``folder`` holding this checkout's compiled kernels except the entry
    points ``{module: function}``: whether an engine's entry point is cached is what decides
    the announcement (:func:`experiments.kernels.kernels_cached`), and compiling it alone over
    its cached callees takes seconds, where a cache emptied of everything takes minutes."""
    from sim.cache import PACKAGE, _cache_root, _module_name, module_digest
    from sim.engine.batch import simulate
    from sim.params.scenario import load_scenario

    sc = load_scenario(ROOT / "scenarios" / "baseline.toml").with_values(
        run__enterprises=20, run__developers=50, run__months=12
    )
    simulate(sc, range(0))  # this checkout's kernels in the cache, compiled if they were not
    simulate(sc, [0], engine="reference")
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        cached = _cache_root() / f"{name}-{module_digest(path)}"
        if not cached.is_dir():
            continue
        copy = folder / cached.name
        shutil.copytree(cached, copy)
        if name in entry_points:
            dropped = list(copy.glob(f"{path.stem}.{entry_points[name]}-*"))
            assert dropped, f"{name}.{entry_points[name]} is not in the cache"
            for file in dropped:
                file.unlink()
    return str(folder)


@pytest.mark.slow
def test_first_runs_announce_the_kernel_compilation(tiny_toml, tmp_path):
    # the engines' entry points (the reference engine's release handler, the fast engine's
    # event loop) left out of the cache
    entry = {"sim.rules.lifecycle": "on_release", "sim.engine.fast": "run_batch"}
    cache = _cache_without(tmp_path / "numba", entry)
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    ref = ("run", tiny_toml, "--runs", "1", "--engine", "reference", "--json")
    proc = run_cli(*ref, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith("compiling the rulebook for the reference engine")
    assert "compiling" not in run_cli(*ref, env=env).stderr
    proc = run_cli("run", tiny_toml, "--runs", "2", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines()[0].startswith("compiling kernels (first run")
    assert re.search(r"kernels compiled in \d+ s", proc.stderr)
    again = run_cli("run", tiny_toml, "--runs", "2", "--json", env=env)
    assert "compiling" not in again.stderr


def test_a_swallowed_ctrl_c_is_raised_at_the_next_update():
    """SimPy turns a KeyboardInterrupt inside a process into a failed event that a finished run
    never re-raises; the batch must still stop at its next progress update."""
    import signal

    from experiments import progress as progress_module

    before = signal.getsignal(signal.SIGINT)
    try:
        # as in an interactive shell: a job started in the background (CI) ignores SIGINT, and
        # catch_interrupts rightly leaves that alone
        signal.signal(signal.SIGINT, signal.default_int_handler)
        progress_module.catch_interrupts()
        bar = Progress(10, stream=io.StringIO())
        bar.update(1)
        try:  # a library that catches the interrupt and carries on
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):
                sum(range(100))
        except KeyboardInterrupt:
            pass
        assert progress_module.interrupt_requested()
        with pytest.raises(KeyboardInterrupt):
            bar.update(1)
    finally:
        signal.signal(signal.SIGINT, before)
        progress_module._INTERRUPTED.clear()


def test_a_remembered_ctrl_c_in_a_finaliser_prints_no_traceback():
    """Python prints "Exception ignored in ..." with a traceback when an exception escapes a
    finaliser or weakref callback; a Ctrl-C landing there (CI saw one in a WeakKeyDictionary
    callback) is raised again at the next update, so nothing is printed."""
    code = (
        "import gc\n"
        "from experiments import progress\n"
        "progress.catch_interrupts()\n"
        "progress._INTERRUPTED.set()\n"
        "class Late:\n"
        "    def __del__(self):\n"
        "        raise KeyboardInterrupt\n"
        "class Other:\n"
        "    def __del__(self):\n"
        "        raise ValueError('still reported')\n"
        "Late(); Other(); gc.collect()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "KeyboardInterrupt" not in done.stderr, done.stderr
    assert "still reported" in done.stderr
