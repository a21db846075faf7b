"""Views per audience: what each screen may show, and the update that carries it to a screen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exercise.scenario import load_scenario
from exercise.scenario.playbook import load_playbook
from exercise.session.clock import SessionClock
from exercise.session.live import Session
from exercise.session.updates import Update, update
from exercise.session.views import (
    ASSESSMENT, EVALUATOR, FACILITATOR, GROUND_TRUTH, Kind, events_for, indicator_readings, team,
)

ROOT = Path(__file__).resolve().parents[1]
PLAYED = [
    (ROOT / "scenarios" / "election-week.yaml", ROOT / "scenarios" / "playbooks" / "election-week-proactive.yaml"),
    (ROOT / "scenarios" / "baltic-winter.yaml", ROOT / "scenarios" / "playbooks" / "baltic-winter-proactive.yaml"),
    (ROOT / "scenarios" / "port-and-platforms.yaml",
     ROOT / "scenarios" / "playbooks" / "port-and-platforms-proactive.yaml"),
    (ROOT / "tests" / "data" / "cascade.yaml", None),
]


def played(scenario: Path, playbook: Path | None) -> Session:
    loaded = load_scenario(scenario)
    book = load_playbook(playbook, loaded)[0] if playbook else None
    session = Session(loaded, 3, book, playbook)
    session.advance_to(session.world.end)
    return session


def view(session: Session, audience, after: int = -1) -> Update:
    """What a screen of ``audience`` holding the events up to seq ``after`` is sent."""
    return update(session, SessionClock(session), audience, after=after, generation=session.generation)


def _as_json(v: Update) -> str:
    return v.model_dump_json()


@pytest.mark.parametrize(("scenario", "playbook"), PLAYED, ids=[p[0].stem for p in PLAYED])
def test_a_team_view_never_holds_what_the_team_was_not_given(scenario: Path, playbook: Path | None) -> None:
    session = played(scenario, playbook)
    world, s = session.world, session.loaded.scenario
    stages = {e.data["stage"] for e in world.events if e.kind == Kind.STAGE_STARTED}
    assert stages  # there is ground truth to keep from the teams
    notes = [i.facilitator_notes for i in s.injects if i.facilitator_notes]
    for t in s.teams:
        mine = view(session, team(t.id))
        told = {e.seq for e in world.events if e.kind == Kind.INJECT_DELIVERED
                and ("all" in e.data["to"] or t.id in e.data["to"])}
        hidden = {i.id for i in s.indicators if i.visible_to and t.id not in i.visible_to}
        for e in mine.events:
            assert e.kind not in GROUND_TRUTH | ASSESSMENT, e
            if e.kind == Kind.INJECT_DELIVERED:
                assert e.seq in told, e
                assert not {"stage", "outcome", "cause"} & set(e.data), e
            assert e.data.get("team", t.id) == t.id, e
            assert e.data.get("indicator") not in hidden, e
            assert "seed" not in e.data and "sha256" not in e.data
        assert {e.seq for e in mine.events if e.kind == Kind.INJECT_DELIVERED} == told
        assert hidden.isdisjoint(r.id for r in mine.indicators)
        assert all(m.team == t.id for m in mine.measures) and all(d.team == t.id for d in mine.decisions)
        assert mine.expectations == []
        text = _as_json(mine)
        leaked = [ref for ref in stages if f'"{ref}"' in text]
        assert leaked == [], f"{t.id} sees stage refs {leaked}"
        assert not [n for n in notes if n in text], f"{t.id} sees facilitator notes"
        titles_elsewhere = {e.data["title"] for e in world.events
                            if e.kind == Kind.INJECT_DELIVERED and e.seq not in told}
        titles_here = {e.data["title"] for e in world.events if e.seq in told}
        assert not [x for x in titles_elsewhere - titles_here if json.dumps(x) in text]
    # The facilitator sees it all; an evaluator all but the adversary's hidden moves.
    assert events_for(session, FACILITATOR) == world.events
    evaluator = events_for(session, EVALUATOR)
    assert not GROUND_TRUTH & {e.kind for e in evaluator}
    assert ASSESSMENT & {e.kind for e in evaluator}


def test_a_view_after_seq_n_holds_only_what_is_new() -> None:
    loaded = load_scenario(ROOT / "scenarios" / "election-week.yaml")
    session = Session(loaded, 3)
    audience = team("comms")
    seen, last = [], -1
    for t in (0, 300, 900, 2000, session.world.end):
        session.advance_to(t)
        fresh = view(session, audience, after=last)
        assert all(e.seq > last for e in fresh.events)
        seen += fresh.events
        last = fresh.seq
    assert seen == view(session, audience).events and last == session.world.events[-1].seq
    assert all(not v.reset for v in [view(session, audience, after=last)])
    assert update(session, SessionClock(session), audience, after=last, generation=-1).reset  # a new reader


def test_an_empty_visible_to_means_every_team(tmp_path: Path) -> None:
    text = (ROOT / "tests" / "data" / "cascade.yaml").read_text(encoding="utf-8")
    assert "visible_to: [tso]" in text
    (tmp_path / "open.yaml").write_text(text.replace("visible_to: [tso]", "visible_to: []"), encoding="utf-8")
    loaded = load_scenario(tmp_path / "open.yaml")
    session = Session(loaded, 1)
    session.advance_to(60)
    assert all("grid" in {r.id for r in view(session, team(t.id)).indicators} for t in loaded.scenario.teams)


def test_a_team_sees_only_its_indicators() -> None:
    """The first per-audience view: indicator readings follow ``visible_to``."""
    loaded = load_scenario(Path(__file__).parent / "data" / "cascade.yaml")
    session = Session(loaded, 1)
    session.advance_to(600)
    everyone = {r.id for r in indicator_readings(session)}
    assert everyone == {i.id for i in loaded.scenario.indicators}
    for t in loaded.scenario.teams:
        seen = {r.id for r in indicator_readings(session, team(t.id))}
        assert seen == {i.id for i in loaded.scenario.indicators if not i.visible_to or t.id in i.visible_to}
    assert any(i.visible_to for i in loaded.scenario.indicators)  # the check above has something to hide
