"""A written batch's wall time split into stages, from the batch's own timings.

``experiments.runner.run_scenario`` times its pieces as it runs them (``timings`` in the
manifest and in ``aimarket run --json``): loading the kernels, simulate, summarise (the
runs, trajectories and events tables) and write (each chunk's parts and its rows appended
to the final files, then the final files put in place). Summarise and write run in a
background thread beside the next chunk's simulation; ``waiting_seconds`` is the time the
batch waited for them, the part they add to its wall time, of which ``closing_seconds``
putting the final files in place (writing, hidden by nothing). The rest of the wait is
shared between the two stages as their overlapped times are (what was not waited for was
hidden behind the simulation; :func:`hidden_seconds`).
Beside the command's wall time that gives every stage: compile/load is what the process
spends before the batch starts and on loading the kernels, other is the batch's remainder
(bookkeeping between chunks, the manifest).
"""

from __future__ import annotations

__all__ = ["STAGES", "split_stages", "slowest_stage", "hidden_seconds"]

STAGES = ("compile/load", "simulate", "summarise", "write", "other")


def split_stages(timings: dict[str, float], wall_s: float) -> dict[str, float]:
    """Seconds per stage of :data:`STAGES` from a batch's ``timings`` and its command's wall."""
    total = timings["total_seconds"]
    kernels = timings.get("kernels_seconds", 0.0)
    summarise, write, closing, waited = _background(timings)
    overlapped = summarise + write - closing
    # the share of the overlapped work the batch waited for (all of it when not overlapped)
    exposed = waited / overlapped if overlapped > 0 else 1.0
    named = {
        "simulate": timings["simulate_seconds"],
        "summarise": summarise * exposed,
        "write": (write - closing) * exposed + closing,
    }
    other = total - kernels - sum(named.values())
    return {
        "compile/load": max(wall_s - total, 0.0) + kernels,
        **named,
        "other": max(other, 0.0),
    }


def _background(timings: dict[str, float]) -> tuple[float, float, float, float]:
    """(summarise, write, closing, waited for beside closing) seconds of a batch's timings;
    timings without a wait (no overlap) waited for all of it."""
    summarise = timings.get("summarise_seconds", 0.0)
    write = timings.get("write_seconds", 0.0)
    closing = min(timings.get("closing_seconds", 0.0), write)
    waiting = timings.get("waiting_seconds", summarise + write)
    waited = min(max(waiting - closing, 0.0), summarise + write - closing)
    return summarise, write, closing, waited


def hidden_seconds(timings: dict[str, float]) -> float:
    """Seconds of summarising and writing that ran beside the simulation, off the batch's
    wall time."""
    summarise, write, closing, waited = _background(timings)
    return max(summarise + write - closing - waited, 0.0)


def slowest_stage(stages: dict[str, float]) -> str:
    """The stage of a batch (after loading) that takes longest."""
    return max((s for s in stages if s != "compile/load"), key=stages.__getitem__)
