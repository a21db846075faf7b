"""The improvement plan: one row per cause, saying what to change.

An area for improvement has a cause: an expected measure never taken, or taken
too late; a measure refused for a missing finding, by its deciding body, or
because the team may not take it. Each cause gets its own corrective action
(a procedure, a pre-authorisation, a contact list, an exercise of the
instrument); the same cause met under several objectives is one row naming
them all. A measure refused because it was already under way is not a gap,
and no row comes of it. Generic text is used only where nothing specific is
known, and the row says so.
"""

from __future__ import annotations

from typing import Any

from exercise.scenario.loader import LoadedScenario

CAUSES = ("never", "late", "precondition", "procedure", "not_permitted", "outcome")


def _establishers(loaded: LoadedScenario, finding: str) -> list[str]:
    return sorted(r.id for r in loaded.responses.values()
                  if finding in r.establishes or any(m.finding == finding for m in r.may_establish))


def corrective_action(area: dict[str, Any], loaded: LoadedScenario) -> tuple[str, str, bool]:
    """(what to change, HSEEP capability element, generic?) for one cause."""
    if area["cause"] == "outcome":
        objective = area["reference"].split(":")[0]
        if area["response"] is None:
            return f"Plan how {objective} is to be met: no measure the teams hold serves it.", "Planning", False
        m = loaded.responses[area["response"]]
        return (f"{m.id} ({m.name}) did not bring {objective} about: {area['text']}. Take it sooner after its "
                f"trigger, and plan what must come with it, with {m.decided_by}.", "Planning", False)
    m = loaded.responses[area["response"]]
    team = next((t.name for t in loaded.scenario.teams if t.id == area["team"]), None) or "the team"
    cause = area["cause"]
    if cause == "never":
        trigger = area.get("trigger") or "its trigger"
        return (f"Write {m.id} ({m.name}) into {team}'s procedures with its trigger ({trigger}) and who decides "
                f"({m.decided_by}); exercise it.", "Planning", False)
    if cause == "late":
        return (f"Cut the time to decide {m.id}: it came {area['late_by']} after its {area['window']} window. "
                f"Pre-authorise it for this trigger, or delegate the decision within {team}.", "Organization", False)
    if cause == "precondition" and area.get("missing"):
        names = [loaded.findings[f].name for f in area["missing"]]
        makers = sorted({r for f in area["missing"] for r in _establishers(loaded, f)})
        how = f" (it is established by {', '.join(makers)})" if makers else ""
        return (f"Establish {' and '.join(names)} before {m.id} is needed{how}: agree who does it and how fast.",
                "Planning", False)
    if cause == "procedure":
        procedure = m.procedure.replace("_", " ")
        return (f"Prepare the {procedure} decision on {m.id} with {m.decided_by} before it is needed: a pre-agreed "
                f"draft, a standing contact list, and a rehearsal of the procedure.", "Organization", False)
    if cause == "not_permitted":
        return (f"{team} may not take {m.id}: agree which body does ({m.decided_by}) and how {team} asks it to.",
                "Planning", False)
    if m.requires:
        return f"Prepare what {m.id} requires before it is needed: {m.requires}.", "Organization", False
    return (f"Review why {m.id} could not go ahead and what it needs beforehand (no specific cause recorded).",
            "Planning", True)


def improvement_plan(objectives: list[dict[str, Any]], loaded: LoadedScenario,
                     played: dict[str, str] | None = None,
                     contacts: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Rows from the objectives' areas for improvement, one per (measure, cause, organisation). An action is
    never assigned to a body whose seat nobody played (``played``: who played each team): the row says so.
    ``contacts``: who played each team, by name, the point of contact until the hot wash names another."""
    teams = {t.id: t for t in loaded.scenario.teams}
    rows: dict[tuple, dict[str, Any]] = {}
    for o in objectives:
        for area in o["areas_for_improvement"]:
            measure = loaded.responses[area["response"]] if area["response"] else None
            team = teams.get(area["team"]) if area["team"] else None
            organisation = team.body if team else measure.decided_by if measure else "the exercise's planners"
            if team is not None and played is not None and not played.get(team.id, "x"):
                organisation = f"to assign at the hot wash ({team.name} was simulated: nobody played it)"
            key = (area["response"] or o["id"], area["cause"], organisation)
            row = rows.get(key)
            if row is None:
                action, element, generic = corrective_action(area, loaded)
                rows[key] = {"capability": o["capability"], "objective": o["id"], "issue": area["text"],
                             "corrective_action": action, "capability_element": element,
                             "organisation": organisation, "generic": generic, "cause": area["cause"],
                             "contact": (contacts or {}).get(team.id) if team else None,
                             "start": None, "completion": None}
            else:  # the same cause under another objective: one row, naming both
                if o["id"] not in row["objective"].split(", "):
                    row["objective"] += f", {o['id']}"
                if o["capability"] not in row["capability"].split("; "):
                    row["capability"] += f"; {o['capability']}"
    return list(rows.values())
