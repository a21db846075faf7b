"""Pending triggers, indexed by the state they read.

A trigger is checked again only when something it reads changes, so an event
costs what it touches rather than what the scenario holds. Two indexes:

- by state key (``conditions.depends_on``): a stage, a response, an inject,
  a decision, a domain, escalation, time, or an indicator inside a compound
  condition;
- by level, for the common single-threshold trigger ("when trust is below
  0.4"): its truth can only change when the indicator passes its threshold, so
  when an indicator moves from the value seen last to its value now, only the
  triggers whose thresholds lie in between are due.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from operator import attrgetter

from exercise.engine.conditions import Compiled, Predicate, compile_condition
from exercise.scenario.conditions import Condition, IndicatorIs

_SEQ = attrgetter("seq")


@dataclass(frozen=True)
class Filing:
    """Where a trigger on a condition is filed; it depends on the condition and the scenario's
    indicators alone, so the world's preparation works it out once per condition."""

    keys: frozenset[tuple[str, ...]]  # the state keys it is filed under
    levels: tuple[tuple[str, float], ...]  # (indicator, threshold) pairs it is filed under by level
    watches: tuple[tuple[str, float], ...]  # (indicator, threshold) pairs whose crossing may change it


def filing(condition: Condition, compiled: Compiled, indicators: Container[str]) -> Filing:
    watches = tuple((i, v) for i, v in compiled.thresholds if i in indicators)
    # A bare threshold is filed by level; one held over time also needs a look when its
    # span has passed, which the world asks for by touching the indicator's key.
    if isinstance(condition, IndicatorIs) and condition.for_ is None and condition.indicator in indicators:
        return Filing(frozenset(), watches, watches)
    return Filing(compiled.keys, (), watches)


# Compares by identity: a set of due triggers must not compare conditions field by field.
@dataclass(eq=False)
class Trigger:
    seq: int  # registration order: triggers due together fire in this order
    condition: Condition
    check: Predicate
    action: Callable[[], None]
    filed: Filing
    pending: bool = True


@dataclass
class Triggers:
    indicators: dict[str, float]  # each indicator's value now, as the last look at it saw it
    due: set[Trigger] = field(default_factory=set)
    rewatched: set[str] = field(default_factory=set)  # indicators whose watched thresholds changed

    def __post_init__(self) -> None:
        self._seq = itertools.count()
        # Dicts keep insertion order and remove in O(1).
        self._by_key: dict[tuple[str, ...], dict[Trigger, None]] = defaultdict(dict)
        self._by_level: dict[str, list[tuple[float, int, Trigger]]] = {i: [] for i in self.indicators}
        self._seen = dict(self.indicators)
        self._watched: dict[str, dict[float, int]] = {i: defaultdict(int) for i in self.indicators}
        self._sorted: dict[str, list[float]] = {}

    def add(self, condition: Condition, action: Callable[[], None], compiled: Compiled | None = None,
            filed: Filing | None = None) -> Trigger:
        """A new trigger; it is due at once, then whenever what it reads changes.

        ``compiled`` and ``filed``: the condition's compiled form and filing, if the caller keeps
        them (the world keeps them per condition, so that a run does not work them out again)."""
        compiled = compiled or compile_condition(condition)
        filed = filed or filing(condition, compiled, self._watched)
        trigger = Trigger(next(self._seq), condition, compiled.check, action, filed)
        for key in filed.keys:
            self._by_key[key][trigger] = None
        for indicator, value in filed.levels:
            insort(self._by_level[indicator], (value, trigger.seq, trigger))
        self.watch(filed.watches, +1)
        self.due.add(trigger)
        return trigger

    def retire(self, trigger: Trigger) -> None:
        """The trigger fired: it is never due again."""
        trigger.pending = False
        filed = trigger.filed
        for key in filed.keys:
            self._by_key[key].pop(trigger, None)
        for indicator, value in filed.levels:
            entries = self._by_level[indicator]
            del entries[bisect_left(entries, (value, trigger.seq))]
        self.watch(filed.watches, -1)

    def touch(self, *key: str) -> None:
        """State named by ``key`` changed: the triggers that read it are due."""
        watchers = self._by_key.get(key)
        if watchers:
            self.due.update(watchers)

    def indicator_at(self, indicator: str, value: float) -> None:
        """An indicator is at ``value`` now: triggers on the levels it passed are due."""
        seen = self._seen[indicator]
        if value == seen:
            return
        self._seen[indicator] = value
        low, high = (seen, value) if seen < value else (value, seen)
        entries = self._by_level[indicator]
        # Closed interval: a trigger whose threshold the value reached or left is due.
        for entry in entries[bisect_left(entries, (low,)):bisect_right(entries, (high, math.inf))]:
            self.due.add(entry[2])
        self.touch("indicator", indicator)

    def take_due(self) -> list[Trigger]:
        """The due triggers in registration order; none are due after."""
        due, self.due = sorted(self.due, key=_SEQ), set()
        return due

    def watch(self, pairs: Iterable[tuple[str, float]], change: int) -> None:
        """Count (indicator, threshold) pairs in or out of the crossings the world wakes up for."""
        for indicator, value in pairs:
            counts = self._watched[indicator]
            counts[value] += change
            if counts[value] <= 0:
                del counts[value]
            self._sorted.pop(indicator, None)
            self.rewatched.add(indicator)

    def watched(self, indicator: str) -> list[float]:
        """The thresholds whose crossing matters for ``indicator``, in order."""
        levels = self._sorted.get(indicator)
        if levels is None:
            levels = self._sorted[indicator] = sorted(self._watched[indicator])
        return levels
