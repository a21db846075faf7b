"""The facilitator guide of a scenario, as Markdown (CTEP-style: purpose, modules, MSEL, notes)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from exercise.report.render import md_text, shown_text
from exercise.scenario.catalogue import lead_time_provenance
from exercise.scenario.conditions import describe
from exercise.scenario.distributions import describe as describe_delay
from exercise.scenario.loader import effective_findings, effective_responses, ways_to_establish
from exercise.scenario.models import (
    ConditionMeasure, IndicatorMeasure, Inject, RatingMeasure, ResponseMeasure, Scenario,
)
from exercise.scenario.types import format_minutes, format_rounded
from exercise.session.commands import RATINGS
from exercise.scenario.channels import render as render_channel
from exercise.scenario.msel import trigger_words
from exercise.session.timeline import clock as _clock
from exercise.session.timeline import wall_clock


def when(inject: Inject, scenario: Scenario) -> str:
    """When an inject comes, in words; a scheduled one with the wall clock of the scenario's zone."""
    if inject.at is not None:
        return f"{_clock(inject.at)} ({wall_clock(scenario, inject.at)})"
    return trigger_words(inject, scenario)


def criteria(measure: Any) -> str:
    """What the simulator measures for an objective, for the evaluator."""
    if isinstance(measure, ResponseMeasure):
        who = f" by {measure.team}" if measure.team else ""
        if measure.by is not None:
            return f"{measure.response} taken{who} by {_clock(measure.by)}"
        assert measure.within is not None  # the model takes 'by' or 'within'
        return f"{measure.response} taken{who} within {format_minutes(measure.within)} of {measure.after} being detected"
    if isinstance(measure, IndicatorMeasure):
        bound = " and ".join(x for x in (f"at least {measure.above:g}" if measure.above is not None else "",
                                         f"at most {measure.below:g}" if measure.below is not None else "") if x)
        end = _clock(measure.to) if measure.to is not None else "the end"
        span = f"at {end}" if measure.mode == "at_end" else f"from {_clock(measure.from_)} to {end}"
        return f"{measure.indicator} {bound} {span}"
    if isinstance(measure, ConditionMeasure):
        return f"{describe(measure.condition)} " + (f"at {_clock(measure.at)}" if measure.at is not None else "at the end")
    if isinstance(measure, RatingMeasure):
        return measure.guidance or "evaluator's judgement"
    raise TypeError(measure)


def render_guide(scenario: Scenario) -> str:
    env = Environment(loader=PackageLoader("exercise.report", "templates"), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      autoescape=False,  # noqa: S701 - Markdown for the facilitator: md_text escapes what it quotes
                      finalize=shown_text)
    env.filters["md"] = md_text
    env.filters["dur"] = format_rounded
    env.filters["delay"] = describe_delay
    # Modules in their authors' order ("1: ...", "2: ..."), scheduled injects first within each;
    # injects that come on a detection or a trigger have no time to sort by.
    grouped: dict[str, list[Inject]] = {}
    for inject in sorted(scenario.injects, key=lambda i: (i.at is None, i.at or 0, i.id)):
        grouped.setdefault(inject.module or "", []).append(inject)
    modules = {name or "Not in a module": grouped[name] for name in sorted(grouped, key=lambda n: (n == "", n))}
    responses = effective_responses(scenario)
    return env.get_template("guide.md.j2").render(
        s=scenario, m=scenario.metadata, modules=modules, when=lambda i: when(i, scenario),
        criteria=criteria, ratings=RATINGS, clock=_clock, measures=measures_named(scenario, responses),
        findings=findings_in_play(scenario, responses), provenance=lead_time_provenance,
        # Inside a fenced block Markdown reads nothing as markup; only a fence could end it early.
        channel=lambda form: render_channel(form).replace("```", "'''"),
    )


def measures_named(scenario: Scenario, responses: dict) -> list:
    """Every measure the guide names (teams' lists, expected actions, decisions, objectives), as this
    scenario has them: a facilitator reads 'DSA-03' and needs to know what it is."""
    named = {r for t in scenario.teams for r in t.responses}
    named |= {a.response for i in scenario.injects for a in i.expects}
    named |= {r for i in scenario.injects if i.decision for o in i.decision.options for r in o.responses}
    named |= {o.measure.response for o in scenario.objectives if isinstance(o.measure, ResponseMeasure)}
    return [responses[rid] for rid in sorted(named) if rid in responses]


def findings_in_play(scenario: Scenario, responses: dict) -> list[dict]:
    """The legal preconditions the teams' measures need, and what in this scenario can establish each:
    a facilitator must know before play that, say, Art. 42(7) waits on the government's own
    qualification, and which decision gives it."""
    findings = effective_findings(scenario)
    ways = ways_to_establish(scenario, responses, findings)
    takeable = sorted({r for t in scenario.teams for r in t.responses if r in responses})
    return [{"finding": findings[fid], "needed_by": [r for r in takeable if fid in responses[r].needs],
             "ways": [_way(kind, what, responses) for kind, what in ways.get(fid, [])]}
            for fid in sorted({f for r in takeable for f in responses[r].needs})]


def _way(kind: str, what: Any, responses: dict) -> str:
    if kind == "start":
        return "holds at the start"
    if kind == "when":
        return "automatically once " + describe(what)
    if kind == "measure":
        return f"{what} ({responses[what].name}) taking effect"
    if kind == "chance":
        rid, later = what
        return f"{rid} ({responses[rid].name}), with a chance of {later.chance:.0%}, {describe_delay(later.after)} " \
               "after it takes effect"
    if kind == "detection":
        return f"detection of {what}"
    inject, label = what
    return f"option '{label}' at {inject}"
