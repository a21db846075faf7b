"""Several teams, one exercise: a real host on loopback, real WebSocket clients, the bytes they receive."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from conftest import console_hosting

from exercise.engine import log_to_jsonl
from exercise.net.client import CommandError, RefusedError, Remote
from exercise.net.host import Host
from exercise.net.seats import new_tokens, tickets
from exercise.net.wire import PROTOCOL
from exercise.report.sections import report_of
from exercise.scenario import load_scenario
from exercise.session.clock import SessionClock
from exercise.session.live import Session, replay
from exercise.session.timeline import clock
from exercise.session.updates import EventRecord
from exercise.session.views import Kind, events_for, team

ROOT = Path(__file__).resolve().parents[1]
ELECTION = load_scenario(ROOT / "scenarios" / "election-week.yaml")
PLAYERS = ("csirt", "comms", "election")


async def hosted(tmp_path: Path, seed: int = 5) -> tuple[Session, Host, str, dict[str, str]]:
    session = Session(ELECTION, seed)
    session.start_journal(tmp_path / "j.jsonl")
    tokens = new_tokens(ELECTION.scenario)
    host = Host(session, SessionClock(session), tickets(tokens))
    port = await host.start("127.0.0.1", 0)
    return session, host, f"ws://127.0.0.1:{port}", {seat.label: token for seat, token in tokens.items()}


def moved(session: Session, host: Host, t: float, stop=None) -> None:
    session.advance_to(t, stop)
    host.changed()


def caught_up(session: Session):
    return lambda c: c.seq == session.world.events[-1].seq


async def test_three_teams_and_an_observer_play_one_exercise(tmp_path: Path) -> None:
    session, host, url, tokens = await hosted(tmp_path)
    clients = {name: Remote(url, tokens[name], name=f"lead of {name}") for name in PLAYERS}
    observer = Remote(url, tokens["observer"], name="Evi")
    for c in [*clients.values(), observer]:
        c.start()
    try:
        for c in [*clients.values(), observer]:
            await c.until(lambda c: c.connected and c.seq >= 0)
        assert host.connected() == sorted([(n, f"lead of {n}") for n in PLAYERS] + [("observer", "Evi")])
        assert clients["comms"].state.welcome.team_name == ELECTION.team("comms").name

        # A wrong token is refused, clearly, and the session goes on.
        with pytest.raises(RefusedError, match="opens no seat"):
            await Remote(url, "not-a-token").run()

        # Measures: each team for itself; acting for another team, or as the facilitator, is refused.
        ack = await clients["csirt"].send({"kind": "decision", "team": "csirt", "response": "NAT-02",
                                           "note": "harden before the vote"})
        assert ack.kind == "decision" and ack.refused is None
        # Asked and refused by its procedure at once: journaled, and the ack says so (never "taken").
        refused = await clients["comms"].send({"kind": "decision", "team": "comms", "response": "FIMI-01"})
        assert refused.refused is not None and "detected" in refused.refused
        with pytest.raises(CommandError, match="team csirt may not take FIMI-01 for team comms"):
            await clients["csirt"].send({"kind": "decision", "team": "comms", "response": "FIMI-01"})
        with pytest.raises(CommandError, match="a team may not deliver"):
            await clients["comms"].send({"kind": "deliver", "inject": "INJ-05"})
        with pytest.raises(CommandError, match="does not set by"):
            await clients["comms"].send({"kind": "note", "text": "x", "by": {"role": "facilitator"}})
        with pytest.raises(CommandError, match="an evaluator may not take"):
            await observer.send({"kind": "decision", "team": "comms", "response": "FIMI-01"})
        await observer.send({"kind": "note", "text": "csirt hardened before any attack"})

        # The clock moves on the host; a decision opens for the election authority.
        moved(session, host, session.world.end,
              stop=lambda: any(d.team == "election" for d in session.world.open_decisions.values()))
        [asked] = [d.inject for d in session.world.open_decisions.values() if d.team == "election"]
        await clients["election"].until(lambda c: c.now is not None and any(d.inject == asked for d in c.now.decisions))
        assert not clients["comms"].state.now.decisions  # not comms' decision

        # comms drops off the network while things happen, then comes back for what it missed.
        await clients["comms"].drop()
        await clients["comms"].until(lambda c: not c.connected)
        options = [o.id for o in next(i for i in ELECTION.scenario.injects if i.id == asked).decision.options]
        await clients["election"].send({"kind": "choice", "inject": asked, "option": options[0],
                                        "note": "safety first"})
        with pytest.raises(CommandError, match="already answered"):  # a second member, too late
            await clients["election"].send({"kind": "choice", "inject": asked, "option": options[-1]})
        moved(session, host, session.world.now + 36 * 60)
        await clients["comms"].until(lambda c: c.connected)
        ack = await clients["comms"].send({"kind": "decision", "team": "comms", "response": "FIMI-01",
                                           "note": "alert partners"})
        moved(session, host, session.world.now + 12 * 60)
        for c in [*clients.values(), observer]:
            await c.until(caught_up(session))
    finally:
        for c in [*clients.values(), observer]:
            await c.stop()
        await host.close()
        session.close()

    # Every team saw exactly its own view: each event once, in order, nothing more.
    for name, c in clients.items():
        expected = [EventRecord.of(e) for e in events_for(session, team(name))]
        assert c.state.events == expected, name
        seqs = [e.seq for e in c.state.events]
        assert seqs == sorted(set(seqs))
    told = {name: {e.data["title"] for e in c.state.injects()} for name, c in clients.items()}
    assert told["csirt"] != told["comms"]

    # The journal replays to the same event log, and says who did what.
    rebuilt, journal = replay(tmp_path / "j.jsonl")
    rebuilt.advance_to(session.world.now)
    assert log_to_jsonl(rebuilt.world.events) == log_to_jsonl(session.world.events)
    from click.testing import CliRunner

    from exercise.cli import main

    printed = CliRunner().invoke(main, ["report", str(tmp_path / "j.jsonl"), "--format", "md"])
    assert printed.exit_code == 0, printed.output
    assert "| election | election (lead of election) |" in printed.output  # the decision, and who answered
    assert "| csirt | csirt (lead of csirt) |" in printed.output and "| comms | comms (lead of comms) |" in printed.output
    report = report_of(rebuilt, journal.header)
    givers = {(m.response, m.taken_by) for m in report.toolbox_gaps.measures}
    assert {("NAT-02", "csirt (lead of csirt)"), ("FIMI-01", "comms (lead of comms)")} <= givers
    assert ("election (lead of election)", "safety first") in {(d.taken_by, d.rationale) for d in report.decisions}
    assert ("T+00:00", "evaluator observation (Evi)", "csirt hardened before any attack") in {
        (n.clock, n.by, n.text) for n in report.notes}


async def test_a_teams_connection_never_carries_what_is_not_its_own(tmp_path: Path) -> None:
    """Checked on the bytes received, not on view objects."""
    session, host, url, tokens = await hosted(tmp_path, seed=3)
    wires: dict[str, list[str]] = {name: [] for name in PLAYERS}
    clients = {name: Remote(url, tokens[name], name=name, tap=wires[name].append) for name in PLAYERS}
    for c in clients.values():
        c.start()
    try:
        for c in clients.values():
            await c.until(lambda c: c.connected)
        for hours in range(0, 96, 6):
            moved(session, host, hours * 60.0)
        moved(session, host, session.world.end)
        for c in clients.values():
            await c.until(caught_up(session))
    finally:
        for c in clients.values():
            await c.stop()
        await host.close()
        session.close()
    events = session.world.events
    stages = {e.data["stage"] for e in events if e.kind == Kind.STAGE_STARTED}
    notes = [i.facilitator_notes for i in ELECTION.scenario.injects if i.facilitator_notes]
    for name in clients:
        wire = "".join(wires[name])
        for_others = {e.data["title"] for e in events if e.kind == Kind.INJECT_DELIVERED
                      and "all" not in e.data["to"] and name not in e.data["to"]}
        mine = {e.data["title"] for e in events if e.kind == Kind.INJECT_DELIVERED
                and ("all" in e.data["to"] or name in e.data["to"])}
        assert not [t for t in for_others - mine if json.dumps(t, ensure_ascii=False)[1:-1] in wire], name
        assert not [s for s in stages if f'"{s}"' in wire], name
        assert not [n for n in notes if json.dumps(n, ensure_ascii=False)[1:-1] in wire], name
        assert '"seed"' not in wire and "stage.started" not in wire and "expectation." not in wire
        other_teams = set(PLAYERS) - {name}
        assert not any(m["team"] in other_teams for msg in wires[name] if '"view"' in msg
                       for m in json.loads(msg)["measures"])


async def not_a_view(ws) -> dict:
    """The next answer to a command: views (the session moved: T+0 ran, a note landed) come between."""
    while True:
        message = json.loads(await ws.recv())
        if message["type"] != "view":
            return message


async def test_bad_messages_get_an_error_and_the_session_goes_on(tmp_path: Path) -> None:
    session, host, url, tokens = await hosted(tmp_path)
    try:
        # A client of another protocol (here: one from before the typed wire, which sent none) is told so.
        async with connect(url) as ws:
            await ws.send(json.dumps({"type": "hello", "token": tokens["comms"], "name": "x"}))
            assert json.loads(await ws.recv()) == {
                "type": "refused", "message": f"this client speaks protocol 1, this host speaks {PROTOCOL}: "
                                              "join with the same version of exercise as the host's"}
        async with connect(url) as ws:
            await ws.send(json.dumps({"type": "hello", "protocol": PROTOCOL, "token": tokens["comms"], "name": "x"}))
            assert json.loads(await ws.recv())["type"] == "welcome"
            assert json.loads(await ws.recv())["type"] == "view"
            for bad, why in [("{not json", "not JSON"), ("[1, 2]", "a JSON object with a 'type'"),
                             ('{"type": "dance"}', "unknown message type"),
                             ('{"type": "command", "id": 1, "command": {"kind": "fly"}}', "kind"),
                             ('{"type": "command", "id": 2, "command": {"kind": "decision", "team": "comms", '
                              '"response": "NOPE"}}', "unknown response"),
                             ('{"type": "command", "id": 3, "command": {"kind": "decision", "response": "x"}}',
                              "decision.team: Field required")]:
                await ws.send(bad)
                answer = await not_a_view(ws)
                assert answer["type"] == "error" and why in answer["message"], (bad, answer)
            # A flood: past the burst, messages are dropped with an error, not obeyed.
            for i in range(60):
                await ws.send(json.dumps({"type": "command", "id": 100 + i, "command": {"kind": "note", "text": "x"}}))
            answers = [await not_a_view(ws) for _ in range(60)]
            assert any(a["type"] == "error" and "too many messages" in a["message"] for a in answers)
            notes = sum(a["type"] == "ack" for a in answers)
            assert 0 < notes < 60
        # Too big: the connection is closed by the library's size limit; the host stays up.
        async with connect(url, max_size=None) as ws:
            await ws.send(json.dumps({"type": "hello", "protocol": PROTOCOL, "token": tokens["comms"]}))
            await ws.recv()
            await ws.send("x" * (70 * 1024))
            with pytest.raises(Exception):  # noqa: B017 - the host closed it (1009, message too big)
                for _ in range(5):
                    await ws.recv()
        ok = Remote(url, tokens["csirt"])
        ok.start()
        await ok.until(lambda c: c.connected)
        await ok.send({"kind": "note", "text": "still here"})
        await ok.stop()
    finally:
        await host.close()
        session.close()


async def test_the_team_console_shows_its_team_and_acts_through_the_host(tmp_path: Path) -> None:
    from textual.widgets import Markdown

    from exercise.tui.screens.dialogs import TextEntry
    from exercise.tui.screens.team_screens import MeasurePicker, TeamBriefing
    from exercise.tui.team_app import TeamApp

    session, host, url, tokens = await hosted(tmp_path)
    moved(session, host, 7 * 60.0)
    app = TeamApp(url, tokens["comms"], "Anna")
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await app.remote.until(lambda c: c.ready)
            await pilot.pause()
            # First the briefing: the body played, the setting, the role, the objectives, the keys.
            assert isinstance(app.screen, TeamBriefing)
            shown = app.screen.query_one(Markdown).source
            assert ELECTION.team("comms").body in shown and "Lumeria" in shown and "OBJ-1" in shown
            assert ELECTION.team("comms").briefing.split(".")[0] in shown and "`r` take" in shown
            await pilot.press("enter")
            status = str(app.query_one("#status").render())
            assert ELECTION.team("comms").name in status and "T+07:00" in status
            feed = app.query_one("#feed")
            expected = [e for e in events_for(session, team("comms")) if e.kind == Kind.INJECT_DELIVERED]
            assert feed.option_count == len(expected) > 0
            await pilot.press("r")
            assert isinstance(app.screen, MeasurePicker)
            options = app.seat.now.options
            assert [o.response for o in options] == list(ELECTION.team("comms").responses)
            # The team is not told whether a precondition holds (that reads the world); the test knows.
            assert all(o.refusal is None or "already under way" in o.refusal for o in options)
            ready = next(i for i, o in enumerate(options) if session.world.why_not("comms", o.response) is None)
            chosen = ELECTION.responses[options[ready].response]
            await pilot.press(*chosen.id.lower())  # search: the list narrows to it, its card below
            card = str(app.screen.query_one("#card").render())
            assert chosen.name in card and chosen.legal_basis in card and "Takes effect after:" in card
            assert app.screen.query_one("#measure-list").option_count == 1
            await pilot.press("enter")
            assert isinstance(app.screen, TextEntry)
            await pilot.press(*"counter the narrative", "ctrl+s")
            await app.remote.until(lambda c: bool(c.now.measures))
            await pilot.pause()
            taken = [c for c in session.records if c.kind == "decision"]
            assert [(c.by.team, c.by.name, c.response, c.note) for c in taken] == [
                ("comms", "Anna", chosen.id, "counter the narrative")]
            assert app.query_one("#measures").row_count == 1
    finally:
        await host.close()
        session.close()


async def test_a_wrong_token_closes_the_team_console_with_the_reason(tmp_path: Path) -> None:
    from exercise.tui.team_app import TeamApp

    session, host, url, _ = await hosted(tmp_path)
    app = TeamApp(url, "wrong")
    try:
        async with app.run_test() as pilot:
            for _ in range(50):
                await pilot.pause(0.02)
                if app.refused:
                    break
        assert app.refused and "opens no seat" in app.refused
    finally:
        await host.close()
        session.close()


async def test_a_host_killed_mid_session_resumes_and_its_teams_come_back(tmp_path: Path) -> None:
    import asyncio
    import os
    import signal
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    journal = tmp_path / "j.jsonl"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}

    async def start(*args: str) -> tuple[subprocess.Popen, dict[str, str]]:
        proc = subprocess.Popen([sys.executable, "-m", "exercise", "serve", *args, "--listen", f"127.0.0.1:{port}"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        lines = []
        while not lines or not lines[0].startswith("hosting"):
            line = await asyncio.to_thread(proc.stdout.readline)
            assert line, proc.stderr.read()
            lines.append(line)
        while True:  # the seat lines follow at once
            line = await asyncio.to_thread(proc.stdout.readline)
            lines.append(line)
            if " room: " in line or "seats of this session stand" in line:
                break
        seats = {ln.split(":")[0].strip(): ln.split("EXERCISE_TOKEN=", 1)[1].split()[0]
                 for ln in lines if "EXERCISE_TOKEN=" in ln}
        return proc, seats

    first, seats = await start("election-week", "--journal", str(journal), "--speed", "60")
    comms = Remote(f"ws://127.0.0.1:{port}", seats["comms"], "Anna")
    comms.start()
    try:
        await comms.until(lambda c: c.connected)
        ack = await comms.send({"kind": "decision", "team": "comms", "response": "FIMI-04", "note": "acknowledged"})
        assert ack.kind == "decision"
        await comms.until(lambda c: c.now is not None and c.now.clock.now > 120)  # the clock ran a while
        reached = comms.state.now.clock.now
        first.send_signal(signal.SIGKILL)
        await asyncio.to_thread(first.wait)
        await comms.until(lambda c: not c.connected)
        # The running clock was journaled every simulated minute: the journal holds where it had got to.
        assert replay(journal)[0].world.now >= reached - 1.0
        second, shown = await start("--resume", str(journal))
        assert shown == seats  # the seats stand: the same tokens, shown again to the facilitator
        try:
            await comms.until(lambda c: c.connected, timeout=15)
            await comms.until(lambda c: c.now is not None and any(m.response == "FIMI-04" for m in c.now.measures))
            ack = await comms.send({"kind": "note", "text": "back after the host restarted"})
            assert ack.kind == "note"
        finally:
            second.send_signal(signal.SIGTERM)
            await asyncio.to_thread(second.wait, 10)  # the client must stay responsive to close
    finally:
        await comms.stop()
        if first.poll() is None:
            first.kill()
    kept = [r for r in replay(journal)[0].records if r.kind in ("decision", "note")]
    assert [(r.kind, r.by.name) for r in kept] == [("decision", "Anna"), ("note", "Anna")]
    seqs = [e.seq for e in comms.state.events]
    assert seqs == sorted(set(seqs))  # nothing twice, across the restart


async def test_the_room_display_shows_only_what_every_team_is_told(tmp_path: Path) -> None:
    from exercise.tui.room_app import RoomApp

    session, host, url, tokens = await hosted(tmp_path, seed=3)
    for hours in range(0, 48, 6):
        moved(session, host, hours * 60.0)
    app = RoomApp(url, tokens["room"])
    received: list[str] = []
    app.remote.tap = received.append
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await app.remote.until(lambda c: c.ready)
            await pilot.pause()
            wire = "".join(received)
            to_all = {e.data["title"] for e in session.world.events
                      if e.kind == Kind.INJECT_DELIVERED and "all" in e.data["to"]}
            others = {e.data["title"] for e in session.world.events
                      if e.kind == Kind.INJECT_DELIVERED and "all" not in e.data["to"]}
            assert {e.data["title"] for e in app.seat.injects()} == to_all
            assert not [t for t in others - to_all if json.dumps(t, ensure_ascii=False)[1:-1] in wire]
            assert app.seat.now.measures == [] and app.seat.now.decisions == []
            assert '"response.' not in wire and '"decision.' not in wire
            assert app.query_one("#clock").value == "T+1d 18:00" == clock(app.seat.now.clock.now)
            # The wall shows the public channels only: the news and posts, not a briefing to all.
            wall = str(app.query_one("#news").render())
            public = [e for e in app.seat.injects() if e.data.get("channel") in ("social", "news", "tv", "radio")]
            private = [e for e in app.seat.injects() if e.data.get("channel") not in ("social", "news", "tv", "radio")]
            assert public and private
            assert all(e.data["title"][:30] in " ".join(wall.split()) for e in public[:6])
            assert not any(e.data["title"][:30] in " ".join(wall.split()) for e in private)
            with pytest.raises(CommandError, match="only watches"):
                await app.remote.send({"kind": "note", "text": "x"})
    finally:
        await host.close()
        session.close()


async def test_tls_serves_wss_to_a_client_that_trusts_the_certificate(tmp_path: Path) -> None:
    import shutil
    import ssl
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificate to test TLS with")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    from exercise.net.hosting import tls

    session = Session(ELECTION, 1)
    session.start_journal(tmp_path / "j.jsonl")
    tokens = new_tokens(ELECTION.scenario)
    host = Host(session, SessionClock(session), tickets(tokens))
    port = await host.start("127.0.0.1", 0, tls(str(cert), str(key)))
    token = next(t for s, t in tokens.items() if s.label == "comms")
    trusting = ssl.create_default_context(cafile=str(cert))
    remote = Remote(f"wss://127.0.0.1:{port}", token, ssl=trusting)
    remote.start()
    try:
        await remote.until(lambda c: c.connected)
        assert (await remote.send({"kind": "note", "text": "over TLS"})).kind == "note"
        with pytest.raises(Exception):  # noqa: B017 - an untrusted certificate: the handshake fails
            async with connect(f"wss://127.0.0.1:{port}", ssl=ssl.create_default_context(), open_timeout=5):
                pass
    finally:
        await remote.stop()
        await host.close()
        session.close()


async def test_the_facilitator_console_hosts_and_leaves_a_joined_teams_decision_to_it(tmp_path: Path) -> None:
    from exercise.net.hosting import Hosting, seating
    from exercise.tui.app import ExerciseApp
    from exercise.tui.screens.dialogs import DecisionModal

    session = Session(ELECTION, 5)
    session.start_journal(tmp_path / "j.jsonl")
    seats = seating(session)
    assert (tmp_path / "j.jsonl.seats.json").stat().st_mode & 0o777 == 0o600
    assert not any(token in (tmp_path / "j.jsonl").read_text() for token in seats.shown.values())
    app = ExerciseApp(session, timer=False, briefing=False, hosting=Hosting("127.0.0.1", 0, None, seats))
    async with app.run_test(size=(120, 40)) as pilot:
        await console_hosting(app, pilot)
        token = next(t for s, t in seats.shown.items() if s.label == "election")
        election = Remote(app.hosting.url, token, "Eva")
        election.start()
        try:
            await election.until(lambda c: c.connected)
            await pilot.pause()
            assert "1 joined" in str(app.screen.query_one("#clock").render())
            while not views_open(session, "election"):
                app.advance(60)
                await pilot.pause()
            assert not any(isinstance(s, DecisionModal) for s in app.screen_stack)  # it is theirs to answer
            asked = views_open(session, "election")[0]
            await election.until(lambda c: c.now is not None and any(d.inject == asked.inject for d in c.now.decisions))
            # The facilitator opens their copy and closes it: it stays with the team, nothing is journaled.
            journaled = len(session.records)
            await pilot.press("c")
            assert isinstance(app.screen, DecisionModal)
            await pilot.press("escape")
            await pilot.pause()
            assert len(session.records) == journaled and views_open(session, "election")
            await election.send({"kind": "choice", "inject": asked.inject, "option": asked.options[0][0],
                                 "note": "from our room"})
            await pilot.pause()
            assert asked.inject in session.world.decisions
        finally:
            await election.stop()
    session.close()


def views_open(session: Session, team_id: str) -> list:
    from exercise.session.views import open_decisions

    return open_decisions(session, team_id)


async def test_a_team_answers_its_decision_from_its_console(tmp_path: Path) -> None:
    from exercise.tui.screens.dialogs import Pick, TextEntry
    from exercise.tui.team_app import TeamApp

    session, host, url, tokens = await hosted(tmp_path)
    moved(session, host, session.world.end,
          stop=lambda: any(d.team == "election" for d in session.world.open_decisions.values()))
    [asked] = [d.inject for d in session.world.open_decisions.values() if d.team == "election"]
    app = TeamApp(url, tokens["election"], "Eva")
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await app.remote.until(lambda c: c.ready and bool(c.now.decisions))
            await pilot.pause()
            assert "c: DECIDE by" in str(app.query_one("#status").render())
            assert isinstance(app.screen, Pick)  # put to the team as it arrives
            await pilot.press("escape", "c")  # and c brings it back
            assert isinstance(app.screen, Pick)
            await pilot.press("enter")
            assert isinstance(app.screen, TextEntry)
            await pilot.press("ctrl+s")  # no rationale given: still an answer
            await app.remote.until(lambda c: not c.now.decisions)
            answered = [c for c in session.records if c.kind == "choice"]
            assert [(c.inject, c.by.name, c.note) for c in answered] == [(asked, "Eva", "")]
    finally:
        await host.close()
        session.close()


def test_tokens_stay_off_command_lines_and_banners(monkeypatch: pytest.MonkeyPatch) -> None:
    """'ps' shows every user each process's command line: invitations and kiosk pages keep tokens out of it."""
    import os

    from exercise.net.hosting import Seating, invitations
    from exercise.tui import web

    shown = new_tokens(ELECTION.scenario)
    lines = invitations(Seating(tickets(shown), shown), "ws://127.0.0.1:8765")
    assert all("--token" not in line and "EXERCISE_TOKEN=" in line for line in lines)
    seen: dict[str, str | None] = {}

    class Server:  # textual-serve's (guarded), as far as serve_team_console uses it
        def __init__(self, command: str, **_: object) -> None:
            seen["command"] = command

        def serve(self) -> None:
            seen["environment"] = os.environ.get("EXERCISE_TOKEN")

    monkeypatch.setattr(web, "GuardedServer", Server)
    web.serve_team_console("ws://127.0.0.1:8765", "127.0.0.1", 8000, "kiosk-secret")
    assert "kiosk-secret" not in (seen["command"] or "") and seen["environment"] == "kiosk-secret"


async def test_a_host_that_ends_the_exercise_says_bye_and_its_clients_stop(tmp_path: Path) -> None:
    session, host, url, tokens = await hosted(tmp_path)
    comms = Remote(url, tokens["comms"], "Cleo")
    task = comms.start()
    await comms.until(lambda s: s.ready)
    await host.close()
    await asyncio.wait_for(task, 10)  # it returned: no reconnecting to a host that ended on purpose
    assert comms.state.ended == "the host has ended the exercise"
    session.close()


async def test_a_console_that_asks_for_its_token_says_why_one_is_refused_and_asks_a_name(tmp_path: Path) -> None:
    """As a browser page does: the token and a name typed in; a wrong token is refused with the host's reason,
    and the console asks again instead of ending."""
    from exercise.tui.screens.dialogs import TextEntry
    from exercise.tui.team_app import TeamApp

    session, host, url, tokens = await hosted(tmp_path)
    app = TeamApp(url, "")
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, TextEntry)
            await pilot.press(*"not-a-token", "ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, TextEntry)  # the name
            await pilot.press(*"Fia", "ctrl+s")
            for _ in range(100):
                await pilot.pause(0.02)
                if isinstance(app.screen, TextEntry) and "Refused" in str(app.screen.query_one(".title").render()):
                    break
            assert "opens no seat" in str(app.screen.query_one(".title").render())
            await pilot.press(*tokens["factcheck"], "ctrl+s")
            await app.remote.until(lambda s: s.ready)
            assert ("factcheck", "Fia") in host.connected() and app.refused is None
    finally:
        await host.close()
        session.close()


def test_the_web_page_loads_nothing_from_a_third_party() -> None:
    """textual-serve's page asks Google for its fonts; the page served is derived from it with the fonts
    textual-serve ships, and a page that would still call out is refused rather than served."""
    pytest.importorskip("textual_serve", reason="textual-serve is in the test extras (pip install -e '.[web]')")
    import re

    from exercise.tui.web import PageError, local_page, local_templates

    page = (local_templates() / "app_index.html").read_text(encoding="utf-8")
    assert "googleapis" not in page and page.count("@font-face") == 2
    assert "fonts/RobotoMono-VariableFont_wght.ttf" in page
    assert not [u for u in re.findall(r"https?://[^\s\"')<>]+", page) if "w3.org/2000/svg" not in u]
    with pytest.raises(PageError, match="call out to https://cdn.example"):
        local_page('<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=X" />'
                   '<script src="https://cdn.example/x.js"></script>')
    with pytest.raises(PageError, match="no longer loads its fonts"):
        local_page("<html></html>")
