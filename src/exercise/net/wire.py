"""What goes over the wire: JSON messages, typed both ways and checked before anything reads them.

A client says ``hello`` (the protocol it speaks, its token, its name, the last
seq it holds), then sends ``command`` messages: the session's own typed
commands, without ``by``, ``t`` or ``at`` (the host stamps who sent it and
when). The host answers with ``welcome``, ``view`` updates (the audience's
events after the client's seq, and the state now), ``ack`` and ``error``, or
``refused`` and a close. ``exercise schema --wire`` prints the JSON Schema of
every message, so that a client can be written in any language.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from exercise.net.seats import SeatRole
from exercise.scenario.catalogue import Response, lead_time_provenance
from exercise.session.commands import COMMANDS, AnyCommand, Command
from exercise.session.live import Session
from exercise.session.updates import Update

PROTOCOL = 3  # 1: untyped view messages, no version in hello; 2: no feeds, critical tasks or evaluator seats
MAX_MESSAGE = 64 * 1024  # bytes; a command is a few hundred
STAMPED = frozenset({"t", "at", "by", "proposed_by", "evaluator"})  # what the host sets on a client's command
_COMMAND_NAMES = frozenset(c.__name__ for c in COMMANDS.values())


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- client to host -------------------------------------------------------------------------


class Hello(_Message):
    """The first message of a connection: who is there, and what it already holds."""

    model_config = ConfigDict(strict=True)
    type: Literal["hello"]
    protocol: int = Field(1, description="The wire protocol the client speaks; the host refuses another one. "
                                         "Clients from before the field spoke protocol 1.")
    token: Annotated[str, Field(max_length=200, description="The seat's join token.")]
    name: Annotated[str, Field(max_length=100, description="The player's name, for the journal.")] = ""
    after: Annotated[int, Field(ge=-1, description="The last event seq this client holds (-1: none).")] = -1
    generation: Annotated[int, Field(ge=-1, description="The generation of that seq; another one means "
                                                        "start over.")] = -1


class Send(_Message):
    """A command for the session, as the session's own commands are, without ``by``, ``t`` and ``at``."""

    type: Literal["command"]
    id: Annotated[int, Field(ge=0, le=2**53, description="Echoed in the ack or error that answers it.")]
    command: AnyCommand


class Fetch(_Message):
    """Exercise control asks for the session's journal as it stands (for the cohort report of cells hosted
    elsewhere)."""

    type: Literal["fetch"]
    id: Annotated[int, Field(ge=0, le=2**53, description="Echoed in the journal or error that answers it.")]


# --- host to client -------------------------------------------------------------------------


class TeamName(_Message):
    id: str
    name: str


class MeasureCard(_Message):
    """One of the team's measures, as the picker shows it: enough to choose it."""

    id: str
    name: str
    description: str = Field("", description="What the measure is and does.")
    decided_by: str = Field(description="The body that decides it.")
    procedure: str = Field(description="How it is decided.")
    requires: str = Field(description="Its preconditions, in words.")
    lead_time: str = Field("", description="From the decision to its effect, e.g. '~6h (90% < 1d)'.")
    lead_time_source: str = Field("", description="Where that figure comes from: law, a real case, or a design "
                                                  "estimate.")
    legal_basis: str = Field("", description="Treaty article, regulation or national law.")
    against: str = Field("", description="What it weakens while active: domains and tags.")


class Objective(_Message):
    id: str
    text: str
    capability: str


class Briefing(_Message):
    """What a team needs before play: the setting, its role, what the exercise is judged on, and the keys."""

    summary: str = Field(description="The scenario's summary.")
    setting: str = Field(description="Where and when: country, election date, start of play.")
    body: str = Field(description="The body this team plays.")
    role: str = Field(description="The team's own briefing (Markdown), as the scenario gives it.")
    objectives: list[Objective] = Field(description="The exercise's objectives.")


class Body(_Message):
    """A body not at the table, as the white cell's console names it."""

    id: str
    name: str
    channel: str = Field(description="How its answers arrive, e.g. 'email'.")


class Welcome(_Message):
    type: Literal["welcome"] = "welcome"
    protocol: int = Field(description="The wire protocol the host speaks.")
    role: SeatRole
    team: str | None = Field(description="The team of this seat, if it is a team's.")
    evaluates: list[str] = Field(default_factory=list, description="An evaluator's seat: the teams it observes "
                                                                   "(empty: every team).")
    name: str = Field(description="The name the host knows this client by.")
    lead: bool = Field(False, description="This seat is its team's lead: it confirms what members propose.")
    confirms: bool = Field(False, description="This team's lead confirms its measures and answers: a member's "
                                              "become proposals.")
    team_name: str
    title: str = Field(description="The exercise's title.")
    generation: int
    teams: list[TeamName]
    bodies: list[Body] = Field(default_factory=list, description="The bodies not at the table the white cell "
                                                                  "plays.")
    measures: list[MeasureCard] = Field(description="The measures this seat's team may take.")
    briefing: Briefing | None = Field(None, description="The briefing, for a team's or an evaluator's seat.")


class ViewUpdate(Update):
    type: Literal["view"] = "view"


class Ack(_Message):
    type: Literal["ack"] = "ack"
    id: int = Field(description="The id of the command done.")
    kind: str = Field(description="The command's kind.")
    t: float = Field(description="The exercise time it was done at.")
    refused: str | None = Field(None, description="A measure taken and refused by its procedure at once: why. "
                                                  "The command is journaled all the same: the team did ask.")


class Error(_Message):
    type: Literal["error"] = "error"
    id: int | None = Field(description="The id of the command refused; none: a message that was not one.")
    message: str = Field(description="Why, in words for the player.")


class Bye(_Message):
    """The host ends the exercise on purpose (not a crash): the client stops reconnecting and says so."""

    type: Literal["bye"] = "bye"
    message: str


class Refused(_Message):
    """The host will not have this client; it closes the connection after this."""

    type: Literal["refused"] = "refused"
    message: str


class JournalCopy(_Message):
    """The session's journal as it stands, for exercise control's seat only."""

    type: Literal["journal"] = "journal"
    id: int = Field(description="The id of the fetch it answers.")
    text: str = Field(description="The journal's lines (JSON Lines), header first.")


ToHost = Annotated[Union[Hello, Send, Fetch], Field(discriminator="type")]
ToClient = Annotated[Union[Welcome, ViewUpdate, Ack, Error, Refused, Bye, JournalCopy], Field(discriminator="type")]
_to_host: TypeAdapter[Hello | Send | Fetch] = TypeAdapter(ToHost)
_to_client: TypeAdapter[Welcome | ViewUpdate | Ack | Error | Refused | Bye | JournalCopy] = TypeAdapter(ToClient)


class BadMessage(ValueError):
    """A message the host cannot use; the text is what the client is told, ``ident`` the id it gave."""

    def __init__(self, text: str, ident: int | None = None) -> None:
        super().__init__(text)
        self.ident = ident


def parse(text: str | bytes) -> Hello | Send | Fetch:
    """A client's message, checked; BadMessage says what is wrong with it, in the client's terms."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise BadMessage("not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise BadMessage("a message is a JSON object with a 'type'")
    ident = data.get("id") if type(data.get("id")) is int else None
    try:
        message = _to_host.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        if not first["loc"]:
            raise BadMessage(f"unknown message type {data['type'][:40]!r}") from None
        loc = list(first["loc"][1:])  # after the message's own type
        if data["type"] == "command" and loc[:1] == ["command"]:
            loc = loc[1:]  # name the command's kind and field, as the client wrote them: 'decision.team'
        where = ".".join(str(p) for p in loc)
        raise BadMessage(f"{data['type'][:40]} message: {where + ': ' if where else ''}{first['msg']}",
                         ident) from None
    if isinstance(message, Send):
        stamped = STAMPED & message.command.model_fields_set
        if stamped:
            raise BadMessage(f"a client does not set {', '.join(sorted(stamped))}: "
                             "the host stamps who sent a command and when", message.id)
    return message


def read(text: str | bytes) -> Welcome | ViewUpdate | Ack | Error | Refused | Bye | JournalCopy:
    """A host's message, checked (a client's side of ``parse``)."""
    return _to_client.validate_json(text)


def dump(message: _Message | Update) -> str:
    return message.model_dump_json()


def hello(token: str, name: str = "", *, after: int = -1, generation: int = -1) -> str:
    return Hello(type="hello", protocol=PROTOCOL, token=token, name=name, after=after,
                 generation=generation).model_dump_json()


def command(ident: int, given: Command | dict[str, Any]) -> str:
    """A command message; a typed command goes without what the host stamps."""
    body = given if isinstance(given, dict) else given.model_dump(mode="json", exclude=set(STAMPED),
                                                                 exclude_none=True)
    return json.dumps({"type": "command", "id": ident, "command": body}, ensure_ascii=False)


def welcome(session: Session, role: SeatRole, team: str | None, name: str,
            evaluates: tuple[str, ...] = (), *, lead: bool = False, confirms: bool = False) -> Welcome:
    s = session.loaded.scenario
    own = session.loaded.team(team).responses if team else []
    seat_name = session.loaded.team(team).name if team else "white cell" if role == "whitecell" else \
        "exercise control" if role == "control" else \
        f"evaluator of {', '.join(evaluates)}" if evaluates else "observers"
    return Welcome(
        protocol=PROTOCOL, role=role, team=team, name=name, evaluates=list(evaluates), lead=lead,
        confirms=confirms,
        team_name=seat_name, bodies=[Body(id=b.id, name=b.name, channel=b.channel) for b in s.simulated_bodies],
        title=s.metadata.title, generation=session.generation,
        teams=[TeamName(id=t.id, name=t.name) for t in s.teams],
        measures=[card(session.loaded.responses[r]) for r in own if r in session.loaded.responses],
        briefing=briefing(session, team) if role not in ("room", "whitecell") else None,
    )


def card(r: Response) -> MeasureCard:
    counters = ", ".join([*r.counters.domains, *(f"#{tag}" for tag in r.counters.tags)])
    return MeasureCard(id=r.id, name=r.name, description=r.description, decided_by=r.decided_by,
                       procedure=r.procedure, requires=r.requires or "", lead_time=r.lead_time.describe(),
                       lead_time_source=lead_time_provenance(r), legal_basis=r.legal_basis, against=counters)


def briefing(session: Session, team: str | None) -> Briefing:
    """A team's briefing; without a team, the observers' and evaluators' (every objective, no role)."""
    s = session.loaded.scenario
    m = s.metadata
    body, role = (("observers and evaluators: every team's injects, measures and decisions, and how the expected "
                   "actions go", "") if team is None else
                  (session.loaded.team(team).body, session.loaded.team(team).briefing))
    election = f", {m.setting.polling_words()}" if m.setting.polling_words() else ""
    starts = m.start.strftime("%A %d %B %Y, %H:%M")
    return Briefing(summary=m.summary or "", setting=f"{m.setting.country}{election}; play starts {starts}",
                    body=body, role=role,
                    objectives=[Objective(id=o.id, text=o.text, capability=o.capability) for o in s.objectives])


def schema() -> dict[str, Any]:
    """The JSON Schema of every message, both ways: what a third-party client needs."""
    both: TypeAdapter[Any] = TypeAdapter(Annotated[
        Union[Hello, Send, Fetch, Welcome, ViewUpdate, Ack, Error, Refused, Bye, JournalCopy], Field(discriminator="type")])
    document = both.json_schema()
    for name, definition in document["$defs"].items():
        if name in _COMMAND_NAMES:  # what the host stamps is not the client's to send
            for stamped in STAMPED:
                definition["properties"].pop(stamped, None)
    document["$defs"].pop("By", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"exercise wire protocol {PROTOCOL}",
        "description": "Messages between an exercise host and its clients, as JSON text over a WebSocket. "
                       "A client sends hello, then command messages; the host answers with welcome, view, "
                       "ack, error, or refused (and closes), and says bye when it ends the exercise. Commands "
                       "omit by, t and at: the host stamps them.",
        **document,
    }


__all__ = ["MAX_MESSAGE", "PROTOCOL", "Ack", "BadMessage", "Bye", "Error", "Hello", "Refused", "Send", "ViewUpdate",
           "Welcome", "command", "dump", "hello", "parse", "read", "schema", "welcome"]
