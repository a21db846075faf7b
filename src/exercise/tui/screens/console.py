"""The console: clock, inject feed, inject detail, indicators, responses."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, OptionList

from exercise.session.live import Session
from exercise.tui.widgets import ClockBar, Feed, IndicatorPanel, InjectDetail, ResponsesPanel


class ConsoleScreen(Screen):
    # Footer order: at 80 columns only the first few fit; ctrl+p lists them all.
    BINDINGS = [
        Binding("space", "app.toggle_clock", "Run/pause"),
        Binding("n", "app.next_inject", "Next"),
        Binding("r", "app.respond", "Respond"),
        Binding("t", "app.switch_team", "Team"),
        Binding("o", "app.note", "Note"),
        Binding("q", "app.quit_exercise", "Quit"),
        Binding("plus,equals_sign", "app.faster", "Faster", key_display="+"),
        Binding("minus", "app.slower", "Slower", key_display="-"),
        Binding("c", "app.decide", "Decide"),
        Binding("x", "app.toggle_facilitator", "Facilitator"),
        Binding("h", "app.hotwash", "Hot wash"),
        Binding("d", "app.debrief", "Debrief"),
        Binding("a", "app.adhoc", "Ad-hoc inject"),
        Binding("i", "app.deliver_now", "Inject now"),
        Binding("f", "app.toggle_filter", "Filter"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(id="console")
        self.session = session

    def compose(self) -> ComposeResult:
        yield ClockBar(id="clock")
        with Horizontal(id="top"):
            yield Feed(id="feed")
            yield InjectDetail(id="detail")
        with Horizontal(id="bottom"):
            yield IndicatorPanel(self.session, id="indicators")
            yield ResponsesPanel(id="responses")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Feed).focus()
        self.app.console_ready()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "feed":
            self.app.show_item(event.option.id)
