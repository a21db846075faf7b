"""The facilitator console, driven with Textual's Pilot (no timer: ticks are posted by the test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise.scenario import load_scenario
from exercise.session.clock import SPEEDS
from exercise.session.journal import read_journal
from exercise.session.live import Session
from exercise.tui.app import TICK, ExerciseApp
from exercise.tui.messages import Tick
from exercise.tui.screens.briefing import BriefingScreen
from exercise.tui.screens.console import ConsoleScreen
from exercise.tui.screens.debrief import DebriefScreen
from exercise.tui.screens.dialogs import Confirm, DecisionModal
from exercise.tui.screens.hotwash import HotwashScreen
from exercise.tui.screens.respond import ResponsePicker
from exercise.tui.widgets import Feed

ROOT = Path(__file__).resolve().parents[1]


def new_session(tmp_path: Path, scenario: str = "scenarios/election-week.yaml", seed: int = 2) -> Session:
    session = Session(load_scenario(ROOT / scenario), seed)
    session.start_journal(tmp_path / "j.jsonl")
    return session


def kinds(session: Session) -> list[str]:
    """The journal's records after the console's opening speed record, leaving out feed items read."""
    records = read_journal(session.writer.path).records
    assert records[0].kind == "clock" and records[0].action == "speed"  # a resume starts at this speed
    return [r.kind + (":" + r.action if r.kind == "clock" else "") for r in records[1:] if r.kind != "read"]


async def test_briefing_then_console_and_the_clock(tmp_path: Path) -> None:
    session = new_session(tmp_path)
    app = ExerciseApp(session, timer=False, speed=10)
    async with app.run_test() as pilot:
        assert isinstance(app.screen, BriefingScreen)
        await pilot.press("enter")
        assert isinstance(app.screen, ConsoleScreen) and app.running
        app.post_message(Tick())
        await pilot.pause()
        assert session.world.now == pytest.approx(10 * TICK)
        await pilot.press("space")
        assert not app.running
        app.post_message(Tick())
        await pilot.pause()
        assert session.world.now == pytest.approx(10 * TICK)  # paused: ticks do nothing
        await pilot.press("plus")
        assert app.speed == SPEEDS[SPEEDS.index(10) + 1]
        await pilot.press("minus", "minus")
        assert app.speed == SPEEDS[SPEEDS.index(10) - 1]
    assert kinds(session) == ["clock:resume", "clock:reached", "clock:pause", "clock:speed", "clock:speed",
                              "clock:speed"]
    # The running clock marked where it got (2.5 minutes on): a host killed now resumes there.
    reached = [r for r in read_journal(session.writer.path).records if r.kind == "clock" and r.action == "reached"]
    assert [r.value for r in reached] == [pytest.approx(10 * TICK)]


async def test_next_inject_stops_at_each_delivery(tmp_path: Path) -> None:
    session = new_session(tmp_path)
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test() as pilot:
        await pilot.press("n")
        assert session.world.delivered == {"INJ-01"} and session.world.now == 0
        await pilot.press("n")
        delivered = [e for e in session.world.events if e.kind == "inject.delivered"]
        assert len(delivered) == 2 and delivered[-1].t == session.world.now
        feed = app.screen.query_one(Feed)
        assert feed.option_count == 2 and feed.highlighted == 0  # newest first, and followed


async def test_taking_a_response_pending_then_active(tmp_path: Path) -> None:
    session = new_session(tmp_path)
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test() as pilot:
        assert app.team == "csirt"
        await pilot.press("r")
        assert isinstance(app.screen, ResponsePicker)
        await pilot.press("enter")  # NAT-02, the first measure, moves focus to the rationale
        await pilot.press(*"harden", "enter")
        assert isinstance(app.screen, ConsoleScreen)
        live = session.world.live[-1]
        assert (live.response, live.status, live.note) == ("NAT-02", "pending", "harden")
        app.advance(live.effective_at - session.world.now + 1)
        assert live.status == "active"
        table = app.screen.query_one("#responses")
        assert table.row_count == 1
    assert kinds(session) == ["decision"]


async def test_the_picker_filters_and_explains(tmp_path: Path) -> None:
    session = new_session(tmp_path)
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("r")
        picker = app.screen
        measures = picker.query_one("#measures")
        assert measures.option_count == len(session.loaded.scenario.teams[0].responses) == 10
        picker.query_one("#search").value = "activate eu-cyclone"
        await pilot.pause()
        assert measures.option_count == 1
        about = picker.query_one("#about")
        assert "Would be refused: it needs a detected cyber campaign" in about.source
        await pilot.press("escape")
        assert isinstance(app.screen, ConsoleScreen)


async def test_the_picker_names_the_finding_a_measure_needs(tmp_path: Path) -> None:
    """A declaration naming the state responsible needs a national attribution decision, not a score."""
    session = new_session(tmp_path)
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test(size=(120, 40)) as pilot:
        app.team_index = [t.id for t in session.loaded.scenario.teams].index("eeas")
        await pilot.press("r")
        picker = app.screen
        picker.query_one("#search").value = "HT-14"
        await pilot.pause()
        about = " ".join(picker.query_one("#about").source.split())
        assert "Needs: a national attribution decision (not established)" in about
        assert "Would be refused: it needs a national attribution decision, not established yet" in about
        assert "Legal basis: Art. 24 and 27 TEU" in about


async def test_switch_team_and_refusal_notice(tmp_path: Path) -> None:
    session = new_session(tmp_path)
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test() as pilot:
        await pilot.press("t", "t")
        assert app.team == "comms"
        await pilot.press("r")
        await pilot.press("enter", "enter")  # FIMI-01 without a detected FIMI incident: refused
        refused = [e for e in session.world.events if e.kind == "response.refused"]
        assert refused and refused[0].data["response"] == "FIMI-01"
        assert any(e.kind == "inject.delivered" and e.data.get("generated") for e in session.world.events)


async def test_decision_point_pauses_and_asks(tmp_path: Path) -> None:
    session = new_session(tmp_path, "tests/data/lab.yaml", seed=1)
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test() as pilot:
        app.set_running(True)
        app.advance(100)  # SEEN, with its decision point, arrives at T+90m
        await pilot.pause()
        assert isinstance(app.screen, DecisionModal) and not app.running
        await pilot.press("enter")  # the first option: debunk now
        assert session.world.decisions == {"SEEN": "now"}
        assert any(e.kind == "response.taken" and e.data["response"] == "FIMI-04" for e in session.world.events)
    assert "choice" in kinds(session)


async def test_note_adhoc_inject_and_deliver_now(tmp_path: Path) -> None:
    session = new_session(tmp_path)
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("o", *"Comms hesitates", "ctrl+s")
        assert session.notes[-1].text == "Comms hesitates"
        await pilot.press("a", *"Minister calls", "ctrl+s")
        assert session.world.events[-1].data["title"] == "Minister calls"
        await pilot.press("i", "enter")  # the first scheduled inject not yet delivered
        assert session.world.events[-1].data["cause"] == "facilitator"
    assert kinds(session) == ["note", "inject", "deliver"]


async def test_an_adhoc_inject_goes_to_the_chosen_teams_through_a_channel(tmp_path: Path) -> None:
    from textual.widgets import Select, SelectionList

    from exercise.session.views import events_for, team

    session = new_session(tmp_path)
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("a", *"The operator calls")
        dialog = app.screen
        dialog.query_one("#to", SelectionList).select("csirt")
        dialog.query_one("#to", SelectionList).select("comms")
        dialog.query_one("#channel", Select).value = "phone"
        await pilot.press("ctrl+s")
        last = session.world.events[-1]
        assert last.data["title"] == "The operator calls" and last.data["to"] == ["csirt", "comms"]
        assert last.data["channel"] == "phone"
    seen = [e for e in events_for(session, team("csirt")) if e.data.get("title") == "The operator calls"]
    assert seen and seen[0].data["channel"] == "phone"
    assert not [e for e in events_for(session, team("election")) if e.data.get("title") == "The operator calls"]


async def test_hotwash_rates_objectives(tmp_path: Path) -> None:
    session = new_session(tmp_path)
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        assert isinstance(app.screen, HotwashScreen)
        # Every objective on one 80x24 screen, focus on the first.
        rows = list(app.screen.query(".rating"))
        assert len(rows) == len(session.loaded.scenario.objectives) == 5
        assert all(row.region.bottom <= 23 for row in rows), [row.region for row in rows]
        assert app.focused is rows[0]
        await pilot.press("down", "down", "down", "s")  # OBJ-4
        assert "rating: S Performed with Some Challenges" in str(app.screen.query_one("#chosen-OBJ-4").render())
        app.screen.query_one("#comment-OBJ-4").value = "EU level reached late"
        await pilot.press("ctrl+s")
        assert session.ratings["OBJ-4"].rating == "S"
        assert session.ratings["OBJ-4"].comment == "EU level reached late"
        # Reopened after a rating, the hot wash shows it (it used to crash, reading the Rating as a dict).
        await pilot.press("h")
        assert isinstance(app.screen, HotwashScreen)
        assert "rating: S Performed with Some Challenges" in str(app.screen.query_one("#chosen-OBJ-4").render())
        assert app.screen.query_one("#comment-OBJ-4").value == "EU level reached late"
        await pilot.press("escape")
        await pilot.press("d")
        assert isinstance(app.screen, DebriefScreen)


async def test_quit_asks_and_names_the_journal(tmp_path: Path) -> None:
    session = new_session(tmp_path)
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test() as pilot:
        await pilot.press("q")
        assert isinstance(app.screen, Confirm)
        assert str(session.writer.path) in app.screen.detail
        await pilot.press("escape")
        assert isinstance(app.screen, ConsoleScreen)
        await pilot.press("q", "y")
    assert app.return_value == session.writer.path


async def test_end_of_exercise_and_export(tmp_path: Path) -> None:
    session = new_session(tmp_path)
    session.decision_rule = "timed"  # no decision stops the clock: it runs to the end, and stops there
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test() as pilot:
        app.set_running(True)
        app.advance(session.world.end)
        assert session.world.finished and not app.running
        await pilot.press("d")
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
    exported = tmp_path / "j.aar.html"
    assert exported.exists() and app.exported == exported
    assert (tmp_path / "j.aar.json").exists()


async def test_command_palette_lists_console_actions(tmp_path: Path) -> None:
    session = new_session(tmp_path)
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+p", *"next inj")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert session.world.delivered == {"INJ-01"}


async def test_the_palette_switches_straight_to_a_team(tmp_path: Path) -> None:
    app = ExerciseApp(new_session(tmp_path), timer=False, briefing=False)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+p", *"act for police")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.team == "police"


async def test_light_and_dark_theme(tmp_path: Path) -> None:
    app = ExerciseApp(new_session(tmp_path), timer=False, briefing=False)
    async with app.run_test() as pilot:
        before = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != before


async def test_a_deferred_decision_stays_deferred_and_can_be_reopened(tmp_path: Path) -> None:
    session = new_session(tmp_path, "tests/data/lab.yaml", seed=1)
    app = ExerciseApp(session, timer=False, briefing=False, speed=10)
    async with app.run_test() as pilot:
        app.set_running(True)
        app.advance(100)
        await pilot.pause()
        assert isinstance(app.screen, DecisionModal)
        await pilot.press("escape")  # decide later
        assert isinstance(app.screen, ConsoleScreen)
        await pilot.press("space")
        app.post_message(Tick())
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen) and app.running  # not asked again at once
        await pilot.press("c")
        assert isinstance(app.screen, DecisionModal) and not app.running
        await pilot.press("escape")
        app.set_running(True)
        app.advance(60)  # past the deadline at T+150m
        assert session.world.decisions == {"SEEN": "later"}  # the default applied


async def test_the_facilitator_ends_a_measure_marks_an_action_met_and_undoes(tmp_path: Path) -> None:
    from exercise.session.views import Kind
    from exercise.tui.screens.dialogs import Pick, TextEntry

    session = new_session(tmp_path)
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test(size=(120, 40)) as pilot:
        # Nothing to end, mark or undo yet: greyed in the footer, absent from the palette.
        assert app.check_action("undo", ()) is None and app.check_action("end_measure", ()) is None
        await pilot.press("u")
        assert isinstance(app.screen, ConsoleScreen)  # a greyed key does nothing
        await pilot.press("r", "enter", *"harden", "enter")  # csirt takes NAT-02
        assert app.check_action("undo", ()) is True
        await pilot.press("w")
        assert isinstance(app.screen, Pick)
        await pilot.press("enter")
        assert isinstance(app.screen, TextEntry)
        await pilot.press(*"withdrawn by the ministry", "ctrl+s")
        assert session.world.live[-1].status == "ended"
        app.advance(6 * 60)  # INJ-02 at 6 h expects DSA-03 from factcheck
        await pilot.pause()
        await pilot.press("m")
        assert isinstance(app.screen, Pick)
        await pilot.press("enter", *"they called the platforms", "ctrl+s")
        met = [e for e in session.world.events if e.kind == Kind.EXPECTATION_MET]
        assert met and met[-1].data["by"] == "facilitator"
        await pilot.press("u")
        assert "Undo: mark DSA-03 after INJ-02 as met" in str(app.screen.query_one(".title").render())
        await pilot.press(*"judged too early", "ctrl+s")
        assert not [e for e in session.world.events if e.kind == Kind.EXPECTATION_MET]
    assert kinds(session) == ["decision", "end_measure", "mark_met", "undo"]
    undo = read_journal(session.writer.path).records[-1]
    assert (undo.reason, undo.by.role) == ("judged too early", "facilitator")


async def test_every_action_in_the_palette_has_a_working_key(tmp_path: Path) -> None:
    from exercise.tui.actions import ACTIONS

    app = ExerciseApp(new_session(tmp_path), timer=False, briefing=False)
    async with app.run_test() as pilot:
        await pilot.pause()
        bound = {active.binding.action for active in app.screen.active_bindings.values()}
        for action in ACTIONS:
            assert f"app.{action.action}" in bound, action
            assert hasattr(app, f"action_{action.action}"), action


async def test_a_long_feed_adds_only_what_is_new_and_scrolls(tmp_path: Path) -> None:
    from exercise.session.commands import AdhocInject
    from exercise.tui.app import ClockBar

    session = new_session(tmp_path)
    for n in range(80):  # more injects than the feed has lines
        session.submit(AdhocInject(title=f"Report {n}", body="b", to=["csirt"], severity="low"))
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(Feed)
        assert feed.option_count == len(app.feed_items()) >= 80
        items = feed._items
        await pilot.press("end")  # the oldest, far below the fold: the feed scrolls to it
        assert feed.highlighted == feed.option_count - 1 and feed.scroll_y > 0
        oldest = feed.highlighted_key
        session.submit(AdhocInject(title="Late news", body="b", to=["csirt"], severity="high"))
        app.redraw()
        await pilot.pause()
        assert feed._items is items  # extended in place, not rebuilt
        assert feed.item_at(0).title == "Late news" and feed.highlighted == 0  # the newest is followed
        await pilot.press("end")
        assert feed.highlighted_key == oldest
        # Reading an item redraws its line; the count of unread in the title follows.
        unread = len(app.unread)
        await pilot.press("up")  # the second oldest: not read yet
        assert len(app.unread) == unread - 1 and f"{unread - 1} unread" in (feed.border_title or "")
        assert isinstance(app.screen.query_one(ClockBar), ClockBar)


async def test_the_clock_keeps_its_speed_and_says_when_it_cannot(tmp_path: Path) -> None:
    from exercise.tui.app import MAX_STEP, ClockBar

    session = new_session(tmp_path)
    app = ExerciseApp(session, timer=False, briefing=False, speed=10)
    now = [100.0]
    app.monotonic = lambda: now[0]
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        app.timer = True  # ticks now measure real time (the test's clock), as the running console does
        await pilot.press("space")
        for late in (TICK, 3 * TICK, TICK):  # a tick that comes late moves the world further
            start = session.world.now
            app.post_message(Tick())
            await pilot.pause()
            now[0] += late
        # One nominal tick first, then the real time since the tick before: TICK, then 3 x TICK.
        assert session.world.now == pytest.approx(10 * (TICK + TICK + 3 * TICK))
        bar = str(app.screen.query_one(ClockBar).render())
        assert "10 min/s" in bar and "cannot keep up" not in bar
        for _ in range(6):  # stalls longer than a tick makes up for: the exercise falls behind
            start = session.world.now
            app.post_message(Tick())
            await pilot.pause()
            now[0] += 4 * MAX_STEP
        assert session.world.now - start == pytest.approx(10 * MAX_STEP)
        assert "cannot keep up" in str(app.screen.query_one(ClockBar).render())


async def test_the_debrief_works_out_which_decisions_mattered_and_the_export_carries_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from textual.widgets import Markdown

    import exercise.tui.screens.debrief as debrief_screen
    from exercise.scenario.playbook import load_playbook

    monkeypatch.setattr(debrief_screen, "WHATIF_SEEDS", 40)  # enough for a finding under the FDR over ~150 comparisons
    loaded = load_scenario(ROOT / "scenarios" / "election-week.yaml")
    book = ROOT / "scenarios" / "playbooks" / "election-week-proactive.yaml"
    session = Session(loaded, 4, load_playbook(book, loaded)[0], book)
    session.start_journal(tmp_path / "j.jsonl")
    session.advance_to(session.world.end)
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d")
        assert isinstance(app.screen, DebriefScreen)
        await pilot.press("w")
        # The runs go to worker processes: the console answers keys meanwhile.
        await pilot.press("down", "down", "up")
        [running] = [w for w in app.workers if w.name == "whatif"]
        assert running.is_running, "the console waited for the what-if before answering a key"
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.whatif is not None and app.whatif.mattered
        shown = app.screen.query_one("#whatif", Markdown).source
        assert "Decisions that mattered" in shown and "would have" in shown
        await pilot.press("e")
        await app.workers.wait_for_complete()
    exported = json.loads((tmp_path / "j.aar.json").read_text(encoding="utf-8"))
    assert exported["whatif"]["mattered"][0]["sentences"]



async def test_the_debriefs_whatif_can_be_stopped(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Markdown

    import exercise.session.whatif as whatif_module

    def slow(loaded, base, chosen, seeds, progress=None, **_):
        progress(len(seeds))  # one chunk of runs done (the screen says how many of how many)...
        app.screen.action_stop_whatif()  # ...then the facilitator presses x
        progress(len(seeds))
        raise AssertionError("a stopped what-if went on")

    monkeypatch.setattr(whatif_module, "whatif", slow)
    session = Session(load_scenario(ROOT / "scenarios" / "election-week.yaml"), 4)
    session.start_journal(tmp_path / "j.jsonl")
    session.advance_to(600)
    from exercise.session.commands import TakeMeasure

    session.submit(TakeMeasure(team="csirt", response="NAT-02"))
    session.advance_to(session.world.end)
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d", "w")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Stopped: press w to run it again." in app.screen.query_one("#whatif", Markdown).source
        assert app.whatif is None
