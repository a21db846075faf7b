"""The participant feedback form (HSEEP's Participant Feedback Form), put to every player at ENDEX.

Part II's statements each get a score from 1 (strongly disagree) to 5 (strongly agree), or none; Part I's
questions get free text. Sent as one ``feedback`` command: the journal keeps it under the player's name
and the After-Action Report summarises every form (counts, means and quotes).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, TextArea

from exercise.session.commands import FEEDBACK_STATEMENTS, LIKERT, Feedback
from exercise.tui.plain import plain

QUESTIONS = {  # Part I, in the form's order
    "strengths": "Strengths: what went well (up to three)",
    "improvements": "Areas for improvement (up to three)",
    "unrecorded": "Anything you saw that the evaluators might not have recorded",
    "change": "What would you change in the exercise itself?",
}


class FeedbackForm(ModalScreen[Feedback | None]):
    """Scores and free text; ctrl+s sends, esc leaves it for later (g opens it again)."""

    BINDINGS = [Binding("escape", "cancel", "Later"), Binding("ctrl+s", "send", "Send")]

    def __init__(self) -> None:
        super().__init__(classes="dialog")

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label("Participant feedback  (ctrl+s send, esc later; g opens it again)", classes="title")
            for key, statement in FEEDBACK_STATEMENTS.items():
                yield Label(plain(statement), classes="prompt")
                yield Select([(f"{n}  {words}", n) for n, words in LIKERT.items()], prompt="no answer",
                             id=f"score-{key}")
            for key, question in QUESTIONS.items():
                yield Label(plain(question), classes="prompt")
                yield TextArea(id=f"text-{key}")
            with Horizontal(classes="buttons"):
                yield Button("Send (ctrl+s)", variant="primary", id="send")
                yield Button("Later", id="later")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_send() if event.button.id == "send" else self.dismiss(None)

    def form(self) -> Feedback:
        scores = {}
        for key in FEEDBACK_STATEMENTS:
            value = self.query_one(f"#score-{key}", Select).value
            if isinstance(value, int):
                scores[key] = value
        def text(key: str) -> str:
            return self.query_one(f"#text-{key}", TextArea).text.strip()
        return Feedback(scores=scores, strengths=text("strengths"), improvements=text("improvements"),
                        unrecorded=text("unrecorded"), change=text("change"))

    def action_send(self) -> None:
        form = self.form()
        if not form.scores and not any((form.strengths, form.improvements, form.unrecorded, form.change)):
            self.notify("Answer a statement or write something first, or press esc to give it later.")
            return
        self.dismiss(form)

    def action_cancel(self) -> None:
        self.dismiss(None)
