"""Team roles: in a team whose lead confirms, members propose measures and answers, the lead confirms or declines,
and the journal and the report say who proposed and who confirmed (issue 40)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exercise.scenario.loader import scenario_from_bytes
from exercise.session import views
from exercise.session.commands import AnswerDecision, Decline, Propose, TakeMeasure
from exercise.session.live import Session

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / "scenarios" / "election-week.yaml").read_text(encoding="utf-8")
LED = TEXT.replace("  - id: comms\n    name: Government Communications Office\n",
                   "  - id: comms\n    name: Government Communications Office\n    lead_confirms: true\n", 1)
H = 60.0


def led_session(tmp_path: Path) -> Session:
    session = Session(scenario_from_bytes(LED.encode(), "election-week.yaml"), 3)
    session.start_journal(tmp_path / "j.jsonl")
    return session


def test_a_team_whose_lead_confirms_gets_a_lead_seat_and_the_facilitator_can_ask_it_of_every_team() -> None:
    from exercise.net.seats import new_tokens

    led = scenario_from_bytes(LED.encode(), "e.yaml").scenario
    assert "comms-lead" in {s.label for s in new_tokens(led)}
    plain = scenario_from_bytes(TEXT.encode(), "e.yaml").scenario
    assert not any(s.lead for s in new_tokens(plain))
    assert {s.label for s in new_tokens(plain, frozenset(t.id for t in plain.teams)) if s.lead} == \
        {f"{t.id}-lead" for t in plain.teams}


async def test_members_propose_the_lead_confirms_or_declines_and_the_journal_names_both(tmp_path: Path) -> None:
    from conftest import start_host

    from exercise.net.client import CommandError, Remote
    from exercise.report.sections import report_of
    from exercise.session.commands import Deliver

    session = led_session(tmp_path)
    host, url, tokens = await start_host(session)
    member, lead = Remote(url, tokens["comms"], name="Cleo"), Remote(url, tokens["comms-lead"], name="Lena")
    for c in (member, lead):
        c.start()
    try:
        for c in (member, lead):
            await c.until(lambda s: s.ready and s.now is not None)
        assert lead.state.welcome.lead and member.state.welcome.confirms and not member.state.welcome.lead
        session.advance_to(H)
        session.submit(Deliver(inject="INJ-05"))
        ack = await member.send(TakeMeasure(team="comms", response="FIMI-04", note="debunk now"))
        assert ack.kind == "propose"
        assert not any(c.kind == "decision" for c in session.records)  # nothing taken yet
        await lead.until(lambda s: bool(s.now and s.now.proposals))
        proposal = lead.state.now.proposals[0]
        assert (proposal.by, proposal.what) == ("comms (Cleo)", "take FIMI-04")
        with pytest.raises(CommandError, match="only your team's lead confirms or declines"):
            await member.send(Decline(team="comms", proposal=proposal.position, reason="no"))
        await lead.send(TakeMeasure(team="comms", response="FIMI-04", note="agreed", proposal=proposal.position))
        await lead.until(lambda s: s.now is not None and not s.now.proposals)
        # A second proposal, declined: nothing happens in the world.
        await member.send(TakeMeasure(team="comms", response="FIMI-06", note="more"))
        await lead.until(lambda s: bool(s.now and s.now.proposals))
        second = lead.state.now.proposals[0]
        with pytest.raises(CommandError, match="is to take FIMI-06"):
            await lead.send(TakeMeasure(team="comms", response="EDS-01", proposal=second.position))
        await lead.send(Decline(team="comms", proposal=second.position, reason="too early"))
        await lead.until(lambda s: s.now is not None and not s.now.proposals)
        report = report_of(session)
    finally:
        for c in (member, lead):
            await c.stop()
        await host.close()
        session.close()
    taken = [c for c in session.records if isinstance(c, TakeMeasure)]
    assert [(c.response, c.by.name, c.proposed_by.name if c.proposed_by else None) for c in taken] == \
        [("FIMI-04", "Lena", "Cleo")]
    assert [c.by.name for c in session.records if isinstance(c, Propose)] == ["Cleo", "Cleo"]
    assert [c.reason for c in session.records if isinstance(c, Decline)] == ["too early"]
    journal = [json.loads(x) for x in (tmp_path / "j.jsonl").read_text(encoding="utf-8").splitlines()[1:]]
    confirmed = next(x for x in journal if x["kind"] == "decision")
    assert confirmed["proposed_by"]["name"] == "Cleo" and confirmed["by"]["name"] == "Lena"
    row = next(r for r in report.timeline if "FIMI-04" in r.text and r.kind == "response.taken")
    assert "comms (Cleo), confirmed by the lead comms (Lena)" in row.text


def test_an_answer_can_be_proposed_and_confirmed_in_replay_too(tmp_path: Path) -> None:
    from exercise.session.commands import By
    from exercise.session.live import resume

    from exercise.scenario import load_scenario

    session = Session(load_scenario(ROOT / "scenarios" / "election-week.yaml"), 3)  # a file resume can find
    session.start_journal(tmp_path / "j.jsonl")
    session.advance_to(session.world.end, stop=lambda: bool(views.open_decisions(session, "election")))
    asked = views.open_decisions(session, "election")[0]
    eva, ed = By(role="team", team="election", name="Eva"), By(role="team", team="election", name="Ed")
    option = asked.options[0][0]
    session.submit(Propose(team="election", inject=asked.inject, option=option, note="safe", by=eva))
    position = len(session.records) - 1
    assert [p.what for p in views.proposals(session, "election")] == [f"answer {asked.inject}: {option}"]
    session.submit(AnswerDecision(inject=asked.inject, option=option, proposal=position, proposed_by=eva, by=ed))
    assert views.proposals(session, "election") == []
    session.close()
    again = resume(tmp_path / "j.jsonl")
    assert again.world.decisions[asked.inject] == option
    again.close()


async def test_l_in_the_leads_console_confirms_a_proposal(tmp_path: Path) -> None:
    from conftest import start_host

    from exercise.session.commands import By
    from exercise.tui.screens.dialogs import Pick, TextEntry
    from exercise.tui.screens.team_screens import TeamBriefing
    from exercise.tui.team_app import TeamApp

    session = led_session(tmp_path)
    session.advance_to(H)
    session.submit(Propose(team="comms", response="FIMI-06", note="prebunk", by=By(role="team", team="comms",
                                                                                   name="Cleo")))
    host, url, tokens = await start_host(session)
    app = TeamApp(url, tokens["comms-lead"], "Lena")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await app.remote.until(lambda s: s.ready and s.now is not None and bool(s.now.proposals))
            await pilot.pause()
            if isinstance(app.screen, TeamBriefing):
                await pilot.press("escape")
            assert "l: 1 TO CONFIRM" in str(app.query_one("#status").render())
            await pilot.press("l")
            assert isinstance(app.screen, Pick)
            await pilot.press("enter", "enter")  # the proposal; confirm it
            assert isinstance(app.screen, TextEntry)
            await pilot.press(*"go", "ctrl+s")
            await app.remote.until(lambda s: s.now is not None and not s.now.proposals)
    finally:
        await host.close()
        session.close()
    taken = next(c for c in session.records if isinstance(c, TakeMeasure))
    assert (taken.response, taken.by.name, taken.proposed_by.name, taken.note) == ("FIMI-06", "Lena", "Cleo",
                                                                                  "prebunk; go")


async def test_a_team_without_a_lead_cannot_propose_or_decline(tmp_path: Path) -> None:
    from conftest import start_host

    from exercise.net.client import CommandError, Remote
    from exercise.scenario import load_scenario

    session = Session(load_scenario(ROOT / "scenarios" / "election-week.yaml"), 3)
    session.start_journal(tmp_path / "j.jsonl")
    host, url, tokens = await start_host(session)
    member = Remote(url, tokens["comms"], name="Cleo")
    member.start()
    try:
        await member.until(lambda s: s.ready)
        with pytest.raises(CommandError, match="without a lead's confirmation"):
            await member.send(Propose(team="comms", response="FIMI-04"))
        with pytest.raises(CommandError, match="without a lead's confirmation"):
            await member.send(Decline(team="comms", proposal=0))
    finally:
        await member.stop()
        await host.close()
        session.close()
    assert not any(isinstance(c, (Propose, Decline)) for c in session.records)
