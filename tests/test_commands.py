"""The one door into a session: typed commands, who may give them, and the facilitator's adjustments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from exercise.engine import log_to_jsonl
from exercise.scenario import load_scenario
from exercise.session.commands import (
    COMMANDS, AnswerDecision, By, Defer, Deliver, EndMeasure, MarkMet, Note, PlaybookDecision, Rating,
    RefusedError, TakeMeasure, Undo, parse_command,
)
from exercise.session.journal import read_journal
from exercise.session.live import EngineError, Session, replay
from exercise.session.views import Kind

ROOT = Path(__file__).resolve().parents[1]
ELECTION = load_scenario(ROOT / "scenarios" / "election-week.yaml")
CSIRT = By(role="team", team="csirt")
H = 60.0


def session_at(tmp_path: Path, t: float = 0.0, journal: str = "j.jsonl") -> Session:
    session = Session(ELECTION, 5)
    session.start_journal(tmp_path / journal)
    session.advance_to(t)
    return session


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- who may do what -------------------------------------------------------------------


def test_a_team_acts_for_itself_only_and_a_refusal_leaves_nothing_behind(tmp_path: Path) -> None:
    session = session_at(tmp_path, 2 * H)
    session.submit(TakeMeasure(team="csirt", response="NAT-02", by=CSIRT))
    refused = [
        (TakeMeasure(team="comms", response="FIMI-01", by=CSIRT), "team csirt may not take FIMI-01 for team comms"),
        (Deliver(inject="INJ-05", by=CSIRT), "a team may not deliver INJ-05"),
        (Rating(objective="OBJ-1", rating="P", by=CSIRT), "a team may not rate OBJ-1"),
        (TakeMeasure(team="csirt", response="NAT-02", by=By(role="evaluator")), "an evaluator may not"),
        (Note(text="x", by=By(role="team", team="nobody")), "unknown team"),
        # An observer names no team but the scenario's (issue 36, H1: it reached the undo dialog as markup).
        (Note(text="x", team="[@click=app.screenshot('victim.txt','/tmp')]comms[/]", by=By(role="evaluator")),
         "unknown team"),
        (Note(text="x", team="[/]"), "unknown team"),
        (PlaybookDecision(team="csirt", response="NAT-02"), "only the playbook takes playbook decisions"),
    ]
    before = (tmp_path / "j.jsonl").read_bytes(), len(session.world.events)
    for command, message in refused:
        with pytest.raises(RefusedError, match=message):
            session.submit(command)
    assert ((tmp_path / "j.jsonl").read_bytes(), len(session.world.events)) == before
    session.submit(Note(text="seen from the evaluators' table", by=By(role="evaluator")))
    session.close()
    written = lines(tmp_path / "j.jsonl")
    assert written[0]["format"] == 2
    assert written[1]["by"] == {"role": "team", "team": "csirt"} and written[1]["kind"] == "decision"
    assert written[-1]["by"] == {"role": "evaluator"}
    assert session.notes[-1].author() == "evaluator observation"


def test_a_team_answers_only_its_own_decisions(tmp_path: Path) -> None:
    session = session_at(tmp_path)
    session.advance_to(session.world.end, stop=lambda: bool(session.world.open_decisions))
    inject, decision = next(iter(session.world.open_decisions.items()))
    other = next(t.id for t in ELECTION.scenario.teams if t.id != decision.team)
    option = ELECTION.scenario.injects[[i.id for i in ELECTION.scenario.injects].index(inject)].decision.options[0].id
    # One neutral refusal: it does not say whose decision it is (issue 36, M2).
    with pytest.raises(RefusedError, match=f"no decision of your team is open at {inject}$"):
        session.submit(AnswerDecision(inject=inject, option=option, by=By(role="team", team=other)))
    session.submit(Defer(inject=inject, by=By(role="team", team=decision.team), note="need legal advice"))
    assert inject in session.world.open_decisions  # deferring changes nothing but the record
    session.submit(AnswerDecision(inject=inject, option=option, by=By(role="team", team=decision.team)))
    with pytest.raises(EngineError, match="no open decision"):
        session.submit(Defer(inject=inject))
    session.close()
    assert [r.kind for r in read_journal(tmp_path / "j.jsonl").records][-2:] == ["defer", "choice"]


def test_commands_are_strict_and_their_json_is_their_record() -> None:
    with pytest.raises(ValidationError):
        TakeMeasure(team="csirt", response="NAT-02", colour="red")
    with pytest.raises(ValidationError):
        Undo(undoes=0, reason="")  # an undo says why
    with pytest.raises(ValidationError):
        EndMeasure(team="csirt", response="NAT-02", reason="")
    command = TakeMeasure(team="csirt", response="NAT-02", by=CSIRT, t=5.0, at="2026-01-01T00:00:00+00:00")
    assert parse_command(json.loads(json.dumps(command.record()))) == command
    assert set(COMMANDS) >= {"decision", "choice", "defer", "deliver", "inject", "note", "read", "clock", "rating",
                             "end", "playbook_decision", "end_measure", "mark_met", "undo"}


def test_a_format_1_record_reads_as_the_facilitators() -> None:
    at = "2026-01-01T00:00:00+00:00"
    old = {"kind": "decision", "t": 1.0, "at": at, "team": "csirt", "response": "NAT-02", "note": ""}
    assert parse_command(old).by == By(role="facilitator")
    old_playbook = {"kind": "playbook_decision", "t": 1.0, "at": at, "team": "csirt", "response": "NAT-02"}
    assert parse_command(old_playbook).by == By(role="playbook")


# --- the facilitator's adjustments -------------------------------------------------------


def test_ending_a_measure_early_stops_it_and_replays(tmp_path: Path) -> None:
    session = session_at(tmp_path, H)
    session.submit(TakeMeasure(team="csirt", response="NAT-02"))
    live = session.world.live[-1]
    session.advance_to(live.effective_at + H)
    assert live.status == "active"
    with pytest.raises(EngineError, match="FIMI-01 is not under way for team 'comms'"):
        session.submit(EndMeasure(team="comms", response="FIMI-01", reason="never taken"))
    session.submit(EndMeasure(team="csirt", response="NAT-02", reason="the ministry withdrew it"))
    ended = session.world.events[-1] if session.world.events[-1].kind == Kind.RESPONSE_ENDED else next(
        e for e in reversed(session.world.events) if e.kind == Kind.RESPONSE_ENDED)
    assert (ended.t, ended.data["early"], ended.data["reason"]) == (session.world.now, True,
                                                                    "the ministry withdrew it")
    assert live.status == "ended"
    session.advance_to(session.world.end)
    session.close()
    rebuilt, _ = replay(tmp_path / "j.jsonl")
    rebuilt.advance_to(rebuilt.world.end)
    assert log_to_jsonl(rebuilt.world.events) == log_to_jsonl(session.world.events)


def test_a_pending_measure_ended_early_never_lands(tmp_path: Path) -> None:
    session = session_at(tmp_path, H)
    session.submit(TakeMeasure(team="csirt", response="NAT-02"))
    live = session.world.live[-1]
    session.submit(EndMeasure(team="csirt", response="NAT-02", reason="overtaken by events"))
    session.advance_to(live.effective_at + H)
    mine = [e for e in session.world.events if e.data.get("response") == "NAT-02" and e.data.get("team") == "csirt"]
    assert [e.kind for e in mine] == [Kind.RESPONSE_TAKEN, Kind.RESPONSE_ENDED]
    assert mine[-1].data["before_effect"] is True
    session.submit(TakeMeasure(team="csirt", response="NAT-02"))  # no longer under way: may be taken again
    session.close()


def test_marking_an_expected_action_met(tmp_path: Path) -> None:
    session = session_at(tmp_path)
    session.advance_to(6 * H)  # INJ-02 expects DSA-03 from factcheck within 12 h
    assert "INJ-02" in session.world.delivered
    with pytest.raises(EngineError, match="no open expectation of FIMI-01 after INJ-02"):
        session.submit(MarkMet(inject="INJ-02", response="FIMI-01", reason="x"))
    session.submit(MarkMet(inject="INJ-02", response="DSA-03", reason="they phoned the platforms directly"))
    met = session.world.events[-1]
    assert met.kind == Kind.EXPECTATION_MET and met.data["by"] == "facilitator"
    session.advance_to(20 * H)
    assert not [e for e in session.world.events
                if e.kind == Kind.EXPECTATION_MISSED and e.data["inject"] == "INJ-02"]
    session.close()


def test_undo_takes_back_the_last_action_as_if_it_never_happened(tmp_path: Path) -> None:
    session = session_at(tmp_path, 2 * H)
    untouched = session_at(tmp_path, 2 * H, journal="k.jsonl")
    session.submit(TakeMeasure(team="csirt", response="NAT-02"))
    session.submit(Note(text="a note stays"))
    session.advance_to(5 * H)
    untouched.advance_to(5 * H)
    with pytest.raises(EngineError, match="only the last action standing"):
        session.submit(Undo(undoes=0, reason="wrong team"))
    session.submit(Undo(undoes=1, reason="typed by mistake"))  # the note
    assert session.notes == []
    session.submit(Undo(undoes=0, reason="wrong team"))  # then the measure
    assert log_to_jsonl(session.world.events) == log_to_jsonl(untouched.world.events)
    with pytest.raises(EngineError, match="there is nothing to undo"):
        session.submit(Undo(undoes=0, reason="again"))
    session.advance_to(session.world.end)
    session.close()
    rebuilt, _ = replay(tmp_path / "j.jsonl")
    rebuilt.advance_to(rebuilt.world.end)
    assert log_to_jsonl(rebuilt.world.events) == log_to_jsonl(session.world.events)
    assert [(r.kind, getattr(r, "reason", None)) for r in rebuilt.records if r.kind == "undo"] == [
        ("undo", "typed by mistake"), ("undo", "wrong team")]
    untouched.close()


# --- replay is "submit each record", for any mix of commands -------------------------------

TEAMS = {t.id: list(t.responses) for t in ELECTION.scenario.teams}
Step = st.one_of(
    st.tuples(st.just("wait"), st.floats(0, 12 * H)),
    st.tuples(st.just("take"), st.sampled_from(sorted(TEAMS)), st.integers(0, 20)),
    st.tuples(st.just("end"), st.integers(0, 50)),
    st.tuples(st.just("met"), st.integers(0, 50)),
    st.tuples(st.just("answer"), st.integers(0, 5)),
    st.tuples(st.just("undo")),
    st.tuples(st.just("note")),
    st.tuples(st.just("refused")),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(Step, max_size=14), with_playbook=st.booleans())
def test_replaying_any_session_gives_its_log(tmp_path: Path, steps: list[tuple], with_playbook: bool) -> None:
    from exercise.scenario.playbook import load_playbook

    path = tmp_path / "prop.jsonl"
    path.unlink(missing_ok=True)
    book = None
    if with_playbook:  # one that acts the moment T+0 runs, and the proactive one's later moves
        book = tmp_path / "book.yaml"
        rules = (ROOT / "scenarios" / "playbooks" / "election-week-proactive.yaml").read_text(encoding="utf-8")
        book.write_text(rules.replace("delay: 1h\n    note: Harden", "delay: 0m\n    note: Harden"), encoding="utf-8")
    session = Session(ELECTION, 11, load_playbook(book, ELECTION)[0] if book else None, book)
    session.start_journal(path)
    world = lambda: session.world  # noqa: E731 - an undo replaces the world
    for step in steps:
        try:
            if step[0] == "wait":
                session.advance_to(world().now + step[1])
            elif step[0] == "take":
                team = step[1]
                session.submit(TakeMeasure(team=team, response=TEAMS[team][step[2] % len(TEAMS[team])]))
            elif step[0] == "end":
                running = [lv for lv in world().live if lv.status in ("pending", "active")]
                if running:
                    lv = running[step[1] % len(running)]
                    session.submit(EndMeasure(team=lv.team, response=lv.response, reason="test"))
            elif step[0] == "met":
                open_ = [(x.inject, x.action.response) for xs in world()._awaited.values() for x in xs]
                if open_:
                    inject, response = open_[step[1] % len(open_)]
                    session.submit(MarkMet(inject=inject, response=response, reason="test"))
            elif step[0] == "answer":
                for inject in list(world().open_decisions):
                    options = world().injects[inject].decision.options
                    session.submit(AnswerDecision(inject=inject, option=options[step[1] % len(options)].id))
            elif step[0] == "refused":
                session.submit(TakeMeasure(team="csirt", response="FIMI-01"))  # not csirt's: always refused
            elif step[0] == "undo":
                last = session.last_undoable()
                if last is not None:
                    session.submit(Undo(undoes=last, reason="test"))
            else:
                session.submit(Note(text="n"))
        except EngineError:
            pass  # refused: nothing journaled, nothing changed
    session.advance_to(world().now)  # what is due at this instant, as replay runs it
    session.close()
    rebuilt, _ = replay(path)
    rebuilt.advance_to(session.world.now)
    assert log_to_jsonl(rebuilt.world.events) == log_to_jsonl(session.world.events)
    # "at" is the wall clock: a playbook's move re-made in replay is stamped when it is re-made.
    assert [r.record() | {"at": ""} for r in rebuilt.records] == [r.record() | {"at": ""} for r in session.records]


def test_a_refused_command_at_t0_leaves_where_t0_opened(tmp_path: Path) -> None:
    """A playbook that acts at T+0 journals its move when T+0 runs; a refused command that ran
    T+0 must leave that point in the journal, or replay would put the move elsewhere."""
    from exercise.scenario.playbook import load_playbook

    book = tmp_path / "now.yaml"
    book.write_text("id: now\ntitle: At once\nscenario: election-week\nrules:\n"
                    "  - when: {after: 0m}\n    team: csirt\n    take: NAT-02\n    delay: 0m\n"
                    "    note: at once\n", encoding="utf-8")
    session = Session(ELECTION, 4, load_playbook(book, ELECTION)[0], book)
    session.start_journal(tmp_path / "j.jsonl")
    with pytest.raises(EngineError):
        session.submit(TakeMeasure(team="csirt", response="FIMI-01"))
    session.submit(Note(text="after the refusal"))
    session.submit(Undo(undoes=len(session.records) - 1, reason="positions must hold"))
    session.advance_to(600)
    session.close()
    assert [r.kind for r in session.records][:4] == ["playbook_decision", "clock", "note", "undo"]
    warnings: list[str] = []
    rebuilt, _ = replay(tmp_path / "j.jsonl", warn=warnings.append)
    rebuilt.advance_to(600)
    assert warnings == []
    assert [r.record() | {"at": ""} for r in rebuilt.records] == [r.record() | {"at": ""} for r in session.records]
    assert log_to_jsonl(rebuilt.world.events) == log_to_jsonl(session.world.events)
