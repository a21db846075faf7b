"""Browser play: the team console served by textual-serve, opened in a real headless Chromium."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from browser_screenshot import browser, find_browser  # noqa: E402

from exercise.net.host import Host  # noqa: E402
from exercise.net.seats import new_tokens, tickets  # noqa: E402
from exercise.scenario import load_scenario  # noqa: E402
from exercise.session.clock import SessionClock  # noqa: E402
from exercise.session.live import Session  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(find_browser() is None,
                                reason="no Chromium on this machine (install the distribution's chromium package "
                                       "to run the browser check)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_a_team_plays_from_a_browser(tmp_path: Path) -> None:
    pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install -e '.[web]')")
    loaded = load_scenario(ROOT / "scenarios" / "election-week.yaml")
    session = Session(loaded, 2)
    session.start_journal(tmp_path / "j.jsonl")
    session.advance_to(7 * 60)
    tokens = new_tokens(loaded.scenario)
    joined: set[str] = set()
    host = Host(session, SessionClock(session), tickets(tokens),
                on_change=lambda: joined.update(seat for seat, _ in host.connected()))
    port = await host.start("127.0.0.1", 0)
    web = _free_port()
    token = next(t for s, t in tokens.items() if s.label == "comms")
    server = subprocess.Popen([sys.executable, "-m", "exercise", "serve-web", f"ws://127.0.0.1:{port}",
                               "--web", f"127.0.0.1:{web}", "--token", token],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = await asyncio.to_thread(server.stdout.readline)
        assert f"http://127.0.0.1:{web}/" in line
        await asyncio.sleep(1.0)  # the web server binds after it says where
        async with browser() as shoot:
            png = await shoot(f"http://127.0.0.1:{web}/", ready=lambda: bool(joined), timeout=60, settle=3.0)
        assert joined == {"comms"}  # the page's console joined, as comms
        assert png.startswith(b"\x89PNG") and len(png) > 30_000  # a drawn console, not the splash (~13 KB)
        (tmp_path / "team-console.png").write_bytes(png)
    finally:
        server.terminate()
        await asyncio.to_thread(server.wait, 20)
        await host.close()
        session.close()
