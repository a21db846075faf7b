"""What really happened, as far as the facilitator has revealed it: the ground truth for the room and the teams.

Built only from the state the host sent (``State.reveal``), which is empty until the facilitator pushes the
first step; the team console opens it as each step arrives and the room shows it in place of the news.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from exercise.session.timeline import clock
from exercise.session.views import Revealed
from exercise.tui.plain import plain


def reveal_text(r: Revealed) -> str:
    """The revealed steps as text: (from step 3) the objectives' verdicts, then the adversary's stages; the true
    indicator values of step 2 are in the indicators panel."""
    lines = ["What really happened (" + "; ".join(f"{n}. {s}" for n, s in enumerate(r.steps, start=1)) + ")", ""]
    if r.objectives:  # the last step first: it is what the room discusses
        verdict = {True: "met", False: "not met", None: "for the evaluators to judge"}
        lines += ["The objectives:", *(f"  {o.id} {verdict[o.met]}: {o.text} ({o.detail})" for o in r.objectives),
                  ""]
    lines.append("The adversary's moves:")
    for t in r.truth:
        seen = f"seen at {clock(t.detected)}" if t.detected is not None else "never seen"
        lines.append(f"  {clock(t.t)}  {t.name} ({t.stage}): {t.outcome}; {seen}")
    if not r.truth:
        lines.append("  none started")
    if r.step >= 2:
        lines += ["", "The indicators now show their true values, as they really were."]
    return "\n".join(lines)


class RevealScreen(ModalScreen[None]):
    """The reveal on a team's screen (w opens it again)."""

    BINDINGS = [Binding("escape", "close", "Close"), Binding("enter", "close", "Close")]

    def __init__(self, revealed: Revealed) -> None:
        super().__init__(classes="dialog")
        self.revealed = revealed

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(plain(reveal_text(self.revealed) + "\n\nEnter or Esc closes; w opens it again."),
                         id="reveal")

    def action_close(self) -> None:
        self.dismiss(None)
