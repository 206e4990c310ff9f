"""Mesa agents of the reference engine: every actor an object over its row of the state.

An agent holds no behaviour of its own making: its state is one record of the engine's state
arrays (so the numba rulebook reads and writes it in place), and its methods and SimPy
processes only say *when* the rulebook acts for it. Record fields read as attributes:
``model.labs_by_name["mistral"].open``, ``enterprise.option``.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np
import simpy

from ..actors import ACTOR_NAMES, LAB_NAMES
from ..events import EV
from ..rules.clearing import developer_review, enterprise_review
from ..vocab import REGION_NAMES, option_name
from .clock import review_priority

if TYPE_CHECKING:
    from .reference import MarketModel

__all__ = [
    "RecordAgent",
    "Lab",
    "OpenLab",
    "ClosedVendor",
    "Cloud",
    "Regulator",
    "Hardware",
    "ReviewingAgent",
    "Enterprise",
    "Developer",
]


class RecordAgent(mesa.Agent):
    """An agent whose state is row ``index`` of a structured state array."""

    def __init__(self, model: MarketModel, records: np.ndarray, index: int) -> None:
        super().__init__(model)
        self._records = records
        self.index = index

    def __getattr__(self, name: str) -> Any:
        records = self.__dict__.get("_records")
        if records is not None and name in records.dtype.names:
            return records[self.__dict__["index"]][name].item()
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        # a record field written on the agent is written to the state the rules read (an
        # intervention: the run then departs from the fast engine's)
        records = self.__dict__.get("_records")
        if records is not None and name in records.dtype.names:
            records[self.__dict__["index"]][name] = value
        else:
            super().__setattr__(name, value)

    @property
    def state(self) -> dict[str, Any]:
        """The agent's full state now, as plain Python values."""
        row = self._records[self.index]
        return {name: row[name].item() for name in self._records.dtype.names}


class Lab(RecordAgent):
    """A lab: trains, releases, prices its API, raises money (rules in ``lifecycle.py``).

    Its lifecycle is a SimPy process: wait for the release the rulebook planned (the end of
    the training run), release and decide the license, plan the next run, repeat while alive.
    Price reviews (quarterly, or triggered by a rival's open release), funding rounds and
    runway exhaustion arrive as timed events.
    """

    def __init__(self, model: MarketModel, records: np.ndarray, index: int) -> None:
        super().__init__(model, records, index)
        self.name = LAB_NAMES[index]
        self.release_event: simpy.Event | None = None  # the planned release on the clock
        self.process: simpy.Process | None = None

    def plan_release(self, event: simpy.Event) -> None:
        """Put the release the rulebook planned on the lab's lifecycle (restarting it if it
        had ended)."""
        if self.release_event is not None:
            raise RuntimeError(f"{self.name} has two releases planned")
        self.release_event = event
        if self.process is None or not self.process.is_alive:
            self.process = self.model.calendar.process(self.lifecycle())

    def lifecycle(self) -> Generator[simpy.Event, float, None]:
        """Train -> release -> decide, until the lab stops planning releases."""
        while self.release_event is not None:
            release = self.release_event
            t = yield release
            self.release_event = None
            self.model.act(EV.RELEASE, self.index, t)

    def review_prices(self, t: float) -> None:
        """Re-price the API against the best open alternative."""
        self.model.act(EV.PRICE_REVIEW, self.index, t)

    def raise_funds(self, t: float) -> None:
        """Try a funding round."""
        self.model.act(EV.FUNDING_ROUND, self.index, t)

    def run_out_of_cash(self, t: float) -> None:
        """Face the end of the runway: acquisition or wind-down."""
        self.model.act(EV.RUNWAY_EXHAUSTED, self.index, t)

    def events(self) -> list[dict[str, Any]]:
        """This lab's entries in the run's event log so far."""
        return [e for e in self.model.event_log() if e["actor"] == self.index]


class OpenLab(Lab):
    """A lab that starts out releasing open weights (Meta, Mistral, Alibaba, DeepSeek)."""


class ClosedVendor(Lab):
    """A closed API vendor (OpenAI, Anthropic, Google)."""


class Cloud(RecordAgent):
    """A cloud: resells its partner's API, hosts open models, sets its managed markup (set in
    each clearing by the rulebook)."""

    def __init__(self, model: MarketModel, records: np.ndarray, index: int, name: str) -> None:
        super().__init__(model, records, index)
        self.name = name


class Regulator(mesa.Agent):
    """A regulator (EU or US). Its decisions to act are drawn in the clearing; the acts
    themselves (AI Act phases, strict liability, export controls, the response to a safety
    incident) arrive as timed events, each carried out by the rulebook's handler.

    Each method takes the event's time and the actor it concerns (the event table's
    ``agent`` and ``method`` columns name them).
    """

    def __init__(self, model: MarketModel, name: str) -> None:
        super().__init__(model)
        self.name = name
        self.actor = ACTOR_NAMES.index(name)

    def phase_in(self, t: float, about: int) -> None:
        """The next phase of the EU AI Act applies."""
        self.model.act(EV.REG_PHASE, about, t)

    def enact_liability(self, t: float, about: int) -> None:
        """Strict liability for open weights."""
        self.model.act(EV.LIABILITY_SHOCK, about, t)

    def respond_to_incident(self, t: float, about: int) -> None:
        """A misused open model of lab ``about`` raises regulatory pressure."""
        self.model.act(EV.SAFETY_INCIDENT, about, t)

    def tighten_export_controls(self, t: float, about: int) -> None:
        """Export controls on compute tighten."""
        self.model.act(EV.EXPORT_CONTROL, about, t)


class Hardware(mesa.Agent):
    """The GPU market: a new generation ships every ``technology.hw_step_months``."""

    def __init__(self, model: MarketModel) -> None:
        super().__init__(model)
        self.name = "hardware"
        self.actor = ACTOR_NAMES.index("hardware")

    def ship_generation(self, t: float, about: int) -> None:
        """A GPU generation ships: price-performance jumps."""
        self.model.act(EV.HARDWARE_STEP, about, t)


class ReviewingAgent(RecordAgent):
    """A population member whose reviews are a SimPy process: wait for the clearing of each
    review month (the rulebook sets ``next_review``), review, repeat within the horizon."""

    priority: int  # SimPy priority of its reviews within the clearing

    def review(self) -> None:
        """One review by the rulebook's kernel."""
        raise NotImplementedError

    def reviews(self) -> Generator[simpy.Event, float, None]:
        m = self.model
        while self.next_review < m.months:
            yield m.calendar.appointment(self.next_review + 1.0, self.priority)
            self.review()


class Enterprise(ReviewingAgent):
    """An enterprise: adopts (Bass) and chooses a deployment at its reviews."""

    priority = review_priority("enterprises")

    def review(self) -> None:
        enterprise_review(*self.model.review_args["enterprises"], self.index)

    @property
    def deployment(self) -> str:
        """How it uses language models now."""
        return option_name(self.option)

    @property
    def region_name(self) -> str:
        return REGION_NAMES[self.region]


class Developer(ReviewingAgent):
    """A developer: chooses the ecosystem to build in at its reviews."""

    priority = review_priority("developers")

    def review(self) -> None:
        developer_review(*self.model.review_args["developers"], self.index)

    @property
    def ecosystem(self) -> str:
        """The lab whose ecosystem it builds in."""
        return LAB_NAMES[self.eco]
