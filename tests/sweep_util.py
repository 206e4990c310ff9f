"""Small sweep specs for the sweep tests: the baseline with small populations."""

from __future__ import annotations

from pathlib import Path

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.toml"

PARAMETERS = (
    '"counterforces.frontier_cost.growth" = { range = [1.5, 4.0] }\n'
    '"counterforces.liability.strength" = { range = [0.0, 2.0] }\n'
    '"drivers.ecosystem.strength" = { range = [0.0, 2.0] }\n'
)


def spec_text(
    sampler: str = "latin",
    points: int = 12,
    replications: int = 3,
    seed: int = 5,
    chunk: int = 4,
    extra: str = "",
    parameters: str = PARAMETERS,
    enterprises: int = 200,
    developers: int = 1000,
) -> str:
    return (
        f'[sweep]\nname = "t"\nscenario = "{BASELINE.as_posix()}"\nsampler = "{sampler}"\n'
        f"points = {points}\nreplications = {replications}\nseed = {seed}\nchunk = {chunk}\n"
        f"{extra}\n[set.run]\nenterprises = {enterprises}\ndevelopers = {developers}\n\n"
        f"[parameters]\n{parameters}"
    )


def write_spec(folder: Path, name: str = "spec.toml", **kw) -> Path:
    path = folder / name
    path.write_text(spec_text(**kw))
    return path
