"""What goes over the wire: JSON messages, each checked before anything reads it.

A client says ``hello`` (its token, its name, the last seq it holds), then
sends ``command`` messages: the session's own typed commands, without ``by``,
``t`` or ``at`` (the host stamps who sent it and when). The host answers with
``welcome``, ``view`` updates (the audience's events after the client's seq,
and the state now), ``ack`` and ``error``.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from exercise.session.live import Session
from exercise.session.views import View, measure_options

MAX_MESSAGE = 64 * 1024  # bytes; a command is a few hundred


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Hello(_Message):
    type: Literal["hello"]
    token: Annotated[str, Field(max_length=200)]
    name: Annotated[str, Field(max_length=100)] = ""
    after: Annotated[int, Field(ge=-1)] = -1  # the last seq this client holds
    generation: Annotated[int, Field(ge=-1)] = -1  # of that seq; another one means start over


class Send(_Message):
    type: Literal["command"]
    id: Annotated[int, Field(ge=0, le=2**53)]
    command: dict[str, Any]


class _Any(BaseModel):
    message: Annotated[Union[Hello, Send], Field(discriminator="type")]


class BadMessage(ValueError):
    """A message the host cannot use; the text is what the client is told."""


def parse(text: str | bytes) -> Hello | Send:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise BadMessage("not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise BadMessage("a message is a JSON object with a 'type'")
    try:
        return _Any.model_validate({"message": data}).message
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"][2:])
        raise BadMessage(f"{data['type'][:40]} message: {where}: {first['msg']}" if where
                         else f"unknown message type {data['type'][:40]!r}") from None


def dump(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"), default=str)


def welcome(session: Session, role: str, team: str | None, name: str) -> dict[str, Any]:
    s = session.loaded.scenario
    own = session.loaded.team(team).responses if team else []
    responses = session.loaded.responses
    return {
        "type": "welcome", "role": role, "team": team, "name": name,
        "team_name": session.loaded.team(team).name if team else "observers",
        "title": s.metadata.title, "generation": session.generation,
        "teams": [{"id": t.id, "name": t.name} for t in s.teams],
        "measures": [{"id": r, "name": responses[r].name, "decided_by": responses[r].decided_by,
                      "procedure": responses[r].procedure, "requires": responses[r].requires or ""}
                     for r in own if r in responses],
    }


def view_message(session: Session, v: View, *, running: bool, speed: float, reset: bool) -> dict[str, Any]:
    team = v.audience.team
    return {
        "type": "view", "reset": reset, "generation": v.generation, "seq": v.seq,
        "now": v.now, "end": v.end, "finished": v.finished, "running": running, "speed": speed,
        "events": [e.to_dict() for e in v.events],
        "indicators": [dataclasses.asdict(r) for r in v.indicators],
        "decisions": [dataclasses.asdict(d) for d in v.decisions],
        "measures": [dataclasses.asdict(m) for m in v.measures],
        "expectations": [dataclasses.asdict(x) for x in v.expectations],
        "options": [{"response": rid, "refusal": why} for rid, why in measure_options(session, team)] if team else [],
    }
