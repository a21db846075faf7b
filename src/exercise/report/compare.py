"""Two sessions of one scenario side by side (report --compare), worked out once for every format."""

from __future__ import annotations

from exercise.report.model import ComparedObjective, ComparedResponse, Comparison, Report
from exercise.session.timeline import verdict


def comparison(report: Report, other: Report) -> Comparison:
    """``report`` beside ``other``: each objective's ratings and verdicts, each campaign's time to respond."""
    if other.overview.scenario_id != report.overview.scenario_id:
        raise ValueError("--compare needs a journal of the same scenario")
    o = other.overview
    label = ", ".join(x for x in (f"played {o.played_on_text}" if o.played_on_text else "", f"seed {o.seed}",
                                   f"playbook {o.playbook}" if o.playbook else "") if x)
    theirs = {x.id: x for x in other.objectives}
    objectives = [ComparedObjective(
        objective=mine.id, rating=mine.rating, other_rating=theirs[mine.id].rating if mine.id in theirs else None,
        met=verdict(mine.simulator.met), other_met=verdict(theirs[mine.id].simulator.met) if mine.id in theirs
        else "not in the second session", same=mine.id in theirs and
        (mine.rating, mine.simulator.met) == (theirs[mine.id].rating, theirs[mine.id].simulator.met))
        for mine in report.objectives]
    times = {c.name: c.time_to_respond_text for c in other.detection_to_response}
    campaigns = [ComparedResponse(campaign=c.name, time_to_respond=c.time_to_respond_text,
                                  other_time_to_respond=times.get(c.name),
                                  same=c.time_to_respond_text == times.get(c.name))
                 for c in report.detection_to_response]
    return Comparison(other=label, objectives=objectives, campaigns=campaigns)
