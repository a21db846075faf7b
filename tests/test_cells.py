"""Cells: each an `exercise serve` process with its own journal and tokens; a control seat per cell; one console
for all; a killed cell leaves the others playing and resumes from its journal (issue 41)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from exercise.net.cells import Cell, plan, revive
from exercise.scenario import load_scenario
from exercise.session.commands import AdhocInject, Clock, TakeMeasure
from exercise.session.live import Session

ROOT = Path(__file__).resolve().parents[1]
ELECTION = ROOT / "scenarios" / "election-week.yaml"


def free_ports(count: int) -> int:
    """A base port with ``count`` free ports from it."""
    for base in range(41000, 60000, 97):
        try:
            held = []
            for k in range(count):
                s = socket.socket()
                s.bind(("127.0.0.1", base + k))
                held.append(s)
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
        return base
    raise RuntimeError("no free ports")


async def test_the_control_seat_pauses_resumes_and_injects_but_plays_no_team(tmp_path: Path) -> None:
    from conftest import start_host

    from exercise.net.client import CommandError, Remote
    from exercise.session import views

    session = Session(load_scenario(ELECTION), 1)
    session.start_journal(tmp_path / "j.jsonl")
    host, url, tokens = await start_host(session)
    control = Remote(url, tokens["control"], name="director")
    control.start()
    try:
        await control.until(lambda s: s.ready and s.now is not None)
        assert control.state.welcome.team_name == "exercise control"
        await control.send(Clock(action="resume"))
        assert host.clock.running
        await control.send(Clock(action="pause"))
        assert not host.clock.running
        await control.send(AdhocInject(title="Power cut at the ministry", body="Work from the backup site.",
                                       to=["all"], severity="high"))
        assert any(e.data.get("title") == "Power cut at the ministry" for e in views.events_for(session, views.ROOM))
        with pytest.raises(CommandError, match="exercise control's seat pauses and resumes"):
            await control.send(TakeMeasure(team="comms", response="FIMI-04"))
    finally:
        await control.stop()
        await host.close()
        session.close()
    kinds = [json.loads(x)["kind"] for x in (tmp_path / "j.jsonl").read_text(encoding="utf-8").splitlines()[1:]]
    assert kinds.count("clock") >= 2 and "inject" in kinds


async def test_a_killed_cell_leaves_the_others_playing_and_resumes_from_its_journal(tmp_path: Path) -> None:
    from exercise.net.client import Remote

    base = free_ports(3)
    cells = plan(str(ELECTION), 3, "127.0.0.1", base, tmp_path, seed=2, paired=False, extra=["--speed", "120"])
    try:
        for cell in cells:
            cell.start()
        assert {c.url for c in cells} == {f"ws://127.0.0.1:{base + k}" for k in range(3)}
        watchers = [Remote(c.url, c.control_token(), name="control") for c in cells]
        comms = Remote(cells[1].url, _token(cells[1], "comms"), name="Cleo")
        for r in (*watchers, comms):
            r.start()
        try:
            for r in (*watchers, comms):
                await r.until(lambda s: s.ready and s.now is not None, timeout=30)
            ack = await comms.send(TakeMeasure(team="comms", response="FIMI-06", note="prebunk"))
            assert ack.kind == "decision"  # acknowledged: on disk in cell-2's journal
            cells[1].kill()
            # The other cells play on: their clocks move after the kill.
            for r in (watchers[0], watchers[2]):
                before = r.state.now.clock.now
                await r.until(lambda s, b=before: s.now is not None and s.now.clock.now > b + 30, timeout=30)
            assert not cells[1].alive() and cells[0].alive() and cells[2].alive()
            assert revive(cells) == ["cell-2"] and cells[1].alive() and cells[1].restarts == 1
            # The killed cell is back from its journal, the acknowledged measure in it; the screens rejoin.
            await comms.until(lambda s: s.connected and s.now is not None
                              and any(m.response == "FIMI-06" for m in s.now.measures), timeout=30)
        finally:
            for r in (*watchers, comms):
                await r.stop()
    finally:
        for cell in cells:
            cell.stop()
    records = [json.loads(x) for x in cells[1].journal.read_text(encoding="utf-8").splitlines()[1:]]
    assert [(r["kind"], r["response"]) for r in records if r["kind"] == "decision"] == [("decision", "FIMI-06")]


def _token(cell: Cell, label: str) -> str:
    from exercise.net.seats import load_tickets, seats_path

    _, tokens = load_tickets(seats_path(cell.journal))
    return next(token for seat, token in tokens.items() if seat.label == label)


async def test_the_cohort_console_shows_every_cell_and_pauses_and_resumes_them_all(tmp_path: Path) -> None:
    from conftest import start_host
    from textual.widgets import DataTable

    from exercise.tui.cohort_app import CohortApp

    hosts, sessions, cells = [], [], []
    for k in (1, 2):
        session = Session(load_scenario(ELECTION), 1)
        session.start_journal(tmp_path / f"c{k}.jsonl")
        host, url, tokens = await start_host(session)
        hosts.append(host)
        sessions.append(session)
        cells.append((f"cell-{k}", url, tokens["control"]))
    app = CohortApp(cells)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            for remote in app.remotes:
                await remote.until(lambda s: s.ready and s.now is not None)
            await pilot.pause()
            table = app.query_one("#cells", DataTable)
            assert table.row_count == 2 and str(table.get_row_at(0)[1]) == "PAUSED"
            await pilot.press("space")
            for remote in app.remotes:
                await remote.until(lambda s: s.now is not None and s.now.clock.running)
            assert all(h.clock.running for h in hosts)
            await pilot.press("space")
            for remote in app.remotes:
                await remote.until(lambda s: s.now is not None and not s.now.clock.running)
            assert not any(h.clock.running for h in hosts)
    finally:
        for host, session in zip(hosts, sessions, strict=True):
            await host.close()
            session.close()


def test_cohort_connect_reads_each_cells_control_token_from_the_tokens_file(tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from exercise.cli import main
    from exercise.tui import cohort_app

    seen = []
    monkeypatch.setattr(cohort_app.CohortApp, "run", lambda self: seen.append(
        [(name, r.url, r.token) for name, r in zip(self.names, self.remotes, strict=True)]))
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("ws://10.0.0.1:8765 tokA\nws://10.0.0.2:8765 tokB\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["cohort", "--connect", "ws://10.0.0.1:8765", "--connect", "ws://10.0.0.2:8765",
                                       "--tokens-file", str(tokens)])
    assert result.exit_code == 0, result.output
    assert seen == [[("cell-1", "ws://10.0.0.1:8765", "tokA"), ("cell-2", "ws://10.0.0.2:8765", "tokB")]]
    missing = CliRunner().invoke(main, ["cohort", "--connect", "ws://10.0.0.3:8765", "--tokens-file", str(tokens)])
    assert missing.exit_code == 2 and "no control token for ws://10.0.0.3:8765" in missing.output
