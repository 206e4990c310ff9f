"""Developer behaviour: which lab's ecosystem to build skills, tools and fine-tunes in.

A multinomial logit over the labs' ecosystems with network effects (log share), capability,
the freedom of open weights, trust, liability and the lock-in of invested skills. Part of an
open ecosystem's network effect, and of a developer's skills, belongs to tooling every open
family shares (``developers.shared_tooling``): a strong open release can win developers from
another open family within a review cycle. The common
part of each ecosystem's appeal is computed once a month per region; a developer's own taste
for open tooling and its current ecosystem enter multiplicatively, so a review costs no
exponentials.
"""

import numpy as np

from ..params.spec import G
from ..vocab import DEV_DRAWS, AgentDraw, DevDraw, Stream
from .enterprise import next_review_month
from .jit import hot_kernel, kernel
from .rng import stream_id, uniform
from .technology import enabler_level

__all__ = ["ecosystem_pull", "ecosystem_appeal", "developer_decision"]


@kernel
def ecosystem_pull(P: np.ndarray, share: float, open_total: float, is_open: int) -> float:
    """Network effect of an ecosystem in log developer share: its own share for a closed
    ecosystem; for an open family, partly the share of every open family (shared tooling)."""
    own = np.log(share + 0.01)
    if not is_open:
        return own
    tau = P[G.DEV_SHARED_TOOLING]
    return (1.0 - tau) * own + tau * np.log(open_total + 0.01)


@kernel
def ecosystem_appeal(
    P: np.ndarray,
    gap: float,
    share: float,
    open_total: float,
    is_open: int,
    penalty: float,
    liability: int,
    t: float,
) -> float:
    """Common appeal (utility) of one ecosystem for developers of one region."""
    u = -P[G.DEV_QUALITY_WEIGHT] * max(gap, 0.0)
    u += P[G.DEV_NETWORK] * P[G.ECOSYSTEM_STRENGTH] * ecosystem_pull(P, share, open_total, is_open)
    if is_open:
        u += P[G.DEV_OPEN_BONUS] * enabler_level(P, t)
        u -= liability * P[G.LIABILITY_STRENGTH] * P[G.LIABILITY_USER_PENALTY]
    return u - penalty


@hot_kernel
def developer_decision(
    P: np.ndarray,
    d,
    idx: int,
    month: int,
    seed: np.int64,
    exp_appeal: np.ndarray,
    is_open: np.ndarray,
    stay: float,
    stay_open: float,
    weights: np.ndarray,
):
    """A developer's review: (ecosystem, next review month).

    ``exp_appeal[region, k]`` is exp(common appeal) of ecosystem k, ``stay`` is exp(inertia);
    from an open family, every other open family keeps ``stay_open`` = exp(shared tooling x
    inertia) of that pull, as the skills carry over. ``weights`` is scratch (it is left
    holding the running sums of the choice weights). The draw is :func:`draw_index`'s.
    """
    st = stream_id(Stream.DEVELOPER, idx, AgentDraw.REVIEWS)
    r = d.region
    # the weights are products of exponentials (non-negative): their running sums, kept in
    # ``weights``, are draw_index's (the same additions in the same order), and the first
    # running sum past the target belongs to a positive weight
    tot = 0.0
    last = -1
    for k in range(exp_appeal.shape[1]):
        w = exp_appeal[r, k]
        if is_open[k]:
            w *= d.taste
        if k == d.eco:
            w *= stay
        elif is_open[k] and is_open[d.eco]:
            w *= stay_open
        tot += w
        weights[k] = tot
        last = k if w > 0.0 else last
    target = uniform(seed, st, DEV_DRAWS * month + DevDraw.ECOSYSTEM) * tot
    # running sums are non-decreasing: those not past the target are a prefix (counted
    # without branches: an early exit is a mispredicted branch per review)
    passed = 0
    for k in range(exp_appeal.shape[1]):
        passed += not (target < weights[k])
    eco = passed if passed < exp_appeal.shape[1] else last
    if eco < 0:
        eco = d.eco
    nxt = next_review_month(
        P[G.DEV_REVIEW_MONTHS], uniform(seed, st, DEV_DRAWS * month + DevDraw.NEXT_REVIEW), month
    )
    return eco, nxt
