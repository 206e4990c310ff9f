"""Shared setup of the viewer's tests: a scenarios folder of small scenarios, a results folder."""

from __future__ import annotations

from pathlib import Path

from .conftest import BASELINE

SMALL = "[run]\nruns = 8\nenterprises = 200\ndevelopers = 1000\nmonths = 36\n"


def small_scenarios(folder: Path) -> Path:
    """baseline.toml and strict.toml extending the project's baseline, small and short."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "baseline.toml").write_text(
        f'[scenario]\nname = "baseline"\nextends = "{BASELINE.as_posix()}"\n{SMALL}'
    )
    (folder / "strict.toml").write_text(
        f'[scenario]\nname = "strict"\nextends = "{BASELINE.as_posix()}"\n{SMALL}'
        "[counterforces.liability]\nstrength = 3.0\n"
    )
    return folder


def small_batch(results: Path, scenarios: Path, name: str = "baseline", runs: int = 8) -> Path:
    """A results folder of a small scenario, made as the Explore page makes it."""
    from viz.data import ensure_batch, open_scenario

    sc = open_scenario(scenarios / f"{name}.toml", {"run.runs": runs})
    return ensure_batch(sc, root=results)
