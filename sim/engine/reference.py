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

from ..actors import ACTOR_NAMES, N_CLOUDS, N_LABS
from ..events import EV, EVENT_TABLE
from ..params.scenario import Scenario, load_scenario
from ..params.spec import CLOUD_NAMES, L
from ..plan import MONTH_PLAN
from ..rules import clearing, lifecycle
from ..rules.classify import N_CONDITIONS, N_INDICATORS, decide, final_indicators
from ..rules.rng import run_seed
from ..rules.setup import init_state
from ..state import EVENT_DTYPE, MAX_EVENTS, SERIES_NAMES, new_state
from ..vocab import END_STATES
from .agents import (
    ClosedVendor,
    Cloud,
    Developer,
    Enterprise,
    Hardware,
    Lab,
    OpenLab,
    Regulator,
)
from .clock import Clock, event_priority, step_priority

__all__ = ["MarketModel", "DEFAULT_SCENARIO", "LAB_REPORTERS"]

DEFAULT_SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.toml"

# per-lab series the DataCollector records each month (agenttype_reporters)
LAB_REPORTERS = ("open", "alive", "bigtech", "cap_open", "cap_closed", "markup", "cash", "devs")


# each event kind's handler, looked up by the name the event table gives (the fast engine
# dispatches through the if-chain generated from the same table: the differential test
# compares the two)
_HANDLERS = {
    EV(i): getattr(lifecycle, row.handler) for i, row in enumerate(EVENT_TABLE) if row.handler
}


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
        init_state(self.state, np.int64(self.seed), self.months)
        self.calendar = Clock()
        self._next_clearing: simpy.Event | None = None
        self._month_done = self.calendar.event()
        self.end_state: str | None = None
        self.decided = 0  # how the end state was decided (sim.vocab.DECIDED), once finished
        self.held = 0  # condition bits (sim.rules.classify.CONDITIONS), once finished
        self.scores = np.zeros(len(END_STATES))
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
        """The run's state, allocated as the fast engine allocates it; its arrays as attributes."""
        self.trajectories = np.zeros((self.months, len(SERIES_NAMES)))
        self.log = np.zeros(MAX_EVENTS, dtype=EVENT_DTYPE)
        self.indicators = np.zeros(N_INDICATORS)
        self.state = new_state(
            sc.global_vector(),
            sc.lab_matrix(),
            sc.cloud_matrix(),
            sc.n_enterprises,
            sc.n_developers,
            self.months,
            self.trajectories,
            self.log,
        )
        for name, array in zip(self.state._fields, self.state, strict=True):
            setattr(self, name, array)
        # the arrays the per-agent review kernels take (as the fast engine passes them)
        st = self.state
        self.review_args = {
            "developers": (st.P, st.devs, st.labs, st.mkt, st.rl, st.work),
            "enterprises": (
                st.P,
                st.ents,
                st.clouds,
                st.mkt,
                st.vol,
                st.hvol,
                st.rv,
                st.rl,
                st.work,
            ),
        }

    def _make_agents(self) -> None:
        self.lab_agents: list[Lab] = [
            (OpenLab if self.LP[k, L.OPEN0] > 0 else ClosedVendor)(self, self.labs, k)
            for k in range(N_LABS)
        ]
        self.labs_by_name = {lab.name: lab for lab in self.lab_agents}
        self.cloud_agents = [Cloud(self, self.clouds, c, CLOUD_NAMES[c]) for c in range(N_CLOUDS)]
        self.eu_regulator = Regulator(self, "eu_regulator")
        self.us_regulator = Regulator(self, "us_regulator")
        self.hardware = Hardware(self)
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
        """Give an event to the agent the event table names, as an appointment on the clock."""
        ev = self.calendar.appointment(t, event_priority(kind))
        row = EVENT_TABLE[kind]
        if kind == EV.CLEARING:
            self._next_clearing = ev
        elif row.agent == "lab" and row.method == "plan_release":
            self.lab_agents[actor].plan_release(ev)  # the lab's lifecycle process waits on it
        elif row.agent == "lab":
            method = getattr(self.lab_agents[actor], row.method)
            ev.callbacks.append(lambda e, f=method: f(e.value))
        elif row.agent is not None:
            method = getattr(getattr(self, row.agent), row.method)
            ev.callbacks.append(lambda e, f=method: f(e.value, actor))
        else:
            raise RuntimeError(f"event kind {row.name} is not scheduled")

    def act(self, kind: int, actor: int, t: float) -> None:
        """Apply the rulebook's handler of one event, then schedule what it requested."""
        if t >= self.months:
            return
        _HANDLERS[kind](self.state, actor, t)
        self._drain()

    def _clearing(self):
        """The monthly clearing process: the steps of sim.plan.MONTH_PLAN, in order.

        A market step runs here; a review step is the appointments of the agents due, at the
        step's priority, after which this process resumes at the next step's priority.
        """
        clock = self.calendar
        while self._next_clearing is not None:
            due, self._next_clearing = self._next_clearing, None
            yield due
            for j, step in enumerate(MONTH_PLAN):
                if step.who != "market":
                    continue
                if j > 0 and MONTH_PLAN[j - 1].who != "market":
                    yield clock.appointment(clock.now, step_priority(j))
                getattr(clearing, step.kernel)(self.state)
            self._drain()
            done, self._month_done = self._month_done, clock.event()
            if self.month >= self.months:
                self._next_clearing = None
                self._finish()
            done.succeed()

    def _finish(self) -> None:
        final_indicators(self.P, self.trajectories, self.months, self.indicators)
        end, self.decided, self.held = decide(
            self.P, self.trajectories, self.months, np.empty(N_CONDITIONS), self.scores
        )
        self.end_state = END_STATES[int(end)]
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
