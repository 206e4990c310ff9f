"""The platform segment: developers and start-ups buying tokens through APIs, routers and
inference hosts.

Many small buyers whose taste shocks are extreme-value distributed choose among every closed
API (each closed vendor's flagship and its small tier) and every open family served by
inference hosts (a logit share over offers, by region):
price-sensitive, following capability and the developer ecosystem, and bearing only part of
the foreign-trust penalty. Tasks differ in how far behind the frontier they can run
(lognormal tolerances, integrated over by Gauss-Hermite quadrature, beside a growing share of
frontier-bound work, ``workload.py``): frontier-bound tasks go to the best models, tolerant
ones to the cheapest, so usage spreads over families.
Usage moves towards the month's logit shares with a time constant
of ``platform.switch_months``, so a strong cheap release wins platform tokens within months
while enterprises, bound by annual reviews, move slowly.
"""

import numpy as np

from ..params.spec import CLOUD_NAMES, G, L
from ..state import LV
from ..vocab import Region
from .developer import ecosystem_pull
from .geopolitics import origin_utility
from .jit import kernel
from .workload import frontier_work_share

__all__ = [
    "HOSTS",
    "TOLERANCE_NODES",
    "TOLERANCE_WEIGHTS",
    "platform_offer_utility",
    "platform_targets",
    "update_platform",
]

HOSTS = CLOUD_NAMES.index("inference_hosts")  # the cloud record of the inference hosts
# standard-normal quadrature (Gauss-Hermite, probabilists'): exact for polynomials of degree 9
TOLERANCE_NODES, _w = np.polynomial.hermite_e.hermegauss(5)
TOLERANCE_WEIGHTS = _w / _w.sum()


@kernel
def platform_offer_utility(
    P: np.ndarray,
    price: float,
    gap: float,
    tolerance: float,
    dev_share: float,
    dev_open_share: float,
    is_open: int,
    origin: float,
) -> float:
    """Utility of one offer (a closed API or a hosted open family) for a platform task that
    tolerates ``tolerance`` months behind the frontier."""
    u = -P[G.PLAT_COST_WEIGHT] * np.log(price)
    u -= P[G.PLAT_QUALITY_WEIGHT] * max(gap - tolerance, 0.0)
    u += P[G.PLAT_TRUST_WEIGHT] * origin
    u += (
        P[G.PLAT_ECO_WEIGHT]
        * P[G.ECOSYSTEM_STRENGTH]
        * ecosystem_pull(P, dev_share, dev_open_share, is_open)
    )
    return u


@kernel
def _region_weight(P: np.ndarray, r: int) -> float:
    """Share of platform buyers in region ``r``: as the enterprises'."""
    if r == Region.EU:
        return P[G.REGION_EU]
    if r == Region.CN:
        return P[G.REGION_CN]
    if r == Region.ROW:
        return P[G.REGION_ROW]
    return max(0.0, 1.0 - P[G.REGION_EU] - P[G.REGION_CN] - P[G.REGION_ROW])


@kernel
def platform_targets(s, out: np.ndarray) -> None:
    """This month's logit shares of platform tokens: ``out[0, k]`` on lab k's closed flagship,
    ``out[1, k]`` on its open family served by the inference hosts, ``out[2, k]`` on its small
    closed tier (views of step 3), averaged over the tasks' tolerances."""
    P, LP, labs, clouds, lv, rv = s.P, s.LP, s.labs, s.clouds, s.lv, s.rv
    m = s.mkt[0]
    n_labs = labs.shape[0]
    host_markup = clouds[HOSTS].markup
    out[:, :] = 0.0
    n_off = 3 * n_labs
    base = np.empty(n_off)  # utility of each offer for a task that tolerates any gap
    gaps = np.zeros(n_off)
    u = np.empty(n_off)
    qw = P[G.PLAT_QUALITY_WEIGHT]
    front = frontier_work_share(P, float(m.month))
    for r in range(rv.shape[0]):
        w_r = _region_weight(P, r)
        if w_r <= 0.0:
            continue
        for k in range(n_labs):
            lb = labs[k]
            origin = origin_utility(P, int(LP[k, L.HOME]), r, m.export_shocks)
            base[k] = -1e300
            base[n_labs + k] = -1e300
            base[2 * n_labs + k] = -1e300
            if lb.alive > 0 and lb.cap_closed > 0 and LP[k, L.SELLS_API] > 0:
                gaps[k] = lv[k, LV.GAP_CLOSED]
                base[k] = platform_offer_utility(
                    P, lv[k, LV.PRICE], 0.0, 0.0, lb.dev_share, m.dev_open_share, 0, origin
                )
                if P[G.SMALL_TIER_MONTHS] > 0:
                    gaps[2 * n_labs + k] = lv[k, LV.GAP_SMALL]
                    base[2 * n_labs + k] = platform_offer_utility(
                        P,
                        lv[k, LV.SMALL_PRICE],
                        0.0,
                        0.0,
                        lb.dev_share,
                        m.dev_open_share,
                        0,
                        origin,
                    )
            if lb.cap_open > 0:
                gaps[n_labs + k] = lv[k, LV.GAP_OPEN]
                base[n_labs + k] = platform_offer_utility(
                    P,
                    lv[k, LV.OCOST] * host_markup,
                    0.0,
                    0.0,
                    lb.dev_share,
                    m.dev_open_share,
                    1,
                    origin,
                )
        # the buyers' own tasks at the quadrature's nodes, then their frontier-bound work
        n_nodes = TOLERANCE_NODES.shape[0]
        for i in range(n_nodes + 1):
            if i < n_nodes:
                tol = P[G.PLAT_TOLERANCE_MEDIAN] * np.exp(
                    P[G.PLAT_TOLERANCE_SIGMA] * TOLERANCE_NODES[i]
                )
                node_w = (1.0 - front) * TOLERANCE_WEIGHTS[i]
            else:
                tol = P[G.WORKLOAD_FRONTIER_TOLERANCE]
                node_w = front
            if node_w <= 0.0:
                continue
            umax = -1e300
            for j in range(n_off):
                u[j] = base[j] - qw * max(gaps[j] - tol, 0.0) if base[j] > -1e299 else -1e300
                # on frontier-bound work a lab's flagship offers carry its edge (Anthropic's
                # in programming), its small tier does not
                if i == n_nodes and j < 2 * n_labs and u[j] > -1e299:
                    u[j] += LP[j % n_labs, L.WORK_EDGE]
                umax = max(umax, u[j])
            tot = 0.0
            for j in range(n_off):
                u[j] = np.exp(u[j] - umax) if u[j] > -1e299 else 0.0
                tot += u[j]
            if tot <= 0.0:
                continue
            w = w_r * node_w / tot
            for k in range(n_labs):
                out[0, k] += w * u[k]
                out[1, k] += w * u[n_labs + k]
                out[2, k] += w * u[2 * n_labs + k]


@kernel
def update_platform(s, target: np.ndarray) -> None:
    """Platform usage moves towards this month's logit shares (all at once in the first
    month: January 2023 starts in equilibrium)."""
    pv = s.pv
    tot = 0.0
    for j in range(pv.shape[1]):
        tot += pv[0, j] + pv[1, j] + pv[2, j]
    a = 1.0 if tot <= 0.0 else 1.0 - np.exp(-1.0 / s.P[G.PLAT_SWITCH_MONTHS])
    for i in range(3):
        for k in range(pv.shape[1]):
            pv[i, k] += a * (target[i, k] - pv[i, k])
