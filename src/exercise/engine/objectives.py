"""Judge objectives from the world's state and history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from exercise.engine.conditions import holds
from exercise.scenario.models import ConditionMeasure, IndicatorMeasure, RatingMeasure, ResponseMeasure
from exercise.scenario.types import format_minutes as _fmt

if TYPE_CHECKING:
    from exercise.engine.world import World


def _clock(minutes: float) -> str:
    return _fmt(round(minutes))


@dataclass(frozen=True)
class ObjectiveResult:
    objective: str
    met: bool | None  # None: not judged by the engine (facilitator rating, or nothing to judge)
    detail: str


def judge(world: World) -> list[ObjectiveResult]:
    return [_judge(o.id, o.measure, world) for o in world.scenario.objectives]


def _first(world: World, kind: str, **match: object) -> float | None:
    for event in world.events:
        if event.kind == kind and all(event.data.get(k) == v for k, v in match.items() if v is not None):
            return event.t
    return None


def _judge(oid: str, m: object, world: World) -> ObjectiveResult:
    if isinstance(m, RatingMeasure):
        return ObjectiveResult(oid, None, "rated by the facilitator")
    if isinstance(m, IndicatorMeasure):
        state = world.indicators.get(m.indicator)
        end = world.end if m.to is None else min(m.to, world.end)
        if m.mode == "at_end":
            low = high = state.at(end)
            where = f"at T+{_clock(end)}"
        else:
            low, high = state.extremes(m.from_, end)
            where = f"from T+{_clock(m.from_)} to T+{_clock(end)}"
        ok = (m.above is None or low >= m.above) and (m.below is None or high <= m.below)
        return ObjectiveResult(oid, ok, f"{m.indicator} ranged {low:.2f}-{high:.2f} {where}")
    if isinstance(m, ResponseMeasure):
        if m.by is not None:
            taken = _first(world, "response.taken", response=m.response, team=m.team)
            ok = taken is not None and taken <= m.by
            when = "never" if taken is None else f"at T+{_clock(taken)}"
            return ObjectiveResult(oid, ok, f"{m.response} taken {when}; deadline T+{_clock(m.by)}")
        detected = _first(world, "stage.detected", stage=m.after)
        if detected is None:
            return ObjectiveResult(oid, None, f"{m.after} was never detected, so the clock never started")
        taken = _first(world, "response.taken", response=m.response, team=m.team)
        deadline = detected + m.within
        ok = taken is not None and taken <= deadline
        when = "never" if taken is None else f"at T+{_clock(taken)}"
        return ObjectiveResult(oid, ok, f"{m.response} taken {when}; {m.after} detected at "
                                        f"T+{_clock(detected)}, deadline T+{_clock(deadline)}")
    if isinstance(m, ConditionMeasure):
        ok = world.condition_results.get(oid) if m.at is not None else holds(m.condition, world)
        return ObjectiveResult(oid, ok, "condition held" if ok else "condition did not hold")
    raise TypeError(f"unknown measure {m!r}")
