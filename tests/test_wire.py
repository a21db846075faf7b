"""The wire, typed both ways: every message of a hosted run checked against the exported schema,
and a new kind of client written over ``SeatState`` alone (``tests/ticker.py``)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from exercise.cli import main
from exercise.net.client import Remote
from exercise.net.host import Host
from exercise.net.seats import new_tokens, tickets
from exercise.net.wire import PROTOCOL, command, hello
from exercise.scenario import load_scenario
from exercise.session.clock import SessionClock
from exercise.session.commands import AnswerDecision, Note, TakeMeasure
from exercise.session.live import Session
from exercise.session.views import Kind, events_for, team
from ticker import Ticker  # tests/ is on the path: the client a third party would write

ROOT = Path(__file__).resolve().parents[1]
ELECTION = load_scenario(ROOT / "scenarios" / "election-week.yaml")
PLAYERS = ("csirt", "comms", "election")


def wire_schema() -> dict:
    printed = CliRunner().invoke(main, ["schema", "--wire"])
    assert printed.exit_code == 0, printed.output
    schema = json.loads(printed.output)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


async def test_every_message_of_a_hosted_run_fits_the_exported_schema(tmp_path: Path) -> None:
    schema = wire_schema()
    assert schema["title"] == f"exercise wire protocol {PROTOCOL}"
    validator = jsonschema.Draft202012Validator(schema)
    session = Session(ELECTION, 5)
    session.start_journal(tmp_path / "j.jsonl")
    shown = new_tokens(ELECTION.scenario)
    tokens = {seat.label: token for seat, token in shown.items()}
    clock = SessionClock(session)
    host = Host(session, clock, tickets(shown))
    url = f"ws://127.0.0.1:{await host.start('127.0.0.1', 0)}"
    received: list[str] = []
    clients = {seat: Remote(url, tokens[seat], seat, tap=received.append) for seat in [*PLAYERS, "observer", "room"]}
    for c in clients.values():
        c.start()
    try:
        for c in clients.values():
            await c.until(lambda s: s.ready)
        clock.run(True)  # the play state reaches every screen
        await clients["room"].until(lambda s: s.now.clock.running)
        await clients["csirt"].send(TakeMeasure(team="csirt", response="NAT-02", note="harden"))
        await clients["observer"].send(Note(text="csirt moved early"))
        while not session.world.finished:
            session.advance_to(session.world.end, stop=lambda: bool(session.world.open_decisions))
            for d in list(session.world.open_decisions.values()):
                point = next(i for i in ELECTION.scenario.injects if i.id == d.inject).decision
                await clients[d.team].send(AnswerDecision(inject=d.inject, option=point.options[0].id))
        clock.run(False)
        last = session.world.events[-1].seq
        for c in clients.values():
            await c.until(lambda s: s.seq == last and s.now.clock.finished and not s.now.clock.running)
    finally:
        for c in clients.values():
            await c.stop()
        await host.close()
        session.close()
    kinds = {json.loads(text)["type"] for text in received}
    assert kinds == {"welcome", "view", "ack"}
    for text in received:
        errors = [e.message for e in validator.iter_errors(json.loads(text))]
        assert not errors, (text[:200], errors[:3])
    # What clients send fits it too.
    sent = [hello("token", "Anna", after=3, generation=0), command(1, TakeMeasure(team="comms", response="FIMI-01")),
            command(2, AnswerDecision(inject="INJ-17", option="a", note="why")), command(3, Note(text="x", team="comms"))]
    for text in sent:
        assert not list(validator.iter_errors(json.loads(text))), text
    # A client that sets what the host stamps, or a message that is not one, does not fit.
    assert list(validator.iter_errors({"type": "command", "id": 1, "command": {"kind": "note", "text": "x",
                                                                               "by": {"role": "facilitator"}}}))
    assert list(validator.iter_errors({"type": "dance"}))


async def test_a_ticker_prints_a_teams_injects_as_they_arrive(tmp_path: Path) -> None:
    session = Session(ELECTION, 3)
    shown = new_tokens(ELECTION.scenario)
    token = next(t for seat, t in shown.items() if seat.label == "comms")
    host = Host(session, SessionClock(session), tickets(shown))
    url = f"ws://127.0.0.1:{await host.start('127.0.0.1', 0)}"
    lines: list[str] = []
    ticker = Ticker(url, token, out=lines.append)
    ticker.remote.start()
    try:
        await ticker.remote.until(lambda s: s.ready)
        for hours in range(0, 100, 4):
            session.advance_to(min(hours * 60.0, session.world.end))  # the host follows the session alone
            last = session.world.events[-1].seq
            await ticker.remote.until(lambda s, last=last: s.seq == last)
    finally:
        await ticker.remote.stop()
        await host.close()
    from exercise.session.timeline import clock

    told = [e for e in events_for(session, team("comms")) if e.kind == Kind.INJECT_DELIVERED]
    assert len(told) > 5
    assert lines == [f"{clock(e.t)}  [{e.data['severity']}] {e.data['title']}" for e in told]
