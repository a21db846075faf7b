"""Evaluate structured conditions against the world's current state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from exercise.scenario.conditions import (
    All, Any_, Condition, DecisionIs, DomainDetected, Escalated, IndicatorIs, InjectIs, Not, ResponseIs,
    StageIs, TimeWindow, walk,
)
from exercise.scenario.types import format_minutes

if TYPE_CHECKING:
    from exercise.engine.world import World


def holds(c: Condition, w: World) -> bool:
    if isinstance(c, All):
        return all(holds(x, w) for x in c.all)
    if isinstance(c, Any_):
        return any(holds(x, w) for x in c.any)
    if isinstance(c, Not):
        return not holds(c.not_, w)
    if isinstance(c, IndicatorIs):
        state = w.indicators.get(c.indicator)
        if state is None:
            return False
        v = state.at(w.now)
        return (c.above is None or v > c.above) and (c.below is None or v < c.below)
    if isinstance(c, StageIs):
        return c.is_ in w.stage_states.get(c.stage, ())
    if isinstance(c, ResponseIs):
        key = (c.response, c.team)
        if c.is_ == "active":
            return w.active.get(key, 0) > 0
        return c.is_ in w.response_history.get(key, ())
    if isinstance(c, InjectIs):
        return c.inject in w.delivered
    if isinstance(c, DecisionIs):
        return w.decisions.get(c.decision) == c.chose
    if isinstance(c, DomainDetected):
        return c.detected in w.detected_domains
    if isinstance(c, Escalated):
        return (c.escalation == "any" and bool(w.escalations)) or c.escalation in w.escalations
    if isinstance(c, TimeWindow):
        return (c.after is None or w.now >= c.after) and (c.before is None or w.now < c.before)
    raise TypeError(f"unknown condition {c!r}")


def explain(c: Condition, w: World) -> str:
    """Why a condition does not hold, in words for players."""
    if isinstance(c, All):
        return "; ".join(explain(x, w) for x in c.all if not holds(x, w))
    if isinstance(c, Any_):
        return "none of: " + "; ".join(explain(x, w) for x in c.any)
    if isinstance(c, Not):
        return "this must not be the case: " + describe(c.not_)
    if isinstance(c, IndicatorIs):
        state = w.indicators.get(c.indicator)
        now = "undefined in this scenario" if state is None else f"now {state.at(w.now):.2f}"
        return f"{describe(c)} ({now})"
    return f"not yet: {describe(c)}"


def describe(c: Condition) -> str:
    if isinstance(c, All):
        return " and ".join(describe(x) for x in c.all)
    if isinstance(c, Any_):
        return " or ".join(describe(x) for x in c.any)
    if isinstance(c, Not):
        return f"not ({describe(c.not_)})"
    if isinstance(c, IndicatorIs):
        parts = [f"above {c.above:g}" if c.above is not None else "", f"below {c.below:g}" if c.below is not None else ""]
        return f"{c.indicator} " + " and ".join(p for p in parts if p)
    if isinstance(c, StageIs):
        return f"stage {c.stage} {c.is_}"
    if isinstance(c, ResponseIs):
        return f"{c.response} {c.is_}" + (f" by {c.team}" if c.team else "")
    if isinstance(c, InjectIs):
        return f"inject {c.inject} delivered"
    if isinstance(c, DecisionIs):
        return f"decision {c.decision} answered '{c.chose}'"
    if isinstance(c, DomainDetected):
        return f"a {c.detected} campaign detected"
    if isinstance(c, Escalated):
        return f"adversary escalated after {c.escalation}"
    if isinstance(c, TimeWindow):
        parts = [f"after T+{format_minutes(c.after)}" if c.after is not None else "",
                 f"before T+{format_minutes(c.before)}" if c.before is not None else ""]
        return " and ".join(p for p in parts if p)
    raise TypeError(f"unknown condition {c!r}")


def thresholds(c: Condition) -> Iterator[tuple[str, float]]:
    """(indicator, threshold) pairs a condition watches: crossing one may change it."""
    for _, node in walk(c):
        if isinstance(node, IndicatorIs):
            for value in (node.above, node.below):
                if value is not None:
                    yield node.indicator, value


def times(c: Condition) -> Iterator[float]:
    """Instants at which a time window in the condition opens or closes."""
    for _, node in walk(c):
        if isinstance(node, TimeWindow):
            yield from (v for v in (node.after, node.before) if v is not None)
