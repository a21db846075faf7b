"""The highlighted inject in full; facilitator-only parts when toggled."""

from __future__ import annotations

from textual.widgets import Markdown

from exercise.plain import visible
from exercise.scenario.models import Inject
from exercise.scenario.types import format_minutes
from exercise.scenario.channels import render
from exercise.session.timeline import clock
from exercise.tui.widgets.feed import FeedItem


def _quote(text: str) -> str:
    """Scenario text is Markdown by design; keep HTML-ish tags from being read as markup,
    and control characters from reaching the terminal."""
    return visible(text).replace("<", "&lt;")


class InjectDetail(Markdown):
    values: dict[str, float] = {}  # indicator values a channel's counters follow; the console sets them

    def on_mount(self) -> None:
        self.border_title = "Inject"

    def show(self, item: FeedItem | None, inject: Inject | None, facilitator: bool,
             receipts: dict[str, float] | None = None) -> None:
        if item is None:
            self.update("*No inject yet.* Press **space** to start the clock or **n** for the next inject.")
            return
        lines = [f"## {_quote(item.title)}", ""]
        if inject is not None:
            lines.append(f"{clock(item.t)} · from {_quote(inject.from_)} ({inject.medium}) · "
                         f"to {_quote(', '.join(item.to))} · {_quote(item.severity)}")
            if inject.form is not None:  # drawn as its channel, with the reach the facilitator sees: the truth
                drawn = render(inject.form, self.values, width=self.size.width - 10)  # the code block's padding
                lines += ["", "```text", visible(drawn).replace("```", "'''"), "```"]
            lines += ["", _quote(inject.body)]
        else:
            lines.append(f"{clock(item.t)} · {_quote(item.cause)} · to {_quote(', '.join(item.to))} · "
                         f"{_quote(item.severity)}")
            lines += ["", _quote(item.body)]
        if receipts is not None:  # who of the teams has opened it, and when: the console is control's
            opened = "; ".join(f"{_quote(who)} at {clock(t)}" for who, t in receipts.items()) or "no team yet"
            lines += ["", f"*Opened by: {opened}.*"]
        if facilitator and inject is not None:
            lines += ["", "---", "### Facilitator only"]
            for action in inject.expects:
                who = f" by {action.team}" if action.team else ""
                then = f", else {action.contingency}" if action.contingency else ""
                lines.append(f"- expects {action.response}{who} within {format_minutes(action.within)}{then}")
            if inject.facilitator_notes:
                lines += ["", _quote(inject.facilitator_notes)]
            if inject.questions:
                lines += ["", "**Discussion**"] + [f"- {_quote(q)}" for q in inject.questions]
        elif inject is not None and (inject.expects or inject.facilitator_notes):
            lines += ["", "*Press x to show the facilitator notes.*"]
        self.update("\n".join(lines))
