"""Everything a person can do in a session, as typed commands; a command is its own journal record.

This module is the one list of actions. ``Session.submit`` checks a command
(is it well formed, may this person do it, does the world accept it now),
journals it (fsync), then applies it; replaying a journal submits each record
again. The console, a headless run and a remote team all go through it.

Each command carries *who* acted (``by``): the facilitator, a team, an
evaluator, or the playbook. Journals of format 1 had no ``by``: their records
read as the facilitator's (a playbook's own decisions as the playbook's).
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, ClassVar, Literal, Protocol, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from exercise.engine.events import Kind
from exercise.engine.world import EngineError, World
from exercise.scenario.loader import LoadedScenario
from exercise.scenario.models import Channel, Severity, WaitingRule
from exercise.session.records import Minutes, Name, Stamp, Words, _finite_time, _speed


class Session(Protocol):
    """What a command reads and calls of the session it is given to (``live.Session``)."""

    world: World
    loaded: LoadedScenario
    records: list[Command]
    decision_rule: WaitingRule | None

    def last_undoable(self) -> int | None: ...

    def standing(self) -> list[Command]: ...

    def undone(self) -> set[int]: ...

    def rebuild(self) -> None: ...

Role = Literal["facilitator", "team", "evaluator", "whitecell", "playbook"]

RatingCode = Literal["P", "S", "M", "U"]
RATINGS: dict[RatingCode, str] = {  # the codes in the order HSEEP gives them, each with its meaning
    "P": "Performed without Challenges",
    "S": "Performed with Some Challenges",
    "M": "Performed with Major Challenges",
    "U": "Unable to be Performed",
}


class RefusedError(EngineError):
    """A command the person who sent it may not give (a team acting for another team...)."""


class By(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    role: Role = Field(description="Who acted: the facilitator, a team, an evaluator or observer, or the playbook.")
    team: Annotated[str, Field(max_length=200)] | None = Field(
        None, description="The team that acted (role team), or whose table the evaluator sat at.")
    name: Annotated[str, Field(max_length=100)] | None = Field(
        None, description="The person, as they named themselves when they joined a hosted exercise.")

    def label(self) -> str:
        """Who, in a sentence: 'comms (Anna)', 'facilitator', 'evaluator (Ben)', 'playbook'."""
        who = self.team if self.role == "team" and self.team else self.role
        return f"{who} ({self.name})" if self.name and self.name != who else who


FACILITATOR = By(role="facilitator")
PLAYBOOK = By(role="playbook")


class Command(BaseModel):
    """One action. ``t`` and ``at`` are stamped by the session when the command is submitted."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    kind: str
    t: Minutes | None = Field(None, description="Exercise time it was taken at, in minutes from T+0.")
    at: Stamp | None = Field(None, description="Wall-clock time it was journaled (ISO 8601, UTC).")
    by: By = Field(FACILITATOR, description="Who acted.")

    roles: ClassVar[frozenset[str]] = frozenset({"facilitator"})  # who may send it
    undoable: ClassVar[bool] = False  # the facilitator's undo may take it back
    changes_world: ClassVar[bool] = False  # applied to the world (else kept for readers only)

    @property
    def minute(self) -> float:
        """When it was given, in minutes from T+0: ``t`` as the session stamped it (every journaled command
        has one; a command not yet submitted has none, and asking for it is a bug)."""
        if self.t is None:
            raise ValueError(f"this {self.kind} command has not been given yet: it has no time")
        return self.t

    def team_acting_for(self, session: Session) -> str | None:
        """The team this command acts for; a team member may only act for their own team."""
        return None

    def authorise(self, session: Session) -> None:
        if self.by.role not in self.roles:
            article = "an" if self.by.role[0] in "aeiou" else "a"
            raise RefusedError(f"{article} {self.by.role} may not {self.describe()}")
        # Team ids are checked for every role, the journal's records included: they reach reports and
        # the facilitator's dialogs, and only the scenario's teams are anybody's to name.
        teams = session.world.teams
        if self.by.team is not None and self.by.team not in teams:
            raise RefusedError("unknown team")
        acting_for = self.team_acting_for(session)
        if acting_for is not None and acting_for not in teams:
            raise RefusedError("unknown team")
        if self.by.role == "team":
            if self.by.team is None:
                raise RefusedError("a team member acts for a team")
            if acting_for is not None and acting_for != self.by.team:
                raise RefusedError(f"team {self.by.team} may not {self.describe()} for team {acting_for}")

    def check(self, session: Session) -> None:
        """Raise EngineError if the world would not accept it now. Nothing changes."""

    def apply(self, session: Session) -> None:
        """Do it. Called after the command is on disk."""

    def describe(self) -> str:
        return self.kind.replace("_", " ")

    def record(self) -> dict[str, Any]:
        """The journal line."""
        return self.model_dump(mode="json", exclude_none=True)


class TeamAction(Command):
    """What a team does in the world (a measure, a publication): the team or the facilitator gives it, and it
    can be taken back."""

    team: Name = Field(description="The team that acts.")

    roles = frozenset({"facilitator", "team"})
    undoable = True
    changes_world = True

    def team_acting_for(self, session: Session) -> str | None:
        return self.team


class TakeMeasure(TeamAction):
    kind: Literal["decision"] = "decision"
    team: Name = Field(description="The team taking the measure.")
    response: Name = Field(description="The measure's id in the catalogue or the scenario.")
    note: Words = Field("", description="The team's rationale, as said at the table.")
    target: Name | None = Field(None, description="A detected campaign or stage it is aimed at; none: all it counters.")
    proposal: Annotated[int, Field(ge=0)] | None = Field(
        None, description="The journal position of a member's proposal this confirms (the team's lead).")
    proposed_by: By | None = Field(None, description="Who proposed it; the host stamps it from the proposal.")

    def describe(self) -> str:
        return f"take {self.response}"

    def authorise(self, session: Session) -> None:
        super().authorise(session)
        if self.by.role == "team" and self.target is not None and self.target not in known_targets(session, self.team):
            # The same words whether it does not exist, was not detected, or was detected but not told to this team.
            raise RefusedError(f"your team knows of no detected campaign or stage {self.target!r}")

    def check(self, session: Session) -> None:
        session.world.check_take(self.team, self.response, self.target)
        if self.proposal is not None:
            _check_confirms(session, self.proposal, self.team, response=self.response)

    def apply(self, session: Session) -> None:
        session.world.take_response(self.team, self.response, note=self.note, source="player", target=self.target)


class Propose(Command):
    """A member of a team whose lead confirms proposes a measure or an answer to a decision; the lead confirms it
    (the measure or answer then names this proposal) or declines it."""

    kind: Literal["propose"] = "propose"
    team: Name = Field(description="The team.")
    response: Name | None = Field(None, description="The measure proposed.")
    target: Name | None = Field(None, description="What the measure is aimed at, if anything.")
    inject: Name | None = Field(None, description="The decision point whose answer is proposed.")
    option: Name | None = Field(None, description="The option proposed.")
    note: Words = Field("", description="Why.")

    roles = frozenset({"team"})

    def team_acting_for(self, session: Session) -> str | None:
        return self.team

    def describe(self) -> str:
        return f"propose {self.response}" if self.response else f"propose an answer at {self.inject}"

    def what(self) -> str:
        """The proposal in words, for the lead."""
        if self.response is not None:
            return f"take {self.response}" + (f" against {self.target}" if self.target else "")
        return f"answer {self.inject}: {self.option}"

    def check(self, session: Session) -> None:
        if (self.response is None) == (self.inject is None) or (self.inject is None) != (self.option is None):
            raise EngineError("a proposal is either a measure or an answer (an inject and an option)")
        if self.response is not None:
            session.world.check_take(self.team, self.response, self.target)
        elif self.inject is not None and self.option is not None:
            if _decider(session, self.inject) != self.team:
                raise EngineError(f"no decision of {self.team} is open at {self.inject}")
            session.world.check_decision(self.inject, self.option)

    def command(self) -> TakeMeasure | AnswerDecision:
        """What the lead gives to confirm it."""
        if self.response is not None:
            return TakeMeasure(team=self.team, response=self.response, target=self.target, note=self.note)
        assert self.inject is not None and self.option is not None  # check() holds it
        return AnswerDecision(inject=self.inject, option=self.option, note=self.note)


class Decline(Command):
    """A team's lead declines a member's proposal, and says why."""

    kind: Literal["decline"] = "decline"
    team: Name = Field(description="The team.")
    proposal: Annotated[int, Field(ge=0)] = Field(description="The journal position of the proposal declined.")
    reason: Words = Field("", description="Why: it goes into the report.")

    roles = frozenset({"team"})

    def team_acting_for(self, session: Session) -> str | None:
        return self.team

    def describe(self) -> str:
        return "decline a proposal"

    def check(self, session: Session) -> None:
        _check_confirms(session, self.proposal, self.team)


def open_proposals(session: Session, team: str | None = None) -> list[tuple[int, Propose]]:
    """The proposals neither confirmed nor declined yet (with their journal positions), a closed decision's
    left out."""
    standing = session.standing()
    closed = {c.proposal for c in standing if isinstance(c, (TakeMeasure, AnswerDecision, Decline))
              and c.proposal is not None}
    undone = session.undone()
    return [(i, c) for i, c in enumerate(session.records)
            if isinstance(c, Propose) and i not in undone and i not in closed and (team is None or c.team == team)
            and (c.inject is None or _decider(session, c.inject) == c.team)]


def _check_confirms(session: Session, position: int, team: str | None, **same: str | None) -> None:
    """The proposal at ``position`` is open, of ``team``, and proposes what confirms it."""
    found = dict(open_proposals(session)).get(position)
    if found is None or found.team != team:
        raise EngineError(f"record {position} is no open proposal of {team}")
    for field, value in same.items():
        if getattr(found, field) != value:
            raise EngineError(f"the proposal at record {position} is to {found.what()}")


def _decider(session: Session, inject: str) -> str | None:
    """The team whose decision point at ``inject`` is open (None: none is)."""
    open_ = session.world.open_decisions.get(inject)
    return open_.team if open_ is not None else None


def _authorise_answer(command: AnswerDecision | Defer, session: Session) -> None:
    """A team member answers only its own team's open decision, and learns nothing of others': one neutral
    refusal for a decision that is another team's, not open, answered by another team, or unknown."""
    if command.by.role != "team":
        return
    open_ = session.world.open_decisions.get(command.inject)
    if open_ is not None and open_.team == command.by.team:
        return
    scripted = session.world.injects.get(command.inject)
    point = scripted.decision if scripted is not None else None
    answered = session.world.decisions.get(command.inject)
    if point is not None and point.team == command.by.team and answered is not None:
        label = next((o.label for o in point.options if o.id == answered), answered)
        raise RefusedError(f"your team already answered the decision at {command.inject}: {label}")
    raise RefusedError(f"no decision of your team is open at {command.inject}")


def known_targets(session: Session, team: str) -> set[str]:
    """The campaigns and stages ``team`` was told were detected: a detection inject about them reached it."""
    known = set()
    world = session.world
    for e in world.events:
        if e.kind == Kind.INJECT_DELIVERED and e.data.get("stage") and (team in e.data["to"] or "all" in e.data["to"]):
            known.add(e.data["stage"])
            known.add(world.stages[e.data["stage"]].campaign.id)
    return known


class AnswerDecision(Command):
    kind: Literal["choice"] = "choice"
    inject: Name = Field(description="The inject whose decision point is answered.")
    option: Name = Field(description="The option chosen.")
    note: Words = Field("", description="Why the team chose it.")
    shown_at: Stamp | None = Field(None, description="When the question was put to the team (wall clock, with its "
                                                     "UTC offset), so the report can say how long it deliberated. "
                                                     "A host stamps it itself: a client's value is not taken.")
    proposal: Annotated[int, Field(ge=0)] | None = Field(
        None, description="The journal position of a member's proposal this confirms (the team's lead).")
    proposed_by: By | None = Field(None, description="Who proposed it; the host stamps it from the proposal.")

    roles = frozenset({"facilitator", "team"})
    undoable = True
    changes_world = True

    def team_acting_for(self, session: Session) -> str | None:
        return _decider(session, self.inject)

    def describe(self) -> str:
        return f"answer the decision at {self.inject}"

    def authorise(self, session: Session) -> None:
        _authorise_answer(self, session)  # first: the generic check would name the team whose decision it is
        super().authorise(session)

    def check(self, session: Session) -> None:
        answered = session.world.decisions.get(self.inject)
        if answered is not None:  # two members of a team answered at once: the first one counts
            raise EngineError(f"the decision at {self.inject} was already answered: {answered}")
        session.world.check_decision(self.inject, self.option)
        if self.proposal is not None:
            _check_confirms(session, self.proposal, _decider(session, self.inject), inject=self.inject,
                            option=self.option)

    def apply(self, session: Session) -> None:
        session.world.decide(self.inject, self.option, note=self.note)


class Defer(Command):
    """The team puts a decision aside; at its deadline the default applies unless it answers first."""

    kind: Literal["defer"] = "defer"
    inject: Name = Field(description="The inject whose decision point is deferred.")
    note: Words = Field("", description="Why the team deferred it.")
    shown_at: Stamp | None = Field(None, description="When the question was put to the team (wall clock, with its "
                                                     "UTC offset); a host stamps it itself.")

    roles = frozenset({"facilitator", "team"})

    def team_acting_for(self, session: Session) -> str | None:
        return _decider(session, self.inject)

    def describe(self) -> str:
        return f"defer the decision at {self.inject}"

    def authorise(self, session: Session) -> None:
        _authorise_answer(self, session)  # first: the generic check would name the team whose decision it is
        super().authorise(session)

    def check(self, session: Session) -> None:
        session.world.check_open_decision(self.inject)


class Deliver(Command):
    kind: Literal["deliver"] = "deliver"
    inject: Name = Field(description="The scripted inject the facilitator delivers now.")

    undoable = True
    changes_world = True

    def describe(self) -> str:
        return f"deliver {self.inject}"

    def check(self, session: Session) -> None:
        session.world.check_deliver(self.inject)

    def apply(self, session: Session) -> None:
        session.world.deliver_now(self.inject)


DESKS = {"whitecell": "the white cell", "control": "exercise control"}  # who a message may go to beside teams


class Message(Command):
    """A message between the tables: a team writes to another team, to the white cell (any body not at the
    table) or, as a request for information, to exercise control; the white cell answers as a simulated body."""

    kind: Literal["message"] = "message"
    to: Annotated[list[Name], Field(min_length=1, max_length=100)] = Field(
        description="Team ids, 'whitecell' or 'control'.")
    subject: Name = Field(min_length=1, description="The subject line.")
    text: Words = Field(min_length=1, description="The message.")
    rfi: bool = Field(False, description="A request for information: it stays open until answered.")
    answers: Annotated[int, Field(ge=0)] | None = Field(None, description="The seq of the message it answers.")
    as_body: Name | None = Field(None, description="The white cell (or facilitator) writes as this simulated body.")

    roles = frozenset({"facilitator", "team", "whitecell"})
    undoable = True
    changes_world = True

    def describe(self) -> str:
        return "send a request for information" if self.rfi else "send a message"

    def sender(self) -> str:
        if self.by.role == "team" and self.by.team is not None:
            return self.by.team
        return self.as_body or ("whitecell" if self.by.role == "whitecell" else "control")

    def check(self, session: Session) -> None:
        teams = session.world.teams
        unknown = [t for t in self.to if t not in teams and t not in DESKS]
        if unknown:
            raise EngineError(f"no team or desk {unknown[0]!r}: write to a team, 'whitecell' or 'control'")
        if self.by.role == "team" and self.by.team in self.to:
            raise EngineError("a team does not message itself")
        if self.as_body is not None:
            if self.by.role == "team":
                raise EngineError("a team writes as itself; the white cell plays the bodies not at the table")
            if self.as_body not in {b.id for b in session.loaded.scenario.simulated_bodies}:
                raise EngineError(f"no simulated body {self.as_body!r} in this scenario")
        if self.answers is not None:
            events = session.world.events
            asked = events[self.answers] if self.answers < len(events) else None
            if asked is None or asked.kind != Kind.INJECT_DELIVERED or asked.data.get("cause") != "message":
                raise EngineError(f"event {self.answers} is not a message")

    def apply(self, session: Session) -> None:
        body = next((b for b in session.loaded.scenario.simulated_bodies if b.id == self.as_body), None)
        session.world.message(self.sender(), self.to, self.subject, self.text,
                              body.channel if body is not None else "message", rfi=self.rfi, answers=self.answers)


class AdhocInject(Command):
    kind: Literal["inject"] = "inject"
    title: Name = Field(description="The inject's title, as the teams see it.")
    body: Words = Field(description="What the teams are told.")
    to: Annotated[list[Name], Field(min_length=1, max_length=100)] = Field(description="The teams it goes to.")
    severity: Severity = Field(description="How urgent it reads.")
    channel: Channel | None = Field(None, description="The channel it arrives by (a call, an email, the news); "
                                                      "empty: a message from exercise control.")

    roles = frozenset({"facilitator", "whitecell"})  # the white cell may turn an answer into an inject
    undoable = True
    changes_world = True

    def describe(self) -> str:
        return "write an inject"

    def check(self, session: Session) -> None:
        session.world.check_adhoc(self.to, self.severity)

    def apply(self, session: Session) -> None:
        session.world.adhoc_inject(self.title, self.body, self.to, self.severity, self.channel)


# Where a team can publish, and who sees it there: the public channels reach every team.
PUBLISHED = {"official": "a statement on the official website", "social": "a post on the team's account",
             "news": "a press release", "email": "an email"}


class Publish(TeamAction):
    """A team publishes a statement, a post, a press release or an email into the simulated channels; it may
    be the measure it carries out (a debunk that is a published statement)."""

    kind: Literal["publish"] = "publish"
    team: Name = Field(description="The team that publishes.")
    channel: Literal["official", "social", "news", "email"] = Field(description="Where: " + "; ".join(
        f"{k}: {v}" for k, v in PUBLISHED.items()) + ".")
    title: Name = Field(description="The headline or subject.")
    text: Words = Field(description="What it says.")
    to: Annotated[list[Name], Field(min_length=1, max_length=100)] = Field(
        ["all"], description="Who sees it: every team for a public channel; the addressees of an email.")
    response: Name | None = Field(None, description="The measure it carries out, taken with this text as its note.")

    def describe(self) -> str:
        return f"publish {PUBLISHED[self.channel]}"

    def check(self, session: Session) -> None:
        session.world.check_adhoc(self.to if self.channel == "email" else ["all"], "medium")
        if self.response is not None:
            session.world.check_take(self.team, self.response, None)

    def apply(self, session: Session) -> None:
        to = self.to if self.channel == "email" else ["all"]
        session.world.publish(self.team, self.channel, self.title, self.text, to)
        if self.response is not None:
            session.world.take_response(self.team, self.response, note=f"published: {self.title}", source="player")


class Note(Command):
    """A facilitator's note, a team's log entry, or an evaluator's observation: it goes into the AAR."""

    kind: Literal["note"] = "note"
    text: Words = Field(description="The note.")
    team: Name | None = Field(None, description="The team it is about, if one.")

    roles = frozenset({"facilitator", "team", "evaluator"})
    undoable = True

    def team_acting_for(self, session: Session) -> str | None:
        return self.team

    def describe(self) -> str:
        return "write a note"

    def author(self) -> str:
        """How the report names it: a facilitator note, an evaluator's observation, a team's log entry, with
        the writer's name when they gave one on joining."""
        if self.by.role == "evaluator":
            kind = "evaluator observation"
        elif self.by.role == "team":
            kind = f"{self.by.team} log"
        else:
            kind = "facilitator note"
        return f"{kind} ({self.by.name})" if self.by.name else kind


class Read(Command):
    """Someone opened a feed item: a resumed console shows it as read."""

    kind: Literal["read"] = "read"
    item: Name = Field(description="The feed item's key.")

    roles = frozenset({"facilitator", "team", "evaluator"})

    def describe(self) -> str:
        return "mark an item read"


class Clock(Command):
    kind: Literal["clock"] = "clock"
    action: Literal["resume", "pause", "speed", "jump", "fork", "reached"] = Field(
        description="What happened to the clock; 'reached': the running clock got this far (kept every simulated "
                    "minute, so that a host killed mid-run resumes where it was).")
    value: float | None = Field(None, description="The speed (speed), or the time it stopped at (jump, fork, reached).")

    def describe(self) -> str:
        return f"{self.action} the clock"

    def model_post_init(self, _context: object) -> None:
        if self.action == "speed":
            if self.value is None:
                raise ValueError("a speed record needs a value")
            _speed(self.value)
        elif self.value is not None:
            _finite_time(self.value)


class DecisionRule(Command):
    """How the exercise waits for decisions, as the facilitator chose it for every decision point; journaled so
    that a resumed session keeps waiting the same way."""

    kind: Literal["decisions"] = "decisions"
    rule: WaitingRule = Field(description="pause: the clock stops until answered; hold: it runs and the question "
                                          "waits with its deadline; timed: the default applies at the deadline.")

    def describe(self) -> str:
        return f"wait for decisions by the rule '{self.rule}'"

    def apply(self, session: Session) -> None:
        session.decision_rule = self.rule


class Rating(Command):
    kind: Literal["rating"] = "rating"
    objective: Name = Field(description="The objective rated.")
    rating: RatingCode = Field(description="HSEEP's rating: P, S, M or U.")
    comment: Words = Field("", description="Why.")

    roles = frozenset({"facilitator", "evaluator"})
    undoable = True

    def describe(self) -> str:
        return f"rate {self.objective}"

    def check(self, session: Session) -> None:
        if self.objective not in {o.id for o in session.loaded.scenario.objectives}:
            raise EngineError(f"unknown objective {self.objective!r}")


class Observe(Command):
    """An evaluator marks a critical task of the Exercise Evaluation Guide: observed or not, when, and what they saw."""

    kind: Literal["observe"] = "observe"
    objective: Name = Field(description="The objective whose guide lists the task.")
    task: Name = Field(description="The task's id within the objective.")
    team: Name = Field(description="The team observed.")
    observed: bool = Field(description="Whether the team was seen doing it.")
    seen: Minutes | None = Field(None, description="Exercise time it was seen done; empty: when it was marked.")
    note: Words = Field("", description="What the evaluator saw.")
    evaluator: Name | None = Field(None, description="The evaluator's seat, stamped by the host.")

    roles = frozenset({"facilitator", "evaluator"})
    undoable = True

    def describe(self) -> str:
        return f"mark {self.objective}/{self.task} for {self.team}"

    def check(self, session: Session) -> None:
        objective = next((o for o in session.loaded.scenario.objectives if o.id == self.objective), None)
        if objective is None:
            raise EngineError(f"unknown objective {self.objective!r}")
        task = next((k for k in objective.tasks if k.id == self.task), None)
        if task is None:
            raise EngineError(f"{self.objective} has no critical task {self.task!r}")
        if self.team not in task.teams:
            raise EngineError(f"{self.objective}/{self.task} is observed for {', '.join(task.teams)}, "
                              f"not {self.team}")
        if self.seen is not None and self.t is not None and self.seen > self.t:
            raise EngineError("a task cannot be seen done later than it is marked")

    @property
    def when(self) -> float:
        """When the task was seen done (or marked)."""
        return self.seen if self.seen is not None else self.minute


# The debrief the facilitator pushes to the room and every team after play, one step at a time.
REVEAL_STEPS: dict[int, str] = {
    1: "what the adversary did, and when it was seen",
    2: "the indicators as they truly were",
    3: "the objectives, as the simulator judged them",
}


class Reveal(Command):
    """The facilitator shows the room and every team the next step of what really happened."""

    kind: Literal["reveal"] = "reveal"
    step: Annotated[int, Field(ge=1, le=len(REVEAL_STEPS))] = Field(description="The step shown: " + "; ".join(
        f"{n}, {words}" for n, words in REVEAL_STEPS.items()) + ".")

    undoable = True

    def describe(self) -> str:
        return f"reveal step {self.step} ({REVEAL_STEPS[self.step]})"

    def check(self, session: Session) -> None:
        shown = max((c.step for c in session.standing() if isinstance(c, Reveal)), default=0)
        if self.step != shown + 1:
            raise EngineError(f"the reveal goes one step at a time: step {shown + 1} comes next, not {self.step}"
                              if shown < len(REVEAL_STEPS) else "everything has been revealed already")


# HSEEP's Participant Feedback Form, Part II: statements each rated 1 (strongly disagree) to 5 (strongly agree).
FEEDBACK_STATEMENTS: dict[str, str] = {
    "realistic": "The exercise scenario was plausible and realistic.",
    "control": "The facilitator and controllers were knowledgeable and kept the exercise on track.",
    "people": "The participants included the right people in terms of level and mix of disciplines.",
    "fit": "Taking part was appropriate for someone in my role with my experience.",
    "prepared": "After this exercise, I am better prepared to deal with the threats it played.",
}
LIKERT = {1: "strongly disagree", 2: "disagree", 3: "neutral", 4: "agree", 5: "strongly agree"}


class Feedback(Command):
    """A participant's feedback form, filled at ENDEX (HSEEP's Participant Feedback Form)."""

    kind: Literal["feedback"] = "feedback"
    scores: dict[Name, Annotated[int, Field(ge=1, le=5)]] = Field(
        default_factory=dict, description="Each statement's id -> 1 (strongly disagree) to 5 (strongly agree); "
                                          "a statement left out was not answered.")
    strengths: Words = Field("", description="The strengths the participant saw.")
    improvements: Words = Field("", description="The areas for improvement the participant saw.")
    unrecorded: Words = Field("", description="Anything they saw that the evaluators might not have recorded.")
    change: Words = Field("", description="What they would change in the exercise itself.")

    roles = frozenset({"team", "evaluator", "facilitator"})

    def describe(self) -> str:
        return "give feedback"

    def check(self, session: Session) -> None:
        unknown = sorted(set(self.scores) - set(FEEDBACK_STATEMENTS))
        if unknown:
            raise EngineError(f"no feedback statement {unknown[0]!r}; the statements are "
                              f"{', '.join(FEEDBACK_STATEMENTS)}")
        if not self.scores and not any((self.strengths, self.improvements, self.unrecorded, self.change)):
            raise EngineError("an empty feedback form: answer a statement or write something")


class TakeSeat(Command):
    """A person takes over a seat the playbook was playing (live autoplay), or hands it back to the playbook."""

    kind: Literal["seat"] = "seat"
    team: Name = Field(description="The autoplayed team.")
    taken: bool = Field(description="True: a person plays it from now; false: the playbook plays it again.")

    roles = frozenset({"facilitator", "team"})
    changes_world = True

    def team_acting_for(self, session: Session) -> str | None:
        return self.team

    def describe(self) -> str:
        return f"{'take over' if self.taken else 'hand back'} the seat of {self.team}"

    def check(self, session: Session) -> None:
        autoplay = getattr(session, "autoplay", None)
        if not autoplay or self.team not in autoplay:
            raise EngineError(f"{self.team} is not played by a playbook in this session")
        if (self.team in session.world.seated) == self.taken:
            raise EngineError(f"{self.team} is {'already' if self.taken else 'not'} played by a person")

    def apply(self, session: Session) -> None:
        (session.world.seated.add if self.taken else session.world.seated.discard)(self.team)


class PlaybookDecision(Command):
    """A measure the playbook took. The engine makes it; it is journaled for readers and re-checked on replay."""

    kind: Literal["playbook_decision"] = "playbook_decision"
    by: By = Field(PLAYBOOK, description="Who acted.")
    team: Name = Field(description="The team the playbook acted for.")
    response: Name = Field(description="The measure taken.")
    note: Words = Field("", description="The playbook's rule.")

    roles = frozenset({"playbook"})


class End(Command):
    kind: Literal["end"] = "end"

    def describe(self) -> str:
        return "end the exercise"


class EndMeasure(Command):
    """The facilitator ends a team's measure now (it was withdrawn, or overtaken by events)."""

    kind: Literal["end_measure"] = "end_measure"
    team: Name = Field(description="The team whose measure ends.")
    response: Name = Field(description="The measure.")
    reason: Words = Field(min_length=1, description="Why it ends early: it goes into the report.")

    undoable = True
    changes_world = True

    def describe(self) -> str:
        return f"end {self.response} early"

    def check(self, session: Session) -> None:
        session.world.check_end_early(self.team, self.response)

    def apply(self, session: Session) -> None:
        session.world.end_early(self.team, self.response, self.reason)


class MarkMet(Command):
    """The facilitator judges an expected action done, though not through a catalogue measure."""

    kind: Literal["mark_met"] = "mark_met"
    inject: Name = Field(description="The inject that expected the action.")
    response: Name = Field(description="The expected measure.")
    reason: Words = Field(min_length=1, description="What the team did instead: it goes into the report.")

    undoable = True
    changes_world = True

    def describe(self) -> str:
        return f"mark {self.response} after {self.inject} as met"

    def check(self, session: Session) -> None:
        session.world.check_mark_met(self.inject, self.response)

    def apply(self, session: Session) -> None:
        session.world.mark_met(self.inject, self.response, self.reason)


class Undo(Command):
    """The facilitator takes back the last action still standing; the journal keeps both, and why."""

    kind: Literal["undo"] = "undo"
    undoes: Annotated[int, Field(ge=0)] = Field(description="The position of the undone record in the journal "
                                                         "(0: the first record after the header).")
    reason: Words = Field(min_length=1, description="Why it is taken back: it goes into the report.")

    def describe(self) -> str:
        return "undo an action"

    def check(self, session: Session) -> None:
        last = session.last_undoable()
        if last is None:
            raise EngineError("there is nothing to undo")
        if self.undoes != last:
            raise EngineError(f"only the last action standing (record {last}) may be undone, "
                                  f"not record {self.undoes}")

    def apply(self, session: Session) -> None:
        if session.records[self.undoes].changes_world:
            session.rebuild()


AnyCommand = Annotated[
    Union[TakeMeasure, AnswerDecision, Defer, Deliver, AdhocInject, Message, Publish, Note, Read, Clock, DecisionRule, Rating,
          Observe, Feedback, Reveal, Propose, Decline, TakeSeat, PlaybookDecision, End, EndMeasure, MarkMet, Undo],
    Field(discriminator="kind"),
]

COMMANDS: dict[str, type[Command]] = {c.model_fields["kind"].default: c for c in get_args(get_args(AnyCommand)[0])}


@functools.cache
def command_adapter() -> TypeAdapter[Command]:
    """The one validator of the union, for journal lines and team messages alike.

    Built on first use: a run that writes its journal but reads none never pays for it, and
    the command classes themselves defer theirs (``defer_build``) until one is first made.
    """
    return TypeAdapter(AnyCommand)


def parse_command(data: object) -> Command:
    """A command from its JSON form (a journal line, a message from a team's screen)."""
    return command_adapter().validate_python(data)
