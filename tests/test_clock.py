"""The session's clock, without any screen: what a second screen following the session reads."""

from __future__ import annotations

from pathlib import Path

from exercise.scenario import load_scenario
from exercise.scenario.bundled import resolve_scenario
from exercise.session.clock import SPEEDS, SessionClock
from exercise.session.journal import read_journal
from exercise.session.live import Session


def test_the_clock_runs_journals_and_stops_at_the_end(tmp_path: Path) -> None:
    session = Session(load_scenario(resolve_scenario("election-week")), 1)
    session.start_journal(tmp_path / "j.jsonl")
    clock = SessionClock(session, speed=10)
    clock.journal_speed()
    clock.tick(1.0)
    assert session.world.now == 0  # paused: real time passing moves nothing
    clock.run(True)
    clock.tick(3.0)
    assert session.world.now == 30
    clock.faster()
    assert clock.speed == SPEEDS[SPEEDS.index(10) + 1]
    clock.run(False)
    clock.tick(3.0)
    assert session.world.now == 30
    session.advance_to(session.world.end)
    clock.run(True)
    assert not clock.running  # a finished exercise never runs
    session.close()
    records = [(r.action, r.value) for r in read_journal(tmp_path / "j.jsonl").records if r.kind == "clock"]
    # The running clock's mark of where it got to (a killed host resumes there), then the rest.
    assert records == [("speed", 10), ("resume", None), ("reached", 30.0), ("speed", 15), ("pause", None)]
