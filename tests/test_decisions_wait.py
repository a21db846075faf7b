"""Decisions that wait, in hosted play: a real host on loopback, three team clients and the room.

With the default rule ('pause') a decision for a joined team stops the clock for everyone at the
instant it opens, is put on that team's screen at once, and the clock runs again once the team has
answered. With 'hold' the clock runs, the question and its deadline show at once, and the default
applies at the deadline and is told to the team.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_until_decision
from exercise.net.client import Remote
from exercise.net.host import Host
from exercise.net.seats import new_tokens, tickets
from exercise.scenario import load_scenario
from exercise.session.clock import SessionClock
from exercise.session.commands import Clock
from exercise.session.live import Session
from exercise.session.timeline import clock as clock_text
from exercise.session.views import Kind
from exercise.tui.screens.dialogs import Pick, TextEntry
from exercise.tui.team_app import TeamApp

ROOT = Path(__file__).resolve().parents[1]
ELECTION = load_scenario(ROOT / "scenarios" / "election-week.yaml")
OTHERS = ("csirt", "comms", "room")


async def hosted(tmp_path: Path) -> tuple[Session, SessionClock, Host, str, dict[str, str]]:
    session = Session(ELECTION, 5)
    session.start_journal(tmp_path / "j.jsonl")
    clock = SessionClock(session, speed=30)
    shown = new_tokens(ELECTION.scenario)
    host = Host(session, clock, tickets(shown))
    url = f"ws://127.0.0.1:{await host.start('127.0.0.1', 0)}"
    return session, clock, host, url, {seat.label: token for seat, token in shown.items()}


async def test_a_decision_for_a_joined_team_pauses_everyone_until_the_team_answers(tmp_path: Path) -> None:
    session, clock, host, url, tokens = await hosted(tmp_path)
    others = {seat: Remote(url, tokens[seat], f"{seat} screen") for seat in OTHERS}
    app = TeamApp(url, tokens["election"], "Eva")
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            for r in others.values():
                r.start()
            for r in others.values():
                await r.until(lambda s: s.ready)
            await app.remote.until(lambda s: s.ready)
            asked = run_until_decision(session, clock, "election")  # the console's ticks, 15 minutes each
            opened = next(e.t for e in session.world.events if e.kind == Kind.DECISION_OPENED
                          and e.data["inject"] == asked)
            # Stopped at the very instant it opened, for everyone: nothing moves past it.
            assert not clock.running and session.world.now == opened and clock.held_by == {asked}
            clock.tick(60.0)
            assert session.world.now == opened
            for r in others.values():
                await r.until(lambda s: s.now is not None and not s.now.clock.running)
            # The team's screen puts the question at once, with its deadline and the key.
            await app.remote.until(lambda s: bool(s.now and s.now.decisions))
            await pilot.pause()
            assert isinstance(app.screen, Pick)
            deadline = clock_text(session.world.open_decisions[asked].deadline)
            assert f"Answer by {deadline}" in str(app.screen.query_one(".title").render())
            assert "The clock waits for your answer." in str(app.screen.query_one(".prompt").render())
            status = str(app.query_one("#status").render())
            assert f"c: DECIDE by {deadline}" in status and "PAUSED" in status
            await pilot.press("enter")
            assert isinstance(app.screen, TextEntry)
            await pilot.press(*"safety first", "ctrl+s")
            await app.remote.until(lambda s: not s.now.decisions)
            # Answered from the team's screen: the clock runs again, for everyone.
            assert asked in session.world.decisions and clock.running and not clock.held_by
            for r in others.values():
                await r.until(lambda s: s.now.clock.running)
    finally:
        for r in others.values():
            await r.stop()
        await host.close()
        session.close()
    records = [r for r in session.records if r.kind in ("clock", "choice")]
    paused = next(i for i, r in enumerate(records) if isinstance(r, Clock) and r.action == "pause")
    answered = records[paused + 1]
    assert (answered.kind, answered.by.name, answered.note) == ("choice", "Eva", "safety first")
    assert answered.shown_at is not None  # the report can count how long the team deliberated
    assert isinstance(records[paused + 2], Clock) and records[paused + 2].action == "resume"


async def test_with_hold_the_clock_runs_the_deadline_shows_and_the_default_is_told(tmp_path: Path) -> None:
    session, clock, host, url, tokens = await hosted(tmp_path)
    session.decision_rule = "hold"
    app = TeamApp(url, tokens["election"], "Eva")
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await app.remote.until(lambda s: s.ready)
            asked = run_until_decision(session, clock, "election")
            deadline = session.world.open_decisions[asked].deadline
            assert clock.running and not clock.held_by  # hold: the clock does not stop
            await app.remote.until(lambda s: bool(s.now and s.now.decisions))
            await pilot.pause()
            assert isinstance(app.screen, Pick)  # put at once all the same
            assert f"Answer by {clock_text(deadline)}" in str(app.screen.query_one(".title").render())
            assert "The clock runs. At the deadline:" in str(app.screen.query_one(".prompt").render())
            await pilot.press("escape")  # not answered
            while session.world.now < deadline + 1:
                clock.tick(0.5)
            default = next(e for e in session.world.events if e.kind == Kind.DECISION_MADE
                           and e.data["inject"] == asked)
            assert default.data["by"] == "default"
            # Told to the team: its screen gets the notice, and the question is gone.
            await app.remote.until(lambda s: not s.now.decisions and any(
                e.kind == Kind.INJECT_DELIVERED and e.t == default.t and "the deadline passed" in e.data["title"]
                for e in s.events))
            await pilot.pause()
            assert "the deadline passed; the default applies" in str(app.query_one("#detail").render())
    finally:
        await host.close()
        session.close()


async def test_a_second_member_is_told_who_answered_and_their_dialog_closes(tmp_path: Path) -> None:
    session, clock, host, url, tokens = await hosted(tmp_path)
    eva = Remote(url, tokens["election"], "Eva")
    app = TeamApp(url, tokens["election"], "Ole")
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            eva.start()
            await eva.until(lambda s: s.ready)
            await app.remote.until(lambda s: s.ready)
            asked = run_until_decision(session, clock, "election")
            await app.remote.until(lambda s: bool(s.now and s.now.decisions))
            await pilot.pause()
            assert isinstance(app.screen, Pick)  # Ole is reading the question...
            point = session.world.injects[asked].decision
            taking = [o for o in point.options if o.responses]
            if taking:  # ...and sees what each option takes
                shown = str(app.screen.query_one("OptionList").get_option_at_index(
                    [o.id for o in point.options].index(taking[0].id)).prompt)
                assert f"(takes {', '.join(taking[0].responses)})" in shown
            option = point.options[-1]
            await eva.send({"kind": "choice", "inject": asked, "option": option.id, "note": "mine"})
            await app.remote.until(lambda s: not s.now.decisions)
            await pilot.pause()
            # ...when Eva answers: Ole's dialog closes, and he is told who answered what.
            assert not isinstance(app.screen, (Pick, TextEntry))
            said = [n.message for n in app._notifications]
            assert f"Decision at {asked} answered by election (Eva): {option.label}" in said
    finally:
        await eva.stop()
        await host.close()
        session.close()


def test_the_facilitators_rule_is_journaled_and_a_resume_keeps_it(tmp_path: Path) -> None:
    from exercise.session.live import resume

    session = Session(ELECTION, 5)
    session.start_journal(tmp_path / "j.jsonl")
    session.wait_for_decisions("hold")
    session.wait_for_decisions("hold")  # said again: one record
    session.close()
    again = resume(tmp_path / "j.jsonl")
    assert again.decision_rule == "hold"
    assert [r.kind for r in again.records].count("decisions") == 1
    again.wait_for_decisions(None)  # no --decisions on resume: the journal's rule stands
    assert again.decision_rule == "hold"
    again.wait_for_decisions("timed")
    again.close()
    assert resume(tmp_path / "j.jsonl").decision_rule == "timed"


async def test_an_overruled_second_answer_is_kept_for_the_debrief(tmp_path: Path) -> None:
    session, clock, host, url, tokens = await hosted(tmp_path)
    session.decision_rule = "hold"
    eva, ole = Remote(url, tokens["election"], "Eva"), Remote(url, tokens["election"], "Ole")
    for r in (eva, ole):
        r.start()
    try:
        for r in (eva, ole):
            await r.until(lambda s: s.ready)
        asked = run_until_decision(session, clock, "election")
        first, second = session.world.injects[asked].decision.options[:2]
        await eva.send({"kind": "choice", "inject": asked, "option": first.id})
        with pytest.raises(Exception, match="your team already answered"):
            await ole.send({"kind": "choice", "inject": asked, "option": second.id, "note": "I disagree"})
        from exercise.report.sections import report_of

        notes = [n for n in report_of(session).notes if "Overruled answer" in n.text]
        assert len(notes) == 1 and f"Ole chose '{second.label}' (I disagree)" in notes[0].text
        assert notes[0].by == "election log (Ole)"  # who wrote it, by the name they joined with
        # Eva's deliberation is counted from when the host put the question on her team's screens.
        [row] = [d for d in report_of(session).decisions if d.inject == asked]
        assert row.deliberation is not None and row.taken_by == "election (Eva)"
    finally:
        for r in (eva, ole):
            await r.stop()
        await host.close()
        session.close()
