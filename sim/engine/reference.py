"""The reference engine: Mesa agents on a SimPy clock, calling the same rulebook.

``MarketModel`` is a ``mesa.Model`` whose every actor is a Mesa agent (labs, clouds,
regulators, each enterprise and each developer) over its row of the state arrays, and whose
calendar is a SimPy environment (:class:`~sim.engine.clock.Clock`): labs' lifecycles,
enterprises' and developers' reviews and the monthly clearing are SimPy processes; price
reviews, funding, regulation and hardware steps are timed events. All behaviour is the numba
rulebook's; this module only sequences it, in the fast engine's order, so both engines give
identical results for the same scenario and seed. ``model.step()`` advances one month.

It is for understanding and checking, not for batches: a baseline run takes seconds here
against milliseconds in the fast engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mesa
import numpy as np
import simpy

from ..params.scenario import Scenario, load_scenario
from ..params.spec import CLOUD_NAMES, L
from ..rules.classify import N_INDICATORS, classify, final_indicators
from ..rules.clearing import (
    W_N,
    clearing_close,
    clearing_open,
    developers_close,
    open_share_now,
)
from ..rules.labs import N_TERMS
from ..rules.lifecycle import handle_event
from ..rules.rng import run_seed
from ..rules.setup import init_state
from ..state import (
    ACTOR_NAMES,
    CLOUD_DTYPE,
    DEV_DTYPE,
    END_STATES,
    ENT_DTYPE,
    EV,
    EVENT_DTYPE,
    HEAP_DTYPE,
    LAB_DTYPE,
    LV,
    MAX_EVENTS,
    MKT_DTYPE,
    N_CLOUDS,
    N_LABS,
    N_REGIONS,
    N_ROUTES,
    OUTBOX_CAP,
    RV,
    SERIES_NAMES,
    A,
)
from .agents import (
    ClosedVendor,
    Cloud,
    Developer,
    Enterprise,
    Lab,
    OpenLab,
    Regulator,
)
from .clock import PRIO_CLOSE, PRIO_DEV_CLOSE, Clock, event_priority

__all__ = ["MarketModel", "DEFAULT_SCENARIO", "LAB_REPORTERS"]

DEFAULT_SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.toml"

# per-lab series the DataCollector records each month (agenttype_reporters)
LAB_REPORTERS = ("open", "alive", "bigtech", "cap_open", "cap_closed", "markup", "cash", "devs")


def _base_seed(rng: Any, scenario: Scenario) -> int:
    if rng is None:
        return scenario.seed
    if isinstance(rng, (int, np.integer)):
        return int(rng)
    return int(np.random.default_rng(rng).integers(0, 2**62))


class MarketModel(mesa.Model):
    """One run of the market on the reference engine.

    Args:
        scenario: a :class:`Scenario` or the path of a scenario file (default: the baseline).
        run: run index within a batch; with the base seed it fixes the run's seed, so run K
            here is run K of ``aimarket run`` with the same seed.
        rng: base seed (an int; default: the scenario's ``run.seed``). Mesa's own ``rng`` is
            seeded with it but the rules never use it: every draw comes from the rulebook's
            counter-based streams.
        collect: record a ``DataCollector`` row per month (off for batch runs).
        **overrides: scenario values to override, dotted keys with ``__`` for ``.``
            (``counterforces__liability__strength=2.0``), for ``mesa.batch_run``.

    With ``mesa.batch_run``, vary runs through ``rng=[seed, ...]`` (base seeds) or
    ``parameters={"run": range(n)}``: ``iterations=`` passes ``rng=None``, which means the
    scenario's seed, so every iteration would be the same run. ``agents_by_type`` is keyed
    by concrete class (``OpenLab``, ``ClosedVendor``, ...); ``lab_agents``, ``enterprises``
    and ``developers`` list them by index. The scenario is ``market_scenario`` (Mesa keeps
    ``scenario`` for its own). Writing a record field on an agent (``lab.cash = 0.5``) changes
    the state the rules read: an intervention, after which the run departs from the fast
    engine's.
    """

    def __init__(
        self,
        scenario: Scenario | str | Path = DEFAULT_SCENARIO,
        *,
        run: int = 0,
        rng: Any = None,
        collect: bool = True,
        **overrides: Any,
    ) -> None:
        if not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario)
        if overrides:
            scenario = scenario.with_values(**overrides)
        base = _base_seed(rng, scenario)
        super().__init__(rng=base)
        self.market_scenario = scenario
        self.run = int(run)
        self.seed = int(run_seed(base, self.run))
        self.months = scenario.months
        self._allocate(scenario)
        init_state(
            self.P,
            self.LP,
            self.CP,
            np.int64(self.seed),
            self.months,
            self.labs,
            self.clouds,
            self.ents,
            self.devs,
            self.mkt,
            self.hist,
            self.vol,
            self.outbox,
        )
        self.calendar = Clock()
        self._next_clearing: simpy.Event | None = None
        self._month_done = self.calendar.event()
        self.end_state: str | None = None
        self._make_agents()
        self._drain()  # the first events; labs' lifecycles start with their first release
        self.calendar.process(self._clearing())
        for agent in self.developers:
            self.calendar.process(agent.reviews())
        for agent in self.enterprises:
            self.calendar.process(agent.reviews())
        self.datacollector = mesa.DataCollector(
            model_reporters={
                name: (lambda m, j=j: float(m.trajectories[m.month - 1, j]))
                for j, name in enumerate(SERIES_NAMES)
            },
            agenttype_reporters={Lab: {name: name for name in LAB_REPORTERS}},
        )
        self._collect = collect

    # -- state -------------------------------------------------------------------------------
    def _allocate(self, sc: Scenario) -> None:
        self.P = sc.global_vector()
        self.LP = sc.lab_matrix()
        self.CP = sc.cloud_matrix()
        months = self.months
        self.labs = np.zeros(N_LABS, dtype=LAB_DTYPE)
        self.clouds = np.zeros(N_CLOUDS, dtype=CLOUD_DTYPE)
        self.ents = np.zeros(sc.n_enterprises, dtype=ENT_DTYPE)
        self.devs = np.zeros(sc.n_developers, dtype=DEV_DTYPE)
        self.mkt = np.zeros(1, dtype=MKT_DTYPE)
        self.outbox = np.zeros(OUTBOX_CAP, dtype=HEAP_DTYPE)
        self.hist = np.zeros(months + 1)
        self.vol = np.zeros((N_ROUTES, N_LABS))
        self.lv = np.zeros((N_LABS, LV.N))
        self.rv = np.zeros((N_REGIONS, RV.N))
        self.rl = np.zeros((3, N_REGIONS, N_LABS))
        self.work = np.zeros(W_N)
        self.terms = np.zeros(N_TERMS)
        self.trajectories = np.zeros((months, len(SERIES_NAMES)))
        self.log = np.zeros(MAX_EVENTS, dtype=EVENT_DTYPE)
        self.indicators = np.zeros(N_INDICATORS)
        # argument tuples of the per-agent review kernels (see agents.py)
        self.developer_args = (self.P, self.devs, self.labs, self.mkt, self.rl, self.work)
        self.enterprise_args = (
            self.P,
            self.ents,
            self.clouds,
            self.mkt,
            self.vol,
            self.rv,
            self.rl,
            self.work,
        )

    def _make_agents(self) -> None:
        self.lab_agents: list[Lab] = [
            (OpenLab if self.LP[k, L.OPEN0] > 0 else ClosedVendor)(self, self.labs, k)
            for k in range(N_LABS)
        ]
        self.labs_by_name = {lab.name: lab for lab in self.lab_agents}
        self.cloud_agents = [Cloud(self, self.clouds, c, CLOUD_NAMES[c]) for c in range(N_CLOUDS)]
        self.eu_regulator = Regulator(self, "eu_regulator", A.EU_REGULATOR)
        self.us_regulator = Regulator(self, "us_regulator", A.US_REGULATOR)
        self.enterprises = [Enterprise(self, self.ents, i) for i in range(self.ents.shape[0])]
        self.developers = [Developer(self, self.devs, i) for i in range(self.devs.shape[0])]

    # -- the calendar ------------------------------------------------------------------------
    def _drain(self) -> None:
        """Put the rulebook's requested events on the clock, in request order."""
        n = int(self.mkt["out_n"][0])
        for j in range(n):
            req = self.outbox[j]
            self._route(int(req["kind"]), int(req["actor"]), float(req["time"]))
        self.mkt["out_n"][0] = 0

    def _route(self, kind: int, actor: int, t: float) -> None:
        ev = self.calendar.appointment(t, event_priority(kind))
        if kind == EV.CLEARING:
            self._next_clearing = ev
        elif kind == EV.RELEASE:
            self.lab_agents[actor].plan_release(ev)
        elif kind == EV.PRICE_REVIEW:
            ev.callbacks.append(lambda e, lab=self.lab_agents[actor]: lab.review_prices(e.value))
        elif kind == EV.FUNDING_ROUND:
            ev.callbacks.append(lambda e, lab=self.lab_agents[actor]: lab.raise_funds(e.value))
        elif kind == EV.RUNWAY_EXHAUSTED:
            ev.callbacks.append(lambda e, lab=self.lab_agents[actor]: lab.run_out_of_cash(e.value))
        elif kind == EV.EXPORT_CONTROL:
            ev.callbacks.append(lambda e: self.us_regulator.enact(kind, actor, e.value))
        elif kind in (EV.REG_PHASE, EV.LIABILITY_SHOCK, EV.SAFETY_INCIDENT):
            ev.callbacks.append(lambda e: self.eu_regulator.enact(kind, actor, e.value))
        elif kind == EV.HARDWARE_STEP:
            ev.callbacks.append(lambda e: self.act(kind, actor, e.value))
        else:
            raise RuntimeError(f"no route for event kind {kind}")

    def act(self, kind: int, actor: int, t: float) -> None:
        """Apply the rulebook's handler of one event, then schedule what it requested."""
        if t >= self.months:
            return
        handle_event(
            self.P,
            self.LP,
            self.CP,
            self.labs,
            self.clouds,
            self.mkt,
            self.hist,
            self.log,
            self.outbox,
            self.terms,
            kind,
            actor,
            t,
            open_share_now(self.vol),
        )
        self._drain()

    def _clearing(self):
        """The monthly clearing process: steps 1-3, the month's reviews, steps 6-9."""
        clock = self.calendar
        while self._next_clearing is not None:
            due, self._next_clearing = self._next_clearing, None
            yield due
            clearing_open(
                self.P,
                self.LP,
                self.CP,
                self.labs,
                self.clouds,
                self.mkt,
                self.hist,
                self.vol,
                self.lv,
                self.rv,
                self.rl,
                self.work,
            )
            # developers due this month review now (their appointments come first)
            yield clock.appointment(clock.now, PRIO_DEV_CLOSE)
            developers_close(self.P, self.labs, self.devs, self.mkt, self.lv, self.log, self.work)
            # then the enterprises due this month
            yield clock.appointment(clock.now, PRIO_CLOSE)
            clearing_close(
                self.P,
                self.LP,
                self.CP,
                self.labs,
                self.clouds,
                self.ents,
                self.mkt,
                self.hist,
                self.vol,
                self.lv,
                self.trajectories,
                self.log,
                self.outbox,
            )
            self._drain()
            done, self._month_done = self._month_done, clock.event()
            if self.month >= self.months:
                self._next_clearing = None
                self._finish()
            done.succeed()

    def _finish(self) -> None:
        final_indicators(self.P, self.trajectories, self.months, self.indicators)
        self.end_state = END_STATES[int(classify(self.P, self.indicators))]
        self.running = False

    # -- Mesa --------------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one month: every event up to and including the month's clearing."""
        if self.end_state is not None:
            self.running = False
            return
        self.calendar.run(until=self._month_done)
        if self._collect:
            self.datacollector.collect(self)

    # -- reading the run ---------------------------------------------------------------------
    @property
    def month(self) -> int:
        """Months closed so far (the next month to simulate)."""
        return int(self.mkt["month"][0])

    @property
    def log_n(self) -> int:
        return int(self.mkt["log_n"][0])

    @property
    def dropped(self) -> int:
        return int(self.mkt["dropped"][0])

    def event_log(self) -> list[dict[str, Any]]:
        """The run's event log so far: time (months), kind, actor and the two values."""
        out = []
        for e in self.log[: self.log_n]:
            out.append(
                {
                    "time": float(e["time"]),
                    "kind": EV(int(e["kind"])).name.lower(),
                    "actor": int(e["actor"]),
                    "actor_name": ACTOR_NAMES[int(e["actor"])],
                    "value": float(e["value"]),
                    "value2": float(e["value2"]),
                    "target": int(e["target"]),
                }
            )
        return out

    def __repr__(self) -> str:
        return (
            f"MarketModel(scenario={self.market_scenario.name!r}, run={self.run}, "
            f"month={self.month}/{self.months}, end_state={self.end_state!r})"
        )
