"""Replays cut short, forks and resumes show the session where it stopped (issue 14, item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise.cli import main
from exercise.engine import World
from exercise.scenario import load_scenario
from exercise.session.headless import outcome
from exercise.session.journal import read_journal
from exercise.session.live import Session, replay, resume
from exercise.session.timeline import clock
from exercise.tui.app import ExerciseApp
from exercise.tui.widgets import IndicatorPanel
from exercise.session.commands import TakeMeasure

ROOT = Path(__file__).resolve().parents[1]
ELECTION = load_scenario(ROOT / "scenarios" / "election-week.yaml")
H = 60.0


@pytest.fixture
def headless_journal(tmp_path: Path) -> Path:
    result = CliRunner().invoke(main, ["simulate", "election-week", "--seed", "1",
                                       "--journal", str(tmp_path / "run.jsonl")])
    assert result.exit_code == 0, result.output
    return tmp_path / "run.jsonl"


def console_values_at(t: float) -> dict[str, float]:
    """What the console's indicator panel reads at ``t``: the world's value now."""
    world = World(ELECTION, 1)
    world.advance_to(t)
    return {i: st.at(world.now) for i, st in world.indicators.items()}


def test_a_replay_cut_at_30h_shows_the_values_the_console_showed(headless_journal: Path) -> None:
    session, _ = replay(headless_journal, until=30 * H)
    shown = outcome(session.world)
    assert shown.final == pytest.approx(console_values_at(30 * H))
    # Nothing past the cut: the lowest value is the lowest up to T+30h, not an extrapolated drift.
    full = World(ELECTION, 1)
    full.run()
    for ident, low in shown.lowest.items():
        assert low >= full.indicators[ident].extremes(0, full.end)[0] - 1e-9
        assert low == pytest.approx(full.indicators[ident].extremes(0, 30 * H)[0])


def test_the_replay_cli_table_is_headed_with_the_stop(headless_journal: Path) -> None:
    result = CliRunner().invoke(main, ["replay", str(headless_journal), "--until", "30h"])
    assert result.exit_code == 0, result.output
    assert "stopped at T+1d 06:00" in result.stdout.splitlines()[0]
    assert "Indicators at T+1d 06:00" in result.stdout
    trust = console_values_at(30 * H)["public_trust"]
    row = next(line for line in result.stdout.splitlines() if "public_trust" in line and "│" in line)
    assert f"{trust:.2f}" == row.split("│")[2].strip()


def test_a_fork_of_a_headless_journal_resumes_at_the_fork(headless_journal: Path, tmp_path: Path) -> None:
    for at, minutes in (("27h", 27 * H), ("1d", 24 * H)):
        fork = tmp_path / f"fork-{at}.jsonl"
        result = CliRunner().invoke(main, ["replay", str(headless_journal), "--fork-at", at, "-o", str(fork)])
        assert result.exit_code == 0, result.output
        assert f"forked at {clock(minutes)}" in result.stdout
        session = resume(fork)
        assert session.world.now == minutes
        session.close()


def test_a_fork_past_the_end_says_where_it_forked(headless_journal: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["replay", str(headless_journal), "--fork-at", "99d",
                                       "-o", str(tmp_path / "late.jsonl")])
    assert result.exit_code == 0
    assert "forked at T+4d 00:00" in result.stdout and "T+99d" not in result.stdout
    assert "the exercise ends at T+4d 00:00" in result.stderr


def test_a_replay_of_a_live_session_is_not_headed_nobody_acts(tmp_path: Path) -> None:
    session = Session(ELECTION, 2)
    session.start_journal(tmp_path / "live.jsonl")
    session.advance_to(2 * H)
    session.submit(TakeMeasure(team="csirt", response="NAT-02", note="harden"))
    session.close()
    result = CliRunner().invoke(main, ["replay", str(tmp_path / "live.jsonl")])
    first = result.stdout.splitlines()[0]
    assert "nobody acts" not in first and "1 decision by players" in first


async def test_resume_keeps_the_speed_and_what_was_read(tmp_path: Path) -> None:
    session = Session(ELECTION, 2)
    session.start_journal(tmp_path / "j.jsonl")
    app = ExerciseApp(session, timer=False, briefing=False, speed=30)
    async with app.run_test() as pilot:
        await pilot.press("n")
        app.advance(10 * H)  # several injects in one step: only the newest is highlighted, and so read
        await pilot.pause()
        read_before = set(app.seen_keys) - app.unread
        unread_before = set(app.unread)
        assert read_before and unread_before
    session.close()
    again = resume(tmp_path / "j.jsonl")
    assert again.last_speed() == 30
    app = ExerciseApp(again, timer=False, briefing=False, speed=again.last_speed())
    async with app.run_test():
        assert app.speed == 30
        assert app.unread == unread_before
        assert app.screen.query_one(IndicatorPanel) is not None
    again.close()
    assert read_journal(tmp_path / "j.jsonl").records[0].kind == "clock"
