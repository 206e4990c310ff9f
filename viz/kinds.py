"""Event kinds as the viewer groups them, derived from the event table (sim.events): a kind
added there is shown without a change here."""

from __future__ import annotations

import polars as pl

from sim.events import EVENT_TABLE

__all__ = ["AGGREGATE_KINDS", "SINGLE_KINDS", "rare_kinds"]

# the populations' monthly summaries: one per month, told in the story text, not plotted
AGGREGATE_KINDS: tuple[str, ...] = tuple(k.name for k in EVENT_TABLE if k.actor == "population")
# every other kind, in the table's order (the timeline's colours follow it)
SINGLE_KINDS: tuple[str, ...] = tuple(k.name for k in EVENT_TABLE if k.actor != "population")


def rare_kinds(events: pl.DataFrame, runs: int, months: int, years: float = 2.0) -> list[str]:
    """The single kinds present in ``events`` that happen at most once every ``years`` per run
    on average over ``runs`` runs of ``months`` months: the turning points worth marking on a
    chart (licence switches, acquisitions, regulation), not the routine (releases, price cuts)."""
    if events.height == 0 or runs <= 0 or months <= 0:
        return []
    limit = runs * months / 12 / years
    counts = dict(events.group_by("kind").len().iter_rows())
    return [k for k in SINGLE_KINDS if 0 < counts.get(k, 0) <= limit]
