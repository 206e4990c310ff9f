"""The differential check: the fast and the reference engine must agree run by run.

Used by the test suite and by anyone changing either engine. Differences are reported from
the first diverging event of a run's log (where the two engines first parted), then
trajectories, indicators and end states, each to a relative tolerance.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..actors import ACTOR_NAMES
from ..calendar import month_label
from ..events import EV
from ..params.scenario import Scenario
from ..state import SERIES_NAMES
from ..vocab import END_STATES
from .batch import BatchArrays, simulate

__all__ = ["engine_differences", "batch_differences", "describe_event"]

_FLOAT_FIELDS = ("time", "value", "value2")
_INT_FIELDS = ("kind", "actor", "target")


def describe_event(e: np.void) -> str:
    """One event record as readable text."""
    kind = EV(int(e["kind"])).name.lower()
    actor = ACTOR_NAMES[int(e["actor"])]
    return (
        f"t={float(e['time']):.9g} ({month_label(float(e['time']))}) {kind} {actor} "
        f"value={float(e['value']):.12g} value2={float(e['value2']):.12g} "
        f"target={int(e['target'])}"
    )


def _close(a: float, b: float, rtol: float, atol: float = 0.0) -> bool:
    if np.isnan(a) and np.isnan(b):
        return True
    return abs(a - b) <= max(rtol * max(abs(a), abs(b), 1e-300), atol) or a == b


def _first_event_divergence(
    a: BatchArrays, b: BatchArrays, j: int, rtol: float, atol: float
) -> str | None:
    na, nb = int(a.log_n[j]), int(b.log_n[j])
    for i in range(min(na, nb)):
        ea, eb = a.logs[j, i], b.logs[j, i]
        same = all(int(ea[f]) == int(eb[f]) for f in _INT_FIELDS) and all(
            _close(float(ea[f]), float(eb[f]), rtol, atol) for f in _FLOAT_FIELDS
        )
        if not same:
            return (
                f"first diverging event #{i}: fast {describe_event(ea)} | "
                f"reference {describe_event(eb)}"
            )
    if na != nb:
        longer, which = (a, "fast") if na > nb else (b, "reference")
        i = min(na, nb)
        return (
            f"event logs agree for {i} events, then only the {which} engine has "
            f"#{i}: {describe_event(longer.logs[j, i])} ({na} vs {nb} events)"
        )
    return None


def batch_differences(
    fast: BatchArrays, reference: BatchArrays, rtol: float = 1e-9, atol: float = 0.0
) -> list[str]:
    """Human-readable differences between two batches of the same runs (empty if none).

    Values agree within ``rtol`` relative or ``atol`` absolute: an absolute floor is for
    compiled against interpreted rules, where a difference of two sums of money (the money
    residual, about 1e-17 of USD 1 B) differs in its last bits.
    """
    out: list[str] = []
    if not np.array_equal(fast.runs, reference.runs):
        return [f"different runs: {fast.runs.tolist()} vs {reference.runs.tolist()}"]
    for j, run in enumerate(fast.runs.tolist()):
        head = f"run {run} (seed {int(fast.seeds[j])})"
        msg = _first_event_divergence(fast, reference, j, rtol, atol)
        if msg is not None:
            out.append(f"{head}: {msg}")
            continue
        ta, tb = fast.trajectories[j], reference.trajectories[j]
        bad = ~np.isclose(ta, tb, rtol=rtol, atol=atol, equal_nan=True)
        if bad.any():
            month, s = (int(x) for x in np.argwhere(bad)[0])
            out.append(
                f"{head}: trajectories differ first in {month_label(month)} "
                f"{SERIES_NAMES[s]}: fast {ta[month, s]!r} vs reference {tb[month, s]!r}"
            )
            continue
        if not np.allclose(
            fast.indicators[j], reference.indicators[j], rtol=rtol, atol=atol, equal_nan=True
        ):
            out.append(
                f"{head}: indicators differ: {fast.indicators[j]} vs {reference.indicators[j]}"
            )
        if fast.end_states[j] != reference.end_states[j]:
            out.append(
                f"{head}: end state {END_STATES[int(fast.end_states[j])]} vs "
                f"{END_STATES[int(reference.end_states[j])]}"
            )
        if fast.decided[j] != reference.decided[j] or fast.held[j] != reference.held[j]:
            out.append(
                f"{head}: classifier decided {int(fast.decided[j])} with conditions "
                f"{int(fast.held[j]):b} vs {int(reference.decided[j])} with "
                f"{int(reference.held[j]):b}"
            )
        if not np.allclose(fast.scores[j], reference.scores[j], rtol=rtol, atol=atol):
            out.append(f"{head}: scores differ: {fast.scores[j]} vs {reference.scores[j]}")
        if fast.dropped[j] != reference.dropped[j]:
            out.append(f"{head}: dropped events {fast.dropped[j]} vs {reference.dropped[j]}")
    return out


def engine_differences(
    scenario: Scenario, runs: Iterable[int], rtol: float = 1e-9
) -> tuple[list[str], BatchArrays]:
    """Run ``runs`` of ``scenario`` on both engines; the differences and the fast batch."""
    runs = list(runs)
    fast = simulate(scenario, runs)
    reference = simulate(scenario, runs, engine="reference")
    return batch_differences(fast, reference, rtol), fast
