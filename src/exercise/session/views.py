"""Read models per audience, projected from a session: what a screen or a report may show.

A view is what one audience may know now. The facilitator sees everything,
ground truth included. An evaluator sees what every team was told and did, and
how the expected actions went, but not the adversary's hidden moves until the
debrief. A team sees only what it was told: injects addressed to it (or to
all), its own decisions and measures, the indicators it may read, and the
clock; never a stage, its real outcome, the seed, or another team's traffic.

Every view carries the sequence number of the last event it holds and the
session's generation (bumped by each undo that rebuilt the world), so a
client can ask for "everything after seq N" and knows to start over when the
generation moved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from exercise.engine.events import Event, Kind
from exercise.engine.indicators import band_of
from exercise.scenario.feeds import FeedReading, read_feed
from exercise.scenario.models import Indicator as IndicatorSpec
from exercise.scenario.models import Observation, WaitingRule
from exercise.session.commands import DESKS, REVEAL_STEPS, AnswerDecision, Reveal, open_proposals
from exercise.session.headless import Outcome, outcome
from exercise.session.live import Session

Role = Literal["facilitator", "evaluator", "whitecell", "team", "room"]


@dataclass(frozen=True)
class Audience:
    role: Role
    team: str | None = None  # for a team: which
    evaluates: tuple[str, ...] = ()  # for an evaluator's seat: the teams it observes (empty: every team)

    def __post_init__(self) -> None:
        if (self.role == "team") != (self.team is not None):
            raise ValueError("a team audience names its team, and only a team audience does")


FACILITATOR = Audience("facilitator")
EVALUATOR = Audience("evaluator")
ROOM = Audience("room")  # the projector: what every team was told, the indicators every team may read
WHITECELL = Audience("whitecell")  # the bodies not at the table: every table's traffic, no ground truth


def team(team_id: str) -> Audience:
    return Audience("team", team_id)


# What the adversary did and how it went: for the facilitator during play, for everyone at the debrief.
GROUND_TRUTH = frozenset({Kind.STAGE_STARTED, Kind.STAGE_SUCCEEDED, Kind.STAGE_FAILED, Kind.STAGE_DETECTED,
                          Kind.STAGE_HELD_OFF, Kind.ADVERSARY_ESCALATED, Kind.INDICATOR_RATE,
                          Kind.FINDING_ESTABLISHED})
# How the players are doing against the plan: for the facilitator and the evaluators.
ASSESSMENT = frozenset({Kind.EXPECTATION_MET, Kind.EXPECTATION_MISSED, Kind.OBJECTIVE_JUDGED})
# The fields a team may read of each kind it may see; anything else (an inject's causing stage and
# its real outcome, the seed, what caused an indicator to move) stays with the facilitator.
TEAM_FIELDS: dict[Kind, frozenset[str]] = {
    Kind.EXERCISE_STARTED: frozenset({"scenario"}),
    Kind.EXERCISE_ENDED: frozenset(),
    Kind.INJECT_DELIVERED: frozenset({"inject", "to", "title", "severity", "body", "generated", "about",
                                      "message_from", "rfi", "answers"}),
    Kind.DECISION_OPENED: frozenset({"inject", "team", "deadline", "options"}),
    Kind.DECISION_MADE: frozenset({"inject", "team", "option", "by", "note"}),
    Kind.DECISION_EXPIRED: frozenset({"inject", "team"}),
    Kind.RESPONSE_TAKEN: frozenset({"team", "response", "note", "source", "effective_at", "cost", "target"}),
    Kind.RESPONSE_ACTIVE: frozenset({"team", "response", "ends_at"}),
    Kind.RESPONSE_ENDED: frozenset({"team", "response", "early", "reason", "before_effect"}),
    Kind.RESPONSE_REAFFIRMED: frozenset({"team", "response", "note", "status", "ends_at", "effective_at"}),
    Kind.RESPONSE_REFUSED: frozenset({"team", "response", "reason", "stage", "note", "source"}),
}
# What an observer reads beyond the teams' fields: how the plan went. An explicit list, as for the teams.
EVALUATOR_FIELDS: dict[Kind, frozenset[str]] = {
    Kind.EXPECTATION_MET: frozenset({"inject", "response", "team", "latency", "before_inject", "by", "reason"}),
    Kind.EXPECTATION_MISSED: frozenset({"inject", "response", "team", "contingency"}),
    Kind.OBJECTIVE_JUDGED: frozenset({"objective", "met", "detail"}),
}
# No indicator event reaches a team or the room: they would tell the true value the moment it
# changed. Teams read indicators as they perceive them (``observation``), in their state.


LIVE = Observation()  # the truth, as it is


def observation(spec: IndicatorSpec, audience: Audience, teams: list[str]) -> Observation | None:
    """How ``audience`` learns an indicator (None: it does not).

    The facilitator sees the truth. An observer sees what the room sees (observers sit with the teams: what
    they see, the teams could read over their shoulders). A team sees what ``observed_by`` gives it (its own
    entry, else 'all'), or, without ``observed_by``, the truth if ``visible_to`` is empty or names it.
    The room shows only what every team learns, as late as the latest of them learns it.
    """
    if audience.role == "facilitator":
        return LIVE
    if audience.role in ("room", "evaluator", "whitecell"):
        seen = [observation(spec, team(t), teams) for t in teams]
        if not seen or any(o is None for o in seen):
            return None
        return max((o for o in seen if o is not None), key=lambda o: (o.lag, o.every or 0.0))
    if spec.observed_by is not None:
        return spec.observed_by.get(audience.team or "", spec.observed_by.get("all"))
    return LIVE if not spec.visible_to or audience.team in spec.visible_to else None


def _for_team(session: Session, event: Event, audience: Audience) -> Event | None:
    """What a team (or the room, which is told what every team is told) may read of one event."""
    fields = TEAM_FIELDS.get(event.kind)
    if fields is None:
        return None
    d = event.data
    if event.kind == Kind.INJECT_DELIVERED:
        own = audience.team is not None and d.get("cause") == "message" and d.get("message_from") == audience.team
        if "all" not in d["to"] and audience.team not in d["to"] and not own:
            return None  # a team sees what is sent to it, and the messages it sent itself
    elif "team" in d and d["team"] != audience.team:
        return None
    return _readable(session, event, fields)


def _for_evaluator(session: Session, event: Event) -> Event | None:
    """What an observer may read of one event: every team's, and how the expected actions went, but no
    ground truth (what caused a change, which stage an inject came from and whether it worked, the seed)."""
    fields = TEAM_FIELDS.get(event.kind) or EVALUATOR_FIELDS.get(event.kind)
    return None if fields is None else _readable(session, event, fields)


def _readable(session: Session, event: Event, fields: frozenset[str]) -> Event:
    d = event.data
    data = {k: v for k, v in d.items() if k in fields}
    if event.kind == Kind.INJECT_DELIVERED:
        scripted = session.world.injects.get(d["inject"]) if d["inject"] else None
        if scripted is not None:  # what the team reads, and who it is from; the notes stay behind
            data.update(body=scripted.body, sender=scripted.from_, channel=scripted.medium)
            if scripted.form is not None:  # the post or email itself; its counters follow what the reader sees
                data["form"] = scripted.form.model_dump(mode="json")
        elif d.get("cause") == "message":  # who wrote it: a team, a simulated body, the white cell or control
            data.update(sender=_writer(session, d["message_from"]), channel=d["channel"])
        elif d.get("published_by"):  # a team's statement: who published it, and where
            teams = session.world.teams
            publisher = d["published_by"]
            data.update(sender=teams[publisher].name if publisher in teams else publisher, channel=d["channel"],
                        published_by=publisher)
        else:
            data.update(sender="exercise control" if d.get("adhoc") else "exercise", channel=d.get("channel", "message"))
    elif event.kind == Kind.DECISION_MADE:
        point = session.world.injects[d["inject"]].decision
        data["label"] = next((o.label for o in point.options if o.id == d["option"]), d["option"]) if point else d["option"]
        if d["by"] != "default":
            data["answered_by"] = _answered_by(session, d["inject"])  # the other members are told who answered
    return Event(event.seq, event.t, event.kind, data)


def _writer(session: Session, who: str) -> str:
    teams = session.world.teams
    if who in teams:
        return teams[who].name
    body = next((b for b in session.loaded.scenario.simulated_bodies if b.id == who), None)
    return body.name if body is not None else DESKS.get(who, who)


def _answered_by(session: Session, inject: str) -> str:
    """Who gave the answer that stands at ``inject``: the last one journaled (an undone one was answered again)."""
    answers = [c for c in session.records if isinstance(c, AnswerDecision) and c.inject == inject]
    return answers[-1].by.label() if answers else "exercise control"


def events_for(session: Session, audience: Audience, after: int = -1) -> list[Event]:
    """The events this audience may know of, with seq greater than ``after``, as it may read them."""
    fresh = session.world.events[max(after, -1) + 1:]  # an event's seq is its place in the log
    if audience.role == "facilitator":
        return list(fresh)
    if audience.role in ("evaluator", "whitecell"):  # the white cell reads every table's traffic, no ground truth
        return [e for e in (_for_evaluator(session, e) for e in fresh) if e is not None]
    return [e for e in (_for_team(session, e, audience) for e in fresh) if e is not None]


class ReadModel(BaseModel):
    """A read model: what a screen shows and what goes over the wire to a team's screen, as typed."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class IndicatorReading(ReadModel):
    id: str = Field(description="The indicator's id in the scenario.")
    name: str = Field(description="Its name, as the scenario gives it.")
    value: float = Field(description="Its value now.")
    band: str | None = Field(description="The band it is in now (green, amber, red), if the scenario sets bands.")
    times: list[float] = Field(description="Evenly spaced sample times, in minutes from T+0, from the window's "
                                           "start to now (one if they are the same).")
    series: list[float] = Field(description="The indicator at each of the sample times.")

    @property
    def lowest(self) -> float:
        return min(self.series)

    @property
    def highest(self) -> float:
        return max(self.series)


def indicator_readings(session: Session, audience: Audience = FACILITATOR, window: float | None = None,
                       points: int = 24) -> list[IndicatorReading]:
    """The indicators ``audience`` may see (the facilitator: all of them).

    The one sampler of indicator history: the console's sparklines, the debrief's
    charts and the report's series all read it. ``window``: minutes of history
    (None: from T+0).
    """
    world = session.world
    now = world.now
    start = 0.0 if window is None else max(0.0, now - window)
    times = [start + (now - start) * i / (points - 1) for i in range(points)] if now > start else [now]
    teams = [t.id for t in session.loaded.scenario.teams]
    readings = []
    truth = audience.role != "facilitator" and revealed_step(session) >= 2  # the debrief shows the true curves
    for spec in session.loaded.scenario.indicators:
        seen = LIVE if truth else observation(spec, audience, teams)
        if seen is None:
            continue
        state = world.indicators[spec.id]
        # What this audience knows at each moment is the value as it was when its report left.
        value = state.at(seen.seen(now))
        readings.append(IndicatorReading(id=spec.id, name=spec.name, value=value, band=band_of(spec, value),
                                         times=times, series=[state.at(seen.seen(t)) for t in times]))
    return readings


def feeds(session: Session, audience: Audience = FACILITATOR) -> list[FeedReading]:
    """The background feeds ``audience`` follows, each at the indicator's level as that audience reads it:
    a team sees a feed only if it follows it and may read its indicator (the room: a feed every team
    follows); the facilitator sees them all, at the truth."""
    world = session.world
    teams = [t.id for t in session.loaded.scenario.teams]
    specs = {i.id: i for i in session.loaded.scenario.indicators}
    readings = []
    for feed in session.loaded.scenario.feeds:
        if audience.role == "team" and not feed.follows(audience.team or ""):
            continue
        if audience.role in ("room", "evaluator", "whitecell") and not all(feed.follows(t) for t in teams):
            continue
        seen = observation(specs[feed.indicator], audience, teams)
        if seen is None:
            continue
        readings.append(read_feed(feed, world.seed, _as_seen(world.indicators[feed.indicator].at, seen), world.now))
    return readings


def _as_seen(value_at: Callable[[float], float], seen: Observation) -> Callable[[float], float]:
    """An indicator's value at each time as a reader learns it: the value as it was when its report left."""
    return lambda t: value_at(seen.seen(t))


class TaskDue(ReadModel):
    """A critical task of an Exercise Evaluation Guide for one team: when it is due, and how it went so far."""

    objective: str = Field(description="The objective whose guide lists it.")
    task: str = Field(description="The task's id within the objective.")
    text: str = Field(description="What the team does.")
    team: str = Field(description="The team observed.")
    after: str | None = Field(description="The inject it answers (None: it runs from T+0).")
    due: float | None = Field(description="When it is due, in minutes from T+0; None: its inject has not come yet.")
    status: Literal["waiting", "open", "overdue", "observed", "not observed"] = Field(
        description="waiting: its inject has not come; open or overdue: not marked yet; else the latest mark.")
    seen: float | None = Field(None, description="When it was seen done, if it was.")
    by: str = Field("", description="Who marked it last.")
    note: str = Field("", description="What they saw.")
    simulated: float | None = Field(None, description="When the team took the task's measure, if the task names one "
                                                      "and the simulator saw it taken.")


def tasks_due(session: Session, teams: tuple[str, ...] = ()) -> list[TaskDue]:
    """Every critical task for each of ``teams`` (empty: every team), soonest due first, with the latest mark."""
    if not any(o.tasks for o in session.loaded.scenario.objectives):
        return []
    world = session.world
    delivered_at: dict[tuple[str, str], float] = {}
    taken: dict[tuple[str, str], float] = {}
    for e in world.events:  # one pass: when each inject reached each team, when each team first took a measure
        if e.kind == Kind.INJECT_DELIVERED:
            for team_id in ([t.id for t in session.loaded.scenario.teams] if "all" in e.data["to"] else e.data["to"]):
                delivered_at.setdefault((e.data["inject"], team_id), e.t)
        elif e.kind == Kind.RESPONSE_TAKEN:
            taken.setdefault((e.data["response"], e.data["team"]), e.t)
    marks = {(c.objective, c.task, c.team): c for c in session.observations}
    rows = []
    for o in session.loaded.scenario.objectives:
        for k in o.tasks:
            for team_id in k.teams:
                if teams and team_id not in teams:
                    continue
                start = 0.0 if k.after is None else delivered_at.get((k.after, team_id))
                due = None if start is None else start + k.within
                mark = marks.get((o.id, k.id, team_id))
                status = ("waiting" if due is None else "overdue" if world.now > due else "open") if mark is None \
                    else "observed" if mark.observed else "not observed"
                rows.append(TaskDue(
                    objective=o.id, task=k.id, text=k.task, team=team_id, after=k.after, due=due, status=status,
                    seen=mark.when if mark is not None and mark.observed else None,
                    by=mark.by.label() if mark is not None else "", note=mark.note if mark is not None else "",
                    simulated=taken.get((k.response, team_id)) if k.response else None))
    return sorted(rows, key=lambda r: (r.due is None, r.due if r.due is not None else 0.0, r.objective, r.task))


class OpenRequest(ReadModel):
    """A message to the white cell or a request for information to control, not answered yet."""

    seq: int = Field(description="Its event's seq: an answer names it.")
    t: float = Field(description="When it was sent, in minutes from T+0.")
    sender: str = Field(description="The team that asked (its id).")
    to: list[str] = Field(description="Who it went to: 'whitecell', 'control', teams.")
    subject: str
    text: str
    rfi: bool = Field(description="A request for information (to control), not a message to the white cell.")
    age: float = Field(description="How long it has waited, in exercise minutes.")


def open_requests(session: Session) -> list[OpenRequest]:
    """What the white cell and control owe the teams: every message to them not answered yet, oldest first."""
    world = session.world
    asked = [e for e in world.events if e.kind == Kind.INJECT_DELIVERED and e.data.get("cause") == "message"]
    answered = {e.data["answers"] for e in asked if e.data.get("answers") is not None}
    return [OpenRequest(seq=e.seq, t=e.t, sender=e.data["message_from"], to=e.data["to"], subject=e.data["title"],
                        text=e.data["body"], rfi=bool(e.data.get("rfi")), age=world.now - e.t)
            for e in asked if e.seq not in answered and set(e.data["to"]) & set(DESKS)
            and e.data["message_from"] in world.teams]


class Proposal(ReadModel):
    """A member's proposal waiting for the team's lead."""

    position: int = Field(description="Its place in the journal: the lead's confirmation names it.")
    t: float = Field(description="When it was proposed, in minutes from T+0.")
    by: str = Field(description="Who proposed it.")
    what: str = Field(description="The proposal in words: 'take FIMI-04', 'answer INJ-17: wait'.")
    note: str = Field(description="The proposer's reason.")
    response: str | None = None
    target: str | None = None
    inject: str | None = None
    option: str | None = None


def proposals(session: Session, team: str) -> list[Proposal]:
    """The proposals of ``team``'s members still waiting for its lead, oldest first."""
    return [Proposal(position=i, t=c.minute, by=c.by.label(), what=c.what(), note=c.note, response=c.response,
                     target=c.target, inject=c.inject, option=c.option) for i, c in open_proposals(session, team)]


def seated(session: Session) -> frozenset[str]:
    """The autoplayed teams a person has taken over from the playbook."""
    return frozenset(session.world.seated)


def revealed_step(session: Session) -> int:
    """How far the facilitator has revealed what really happened (0: nothing yet)."""
    return max((c.step for c in session.standing() if isinstance(c, Reveal)), default=0)


class TruthLine(ReadModel):
    """One adversary stage as it really went."""

    t: float = Field(description="When it started, in minutes from T+0.")
    stage: str = Field(description="The stage, 'campaign.stage'.")
    name: str = Field(description="What it was, in the scenario's words.")
    outcome: str = Field(description="succeeded, failed, held off by a measure, or under way.")
    detected: float | None = Field(description="When the players' side first saw it; None: never.")


class ObjectiveLine(ReadModel):
    id: str
    text: str
    met: bool | None = Field(description="The simulator's verdict (None: not judged by it).")
    detail: str


class Revealed(ReadModel):
    """What the facilitator has revealed to the room and the teams so far."""

    step: int = Field(description="The last step revealed.")
    steps: list[str] = Field(description="What each step revealed, in order.")
    truth: list[TruthLine] = Field(description="Every adversary stage (from step 1).")
    objectives: list[ObjectiveLine] = Field(description="Each objective's verdict (from step 3).")


def revealed(session: Session, audience: Audience) -> Revealed | None:
    """The debrief as far as the facilitator has pushed it, for a team, the room or an observer; None before."""
    step = revealed_step(session)
    if step == 0 or audience.role == "facilitator":
        return None
    names = {f"{c.id}.{s.id}": s.name for c in session.loaded.scenario.campaigns for s in c.stages}
    lines: dict[str, dict[str, Any]] = {}
    for e in session.world.events:
        if e.kind not in GROUND_TRUTH or "stage" not in e.data:
            continue
        ref: str = e.data["stage"]
        if e.kind == Kind.STAGE_STARTED:
            lines[ref] = {"t": e.t, "stage": ref, "name": names.get(ref, ref), "outcome": "under way", "detected": None}
        elif e.kind == Kind.STAGE_HELD_OFF:
            lines.setdefault(ref, {"t": e.t, "stage": ref, "name": names.get(ref, ref), "detected": None})
            lines[ref]["outcome"] = "held off by a measure"
        elif e.kind in (Kind.STAGE_SUCCEEDED, Kind.STAGE_FAILED) and ref in lines:
            lines[ref]["outcome"] = "succeeded" if e.kind == Kind.STAGE_SUCCEEDED else "failed"
        elif e.kind == Kind.STAGE_DETECTED and ref in lines and lines[ref]["detected"] is None:
            lines[ref]["detected"] = e.t
    judged = verdicts(session) if step >= 3 else {}
    return Revealed(step=step, steps=[REVEAL_STEPS[n] for n in range(1, step + 1)],
                    truth=[TruthLine(**line) for line in lines.values()],
                    objectives=[ObjectiveLine(id=o.id, text=o.text, met=judged[o.id].met, detail=judged[o.id].detail)
                                for o in session.loaded.scenario.objectives if o.id in judged])


class Measure(ReadModel):
    """A measure a team took: pending its lead time, active, ended, or refused at approval."""

    team: str = Field(description="The team that took it.")
    response: str = Field(description="The measure's id.")
    name: str = Field(description="The measure's name.")
    status: Literal["pending", "active", "ended", "refused"] = Field(description="Where it stands now.")
    taken_at: float = Field(description="When it was taken, in minutes from T+0.")
    effective_at: float = Field(description="When it takes (or took) effect, after its lead time.")
    ends_at: float | None = Field(description="When its effect ends; none: it lasts to the end.")
    target: str | None = Field(description="The detected campaign or stage it is aimed at, if any.")


def measures(session: Session, team: str | None = None, *, under_way: bool = False) -> list[Measure]:
    """The measures taken (by ``team``, or by all), in the order taken; ``under_way``: pending or active only."""
    return [Measure(team=lv.team, response=lv.response, name=session.loaded.responses[lv.response].name,
                    status=lv.status, taken_at=lv.taken_at, effective_at=lv.effective_at, ends_at=lv.ends_at,
                    target=lv.target)
            for lv in session.world.live
            if team in (None, lv.team) and (not under_way or lv.status in ("pending", "active"))]


def measures_under_way(session: Session, team: str | None = None) -> list[Measure]:
    return measures(session, team, under_way=True)


def refusal(session: Session, team: str, response: str) -> str | None:
    """Why the team's measure would be refused now (the engine's own check), or None if it can go ahead."""
    why = session.world.why_not(team, response)
    return None if why is None else why[1]


class MeasureOption(ReadModel):
    """One of a team's measures, and what the team can know of whether it could be taken now."""

    response: str = Field(description="The measure's id.")
    refusal: str | None = Field(description="Why it would be refused now, where the team knows it (its own measure "
                                            "already under way); none: nothing the team knows stands in the way.")
    needs: str = Field("", description="What it needs, as the catalogue says; judged when it is taken, on what "
                                       "the deciding bodies know, which the team may not.")


def measure_options(session: Session, team: str) -> list[MeasureOption]:
    """The team's measures as the team can judge them. A precondition reads the world (detections, findings,
    an intelligence estimate) that the team may not have been told of, so it is not judged here: only
    the team's own state is (a measure it already has under way); the rest is the catalogue's words."""
    responses = session.loaded.responses
    out = []
    for rid in session.loaded.team(team).responses:
        if rid not in responses:
            continue
        why = session.world.why_not(team, rid)
        own = why[1] if why is not None and why[0] == "duplicate" else None
        out.append(MeasureOption(response=rid, refusal=own, needs=responses[rid].requires or ""))
    return out


def findings_held(session: Session) -> set[str]:
    """The findings established so far (legal and factual preconditions of measures)."""
    return set(session.world.findings)


def targets(session: Session) -> list[tuple[str, str]]:
    """What a measure may be aimed at now, (ref, how to say it): detected campaigns and stages."""
    world = session.world
    return [(ref, f"against the {world.campaigns[ref].name} campaign" if ref in world.campaigns
             else f"against: {world.stages[ref].stage.name}") for ref in world.targets()]


def last_seq(session: Session) -> int:
    """The seq of the last event logged (-1: none yet): a reader's bookmark for "after seq N"."""
    events = session.world.events
    return events[-1].seq if events else -1


def inject(session: Session, inject_id: str | None):  # noqa: ANN201 - a scenario Inject, or None
    """A scripted inject by id (None for an ad-hoc one or an engine notice)."""
    return session.world.injects.get(inject_id) if inject_id else None


def receipts(session: Session, item: str) -> dict[str, float]:
    """Read receipts of a feed item: which team member opened it first, and at what exercise minute."""
    return session.receipts(item)


def answer_given(session: Session, inject_id: str) -> str | None:
    """The option that stands at the decision point of ``inject_id`` (None: not answered)."""
    return session.world.decisions.get(inject_id)


def delivered(session: Session) -> set[str]:
    """The scripted injects delivered so far."""
    return set(session.world.delivered)


@dataclass(frozen=True)
class Progress:
    now: float
    end: float
    finished: bool


def progress(session: Session) -> Progress:
    world = session.world
    return Progress(world.now, world.end, world.finished)


class OpenDecision(ReadModel):
    """A decision point waiting for its team's answer."""

    inject: str = Field(description="The inject that asked it.")
    team: str = Field(description="The team that answers it.")
    prompt: str = Field(description="The question put to the team.")
    options: list[tuple[str, str]] = Field(description="The options, as (id, label).")
    takes: dict[str, list[str]] = Field(default_factory=dict,
                                        description="The measures an option takes when chosen, by option id.")
    deadline: float = Field(description="When the default applies, in minutes from T+0.")
    default: str | None = Field(description="The option that applies at the deadline; none: it lapses.")
    waiting: WaitingRule = Field(
        description="pause: the clock stops for everyone until it is answered; hold: the clock runs and the question "
                    "is put at once; timed: the clock runs and the default applies at the deadline.")


def waiting_rule(session: Session, inject: str) -> WaitingRule:
    """How the exercise waits for the decision at ``inject``: the facilitator's rule for all, else the scenario's."""
    if session.decision_rule is not None:
        return session.decision_rule
    point = session.world.injects[inject].decision
    return point.waiting if point is not None else "timed"


def open_decisions(session: Session, team: str | None = None) -> list[OpenDecision]:
    world = session.world
    out = []
    for d in world.pending_decisions():
        if team not in (None, d.team):
            continue
        point = world.injects[d.inject].decision
        assert point is not None  # a decision opens only at an inject that has a decision point
        out.append(OpenDecision(inject=d.inject, team=d.team, prompt=point.prompt,
                                options=[(o.id, o.label) for o in point.options], deadline=d.deadline,
                                takes={o.id: list(o.responses) for o in point.options if o.responses},
                                default=point.default, waiting=waiting_rule(session, d.inject)))
    return out


class Expected(ReadModel):
    """An action an inject expects, still awaited."""

    inject: str = Field(description="The inject that expects it.")
    response: str = Field(description="The measure expected.")
    team: str | None = Field(description="The team expected to take it; none: any team.")
    deadline: float = Field(description="By when, in minutes from T+0.")


def open_expectations(session: Session) -> list[Expected]:
    return [Expected(inject=x.inject, response=x.action.response, team=x.action.team, deadline=x.deadline)
            for x in session.world.open_expectations()]


@dataclass(frozen=True)
class Debrief:
    """Everything, for after play (the debrief screen, the report, a printed run): ground truth included."""

    events: list[Event]
    now: float
    end: float
    finished: bool
    seed: int
    verdicts: dict[str, Any]  # objective id -> its verdict now (met: True, False, None; detail)


def debrief(session: Session) -> Debrief:
    world = session.world
    return Debrief(list(world.events), world.now, world.end, world.finished, world.seed, verdicts(session))


def outcome_of(session: Session) -> Outcome:
    """The run so far in figures: objectives, indicator extremes, counts (what Monte Carlo summarises)."""
    return outcome(session.world)


def verdicts(session: Session) -> dict[str, Any]:
    """Each objective as things stand now: met, not met, or None while open; and why."""
    return {r.objective: r for r in session.world.objective_status()}


__all__ = [
    "answer_given", "ASSESSMENT", "Audience", "band_of", "debrief", "Debrief", "delivered", "EVALUATOR", "Event",
    "events_for", "Expected", "FACILITATOR", "feeds", "findings_held", "GROUND_TRUTH", "indicator_readings",
    "IndicatorReading", "inject", "Kind", "last_seq", "Measure", "measure_options", "MeasureOption", "measures",
    "measures_under_way", "open_decisions", "open_expectations", "open_requests", "OpenDecision", "OpenRequest",
    "outcome_of", "progress", "Progress", "Proposal", "proposals", "ReadModel", "refusal", "revealed", "Revealed",
    "revealed_step", "seated", "ROOM", "targets", "TaskDue", "tasks_due", "team", "verdicts", "WHITECELL",
]
