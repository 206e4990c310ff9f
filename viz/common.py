"""Streamlit helpers shared by the pages: cached reads of results and batches."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from .data import Results, read_results

__all__ = ["load_results", "results_picker"]


@st.cache_resource(show_spinner=False, max_entries=16)
def _load(folder: str, stamp: float) -> Results:
    return read_results(folder)


def load_results(folder: str | Path) -> Results:
    """A results folder read once per version of its manifest (page reruns read no file)."""
    folder = Path(folder)
    manifest = folder / "manifest.json"
    stamp = manifest.stat().st_mtime if manifest.is_file() else 0.0
    return _load(str(folder), stamp)


def results_picker(folders: list[Path], key: str, label: str = "Results folder") -> str:
    """A select box of results folders plus a free path; returns the chosen path."""
    options = [str(f) for f in folders] + ["another folder..."]
    choice = st.selectbox(label, options, key=key)
    if choice == "another folder...":
        choice = st.text_input(f"Path of a {label.lower()}", key=f"{key}_path")
    return choice
