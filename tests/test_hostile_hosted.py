"""Hostile players on other machines (issue 36): what one seat's connections may do, what an observer
may learn, and what a teammate's name can do to another member's screen. A real host on loopback."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from conftest import run_until_decision, start_host
from exercise.net import host as host_module
from exercise.net.client import Remote
from exercise.net.host import Budget, Connection
from exercise.net.seats import Seat
from exercise.scenario import load_scenario
from exercise.scenario.playbook import load_playbook
from exercise.session.clock import SessionClock
from exercise.session.live import Session
from exercise.tui.screens.dialogs import Pick, TextEntry
from exercise.tui.team_app import TeamApp

ROOT = Path(__file__).resolve().parents[1]
ELECTION = load_scenario(ROOT / "scenarios" / "election-week.yaml")
MARKUP_NAME = "[@click=app.quit]Eva[/]"


def started(tmp_path: Path, playbook: bool = False) -> Session:
    if playbook:
        path = ROOT / "scenarios" / "playbooks" / "election-week-proactive.yaml"
        session = Session(ELECTION, 7, load_playbook(path, ELECTION)[0], path)
    else:
        session = Session(ELECTION, 7)
    session.start_journal(tmp_path / "j.jsonl")
    return session


async def test_one_token_opens_at_most_its_seats_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(host_module, "RATE", 0.0)  # no refill: the seat has its burst and no more
    session = started(tmp_path)
    host, url, tokens = await start_host(session)
    many = [Remote(url, tokens["observer"], f"screen {i}") for i in range(host_module.CONNECTIONS_PER_SEAT)]
    for r in many:
        r.start()
    try:
        for r in many:
            await r.until(lambda s: s.ready)
        # A seventeenth screen on the same seat is refused, saying why.
        extra = Remote(url, tokens["observer"], "one too many")
        extra.start()
        await extra.until(lambda s: s.refused is not None)
        assert "already has 16 screens" in extra.state.refused

        async def flood(r: Remote) -> int:
            done = 0
            for i in range(5):
                try:
                    await r.send({"kind": "note", "text": f"note {i}"})
                    done += 1
                except Exception:  # noqa: BLE001 - refused: too many messages
                    pass
            return done
        taken = sum(await asyncio.gather(*(flood(r) for r in many)))
        # 16 connections x 5 notes asked: the seat's burst, shared, is all that got through.
        assert taken == host_module.BURST
        assert sum(1 for c in session.records if c.kind == "note") == host_module.BURST
    finally:
        for r in [*many, extra]:
            await r.stop()
        await host.close()
        session.close()


async def test_a_seat_writes_only_its_share_of_the_journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(host_module, "SEAT_JOURNAL_BYTES", 3000)
    session = started(tmp_path)
    host, url, tokens = await start_host(session)
    comms = Remote(url, tokens["comms"], "Anna")
    comms.start()
    try:
        await comms.until(lambda s: s.ready)
        for _ in range(2):
            await comms.send({"kind": "note", "text": "x" * 1000})
        with pytest.raises(Exception, match="written its share of the journal"):
            await comms.send({"kind": "note", "text": "x" * 1000})
        size = (tmp_path / "j.jsonl").stat().st_size
        csirt = Remote(url, tokens["csirt"], "Ben")  # another seat has its own share
        csirt.start()
        await csirt.until(lambda s: s.ready)
        await csirt.send({"kind": "note", "text": "y" * 1000})
        assert (tmp_path / "j.jsonl").stat().st_size > size
        await csirt.stop()
    finally:
        await comms.stop()
        await host.close()
        session.close()


class Stalled:
    """A peer that never reads: every send waits forever."""

    def __init__(self) -> None:
        self.aborted = False
        self.transport = self

    async def send(self, _message: str) -> None:
        await asyncio.Event().wait()

    def abort(self) -> None:
        self.aborted = True


async def test_stalled_screens_hold_nobody_up_and_are_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(host_module, "SEND_WITHIN", 0.2)
    session = started(tmp_path)
    host, url, tokens = await start_host(session)
    stalled = []
    for _ in range(8):  # eight sockets on the room's read-only token that stopped reading
        conn = Connection(Stalled(), Seat("room"), "stalled", Budget())  # type: ignore[arg-type]
        host.connections.add(conn)
        conn.sender = asyncio.get_running_loop().create_task(host._sender(conn))
        conn.due.set()
        stalled.append(conn)
    comms = Remote(url, tokens["comms"], "Anna")
    comms.start()
    try:
        await comms.until(lambda s: s.ready)
        session.advance_to(120.0)
        await comms.until(lambda s: s.now is not None and s.now.clock.now == 120.0)  # not held up by them
        for conn in stalled:
            await asyncio.wait_for(conn.sender, 5)
        assert all(conn.ws.aborted and conn not in host.connections for conn in stalled)
    finally:
        await comms.stop()
        await host.close()
        session.close()


async def test_an_observer_learns_no_seed_cause_stage_or_outcome(tmp_path: Path) -> None:
    session = started(tmp_path, playbook=True)
    host, url, tokens = await start_host(session, SessionClock(session))
    received: list[str] = []
    observer = Remote(url, tokens["observer"], "Olga", tap=received.append)
    observer.start()
    try:
        await observer.until(lambda s: s.ready)
        t = 0.0
        while not session.world.finished:
            t = min(t + 360.0, session.world.end)
            session.advance_to(t)
            last = session.world.events[-1].seq
            await observer.until(lambda s, last=last: s.seq == last, timeout=30)
    finally:
        await observer.stop()
        await host.close()
        session.close()
    kinds = set()
    for text in received:
        message = json.loads(text)
        for event in message.get("events", []):
            kinds.add(event["kind"])
            assert not {"seed", "sha256", "cause", "stage", "outcome"} & set(event["data"]), event
    assert str(session.seed) not in [str(v) for text in received for v in json.loads(text).values()]
    # It still sees how the plan went and every team's injects.
    assert {"inject.delivered", "expectation.met", "objective.judged"} <= kinds
    assert not kinds & {"stage.started", "stage.succeeded", "stage.detected", "indicator.changed"}


async def test_a_teammates_name_is_text_on_every_screen(tmp_path: Path) -> None:
    session = started(tmp_path)
    clock = SessionClock(session, speed=30)
    host, url, tokens = await start_host(session, clock)
    eva = Remote(url, tokens["election"], MARKUP_NAME)
    app = TeamApp(url, tokens["election"], "Ole")
    quits = []
    app.action_quit = lambda: quits.append(True)  # type: ignore[method-assign] - what [@click=app.quit] runs
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            eva.start()
            await eva.until(lambda s: s.ready)
            await app.remote.until(lambda s: s.ready)
            await pilot.press("escape")  # the briefing
            asked = run_until_decision(session, clock, "election")
            await app.remote.until(lambda s: bool(s.now and s.now.decisions))
            await pilot.pause()
            assert isinstance(app.screen, Pick)
            option = session.world.injects[asked].decision.options[0]
            await eva.send({"kind": "choice", "inject": asked, "option": option.id, "note": "[/]"})
            await app.remote.until(lambda s: not s.now.decisions)
            await pilot.pause()
            assert not isinstance(app.screen, (Pick, TextEntry))
            said = [n.message for n in app._notifications]
            assert f"Decision at {asked} answered by election ({MARKUP_NAME}): {option.label}" in said
            for toast in app.screen.query("Toast"):  # clicking the toast runs nothing
                await pilot.click(toast)
            for widget in app.screen.query("#status, #feed, #detail"):
                await pilot.click(widget)
            await pilot.pause()
            assert app.is_running and not quits
    finally:
        await eva.stop()
        await host.close()
        session.close()


# --- the browser page (serve-web) ---------------------------------------------------------------


def test_only_the_servers_own_page_opens_a_console() -> None:
    pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install -e '.[web]')")
    from exercise.tui.web import allowed

    own = "127.0.0.1:8000"
    assert allowed("http://127.0.0.1:8000", own, None) is None
    assert allowed("http://localhost:8000", "localhost:8000", None) is None
    assert allowed("https://ttx.example", "ttx.example", "https://ttx.example/") is None  # behind a proxy
    assert "not this server's own" in allowed("https://evil.example", own, None)
    assert "not this server's own" in allowed(None, own, None)  # no Origin: not a browser page of ours
    assert "not this server's own" in allowed("http://127.0.0.1:9999", own, None)
    # A name made to point at this machine (DNS rebinding) is not same-origin by matching itself.
    assert "not reached as" in allowed("http://evil.example:8000", "evil.example:8000", None)


async def test_a_foreign_page_and_one_page_too_many_are_refused_before_any_console_starts(
        monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install -e '.[web]')")
    import textual_serve.server
    from aiohttp import WSServerHandshakeError
    from aiohttp.test_utils import TestClient, TestServer

    from exercise.tui.web import GuardedServer

    started = []
    monkeypatch.setattr(textual_serve.server, "AppService", lambda *a, **k: started.append(a))  # a console process
    server = GuardedServer("true", host="127.0.0.1", port=8000, max_pages=0)
    async with TestClient(TestServer(await server._make_app())) as client:
        for origin, status in (("https://evil.example", 403), (f"http://{client.host}:{client.port}", 503)):
            with pytest.raises(WSServerHandshakeError) as refused:
                await client.ws_connect("/ws", headers={"Origin": origin})
            assert refused.value.status == status
    assert not started


# --- every label of every hosted screen, with the markup corpus ---------------------------------

HOSTILE = ROOT / "tests" / "hostile" / "markup.yaml"


@pytest.mark.parametrize("seat", ["comms", "observer", "room"])
async def test_every_hosted_screen_shows_markup_as_text_and_clicking_it_does_nothing(
        tmp_path: Path, seat: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widget import Widget

    from exercise.tui.room_app import RoomApp

    monkeypatch.chdir(tmp_path)  # [@click=app.screenshot('victim.txt', ...)] would write here, or in /tmp
    session = Session(load_scenario(HOSTILE), 1)
    session.start_journal(tmp_path / "j.jsonl")
    host, url, tokens = await start_host(session)
    app = RoomApp(url, tokens[seat]) if seat == "room" else TeamApp(url, tokens[seat], "[b]Eve[/b] [/]")
    ran: list[str] = []
    for action in ("quit", "screenshot", "bell"):
        monkeypatch.setattr(app, f"action_{action}", lambda *a, action=action: ran.append(action))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await app.remote.until(lambda s: s.ready)
            session.advance_to(100)  # SEEN and its decision for comms, with markup in every field
            await app.remote.until(lambda s: s.seq == session.world.events[-1].seq)
            await pilot.pause()
            for _ in range(3):  # whatever dialogs opened (briefing, decision), click them, then close them
                for widget in list(app.screen.query(Widget)):
                    if widget.region.area and widget.display:
                        await pilot.click(widget)
                await pilot.press("escape")
            if seat != "room":
                for key in ("c", "b", "d", "r"):  # decision, briefing, the observer's decisions, measures
                    await pilot.press(key)
                    await pilot.pause()
                    for widget in list(app.screen.query(Widget)):
                        if widget.region.area and widget.display:
                            await pilot.click(widget)
                    await pilot.press("escape")
            assert app.is_running and "quit" not in ran and "screenshot" not in ran
    finally:
        await host.close()
        session.close()
    assert not (tmp_path / "victim.txt").exists() and not (Path("/tmp") / "victim.txt").exists()


async def test_refusals_tell_a_team_nothing_of_others_and_its_clock_is_not_taken(tmp_path: Path) -> None:
    """M2: one neutral refusal for another team's decision, an unknown or untold target; H3: the host stamps
    when a question was put, never the client."""
    session = started(tmp_path)
    clock = SessionClock(session, speed=30)
    host, url, tokens = await start_host(session, clock)
    comms, election = Remote(url, tokens["comms"], "Anna"), Remote(url, tokens["election"], "Eva")
    for r in (comms, election):
        r.start()
    try:
        for r in (comms, election):
            await r.until(lambda s: s.ready)
        session.decision_rule = "hold"
        asked = run_until_decision(session, clock, "election")
        with pytest.raises(Exception, match=f"no decision of your team is open at {asked}"):
            await comms.send({"kind": "choice", "inject": asked, "option": "x"})
        with pytest.raises(Exception, match="no decision of your team is open at INJ-NONE"):
            await comms.send({"kind": "choice", "inject": "INJ-NONE", "option": "x"})
        for target in ("nonsense", "grid", "grid.outage"):  # unknown, not detected, or not told to comms
            with pytest.raises(Exception, match="your team knows of no detected campaign or stage"):
                await comms.send({"kind": "decision", "team": "comms", "response": "FIMI-01", "target": target})
        option = session.world.injects[asked].decision.options[0].id
        await election.until(lambda s: bool(s.now and s.now.decisions))
        with pytest.raises(Exception, match="shown_at: Value error, must give its UTC offset"):  # H3: never taken
            await election.send({"kind": "choice", "inject": asked, "option": option, "shown_at": "2020-01-01T00:00:00"})
        await election.send({"kind": "choice", "inject": asked, "option": option,
                             "shown_at": "2020-01-01T00:00:00+00:00"})  # well formed, and still not taken
        with pytest.raises(Exception, match=f"your team already answered the decision at {asked}"):
            await election.send({"kind": "choice", "inject": asked, "option": option})
    finally:
        for r in (comms, election):
            await r.stop()
        await host.close()
        session.close()
    [answer] = [c for c in session.records if c.kind == "choice"]
    assert answer.shown_at is not None and not answer.shown_at.startswith("2020")  # the host's, with its offset
    from exercise.report.sections import report_of

    assert report_of(session).decisions  # and every report still builds
