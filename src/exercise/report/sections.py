"""The After-Action Report / Improvement Plan, section by section, over one set of facts.

Each section is one function of ``Facts`` (``facts.py``) and fills one part of
``model.Report``: objectives (HSEEP's strengths and areas for improvement), the
improvement plan, participants, and what only a simulator adds (timeline,
ground truth against what players saw, detection to response, indicator
series, expected against taken actions, decisions, toolbox gaps). The
facilitator console's debrief reads the same functions, so the screen and the
exported report can never disagree. A section returns the plain form of its
model rows; ``report_of`` validates the whole once, which keeps a report of a
hundred thousand decisions fast.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from exercise import __version__
from exercise.report.facts import Facts, duration, facts
from exercise.report import tables
from exercise.report.model import Acronym, Report
from exercise.report.plan import improvement_plan
from exercise.report.summary import executive_summary, handling, human_date
from exercise.scenario.catalogue import TOOLBOX_NAMES
from exercise.scenario.types import format_rounded
from exercise.scenario.models import ResponseMeasure
from exercise.session.commands import (
    FEEDBACK_STATEMENTS, RATINGS, AnswerDecision, EndMeasure, MarkMet, RatingCode, TakeMeasure, Undo,
)
from exercise.session.live import Session
from exercise.session.timeline import clock, describe, wall_clock
from exercise.session.views import Event, Kind, band_of, indicator_readings, tasks_due

FORMAT = 1
# What the report's timeline tells: what people saw and did (the ground truth has its own table).
_TIMELINE_KINDS = frozenset({
    Kind.INJECT_DELIVERED, Kind.RESPONSE_TAKEN, Kind.RESPONSE_REFUSED, Kind.RESPONSE_ACTIVE, Kind.RESPONSE_REAFFIRMED,
    Kind.DECISION_MADE, Kind.DECISION_EXPIRED, Kind.EXPECTATION_MISSED, Kind.STAGE_DETECTED, Kind.FINDING_ESTABLISHED,
})
AREA_FIELDS = ("text", "reference", "response", "team", "kind", "cause")  # the rest is for the plan only
SERIES_POINTS = 97  # indicator samples per chart: every hour of a 4-day scenario


def derive_rating(met: bool | None, attempted: bool) -> RatingCode | None:
    """A P/S/M/U rating from the simulator's verdict when the facilitator gave none.

    Met: P. Not met, but the measure was attempted (late or refused): M.
    Not met and never attempted: U. Not judged by the simulator: no rating.
    """
    if met is None:
        return None
    if met:
        return "P"
    return "M" if attempted else "U"


# --- objectives: strengths, areas for improvement, rating ------------------------------------


def objectives(f: Facts) -> list[dict[str, Any]]:
    """Per objective: the simulator's verdict, the rating (given or derived), strengths and areas.

    The areas keep what the improvement plan needs to know of each cause (``AREA_FIELDS`` and
    more); ``report_of`` strips it once the plan is made."""
    rows = []
    for o in f.scenario.objectives:
        related = {i.id for i in f.scenario.injects if o.id in i.objectives}
        own = own_measures(f, o)
        areas = [_missed(f, e) for e in f.of(Kind.EXPECTATION_MISSED) if e.data["inject"] in related]
        refusals = _refusals(f, related)
        # A measure attempted and refused was not "never taken": its refusal is the cause, said once.
        tried = {(a["response"], a["team"]) for a in refusals}
        areas = [a for a in areas if not (a["cause"] == "never" and any(
            r == a["response"] and a["team"] in (None, t) for r, t in tried))] + refusals
        v = f.verdicts[o.id]
        direct = _direct(f, o)
        if v.met is False and not any(a["response"] in direct for a in areas):
            # Not met, and no cause so far about what moves it: say what its own measures did (or that none came).
            areas.append(_outcome(f, o, [r for r in own if r in direct] or own, v.detail))
        # Its own measures first, the direct ones first: a summary quoting its first cause quotes one of them.
        areas.sort(key=lambda a: (a["response"] not in direct, a["response"] not in own))
        measured = o.measure.response if isinstance(o.measure, ResponseMeasure) else None
        attempted = bool(measured and any(e.data["response"] == measured
                                          for e in f.of(Kind.RESPONSE_TAKEN) + f.of(Kind.RESPONSE_REFUSED)))
        attempted = attempted or any(a["kind"] == "refused" for a in areas)
        rating = f.session.ratings.get(o.id)
        code = rating.rating if rating else derive_rating(v.met, attempted)
        rows.append({
            "id": o.id, "text": o.text, "capability": o.capability,
            "rating": code, "rating_meaning": RATINGS.get(code) if code else None,
            "rating_source": rating.by.role if rating else ("derived" if code else None),  # facilitator or evaluator
            "comment": rating.comment if rating else "",
            "rated_by": rating.by.label() if rating else "",
            "simulator": {"met": v.met, "detail": v.detail},
            "strengths": _ranked(_strengths(f, related) + _served(f, o, own), own, direct),
            "areas_for_improvement": areas,
            **_evaluation(f, o, v.met),
        })
    return rows


def _evaluation(f: Facts, o: Any, met: bool | None) -> dict[str, Any]:  # o: scenario Objective
    """The evaluators' side of an objective: its tasks as marked beside what the simulator saw, every rating
    given, and where people and simulator disagree."""
    tasks = []
    disagreements = []
    for row in (r for r in tasks_due(f.session) if r.objective == o.id):
        spec = next(k for k in o.tasks if k.id == row.task)
        marked = {"observed": "observed" + (f" at {clock(row.seen)}" if row.seen is not None else ""),
                  "not observed": "not observed"}.get(row.status, "not marked")
        done_in_time = row.simulated is not None and row.due is not None and row.simulated <= row.due
        if spec.response is None:
            seen = "evaluator only"
        elif row.simulated is None:
            seen = f"{spec.response} not taken"
        else:
            seen = f"{spec.response} taken at {clock(row.simulated)}" + ("" if done_in_time else ", late")
        disagree = spec.response is not None and row.status in ("observed", "not observed") and \
            (row.status == "observed") != done_in_time
        if disagree:
            disagreements.append(f"{o.id}/{row.task} for {row.team}: {row.by} marked it {row.status}, but the "
                                 f"simulator saw {seen}.")
        due = f"{clock(row.due)} ({wall_clock(f.scenario, row.due)})" if row.due is not None else \
            f"never: {row.after} did not come"
        tasks.append({"task": row.task, "text": row.text, "team": row.team, "due": due, "evaluator": marked,
                      "by": row.by, "note": row.note, "simulator": seen, "disagree": disagree})
    given = [c for c in f.session.ratings_given() if c.objective == o.id]
    ratings = [{"by": c.by.label(), "rating": c.rating, "comment": c.comment} for c in given]
    if met is not None:
        for c in given:
            if (c.rating == "P" and not met) or (c.rating == "U" and met):
                disagreements.append(f"{o.id}: {c.by.label()} rated it {c.rating} ({RATINGS[c.rating]}), but the "
                                     f"simulator judged it {'met' if met else 'not met'}.")
    codes = {r["rating"] for r in ratings}
    if len(codes) > 1:
        disagreements.append(f"{o.id}: the ratings differ: " + "; ".join(f"{r['by']} {r['rating']}" for r in ratings)
                             + ".")
    return {"target": o.target, "tasks": tasks, "ratings": ratings, "disagreements": disagreements}


def feedback(f: Facts) -> dict[str, Any] | None:
    """The participant feedback forms summarised: each person's last form counts once."""
    last = {c.by.label(): c for c in f.session.feedback}
    if not last:
        return None
    forms = list(last.values())
    statements = []
    for key, words in FEEDBACK_STATEMENTS.items():
        given = [c.scores[key] for c in forms if key in c.scores]
        statements.append({"statement": words, "answers": len(given),
                           "mean": round(sum(given) / len(given), 2) if given else None,
                           "counts": [given.count(score) for score in range(1, 6)]})

    def quotes(field: str) -> list[dict[str, str]]:
        return [{"by": by, "text": getattr(c, field)} for by, c in last.items() if getattr(c, field).strip()]
    return {"forms": len(forms), "statements": statements, "strengths": quotes("strengths"),
            "improvements": quotes("improvements"), "unrecorded": quotes("unrecorded"), "change": quotes("change")}


def own_measures(f: Facts, o: Any) -> list[str]:  # o: scenario Objective
    """The measures an objective is about, most direct first: the one it names; else those whose effects move
    its indicator, then those that counter a campaign moving it (in the order the teams list them)."""
    if isinstance(o.measure, ResponseMeasure):
        return [o.measure.response]
    indicator = getattr(o.measure, "indicator", None)
    if indicator is None:
        return []
    domains = {c.domain for c in f.scenario.campaigns
               if any(e.indicator == indicator for stage in c.stages for e in stage.effects)}
    held = [rid for rid in dict.fromkeys(rid for t in f.scenario.teams for rid in t.responses) if rid in f.responses]
    moving = _direct(f, o)
    direct = [rid for rid in held if rid in moving]
    return direct + [rid for rid in held if rid not in direct and set(f.responses[rid].counters.domains) & domains]


def _direct(f: Facts, o: Any) -> set[str]:
    """The measures whose own effects move the objective's indicator (or the one a response objective names)."""
    if isinstance(o.measure, ResponseMeasure):
        return {o.measure.response}
    indicator = getattr(o.measure, "indicator", None)
    return {rid for rid, r in f.responses.items() if any(e.indicator == indicator for e in r.effects)}


def _served(f: Facts, o: Any, own: list[str]) -> list[dict[str, Any]]:
    """What the objective's own measures did, from the log, for those no expected action already credits."""
    if f.verdicts[o.id].met is not True:
        return []
    out = []
    for e in f.of(Kind.RESPONSE_TAKEN):
        if e.data["response"] in own[:3]:
            d = e.data
            out.append({"text": f"{d['response']} ({f.responses[d['response']].name}) taken by {d['team']} at "
                                f"{clock(e.t)}, in effect at {clock(d['effective_at'])}",
                        "reference": f"{o.id} ({clock(e.t)})", "response": d["response"], "served": True})
    return out


def _ranked(strengths: list[dict[str, Any]], own: list[str], direct: set[str]) -> list[dict[str, Any]]:
    """The strengths, those about the objective's own measures first: the ones that move its indicator
    themselves before those that only counter what moves it; within each, an expected action met before what
    the log shows a measure did. Each measure once."""
    rank = {rid: i for i, rid in enumerate(own)}
    seen: set[str] = set()
    out = []
    for x in sorted(strengths, key=lambda x: (x["response"] not in rank, x["response"] not in direct,
                                              x.get("served", False), rank.get(x["response"], 0))):
        key = x.pop("response")
        x.pop("served", None)
        if key in seen and key in rank:
            continue
        seen.add(key)
        out.append(x)
    return out


def _outcome(f: Facts, o: Any, own: list[str], detail: str) -> dict[str, Any]:
    """A failed objective whose causes so far do not concern what moves it: what its own measures did, from
    the log (when each came, against the window it is judged in), and the notes that name it."""
    closes = getattr(o.measure, "to", None) or f.scenario.metadata.duration
    taken = [e for e in f.of(Kind.RESPONSE_TAKEN) if e.data["response"] in own]
    parts = []
    for e in taken[:3]:
        effective = e.data["effective_at"]
        timing = (f"after the window closed at {clock(closes)}" if effective > closes
                  else f"{format_rounded(closes - effective)} before the window closed")
        parts.append(f"{e.data['response']} taken by {e.data['team']} at {clock(e.t)}, in effect at "
                     f"{clock(effective)}, {timing}")
    notes = [n.text for n in f.session.notes if o.id in n.text]
    said = f" Notes: {' / '.join(notes[:2])}" if notes else ""
    if parts:
        text = "; ".join(parts) + ": not enough"
    elif own:
        others = f", nor {', '.join(own[1:3])}" if len(own) > 1 else ""
        text = f"{own[0]} never taken{others}: the measures that move it"
    else:
        text = "no measure the teams hold moves it"
    text += said
    first = taken[0] if taken else None
    return {"text": text, "reference": f"{o.id}: {detail}",
            "response": first.data["response"] if first else (own[0] if own else None),
            "team": first.data["team"] if first else None, "kind": "outcome", "cause": "outcome"}


def _strengths(f: Facts, related: set[str]) -> list[dict[str, str]]:
    out = []
    for e in f.of(Kind.EXPECTATION_MET):
        if e.data["inject"] not in related:
            continue
        d = e.data
        name = f.responses[d["response"]].name
        if d.get("by") == "facilitator":
            text = f"{d['response']} ({name}) judged met by the facilitator {duration(d['latency'])} after it: {d['reason']}"
        else:
            text = (f"{d['response']} ({name}) taken by {d['team']}"
                    + (" before the inject, still under way" if d["before_inject"] else f" {duration(d['latency'])} after it"))
        out.append({"text": text, "reference": f"{d['inject']} at {clock(e.t)}", "response": d["response"]})
    return out


def _refusals(f: Facts, related: set[str]) -> list[dict[str, Any]]:
    """Refusals of a measure the objective's injects asked for: one area per measure, team and cause."""
    refused: dict[tuple, dict[str, Any]] = {}
    wanted = {a.response for i in related for a in f.injects[i].expects}
    for e in f.of(Kind.RESPONSE_REFUSED):
        d = e.data
        # Already under way is not a gap: the measure was there. The same refusal again is one area.
        if d["response"] not in wanted or d["stage"] == "duplicate":
            continue
        key = (d["response"], d["team"], d["stage"])
        if key in refused:
            refused[key]["count"] += 1
            refused[key]["text"] = (f"{d['response']} refused for {d['team']} "
                                    f"{refused[key]['count']} times: {refused[key]['reason']}")
            continue
        held = {x.data["finding"] for x in f.of(Kind.FINDING_ESTABLISHED) if x.t <= e.t}
        refused[key] = {
            "text": f"{d['response']} refused for {d['team']}: {d['reason']}",
            "reference": f"{clock(e.t)} ({d['stage']})",
            "response": d["response"], "team": d["team"], "kind": "refused",
            "cause": d["stage"].replace(" ", "_"), "count": 1, "reason": d["reason"],
            "missing": [x for x in f.responses[d["response"]].needs if x not in held]}
    return list(refused.values())


def _missed(f: Facts, e: Event) -> dict[str, Any]:
    """An expected measure not taken in its window: never, or late (and by how much)."""
    inject, rid, team = e.data["inject"], e.data["response"], e.data["team"]
    action = next(a for a in f.injects[inject].expects if a.response == rid)
    later = next((x for x in f.of(Kind.RESPONSE_TAKEN)
                  if x.t >= e.t and x.data["response"] == rid and team in (None, x.data["team"])), None)
    who = team or "any team"
    name = f.responses[rid].name
    if later is not None:
        return {"text": f"{rid} ({name}) expected from {who} within {duration(action.within)}; taken "
                        f"{duration(later.t - e.t)} after that, by {later.data['team']}",
                "reference": f"{inject}, deadline {clock(e.t)}", "response": rid, "team": team, "kind": "missed",
                "cause": "late", "late_by": duration(later.t - e.t), "window": duration(action.within)}
    return {"text": f"{rid} ({name}) expected from {who} within {duration(action.within)}, never taken",
            "reference": f"{inject}, deadline {clock(e.t)}", "response": rid, "team": team, "kind": "missed",
            "cause": "never", "trigger": f.injects[inject].title}


# --- what only a simulator adds ----------------------------------------------------------------


def _named(f: Facts) -> dict[tuple, str]:
    """Who acted, by name, for the events people caused: (t, kind, team, measure or inject) -> 'csirt (Anna)'."""
    out: dict[tuple, str] = {}
    for c in f.standing:
        if c.by.name and isinstance(c, TakeMeasure):
            out[(c.t, Kind.RESPONSE_TAKEN, c.team, c.response)] = _confirmed(c)
            out[(c.t, Kind.RESPONSE_REFUSED, c.team, c.response)] = _confirmed(c)
        elif c.by.name and isinstance(c, AnswerDecision):
            out[(c.t, Kind.DECISION_MADE, None, c.inject)] = _confirmed(c)
    return out


def _confirmed(c: TakeMeasure | AnswerDecision) -> str:
    """Who gave it; in a team whose lead confirms, who proposed it and that the lead confirmed it."""
    if c.proposed_by is None:
        return c.by.label()
    return f"{c.proposed_by.label()}, confirmed by the lead {c.by.label()}"


def timeline(f: Facts) -> list[dict[str, Any]]:
    """What players were told and did, and their notes, in time order; who did it, by name, where they gave one."""
    named = _named(f)

    def text(e: Event) -> str | None:
        said = describe(e, f.scenario)
        key = (e.t, e.kind, None, e.data.get("inject")) if e.kind == Kind.DECISION_MADE else \
            (e.t, e.kind, e.data.get("team"), e.data.get("response"))
        who = named.get(key)
        return f"{said} (by {who})" if who and said else said

    rows: list[dict[str, Any]] = [{"t": float(e.t), "clock": clock(e.t), "when": f.when(e.t), "kind": e.kind,
                                   "text": text(e), "ground_truth": False}
                                  for e in f.events if e.kind in _TIMELINE_KINDS]
    rows += [{"t": n.minute, "clock": clock(n.minute), "when": f.when(n.minute), "kind": "note",
              "text": f"{n.author()}: {n.text}", "ground_truth": False} for n in f.session.notes]
    rows.sort(key=lambda row: row["t"])
    return rows


def ground_truth(f: Facts) -> list[dict[str, Any]]:
    """Every stage the adversary (or a cascade) started: how it went, and when players learned of it."""
    plans = {f"{c.id}.{st.id}": (c, st) for c in f.scenario.campaigns for st in c.stages}
    rows = []
    for e in f.of(Kind.STAGE_STARTED):
        stage = e.data["stage"]
        seen = f.detections.get(stage)
        campaign, plan = plans[stage]
        rows.append({
            "stage": stage, "campaign": e.data["campaign"], "domain": e.data["domain"],
            "started": e.t, "started_clock": clock(e.t), "outcome": f.outcomes.get(stage),
            "countered_by": e.data["countered_by"],
            "detected": seen.t if seen else None, "detected_clock": clock(seen.t) if seen else None,
            "latency": seen.data["latency"] if seen else None,
            "latency_text": duration(seen.data["latency"]) if seen else None,
            "name": plan.name, "adversary": campaign.adversary,
            "techniques": list(plan.techniques or campaign.techniques),
        })
    return rows


def detection_to_response(f: Facts) -> list[dict[str, Any]]:
    """Per campaign: its first detection, and the first measure against its domain taken after it."""
    rows = []
    for c in f.scenario.campaigns:
        first = min((e.t for e in f.of(Kind.STAGE_DETECTED) if e.data["campaign"] == c.id), default=None)
        answer = took = None
        if first is not None:
            answer = next((e for e in f.of(Kind.RESPONSE_TAKEN)
                           if e.t >= first and c.domain in f.responses[e.data["response"]].counters.domains), None)
            took = answer.t - first if answer else None
        rows.append({
            "campaign": c.id, "name": c.name, "domain": c.domain,
            "first_detected": first, "first_detected_clock": clock(first) if first is not None else None,
            "first_response": answer.data["response"] if answer else None,
            "first_response_team": answer.data["team"] if answer else None,
            "time_to_respond": took, "time_to_respond_text": duration(took),
        })
    return rows


def indicators(f: Facts) -> list[dict[str, Any]]:
    """Every indicator's true series from T+0 to where play stopped, with its bands."""
    specs = {spec.id: spec for spec in f.scenario.indicators}
    rows = []
    for reading in indicator_readings(f.session, points=SERIES_POINTS):
        spec = specs[reading.id]
        rows.append({
            "id": spec.id, "name": spec.name, "unit": spec.unit, "domain": spec.domain,
            "min": spec.min, "max": spec.max, "higher_is_better": spec.higher_is_better,
            "bands": spec.bands.model_dump() if spec.bands else None,
            "visible_to": spec.visible_to,
            "final": reading.series[-1], "final_band": band_of(spec, reading.series[-1]),
            "lowest": reading.lowest, "highest": reading.highest,
            "series": [[round(t, 3), round(v, 6)] for t, v in zip(reading.times, reading.series, strict=True)],
        })
    return rows


def expected_vs_taken(f: Facts) -> list[dict[str, Any]]:
    """Each delivered inject that expected actions: which were met, missed, or still open."""
    rows = []
    for e in f.of(Kind.INJECT_DELIVERED):
        inject = f.injects.get(e.data["inject"]) if e.data["inject"] else None
        if inject is None or not inject.expects:
            continue
        expects = []
        for action in inject.expects:
            met = next((x for x in f.of(Kind.EXPECTATION_MET)
                        if x.data["inject"] == inject.id and x.data["response"] == action.response), None)
            missed = any(x.data["inject"] == inject.id and x.data["response"] == action.response
                         for x in f.of(Kind.EXPECTATION_MISSED))
            expects.append({"response": action.response, "team": action.team, "within": duration(action.within),
                            "status": "met" if met else "missed" if missed else "open",
                            "latency": duration(met.data["latency"]) if met else None})
        rows.append({"inject": inject.id, "title": inject.title, "delivered": clock(e.t), "expects": expects})
    return rows


def decisions(f: Facts) -> list[dict[str, Any]]:
    """What each team chose at its decision points, who answered, why, and how long it deliberated.

    Simulated time stands still while a decision dialog is open, so the time a team took is
    real time: from the question being put (shown_at) to the answer (at)."""
    choices = {c.inject: c for c in f.standing if isinstance(c, AnswerDecision)}
    rows = []
    for e in f.of(Kind.DECISION_MADE):
        point = f.injects[e.data["inject"]].decision
        assert point is not None  # only an inject with a decision point has one made
        record = choices.get(e.data["inject"])
        deliberation = None
        if record is not None and record.shown_at and record.at:
            try:
                seconds = (dt.datetime.fromisoformat(record.at) - dt.datetime.fromisoformat(record.shown_at))
                deliberation = max(0.0, seconds.total_seconds() / 60)
            except (ValueError, TypeError):
                pass  # a time the journal's checks let through but cannot be subtracted: no figure, not a crash
        rows.append({
            "inject": e.data["inject"], "team": e.data["team"], "prompt": point.prompt, "option": e.data["option"],
            "option_label": next((o.label for o in point.options if o.id == e.data["option"]), e.data["option"]),
            # no command answered it: the playbook or the deadline
            "by": e.data["by"], "taken_by": (_confirmed(record) if record is not None
                                             else "playbook" if e.data["by"] == "team" else e.data["by"]),
            "at": clock(e.t), "rationale": e.data.get("note", ""),
            "deliberation_minutes": deliberation,
            "deliberation": None if deliberation is None else duration(round(deliberation)),
        })
    return rows


# --- toolbox gaps --------------------------------------------------------------------------------


def toolbox_gaps(f: Facts, truth: list[dict[str, Any]]) -> dict[str, Any]:
    """Every measure taken or refused (and whether its lead time alone overran the window it had),
    the expected measures never used, and each campaign's cover."""
    used = {e.data["response"] for e in f.of(Kind.RESPONSE_TAKEN)}
    expected_ids = sorted({a.response for i in f.scenario.injects for a in i.expects})
    never_used = [{"response": rid, "name": f.responses[rid].name,
                   "toolbox": TOOLBOX_NAMES[f.responses[rid].toolbox]} for rid in expected_ids if rid not in used]
    campaigns = []
    for c in f.scenario.campaigns:
        stages = [g for g in truth if g["campaign"] == c.id]
        countered = sorted({r for g in stages for r in g["countered_by"]})
        campaigns.append({"campaign": c.id, "name": c.name, "domain": c.domain,
                          "stages": len(stages), "succeeded": sum(g["outcome"] == "succeeded" for g in stages),
                          "countered_in_time": bool(countered), "countered_by": countered})
    return {"measures": _measures_used(f), "expected_never_used": never_used, "campaigns": campaigns}


def _asked_of(f: Facts) -> dict[tuple[str, str], list[tuple[str, Any]]]:
    """The window each measure had: the expectations of the injects actually delivered to a team, by
    (team, measure), worked out once rather than once per measure taken."""
    asked: dict[tuple[str, str], list[tuple[str, Any]]] = {}
    team_ids = [t.id for t in f.scenario.teams]
    for e in f.of(Kind.INJECT_DELIVERED):
        inject_id = e.data["inject"]
        if inject_id not in f.injects or not f.injects[inject_id].expects:
            continue
        for team_id in team_ids if "all" in e.data["to"] else [t for t in e.data["to"] if t in team_ids]:
            for a in f.injects[inject_id].expects:
                if a.team in (None, team_id):
                    asked.setdefault((team_id, a.response), []).append((inject_id, a))
    return asked


def _measures_used(f: Facts) -> list[dict[str, Any]]:
    # Who gave each player's measure: the journal's command at the same time, team and measure.
    givers = {(c.t, c.team, c.response): c.by.label() for c in f.standing if isinstance(c, TakeMeasure)}
    asked_of = _asked_of(f)
    rows = []
    for e in f.of(Kind.RESPONSE_TAKEN) + f.of(Kind.RESPONSE_REFUSED):
        r = f.responses[e.data["response"]]
        lead = e.data["effective_at"] - e.t if e.kind == Kind.RESPONSE_TAKEN else None
        asked = asked_of.get((e.data["team"], r.id), [])
        needed = [a.within for _, a in asked]
        at_stake = {oid for i, _ in asked for oid in f.injects[i].objectives}
        rows.append({
            "response": r.id, "name": r.name, "toolbox": TOOLBOX_NAMES[r.toolbox], "team": e.data["team"],
            "taken_by": givers.get((e.t, e.data["team"], r.id), e.data.get("source", "engine")),
            "target": e.data.get("target"),
            "at": clock(e.t), "outcome": "taken" if e.kind == Kind.RESPONSE_TAKEN else f"refused ({e.data['stage']})",
            "reason": e.data.get("reason"), "lead_time": duration(lead),
            "needed_within": duration(min(needed)) if needed else None,
            # Too slow only if the lead time alone overran the window and an objective it served was not met.
            "too_slow": bool(lead is not None and needed and lead > min(needed)
                             and any(f.verdicts[oid].met is not True for oid in at_stake)),
        })
    rows.sort(key=lambda row: (row["at"], row["response"]))
    return rows


# --- the exercise and its people -----------------------------------------------------------------


def session_id(header: dict[str, Any]) -> str:
    """The session's own id; older journals (and a session without one) get a digest of what they hold."""
    if header.get("session"):
        return str(header["session"])
    if not header:
        return uuid.uuid4().hex  # no journal: nothing else can ever claim this session
    return hashlib.sha256(json.dumps(header, sort_keys=True).encode()).hexdigest()[:32]


def overview(f: Facts, header: dict[str, Any] | None, contact: str | None) -> dict[str, Any]:
    """HSEEP's exercise overview: name, dates, scope, setting, threat, objectives; and how it was played."""
    s, m, header = f.scenario, f.scenario.metadata, header or {}
    return {
        "name": m.title, "scenario_id": m.id, "scenario_version": m.version,
        "exercise_dates": {"start": m.start.isoformat(), "end": f.when(m.duration),
                           "start_text": human_date(m.start, s),
                           "end_text": human_date(m.at(m.duration), s), "timezone": m.timezone},
        "played_on": header.get("created"), "played_on_text": human_date(header.get("created"), s),
        "session_id": session_id(header),
        "contact": contact, "engine_model": header.get("engine"), "journal_tool": header.get("tool"),
        "scope": m.scope, "sponsor": m.sponsor, "summary": m.summary,
        "setting": {"country": m.setting.country,
                    "election_date": m.setting.election_date.isoformat() if m.setting.election_date else None,
                    "polling": m.setting.polling_words()},
        "threat": [{"adversary": a.name, "kind": a.kind,
                    "campaigns": [c.name for c in s.campaigns if c.adversary == a.id]} for a in s.adversaries],
        "objectives": [{"id": o.id, "text": o.text, "capability": o.capability} for o in s.objectives],
        "seed": f.seed, "playbook": f.session.playbook.id if f.session.playbook else None,
        "played_until": clock(f.now), "finished": f.finished,
    }


def played_by(f: Facts) -> dict[str, str]:
    """Who played each team's seat: 'players', 'the facilitator', 'the playbook', or '' (simulated: nobody
    acted for it). A run with a playbook and no live action is the playbook's, every seat of it."""
    live = [c for c in f.standing if c.by.role in ("team", "facilitator") and c.changes_world]
    if f.session.playbook is not None and not live:
        return {t.id: "the playbook" for t in f.scenario.teams}
    out = dict.fromkeys((t.id for t in f.scenario.teams), "")
    for c in f.standing:
        team = c.by.team if c.by.role == "team" else getattr(c, "team", None)
        if isinstance(c, AnswerDecision):
            answered = next((e.data["team"] for e in f.of(Kind.DECISION_MADE) if e.data["inject"] == c.inject), None)
            team = c.by.team if c.by.role == "team" else answered
        if team in out and not out[team]:
            out[team] = {"team": "players", "facilitator": "the facilitator", "playbook": "the playbook"}.get(
                c.by.role, "")
        elif team in out and c.by.role == "team":
            out[team] = "players"  # players over anyone else who also acted for it
    return out


def participants(f: Facts, by: dict[str, str]) -> list[dict[str, Any]]:
    """The teams, the bodies they played, who played for them (as they named themselves on joining), and the
    seats nobody played (simulated); ``by``: ``played_by``."""
    return [{"id": t.id, "name": t.name, "body": t.body, "level": t.level, "played_by": by[t.id],
             "people": sorted({c.by.name for c in f.standing if c.by.role == "team" and c.by.team == t.id and c.by.name})}
            for t in f.scenario.teams]


def notes(f: Facts) -> list[dict[str, Any]]:
    return [{"clock": clock(n.minute), "text": n.text, "by": n.author()} for n in f.session.notes]


def adjustments(f: Facts) -> list[dict[str, Any]]:
    """What the facilitator changed by hand during play, and why: a reader must know the run was steered."""
    session = f.session
    standing = {id(c) for c in f.standing}
    rows = []
    for c in session.records:
        if isinstance(c, Undo):
            undone = session.records[c.undoes]
            team = getattr(undone, "team", None)
            what = f"undid {undone.describe()}" + (f" for {team}" if team else "") + f" (given at {clock(undone.minute)})"
        elif isinstance(c, EndMeasure) and id(c) in standing:
            what = f"ended {c.response} for {c.team} early"
        elif isinstance(c, MarkMet) and id(c) in standing:
            what = f"marked {c.response} after {c.inject} as met"
        else:
            continue
        rows.append({"clock": clock(c.minute), "what": what, "reason": c.reason})
    return rows


# --- the whole -------------------------------------------------------------------------------------


def report_of(session: Session, journal_header: dict[str, Any] | None = None, *, tlp: str = "AMBER",
              contact: str | None = None, place: str | None = None) -> Report:
    """The report of a session; ``tlp``: its handling level (TLP 2.0), ``contact``: its point of contact,
    ``place``: where it was conducted."""
    f = facts(session)
    rated = objectives(f)
    by = played_by(f)
    people = participants(f, by)
    plan = improvement_plan(rated, session.loaded, played=by,
                            contacts={p["id"]: ", ".join(p["people"]) for p in people if p["people"]})
    for o in rated:  # what the plan needed to know of each cause is not part of the report
        o["areas_for_improvement"] = [{k: v for k, v in a.items() if k in AREA_FIELDS} for a in o["areas_for_improvement"]]
    truth = ground_truth(f)
    report = Report.model_validate({
        "format": FORMAT, "generated_by": f"exercise {__version__}", "handling": handling(tlp),
        "executive_summary": executive_summary(f.scenario, rated, plan, truth, f.now, by),
        "overview": overview(f, journal_header, contact),
        "objectives": rated, "improvement_plan": plan, "participants": people,
        "timeline": timeline(f), "detection_to_response": detection_to_response(f), "ground_truth": truth,
        "indicators": indicators(f), "expected_vs_taken": expected_vs_taken(f), "decisions": decisions(f),
        "notes": notes(f), "adjustments": adjustments(f), "toolbox_gaps": toolbox_gaps(f, truth),
        "feedback": feedback(f),
    })
    report.overview.place = place
    report.conclusion = tables.conclusion(report)
    report.acronyms = [Acronym(acronym=a, meaning=m) for a, m in tables.acronyms(report.model_dump_json())]
    return report


__all__ = [
    "FORMAT", "SERIES_POINTS", "adjustments", "decisions", "derive_rating", "detection_to_response", "expected_vs_taken",
    "ground_truth", "indicators", "notes", "objectives", "overview", "participants", "report_of", "timeline",
    "toolbox_gaps",
]
