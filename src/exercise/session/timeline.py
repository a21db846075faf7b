"""The product's words for time, events and verdicts: the timeline, the AAR, the console and the CLI say them alike."""

from __future__ import annotations

import functools

from exercise.engine.events import Event, Kind
from exercise.scenario.models import Inject, Scenario
from exercise.scenario.types import format_rounded as _dur
from exercise.scenario.types import t_plus


clock = functools.lru_cache(maxsize=4096)(t_plus)  # a long log names the same instants again and again


# The one vocabulary of the simulator's verdict on an objective, on every screen and in every format.
# None: the simulator does not judge it (a facilitator-rated objective), or not yet.
VERDICTS = {True: "met", False: "not met", None: "not judged"}


def verdict(met: bool | None) -> str:
    return VERDICTS[met]


def wall_clock(scenario: Scenario, minutes: float) -> str:
    """The date and time at T+minutes, rounded to the minute as ``clock`` rounds it, so both agree."""
    return scenario.metadata.at(int(round(minutes))).strftime("%a %d %b %H:%M")


def change(before: float, after: float) -> str:
    """'0.65 -> 0.55', with as many decimals as it takes for a real change to show as one."""
    for decimals in range(2, 7):
        a, b = f"{before:.{decimals}f}", f"{after:.{decimals}f}"
        if a != b:
            return f"{a} -> {b}"
    return f"{before:.2g} -> {after:.2g}"


_index: tuple[Scenario, dict[str, Inject]] | None = None


def _injects(scenario: Scenario) -> dict[str, Inject]:
    """The scenario's injects by id, built once per scenario, not once per event described."""
    global _index  # noqa: PLW0603 - one index per scenario, rebuilt when another is described
    if _index is None or _index[0] is not scenario:
        _index = (scenario, {i.id: i for i in scenario.injects})
    return _index[1]


def describe(event: Event, scenario: Scenario) -> str | None:
    """One line for an event, or None for bookkeeping no reader needs."""
    d, k = event.data, event.kind
    if k == Kind.EXERCISE_STARTED:
        return f"exercise {d['scenario']} starts (seed {d['seed']})"
    if k == Kind.EXERCISE_ENDED:
        return "exercise ends"
    if k == Kind.INJECT_DELIVERED:
        if d.get("generated"):
            return f"notice to {', '.join(d['to'])}: {d['title']}"
        if d.get("published_by"):  # a team's own statement, post, press release or email
            return f"{d['published_by']} published ({d['channel']}) to {', '.join(d['to'])}: {d['title']}: {d['body']}"
        if d.get("cause") == "message":  # between the tables, or the white cell's answer as a simulated body
            what = "request for information" if d.get("rfi") else "answer" if d.get("answers") is not None \
                else "message"
            return f"{what} from {d['message_from']} to {', '.join(d['to'])}: {d['title']}: {d['body']}"
        if d.get("adhoc"):  # written by the facilitator during play: its body is only in the log
            by = f" by {d['channel']}" if d.get("channel") else ""
            return f"facilitator's inject{by} to {', '.join(d['to'])} [{d['severity']}]: {d['title']}: {d['body']}"
        return f"inject {d['inject']} to {', '.join(d['to'])} [{d['severity']}, {d['cause']}]: {d['title']}"
    if k == Kind.STAGE_STARTED:
        countered = f" (countered by {', '.join(d['countered_by'])})" if d["countered_by"] else ""
        return f"[ground truth] stage {d['stage']} starts{countered}"
    if k in (Kind.STAGE_SUCCEEDED, Kind.STAGE_FAILED):
        return f"[ground truth] stage {d['stage']} {k.split('.')[1]} (p={d['probability']:.2f})"
    if k == Kind.STAGE_DETECTED:
        return f"stage {d['stage']} detected by {d['by'] or 'defenders'} after {_dur(d['latency'])}"
    if k == Kind.INDICATOR_CHANGED:
        return f"{d['indicator']} {change(d['before'], d['after'])} ({d['cause']})"
    if k == Kind.INDICATOR_RATE:
        if d.get("recover"):
            return (f"{d['indicator']} recovers faster for {_dur(d['lasts'])} (half-life {_dur(d['recover'])}, "
                    f"{d['cause']}), now {d['value']:.2f}")
        if "recover" in d:
            return f"{d['indicator']} recovers at its own pace again ({d['cause']}), now {d['value']:.2f}"
        if d["rate_per_hour"] == 0:
            return f"{d['indicator']} stops drifting ({d['cause']}), now {d['value']:.2f}"
        return f"{d['indicator']} drifts {d['rate_per_hour']:+.3f}/h for {_dur(d['lasts'])} ({d['cause']})"
    if k == Kind.INDICATOR_BAND:
        return f"{d['indicator']} turns {d['band']} ({d['value']:.2f})"
    if k == Kind.RESPONSE_TAKEN:
        against = f" against {d['target']}" if d.get("target") else ""
        return (f"{d['team']} takes {d['response']}{against} ({d['source']}), in effect at "
                f"{clock(d['effective_at'])}" + (f": {d['note']}" if d["note"] else ""))
    if k == Kind.RESPONSE_REFUSED:
        return f"{d['response']} for {d['team']} refused: {d['reason']}"
    if k == Kind.RESPONSE_ACTIVE:
        return f"{d['response']} ({d['team']}) in effect" + (f" until {clock(d['ends_at'])}" if d["ends_at"] else "")
    if k == Kind.RESPONSE_REAFFIRMED:
        until = f", now until {clock(d['ends_at'])}" if d["ends_at"] is not None else ""
        state = "in effect" if d["status"] == "active" else f"under way (in effect at {clock(d['effective_at'])})"
        return f"{d['response']} ({d['team']}) already {state}: re-affirmed{until} ({d['note']})"
    if k == Kind.RESPONSE_ENDED:
        return f"{d['response']} ({d['team']}) ends"
    if k == Kind.ADVERSARY_ESCALATED:
        return f"[ground truth] adversary escalates in answer to {d['response']}"
    if k == Kind.EXPECTATION_MET:
        when = " (already under way)" if d["before_inject"] else f" after {_dur(d['latency'])}"
        return f"expected {d['response']} after {d['inject']} taken{when}"
    if k == Kind.EXPECTATION_MISSED:
        then = f"; contingency {d['contingency']}" if d["contingency"] else ""
        return f"expected {d['response']} after {d['inject']} not taken in time{then}"
    if k == Kind.DECISION_OPENED:
        point = _injects(scenario)[d["inject"]].decision
        prompt = point.prompt if point is not None else ""
        return f"decision for {d['team']} (until {clock(d['deadline'])}): {prompt}"
    if k == Kind.DECISION_MADE:
        why = f": {d['note']}" if d.get("note") else ""
        return f"{d['team']} chose '{d['option']}' at {d['inject']}" + (" (default)" if d["by"] == "default" else "") + why
    if k == Kind.DECISION_EXPIRED:
        return f"decision at {d['inject']} expired without an answer"
    if k == Kind.FINDING_ESTABLISHED:
        how = {"start": "before the exercise", "condition": "the situation meets it"}.get(d["cause"], d["cause"])
        return f"finding {d['finding']} established ({how})"
    if k == Kind.OBJECTIVE_JUDGED:
        return f"objective {d['objective']} {verdict(d['met'])}: {d['detail']}"
    return None
