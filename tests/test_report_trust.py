"""No report contradicts itself: corrective actions and the gap analysis agree with the report's own results."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise.report.sections import report_of
from exercise.scenario import load_scenario
from exercise.scenario.playbook import load_playbook
from exercise.session.live import Session
from exercise.session.views import Kind, debrief

ROOT = Path(__file__).resolve().parents[1]
RUNS = [(name, book, seed) for name in ("election-week", "baltic-winter", "port-and-platforms")
        for book in ("passive", "proactive") for seed in range(1, 7)]


def played(name: str, book: str, seed: int):
    """A bundled scenario played to its end by one of its playbooks."""
    loaded = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    path = ROOT / "scenarios" / "playbooks" / f"{name}-{book}.yaml"
    session = Session(loaded, seed, load_playbook(path, loaded)[0], path)
    session.advance_to(session.world.end)
    return loaded, session


@pytest.mark.parametrize(("name", "book", "seed"), RUNS, ids=[f"{n}-{b}-{s}" for n, b, s in RUNS])
def test_no_corrective_action_contradicts_the_results(name: str, book: str, seed: int) -> None:
    loaded, session = played(name, book, seed)
    report = report_of(session)
    events = debrief(session).events
    taken = [e for e in events if e.kind == Kind.RESPONSE_TAKEN]
    refused = [e for e in events if e.kind == Kind.RESPONSE_REFUSED]
    delivered = {e.data["inject"]: e.t for e in events if e.kind == Kind.INJECT_DELIVERED and e.data["inject"]}
    injects = {i.id: i for i in loaded.scenario.injects}
    met = {o.id: o.simulator.met for o in report.objectives}

    for o in report.objectives:
        for area in o.areas_for_improvement:
            if area.cause == "outcome":  # not met: what the measures that move it did, from the log
                assert met[o.id] is False
                continue
            inject = area.reference.split(",")[0]
            after = [e for e in taken if e.data["response"] == area.response
                     and area.team in (None, e.data["team"]) and e.t >= delivered.get(inject, 0.0)]
            if area.cause == "never":
                assert not after, f"{area.text}: yet it was taken at {[e.t for e in after]}"
                tried = [e for e in refused if e.data["response"] == area.response and area.team in (None, e.data["team"])
                         and e.data["stage"] != "duplicate"]
                assert not tried, f"{area.text}: yet it was attempted and refused"
            elif area.cause == "late":
                assert after, f"{area.text}: yet it was never taken"
            else:  # refused: for a reason other than being under way already
                assert any(e.data["response"] == area.response and e.data["stage"] != "duplicate"
                           and e.data["stage"].replace(" ", "_") == area.cause for e in refused), area.text
    keys = [(p.issue.split(" ")[0], p.cause, p.organisation) for p in report.improvement_plan]
    assert len(keys) == len(set(keys)), "a cause appears twice in the improvement plan"
    for row in report.toolbox_gaps.measures:
        if row.too_slow:
            at_stake = {oid for i, at in delivered.items() if i in injects
                        for a in injects[i].expects if a.response == row.response for oid in injects[i].objectives}
            assert any(met[oid] is not True for oid in at_stake), f"{row.response} 'too slow' for met objectives"


@pytest.mark.parametrize(("name", "book", "seed"), RUNS, ids=[f"{n}-{b}-{s}" for n, b, s in RUNS])
def test_findings_follow_each_objectives_own_evidence(name: str, book: str, seed: int) -> None:
    from exercise.report.facts import facts
    from exercise.report.sections import own_measures

    loaded, session = played(name, book, seed)
    report = report_of(session)
    f = facts(session)
    summary = " ".join(report.executive_summary.findings)
    for o, spec in zip(report.objectives, loaded.scenario.objectives, strict=True):
        failed = o.rating in ("M", "U") if o.rating_source in ("facilitator", "evaluator") else o.simulator.met is False
        if not failed:
            continue
        # A failed objective always has a cause and a plan row.
        assert o.areas_for_improvement, f"{o.id} not met and no area for improvement"
        assert any(o.id in row.objective.split(", ") for row in report.improvement_plan), f"{o.id}: no plan row"
        # The summary's cause for it is one of its own measures whenever one of them is among its causes.
        own = set(own_measures(f, spec))
        statement = next((x for x in report.executive_summary.findings if x.startswith(f"{o.id} ")), None)
        if statement and any(a.response in own for a in o.areas_for_improvement):
            cause = statement.split("among the causes: ", 1)[-1]
            assert cause.split(" ")[0] in own or cause.startswith(o.id), (o.id, statement, own)
    assert summary  # something was said


def test_the_report_says_who_played_and_assigns_nothing_to_an_empty_seat(tmp_path: Path) -> None:
    from exercise.session.commands import By, TakeMeasure

    loaded = load_scenario(ROOT / "scenarios" / "election-week.yaml")
    session = Session(loaded, 3)
    session.start_journal(tmp_path / "j.jsonl")
    session.advance_to(60)
    session.submit(TakeMeasure(team="csirt", response="NAT-02", by=By(role="team", team="csirt", name="Ana")))
    session.submit(TakeMeasure(team="comms", response="FIMI-04"))  # the facilitator, for comms
    session.advance_to(session.world.end)
    report = report_of(session)
    by = {p.id: p.played_as for p in report.participants}
    assert by["csirt"] == "players (Ana)" and by["comms"] == "the facilitator"
    assert by["election"] == "simulated (nobody played it)"
    assert report.organisations.startswith("national CSIRT") and "(simulated, not played: " in report.organisations
    assert report.executive_summary.exercised.startswith(f"2 bodies ({len(loaded.scenario.teams) - 2} more simulated")
    bodies = {t.body for t in loaded.scenario.teams if t.id not in ("csirt", "comms")}
    assert not any(row.organisation in bodies for row in report.improvement_plan)
    assert any(row.organisation.startswith("to assign at the hot wash") for row in report.improvement_plan)
    session.close()
