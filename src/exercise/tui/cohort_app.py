"""The cohort's control console (``exercise cohort``): every cell's clock, progress and open decisions on one
screen, from each cell's control seat; pause or resume all cells or one, and send one ad-hoc inject to all.

Each cell is its own host (a process, here or on another machine); this console only talks to them. A cell
that drops shows as reconnecting and its row comes back when the cell does; ``supervise`` (when the console
started the cells) starts a cell again from its journal when its process has gone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from exercise.net.client import CommandError, RefusedError, Remote
from exercise.session.commands import AdhocInject, Clock, Command
from exercise.session.timeline import clock
from exercise.tui.plain import PlainApp, plain
from exercise.tui.screens.dialogs import Confirm, TextEntry


class CohortApp(PlainApp):
    CSS = """
    #cells { height: 1fr; border: round $primary; }
    #help { height: auto; padding: 0 1; }
    """
    TITLE = "exercise: cohort control"
    BINDINGS = [
        Binding("space", "all", "Pause/resume all"),
        Binding("p", "one", "Pause/resume this cell"),
        Binding("a", "inject", "Inject to all"),
        Binding("q", "leave", "Quit"),
    ]

    def __init__(self, cells: list[tuple[str, str, str]], supervise: Callable[[], list[str]] | None = None) -> None:
        """``cells``: (name, url, control token) of each cell."""
        super().__init__()
        self.names = [name for name, _, _ in cells]
        self.remotes = [Remote(url, token, "exercise control", on_update=self._update) for _, url, token in cells]
        self.supervise = supervise

    def compose(self) -> ComposeResult:
        yield DataTable(id="cells", cursor_type="row")
        yield Static(plain("space pauses or resumes every cell, p the highlighted one; a sends one inject to every "
                           "team of every cell."), id="help")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#cells", DataTable)
        table.add_columns("cell", "state", "clock", "in-world", "done", "decisions open", "teams' measures")
        table.border_title = "Cells"
        for remote in self.remotes:
            self.run_worker(self._keep(remote), group="cells")
        if self.supervise is not None:
            self.set_interval(2.0, self._supervise)
        self.redraw()

    async def _keep(self, remote: Remote) -> None:
        try:
            await remote.run()
        except RefusedError as exc:
            self.notify(f"a cell refused this console: {exc}", severity="error", timeout=15)

    def _supervise(self) -> None:
        assert self.supervise is not None
        for name in self.supervise():
            self.notify(f"{name} had stopped: started again from its journal.", severity="warning", timeout=10)

    def _update(self) -> None:
        if self.is_running:
            self.call_later(self.redraw)

    def state_of(self, remote: Remote) -> str:
        s = remote.state
        if not s.connected or s.now is None:
            return "RECONNECTING" if s.welcome is not None else "CONNECTING"
        return s.now.clock.status

    def redraw(self) -> None:
        table = self.query_one("#cells", DataTable)
        row = table.cursor_row
        table.clear()
        for name, remote in zip(self.names, self.remotes, strict=True):
            now = remote.state.now
            if now is None:
                table.add_row(name, self.state_of(remote), "", "", "", "", "")
                continue
            c = now.clock
            done = f"{c.now / c.end:.0%}" if c.end else ""
            style = "bold green" if c.status == "RUNNING" else "bold yellow" if c.status == "PAUSED" else "bold"
            table.add_row(name, Text(self.state_of(remote), style=style), clock(c.now), c.when, done,
                          str(len(now.decisions)), str(len(now.measures)))
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))

    async def _send(self, remote: Remote, command: Command) -> bool:
        try:
            await remote.send(command)
            return True
        except (CommandError, TimeoutError) as exc:
            self.notify(f"{self.names[self.remotes.index(remote)]}: {exc or 'no answer'}", severity="error")
            return False

    def running_cells(self) -> list[Remote]:
        return [r for r in self.remotes if r.state.now is not None and r.state.now.clock.running]

    def action_all(self) -> None:
        """Pause every cell if any runs, else resume every cell."""
        action: Literal["pause", "resume"] = "pause" if self.running_cells() else "resume"

        async def every() -> None:
            for remote in self.remotes:
                if remote.state.connected:
                    await self._send(remote, Clock(action=action))
            self.notify(f"{'Paused' if action == 'pause' else 'Resumed'} every cell.")
        self.run_worker(every())

    def action_one(self) -> None:
        table = self.query_one("#cells", DataTable)
        if not self.remotes or table.cursor_row < 0:
            return
        remote = self.remotes[table.cursor_row]
        action: Literal["pause", "resume"] = "pause" if remote in self.running_cells() else "resume"
        self.run_worker(self._send(remote, Clock(action=action)))

    def action_inject(self) -> None:
        def titled(title: str | None) -> None:
            if not title:
                return

            def written(body: str | None) -> None:
                if not body:
                    return

                async def every() -> None:
                    sent = [await self._send(r, AdhocInject(title=title[:200], body=body, to=["all"],
                                                            severity="medium"))
                            for r in self.remotes if r.state.connected]
                    self.notify(f"Sent to every team of {sum(sent)} cells.")
                self.run_worker(every())
            self.push_screen(TextEntry(f"Inject to all: {title[:60]}", "What every team of every cell is told"),
                             written)
        self.push_screen(TextEntry("Inject to every cell: its title", "One line"), titled)

    def action_leave(self) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self.exit()
        self.push_screen(Confirm("Leave cohort control?", "The cells play on; they stop when their hosts are "
                                 "stopped."), answer)
