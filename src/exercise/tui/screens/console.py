"""The console: clock, inject feed, inject detail, indicators, responses."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer

from exercise.session.live import Session
from exercise.tui.actions import console_bindings
from exercise.tui.widgets import ClockBar, Feed, IndicatorPanel, InjectDetail, ResponsesPanel

if TYPE_CHECKING:
    from exercise.tui.console_api import ConsoleApp


class ConsoleScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = console_bindings()  # one table: tui/actions.py

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

    @property
    def console(self) -> ConsoleApp:
        return cast("ConsoleApp", self.app)  # this screen lives in the facilitator console only

    def on_mount(self) -> None:
        self.query_one(Feed).focus()
        self.console.console_ready()

    def on_feed_highlighted(self, event: Feed.Highlighted) -> None:
        self.console.show_item(event.key)
