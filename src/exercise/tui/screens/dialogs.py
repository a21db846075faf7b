"""Small modal dialogs: confirm, text entry, ad-hoc inject, pick one of a list, decision point."""

from __future__ import annotations

from typing import get_args

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, SelectionList, Static, TextArea
from textual.widgets.option_list import Option

from exercise.scenario.models import Channel, DecisionPoint
from exercise.session.timeline import clock
from exercise.tui.plain import plain


class Confirm(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("y", "yes", "Yes")]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__(classes="dialog")
        self.question, self.detail = question, detail

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(f"{self.question}  (y yes, esc no)"), classes="title")
            if self.detail:
                yield Static(plain(self.detail), classes="detail prompt")
            with Horizontal(classes="buttons"):
                yield Button("Yes", variant="error", id="yes")
                yield Button("No", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class Info(ModalScreen[None]):
    """Something to read and close (the join tokens, who has joined)."""

    BINDINGS = [Binding("escape", "close", "Close"), Binding("enter", "close", "Close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__(classes="dialog")
        self.heading, self.text = title, text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(f"{self.heading}  (enter or esc closes)", one_line=True), classes="title")
            yield Static(plain(self.text), classes="detail", id="info")

    def action_close(self) -> None:
        self.dismiss(None)


class TextEntry(ModalScreen[str | None]):
    """One free-text field (a facilitator note)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, title: str, placeholder: str = "", *, allow_empty: bool = False) -> None:
        super().__init__(classes="dialog")
        self.heading, self.placeholder = title, placeholder
        self.allow_empty = allow_empty  # saving nothing is an answer (a rationale left blank), not a cancel

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(f"{self.heading}  (ctrl+s save, esc cancel)"), classes="title")  # quotes hosts, scenarios
            yield TextArea(id="text", placeholder=self.placeholder)
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.dismiss(None)

    def action_save(self) -> None:
        text = self.query_one(TextArea).text.strip()
        self.dismiss(text if text or self.allow_empty else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AdhocInject(ModalScreen[dict | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "send", "Send")]

    def __init__(self, teams: list[tuple[str, str]]) -> None:
        super().__init__(classes="dialog")
        self.teams = teams

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Ad-hoc inject  (ctrl+s send, esc cancel)", classes="title")
            yield Input(placeholder="Title", id="title")
            yield Label("To (none ticked: every team)", classes="prompt")
            yield SelectionList[str](*[(plain(name, one_line=True), ident) for ident, name in self.teams], id="to")
            yield Select([("a message from exercise control", "")] + [(c, c) for c in get_args(Channel)],
                         value="", allow_blank=False, id="channel")
            yield Select([(s, s) for s in ("info", "low", "medium", "high", "critical")],
                         value="medium", allow_blank=False, id="severity")
            yield TextArea(id="body", placeholder="What the players read (Markdown)")
            with Horizontal(classes="buttons"):
                yield Button("Send (ctrl+s)", variant="primary", id="send")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_send() if event.button.id == "send" else self.dismiss(None)

    def action_send(self) -> None:
        title = self.query_one("#title", Input).value.strip()
        if not title:
            self.notify("An inject needs a title.", severity="warning")
            return
        chosen = list(self.query_one("#to", SelectionList).selected)
        self.dismiss({"title": title, "body": self.query_one("#body", TextArea).text,
                      "to": chosen or ["all"], "channel": self.query_one("#channel", Select).value or None,
                      "severity": self.query_one("#severity", Select).value})

    def action_cancel(self) -> None:
        self.dismiss(None)


class Pick(ModalScreen[str | None]):
    """Pick one of a list (an inject to deliver now, a measure to end, an expectation to mark met)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, verb: str, choices: list[tuple[str, str]], detail: str = "") -> None:
        super().__init__(classes="dialog")
        self.heading, self.verb, self.choices, self.detail = title, verb, choices, detail

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(f"{self.heading}  (enter {self.verb}, esc cancel)"), classes="title")
            if self.detail:
                yield Label(plain(self.detail), classes="prompt")  # wraps: a question can be long
            yield OptionList(*[Option(plain(label, one_line=True), id=ident) for ident, label in self.choices],
                             id="choices")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DecisionModal(ModalScreen[tuple[str, str] | None]):
    """A decision point: the clock is paused until the team chooses (or defers).

    Returns (option, rationale), or None when deferred.
    """

    BINDINGS = [Binding("escape", "later", "Decide later")]

    def __init__(self, inject: str, point: DecisionPoint, deadline: float, team_name: str, *,
                 names: dict[str, str] | None = None, waiting: int = 1) -> None:
        super().__init__(classes="dialog", id="decision")
        self.inject, self.point, self.deadline, self.team_name = inject, point, deadline, team_name
        self.names, self.waiting = names or {}, waiting

    def compose(self) -> ComposeResult:
        queue = f"  ·  {self.waiting} decisions waiting" if self.waiting > 1 else ""
        with Vertical():
            yield Label(plain(f"Decision for {self.team_name} ({self.inject}){queue}", one_line=True), classes="title")
            yield Static(plain(self.point.prompt), classes="detail prompt")
            default = f"; otherwise '{self.point.default}'" if self.point.default else "; otherwise nothing is done"
            yield Static(plain(f"Deadline {clock(self.deadline)}{default}  ·  enter choose, esc decide later"),
                         classes="detail")
            yield OptionList(*[Option(plain(self._label(o), one_line=True), id=o.id) for o in self.point.options],
                             id="options")
            yield Input(placeholder="rationale (recorded in the journal)", id="why", select_on_focus=False)
            yield Button("Decide later (esc)", id="later")

    def _label(self, option) -> str:  # noqa: ANN001
        if not option.responses:
            return f"{option.label}  (takes no measure)"
        taken = ", ".join(f"{rid} {self.names.get(rid, '')}".strip() for rid in option.responses)
        return f"{option.label}  → takes {taken}"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._answer(event.option.id, self.query_one("#why", Input).value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        option = self.query_one("#options", OptionList).highlighted_option
        if option is not None:
            self._answer(option.id, event.value)

    def _answer(self, option: str | None, why: str) -> None:
        if option is not None:  # every option is made with its id
            self.dismiss((option, why.strip()))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_later(self) -> None:
        self.dismiss(None)
