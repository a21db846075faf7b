"""The way out of a session: one typed update per audience, for every screen that follows it.

``Session.subscribe`` says *that* something changed (a command, the clock
moving, the play state); ``update`` says *what*, for one audience: the events
it may know of after the seq it already holds, and the state it needs to draw
a screen (the play clock, the indicators it may read, its open decisions and
measures). The host sends these over the wire; a console could draw from them
as well. Everything in an update comes from ``views.py``, so what a team may
see is decided in one place.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from exercise.engine.events import Event, Kind
from exercise.scenario.feeds import FeedReading
from exercise.session.clock import SessionClock
from exercise.session.live import Session
from exercise.session.timeline import wall_clock
from exercise.session.views import (
    Audience, Expected, IndicatorReading, Measure, MeasureOption, OpenDecision, OpenRequest, Proposal, ReadModel,
    Revealed,
    Role, TaskDue, events_for, feeds, indicator_readings, last_seq, measure_options, measures_under_way,
    open_decisions, open_expectations, open_requests, proposals, revealed, tasks_due,
)


class PlayClock(ReadModel):
    """Where the exercise stands in time, and whether its clock runs."""

    now: float = Field(description="Exercise time now, in minutes from T+0.")
    end: float = Field(description="When the exercise ends, in minutes from T+0.")
    finished: bool = Field(description="The exercise has ended (ENDEX).")
    running: bool = Field(description="The clock runs; false: paused (also while the facilitator has a dialog open).")
    speed: float = Field(description="Exercise minutes per real second while it runs.")
    when: str = Field(description="The in-world date and time now, in the scenario's time zone: 'Sat 15 May 20:00'.")

    @property
    def status(self) -> str:
        """The play state in the words of exercise control: ENDEX, RUNNING or PAUSED."""
        return "ENDEX" if self.finished else "RUNNING" if self.running else "PAUSED"


class EventRecord(ReadModel):
    """One event of the log, as much of it as this audience may read."""

    seq: int = Field(description="Its place in the session's log: ask for 'after seq N' to get what is newer.")
    t: float = Field(description="When it happened, in minutes from T+0.")
    kind: Kind = Field(description="What happened.")
    data: dict[str, Any] = Field(description="Its fields, as far as this audience may read them.")

    @classmethod
    def of(cls, event: Event) -> EventRecord:
        return cls(seq=event.seq, t=event.t, kind=event.kind, data=event.data)


class State(ReadModel):
    """What an audience needs to draw its screen now, apart from the events."""

    role: Role = Field(description="Whose eyes these are.")
    team: str | None = Field(None, description="For a team: which.")
    generation: int = Field(description="Bumped by each undo that rebuilt the world: a reader holding an "
                                        "older generation starts over.")
    seq: int = Field(description="The last event's seq in the whole log (-1: none yet).")
    clock: PlayClock = Field(description="The play clock.")
    indicators: list[IndicatorReading] = Field(description="The indicators this audience may read.")
    decisions: list[OpenDecision] = Field(description="Decision points waiting for an answer (a team: its own).")
    measures: list[Measure] = Field(description="Measures under way (a team: its own).")
    expectations: list[Expected] = Field(description="Expected actions still awaited (facilitator and evaluators).")
    options: list[MeasureOption] = Field(description="A team's measures, each with what the team can know of "
                                                     "whether it could be taken now.")
    feeds: list[FeedReading] = Field(default_factory=list, description="The background feeds this audience "
                                                                      "follows: volume and latest posts.")
    proposals: list[Proposal] = Field(default_factory=list, description="A team's members' proposals waiting for "
                                                                      "its lead.")
    requests: list[OpenRequest] = Field(default_factory=list, description="Messages to the white cell and "
                                                                        "requests for information not answered "
                                                                        "yet (white cell and facilitator).")
    reveal: Revealed | None = Field(None, description="What really happened, as far as the facilitator has "
                                                     "revealed it to the room and the teams (None: not yet).")
    tasks: list[TaskDue] = Field(default_factory=list, description="The critical tasks an evaluator observes "
                                                                  "(an evaluator's seat: its own teams'; the "
                                                                  "facilitator: every team's).")


class Update(State):
    """What is new for one audience: the state now, and the events after the seq it held."""

    reset: bool = Field(description="The events start from the beginning: drop what you hold.")
    events: list[EventRecord] = Field(description="The events after the seq the reader held, in order.")


def state(session: Session, clock: SessionClock, audience: Audience) -> State:
    """The state ``audience`` needs now (the same for every reader of that audience)."""
    world = session.world
    team_id = audience.team
    watching = audience.role == "room"
    return State(
        role=audience.role, team=team_id, generation=session.generation, seq=last_seq(session),
        clock=PlayClock(now=world.now, end=world.end, finished=world.finished,
                        running=clock.running and not clock.frozen and not world.finished, speed=clock.speed,
                        when=wall_clock(session.loaded.scenario, world.now)),
        indicators=indicator_readings(session, audience),
        decisions=[] if watching else open_decisions(session, team_id),
        measures=[] if watching else measures_under_way(session, team_id),
        expectations=open_expectations(session) if audience.role in ("facilitator", "evaluator") else [],
        options=measure_options(session, team_id) if team_id is not None else [],
        feeds=feeds(session, audience),
        tasks=tasks_due(session, audience.evaluates) if audience.role in ("facilitator", "evaluator") else [],
        reveal=revealed(session, audience),
        requests=open_requests(session) if audience.role in ("facilitator", "whitecell") else [],
        proposals=proposals(session, team_id) if team_id is not None else [],
    )


def update(session: Session, clock: SessionClock, audience: Audience, *, after: int = -1, generation: int = -1,
           now: State | None = None) -> Update:
    """What is new for a reader of ``audience`` that holds the events up to seq ``after`` of
    ``generation`` (-1, or another generation than the session's: it starts over).

    ``now``: the audience's state, when several readers share it.
    """
    reset = generation != session.generation
    events = events_for(session, audience, after=-1 if reset else after)
    current = now if now is not None else state(session, clock, audience)
    return Update.model_construct(**dict(current), reset=reset, events=[EventRecord.of(e) for e in events])


__all__ = ["EventRecord", "PlayClock", "State", "Update", "state", "update"]
