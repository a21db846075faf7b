"""The parts of the report a director reads first: the handling marking, the executive summary, human dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from exercise.scenario.models import Scenario
from exercise.scenario.types import format_rounded

TLP_LEVELS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")  # FIRST's Traffic Light Protocol 2.0
BANNER = "EXERCISE - NOT REAL"
TLP_MEANING = {
    "CLEAR": "may be shared without restriction",
    "GREEN": "may be shared within the community, not published",
    "AMBER": "may be shared with recipients' organisations and their clients on a need-to-know basis",
    "AMBER+STRICT": "may be shared with recipients' organisations only",
    "RED": "for the named recipients only",
}


def human_date(when: dt.datetime | str | None, scenario: Scenario) -> str | None:
    """'Thursday 13 May 2027, 08:00 (UTC+02:00)', in the scenario's time zone."""
    if when is None:
        return None
    if isinstance(when, str):
        text = when
        try:
            when = dt.datetime.fromisoformat(text)
        except ValueError:
            return text  # a hand-edited journal: show it as it is
    if when.tzinfo is not None:  # in the scenario's zone, as its clock read on that day
        when = when.astimezone(scenario.metadata.at(0).tzinfo)
    offset = when.strftime("%z")
    label = f" (UTC{offset[:3]}:{offset[3:]})" if offset else ""
    return f"{when.strftime('%A')} {when.day} {when.strftime('%B %Y, %H:%M')}{label}"


def handling(tlp: str) -> dict[str, str]:
    if tlp not in TLP_LEVELS:
        raise ValueError(f"TLP level must be one of {', '.join(TLP_LEVELS)}")
    return {"tlp": tlp, "marking": f"TLP:{tlp} - {BANNER}", "meaning": TLP_MEANING[tlp], "colour": TLP_COLOUR[tlp]}


# FIRST's TLP 2.0 standard: each label in its colour on a black background, in 12-point type or larger.
TLP_COLOUR = {"CLEAR": "#FFFFFF", "GREEN": "#33FF00", "AMBER": "#FFC000", "AMBER+STRICT": "#FFC000", "RED": "#FF2B2B"}
TLP_POINTS = 12


def executive_summary(scenario: Scenario, objectives: list[dict[str, Any]], plan: list[dict[str, Any]],
                      ground_truth: list[dict[str, Any]], played_until: float,
                      played: dict[str, str] | None = None) -> dict[str, Any]:
    """What was exercised, three to five key findings, and the top corrective actions."""
    m = scenario.metadata
    campaigns = "; ".join(c.name for c in scenario.campaigns)
    played = played if played is not None else {t.id: "players" for t in scenario.teams}
    active = sum(1 for t in scenario.teams if played.get(t.id))
    simulated = len(scenario.teams) - active
    bodies = f"{active} {'body' if active == 1 else 'bodies'}" + (f" ({simulated} more simulated, nobody played them)"
                                                                   if simulated else "")
    exercised = (f"{bodies} exercised their response to {len(scenario.campaigns)} hybrid "
                 f"campaigns ({campaigns}) over {format_rounded(min(played_until, m.duration))} of simulated time"
                 + ("" if played_until >= m.duration else f" of the planned {format_rounded(m.duration)}") + ".")
    missed, achieved = [], []
    for o in objectives:  # objectives not met first: they are what the reader must act on
        # A rating people gave (facilitator, evaluator) is the verdict; the simulator's stands in without one.
        rated = o["rating_source"] in ("facilitator", "evaluator")
        failed = o["rating"] in ("M", "U") if rated else o["simulator"]["met"] is False
        passed = o["rating"] in ("P", "S") if rated else o["simulator"]["met"] is True
        who = "" if not rated else (f", rated {o['rating']}" if "rated by" in o["simulator"]["detail"]
                                    else f", rated {o['rating']} by the {o['rating_source']}")
        if failed:
            # The objective's own measures come first among its causes (sections.objectives sorts them).
            cause = f"; among the causes: {o['areas_for_improvement'][0]['text']}" if o["areas_for_improvement"] else ""
            missed.append(f"{o['id']} ({o['capability']}) was not achieved ({o['simulator']['detail']}{who}){cause}.")
        elif passed:
            why = f": {o['strengths'][0]['text']}" if o["strengths"] else f" ({o['simulator']['detail']})"
            also = (f" The simulator's verdict differs: {o['simulator']['detail']}."
                    if rated and o["simulator"]["met"] is False else "")
            achieved.append(f"{o['id']} ({o['capability']}) was achieved{who}{why}.{also}")
    unseen = [g for g in ground_truth if g["detected"] is None]
    seen = ([f"{len(unseen)} of {len(ground_truth)} adversary actions were never detected by the players."]
            if unseen else [])
    findings = missed[:3] + seen + achieved + missed[3:]
    ranked = sorted(plan, key=lambda row: (row["generic"], -len(row["objective"].split(", "))))
    return {"exercised": exercised, "findings": findings[:5],
            "top_actions": [f"{row['organisation']}: {row['corrective_action']}" for row in ranked[:5]]}
