"""Evaluate structured conditions against the world's current state."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from exercise.engine.state import WorldState
from exercise.scenario.conditions import (
    All, Any_, Condition, DecisionIs, DomainDetected, Escalated, FindingIs, IndicatorIs, InjectIs, Not, ResponseIs,
    StageIs, TimeWindow, describe, walk,
)


Predicate = Callable[[WorldState], bool]
_HAIR = 1e-6  # minutes


def holds(c: Condition, w: WorldState) -> bool:
    return predicate(c)(w)


def predicate(c: Condition) -> Predicate:
    """The condition as a function of the world, built once for a trigger checked many times."""
    if isinstance(c, All):
        parts = [predicate(x) for x in c.all]
        return lambda w: all(p(w) for p in parts)
    if isinstance(c, Any_):
        parts = [predicate(x) for x in c.any]
        return lambda w: any(p(w) for p in parts)
    if isinstance(c, Not):
        inner = predicate(c.not_)
        return lambda w: not inner(w)
    if isinstance(c, IndicatorIs):
        if c.for_:
            return _held_predicate(c.indicator, c.above, c.below, c.for_)
        return _indicator_predicate(c.indicator, c.above, c.below)
    if isinstance(c, StageIs):
        stage, state = c.stage, c.is_
        return lambda w: state in w.stage_states.get(stage, ())
    if isinstance(c, ResponseIs):
        return _response_predicate((c.response, c.team), c.is_)
    if isinstance(c, InjectIs):
        inject = c.inject
        return lambda w: inject in w.delivered
    if isinstance(c, DecisionIs):
        decision, chose = c.decision, c.chose
        return lambda w: w.decisions.get(decision) == chose
    if isinstance(c, DomainDetected):
        domain = c.detected
        return lambda w: domain in w.detected_domains
    if isinstance(c, Escalated):
        if c.escalation == "any":
            return lambda w: bool(w.escalations)
        escalation = c.escalation
        return lambda w: escalation in w.escalations
    if isinstance(c, FindingIs):
        finding = c.finding
        return lambda w: finding in w.findings
    if isinstance(c, TimeWindow):
        after = -math.inf if c.after is None else c.after
        before = math.inf if c.before is None else c.before
        return lambda w: after <= w.env.now < before
    raise TypeError(f"unknown condition {c!r}")


# A helper, not two lambdas in predicate()'s branch: mypyc (the optional compiled build) stops with
# an internal error on lambdas that capture the same name in two branches of one function.
def _response_predicate(key: tuple[str, str | None], state: str) -> Predicate:
    if state == "active":
        return lambda w: w.active.get(key, 0) > 0
    return lambda w: state in w.response_history.get(key, ())


def _indicator_predicate(indicator: str, above: float | None, below: float | None) -> Predicate:
    low = -math.inf if above is None else above
    high = math.inf if below is None else below

    def check(w: WorldState) -> bool:
        state = w.indicators.get(indicator)
        return state is not None and low < state.at(w.env.now) < high

    return check


def _held_predicate(indicator: str, above: float | None, below: float | None, span: float) -> Predicate:
    """In range now, and without a break since at least ``span`` minutes ago."""
    inside = _indicator_predicate(indicator, above, below)
    low = -math.inf if above is None else above
    high = math.inf if below is None else below

    def check(w: WorldState) -> bool:
        if not inside(w):
            return False
        now = w.env.now
        since = w.indicators[indicator].inside_since(now, low, high)
        if now - since >= span - _HAIR:
            return True
        w.recheck(indicator, since + span)  # in range, not yet for long enough: look again then
        return False

    return check


def explain(c: Condition, w: WorldState) -> str:
    """Why a condition does not hold, in words for players."""
    if isinstance(c, All):
        return "; ".join(explain(x, w) for x in c.all if not holds(x, w))
    if isinstance(c, Any_):
        return "it needs one of: " + " or ".join(describe(x) for x in c.any)
    if isinstance(c, Not):
        return "it cannot go ahead once " + describe(c.not_)
    if isinstance(c, IndicatorIs):
        # Never the value now: the reason reaches the team, which may not read that indicator (or not yet).
        missing = " (which this scenario does not have)" if c.indicator not in w.indicators else ""
        return f"it needs {describe(c)}{missing}"
    if isinstance(c, FindingIs):
        finding = w.loaded.findings.get(c.finding)
        return f"it needs {finding.name if finding else c.finding}, not established yet"
    return f"it needs {describe(c)}"


@dataclass(frozen=True)
class Compiled:
    """What a trigger needs from its condition; it depends on the condition alone, not on a run."""

    check: Predicate
    keys: frozenset[tuple[str, ...]]
    thresholds: tuple[tuple[str, float], ...]
    times: tuple[float, ...]


def compile_condition(c: Condition) -> Compiled:
    return Compiled(predicate(c), frozenset(depends_on(c)), tuple(thresholds(c)), tuple(times(c)))


def depends_on(c: Condition) -> set[tuple[str, ...]]:
    """The parts of world state a condition reads, as keys the world marks when they change.

    The world re-evaluates a trigger only when one of its keys changed, so every
    kind of leaf condition must name what it reads here.
    """
    keys: set[tuple[str, ...]] = set()
    for _, node in walk(c):
        if isinstance(node, IndicatorIs):
            keys.add(("indicator", node.indicator))
        elif isinstance(node, StageIs):
            keys.add(("stage", node.stage))
        elif isinstance(node, ResponseIs):
            keys.add(("response", node.response))
        elif isinstance(node, InjectIs):
            keys.add(("inject", node.inject))
        elif isinstance(node, DecisionIs):
            keys.add(("decision", node.decision))
        elif isinstance(node, DomainDetected):
            keys.add(("domain", node.detected))
        elif isinstance(node, Escalated):
            keys.add(("escalation",))
        elif isinstance(node, FindingIs):
            keys.add(("finding", node.finding))
        elif isinstance(node, TimeWindow):
            keys.add(("time",))
        elif not isinstance(node, (All, Any_, Not)):
            raise TypeError(f"unknown condition {node!r}")
    return keys


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
