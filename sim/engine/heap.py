"""A binary min-heap of events ordered by (time, priority, sequence), on a record array."""

import numpy as np
from numba import njit

from ..rules.jit import kernel

__all__ = ["heap_push", "heap_pop"]


@njit(cache=True, inline="always")
def _less(h: np.ndarray, i: int, j: int) -> bool:
    if h[i].time != h[j].time:
        return h[i].time < h[j].time
    if h[i].prio != h[j].prio:
        return h[i].prio < h[j].prio
    return h[i].seq < h[j].seq


@njit(cache=True, inline="always")
def _swap(h: np.ndarray, i: int, j: int) -> None:
    t, p, s, k, a = h[i].time, h[i].prio, h[i].seq, h[i].kind, h[i].actor
    h[i].time, h[i].prio, h[i].seq, h[i].kind, h[i].actor = (
        h[j].time,
        h[j].prio,
        h[j].seq,
        h[j].kind,
        h[j].actor,
    )
    h[j].time, h[j].prio, h[j].seq, h[j].kind, h[j].actor = t, p, s, k, a


@kernel
def heap_push(
    h: np.ndarray, n: int, time: float, prio: int, seq: int, kind: int, actor: int
) -> int:
    """Insert an event; returns the new size."""
    if n >= h.shape[0]:
        raise RuntimeError("event heap overflow")
    h[n].time, h[n].prio, h[n].seq, h[n].kind, h[n].actor = time, prio, seq, kind, actor
    i = n
    while i > 0:
        parent = (i - 1) // 2
        if _less(h, i, parent):
            _swap(h, i, parent)
            i = parent
        else:
            break
    return n + 1


@kernel
def heap_pop(h: np.ndarray, n: int):
    """Remove the earliest event; returns (time, kind, actor, new size)."""
    time, kind, actor = h[0].time, h[0].kind, h[0].actor
    n -= 1
    if n > 0:
        _swap(h, 0, n)
        i = 0
        while True:
            left = 2 * i + 1
            right = left + 1
            small = i
            if left < n and _less(h, left, small):
                small = left
            if right < n and _less(h, right, small):
                small = right
            if small == i:
                break
            _swap(h, i, small)
            i = small
    return time, kind, actor, n
