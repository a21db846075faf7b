"""The facilitator console: a Textual app around one journaled Session.

The clock is the session's (``session/clock.py``); the console drives it: a
``set_interval`` posts ``Tick`` messages (queued ticks collapse into one), and
each tick moves the clock by the tick's length. SimPy stays on this loop's
thread; the report is built here too, and only written by a worker.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding

from exercise.session import commands
from exercise.session.clock import SessionClock
from exercise.session.commands import (
    REVEAL_STEPS, AnswerDecision, Command, Defer, Deliver, EndMeasure, MarkMet, Note, Read, Reveal, TakeMeasure,
    TakeSeat, Undo,
)
from exercise.session.journal import now_iso
from exercise.session.live import EngineError, Session
from exercise.session.timeline import clock
from exercise.session import views
from exercise.session.views import (
    FACILITATOR, Kind, events_for, measures_under_way, open_expectations, revealed_step, team,
)
from exercise.tui.commands import ExerciseCommands
from exercise.tui.hostlink import HostLink
from exercise.tui.messages import SessionChanged, Tick
from exercise.tui.plain import PlainApp
from exercise.tui.screens.briefing import BriefingScreen
from exercise.tui.screens.console import ConsoleScreen
from exercise.tui.screens.debrief import DebriefScreen
from exercise.tui.screens.dialogs import AdhocInject, Confirm, DecisionModal, Info, Pick, TextEntry
from exercise.tui.screens.hotwash import HotwashScreen
from exercise.tui.screens.respond import ResponsePicker
from exercise.tui.widgets import ClockBar, Feed, FeedItem, IndicatorPanel, InjectDetail, ResponsesPanel

if TYPE_CHECKING:
    from exercise.report.model import Report, WhatIf

TICK = 0.25  # seconds between clock ticks
MAX_STEP = 1.0  # the most real time one tick makes up for: after a longer stall the exercise is behind
# Actions that change the world: none of them can run once the exercise has ended.
WORLD_ACTIONS = frozenset({"toggle_clock", "next_inject", "respond", "adhoc", "deliver_now", "end_measure",
                           "mark_met", "faster", "slower"})
_GREYABLE = tuple(sorted(WORLD_ACTIONS | {"undo", "show_seats", "end_measure", "mark_met"}))


class ExerciseApp(PlainApp):
    CSS_PATH = "app.tcss"
    TITLE = "exercise"
    COMMANDS = PlainApp.COMMANDS | {ExerciseCommands}
    BINDINGS = [Binding("ctrl+t", "toggle_theme", "Light/dark", show=False)]

    def __init__(self, session: Session, *, speed: float | None = None, briefing: bool = True,
                 timer: bool = True, hosting: HostLink | None = None) -> None:
        super().__init__()
        self.session = session
        self.hosting = hosting  # where teams join from their own screens, if they do
        self.hosted = False  # the server listens
        self.clock = SessionClock(session, speed)
        self.team_index = 0
        self.facilitator = False
        self.filter_team = False
        self._feed: list | None = None  # [(generation, audience), last seq read, items]: see feed_items
        self.monotonic = time.monotonic  # real time, for the clock's ticks (tests give their own)
        self._last_tick: float | None = None  # self.monotonic() at the last tick that moved the clock
        self.real_speed: float | None = None  # simulated minutes per real second, as measured while running
        self._runnable: tuple | None = None  # what check_action answered at the last redraw
        self._module: list = [None, -1, ""]  # [generation, last seq read, module]: see current_module
        # A resumed session keeps what the facilitator had already opened.
        self.seen_keys: set[str] = {item.key for item in self.feed_items()}
        self.unread: set[str] = self.seen_keys - session.read_items()
        self.shown_decisions: set[str] = set()
        self.lapsed: list = []  # decisions whose deadline passed unanswered, as their events
        self._decisions_seen = views.last_seq(session)  # decisions that lapsed before this are old news
        self.exported: Path | None = None
        self.with_briefing = briefing
        self.timer = timer  # tests drive the clock with Tick messages instead
        self._drawn = -1  # the session version the console last drew
        self._held: set[str] = set()  # the decisions the clock waited for, as last seen
        # Notes from players and evaluators already in the journal (a resumed session) are not news.
        self._notes_told = sum(c.by.role != "facilitator" for c in session.notes)
        self.whatif: WhatIf | None = None  # "Decisions that mattered", once the debrief has worked it out
        self._unsubscribe: Callable[[], None] = lambda: None

    def journaled(self, action: Callable[..., object], *args: object, **kwargs: object) -> bool:
        """Run a session action that writes the journal; False (and the facilitator told) if it could not."""
        try:
            action(*args, **kwargs)
        except OSError as exc:
            self.journal_failed(exc)
            return False
        return True

    def submit(self, command: Command) -> bool:
        """Give the session a command as the facilitator; False (and the facilitator told why) if it
        was refused or could not be journaled."""
        try:
            self.session.submit(command)
        except EngineError as exc:
            self.notify(str(exc), severity="error")
            return False
        except OSError as exc:
            self.journal_failed(exc)
            return False
        return True

    def journal_failed(self, exc: OSError) -> None:
        """The journal could not be written: the action did not happen, and the facilitator is told."""
        where = self.session.writer.path if self.session.writer else "the journal"
        self.notify(f"Could not write to {where}: {exc.strerror or exc}. That action was not applied; "
                    "free some space or fix the folder, then do it again.", severity="error", timeout=20)

    @property
    def finished(self) -> bool:
        return views.progress(self.session).finished

    @property
    def speed(self) -> float:
        return self.clock.speed

    @property
    def running(self) -> bool:
        return self.clock.running

    # --- start-up -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._unsubscribe = self.session.subscribe(self._session_changed)
        if self.with_briefing:
            # The console is composed only after the briefing: the first frame stays light.
            self.push_screen(BriefingScreen(self.session.loaded.scenario), self._briefed)
        else:
            self._open_console()
        if self.timer:
            self.set_interval(TICK, lambda: self.post_message(Tick()))
        self.journaled(self.clock.journal_speed)
        if self.hosting is not None:
            self.run_worker(self._host(), name="host", exclusive=True)

    async def _host(self) -> None:
        """Serve the session to the teams on this loop: the session is only ever touched from here.

        The server follows the session by itself; the console only hears who joins or leaves."""
        assert self.hosting is not None
        try:
            await self.hosting.start(self.session, self.clock, on_change=self._seats_changed)
        except OSError as exc:
            self.notify(f"Cannot host: {exc.strerror or exc}", severity="error", timeout=30)
            return
        self.hosted = True
        self.action_show_seats()

    def _session_changed(self) -> None:
        self.post_message(SessionChanged())

    def on_session_changed(self, message: SessionChanged) -> None:
        # Changes the console made itself were drawn as it made them; this catches the others
        # (a team's command from its own screen), paused or not.
        if self._held and not self.clock.held_by and self.running:
            self.notify("The decision the clock was waiting for is answered: the clock runs again.")
        self._held = set(self.clock.held_by)
        self._tell_team_notes()
        if self.session.version != self._drawn:
            self.redraw()

    def _tell_team_notes(self) -> None:
        """A note a team or an evaluator wrote on their own screen is shown to the facilitator as it comes."""
        notes = [c for c in self.session.notes if c.by.role != "facilitator"]
        for note in notes[self._notes_told:]:
            self.notify(f"{note.author()}: {note.text[:200]}", title="Note", timeout=8)
        self._notes_told = len(notes)

    def _seats_changed(self) -> None:
        self.call_later(self.redraw_clock)  # the clock bar counts who has joined

    async def on_unmount(self) -> None:
        self._unsubscribe()
        if self.hosted and self.hosting is not None:
            # Says bye: the teams' consoles close instead of retrying, and say why.
            crashed = self.return_code not in (None, 0)
            await self.hosting.close("the facilitator's console stopped on an error; the facilitator resumes the "
                                     "exercise from its journal, and you rejoin with the same token" if crashed
                                     else "the host has ended the exercise")

    def _remote_teams(self) -> set[str]:
        """Teams playing from their own screens right now."""
        return self.hosting.teams_joined() if self.hosted and self.hosting is not None else set()

    def action_show_seats(self) -> None:
        if not self.hosted or self.hosting is None:
            self.notify("This exercise is not hosted: start it with --host ADDRESS:PORT for teams to join.")
            return
        joined = self.hosting.joined()
        text = "\n".join(self.hosting.invitations()) + "\n\n" + (
            "Joined: " + ", ".join(f"{name} ({seat})" for seat, name in joined) if joined else "Nobody has joined yet.")
        self.push_screen(Info(f"Teams join at {self.hosting.url}", text))

    def _open_console(self, start: bool = False) -> None:
        self.start_when_ready = start
        self.push_screen(ConsoleScreen(self.session))

    def console_ready(self) -> None:
        """Called by the console once mounted: draw it, and start the clock if asked to."""
        self.redraw()
        if self.start_when_ready:
            self.set_running(True)

    def _briefed(self, start: bool | None) -> None:
        self._open_console(start=bool(start))

    # --- the clock ------------------------------------------------------------------------

    def on_tick(self, message: Tick) -> None:
        self.clock.freeze(self.running and not isinstance(self.screen, ConsoleScreen))
        if not (self.running and isinstance(self.screen, ConsoleScreen)):
            self._last_tick = None  # paused, or a dialog is open: the clock does not run meanwhile
            return
        # Move by the real time since the last tick, not by the tick's nominal length: a tick
        # that arrives late (a slow machine, a long redraw) must not slow the exercise down.
        # Tests drive the clock with Tick messages and no timer: each one is one nominal tick.
        now = self.monotonic()
        elapsed = TICK if not self.timer or self._last_tick is None else now - self._last_tick
        self._last_tick = now
        step = min(elapsed, MAX_STEP)
        self._move(self.clock.tick, step)
        # How fast the exercise really runs: steps cut to MAX_STEP lose time, and the clock bar says so.
        real = self.speed * step / elapsed
        self.real_speed = real if self.real_speed is None else 0.8 * self.real_speed + 0.2 * real

    def advance(self, minutes: float) -> None:
        """Move the clock on by hand, running or not."""
        if not self.finished:
            self._move(self.clock.advance, minutes)

    def _move(self, step: Callable[[float], None], amount: float) -> None:
        if not self.journaled(step, amount):
            self.set_running(False)
        self.after_move()

    def after_move(self) -> None:
        self.redraw()
        self._tell_lapsed_decisions()
        if self._next_decision():
            return
        if self.finished and self.running:
            self.set_running(False)
            self.notify("The exercise has ended. Hot wash with h, debrief with d.", timeout=10)

    def set_running(self, running: bool) -> None:
        self._last_tick, self.real_speed = None, None
        if running and self.finished:
            self.notify("The exercise has ended.")
        self.journaled(self.clock.run, running)
        self.redraw_clock()

    # --- drawing ----------------------------------------------------------------------------

    @property
    def audience(self):  # noqa: ANN201
        """Whose eyes the console shows: the facilitator's, or (f) the current team's."""
        return team(self.team) if self.filter_team else FACILITATOR

    def feed_items(self) -> list[FeedItem]:
        """The injects the console's audience has been sent, oldest first.

        Kept between redraws and extended by the events logged since, so a tick costs what
        it delivered, not what the exercise has delivered so far; an undo (a new generation)
        or another audience starts it again.
        """
        audience, generation = self.audience, self.session.generation
        cached = self._feed
        if cached is None or cached[0] != (generation, audience):
            cached = self._feed = [(generation, audience), -1, []]
        fresh = events_for(self.session, audience, after=cached[1])
        cached[2].extend(FeedItem(str(e.seq), e.t, e.data["inject"], e.data["title"], e.data["severity"],
                                  tuple(e.data["to"]), e.data.get("cause", ""), e.data.get("body", ""))
                         for e in fresh if e.kind == Kind.INJECT_DELIVERED)
        if fresh:
            cached[1] = fresh[-1].seq
        return cached[2]

    @property
    def team(self) -> str:
        return self.session.loaded.scenario.teams[self.team_index].id

    def current_module(self) -> str:
        """The module of the latest scripted inject that has one (kept up to date like the feed)."""
        generation = self.session.generation
        if self._module[0] != generation:
            self._module = [generation, -1, ""]
        for e in events_for(self.session, FACILITATOR, after=self._module[1]):
            self._module[1] = e.seq
            if e.kind == Kind.INJECT_DELIVERED:
                scripted = views.inject(self.session, e.data["inject"])
                if scripted is not None and scripted.module:
                    self._module[2] = scripted.module
        return self._module[2]

    def redraw_clock(self) -> None:
        console = self._console()
        if console is not None:
            console.query_one(ClockBar).show(self.session, running=self.running, speed=self.speed,
                                             team=self.team, module=self.current_module(),
                                             joined=len(self.hosting.joined()) if self.hosted and self.hosting else None,
                                             real_speed=self.real_speed if self.running else None)

    def _console(self) -> ConsoleScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, ConsoleScreen)), None)

    def redraw(self) -> None:
        console = self._console()
        if console is None:
            return
        self._drawn = self.session.version
        items = self.feed_items()
        fresh = list(itertools.takewhile(lambda item: item.key not in self.seen_keys, reversed(items)))
        for item in fresh:  # the items not seen yet are the newest: read back to the first one seen
            self.seen_keys.add(item.key)
            self.unread.add(item.key)
        feed = console.query_one(Feed)
        feed.show(items, self.unread)
        if fresh:  # follow the newest inject, as a facilitator would
            feed.highlighted = 0
        # The team view (f) shows only what that team may see; the facilitator sees every indicator.
        console.query_one(IndicatorPanel).refresh_from(self.session, self.team if self.filter_team else None)
        console.query_one(ResponsesPanel).refresh_from(self.session)
        self.redraw_clock()
        # The footer greys what cannot run now (check_action). Rebuilding it costs more than the
        # rest of a tick together, so it is rebuilt only when what can run has changed.
        runnable = tuple(self.check_action(a, ()) for a in _GREYABLE)
        if runnable != self._runnable:
            self._runnable = runnable
            self.refresh_bindings()
        self.show_item(feed.highlighted_key)

    def show_item(self, key: str | None) -> None:
        console = self._console()
        if console is None:
            return
        feed = console.query_one(Feed)
        item = feed.get(key)
        if item is not None and item.key in self.unread:
            self.unread.discard(item.key)
            self.submit(Read(item=item.key))
            feed.mark(item.key)
        inject = views.inject(self.session, item.inject if item else None)
        detail = console.query_one(InjectDetail)
        if inject is not None and inject.form is not None:  # a post's counters follow the truth, for control
            detail.values = {r.id: r.value for r in views.indicator_readings(self.session, points=2)}
        detail.show(item, inject, self.facilitator, views.receipts(self.session, item.key) if item else None)

    # --- actions ------------------------------------------------------------------------------

    def action_toggle_clock(self) -> None:
        self.set_running(not self.running)

    def action_faster(self) -> None:
        self.journaled(self.clock.faster)
        self.redraw_clock()

    def action_slower(self) -> None:
        self.journaled(self.clock.slower)
        self.redraw_clock()

    def action_next_inject(self) -> None:
        if self.finished:
            self.notify("The exercise has ended.")
            return
        try:
            stopped = self.clock.next_inject()
        except OSError as exc:
            self.journal_failed(exc)
            stopped = views.progress(self.session).now
        if stopped is None:
            self.notify("No more injects: the exercise ran to its end.", severity="warning")
        self.after_move()

    def action_respond(self) -> None:
        if self.finished:
            self.notify("The exercise has ended.")
            return
        team = self.team

        def taken(choice) -> None:  # noqa: ANN001
            if choice is None:
                return
            before = views.last_seq(self.session)
            if not self.submit(TakeMeasure(team=team, response=choice.response, note=choice.note,
                                           target=choice.target)):
                return
            refused = any(e.kind == Kind.RESPONSE_REFUSED for e in events_for(self.session, FACILITATOR, before))
            if refused:
                self.notify(f"{choice.response} was refused; see the feed for why.", severity="warning")
            else:
                live = views.measures(self.session, team)[-1]
                self.notify(f"{choice.response} taken by {team}; in effect at {clock(live.effective_at)}")
            self.redraw()

        self.push_screen(ResponsePicker(self.session, team), taken)

    def action_switch_team(self) -> None:
        self.act_for((self.team_index + 1) % len(self.session.loaded.scenario.teams))

    def act_for(self, index: int) -> None:
        self.team_index = index
        self.redraw()
        self.notify(f"Now acting for {self.session.loaded.team(self.team).name}")

    def action_note(self) -> None:
        def save(text: str | None) -> None:
            if text and self.submit(Note(text=text)):
                self.notify("Note saved in the journal.")
        self.push_screen(TextEntry("Facilitator note", "What did you observe?"), save)

    def action_adhoc(self) -> None:
        teams = [(t.id, t.name) for t in self.session.loaded.scenario.teams]

        def send(inject: dict | None) -> None:
            if inject:
                self.submit(commands.AdhocInject(title=inject["title"], body=inject["body"], to=list(inject["to"]),
                                                 severity=inject["severity"], channel=inject.get("channel")))
                self.redraw()
        self.push_screen(AdhocInject(teams), send)

    def action_deliver_now(self) -> None:
        done = views.delivered(self.session)
        due = sorted((i for i in self.session.loaded.scenario.injects
                      if i.id not in done and (i.at is not None or i.when is not None)),
                     key=lambda i: (i.at is None, i.at or 0.0))  # by due time; those on a trigger last
        choices = [(i.id, f"{i.id}  {i.title}" + (f"  (due {clock(i.at)})" if i.at is not None else "  (on a trigger)"))
                   for i in due]
        if not choices:
            self.notify("Every scheduled inject has been delivered.")
            return

        def deliver(inject: str | None) -> None:
            if inject:
                self.submit(Deliver(inject=inject))
                self.after_move()
        self.push_screen(Pick("Deliver an inject now", "deliver", choices), deliver)

    def action_toggle_facilitator(self) -> None:
        self.facilitator = not self.facilitator
        self.redraw()

    def action_toggle_filter(self) -> None:
        self.filter_team = not self.filter_team
        self.notify(f"The console shows what {self.team} sees" if self.filter_team
                    else "The console shows everything (the facilitator's view)")
        self.redraw()

    # --- the facilitator's adjustments ----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """True: can run now; None: shown greyed in the footer (and left out of the palette)."""
        session = self.session
        if action in WORLD_ACTIONS and self.finished:
            return None
        if action == "undo":
            return True if session.last_undoable() is not None else None
        if action in ("show_seats", "reveal"):  # the reveal is for the room's and the teams' screens
            return True if self.hosted else None
        if action == "autoplay_seat":
            return True if session.autoplay else None
        if action == "end_measure":
            return True if measures_under_way(session) else None
        if action == "mark_met":
            return True if open_expectations(session) else None
        return True

    def _adjust(self, title: str, items: list, label, ask, command, done) -> None:  # noqa: ANN001
        """Pick one of ``items``, ask why (the reason is journaled and reported), then submit the command."""
        def picked(key: str | None) -> None:
            if key is None:
                return
            item = items[int(key)]
            heading, placeholder = ask(item)

            def why(reason: str | None) -> None:
                if reason and self.submit(command(item, reason)):
                    self.notify(done(item))
                    self.redraw()
            self.push_screen(TextEntry(heading, placeholder), why)
        self.push_screen(Pick(title, "choose", [(str(i), label(x)) for i, x in enumerate(items)]), picked)

    def action_end_measure(self) -> None:
        under_way = measures_under_way(self.session)
        if not under_way:
            self.notify("No measure is under way.")
            return
        self._adjust(
            "End a measure early", under_way,
            lambda m: f"{m.response}  {m.name}  ({m.team}, {'in effect' if m.status == 'active' else 'pending'})",
            lambda m: (f"End {m.response} for {m.team} now",
                       "Why? (withdrawn, overtaken by events...) It goes into the report."),
            lambda m, reason: EndMeasure(team=m.team, response=m.response, reason=reason),
            lambda m: f"{m.response} ({m.team}) ended at {clock(views.progress(self.session).now)}.")

    def action_mark_met(self) -> None:
        expected = open_expectations(self.session)
        if not expected:
            self.notify("No expected action is awaited.")
            return
        self._adjust(
            "Mark an expected action as met", expected,
            lambda x: f"{x.response} after {x.inject}  ({x.team or 'any team'}, due by {clock(x.deadline)})",
            lambda x: (f"Mark {x.response} after {x.inject} as met",
                       "What did the team do instead? It goes into the report."),
            lambda x, reason: MarkMet(inject=x.inject, response=x.response, reason=reason),
            lambda x: f"{x.response} after {x.inject} marked as met.")

    def action_undo(self) -> None:
        index = self.session.last_undoable()
        if index is None:
            self.notify("Nothing to undo.")
            return
        command = self.session.records[index]
        team = getattr(command, "team", None)
        what = command.describe() + (f" for {team}" if team else "")

        def why(reason: str | None) -> None:
            if reason and self.submit(Undo(undoes=index, reason=reason)):
                # An undo that rebuilt the world numbers later feed items anew.
                self.seen_keys = {item.key for item in self.feed_items()}
                self.unread &= self.seen_keys
                self.notify(f"Undone: {what}. Journaled with your reason.")
                self.redraw()
        self.push_screen(TextEntry(f"Undo: {what} (at {clock(command.t)})",
                                   "Why is it taken back? It goes into the journal and the report."), why)

    def _tell_lapsed_decisions(self) -> None:
        """Say which default applied (or that none did) when a decision's deadline passed unanswered."""
        for e in events_for(self.session, FACILITATOR, self._decisions_seen):
            if e.kind == Kind.DECISION_MADE and e.data["by"] == "default":
                self.lapsed.append(e)
                self.notify(f"Decision at {e.data['inject']} ({e.data['team']}): the deadline passed; "
                            f"the default '{e.data['option']}' applied.", severity="warning", timeout=10)
            elif e.kind == Kind.DECISION_EXPIRED:
                self.lapsed.append(e)
                self.notify(f"Decision at {e.data['inject']}: the deadline passed without an answer.",
                            severity="warning", timeout=10)
        self._decisions_seen = views.last_seq(self.session)

    def _next_decision(self) -> bool:
        """Put the next decision nobody has seen to its team, pausing the clock; one dialog at a time."""
        if any(isinstance(screen, DecisionModal) for screen in self.screen_stack):
            return True
        waiting = [d for d in views.open_decisions(self.session) if d.inject not in self.shown_decisions]
        remote = self._remote_teams()
        for d in [d for d in waiting if d.team in remote]:
            # That team answers from its own screen; with the 'pause' rule the clock has stopped for it.
            self.shown_decisions.add(d.inject)
            who = ", ".join(name for seat, name in self.hosting.joined() if seat == d.team) if self.hosting else d.team
            held = ("the clock waits for their answer" if d.waiting == "pause"
                    else f"the clock runs; at {clock(d.deadline)} the default applies")
            self.notify(f"Decision at {d.inject} is with {d.team} ({who}) on their screen: {held}. "
                        "c answers it here instead.", timeout=15)
        waiting = [d for d in waiting if d.team not in remote]
        if not waiting:
            return False
        self.shown_decisions.add(waiting[0].inject)
        self.set_running(False)
        self.open_decision(waiting[0].inject)
        return True

    def open_decision(self, inject: str) -> None:
        pending = views.open_decisions(self.session)
        decision = next(d for d in pending if d.inject == inject)
        point = views.inject(self.session, inject).decision
        shown_at = now_iso()
        waiting = len(pending)

        def chosen(answer: tuple[str, str] | None) -> None:
            if inject not in {d.inject for d in views.open_decisions(self.session)}:
                pass  # answered or expired meanwhile
            elif answer is None and decision.team in self._remote_teams():
                # Their question, on their screen: closing the facilitator's copy leaves it with them.
                self.notify(f"The decision at {inject} stays with {decision.team} on their screen.")
            elif answer is None:
                if self.submit(Defer(inject=inject, shown_at=shown_at)):
                    self.notify("Decision deferred: c reopens it; at its deadline the default applies.")
            else:
                option, note = answer
                if self.submit(AnswerDecision(inject=inject, option=option, note=note, shown_at=shown_at)):
                    self.notify(f"Decision at {inject}: {dict(decision.options).get(option, option)}")
                else:
                    self.shown_decisions.discard(inject)  # still open: ask again
                self.redraw()
            # Another one opened at the same moment: put it next, once this dialog is gone.
            self.call_after_refresh(self._next_decision)

        names = {rid: r.name for rid, r in self.session.loaded.responses.items()}
        self.push_screen(DecisionModal(inject, point, decision.deadline, self.session.loaded.team(decision.team).name,
                                       names=names, waiting=waiting), chosen)

    def action_decide(self) -> None:
        pending = views.open_decisions(self.session)
        if not pending:
            message = "No decision is waiting."
            if self.lapsed:
                e = self.lapsed[-1]
                outcome = (f"its default '{e.data['option']}' applied" if e.kind == Kind.DECISION_MADE
                           else "it lapsed without an answer")
                message += f" The last one, at {e.data['inject']}, passed its deadline at {clock(e.t)}: {outcome}."
            self.notify(message)
            return
        self.set_running(False)
        self.open_decision(pending[0].inject)

    def action_hotwash(self) -> None:
        self.push_screen(HotwashScreen(self.session), lambda _: self.redraw())

    def action_autoplay_seat(self) -> None:
        """Take a seat over from the playbook (the facilitator plays it, or a player will), or hand it back."""
        autoplay = sorted(self.session.autoplay or ())
        if not autoplay:
            self.notify("No seat is played by a playbook in this session.")
            return
        seated = views.seated(self.session)

        def picked(team_id: str | None) -> None:
            if team_id is not None and self.submit(TakeSeat(team=team_id, taken=team_id not in seated)):
                now = views.seated(self.session)
                self.notify(f"{team_id}: {'taken over' if team_id in now else 'played by the playbook again'}.")
                self.redraw()
        self.push_screen(Pick("Seats on autoplay", "switch",
                              [(t, f"{t}: {'taken over by a person' if t in seated else 'the playbook plays it'}")
                               for t in autoplay]), picked)

    def action_reveal(self) -> None:
        """Push the next step of the debrief to the room and every team's screen, after asking."""
        step = revealed_step(self.session) + 1
        if step > len(REVEAL_STEPS):
            self.notify("Everything has been revealed already.")
            return

        def answer(yes: bool | None) -> None:
            if yes and self.submit(Reveal(step=step)):
                self.notify(f"Revealed to the room and every team: {REVEAL_STEPS[step]}.")
        self.push_screen(Confirm(f"Reveal step {step} of {len(REVEAL_STEPS)} to the room and every team?",
                                 f"They will see {REVEAL_STEPS[step]}. Press y to reveal."), answer)

    def action_debrief(self) -> None:
        self.set_running(False)
        self.push_screen(DebriefScreen(self.session), lambda _: self.redraw())

    def action_export(self) -> None:
        # The report is built here, on the UI loop, where the clock cannot move under it;
        # the worker only renders and writes what it was given.
        from exercise.report.sections import report_of

        session = self.session
        base = session.writer.path if session.writer else Path("sessions") / session.loaded.scenario.metadata.id
        report = report_of(session, session.journal_header)
        if self.whatif is not None:  # worked out in the debrief (w)
            report = report.model_copy(update={"whatif": self.whatif})
        self.export_report(report, base)

    @work(thread=True, exclusive=True)
    def export_report(self, report: Report, base: Path) -> None:
        """Write the After-Action Report in each console format (HTML, JSON) beside the journal."""
        from exercise.report.exporters import EXPORTERS
        from exercise.report.files import NotAFile, write_atomically

        written = []
        for exporter in (e for e in EXPORTERS.values() if e.from_console):
            path = base.with_suffix(exporter.suffix)
            try:
                write_atomically(path, exporter.export(report, None), force=True)
            except (OSError, NotAFile) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                self.call_from_thread(self.notify, f"Could not export the report to {path}: {reason}",
                                      severity="error", timeout=20)
                return
            written.append(path)
        self.exported = written[0]
        self.call_from_thread(self.notify, f"Exported the After-Action Report to {written[0]} "
                              f"(and {', '.join(p.suffix for p in written[1:])})")

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme != "textual-light" else "textual-dark"

    def action_quit_exercise(self) -> None:
        where = self.session.writer.path if self.session.writer else None
        detail = f"Everything is saved in the journal: {where}" if where else "This session has no journal."

        def answer(yes: bool | None) -> None:
            if yes:
                self.set_running(False)
                self.exit(where)
        self.push_screen(Confirm("Quit the exercise?", detail), answer)
