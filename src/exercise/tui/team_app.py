"""The team console: one team's screen on a hosted exercise (``exercise join``).

It shows only what the host sends this seat: the team's injects, the
indicators it may read, its measures and its decisions, and the shared clock.
Everything it does is a command to the host; nothing is decided here.
"""

from __future__ import annotations

from typing import Any, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

from exercise.net.client import CommandError
from exercise.session.commands import (
    PUBLISHED, RATINGS, AdhocInject, AnswerDecision, Command, Decline, Feedback, Message, Note, Observe, Publish,
    Rating, RatingCode, Read, TakeMeasure,
)
from exercise.scenario.types import format_rounded
from pydantic import TypeAdapter

from exercise.scenario.channels import ChannelForm
from exercise.scenario.channels import render
from exercise.session.timeline import clock
from exercise.session.views import Kind, Measure
from exercise.tui.hosted import HostedApp
from exercise.tui.plain import band_text, plain, rich_plain
from exercise.tui.screens.dialogs import Confirm, Info, Pick, TextEntry
from exercise.tui.screens.feedback import FeedbackForm
from exercise.tui.screens.feeds import FeedScreen
from exercise.tui.screens.reveal import RevealScreen
from exercise.tui.screens.team_screens import MeasurePicker, TeamBriefing, briefing_markdown


FORM: TypeAdapter[ChannelForm] = TypeAdapter(ChannelForm)  # a post or an email as the host sends it


class TeamApp(HostedApp):
    CSS = """
    #status { height: 1; background: $panel; }
    #top { height: 2fr; }
    #bottom { height: 1fr; }
    #feed, #detail, #indicators, #measures { border: round $primary; height: 100%; }
    #indicators, #measures { width: 1fr; }
    #feed { width: 2fr; }
    #detail { width: 3fr; padding: 0 1; }
    """
    CSS_PATH = "app.tcss"  # the dialogs look as they do in the facilitator console
    TITLE = "exercise: team console"
    BINDINGS = [
        Binding("r", "respond", "Respond"),
        Binding("c", "decide", "Decide"),
        Binding("o", "note", "Note"),
        Binding("p", "publish", "Publish"),
        Binding("m", "message", "Message"),
        Binding("f", "feeds", "Feeds"),
        Binding("b", "briefing", "Briefing"),
        Binding("g", "feedback", "Feedback", show=False),
        Binding("w", "reveal", "What happened", show=False),
        Binding("l", "proposals", "Proposals", show=False),
        Binding("d", "decisions", "Decisions", show=False),
        Binding("v", "rate", "Rate", show=False),
        Binding("q", "leave", "Quit"),
    ]

    def __init__(self, url: str, token: str, name: str = "", *, ssl: Any = None) -> None:
        super().__init__(url, token, name, ssl=ssl)
        self._shown: list[str] = []  # feed item keys, newest first
        self._asked: set[str] = set()  # the decisions (inject ids) put to this screen already
        self._deciding: str | None = None  # the decision this screen's open dialog answers
        self._seen: tuple[int, float] | None = None  # (generation, exercise time) at the last redraw
        self._told: set[int] = set()  # seqs of the control notices already shown
        self._receipted: set[int] = set()  # feed items this screen has told the host it opened
        self._briefed = False  # the briefing is shown once, when the seat is first welcomed
        self._evaluating = False  # an observer's seat: set up once its welcome says so
        self._asking = False  # the token is typed into this console (a browser page), not given on start
        self._asked_feedback = False  # the feedback form is put to the player once, at ENDEX
        self._revealed = 0  # the last reveal step this screen has shown

    def compose(self) -> ComposeResult:
        yield Static(" connecting...", id="status")
        with Horizontal(id="top"):
            yield OptionList(id="feed")
            yield Static("", id="detail")
        with Horizontal(id="bottom"):
            yield DataTable(id="indicators", cursor_type="none")
            yield DataTable(id="measures", cursor_type="none")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#feed", OptionList).border_title = "Injects"
        self.query_one("#indicators", DataTable).add_columns("value", "band", "indicator")
        self.query_one("#indicators", DataTable).border_title = "Indicators"
        self.query_one("#measures", DataTable).add_columns("measure", "status", "effect")
        self.query_one("#measures", DataTable).border_title = "Our measures"
        if not self.remote.token:  # opened from a browser page, or without a token: ask for it (and a name)
            self._asking = True
            self._ask_token("Your team's join token")
        else:
            self.connect()

    def _ask_token(self, heading: str) -> None:
        self.push_screen(TextEntry(heading, "paste the token the facilitator gave you"), self._signed_in)

    def _signed_in(self, token: str | None) -> None:
        if not token:
            self.refused = "no token was given"
            self.exit()
            return
        self.remote.token = token.strip()
        if self.remote.name:
            self.connect()
            return

        def named(name: str | None) -> None:
            self.remote.name = (name or "").strip()[:100]
            self.connect()
        self.push_screen(TextEntry("Your name", "as the journal and the report will show it (optional)",
                                   allow_empty=True), named)

    def try_again(self, why: str) -> bool:
        """A token typed into this console (a browser page) that the host refused: say why, ask again."""
        if not self._asking:
            return False
        self.remote.state.refused = None
        self.call_later(self._ask_token, f"Refused: {why}. Your team's join token")
        return True


    # --- drawing --------------------------------------------------------------------------

    @property
    def team(self) -> str | None:
        return self.seat.team

    def redraw(self) -> None:
        seat = self.seat
        now = seat.now
        status = Text()
        if now is not None and now.decisions and seat.connected:
            # First, so that 80 columns keep it: what to answer, by when, and the key.
            first = now.decisions[0]
            more = f" (+{len(now.decisions) - 1})" if len(now.decisions) > 1 else ""
            status.append(f" c: DECIDE by {clock(first.deadline)}{more} ", style="bold reverse yellow")
        if now is not None and seat.welcome is not None and seat.welcome.lead and now.proposals:
            status.append(f" l: {len(now.proposals)} TO CONFIRM ", style="bold reverse cyan")
        status.append(" EXERCISE ", style="bold reverse red")
        if seat.welcome:
            status.append(f" {seat.welcome.team_name} ", style="bold reverse")
        if not seat.connected:
            status.append(" RECONNECTING ", style="bold red")
        elif now is not None:
            status.append(f" {now.clock.status} ", style="bold")
            status.append(f" {now.clock.when}  {clock(now.clock.now)} ")
            status.append(f" {now.clock.speed:g} min/s ")
        self.query_one("#status", Static).update(status)
        if seat.welcome is not None and seat.welcome.role in ("evaluator", "whitecell") and not self._evaluating:
            self._evaluate()
        if seat.welcome is not None and now is not None and not self._briefed:
            # On first join, once the state is in (a decision already waiting goes first): read before play;
            # b shows it again.
            self._briefed = True
            if seat.welcome.briefing is not None and not now.decisions:
                self.action_briefing()
        self._tell_control()
        self._tell_answers()
        self._put_new_decisions()
        if now is not None and isinstance(self.screen, FeedScreen):
            self.screen.show(now.feeds)
        if now is not None and now.reveal is not None and now.reveal.step > self._revealed:
            self._revealed = now.reveal.step  # each step the facilitator pushes opens on every screen once
            if isinstance(self.screen, RevealScreen):
                self.pop_screen()
            self.action_reveal()
        if now is not None and now.clock.finished and not self._asked_feedback and seat.welcome is not None \
                and seat.welcome.role != "room":
            self._asked_feedback = True  # ENDEX: every player is asked once; g asks again
            self.action_feedback()
        items = seat.injects()
        keys = [str(e.seq) for e in items]
        feed = self.query_one("#feed", OptionList)
        if keys != self._shown:
            feed.clear_options()
            feed.add_options([Option(plain(f"{clock(e.t)}  {e.data['title']}", one_line=True), id=str(e.seq))
                              for e in items])
            self._shown = keys
            if items:
                feed.highlighted = 0
        self._show_detail()
        if self._evaluating:
            self._draw_evaluation()
            return
        table = self.query_one("#indicators", DataTable)
        table.clear()
        for r in now.indicators if now else []:
            table.add_row(f"{r.value:.2f}", band_text(r.band), rich_plain(r.name))
        table = self.query_one("#measures", DataTable)
        table.clear()
        for m in now.measures if now else []:
            table.add_row(rich_plain(m.response), m.status, _effect(m))

    def _show_detail(self) -> None:
        found = self.query("#feed")
        if not found:  # the console is closing: its widgets are gone before the last highlight is handled
            return
        feed = cast(OptionList, found.first())
        option = feed.highlighted_option
        event = self.seat.event(int(option.id)) if option is not None and option.id is not None else None
        sender = "" if event is None else f"from {event.data.get('sender', '?')} ({event.data.get('channel', '?')}) · "
        drawn = ""
        if event is not None and event.data.get("form"):  # the post or email itself, its counters as we see them
            now = self.seat.now
            seen = {r.id: r.value for r in now.indicators} if now is not None else {}
            width = self.query_one("#detail", Static).size.width - 4
            drawn = render(FORM.validate_python(event.data["form"]), seen, width=width) + "\n\n"
        text = "" if event is None else (
            f"{event.data['title']}\n\n{clock(event.t)} · {sender}to {', '.join(event.data['to'])} · "
            f"{event.data['severity']}\n\n{drawn}{event.data.get('body', '')}")
        self.query_one("#detail", Static).update(plain(text.replace("**", "")))  # bodies use Markdown emphasis
        if event is not None and event.seq not in self._receipted and self.seat.welcome is not None \
                and self.seat.welcome.role == "team":
            self._receipted.add(event.seq)  # the facilitator sees who opened it, once per item
            self.run_worker(self._quietly(Read(item=str(event.seq))))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "feed":
            self._show_detail()

    # --- acting ---------------------------------------------------------------------------

    async def _quietly(self, command: Command) -> None:
        """Send a command nobody needs to hear about (a read receipt); a refusal is not worth a toast."""
        try:
            await self.remote.send(command)
        except CommandError:
            pass

    async def _send(self, command: Command, done: str) -> None:
        try:
            ack = await self.remote.send(command)
        except (CommandError, TimeoutError) as exc:
            self.notify(str(exc) or "no answer from the host", severity="error")
            return
        if ack.refused is not None:  # asked, journaled, and refused by its procedure: never "taken"
            self.notify(f"Refused: {ack.refused}", severity="warning", timeout=10)
            return
        if ack.kind == "propose":  # a member of a team whose lead confirms: nothing is done until the lead says so
            self.notify("Proposed to your team's lead: it is done when the lead confirms it.", timeout=8)
            return
        self.notify(done)

    def action_briefing(self) -> None:
        welcome = self.seat.welcome
        if welcome is None or welcome.briefing is None:
            self.notify("Observers have no team briefing; the facilitator briefs you.")
            return
        self.push_screen(TeamBriefing(briefing_markdown(welcome.team_name, welcome.title, welcome.briefing)))

    def action_respond(self) -> None:
        seat, team = self.seat, self.team
        if team is None or seat.welcome is None:
            self.notify("Observers watch; they do not take measures. o writes an observation.")
            return
        options = seat.now.options if seat.now else []

        def picked(rid: str | None) -> None:
            if rid is None:
                return

            def why(note: str | None) -> None:
                if note is not None:
                    self.run_worker(self._send(TakeMeasure(team=team, response=rid, note=note),
                                               f"{rid} taken; see the measures panel"))
            self.push_screen(TextEntry(f"Take {rid}: why?", "Your rationale, for the journal and the report",
                                       allow_empty=True), why)
        self.push_screen(MeasurePicker(seat.welcome.measures, options), picked)

    # --- the evaluator's seat -----------------------------------------------------------------

    def _evaluate(self) -> None:
        """An observer evaluates: expected actions and how they went, every team's measures, the decisions
        (d), and ratings of the objectives (v), journaled as the evaluator's."""
        self._evaluating = True
        expected = self.query_one("#indicators", DataTable)
        expected.clear(columns=True)
        if self.seat.welcome is not None and self.seat.welcome.role == "whitecell":
            expected.add_columns("waiting", "from", "to", "request")
            expected.border_title = "Open requests (a answers)"
            measures = self.query_one("#measures", DataTable)
            measures.clear(columns=True)
            measures.add_columns("team", "measure", "status", "effect")
            measures.border_title = "Measures, every team"
            self.bind("a", "answer", description="Answer")
            return
        expected.add_columns("due", "team", "how it went", "critical task or expected action")
        expected.border_title = "Tasks (t marks) and expected actions"
        measures = self.query_one("#measures", DataTable)
        measures.clear(columns=True)
        measures.add_columns("team", "measure", "status", "effect")
        measures.border_title = "Measures, every team"
        self.bind("d", "decisions", description="Decisions")
        self.bind("v", "rate", description="Rate P/S/M/U")
        self.bind("t", "mark_task", description="Mark a task")

    def _draw_evaluation(self) -> None:
        seat, now = self.seat, self.seat.now
        table = self.query_one("#indicators", DataTable)
        table.clear()
        if seat.welcome is not None and seat.welcome.role == "whitecell":
            for r in now.requests if now else []:
                table.add_row(format_rounded(r.age), r.sender, ", ".join(r.to),
                              rich_plain(("RFI: " if r.rfi else "") + r.subject))
            measures = self.query_one("#measures", DataTable)
            measures.clear()
            for m in now.measures if now else []:
                measures.add_row(m.team, rich_plain(m.response), m.status, _effect(m))
            return
        for k in now.tasks if now else []:  # the guide's critical tasks for this seat's teams, soonest due first
            due = clock(k.due) if k.due is not None else f"after {k.after}"
            went = k.status + (f" at {clock(k.seen)}" if k.seen is not None else "") + (f" ({k.by})" if k.by else "")
            table.add_row(due, k.team, rich_plain(went), rich_plain(f"{k.objective}/{k.task} {k.text}"))
        for e in seat.events:  # how the expected actions went, as they went
            if e.kind == Kind.EXPECTATION_MET:
                late = "already under way" if e.data.get("before_inject") else f"after {format_rounded(e.data['latency'])}"
                table.add_row(clock(e.t), e.data.get("team") or "any", f"met, {late}",
                              f"{e.data['response']} after {e.data['inject']}")
            elif e.kind == Kind.EXPECTATION_MISSED:
                table.add_row(clock(e.t), e.data.get("team") or "any", "missed",
                              f"{e.data['response']} after {e.data['inject']}")
        for x in now.expectations if now else []:
            table.add_row(clock(x.deadline), x.team or "any", "open", f"{x.response} after {x.inject}")
        table = self.query_one("#measures", DataTable)
        table.clear()
        for m in now.measures if now else []:
            table.add_row(m.team, rich_plain(m.response), m.status, _effect(m))

    def action_decisions(self) -> None:
        seat = self.seat
        if seat.welcome is None or seat.welcome.role != "evaluator":
            self.notify("c answers your team's decision.")
            return
        made = [f"{clock(e.t)}  {e.data['team']} at {e.data['inject']}: {e.data['option']}"
                + (" (the default, at the deadline)" if e.data.get("by") == "default" else f" (by {e.data.get('by')})")
                + (f": {e.data['note']}" if e.data.get("note") else "")
                for e in seat.events if e.kind == Kind.DECISION_MADE]
        waiting = [f"{d.team} at {d.inject}: {d.prompt} (by {clock(d.deadline)})"
                   for d in (seat.now.decisions if seat.now else [])]
        text = "\n".join(["Waiting:", *(waiting or ["none"]), "", "Made:", *(made or ["none yet"])])
        self.push_screen(Info("Decisions", text))

    def action_rate(self) -> None:
        welcome = self.seat.welcome
        if welcome is None or welcome.role != "evaluator" or welcome.briefing is None:
            self.notify("Evaluators rate the objectives; teams play them.")
            return
        objectives = [(o.id, f"{o.id} ({o.capability}): {o.text}") for o in welcome.briefing.objectives]

        def objective(oid: str | None) -> None:
            if oid is None:
                return

            def code(rating: str | None) -> None:
                if rating is None:
                    return

                def comment(text: str | None) -> None:
                    if text is not None:
                        self.run_worker(self._send(Rating(objective=oid, rating=cast(RatingCode, rating), comment=text),
                                                   f"{oid} rated {rating}; in the journal as yours"))
                self.push_screen(TextEntry(f"{oid}: {rating}. Why?", "What you observed", allow_empty=True), comment)
            self.push_screen(Pick(f"Rate {oid}", "rate", [(c, f"{c}  {RATINGS[c]}") for c in RATINGS]), code)
        self.push_screen(Pick("Rate an objective (HSEEP: P, S, M, U)", "choose", objectives), objective)

    def action_mark_task(self) -> None:
        """An evaluator marks a critical task of their teams: observed or not, when, and what they saw."""
        welcome, now = self.seat.welcome, self.seat.now
        if welcome is None or welcome.role != "evaluator":
            self.notify("Evaluators mark the critical tasks; teams do them.")
            return
        tasks = now.tasks if now else []
        if not tasks:
            self.notify("This exercise's guide lists no critical tasks for your teams.")
            return
        keys = {f"{k.objective}/{k.task}/{k.team}": k for k in tasks}
        choices = [(key, f"{k.objective}/{k.task} {k.team}: {k.text} ({k.status})") for key, k in keys.items()]

        def picked(key: str | None) -> None:
            if key is None:
                return
            k = keys[key]

            def verdict(seen: str | None) -> None:
                if seen is None:
                    return
                ago = [("now", 0.0), ("15m", 15.0), ("30m", 30.0), ("1h", 60.0), ("2h", 120.0)]

                def when(choice: str | None) -> None:
                    if choice is None:
                        return
                    at = None if choice == "now" else max(0.0, now.clock.now - dict(ago)[choice]) if now else None

                    def note(text: str | None) -> None:
                        if text is None:
                            return
                        observed = seen == "yes"
                        self.run_worker(self._send(
                            Observe(objective=k.objective, task=k.task, team=k.team, observed=observed,
                                    seen=at if observed else None, note=text),
                            f"{k.objective}/{k.task} for {k.team}: {'observed' if observed else 'not observed'}; "
                            "in the journal as yours"))
                    self.push_screen(TextEntry(f"{k.objective}/{k.task} for {k.team}", "What you saw",
                                               allow_empty=True), note)
                if seen == "no":
                    when("now")
                    return
                self.push_screen(Pick("When was it done?", "choose",
                                      [(c, "just now" if c == "now" else f"{c} ago") for c, _ in ago]), when)
            self.push_screen(Pick(f"{k.objective}/{k.task} for {k.team}", "mark",
                                  [("yes", "Observed: the team did it"), ("no", "Not observed")], detail=k.text),
                             verdict)
        self.push_screen(Pick("Mark a critical task", "choose", choices), picked)

    def _tell_control(self) -> None:
        """What exercise control did to this team's world is said, not left to be noticed: a time jump,
        a measure ended early, an action taken back (the screen starts over from the host's record)."""
        seat, now = self.seat, self.seat.now
        if now is None:
            return
        if self._seen is not None:
            generation, before = self._seen
            if seat.generation != generation:
                self.notify("Exercise control took an action back: this screen starts over from the record.",
                            severity="warning", timeout=10)
            elif now.clock.now - before > 120:
                self.notify(f"Time jump to {now.clock.when} ({clock(now.clock.now)}).", timeout=8)
        self._seen = (seat.generation, now.clock.now)
        for e in seat.events:
            if e.kind == Kind.RESPONSE_ENDED and e.data.get("early") and e.seq not in self._told:
                self._told.add(e.seq)
                self.notify(f"{e.data['response']} was ended by exercise control: {e.data.get('reason', '')}",
                            severity="warning", timeout=10)

    def _tell_answers(self) -> None:
        """A decision answered elsewhere (another member, the facilitator) closes this screen's dialog for it,
        and every member is told who answered what: two members never answer one question unawares."""
        seat = self.seat
        open_now = {d.inject for d in (seat.now.decisions if seat.now else [])}
        if self._deciding is not None and self._deciding not in open_now:
            self._deciding = None
            while isinstance(self.screen, (Pick, TextEntry)):
                self.pop_screen()
        mine = self.remote.name
        for e in seat.events:
            if e.kind != Kind.DECISION_MADE or e.seq in self._told or "answered_by" not in e.data:
                continue
            self._told.add(e.seq)
            who = e.data["answered_by"]
            if e.data["inject"] in self._asked and not (mine and who.endswith(f"({mine})")):
                self.notify(f"Decision at {e.data['inject']} answered by {who}: {e.data['label']}",
                            timeout=10)

    def _put_new_decisions(self) -> None:
        """A decision the exercise waits for (rule pause or hold) is put to the team at once, with a bell."""
        now = self.seat.now
        fresh = [d for d in (now.decisions if now else []) if d.inject not in self._asked]
        self._asked |= {d.inject for d in fresh}
        if any(d.waiting in ("pause", "hold") for d in fresh) and not isinstance(self.screen, (Pick, TextEntry)):
            self.bell()
            self.action_decide()

    def action_decide(self) -> None:
        waiting = self.seat.now.decisions if self.seat.now else []
        if not waiting:
            self.notify("No decision is waiting for your team.")
            return
        point = waiting[0]
        self._deciding = point.inject

        def chosen(option: str | None) -> None:
            if option is None:
                self._deciding = None
                return

            def why(note: str | None) -> None:
                self._deciding = None
                if note is None:
                    return  # cancelled: the decision stays open
                label = dict(point.options).get(option, option)
                # No shown_at: the host stamps when it put the question to the team, not this machine's clock.
                self.run_worker(self._send(AnswerDecision(inject=point.inject, option=option, note=note),
                                           f"Answered: {label}"))
            self.push_screen(TextEntry("Why this option?", "Your rationale, for the journal and the report",
                                       allow_empty=True), why)
        wait = {"pause": "The clock waits for your answer.", "hold": "The clock runs.",
                "timed": "The clock runs."}[point.waiting]
        default = dict(point.options).get(point.default or "", None)
        after = f"At the deadline: {default}." if default else "At the deadline it lapses."
        title = f"Answer by {clock(point.deadline)}"
        detail = f"{point.prompt}\n{wait} {after}"
        options = [(oid, label + (f"  (takes {', '.join(point.takes[oid])})" if oid in point.takes else ""))
                   for oid, label in point.options]
        self.push_screen(Pick(title, "choose", options, detail=detail), chosen)

    def action_leave(self) -> None:
        """q asks first, as the facilitator's console does: a stray key must not drop a team from the exercise."""
        if self.remote.state.ended is not None or not self.seat.connected:
            self.exit()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit()
        self.push_screen(Confirm("Leave the exercise?", "Your team plays on; you can rejoin with the same token."),
                         answer)

    def action_proposals(self) -> None:
        """The team's lead confirms or declines what its members proposed; the journal keeps who did which."""
        welcome, now, team = self.seat.welcome, self.seat.now, self.team
        if welcome is None or team is None or not welcome.lead:
            self.notify("Your team's lead confirms proposals." if welcome is not None and welcome.confirms
                        else "Your team acts without a lead's confirmation.")
            return
        waiting = {str(x.position): x for x in (now.proposals if now else [])}
        if not waiting:
            self.notify("No proposal is waiting.")
            return

        def picked(key: str | None) -> None:
            if key is None:
                return
            x = waiting[key]

            def verdict(choice: str | None) -> None:
                if choice is None:
                    return

                def note(text: str | None) -> None:
                    if text is None:
                        return
                    if choice == "no":
                        self.run_worker(self._send(Decline(team=team, proposal=x.position, reason=text),
                                                   f"Declined: {x.what}"))
                        return
                    why = "; ".join(w for w in (x.note, text) if w)
                    command: Command = TakeMeasure(team=team, response=x.response, target=x.target, note=why,
                                                   proposal=x.position) if x.response is not None else \
                        AnswerDecision(inject=x.inject or "", option=x.option or "", note=why, proposal=x.position)
                    self.run_worker(self._send(command, f"Confirmed: {x.what}"))
                self.push_screen(TextEntry(f"{'Confirm' if choice == 'yes' else 'Decline'}: {x.what}",
                                           "Your reason, for the journal", allow_empty=True), note)
            self.push_screen(Pick(f"{x.by} proposes: {x.what}", "choose",
                                  [("yes", "Confirm it"), ("no", "Decline it")], detail=x.note), verdict)
        self.push_screen(Pick("Proposals waiting for you", "choose",
                              [(k, f"{x.by}: {x.what}" + (f" ({x.note})" if x.note else "")) for k, x in waiting.items()]),
                         picked)

    def action_message(self) -> None:
        """Write to another team, to the white cell (any body not at the table), or ask control for information."""
        welcome, team = self.seat.welcome, self.team
        if welcome is None or team is None:
            self.notify("Teams send messages; the white cell answers them with a.")
            return
        targets = [(t.id, f"{t.name} (team)") for t in welcome.teams if t.id != team]
        targets += [("whitecell", "The white cell: a body not at the table (a platform, a neighbour, the press)"),
                    ("control", "Exercise control: a request for information")]

        def picked(to: str | None) -> None:
            if to is None:
                return

            def subject(words: str | None) -> None:
                if not words:
                    return

                def text(body: str | None) -> None:
                    if body:
                        self.run_worker(self._send(Message(to=[to], subject=words[:200], text=body, rfi=to == "control"),
                                                   "Sent; it is in the journal"))
                self.push_screen(TextEntry(f"To {dict(targets)[to]}: {words[:60]}", "Your message"), text)
            self.push_screen(TextEntry("Subject", "One line"), subject)
        self.push_screen(Pick("Send a message to", "choose", targets), picked)

    def action_answer(self) -> None:
        """The white cell answers a request as a body not at the table, and may send the answer to every team as an
        inject through that body's channel."""
        welcome, now = self.seat.welcome, self.seat.now
        if welcome is None or welcome.role != "whitecell":
            self.notify("The white cell answers requests; teams write with m.")
            return
        waiting = now.requests if now else []
        if not waiting:
            self.notify("No request is waiting.")
            return
        asks = {str(r.seq): r for r in waiting}
        bodies = {b.id: b for b in welcome.bodies}

        def picked(key: str | None) -> None:
            if key is None:
                return
            asked = asks[key]

            def speaker(body_id: str | None) -> None:
                if body_id is None:
                    return
                body = bodies.get(body_id)
                name = body.name if body is not None else "the white cell"

                def text(answer: str | None) -> None:
                    if not answer:
                        return

                    def how(choice: str | None) -> None:
                        if choice is None:
                            return
                        self.run_worker(self._answer(asked.seq, asked.sender, f"Re: {asked.subject}", answer,
                                                     body_id if body is not None else None,
                                                     (name, body.channel if body is not None else None)
                                                     if choice == "all" else None))
                    self.push_screen(Pick("Send the answer", "send", [
                        ("team", f"To {asked.sender} only"),
                        ("all", f"To {asked.sender}, and to every team as an inject from {name}")]), how)
                self.push_screen(TextEntry(f"Answer as {name}: {asked.subject}", asked.text), text)
            self.push_screen(Pick(f"Answer as (asked by {asked.sender})", "choose",
                                  [(b.id, b.name) for b in welcome.bodies] + [("-", "The white cell itself")],
                                  detail=asked.text), speaker)
        self.push_screen(Pick("Answer a request (oldest first)", "choose",
                              [(str(r.seq), f"{r.sender}: {r.subject} ({format_rounded(r.age)} waiting)")
                               for r in waiting]), picked)

    async def _answer(self, seq: int, team: str, subject: str, text: str, body: str | None,
                      inject: tuple[str, str | None] | None) -> None:
        await self._send(Message(to=[team], subject=subject, text=text, answers=seq, as_body=body),
                         f"Answered {team}")
        if inject is not None:
            name, channel = inject
            await self._send(AdhocInject.model_validate({"title": f"{name}: {subject}", "body": text, "to": ["all"],
                                                         "severity": "medium", "channel": channel}),
                             "Sent to every team as an inject")

    def action_reveal(self) -> None:
        """What really happened, as far as the facilitator has revealed it."""
        now = self.seat.now
        if now is None or now.reveal is None:
            self.notify("The facilitator has not revealed what really happened yet.")
            return
        if not isinstance(self.screen, RevealScreen):
            self.push_screen(RevealScreen(now.reveal))

    def action_feedback(self) -> None:
        """The participant feedback form: scores and free text, journaled under this player's name."""
        if isinstance(self.screen, FeedbackForm):
            return

        def sent(form: Feedback | None) -> None:
            if form is not None:
                self.run_worker(self._send(form, "Thank you: your feedback is in the journal and the report"))
        self.push_screen(FeedbackForm(), sent)

    def action_feeds(self) -> None:
        """The platforms this team follows: the crowd of posts around a narrative, as the team sees it."""
        if not isinstance(self.screen, FeedScreen):
            self.push_screen(FeedScreen(self.seat.now.feeds if self.seat.now is not None else []))

    def action_publish(self) -> None:
        """Publish a statement, a post, a press release or an email; it can be the measure it carries out."""
        seat = self.seat
        if seat.welcome is None or seat.welcome.role != "team":
            self.notify("Only a team publishes.", severity="warning")
            return
        team = self.team
        measures = [("", "none: a message, not a measure")] + [
            (m.id, f"{m.id} {m.name}") for m in seat.welcome.measures]

        def where(channel: str | None) -> None:
            if channel is None:
                return

            def titled(title: str | None) -> None:
                if not title:
                    return

                def written(text: str | None) -> None:
                    if not text:
                        return

                    def addressed(to: str | None) -> None:
                        if not to:
                            return

                        def as_measure(rid: str | None) -> None:
                            if rid is None:
                                return
                            command = Publish.model_validate({
                                "team": team, "channel": channel, "title": title, "text": text,
                                "to": [t.strip() for t in to.split(",") if t.strip()], "response": rid or None})
                            self.run_worker(self._send(command, f"Published: {title}"))
                        self.push_screen(Pick("Is it a measure?", "to choose", measures), as_measure)
                    if channel == "email":
                        self.push_screen(TextEntry("To", "team ids, separated by commas"), addressed)
                    else:
                        addressed("all")
                self.push_screen(TextEntry("Text", "What it says"), written)
            self.push_screen(TextEntry("Headline or subject", "What the reader sees first"), titled)
        self.push_screen(Pick("Publish", "to choose", list(PUBLISHED.items())), where)

    def action_note(self) -> None:
        def save(text: str | None) -> None:
            if text:
                self.run_worker(self._send(Note(text=text, team=self.team), "Noted in the journal."))
        self.push_screen(TextEntry("Note", "What should the report remember?"), save)


def _effect(m: Measure) -> str:
    return (f"in effect {clock(m.effective_at)}" if m.status == "pending"
            else "to the end" if m.ends_at is None else f"until {clock(m.ends_at)}")
