"""Play-control signals on team screens: the real state of the clock, the in-world time, who an inject
is from, and what exercise control did (a time jump, a measure ended early, an action taken back)."""

from __future__ import annotations

from pathlib import Path

from conftest import console_hosting, start_host

from exercise.net.client import Remote
from exercise.net.hosting import Hosting, seating
from exercise.scenario import load_scenario
from exercise.session.commands import EndMeasure, TakeMeasure, Undo
from exercise.session.live import Session
from exercise.tui.app import ExerciseApp
from exercise.tui.messages import Tick
from exercise.tui.team_app import TeamApp

ROOT = Path(__file__).resolve().parents[1]
ELECTION = load_scenario(ROOT / "scenarios" / "election-week.yaml")


async def test_a_dialog_on_the_facilitators_console_reads_paused_on_every_screen(tmp_path: Path) -> None:
    session = Session(ELECTION, 5)
    session.start_journal(tmp_path / "j.jsonl")
    seats = seating(session)
    app = ExerciseApp(session, timer=False, briefing=False, hosting=Hosting("127.0.0.1", 0, None, seats))
    async with app.run_test(size=(120, 40)) as pilot:
        await console_hosting(app, pilot)
        token = next(t for s, t in seats.shown.items() if s.label == "comms")
        comms = Remote(app.hosting.url, token, "Cleo")
        comms.start()
        try:
            await comms.until(lambda s: s.ready)
            app.set_running(True)
            app.post_message(Tick())
            await comms.until(lambda s: s.now.clock.running)
            await pilot.press("o")  # a note: the facilitator types, the clock stands still
            app.post_message(Tick())
            await comms.until(lambda s: not s.now.clock.running)
            await pilot.press("escape")
            app.post_message(Tick())
            await comms.until(lambda s: s.now.clock.running)
        finally:
            await comms.stop()
    session.close()


async def test_the_team_console_tells_the_time_the_sender_and_what_control_did(tmp_path: Path) -> None:
    session = Session(ELECTION, 5)
    session.start_journal(tmp_path / "j.jsonl")
    host, url, tokens = await start_host(session)
    app = TeamApp(url, tokens["comms"], "Cleo")
    said: list[str] = []
    app.notify = lambda message, **kw: said.append(message)  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            session.advance_to(30.0)
            await app.remote.until(lambda s: s.ready and s.now.clock.now == 30.0)
            await pilot.pause()
            status = str(app.query_one("#status").render())
            assert "EXERCISE" in status and "Thu 13 May 08:30" in status and "T+00:30" in status
            detail = str(app.query_one("#detail").render())
            assert "from National Crisis Centre (briefing)" in detail

            session.submit(TakeMeasure(team="comms", response="FIMI-04", note="debunk"))
            session.advance_to(10 * 60.0)  # exercise control jumps ahead
            await app.remote.until(lambda s: s.now.clock.now == 600.0)
            await pilot.pause()
            assert any(m.startswith("Time jump to Thu 13 May 18:00") for m in said), said

            session.submit(EndMeasure(team="comms", response="FIMI-04", reason="overtaken by events"))
            await app.remote.until(lambda s: not s.now.measures)
            await pilot.pause()
            assert "FIMI-04 was ended by exercise control: overtaken by events" in said

            session.submit(Undo(undoes=session.last_undoable(), reason="ended by mistake"))
            await app.remote.until(lambda s: s.generation == 1 and bool(s.now.measures))
            await pilot.pause()
            assert any("took an action back" in m for m in said), said
    finally:
        await host.close()
        session.close()


async def test_the_evaluator_seat_follows_the_expected_actions_and_rates_the_objectives(tmp_path: Path) -> None:
    from textual.widgets import DataTable

    from exercise.session.commands import AnswerDecision
    from exercise.tui.screens.dialogs import Info, Pick, TextEntry

    session = Session(ELECTION, 5)
    session.start_journal(tmp_path / "j.jsonl")
    host, url, tokens = await start_host(session)
    app = TeamApp(url, tokens["observer"], "Evi")
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await app.remote.until(lambda s: s.ready)
            await pilot.pause()
            await pilot.press("escape")  # the briefing: every objective, for the evaluator too
            session.submit(TakeMeasure(team="csirt", response="NAT-02", note="harden"))
            session.advance_to(session.world.end, stop=lambda: bool(session.world.open_decisions))
            asked = next(iter(session.world.open_decisions.values()))
            point = next(i for i in ELECTION.scenario.injects if i.id == asked.inject).decision
            session.submit(AnswerDecision(inject=asked.inject, option=point.options[0].id, note="safety first"))
            last = session.world.events[-1].seq
            await app.remote.until(lambda s: s.seq == last)
            await pilot.pause()
            expected = app.query_one("#indicators", DataTable)
            measures = app.query_one("#measures", DataTable)
            assert expected.border_title == "Tasks (t marks) and expected actions" and expected.row_count > 0
            assert measures.border_title == "Measures, every team"
            assert any(measures.get_row_at(i)[0] == "csirt" for i in range(measures.row_count))
            await pilot.press("d")
            assert isinstance(app.screen, Info)
            assert f"at {asked.inject}: {point.options[0].id}" in app.screen.text
            await pilot.press("escape", "v")
            assert isinstance(app.screen, Pick)
            await pilot.press("enter")  # OBJ-1
            assert isinstance(app.screen, Pick)
            await pilot.press("down", "enter")  # S
            assert isinstance(app.screen, TextEntry)
            await pilot.press(*"RAS alert late", "ctrl+s")
            await app.remote.until(lambda s: s.seq >= 0)
            for _ in range(50):
                await pilot.pause(0.02)
                if "OBJ-1" in session.ratings:
                    break
            rating = session.ratings["OBJ-1"]
            assert (rating.rating, rating.comment, rating.by.role, rating.by.name) == ("S", "RAS alert late",
                                                                                       "evaluator", "Evi")
    finally:
        await host.close()
        session.close()


async def test_q_on_a_team_console_asks_before_leaving(tmp_path: Path) -> None:
    from exercise.tui.screens.dialogs import Confirm
    from exercise.tui.team_app import TeamApp

    session = Session(ELECTION, 5)
    session.start_journal(tmp_path / "j.jsonl")
    host, url, tokens = await start_host(session)
    app = TeamApp(url, tokens["comms"], "Anna")
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await app.remote.until(lambda s: s.ready)
            await pilot.press("escape", "q")  # the briefing, then a stray q
            assert isinstance(app.screen, Confirm) and app.is_running
            await pilot.press("escape")
            assert app.is_running
            await pilot.press("q", "y")
            await pilot.pause()
        assert app.return_code in (None, 0)
    finally:
        await host.close()
        session.close()
