"""Judge objectives from the world's state and history."""

from __future__ import annotations

import math
from dataclasses import dataclass

from exercise.engine.events import Kind
from exercise.engine.conditions import holds
from exercise.engine.state import WorldState
from exercise.scenario.models import ConditionMeasure, IndicatorMeasure, RatingMeasure, ResponseMeasure
from exercise.scenario.types import format_rounded as _clock


@dataclass(frozen=True)
class ObjectiveResult:
    objective: str
    met: bool | None  # None: not (yet) decided by the engine, or rated by the facilitator
    detail: str


def judge(world: WorldState) -> list[ObjectiveResult]:
    """Every objective as things stand: final once the world has finished, provisional before."""
    return [_judge(o.id, o.measure, world) for o in world.scenario.objectives]


def _first(world: WorldState, kind: Kind, **match: object) -> float | None:
    for event in world.events:
        if event.kind == kind and all(event.data.get(k) == v for k, v in match.items() if v is not None):
            return event.t
    return None


def _in_window(world: WorldState, runs: list, opens: float, closes: float, about: str | None = None) -> str | None:
    """How the measure answered a window [opens, closes], or None if it did not.

    It counts if it was taken inside the window, or if it was already in effect at
    some moment inside it (taken earlier and still running). A measure that had
    ended before the window opened does not count.
    """
    if about is not None:  # a measure taken against something else does not answer this stage
        campaign = about.split(".")[0]
        runs = [lv for lv in runs if lv.target is None or lv.target in (about, campaign)]
    for lv in runs:
        if opens <= lv.taken_at <= closes:
            return f"taken at T+{_clock(lv.taken_at)}"
    for lv in runs:
        if lv.status == "refused" or lv.effective_at > min(closes, world.now):
            continue  # never in effect, or not by the time the window closed
        ends = math.inf if lv.ends_at is None else lv.ends_at
        if lv.effective_at <= closes and ends > opens:
            return f"in effect from T+{_clock(lv.effective_at)} (taken at T+{_clock(lv.taken_at)})"
    return None


def _last_taken(runs: list) -> str:
    if not runs:
        return "never taken"
    return f"taken only outside the window (last at T+{_clock(runs[-1].taken_at)})"


def _judge(oid: str, m: object, world: WorldState) -> ObjectiveResult:
    if isinstance(m, RatingMeasure):
        return ObjectiveResult(oid, None, "rated by the facilitator")
    now = world.end if world.finished else world.now
    if isinstance(m, IndicatorMeasure):
        state = world.indicators.get(m.indicator)
        end = world.end if m.to is None else min(m.to, world.end)
        if now < (end if m.mode == "at_end" else m.from_):
            return ObjectiveResult(oid, None, f"judged at T+{_clock(end if m.mode == 'at_end' else m.from_)}")
        ok_so_far = None
        if m.longest is not None:
            def inside(v: float) -> bool:
                return (m.above is None or v >= m.above) and (m.below is None or v <= m.below)
            upto = min(end, now)
            length, since = state.longest_outside(m.from_, upto, inside)
            ok = length <= m.longest
            where = ("never left the range" if not length else
                     f"was outside the range for {_clock(length)} at a stretch from T+{_clock(since)}") + \
                f" (allowed: {_clock(m.longest)}), T+{_clock(m.from_)} to T+{_clock(upto)}"
            if ok and now < end:
                return ObjectiveResult(oid, None, f"{m.indicator} {where}, so far")
            return ObjectiveResult(oid, ok, f"{m.indicator} {where}")
        if m.mode == "at_end":
            low = high = state.at(end)
            where = f"was {low:.2f} at T+{_clock(end)}"
        else:
            low, high = state.extremes(m.from_, min(end, now))
            where = f"ranged {low:.2f}-{high:.2f} from T+{_clock(m.from_)} to T+{_clock(min(end, now))}"
            ok_so_far = now < end
        ok = (m.above is None or low >= m.above) and (m.below is None or high <= m.below)
        if ok and ok_so_far:  # holding so far, but the window is still open
            return ObjectiveResult(oid, None, f"{m.indicator} {where}, so far")
        return ObjectiveResult(oid, ok, f"{m.indicator} {where}")
    if isinstance(m, ResponseMeasure):
        if m.by is not None:
            opens, deadline, start = 0.0, m.by, ""
        else:
            detected = _first(world, Kind.STAGE_DETECTED, stage=m.after)
            if detected is None:
                return ObjectiveResult(oid, None, f"{m.after} not detected, so the clock has not started")
            opens, deadline, start = detected, detected + m.within, f"{m.after} detected at T+{_clock(detected)}, "
        runs = [lv for lv in world.live if lv.response == m.response and (m.team is None or lv.team == m.team)]
        how = _in_window(world, runs, opens, min(deadline, now), about=m.after)
        detail = f"{m.response} {how or _last_taken(runs)}; {start}deadline T+{_clock(deadline)}"
        if how is not None:
            return ObjectiveResult(oid, True, detail)
        return ObjectiveResult(oid, False if now >= deadline else None, detail)
    if isinstance(m, ConditionMeasure):
        if m.at is not None and now < m.at:
            return ObjectiveResult(oid, None, f"judged at T+{_clock(m.at)}")
        if m.at is None and not world.finished:
            return ObjectiveResult(oid, None, "judged at the end")
        ok = world.condition_results.get(oid) if m.at is not None else holds(m.condition, world)
        return ObjectiveResult(oid, ok, "condition held" if ok else "condition did not hold")
    raise TypeError(f"unknown measure {m!r}")
