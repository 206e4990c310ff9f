"""The event table: every kind of event, once, with everything that is said about it.

A row gives an event kind's

- ``actor``: the kind of actor the event is attributed to in the log (``sim.actors``);
- ``priority``: its order among events at the same time (lower first), or ``None`` for
  kinds that are only logged, never scheduled;
- ``handler``: the rulebook function in :mod:`sim.rules.lifecycle` that carries it out
  (signature ``handler(state, actor, t)``); the clearing is sequenced by each engine;
- ``agent`` and ``method``: who carries it out in the reference engine (``"lab"`` is the
  lab named by the event's actor; other agents are attributes of the model) and which of its
  methods;
- ``details``: how its numeric fields read, as cases of (condition, template, fields), turned
  into text by ``experiments.tables``; a condition is ``None`` or ``(field, value)``, a field
  is ``"value"``, ``"value2"`` or ``"target"`` with a format: ``:N`` rounds to N decimals,
  ``~N`` to N significant digits (prices, which span orders of magnitude),
  ``%N`` shows a share as a percentage, ``#`` an integer, ``?open`` reads 1/0 as open-weight
  or closed. ``experiments.tables`` also derives, from the log, ``price_before`` (a price
  cut's price before it), ``open_weights`` (1 if the lab had released open weights before
  the event) and ``against`` (1 if a license switch went against its net value: a draw).

Ids are positions in :data:`EVENT_TABLE`: they are stored in event logs, so new kinds go at
the end. The fast engine's dispatch, the reference engine's routing, the results' ``details``
and the docs all read this table; ``tests/test_events.py`` checks that each covers every kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from .vocab import enum_of

__all__ = ["EventKind", "EVENT_TABLE", "EV", "EVENT_KINDS", "EVENT_PRIORITY", "SCHEDULED"]


@dataclass(frozen=True)
class EventKind:
    """One kind of event (see the module docstring for the fields)."""

    name: str
    actor: str
    priority: int | None
    handler: str | None
    agent: str | None
    method: str | None
    details: tuple[tuple[tuple[str, float] | None, str, tuple[str, ...]], ...]
    doc: str


def _k(name, actor, priority, handler, agent, method, details, doc):
    return EventKind(name, actor, priority, handler, agent, method, details, doc)


EVENT_TABLE: tuple[EventKind, ...] = (
    _k(
        "clearing",
        "market",
        0,
        None,
        "model",
        "clearing",
        ((None, "", ()),),
        "the monthly clearing (sequenced by each engine: sim/rules/clearing.py)",
    ),
    _k(
        "reg_phase",
        "regulator",
        1,
        "on_reg_phase",
        "eu_regulator",
        "phase_in",
        ((None, "EU AI Act phase {} applies", ("value#",)),),
        "the next phase of the EU AI Act applies (2024-08, 2025-08, 2026-08)",
    ),
    _k(
        "export_control",
        "regulator",
        2,
        "on_export_control",
        "us_regulator",
        "tighten_export_controls",
        ((None, "export controls tighten (Chinese labs lose {} OOM of compute)", ("value:2",)),),
        "US export controls tighten: labs based in China lose compute",
    ),
    _k(
        "liability_shock",
        "regulator",
        3,
        "on_liability_shock",
        "eu_regulator",
        "enact_liability",
        (
            (
                None,
                "strict liability for open weights enacted; open-source exemption revoked",
                (),
            ),
        ),
        "strict liability for open weights (the seeds' wild card) ends the exemption",
    ),
    _k(
        "safety_incident",
        "lab",
        4,
        "on_safety_incident",
        "eu_regulator",
        "respond_to_incident",
        ((None, "a maliciously fine-tuned open model causes harm (pressure {})", ("value:2",)),),
        "a misused open model (of the lab named) raises regulatory pressure",
    ),
    _k(
        "hardware_step",
        "hardware",
        5,
        "on_hardware_step",
        "hardware",
        "ship_generation",
        (
            (
                None,
                "a GPU generation ships ({}x price-performance since 2023 once the fleet renews)",
                ("value:2",),
            ),
        ),
        "a GPU generation ships; fleets adopt it over technology.fleet_renewal_months",
    ),
    _k(
        "release",
        "lab",
        6,
        "on_release",
        "lab",
        "plan_release",
        (
            (
                None,
                "{} model, capability {} (log10 eff. FLOP), {} months behind the closed frontier",
                ("target?open", "value:2", "value2:1"),
            ),
        ),
        "a lab releases the model it trained, decides its license, starts the next run",
    ),
    _k(
        "price_review",
        "lab",
        7,
        "on_price_review",
        "lab",
        "review_prices",
        ((None, "", ()),),
        "a closed vendor re-prices its API against the best open alternative",
    ),
    _k(
        "funding_round",
        "lab",
        8,
        "on_funding_round",
        "lab",
        "raise_funds",
        (
            (
                ("target", 2.0),
                "its cloud partner invests USD {} B (cash USD {} B)",
                ("value~3", "value2~3"),
            ),
            (None, "raises USD {} B (cash USD {} B)", ("value~3", "value2~3")),
        ),
        "a venture-funded lab raises money (from investors, or from its cloud partner when a "
        "round fails while it is near the frontier)",
    ),
    _k(
        "runway_exhausted",
        "lab",
        9,
        "on_runway_exhausted",
        "lab",
        "run_out_of_cash",
        ((None, "runs out of cash (USD {} B)", ("value:2",)),),
        "a venture-funded lab is out of cash: acquired or wound down",
    ),
    _k(
        "license_switch",
        "lab",
        None,
        None,
        None,
        None,
        (
            (("value2", -1.0), "investors force the flagship closed", ()),
            (
                ("against", 1.0),
                "switches to {} releases despite a net value of open of {} USD B a month (a draw)",
                ("value?open", "value2:2"),
            ),
            (
                None,
                "switches to {} releases (net value of open {} USD B a month)",
                ("value?open", "value2:2"),
            ),
        ),
        "a lab switches its flagship between open and closed weights",
    ),
    _k(
        "price_cut",
        "lab",
        None,
        None,
        None,
        None,
        (
            (
                None,
                "cuts its API price by {}% from {} to {} USD per M tokens",
                ("value2%1", "price_before~3", "value~3"),
            ),
        ),
        "a closed vendor cuts its price by more than vendors.price_cut_event",
    ),
    _k(
        "acquisition",
        "lab",
        None,
        None,
        None,
        None,
        ((None, "is acquired by a big-tech sponsor", ()),),
        "a lab out of cash is acquired by big tech",
    ),
    _k(
        "wind_down",
        "lab",
        None,
        None,
        None,
        None,
        (
            (("open_weights", 1.0), "winds down; its open weights stay available", ()),
            (None, "winds down", ()),
        ),
        "a lab out of cash winds down",
    ),
    _k(
        "enterprise_reviews",
        "population",
        None,
        None,
        None,
        None,
        (
            (
                None,
                "{} reviews, {} switched deployment, {} adopted",
                ("value2#", "value#", "target#"),
            ),
        ),
        "the month's enterprise reviews (a summary, dated within the month)",
    ),
    _k(
        "developer_switches",
        "population",
        None,
        None,
        None,
        None,
        ((None, "{} reviews, {} switched ecosystem", ("value2#", "value#")),),
        "the month's developer reviews (a summary, dated within the month)",
    ),
    _k(
        "funding_failed",
        "lab",
        None,
        None,
        None,
        None,
        ((None, "fails to raise (cash USD {} B)", ("value2:2",)),),
        "a funding round fails",
    ),
    _k(
        "open_line",
        "lab",
        None,
        None,
        None,
        None,
        (
            (("target", 0.0), "stops its open line (net value {} USD M a month)", ("value2:0",)),
            (
                None,
                "releases a smaller open-weight model beside its closed flagship, capability {} "
                "(net value {} USD M a month)",
                ("value:2", "value2:0"),
            ),
        ),
        "a lab with a closed flagship releases (or stops) a smaller open-weight model line",
    ),
)

EVENT_KINDS = tuple(k.name for k in EVENT_TABLE)
EV = enum_of("EV", EVENT_KINDS, "Event kinds, in the order of EVENT_TABLE.")
EVENT_PRIORITY = {EV(i): k.priority for i, k in enumerate(EVENT_TABLE) if k.priority is not None}
SCHEDULED = tuple(EV(i) for i, k in enumerate(EVENT_TABLE) if k.priority is not None)
