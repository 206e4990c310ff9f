"""Streamlit helpers shared by the pages: cached reads of results and batches."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from .data import (
    Results,
    ensure_batch,
    find_results,
    inside_results,
    open_scenario,
    read_results,
    results_dir,
    scenario_files,
    scenarios_dir,
    shown_path,
)

__all__ = ["load_results", "results_picker", "results_or_baseline", "FIRST_RUNS"]

FIRST_RUNS = 200  # runs of the baseline batch made for a first visit to an empty results root


@st.cache_resource(show_spinner=False, max_entries=16)
def _load(folder: str, stamp: float) -> Results:
    return read_results(folder)


def load_results(folder: str | Path) -> Results:
    """A results folder read once per version of its manifest (page reruns read no file)."""
    folder = Path(folder)
    manifest = folder / "manifest.json"
    stamp = manifest.stat().st_mtime if manifest.is_file() else 0.0
    return _load(str(folder), stamp)


def results_picker(folders: list[Path], key: str, label: str = "Results folder") -> Path | None:
    """A select box of results folders plus a free path under the results root; returns the
    chosen folder (None while no path is typed); a path outside the root is a ViewError."""
    options = [str(f) for f in folders] + ["another folder..."]
    other = options[-1]
    choice = st.selectbox(
        label, options, key=key, format_func=lambda o: o if o == other else shown_path(o)
    )
    if choice == "another folder...":
        choice = st.text_input(
            f"Path of a {label.lower()} (under the results root)", key=f"{key}_path"
        )
    if not choice:
        return None
    return inside_results(choice)


@st.cache_resource(show_spinner="a first batch: the baseline's 200 runs", max_entries=4)
def _baseline_batch(root: str, scenarios: str, runs: int) -> str:
    files = scenario_files(Path(scenarios))
    sc = open_scenario(files.get("baseline") or next(iter(files.values())), {"run.runs": runs})
    return str(ensure_batch(sc, root=Path(root)))


def results_or_baseline() -> list[Path]:
    """Results folders under the results root, newest first; if there is none, the baseline's
    batch is made first (once per server), so a page opens on results, not on a blank."""
    folders = find_results()
    if not folders:
        _baseline_batch(str(results_dir()), str(scenarios_dir()), FIRST_RUNS)
        folders = find_results()
    return folders
