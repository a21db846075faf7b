"""Messages between the tables, requests for information, and a white cell that answers as the bodies not at the
table; with evaluators and feedback, the whole evaluation loop of a hosted exercise end to end (issue 40)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exercise.engine import EngineError
from exercise.scenario import load_scenario
from exercise.session import views
from exercise.session.commands import By, Message
from exercise.session.live import Session

ROOT = Path(__file__).resolve().parents[1]
ELECTION = ROOT / "scenarios" / "election-week.yaml"
H = 60.0


def team(name: str) -> By:
    return By(role="team", team=name, name=name.title())


WHITE = By(role="whitecell", name="Wanda")


def test_a_message_names_real_recipients_and_only_the_white_cell_speaks_as_a_body() -> None:
    session = Session(load_scenario(ELECTION), 1)
    try:
        session.advance_to(H)
        with pytest.raises(EngineError, match="no team or desk 'platform'"):
            session.submit(Message(to=["platform"], subject="s", text="t", by=team("dsc")))
        with pytest.raises(EngineError, match="does not message itself"):
            session.submit(Message(to=["dsc"], subject="s", text="t", by=team("dsc")))
        with pytest.raises(EngineError, match="a team writes as itself"):
            session.submit(Message(to=["comms"], subject="s", text="t", as_body="murmur", by=team("dsc")))
        with pytest.raises(EngineError, match="no simulated body 'tiktak'"):
            session.submit(Message(to=["dsc"], subject="s", text="t", as_body="tiktak", by=WHITE))
        with pytest.raises(EngineError, match="is not a message"):
            session.submit(Message(to=["dsc"], subject="s", text="t", answers=0, by=WHITE))
        session.submit(Message(to=["whitecell"], subject="Takedown?", text="Will Murmur act?", by=team("dsc")))
        asked = views.open_requests(session)
        assert [(r.sender, r.subject) for r in asked] == [("dsc", "Takedown?")]
        session.submit(Message(to=["dsc"], subject="Re: Takedown?", text="Within 24 h", as_body="murmur",
                               answers=asked[0].seq, by=WHITE))
        assert views.open_requests(session) == []
        seen = [e for e in views.events_for(session, views.team("dsc")) if e.data.get("message_from") == "murmur"]
        assert seen and seen[0].data["sender"] == "Murmur trust and safety team" and seen[0].data["channel"] == "email"
        assert not [e for e in views.events_for(session, views.team("csirt")) if e.data.get("message_from")]
    finally:
        session.close()


async def test_three_teams_two_evaluators_and_a_white_cell_play_the_evaluation_loop(tmp_path: Path) -> None:
    """Evaluators mark and rate; dsc asks the white cell, which answers as the platform; comms and csirt message
    each other; at ENDEX the teams send feedback; the report shows all of it."""
    from conftest import start_host

    from exercise.net.client import Remote
    from exercise.report.render import render
    from exercise.report.sections import report_of
    from exercise.session.commands import Deliver, End, Feedback, Observe, Rating, TakeMeasure

    session = Session(load_scenario(ELECTION), 3)
    session.start_journal(tmp_path / "j.jsonl")
    host, url, tokens = await start_host(session)
    seen: dict[str, list[str]] = {}
    names = {"comms": "Cleo", "dsc": "Dara", "csirt": "Ivo", "eval-info": "Olga", "eval-coord": "Ben",
             "whitecell": "Wanda"}
    clients = {seat: Remote(url, tokens[seat], name=who, tap=seen.setdefault(seat, []).append)
               for seat, who in names.items()}
    for c in clients.values():
        c.start()
    try:
        for c in clients.values():
            await c.until(lambda s: s.ready and s.now is not None)
        session.advance_to(H)
        session.submit(Deliver(inject="INJ-05"))
        await clients["comms"].send(TakeMeasure(team="comms", response="FIMI-04", note="debunk now"))
        # dsc asks the white cell what the platform will do; the white cell answers as Murmur.
        await clients["dsc"].send(Message(to=["whitecell"], subject="Murmur takedown?",
                                          text="Will Murmur label or remove the audio?"))
        await clients["whitecell"].until(lambda s: bool(s.now and s.now.requests))
        asked = clients["whitecell"].state.now.requests[0]
        assert asked.sender == "dsc" and asked.subject == "Murmur takedown?"
        await clients["whitecell"].send(Message(to=["dsc"], subject="Re: Murmur takedown?",
                                                text="Labelled within the hour; removal needs a notice.",
                                                as_body="murmur", answers=asked.seq))
        await clients["dsc"].until(lambda s: any(e.data.get("message_from") == "murmur" for e in s.injects()))
        # comms and csirt exchange messages.
        await clients["comms"].send(Message(to=["csirt"], subject="Origin of the clip?", text="Any technical trace?"))
        await clients["csirt"].until(lambda s: any(e.data.get("message_from") == "comms" for e in s.injects()))
        await clients["csirt"].send(Message(to=["comms"], subject="Re: origin", text="Uploaded from a VPS abroad."))
        await clients["comms"].until(lambda s: any(e.data.get("message_from") == "csirt" for e in s.injects()))
        # The evaluators mark their teams' tasks and rate.
        session.advance_to(3 * H)
        await clients["eval-info"].send(Observe(objective="OBJ-3", task="T1", team="comms", observed=True,
                                                seen=H, note="Debunk out within the hour"))
        await clients["eval-info"].send(Rating(objective="OBJ-3", rating="S", comment="Fast, but alone"))
        await clients["eval-coord"].send(Observe(objective="OBJ-4", task="T2", team="csirt", observed=False,
                                                 note="No briefing to the MFA seen"))
        await clients["eval-coord"].send(Rating(objective="OBJ-4", rating="M", comment="No EU step"))
        # ENDEX: each team sends its feedback.
        session.advance_to(session.world.end)
        session.submit(End())
        for seat, score in (("comms", 5), ("dsc", 4), ("csirt", 3)):
            await clients[seat].send(Feedback(scores={"realistic": score}, strengths=f"{seat}: the white cell"))
    finally:
        for c in clients.values():
            await c.stop()
        await host.close()
    report = report_of(session)
    session.close()
    # The csirt never received the dsc's question to the white cell, nor the platform's answer.
    assert "Murmur takedown?" not in "".join(seen["csirt"]) and "Murmur takedown?" in "".join(seen["whitecell"])
    obj3 = next(o for o in report.objectives if o.id == "OBJ-3")
    t1 = next(k for k in obj3.tasks if k.task == "T1")
    assert (t1.evaluator, t1.by) == ("observed at T+01:00", "evaluator (Olga)")
    assert t1.simulator == "FIMI-04 taken at T+01:00"
    obj4 = next(o for o in report.objectives if o.id == "OBJ-4")
    assert [(g.by, g.rating) for g in obj4.ratings] == [("evaluator (Ben)", "M")]
    assert report.feedback is not None and report.feedback.forms == 3
    assert report.feedback.statements[0].counts == [0, 0, 1, 1, 1]
    timeline = [row.text for row in report.timeline]
    assert any(t.startswith("message from dsc to whitecell: Murmur takedown?") for t in timeline), timeline
    assert any(t.startswith("answer from murmur to dsc: Re: Murmur takedown?") for t in timeline)
    assert any(t.startswith("message from comms to csirt: Origin of the clip?") for t in timeline)
    markdown = render(report, "md")
    assert "Appendix C: Participant feedback" in markdown and "Debunk out within the hour" in markdown
    journal = [json.loads(x) for x in (tmp_path / "j.jsonl").read_text(encoding="utf-8").splitlines()[1:]]
    answer = next(x for x in journal if x["kind"] == "message" and x.get("as_body") == "murmur")
    assert answer["by"] == {"role": "whitecell", "name": "Wanda"}


async def test_the_white_cell_console_answers_a_request_at_80x24(tmp_path: Path) -> None:
    from conftest import start_host

    from exercise.tui.screens.dialogs import Pick, TextEntry
    from exercise.tui.team_app import TeamApp

    session = Session(load_scenario(ELECTION), 3)
    session.start_journal(tmp_path / "j.jsonl")
    session.advance_to(H)
    session.submit(Message(to=["whitecell"], subject="Takedown?", text="Will Murmur act?", by=team("dsc")))
    host, url, tokens = await start_host(session)
    app = TeamApp(url, tokens["whitecell"], "Wanda")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await app.remote.until(lambda s: s.ready and s.now is not None and bool(s.now.requests))
            await pilot.pause()
            table = app.query_one("#indicators")
            assert table.border_title == "Open requests (a answers)" and table.row_count == 1
            await pilot.press("a")
            assert isinstance(app.screen, Pick)
            await pilot.press("enter")  # the request
            await pilot.press("enter")  # as the first body: Murmur
            assert isinstance(app.screen, TextEntry)
            await pilot.press(*"Labelled within the hour", "ctrl+s")
            assert isinstance(app.screen, Pick)
            await pilot.press("down", "enter")  # and to every team as an inject from Murmur
            await app.remote.until(lambda s: s.now is not None and not s.now.requests)
            for _ in range(50):
                await pilot.pause(0.02)
                if any(getattr(c, "kind", "") == "inject" for c in session.records):
                    break
    finally:
        await host.close()
        session.close()
    answer = next(c for c in session.records if isinstance(c, Message) and c.as_body == "murmur")
    assert answer.text == "Labelled within the hour" and answer.to == ["dsc"] and answer.by.name == "Wanda"
    inject = next(c for c in session.records if c.kind == "inject")
    assert inject.channel == "email" and inject.to == ["all"] and inject.title.startswith("Murmur trust and safety")


async def test_m_in_the_team_console_asks_control_for_information(tmp_path: Path) -> None:
    from conftest import start_host

    from exercise.tui.screens.dialogs import Pick, TextEntry
    from exercise.tui.screens.team_screens import TeamBriefing
    from exercise.tui.team_app import TeamApp

    session = Session(load_scenario(ELECTION), 3)
    session.start_journal(tmp_path / "j.jsonl")
    host, url, tokens = await start_host(session)
    app = TeamApp(url, tokens["comms"], "Cleo")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await app.remote.until(lambda s: s.ready)
            await pilot.pause()
            if isinstance(app.screen, TeamBriefing):
                await pilot.press("escape")
            await pilot.press("m")
            assert isinstance(app.screen, Pick)
            await pilot.press("end", "enter")  # exercise control: a request for information
            assert isinstance(app.screen, TextEntry)
            await pilot.press(*"Polling data?", "ctrl+s")
            await pilot.press(*"Can we see the latest poll?", "ctrl+s")
            for _ in range(50):
                await pilot.pause(0.02)
                if views.open_requests(session):
                    break
    finally:
        await host.close()
        session.close()
    asked = next(c for c in session.records if isinstance(c, Message))
    assert (asked.to, asked.rfi, asked.subject, asked.by.team) == (["control"], True, "Polling data?", "comms")
