"""The event log: every state change, immutable and serialisable."""

from __future__ import annotations

import json
from typing import Any, NamedTuple


class Event(NamedTuple):
    """Something that happened at sim time ``t`` (minutes from T0).

    A named tuple rather than a frozen dataclass: the world logs one per state
    change, and a tuple is built in less than half the time.
    """

    seq: int
    t: float
    kind: str
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "t": self.t, "kind": self.kind, **self.data}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def log_to_jsonl(events: list[Event]) -> str:
    return "".join(e.to_json() + "\n" for e in events)
