"""What conditions and objectives read of a running world, as a protocol.

``conditions.py`` and ``objectives.py`` evaluate against this, not against
``World`` itself: the world imports them, and they must not import it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import simpy

from exercise.engine.events import Event
from exercise.engine.indicators import IndicatorState
from exercise.scenario.loader import LoadedScenario
from exercise.scenario.models import Scenario


# Compares by identity: a record is removed from lists by identity, not by its fields.
@dataclass(eq=False)
class LiveResponse:
    """A response from the moment it is taken until it ends or is refused."""

    order: int  # position in ``World.live``: counters apply in the order measures were taken
    team: str
    response: str
    taken_at: float
    effective_at: float
    stream: str
    note: str = ""
    status: str = "pending"  # pending -> active -> ended, or refused
    ends_at: float | None = None
    target: str | None = None  # a campaign id or a stage ref it was taken against; None: all it counters
    target_campaign: str | None = None  # the campaign the target belongs to
    # The campaigns its per-campaign findings hold for when it was taken (None: it needs none):
    # it acts against these only.
    subjects: frozenset[str] | None = None


class WorldState(Protocol):
    loaded: LoadedScenario
    scenario: Scenario
    env: simpy.Environment
    end: float
    finished: bool
    events: list[Event]
    indicators: dict[str, IndicatorState]
    stage_states: dict[str, set[str]]
    active: dict[tuple[str, str | None], int]  # taken measures in effect, by (response, team) and (response, None)
    response_history: dict[tuple[str, str | None], set[str]]
    delivered: set[str]
    decisions: dict[str, str]
    detected_domains: set[str]
    escalations: set[str]
    findings: dict[str, float]
    live: list[LiveResponse]
    condition_results: dict[str, bool]

    @property
    def now(self) -> float: ...

    def recheck(self, indicator: str, at: float) -> None: ...
