"""Snapshots of the key screens at a fixed seed and time (pytest-textual-snapshot).

After an intended change to the look: pytest tests/test_snapshots.py --snapshot-update,
then review the SVGs in tests/__snapshots__/ before committing.
"""

from __future__ import annotations

from pathlib import Path

from exercise.scenario import load_scenario
from exercise.session.live import Session
from exercise.tui.app import ExerciseApp
from exercise.session.commands import Note, Rating, TakeMeasure

ROOT = Path(__file__).resolve().parents[1]


def app(tmp_path: Path, *, briefing: bool) -> ExerciseApp:
    session = Session(load_scenario(ROOT / "scenarios" / "election-week.yaml"), 2)
    session.start_journal(tmp_path / "j.jsonl")
    return ExerciseApp(session, timer=False, briefing=briefing, speed=5)


def test_briefing(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(app(tmp_path, briefing=True), terminal_size=(80, 24))


def test_console(snap_compare, tmp_path: Path) -> None:
    the_app = app(tmp_path, briefing=False)

    async def play(pilot) -> None:
        await pilot.press("n", "n", "n", "n")
        the_app.session.submit(TakeMeasure(team="csirt", response="NAT-02", note="harden"))
        the_app.redraw()
        await pilot.pause()

    assert snap_compare(the_app, terminal_size=(100, 30), run_before=play)


def test_debrief(snap_compare, tmp_path: Path) -> None:
    the_app = app(tmp_path, briefing=False)

    async def play(pilot) -> None:
        the_app.session.submit(Note(text="Comms waited for forensics before debunking."))
        the_app.advance(the_app.session.world.end)
        the_app.session.submit(Rating(objective="OBJ-4", rating="M", comment="no EU-level step"))
        await pilot.press("d")
        await pilot.pause()

    assert snap_compare(the_app, terminal_size=(100, 40), run_before=play)
