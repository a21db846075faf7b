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
from browser_screenshot import browser, find_browser

from exercise.net.host import Host
from exercise.net.seats import new_tokens, tickets
from exercise.scenario import load_scenario
from exercise.session.clock import SessionClock
from exercise.session.commands import Deliver
from exercise.session.live import Session

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.slow, pytest.mark.skipif(find_browser() is None,
                                reason="no Chromium on this machine (install the distribution's chromium package "
                                       "to run the browser check)")]


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
    # The EDMO hub's email is in the feed by T+7h; the deepfake post comes now, the newest item, which the
    # page shows drawn as a post.
    session.submit(Deliver(inject="INJ-05"))
    tokens = new_tokens(loaded.scenario)
    joined: set[str] = set()
    host = Host(session, SessionClock(session), tickets(tokens),
                on_change=lambda: joined.update(seat for seat, _ in host.connected()))
    port = await host.start("127.0.0.1", 0)
    web = _free_port()
    token = next(t for s, t in tokens.items() if s.label == "comms")
    server = subprocess.Popen([sys.executable, "-m", "exercise", "serve-web", f"ws://127.0.0.1:{port}",
                               "--web", f"127.0.0.1:{web}"],  # the kiosk's token in the environment, off 'ps'
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "PYTHONUNBUFFERED": "1", "EXERCISE_TOKEN": token})
    try:
        line = await asyncio.to_thread(server.stdout.readline)
        assert f"http://127.0.0.1:{web}/" in line and token not in line
        await asyncio.sleep(1.0)  # the web server binds after it says where
        async with browser(offline=True) as shoot:  # as on an air-gapped network
            # Escape closes the briefing shown on joining: the picture is the console, the post drawn in it.
            png = await shoot(f"http://127.0.0.1:{web}/", ready=lambda: bool(joined), timeout=60, settle=3.0,
                              press=("Escape",))
            asked = list(shoot.requests)
        assert joined == {"comms"}  # the page's console joined, as comms
        # Nothing but this machine was asked for anything: no fonts from a third party, no player's address sent.
        assert asked and all(url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:")) for url in asked), asked
        assert any(url.endswith(".ttf") for url in asked)  # the fonts came from the page's own server
        assert png.startswith(b"\x89PNG") and len(png) > 30_000  # a drawn console, not the splash (~13 KB)
        (tmp_path / "team-console.png").write_bytes(png)
        if os.environ.get("EXERCISE_SCREENSHOTS"):  # to look at it: EXERCISE_SCREENSHOTS=DIR pytest ...
            Path(os.environ["EXERCISE_SCREENSHOTS"], "team-console-post.png").write_bytes(png)
    finally:
        server.terminate()
        await asyncio.to_thread(server.wait, 20)
        await host.close()
        session.close()


@pytest.mark.parametrize("paper", ["a4", "letter"])
async def test_the_html_report_prints_marked_numbered_with_repeating_headers(tmp_path: Path, paper: str) -> None:
    import io

    from pypdf import PdfReader

    from exercise.report.sections import report_of
    from exercise.report.render import to_html
    from exercise.scenario.playbook import load_playbook

    loaded = load_scenario(ROOT / "scenarios" / "election-week.yaml")
    book = ROOT / "scenarios" / "playbooks" / "election-week-passive.yaml"
    session = Session(loaded, 3, load_playbook(book, loaded)[0], book)
    session.advance_to(session.world.end)
    report = report_of(session, tlp="RED")
    html = tmp_path / "aar.html"
    html.write_text(to_html(report), encoding="utf-8")
    async with browser() as page:
        pdf = await page.pdf(html.as_uri(), paper=paper)
    reader = PdfReader(io.BytesIO(pdf))
    texts = [p.extract_text() for p in reader.pages]
    for number, text in enumerate(texts, start=1):
        assert "TLP:RED - EXERCISE - NOT REAL" in text and f"Page {number} of {len(texts)}" in text, number
    start = next(i for i, t in enumerate(texts) if "Appendix A: Improvement plan" in t)
    end = next(i for i, t in enumerate(texts) if "Appendix B" in t)
    plan_pages = range(start, end)  # the plan is on pages of its own (landscape)
    assert len(plan_pages) > 1  # long enough to break: the header must come back
    for i in plan_pages:
        assert "Core capability Issue / area for improvement Corrective action" in texts[i].replace("\n", " "), i
        box = reader.pages[i].mediabox
        assert box.width > box.height  # the plan prints across the page
