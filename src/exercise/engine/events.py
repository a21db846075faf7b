"""The event log: every state change, immutable and serialisable."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any, NamedTuple


class Kind(StrEnum):
    """Every kind of event the world logs. A ``StrEnum``: it serialises as its text,
    and journals, JSON runs and goldens written before it read the same."""

    ADVERSARY_ESCALATED = "adversary.escalated"
    DECISION_EXPIRED = "decision.expired"
    DECISION_MADE = "decision.made"
    DECISION_OPENED = "decision.opened"
    EXERCISE_ENDED = "exercise.ended"
    EXERCISE_STARTED = "exercise.started"
    EXPECTATION_MET = "expectation.met"
    EXPECTATION_MISSED = "expectation.missed"
    FINDING_ESTABLISHED = "finding.established"
    INDICATOR_BAND = "indicator.band"
    INDICATOR_CHANGED = "indicator.changed"
    INDICATOR_RATE = "indicator.rate"
    INJECT_DELIVERED = "inject.delivered"
    OBJECTIVE_JUDGED = "objective.judged"
    RESPONSE_ACTIVE = "response.active"
    RESPONSE_ENDED = "response.ended"
    RESPONSE_REAFFIRMED = "response.reaffirmed"
    RESPONSE_REFUSED = "response.refused"
    RESPONSE_TAKEN = "response.taken"
    STAGE_DETECTED = "stage.detected"
    STAGE_FAILED = "stage.failed"
    STAGE_HELD_OFF = "stage.held_off"
    STAGE_STARTED = "stage.started"
    STAGE_SUCCEEDED = "stage.succeeded"


class Event(NamedTuple):
    """Something that happened at sim time ``t`` (minutes from T0).

    A named tuple rather than a frozen dataclass: the world logs one per state
    change, and a tuple is built in less than half the time.
    """

    seq: int
    t: float
    kind: Kind
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "t": self.t, "kind": self.kind, **self.data}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def log_to_jsonl(events: list[Event]) -> str:
    return "".join(e.to_json() + "\n" for e in events)
