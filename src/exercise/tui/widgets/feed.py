"""The inject feed: newest first, coloured by severity, unread marked."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from exercise.plain import visible
from exercise.session.timeline import clock

SEVERITY_STYLE = {
    "info": "dim", "low": "green", "medium": "yellow", "high": "bold dark_orange", "critical": "bold red",
}


@dataclass(frozen=True)
class FeedItem:
    key: str  # the event seq: unique even for injects without an id
    t: float
    inject: str | None
    title: str
    severity: str
    to: tuple[str, ...]
    cause: str
    body: str = ""


class Feed(OptionList):
    """Delivered injects; the highlighted one is shown in the detail pane."""

    def show(self, items: list[FeedItem], unread: set[str]) -> None:
        highlighted = self.highlighted_option.id if self.highlighted_option is not None else None
        self.clear_options()
        options = []
        for item in reversed(items):
            text = Text(no_wrap=True, overflow="ellipsis")
            # The title first after the time: at 80 columns the id, last, is what gets cut.
            text.append("● " if item.key in unread else "  ", style="bold cyan")
            text.append(f"{clock(item.t).removeprefix('T+')} ", style="dim")
            text.append(visible(item.title, one_line=True), style=SEVERITY_STYLE.get(item.severity, ""))
            text.append(f"  {visible(item.inject or '', one_line=True)}", style="dim")
            options.append(Option(text, id=item.key))
        self.add_options(options)
        fresh = sum(item.key in unread for item in items)
        self.border_title = f"Injects ({len(items)}, {fresh} unread)" if fresh else f"Injects ({len(items)})"
        if highlighted is not None and any(o.id == highlighted for o in options):
            self.highlighted = next(i for i, o in enumerate(options) if o.id == highlighted)
        elif options:
            self.highlighted = 0
