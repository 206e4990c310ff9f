"""Who acts: the actor table, derived from the labs and clouds the parameter spec declares.

Actor ids are positions in :data:`ACTOR_NAMES`: the labs, then the clouds, then the actors
that are not parameterised per entry (regulators, the two populations, the hardware market,
the market clearing). Nothing is numbered by hand, so adding a lab shifts every later id
consistently, in the engines, the event log and the stories alike.
"""

from __future__ import annotations

from .params.spec import CLOUD_LABELS, CLOUD_NAMES, LAB_LABELS, LAB_NAMES
from .vocab import enum_of

__all__ = [
    "LAB_NAMES",
    "CLOUD_NAMES",
    "N_LABS",
    "N_CLOUDS",
    "OTHER_ACTORS",
    "ACTOR_NAMES",
    "ACTOR_KINDS",
    "ACTOR_LABELS",
    "A",
    "N_ACTORS",
    "actor_kind",
    "actors_of_kind",
]

N_LABS = len(LAB_NAMES)
N_CLOUDS = len(CLOUD_NAMES)

# (name, kind, label) of every actor beyond the labs and clouds
OTHER_ACTORS = (
    ("eu_regulator", "regulator", "EU regulator"),
    ("us_regulator", "regulator", "US regulator"),
    ("enterprises", "population", "Enterprises"),
    ("developers", "population", "Developers"),
    ("hardware", "hardware", "Hardware"),
    ("market", "market", "Market"),
)

ACTOR_NAMES: tuple[str, ...] = (*LAB_NAMES, *CLOUD_NAMES, *(n for n, _, _ in OTHER_ACTORS))
ACTOR_KINDS: tuple[str, ...] = (
    *("lab",) * N_LABS,
    *("cloud",) * N_CLOUDS,
    *(k for _, k, _ in OTHER_ACTORS),
)
ACTOR_LABELS: dict[str, str] = {
    **LAB_LABELS,
    **CLOUD_LABELS,
    **{n: label for n, _, label in OTHER_ACTORS},
}
A = enum_of("A", ACTOR_NAMES, "Actor ids in the event log and on the calendar.")
N_ACTORS = len(ACTOR_NAMES)


def actor_kind(actor: int) -> str:
    """'lab', 'cloud', 'regulator', 'population', 'hardware' or 'market'."""
    return ACTOR_KINDS[actor]


def actors_of_kind(kind: str) -> tuple[int, ...]:
    """Ids of every actor of ``kind``."""
    return tuple(i for i, k in enumerate(ACTOR_KINDS) if k == kind)
