"""The model's small vocabularies, each declared once: every id-to-name table derives from here.

A vocabulary is a tuple of names; its index enum is generated from the tuple, so an id can
never be numbered by hand. Actors (labs, clouds, regulators, populations) are in
:mod:`sim.actors`, event kinds in :mod:`sim.events`, parameters in :mod:`sim.params.spec`,
trajectory series in :mod:`sim.state`.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = [
    "enum_of",
    "REGION_NAMES",
    "REGION_LABELS",
    "Region",
    "N_REGIONS",
    "OPTION_NAMES",
    "N_OPTIONS",
    "OPT",
    "option_name",
    "END_STATES",
    "End",
    "DECIDED",
    "Decided",
    "STREAM_NAMES",
    "Stream",
    "LabDraw",
    "AgentDraw",
    "EntDraw",
    "DevDraw",
    "ENT_DRAWS",
    "DEV_DRAWS",
    "RegDraw",
    "REGULATOR_PURPOSE",
    "REGULATOR_DRAWS",
    "FUNDING_NAMES",
    "Funding",
    "TERM_NAMES",
    "T",
    "N_TERMS",
]


def enum_of(name: str, names: tuple[str, ...], doc: str = "") -> type[IntEnum]:
    """An IntEnum whose members are ``names`` upper-cased, numbered 0, 1, ... in order."""
    enum = IntEnum(name, [(n.upper(), i) for i, n in enumerate(names)])
    enum.__doc__ = doc or f"Ids of {name}, generated from its names."
    enum.__module__ = __name__
    return enum


# regions: where enterprises and developers sit and where labs come from
REGION_NAMES = ("na", "eu", "cn", "row")
REGION_LABELS = ("North America", "Europe", "China", "rest of the world")
Region = enum_of("Region", REGION_NAMES, "Regions of users and labs' home regions.")
N_REGIONS = len(REGION_NAMES)

# enterprise deployment options (-1 in the state means: not adopted yet)
OPTION_NAMES = ("closed_api", "managed_open", "self_hosted", "hybrid")
_OPT_MEMBERS = ("closed", "managed", "self", "hybrid")
OPT = enum_of("OPT", _OPT_MEMBERS, "Enterprise deployment options (see OPTION_NAMES).")
N_OPTIONS = len(OPTION_NAMES)


def option_name(option: int) -> str:
    """Readable name of a deployment option id, 'none' before adoption."""
    return OPTION_NAMES[option] if option >= 0 else "none"


# the three end states, in the classifier's index order
END_STATES = ("open_deepening", "bigtech_oligopoly", "gap_widens")
End = enum_of("End", END_STATES, "End states, in the order of END_STATES.")

# how the classifier decided a run: exactly one end state's definition held (clear cut), or
# several or none held and the run went to the definition with the highest score (nearest)
DECIDED = ("clear_cut", "nearest_of_several", "nearest_of_none")
Decided = enum_of("Decided", DECIDED, "How a run's end state was decided (see DECIDED).")

# kinds of random stream: a draw is keyed by (seed, stream kind, actor, purpose, counter);
# the numbers are part of the results' identity, so new kinds go at the end
STREAM_NAMES = ("unused", "lab", "enterprise", "developer", "regulator")
Stream = enum_of("Stream", STREAM_NAMES, "Kinds of counter-based random stream.")


class LabDraw(IntEnum):
    """Purposes of a lab's random streams (the numbers are part of the results' identity)."""

    DECISIONS = 1  # licence, open line, funding outcomes: one counter per draw (labs.ctr)
    CYCLE = 2  # length of the next training run, one draw per release
    FUNDING_TIME = 3  # when in the month a funding round falls, one draw per month
    FIRST_RELEASE = 4  # when in its month the first release falls


class AgentDraw(IntEnum):
    """Purposes of an enterprise's or a developer's random streams."""

    SETUP = 0  # drawn once, in January 2023 (region, size, ...)
    REVIEWS = 1  # drawn at reviews: a month's counters are EntDraw or DevDraw offsets


ENT_DRAWS = 8  # counters of an enterprise's review stream reserved per month


class EntDraw(IntEnum):
    """Offsets of an enterprise's review draws within a month's ENT_DRAWS counters."""

    ADOPT = 0
    OPTION = 1
    FAMILY = 2
    VENDOR = 3
    NEXT_REVIEW = 4
    HYBRID_HOST = 5  # a hybrid's open part: managed or self-hosted
    VENDOR_FRONT = 6  # the closed vendor of its frontier-bound work


DEV_DRAWS = 4  # counters of a developer's review stream reserved per month


class DevDraw(IntEnum):
    """Offsets of a developer's review draws within a month's DEV_DRAWS counters."""

    ECOSYSTEM = 0
    NEXT_REVIEW = 1


REGULATOR_PURPOSE = 1  # the regulators' one stream
REGULATOR_DRAWS = 8  # counters of that stream reserved per month (RegDraw offsets)


class RegDraw(IntEnum):
    """Offsets of the regulators' draws within a month's REGULATOR_DRAWS counters."""

    INCIDENT = 0
    INCIDENT_TIME = 1
    LIABILITY = 2
    LIABILITY_TIME = 3
    EXPORT = 4
    EXPORT_TIME = 5


# how a lab pays for training
FUNDING_NAMES = ("sponsor", "venture", "cloud")
Funding = enum_of(
    "Funding",
    FUNDING_NAMES,
    "How a lab pays for training: a sponsor's budget, venture rounds, or its cloud's revenue.",
)

# the terms of a lab's license decision (positive favours open weights)
TERM_NAMES = (
    "ecosystem",
    "pressure",
    "monetization",
    "regulatory",
    "feedback",
    "liability",
    "forgone_revenue",
    "sponsor_retreat",
)
T = enum_of("T", TERM_NAMES, "Terms of the license decision, in the order of TERM_NAMES.")
N_TERMS = len(TERM_NAMES)
