"""Each channel form as the team console draws it, at 80x24 and 160x45 (pytest-textual-snapshot), from a
real host on loopback: what a player sees of a post, an article, an email, a call, a broadcast, an
official alert and a chat."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot

from exercise.net.host import Host
from exercise.net.seats import new_tokens, tickets
from exercise.scenario import load_scenario
from exercise.session.clock import SessionClock
from exercise.session.commands import Deliver
from exercise.session.live import Session
from exercise.tui.team_app import TeamApp

DATA = Path(__file__).resolve().parent / "data"


class HostThread:
    """The host on its own loop in a thread, as `exercise serve` runs it beside the players' screens."""

    def __init__(self, session: Session, tokens: dict) -> None:
        self.loop = asyncio.new_event_loop()
        self.host = Host(session, SessionClock(session), tickets(tokens))
        self.port = 0
        started = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.port = self.loop.run_until_complete(self.host.start("127.0.0.1", 0))
            started.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        started.wait(10)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.host.close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
@pytest.mark.parametrize("inject", ["SOCIAL", "NEWS", "EMAIL", "PHONE", "TV", "OFFICIAL", "CHAT"])
def test_the_team_console_draws_each_channel_as_its_form(snap_compare, tmp_path: Path, inject: str,
                                                         size: tuple[int, int]) -> None:
    session = Session(load_scenario(DATA / "channels.yaml"), 1)
    session.start_journal(tmp_path / "j.jsonl")
    session.submit(Deliver(inject=inject))
    tokens = new_tokens(session.loaded.scenario)
    host = HostThread(session, tokens)
    token = next(t for seat, t in tokens.items() if seat.label == "comms")
    app = TeamApp(f"ws://127.0.0.1:{host.port}", token, "Cleo")

    async def shown(pilot: Pilot) -> None:
        await app.remote.until(lambda s: s.ready and bool(s.injects()))
        await pilot.pause()
        await pilot.press("escape")  # the briefing shown on joining
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=size, run_before=shown)
    finally:
        host.close()
        session.close()
