"""Briefing: what the exercise is, who plays whom, the rules; Enter starts."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from rich.markdown import Markdown
from textual.widgets import Footer, Static

from exercise.plain import visible
from exercise.scenario.models import Scenario
from exercise.scenario.types import format_minutes


def briefing_markdown(s: Scenario) -> str:
    m = s.metadata
    lines = [f"# {m.title}", "", m.summary, ""]
    setting = f"Setting: {m.setting.country}"
    if m.setting.polling_words():
        setting += f" · {m.setting.polling_words()}"
    lines += [setting, "", f"Starts {m.start:%A %d %B %Y, %H:%M} · simulated span {format_minutes(m.duration)}"
              f" · planned session {format_minutes(m.play_time)}", ""]
    if m.setting.description:
        lines += [m.setting.description, ""]
    lines += ["## Objectives", ""]
    lines += [f"- **{o.id}** ({o.capability}): {o.text}" for o in s.objectives]
    lines += ["", "## Teams", ""]
    lines += [f"- **{t.name}** plays *{t.body}* ({t.level})" + (f": {t.briefing}" if t.briefing else "")
              for t in s.teams]
    lines += ["", "## Rules of play", "",
              "- The clock runs in simulated time; the facilitator pauses it for discussion (**space**).",
              "- Injects arrive in the feed. What happens out of sight stays hidden until the debrief.",
              "- Teams act with real measures (**r**): each has a decision procedure, a lead time and "
              "preconditions, and may be refused.",
              "- Decision points pause the clock until the team chooses.",
              "", "**Press Enter to start the exercise, q to quit.**"]
    return "\n".join(lines)


class BriefingScreen(Screen):
    BINDINGS = [Binding("enter", "start", "Start the exercise", priority=True),
                Binding("q", "app.quit_exercise", "Quit")]

    def __init__(self, scenario: Scenario) -> None:
        super().__init__(id="briefing")
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            # One Static with Rich's Markdown: Textual's Markdown widget makes a widget per
            # block, and styling them all cost most of the first frame.
            yield Static(Markdown(visible(briefing_markdown(self.scenario))), id="briefing-text")
        yield Footer()

    def action_start(self) -> None:
        self.dismiss(True)
