"""The facts of a played session, projected once from its log: what every report section reads.

Each section of the report (``sections.py``) is a function of these facts, so
the screen's debrief and the exported report read one projection and cannot
tell two stories: the same events by kind, the same stage outcomes and
detections, the same verdicts.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from exercise.scenario.catalogue import Response
from exercise.scenario.models import Inject, Scenario
from exercise.scenario.types import format_rounded
from exercise.session.commands import Command
from exercise.session.live import Session
from exercise.session.views import Event, Kind, debrief


def duration(minutes: float | None) -> str | None:
    """A duration for people ('2h05', '1d 3h'); None stays None."""
    return None if minutes is None else format_rounded(minutes)


@dataclass(frozen=True)
class Facts:
    session: Session
    scenario: Scenario
    events: list[Event]
    standing: list[Command]  # the commands that still count (undone ones left out)
    verdicts: dict[str, Any]  # objective id -> ObjectiveResult (met: True, False, None; detail)
    now: float  # where play stopped
    end: float  # where the exercise ends
    finished: bool
    seed: int
    kinds: dict[Kind, list[Event]] = field(repr=False)
    injects: dict[str, Inject] = field(repr=False)
    responses: dict[str, Response] = field(repr=False)

    def of(self, kind: Kind) -> list[Event]:
        """The events of one kind, in log order."""
        return self.kinds.get(kind, [])

    @functools.cached_property
    def detections(self) -> dict[str, Event]:
        """Each detected stage's detection."""
        return {e.data["stage"]: e for e in self.of(Kind.STAGE_DETECTED)}

    @functools.cached_property
    def outcomes(self) -> dict[str, str]:
        """Each decided stage: 'succeeded' or 'failed'."""
        return {e.data["stage"]: e.kind.split(".")[1] for e in self.events
                if e.kind in (Kind.STAGE_SUCCEEDED, Kind.STAGE_FAILED)}

    @functools.cached_property
    def _when(self) -> Any:
        metadata = self.scenario.metadata

        @functools.lru_cache(maxsize=4096)  # events come in bursts at one instant: a decision and its answers
        def at(minutes: float) -> str:
            return metadata.at(minutes).isoformat()
        return at

    def when(self, minutes: float) -> str:
        """The in-world date and time of exercise time ``minutes`` (ISO 8601)."""
        return self._when(minutes)


def facts(session: Session) -> Facts:
    d = debrief(session)
    kinds: dict[Kind, list[Event]] = {}
    for e in d.events:
        kinds.setdefault(e.kind, []).append(e)
    s = session.loaded.scenario
    return Facts(session=session, scenario=s, events=d.events, standing=session.standing(), verdicts=d.verdicts,
                 now=d.now, end=d.end, finished=d.finished, seed=d.seed, kinds=kinds, injects={i.id: i for i in s.injects},
                 responses=session.loaded.responses)


__all__ = ["Facts", "duration", "facts"]
