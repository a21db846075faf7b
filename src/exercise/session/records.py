"""What a journal line may hold: the header and each kind of record, as pydantic models.

Journals are sent around (for a report, a replay, a fork), so a journal is
untrusted input: every line is checked against these models before anything
reads it, and a bad one is refused with ``FILE:LINE: what is wrong``.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from exercise.scenario.models import Severity


def _finite_time(value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise ValueError("must be a finite, non-negative number of minutes")
    if value > 10 * 365 * 24 * 60:
        raise ValueError("is more than ten years of exercise time")
    return value


Minutes = Annotated[float, AfterValidator(_finite_time)]
Name = Annotated[str, Field(max_length=200)]
Words = Annotated[str, Field(max_length=100_000)]


class _Line(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ScenarioRef(_Line):
    id: Name
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    path: Annotated[str, Field(max_length=4096)]


class PlaybookRef(_Line):
    id: Name
    path: Annotated[str, Field(max_length=4096)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Header(_Line):
    kind: Literal["header"]
    format: Literal[1]
    tool: Name
    engine: Annotated[int, Field(ge=1, le=1000)] = 1
    created: Name
    scenario: ScenarioRef
    seed: Annotated[int, Field(ge=-(2**63), le=2**64)]
    playbook: PlaybookRef | None = None
    forked_from: Annotated[str, Field(max_length=4096)] | None = None
    fork_at: Minutes | None = None


class _Record(_Line):
    t: Minutes
    at: Name


class Decision(_Record):
    kind: Literal["decision"]
    team: Name
    response: Name
    note: Words = ""
    target: Name | None = None


class Choice(_Record):
    kind: Literal["choice"]
    inject: Name
    option: Name
    note: Words = ""
    shown_at: Name | None = None


class Deliver(_Record):
    kind: Literal["deliver"]
    inject: Name


class AdhocInject(_Record):
    kind: Literal["inject"]
    title: Name
    body: Words
    to: Annotated[list[Name], Field(min_length=1, max_length=100)]
    severity: Severity


class Note(_Record):
    kind: Literal["note"]
    text: Words
    team: Name | None = None


def _speed(value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and 0.1 <= value <= 120):
        raise ValueError("must be a finite number from 0.1 to 120")
    return value


class Clock(_Record):
    kind: Literal["clock"]
    action: Literal["resume", "pause", "speed", "jump", "fork"]
    value: float | None = None

    def model_post_init(self, _context: object) -> None:
        if self.action == "speed":
            if self.value is None:
                raise ValueError("a speed record needs a value")
            _speed(self.value)
        elif self.value is not None:
            _finite_time(self.value)


class Rating(_Record):
    kind: Literal["rating"]
    objective: Name
    rating: Literal["P", "S", "M", "U"]
    comment: Words = ""


class PlaybookDecision(_Record):
    kind: Literal["playbook_decision"]
    team: Name
    response: Name
    note: Words = ""


class End(_Record):
    kind: Literal["end"]


class Read(_Record):
    kind: Literal["read"]
    item: Name


Record = Annotated[
    Union[Decision, Choice, Deliver, AdhocInject, Note, Clock, Rating, PlaybookDecision, End, Read],
    Field(discriminator="kind"),
]


class _Any(BaseModel):
    record: Record


def check_header(data: object) -> Header:
    return Header.model_validate(data)


def check_record(data: object) -> BaseModel:
    return _Any.model_validate({"record": data}).record
