"""The console's decisions, pickers and panels as a facilitator uses them (issue 14, item 6)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from exercise.report.sections import report_of
from exercise.scenario import load_scenario
from exercise.session.clock import default_speed
from exercise.session.journal import read_journal
from exercise.session.live import Session, replay
from exercise.tui.app import ExerciseApp
from exercise.tui.screens.briefing import BriefingScreen
from exercise.tui.screens.console import ConsoleScreen
from exercise.tui.screens.dialogs import Confirm, DecisionModal, Pick
from exercise.tui.screens.respond import ResponsePicker
from exercise.tui.widgets import Feed, ResponsesPanel
from exercise.session.commands import AnswerDecision, TakeMeasure

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
H = 60.0


def session_of(tmp_path: Path, scenario: Path, seed: int = 1) -> Session:
    session = Session(load_scenario(scenario), seed)
    session.start_journal(tmp_path / "j.jsonl")
    return session


def two_at_once(tmp_path: Path) -> Path:
    """timing.yaml with a second decision opening at the same minute as ASK."""
    text = (DATA / "timing.yaml").read_text(encoding="utf-8")
    second = text[text.index("  - id: ASK"):text.index("responses:\n  custom:")]
    second = second.replace("id: ASK", "id: ASK2").replace("Keep the shield up?", "Tell the press?")
    path = tmp_path / "two.yaml"
    path.write_text(text.replace("responses:\n  custom:", second + "responses:\n  custom:"), encoding="utf-8")
    return path


async def test_a_lapsed_decision_is_told_in_the_feed_and_by_c(tmp_path: Path) -> None:
    session = session_of(tmp_path, DATA / "lab.yaml")
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test() as pilot:
        app.advance(100)  # SEEN's decision opens at T+90m
        await pilot.pause()
        await pilot.press("escape")  # decide later
        app.advance(60)  # its deadline, T+150m, passes
        await pilot.pause()
        titles = [item.title for item in app.feed_items()]
        assert any("the deadline passed; the default applies: Later" in t for t in titles), titles
        await pilot.press("c")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any("default 'later' applied" in m for m in said), said
        assert not any(m == "No decision is waiting." for m in said)


async def test_two_decisions_at_once_are_both_put_with_a_count(tmp_path: Path) -> None:
    session = session_of(tmp_path, two_at_once(tmp_path))
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.advance(8 * H + 1)
        await pilot.pause()
        assert isinstance(app.screen, DecisionModal) and app.screen.inject == "ASK"
        assert "2 decisions waiting" in str(app.screen.query_one(".title").render())
        await pilot.press("enter")  # keep
        await pilot.pause()
        assert isinstance(app.screen, DecisionModal) and app.screen.inject == "ASK2"
        await pilot.press("escape")
    assert session.world.decisions == {"ASK": "keep"}


async def test_a_decision_takes_a_rationale_and_shows_its_measure(tmp_path: Path) -> None:
    session = session_of(tmp_path, DATA / "timing.yaml")
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.advance(8 * H + 1)
        await pilot.pause()
        modal = app.screen
        labels = [str(o.prompt) for o in modal.query_one("#options").options]
        assert labels[0] == "Keep it up  → takes SHIELD Emergency shield"
        assert labels[1] == "Let it lapse  (takes no measure)"
        modal.query_one("#why").focus()
        await pilot.press(*"outage risk", "enter")
    record = read_journal(session.writer.path).records[-1]
    assert (record.kind, record.option, record.note) == ("choice", "keep", "outage risk")
    assert record.shown_at is not None


async def test_a_long_prompt_wraps(tmp_path: Path) -> None:
    text = (DATA / "timing.yaml").read_text(encoding="utf-8").replace(
        "      prompt: Keep the shield up?", "      prompt: " + "Keep the shield up while the ministry checks " * 4 + "end?")
    (tmp_path / "long.yaml").write_text(text, encoding="utf-8")
    session = session_of(tmp_path, tmp_path / "long.yaml")
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.advance(8 * H + 1)
        await pilot.pause()
        prompt = app.screen.query_one(".prompt")
        assert prompt.region.height >= 2 and prompt.region.width <= 80
        assert str(prompt.render()).rstrip().endswith("end?")


async def test_q_on_the_briefing_asks_to_quit(tmp_path: Path) -> None:
    session = session_of(tmp_path, DATA / "lab.yaml")
    app = ExerciseApp(session, timer=False, briefing=True)
    async with app.run_test() as pilot:
        assert isinstance(app.screen, BriefingScreen)
        await pilot.press("q")
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
    assert app.return_value == session.writer.path


async def test_typing_in_the_picker_searches(tmp_path: Path) -> None:
    session = session_of(tmp_path, ROOT / "scenarios" / "election-week.yaml", seed=2)
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test() as pilot:
        await pilot.press("r")
        assert isinstance(app.screen, ResponsePicker)
        await pilot.press(*"cdt")
        assert app.screen.query_one("#search").value == "cdt"
        options = app.screen.query_one("#measures").options
        assert options and all(o.id.startswith("CDT") for o in options)


async def test_deliver_now_lists_injects_by_due_time(tmp_path: Path) -> None:
    session = session_of(tmp_path, ROOT / "scenarios" / "election-week.yaml", seed=2)
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test() as pilot:
        await pilot.press("i")
        assert isinstance(app.screen, Pick)
        injects = {i.id: i for i in session.loaded.scenario.injects}
        due = [injects[ident].at for ident, _ in app.screen.choices]
        timed = [t for t in due if t is not None]
        assert timed == sorted(timed) and due[: len(timed)] == timed  # by time, those on a trigger last


async def test_at_80x24_panels_keep_what_matters(tmp_path: Path) -> None:
    session = session_of(tmp_path, ROOT / "scenarios" / "election-week.yaml", seed=2)
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n", "n")
        session.submit(TakeMeasure(team="csirt", response="NAT-02"))
        app.redraw()
        await pilot.pause()
        console = app.screen
        assert isinstance(console, ConsoleScreen)
        for ident in ("#feed", "#detail", "#indicators", "#responses"):
            assert console.query_one(ident).border_title, ident
        feed = console.query_one(Feed)
        for item in app.feed_items():  # at least 30 characters of each title are on screen
            shown = feed.prompt(item.key).plain
            room = feed.content_region.width - 2 - len(shown.split(" ", 2)[1]) - 1
            assert room >= 30, room
        table = console.query_one(ResponsesPanel)
        columns = list(table.columns.values())
        visible = table.content_region.width
        assert [str(c.label) for c in columns[:3]] == ["measure", "status", "effect"]
        assert sum(c.get_render_width(table) for c in columns[:3]) <= visible


@pytest.mark.parametrize("duration, play_time", [("16d", "3h"), ("4d", "3h"), ("2d", "2h"), ("1d", "4h")])
def test_the_default_speed_covers_the_scenario_in_the_planned_session(tmp_path: Path, duration: str,
                                                                       play_time: str) -> None:
    text = (DATA / "lab.yaml").read_text(encoding="utf-8").replace(
        "  duration: 2d\n", f"  duration: {duration}\n  play_time: {play_time}\n")
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    session = Session(load_scenario(tmp_path / "s.yaml"), 1)
    m = session.loaded.scenario.metadata
    real_minutes = m.duration / default_speed(session.loaded.scenario) / 60
    planned = m.play_time
    assert 0.9 * planned <= real_minutes <= planned, (real_minutes, planned)


def test_the_report_counts_deliberation_while_the_clock_was_paused(tmp_path: Path) -> None:
    session = session_of(tmp_path, DATA / "timing.yaml")
    session.advance_to(8 * H + 1)
    shown = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=7)
    session.submit(AnswerDecision(inject="ASK", option="keep", note="outage risk", shown_at=shown.isoformat(timespec="seconds")))
    session.close()
    rebuilt, journal = replay(tmp_path / "j.jsonl")
    report = report_of(rebuilt, journal.header)
    [row] = report.decisions
    assert row.inject == "ASK" and row.option == "keep" and row.rationale == "outage risk"
    assert row.deliberation in ("7m", "8m")  # real minutes, while simulated time stood still
