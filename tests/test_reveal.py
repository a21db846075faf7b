"""The ENDEX reveal: the facilitator pushes what really happened to the room and every team, one step at a
time; before a step, no client receives it (issue 40)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise.engine import EngineError
from exercise.scenario import load_scenario
from exercise.session import views
from exercise.session.commands import Reveal, Undo
from exercise.session.live import Session

ROOT = Path(__file__).resolve().parents[1]
ELECTION = ROOT / "scenarios" / "election-week.yaml"


def played(seed: int = 2) -> Session:
    session = Session(load_scenario(ELECTION), seed)
    session.advance_to(session.world.end)
    return session


def test_the_reveal_goes_one_step_at_a_time_and_each_step_adds_what_it_says() -> None:
    session = played()
    try:
        comms = views.team("comms")
        assert views.revealed(session, comms) is None
        with pytest.raises(EngineError, match="step 1 comes next, not 2"):
            session.submit(Reveal(step=2))
        session.submit(Reveal(step=1))
        first = views.revealed(session, comms)
        assert first is not None and first.step == 1 and first.truth and not first.objectives
        assert {t.outcome for t in first.truth} <= {"succeeded", "failed", "held off by a measure", "under way"}
        assert views.revealed(session, views.FACILITATOR) is None  # the facilitator has the debrief screen
        # Step 2: the teams' indicators become the truth (comms reads the public's trust with a lag before).
        lagged = {r.id: r.value for r in views.indicator_readings(session, views.team("police"))}
        truth = {r.id: r.value for r in views.indicator_readings(session)}
        session.submit(Reveal(step=2))
        now = {r.id: r.value for r in views.indicator_readings(session, views.team("police"))}
        assert now == truth and set(now) >= set(lagged)
        session.submit(Reveal(step=3))
        third = views.revealed(session, views.ROOM)
        assert third is not None and [o.id for o in third.objectives] == [o.id for o in
                                                                          session.loaded.scenario.objectives]
        with pytest.raises(EngineError, match="everything has been revealed already"):
            session.submit(Reveal(step=3))
        session.submit(Undo(undoes=session.last_undoable(), reason="too early"))
        assert views.revealed(session, views.ROOM).step == 2
    finally:
        session.close()


async def test_no_client_receives_the_truth_before_the_facilitator_reveals_it(tmp_path: Path) -> None:
    from conftest import start_host

    from exercise.net.client import Remote

    session = played()
    session.start_journal(tmp_path / "j.jsonl")
    from exercise.engine.events import Kind

    scenario = session.loaded.scenario
    names = {f"{c.id}.{s.id}": s.name for c in scenario.campaigns for s in c.stages}
    started = {e.data["stage"] for e in session.world.events if e.kind == Kind.STAGE_STARTED}
    detected = {e.data["stage"] for e in session.world.events if e.kind == Kind.STAGE_DETECTED}
    told = " ".join(f"{i.title} {i.body}" for i in scenario.injects)
    secrets = [names[ref] for ref in sorted(started - detected) if names[ref] not in told]
    assert secrets, "the run needs a stage the players never saw"
    secret = secrets[0]
    host, url, tokens = await start_host(session)
    received: dict[str, list[str]] = {"comms": [], "room": []}
    clients = {who: Remote(url, tokens[who], name=who, tap=received[who].append) for who in received}
    for c in clients.values():
        c.start()
    try:
        for c in clients.values():
            await c.until(lambda s: s.ready and s.now is not None)
        before = {who: "".join(texts) for who, texts in received.items()}
        for who, text in before.items():
            assert secret not in text and '"reveal":null' in text.replace(" ", ""), who
        session.submit(Reveal(step=1))
        for c in clients.values():
            await c.until(lambda s: s.now is not None and s.now.reveal is not None)
        for who, texts in received.items():
            after = "".join(texts)[len(before[who]):]
            assert secret in after, who
    finally:
        for c in clients.values():
            await c.stop()
        await host.close()
        session.close()


async def test_the_team_console_opens_each_step_and_the_room_shows_it(tmp_path: Path) -> None:
    from conftest import start_host
    from textual.widgets import Static

    from exercise.tui.room_app import RoomApp
    from exercise.tui.screens.reveal import RevealScreen
    from exercise.tui.team_app import TeamApp

    session = played()
    session.start_journal(tmp_path / "j.jsonl")
    host, url, tokens = await start_host(session)
    team, room = TeamApp(url, tokens["comms"], "Cleo"), RoomApp(url, tokens["room"])
    try:
        async with room.run_test(size=(100, 30)) as room_pilot, team.run_test(size=(80, 24)) as pilot:
            await team.remote.until(lambda s: s.ready)
            await room.remote.until(lambda s: s.ready)
            await pilot.pause()
            assert not any(isinstance(s, RevealScreen) for s in team.screen_stack)
            session.submit(Reveal(step=1))
            await team.remote.until(lambda s: s.now is not None and s.now.reveal is not None)
            await room.remote.until(lambda s: s.now is not None and s.now.reveal is not None)
            for _ in range(50):
                await pilot.pause(0.02)
                if isinstance(team.screen, RevealScreen):
                    break
            assert isinstance(team.screen, RevealScreen)
            assert "The adversary's moves:" in str(team.screen.query_one("#reveal", Static).render())
            await room_pilot.pause()
            news = room.query_one("#news", Static)
            assert news.border_title == "What really happened"
            assert "The adversary's moves:" in str(news.render())
    finally:
        await host.close()
        session.close()


async def test_shift_r_in_the_hosting_console_asks_then_reveals(tmp_path: Path) -> None:
    from conftest import console_hosting

    from exercise.net.hosting import Hosting, seating
    from exercise.tui.app import ExerciseApp
    from exercise.tui.screens.dialogs import Confirm

    session = played()
    session.start_journal(tmp_path / "j.jsonl")
    app = ExerciseApp(session, timer=False, briefing=False, hosting=Hosting("127.0.0.1", 0, None, seating(session)))
    async with app.run_test(size=(120, 40)) as pilot:
        await console_hosting(app, pilot)
        await pilot.press("R")
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await pilot.pause()
    session.close()
    assert [c.step for c in session.records if isinstance(c, Reveal)] == [1]
