"""The event log: every state change, immutable and serialisable."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened at sim time ``t`` (minutes from T0)."""

    seq: int
    t: float
    kind: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "t": self.t, "kind": self.kind, **self.data}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def log_to_jsonl(events: list[Event]) -> str:
    return "".join(e.to_json() + "\n" for e in events)
