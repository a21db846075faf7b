"""The room's display (``exercise room``): a projector showing what every team may see, in large type.

The shared clock, the public channels' items sent to all (posts, the news, television and radio, and what
teams publish there), and the indicators no scenario author has kept from any team. Read-only: it gives no
commands.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Digits, Static

from exercise.scenario.channels import PUBLIC

from exercise.session.timeline import clock
from exercise.tui.hosted import HostedApp
from exercise.tui.plain import band_text, plain, rich_plain
from exercise.tui.screens.reveal import reveal_text


class RoomApp(HostedApp):
    CSS = """
    #top { height: 4; }
    #clock { width: auto; padding: 0 2; }
    #when { padding: 1 2; text-style: bold; }
    #news { height: 1fr; border: round $primary; padding: 0 1; text-style: bold; }
    #indicators { height: 1fr; border: round $primary; }
    """
    TITLE = "exercise: the room"
    BINDINGS = [Binding("q", "quit", "Quit")]

    def __init__(self, url: str, token: str, *, ssl: Any = None) -> None:
        super().__init__(url, token, "room display", ssl=ssl)

    def compose(self) -> ComposeResult:
        with Vertical():
            with Horizontal(id="top"):
                yield Digits("T+00:00", id="clock")
                yield Static("connecting...", id="when")
            yield Static("", id="news")
            yield DataTable(id="indicators", cursor_type="none")

    def on_mount(self) -> None:
        table = self.query_one("#indicators", DataTable)
        table.add_columns("indicator", "value", "band")
        table.border_title = "Indicators"
        self.query_one("#news", Static).border_title = "Latest, to all"
        self.connect()

    def redraw(self) -> None:
        seat = self.seat
        if seat.now is None:
            return
        clock_now = seat.now.clock
        self.query_one("#clock", Digits).update(clock(clock_now.now))
        title = seat.welcome.title if seat.welcome else ""
        self.query_one("#when", Static).update(plain(f"EXERCISE EXERCISE EXERCISE  {title}\n{clock_now.when}  "
                                                     f"{clock_now.status}" + (
            "" if seat.connected else "  reconnecting...")))
        # The wall shows what the public sees: posts, the news, television and radio, teams' statements.
        news = [e for e in seat.injects() if e.data.get("channel") in PUBLIC][:6]
        panel = self.query_one("#news", Static)
        if seat.now.reveal is not None:  # the debrief: what really happened, as far as the facilitator revealed it
            panel.border_title = "What really happened"
            panel.styles.height = "3fr"  # the debrief is what the room reads now
            panel.update(plain(reveal_text(seat.now.reveal)))
        else:
            panel.update(plain("\n\n".join(f"{clock(e.t)}  {e.data['title']}" for e in news)))
        table = self.query_one("#indicators", DataTable)
        table.clear()
        for r in seat.now.indicators:
            table.add_row(rich_plain(r.name), f"{r.value:.2f}", band_text(r.band))
