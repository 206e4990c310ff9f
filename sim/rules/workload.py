"""The mix of work: the share of tokens spent on frontier-bound work (programming, agents).

Coding and agent work grew from about a tenth to over half of platform tokens during 2025,
and it runs on the newest models. Enterprises and platform buyers both split their tasks
into this frontier-bound work, which tolerates ``workload.frontier_tolerance_months`` behind
the frontier, and the rest, whose tolerances are their own (lognormal) ones. As the share
rises, open models that trail the frontier lose the work they could do. Both segments start
from the same share and shift over the same months, to their own end shares: coding tools
and agents buy through the developer platforms, so the platform segment's share ends higher
than enterprises'.
"""

import numpy as np

from ..params.spec import G
from .jit import hot_kernel, kernel

__all__ = ["frontier_work_share", "enterprise_work_share", "work_mix"]


@kernel
def _shifted_share(P: np.ndarray, t: float, hi: float) -> float:
    """The start share until the shift begins, linear to ``hi``, held after."""
    a = P[G.WORKLOAD_SHIFT_START]
    b = P[G.WORKLOAD_SHIFT_END]
    lo = P[G.WORKLOAD_FRONTIER_START]
    if t <= a:
        return lo
    if t >= b:
        return hi
    return lo + (hi - lo) * (t - a) / (b - a)


@kernel
def frontier_work_share(P: np.ndarray, t: float) -> float:
    """Share of the platform segment's tokens in frontier-bound work at month ``t`` (since
    January 2023)."""
    return _shifted_share(P, t, P[G.WORKLOAD_FRONTIER_END])


@kernel
def enterprise_work_share(P: np.ndarray, t: float) -> float:
    """Share of enterprises' tokens in frontier-bound work at month ``t``."""
    return _shifted_share(P, t, P[G.WORKLOAD_ENTERPRISE_END])


@hot_kernel
def work_mix(w: float, own: float, frontier: float) -> float:
    """A buyer's quantity over its whole work: ``own`` on its own tasks (share ``1 - w``),
    ``frontier`` on its frontier-bound work (share ``w``), e.g. a hybrid's routed share."""
    return (1.0 - w) * own + w * frontier
