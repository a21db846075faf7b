"""The After-Action Report / Improvement Plan as data (``model.Report``): what every format renders.

Built from a replayed session (journal + the scenario it names). Sections
follow HSEEP's AAR/IP template; the simulator adds a timeline, detection to
response times, ground truth against what players saw, indicator series,
expected against taken actions, and a toolbox gap analysis.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from exercise import __version__
from exercise.report.model import Report
from exercise.report.plan import improvement_plan
from exercise.report.summary import executive_summary, handling, human_date
from exercise.scenario.catalogue import TOOLBOX_NAMES
from exercise.scenario.models import ResponseMeasure
from exercise.scenario.types import format_rounded
from exercise.session.commands import RATINGS, AnswerDecision, EndMeasure, MarkMet, TakeMeasure, Undo
from exercise.session.live import Session
from exercise.session.timeline import clock, describe
from exercise.session.views import Kind, band_of, debrief, indicator_readings

FORMAT = 1
# What the report's timeline tells: what people saw and did (the ground truth has its own table).
_TIMELINE_KINDS = frozenset({
    Kind.INJECT_DELIVERED, Kind.RESPONSE_TAKEN, Kind.RESPONSE_REFUSED, Kind.RESPONSE_ACTIVE, Kind.RESPONSE_REAFFIRMED,
    Kind.DECISION_MADE, Kind.DECISION_EXPIRED, Kind.EXPECTATION_MISSED, Kind.STAGE_DETECTED, Kind.FINDING_ESTABLISHED,
})
AREA_FIELDS = ("text", "reference", "response", "team", "kind", "cause")
SERIES_POINTS = 97  # indicator samples per chart: every hour of a 4-day scenario


def _dur(minutes: float | None) -> str | None:
    return None if minutes is None else format_rounded(minutes)


def derive_rating(met: bool | None, attempted: bool) -> str | None:
    """A P/S/M/U rating from the simulator's verdict when the facilitator gave none.

    Met: P. Not met, but the measure was attempted (late or refused): M.
    Not met and never attempted: U. Not judged by the simulator: no rating.
    """
    if met is None:
        return None
    if met:
        return "P"
    return "M" if attempted else "U"


def build_report(session: Session, journal_header: dict[str, Any] | None = None, *, tlp: str = "AMBER",
                 contact: str | None = None) -> Report:
    """The report of a session; ``tlp``: its handling level (TLP 2.0), ``contact``: its point of contact."""
    d = debrief(session)
    standing = session.standing()  # the commands that still count (undone ones left out)
    s = session.loaded.scenario
    m = s.metadata
    events = d.events
    by_kind: dict[str, list] = {}
    for e in events:
        by_kind.setdefault(e.kind, []).append(e)
    teams = {t.id: t for t in s.teams}
    responses = session.loaded.responses
    injects = {i.id: i for i in s.injects}

    @functools.lru_cache(maxsize=4096)  # events come in bursts at one instant: a decision and its answers
    def at(minutes: float) -> str:
        return (m.start + dt.timedelta(minutes=minutes)).isoformat()

    # --- objectives ---------------------------------------------------------------------
    verdicts = d.verdicts
    objectives = []
    for o in s.objectives:
        related = {i.id for i in s.injects if o.id in i.objectives}
        strengths, areas = [], []
        for e in by_kind.get(Kind.EXPECTATION_MET, []):
            if e.data["inject"] in related:
                strengths.append({
                    "text": (f"{e.data['response']} ({responses[e.data['response']].name}) judged met by the facilitator "
                             f"{_dur(e.data['latency'])} after it: {e.data['reason']}" if e.data.get("by") == "facilitator" else
                             f"{e.data['response']} ({responses[e.data['response']].name}) taken by {e.data['team']}"
                             + (" before the inject, still under way" if e.data["before_inject"] else f" {_dur(e.data['latency'])} after it")),
                    "reference": f"{e.data['inject']} at {clock(e.t)}"})
        for e in by_kind.get(Kind.EXPECTATION_MISSED, []):
            if e.data["inject"] in related:
                areas.append(_missed(e, injects, responses, by_kind))
        refused: dict[tuple, dict[str, Any]] = {}
        wanted = {a.response for i in related for a in injects[i].expects}
        for e in by_kind.get(Kind.RESPONSE_REFUSED, []):
            # Already under way is not a gap: the measure was there. The same refusal again is one area.
            if e.data["response"] not in wanted or e.data["stage"] == "duplicate":
                continue
            key = (e.data["response"], e.data["team"], e.data["stage"])
            if key in refused:
                refused[key]["count"] += 1
                refused[key]["text"] = (f"{e.data['response']} refused for {e.data['team']} "
                                        f"{refused[key]['count']} times: {refused[key]['reason']}")
                continue
            held = {f.data["finding"] for f in by_kind.get(Kind.FINDING_ESTABLISHED, []) if f.t <= e.t}
            refused[key] = {
                "text": f"{e.data['response']} refused for {e.data['team']}: {e.data['reason']}",
                "reference": f"{clock(e.t)} ({e.data['stage']})",
                "response": e.data["response"], "team": e.data["team"], "kind": "refused",
                "cause": e.data["stage"].replace(" ", "_"), "count": 1, "reason": e.data["reason"],
                "missing": [f for f in responses[e.data["response"]].needs if f not in held]}
        areas += refused.values()  # count and reason go with the other plan-only keys below (AREA_FIELDS)
        v = verdicts[o.id]
        measured = o.measure.response if isinstance(o.measure, ResponseMeasure) else None
        attempted = bool(measured and any(e.data["response"] == measured
                                          for e in by_kind.get(Kind.RESPONSE_TAKEN, []) + by_kind.get(Kind.RESPONSE_REFUSED, [])))
        attempted = attempted or bool(areas and any(a["kind"] == "refused" for a in areas))
        rating = session.ratings.get(o.id)
        code = rating.rating if rating else derive_rating(v.met, attempted)
        objectives.append({
            "id": o.id, "text": o.text, "capability": o.capability,
            "rating": code, "rating_meaning": RATINGS.get(code) if code else None,
            "rating_source": rating.by.role if rating else ("derived" if code else None),  # facilitator or evaluator
            "comment": rating.comment if rating else "",
            "simulator": {"met": v.met, "detail": v.detail},
            "strengths": strengths, "areas_for_improvement": areas,
        })

    # --- improvement plan: one row per cause (plan.py) ----------------------------------------
    plan = improvement_plan(objectives, session.loaded)
    for o in objectives:  # what the plan needed to know of each cause, not part of the report
        o["areas_for_improvement"] = [{k: v for k, v in a.items() if k in AREA_FIELDS}
                                      for a in o["areas_for_improvement"]]

    # --- what only a simulator adds ----------------------------------------------------------
    timeline = []
    for e in events:
        if e.kind in _TIMELINE_KINDS:
            timeline.append({"t": float(e.t), "clock": clock(e.t), "when": at(e.t), "kind": e.kind,
                             "text": describe(e, s), "ground_truth": False})
    for note in session.notes:
        timeline.append({"t": float(note.t), "clock": clock(note.t), "when": at(note.t), "kind": "note",
                         "text": f"{note.author()}: {note.text}", "ground_truth": False})
    timeline.sort(key=lambda row: row["t"])

    detected = {e.data["stage"]: e for e in by_kind.get(Kind.STAGE_DETECTED, [])}
    outcomes = {e.data["stage"]: e.kind.split(".")[1] for e in events if e.kind in (Kind.STAGE_SUCCEEDED, Kind.STAGE_FAILED)}
    ground_truth = []
    stage_plans = {f"{c.id}.{st.id}": (c, st) for c in s.campaigns for st in c.stages}
    for e in by_kind.get(Kind.STAGE_STARTED, []):
        stage = e.data["stage"]
        seen = detected.get(stage)
        ground_truth.append({
            "stage": stage, "campaign": e.data["campaign"], "domain": e.data["domain"],
            "started": e.t, "started_clock": clock(e.t), "outcome": outcomes.get(stage),
            "countered_by": e.data["countered_by"],
            "detected": seen.t if seen else None, "detected_clock": clock(seen.t) if seen else None,
            "latency": seen.data["latency"] if seen else None, "latency_text": _dur(seen.data["latency"]) if seen else None,
            "name": stage_plans[stage][1].name, "adversary": stage_plans[stage][0].adversary,
            "techniques": list(stage_plans[stage][1].techniques or stage_plans[stage][0].techniques),
        })

    detection_to_response = []
    for c in s.campaigns:
        first = min((e.t for e in by_kind.get(Kind.STAGE_DETECTED, []) if e.data["campaign"] == c.id), default=None)
        answer = None
        if first is not None:
            answer = next((e for e in by_kind.get(Kind.RESPONSE_TAKEN, [])
                           if e.t >= first and c.domain in responses[e.data["response"]].counters.domains), None)
        detection_to_response.append({
            "campaign": c.id, "name": c.name, "domain": c.domain,
            "first_detected": first, "first_detected_clock": clock(first) if first is not None else None,
            "first_response": answer.data["response"] if answer else None,
            "first_response_team": answer.data["team"] if answer else None,
            "time_to_respond": answer.t - first if answer else None,
            "time_to_respond_text": _dur(answer.t - first) if answer else None,
        })

    end = d.now
    indicators = []
    specs = {spec.id: spec for spec in s.indicators}
    for reading in indicator_readings(session, points=SERIES_POINTS):
        spec = specs[reading.id]
        indicators.append({
            "id": spec.id, "name": spec.name, "unit": spec.unit, "domain": spec.domain,
            "min": spec.min, "max": spec.max, "higher_is_better": spec.higher_is_better,
            "bands": spec.bands.model_dump() if spec.bands else None,
            "visible_to": spec.visible_to,
            "final": reading.series[-1], "final_band": band_of(spec, reading.series[-1]),
            "lowest": reading.lowest, "highest": reading.highest,
            "series": [[round(t, 3), round(v, 6)] for t, v in zip(reading.times, reading.series, strict=True)],
        })

    expected_vs_taken = []
    for e in by_kind.get(Kind.INJECT_DELIVERED, []):
        inject = injects.get(e.data["inject"]) if e.data["inject"] else None
        if inject is None or not inject.expects:
            continue
        rows = []
        for action in inject.expects:
            met = next((x for x in by_kind.get(Kind.EXPECTATION_MET, [])
                        if x.data["inject"] == inject.id and x.data["response"] == action.response), None)
            missed = any(x.data["inject"] == inject.id and x.data["response"] == action.response
                         for x in by_kind.get(Kind.EXPECTATION_MISSED, []))
            rows.append({"response": action.response, "team": action.team, "within": _dur(action.within),
                         "status": "met" if met else "missed" if missed else "open",
                         "latency": _dur(met.data["latency"]) if met else None})
        expected_vs_taken.append({"inject": inject.id, "title": inject.title, "delivered": clock(e.t), "expects": rows})

    # --- decisions: what each team chose, why, and how long it deliberated ------------------
    # Simulated time stands still while a decision dialog is open, so the time a team
    # took is real time: from the question being put (shown_at) to the answer (at).
    choices = {c.inject: c for c in standing if isinstance(c, AnswerDecision)}
    decisions = []
    for e in by_kind.get(Kind.DECISION_MADE, []):
        point = injects[e.data["inject"]].decision
        record = choices.get(e.data["inject"])
        deliberation = None
        if record is not None and record.shown_at:
            try:
                seconds = (dt.datetime.fromisoformat(record.at) - dt.datetime.fromisoformat(record.shown_at))
                deliberation = max(0.0, seconds.total_seconds() / 60)
            except ValueError:
                pass  # a hand-edited time: no figure rather than a wrong one
        decisions.append({
            "inject": e.data["inject"], "team": e.data["team"], "prompt": point.prompt, "option": e.data["option"],
            "option_label": next((o.label for o in point.options if o.id == e.data["option"]), e.data["option"]),
            "by": e.data["by"], "taken_by": (record.by.label() if record is not None  # no command answered it: the playbook or the deadline
                         else "playbook" if e.data["by"] == "team" else e.data["by"]),
            "at": clock(e.t), "rationale": e.data.get("note", ""),
            "deliberation_minutes": deliberation,
            "deliberation": None if deliberation is None else _dur(round(deliberation)),
        })

    # --- toolbox gaps --------------------------------------------------------------------------
    measures_used = []
    taken = by_kind.get(Kind.RESPONSE_TAKEN, [])
    # Who gave each player's measure: the journal's command at the same time, team and measure.
    givers = {(c.t, c.team, c.response): c.by.label() for c in standing if isinstance(c, TakeMeasure)}
    # The window a measure had: the expectations of the injects actually delivered to its team,
    # by (team, measure), worked out once rather than once per measure taken.
    asked_of: dict[tuple[str, str], list[tuple[str, Any]]] = {}
    team_ids = [t.id for t in s.teams]
    for e in by_kind.get(Kind.INJECT_DELIVERED, []):
        inject_id = e.data["inject"]
        if inject_id not in injects or not injects[inject_id].expects:
            continue
        for team_id in team_ids if "all" in e.data["to"] else [t for t in e.data["to"] if t in team_ids]:
            for a in injects[inject_id].expects:
                if a.team in (None, team_id):
                    asked_of.setdefault((team_id, a.response), []).append((inject_id, a))
    for e in taken + by_kind.get(Kind.RESPONSE_REFUSED, []):
        r = responses[e.data["response"]]
        lead = e.data["effective_at"] - e.t if e.kind == Kind.RESPONSE_TAKEN else None
        asked = asked_of.get((e.data["team"], r.id), [])
        needed = [a.within for _, a in asked]
        at_stake = {oid for i, _ in asked for oid in injects[i].objectives}
        measures_used.append({
            "response": r.id, "name": r.name, "toolbox": TOOLBOX_NAMES[r.toolbox], "team": e.data["team"],
            "taken_by": givers.get((e.t, e.data["team"], r.id), e.data.get("source", "engine")),
            "target": e.data.get("target"),
            "at": clock(e.t), "outcome": "taken" if e.kind == Kind.RESPONSE_TAKEN else f"refused ({e.data['stage']})",
            "reason": e.data.get("reason"), "lead_time": _dur(lead),
            "needed_within": _dur(min(needed)) if needed else None,
            # Too slow only if the lead time alone overran the window and an objective it served was not met.
            "too_slow": bool(lead is not None and needed and lead > min(needed)
                             and any(verdicts[oid].met is not True for oid in at_stake)),
        })
    measures_used.sort(key=lambda row: (row["at"], row["response"]))
    used = {e.data["response"] for e in taken}
    expected_ids = sorted({a.response for i in s.injects for a in i.expects})
    never_used = [{"response": rid, "name": responses[rid].name, "toolbox": TOOLBOX_NAMES[responses[rid].toolbox]}
                  for rid in expected_ids if rid not in used]
    per_campaign = []
    for c in s.campaigns:
        stages = [g for g in ground_truth if g["campaign"] == c.id]
        countered = sorted({r for g in stages for r in g["countered_by"]})
        per_campaign.append({"campaign": c.id, "name": c.name, "domain": c.domain,
                             "stages": len(stages), "succeeded": sum(g["outcome"] == "succeeded" for g in stages),
                             "countered_in_time": bool(countered), "countered_by": countered})

    return Report.model_validate({
        "format": FORMAT,
        "generated_by": f"exercise {__version__}",
        "handling": handling(tlp),
        "executive_summary": executive_summary(s, objectives, plan, ground_truth, end),
        "overview": {
            "name": m.title, "scenario_id": m.id, "scenario_version": m.version,
            "exercise_dates": {"start": m.start.isoformat(), "end": at(m.duration),
                               "start_text": human_date(m.start, s),
                               "end_text": human_date(m.start + dt.timedelta(minutes=m.duration), s)},
            "played_on": (journal_header or {}).get("created"),
            "played_on_text": human_date((journal_header or {}).get("created"), s),
            "contact": contact, "engine_model": (journal_header or {}).get("engine"),
            "journal_tool": (journal_header or {}).get("tool"),
            "scope": m.scope, "sponsor": m.sponsor, "summary": m.summary,
            "setting": {"country": m.setting.country,
                        "election_date": m.setting.election_date.isoformat() if m.setting.election_date else None},
            "threat": [{"adversary": a.name, "kind": a.kind,
                        "campaigns": [c.name for c in s.campaigns if c.adversary == a.id]} for a in s.adversaries],
            "objectives": [{"id": o.id, "text": o.text, "capability": o.capability} for o in s.objectives],
            "seed": d.seed, "playbook": session.playbook.id if session.playbook else None,
            "played_until": clock(end), "finished": d.finished,
        },
        "objectives": objectives,
        "improvement_plan": plan,
        "participants": [{"id": t.id, "name": t.name, "body": t.body, "level": t.level,
                          "people": sorted({c.by.name for c in standing
                                            if c.by.role == "team" and c.by.team == t.id and c.by.name})}
                         for t in s.teams],
        "timeline": timeline,
        "detection_to_response": detection_to_response,
        "ground_truth": ground_truth,
        "indicators": indicators,
        "expected_vs_taken": expected_vs_taken,
        "decisions": decisions,
        "notes": [{"clock": clock(n.t), "text": n.text, "by": n.author()} for n in session.notes],
        "adjustments": _adjustments(session),
        "toolbox_gaps": {"measures": measures_used, "expected_never_used": never_used, "campaigns": per_campaign},
    })


def _adjustments(session: Session) -> list[dict[str, Any]]:
    """What the facilitator changed by hand during play, and why: a reader must know the run was steered."""
    standing = {id(c) for c in session.standing()}
    rows = []
    for c in session.records:
        if isinstance(c, Undo):
            undone = session.records[c.undoes]
            what = f"undid {undone.describe()}" + (f" for {undone.team}" if getattr(undone, "team", None) else "")
            what += f" (given at {clock(undone.t)})"
        elif isinstance(c, EndMeasure) and id(c) in standing:
            what = f"ended {c.response} for {c.team} early"
        elif isinstance(c, MarkMet) and id(c) in standing:
            what = f"marked {c.response} after {c.inject} as met"
        else:
            continue
        rows.append({"clock": clock(c.t), "what": what, "reason": c.reason})
    return rows


def _missed(e, injects, responses, by_kind) -> dict[str, Any]:  # noqa: ANN001
    """An expected measure not taken in its window: never, or late (and by how much)."""
    inject, rid, team = e.data["inject"], e.data["response"], e.data["team"]
    action = next(a for a in injects[inject].expects if a.response == rid)
    later = next((x for x in by_kind.get(Kind.RESPONSE_TAKEN, [])
                  if x.t >= e.t and x.data["response"] == rid and team in (None, x.data["team"])), None)
    who = team or "any team"
    name = responses[rid].name
    if later is not None:
        return {"text": f"{rid} ({name}) expected from {who} within {_dur(action.within)}; taken "
                        f"{_dur(later.t - e.t)} after that, by {later.data['team']}",
                "reference": f"{inject}, deadline {clock(e.t)}", "response": rid, "team": team, "kind": "missed",
                "cause": "late", "late_by": _dur(later.t - e.t), "window": _dur(action.within)}
    return {"text": f"{rid} ({name}) expected from {who} within {_dur(action.within)}, never taken",
            "reference": f"{inject}, deadline {clock(e.t)}", "response": rid, "team": team, "kind": "missed",
            "cause": "never", "trigger": injects[inject].title}
