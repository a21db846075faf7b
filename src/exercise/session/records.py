"""The journal's header, and the field types its records share (the records themselves are commands).

Journals are sent around (for a report, a replay, a fork), so a journal is
untrusted input: every line is checked against these models before anything
reads it, and a bad one is refused with ``FILE:LINE: what is wrong``.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _finite_time(value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise ValueError("must be a finite, non-negative number of minutes")
    if value > 10 * 365 * 24 * 60:
        raise ValueError("is more than ten years of exercise time")
    return value


def _utc_stamp(value: str) -> str:
    """A wall-clock time as the journal keeps it: ISO 8601 with its UTC offset (a report subtracts two)."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("must be an ISO 8601 date and time") from None
    if parsed.utcoffset() is None:
        raise ValueError("must give its UTC offset (e.g. +00:00)")
    return value


Minutes = Annotated[float, AfterValidator(_finite_time)]
Stamp = Annotated[str, Field(max_length=40), AfterValidator(_utc_stamp)]
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
    # Live autoplay: the teams whose seats it plays; absent, every team (a headless run).
    teams: Annotated[list[Name], Field(max_length=1000)] | None = None


class Header(_Line):
    kind: Literal["header"]
    format: Literal[1, 2]
    tool: Name
    engine: Annotated[int, Field(ge=1, le=1000)] = 1
    created: Name
    # Unique to this session (a fork gets its own): exports that must not merge two sessions'
    # objects (STIX ids) derive from it, never from the seed. Journals before it have none.
    session: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")] | None = None
    scenario: ScenarioRef
    seed: Annotated[int, Field(ge=-(2**63), le=2**64)]
    playbook: PlaybookRef | None = None
    forked_from: Annotated[str, Field(max_length=4096)] | None = None
    fork_at: Minutes | None = None


def _speed(value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and 0.1 <= value <= 120):
        raise ValueError("must be a finite number from 0.1 to 120")
    return value


def check_header(data: object) -> Header:
    return Header.model_validate(data)
